# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The image cache (lib/kernels.sh): guest_kernel on a small git tree, with
# make and Kconfig stubbed (the stub's image is the hash of the files it
# was built from, and each build is counted), in two build directories
# that stand for two clones sharing a scratch cache:
#   harness/image-hit   the second clone takes the first one's image, the
#                       same bytes, and builds nothing
#   harness/image-miss  a changed simulation patch, another variant and
#                       another version of a tool are each built, not
#                       taken
#   harness/image-off   DEVMEM_IMAGE_CACHE=0 builds, and keeps nothing
#   harness/image-prune the least recently used image goes first
#   harness/image-nocache  a kernel built without ccache (fuzz's mutants)
#                       in a clone whose series' kernel came from the
#                       image cache: the series' objects are built first,
#                       with ccache, so that only the variant's changes are
#                       compiled without it
# Needs nothing fetched.
: "${tree:?}" "${scratch:?}"

it=$scratch/images
builds=$it/builds

# clone N: a build directory with the series' worktree of a small tree:
# 'base' and one commit on it that changes drivers/char/mem.c.
clone() {
	local src=$it/clone$1/$tree/src

	mkdir -p "$src/drivers/char"
	git -C "$src" init -q
	echo 'int base;' >"$src/drivers/char/mem.c"
	echo 'int sim;' >"$src/sim.c"
	git -C "$src" add . && git -C "$src" -c user.name=h -c user.email=h@invalid commit -qm base &&
		git -C "$src" branch -q base
	echo 'int series;' >"$src/drivers/char/mem.c"
	git -C "$src" -c user.name=h -c user.email=h@invalid commit -qam series
}

# kernel N VARIANT: guest_kernel in clone N, with the stubs; prints the
# image's hash, or 'cached' after it when it came from the image cache.
kernel() {
	(
		# shellcheck disable=SC2034 # guest_kernel's
		BUILD=$it/clone$1 TOP=$it/top
		guest_field() {
			case $2 in
			cross) echo - ;; arch) echo x86_64 ;; sim) echo sim.patch ;;
			fragment) echo guest.config ;; image) echo arch/x86/boot/bzImage ;;
			*) return 1 ;;
			esac
		}
		kconfig() { mkdir -p "$2" && cp "$3" "$2/.config"; }
		kmake() {
			local src o a

			for a; do case $a in -C) src=next ;; O=*) o=${a#O=} ;; *) [ "$src" != next ] || src=$a ;; esac; done
			echo "build ${o##*/} ${CCACHE_DISABLE:+no ccache}" >>"$builds"
			mkdir -p "$o/arch/x86/boot" && touch "$o/vmlinux" &&
				cat "$src/drivers/char/mem.c" "$src/sim.c" | sha256sum >"$o/arch/x86/boot/bzImage"
		}
		guest_kernel "$tree" "$2" t >/dev/null 2>&1 || exit 1
		echo "$(cut -c1-16 "$(guest_image "$tree" t "$2")")${GUEST_KERNEL_FROM:+ cached}"
	)
}

# built: how many builds the stubs counted.
built() { grep -c . "$builds"; }

mkdir -p "$it/top" "$it/bin"
: >"$builds"
echo 'CONFIG_DEVMEM=y' >"$it/top/guest.config"
printf '%s\n' '--- a/sim.c' '+++ b/sim.c' '@@ -1 +1,2 @@' ' int sim;' '+int sim1;' >"$it/top/sim.patch"
clone 1 && clone 2 || { result harness/image-hit FAIL "cannot make the small tree"; return 0; }

# harness/image-hit
one=$(CACHE=$it/cache kernel 1 series) && two=$(CACHE=$it/cache kernel 2 series)
if [ -z "$one" ] || [ -z "$two" ]; then
	result harness/image-hit FAIL "guest_kernel failed on the small tree"
elif [ "$(built)" != 1 ] || [ "$two" != "${one% cached} cached" ]; then
	result harness/image-hit FAIL "the second clone: $two after $one, $(built) builds (want the same image, cached, and 1 build)"
else
	result harness/image-hit PASS "the second clone took the first one's image, $one, with no build"
fi

# harness/image-miss: each key below is new to the cache but for what
# the check changes (the pahole: the simulation patch the clone before it built).
: >"$builds"
miss=()
sed -i 's/int sim1;/int sim2;/' "$it/top/sim.patch"
v=$(CACHE=$it/cache kernel 2 series)
[ -n "$v" ] && [ "$v" = "${v% cached}" ] && [ "$v" != "${one% cached}" ] || miss+=("a changed simulation patch: '$v'")
v=$(CACHE=$it/cache kernel 2 base)
[ -n "$v" ] && [ "$v" = "${v% cached}" ] || miss+=("the base: '$v'")
printf '#!/bin/sh\necho "pahole v0.0-harness"\n' >"$it/bin/pahole" && chmod +x "$it/bin/pahole"
rm -rf "$it/clone1/$tree/guest"
v=$(PATH=$it/bin:$PATH CACHE=$it/cache kernel 1 series)
[ -n "$v" ] && [ "$v" = "${v% cached}" ] || miss+=("another pahole: '$v'")
if [ ${#miss[@]} -gt 0 ]; then
	result harness/image-miss FAIL "not built: ${miss[*]}"
elif [ "$(built)" != 3 ]; then
	result harness/image-miss FAIL "$(built) builds for 3 changed keys"
else
	result harness/image-miss PASS "a changed simulation patch, the base and another pahole: each built"
fi

# harness/image-off
: >"$builds"
n=$(find "$it/cache/images" -mindepth 1 -maxdepth 1 | wc -l)
rm -rf "$it/clone2/$tree/guest"
a=$(DEVMEM_IMAGE_CACHE=0 CACHE=$it/cache kernel 2 series)
if [ -z "$a" ] || [ "$a" != "${a% cached}" ] || [ "$(built)" != 1 ]; then
	result harness/image-off FAIL "DEVMEM_IMAGE_CACHE=0: '$a', $(built) builds (want 1, not cached)"
elif [ "$(find "$it/cache/images" -mindepth 1 -maxdepth 1 | wc -l)" != "$n" ]; then
	result harness/image-off FAIL "an image was kept with DEVMEM_IMAGE_CACHE=0"
else
	result harness/image-off PASS "DEVMEM_IMAGE_CACHE=0 built, and kept nothing"
fi

# harness/image-nocache: the series' kernel cached, the base's not (a
# simulation patch of its own); clone 3 takes the first, then builds the
# base without ccache.
: >"$builds"
sed -i 's/int sim2;/int sim3;/' "$it/top/sim.patch"
clone 3 || { result harness/image-nocache FAIL "cannot make the small tree"; return 0; }
a=$(CACHE=$it/cache kernel 1 series) && b=$(CACHE=$it/cache kernel 3 series) &&
	c=$(CCACHE_DISABLE=1 CACHE=$it/cache kernel 3 base)
want=$(printf 'build guest-t \nbuild guest-t \nbuild guest-t no ccache')
if [ -z "$c" ] || [ "$b" = "${b% cached}" ] || [ "$c" != "${c% cached}" ]; then
	result harness/image-nocache FAIL "the series in clone 1: '$a', in clone 3: '$b' (want cached), the base without ccache: '$c'"
elif [ "$(cat "$builds")" != "$want" ]; then
	result harness/image-nocache FAIL "builds: $(paste -sd, "$builds") (want the series in clone 1, then in clone 3 with ccache before the base without)"
else
	result harness/image-nocache PASS "the series' objects built with ccache in clone 3, then the base alone without"
fi

# harness/image-prune: with room for two, keeping a third drops the image
# used least recently, whatever the order of their names.
p=$it/prune
mkdir -p "$p" && echo image >"$p/file"
left=$(
	# shellcheck disable=SC2034 # image_keep's
	CACHE=$p IMAGES_KEPT=2
	image_keep c-old "$p/file" old && touch -d '-2 min' "$p/images/c-old" &&
		image_keep b-used "$p/file" used && touch -d '-3 min' "$p/images/b-used" &&
		image_take b-used "$p/taken" &&
		image_keep a-new "$p/file" new &&
		find "$p/images" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | paste -sd' '
)
if [ "$left" = "a-new b-used" ]; then
	result harness/image-prune PASS "kept: $left; the one used least recently went"
else
	result harness/image-prune FAIL "kept: '$left' (want a-new b-used: the newest and the one just taken)"
fi
