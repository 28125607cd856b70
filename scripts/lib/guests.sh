# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/guests.sh: the guest machines: their compilers, kernels,
# initramfs and QEMU.
# Sourced by scripts/lib.sh, never run.

# guest_make_args GUEST: make's ARCH= and CROSS_COMPILE= for it, a line each.
guest_make_args() {
	local cross

	echo "ARCH=$(guest_field "$1" arch)"
	cross=$(guest_field "$1" cross)
	[ "$cross" = - ] || echo "CROSS_COMPILE=$cross"
}

# guest_cc GUEST: the compiler of the guest's programs.
guest_cc() {
	local cross

	cross=$(guest_field "$1" cross)
	[ "$cross" != - ] || cross=
	echo "${cross}gcc"
}

# srcarch ARCH: the directory under arch/ of a kernel ARCH=, as the top
# Makefile maps it.
srcarch() {
	case $1 in
	i386|x86_64)		echo x86 ;;
	sparc32|sparc64)	echo sparc ;;
	parisc64)		echo parisc ;;
	*)			echo "$1" ;;
	esac
}

# arch_can_be_cc TREE SRCARCH: the tree's base lets a guest of that
# architecture be confidential: a Kconfig file of arch/SRCARCH selects
# ARCH_HAS_CC_PLATFORM.  Without it cc_platform_has() is the generic stub
# of <linux/cc_platform.h>, always false.  The one place that decides it.
arch_can_be_cc() {
	git -C "$(tree_repo "$1")" grep -l -e 'select ARCH_HAS_CC_PLATFORM' base -- "arch/$2" |
		grep '/Kconfig[^/]*$' >/dev/null	# all of its input: pipefail
}

# guest_can_be_cc TREE GUEST: arch_can_be_cc for the guest's architecture.
guest_can_be_cc() { arch_can_be_cc "$1" "$(srcarch "$(guest_field "$2" arch)")"; }

# guest_image TREE GUEST VARIANT: where guest_kernel puts that kernel.
guest_image() { echo "$(guest_dir "$1")/$2-$3"; }

# base_with TREE PATCH...: the git tree object of the base with PATCH...
# applied, made in a private index.
base_with() { rev_with "$1" base "${@:2}"; }

# rev_with TREE REV PATCH...: the git tree object of REV of the series'
# worktree with PATCH... applied, made in a private index.
rev_with() {
	local src idx rev=$2 tree=''

	src=$(work_src "$1")
	shift 2
	idx=$(mktemp)
	GIT_INDEX_FILE=$idx git -C "$src" read-tree "$rev" &&
		GIT_INDEX_FILE=$idx git -C "$src" apply --cached "$@" &&
		tree=$(GIT_INDEX_FILE=$idx git -C "$src" write-tree)
	rm -f "$idx"
	[ -n "$tree" ] && echo "$tree"
}

# variant_tree TREE VARIANT: the source tree (a git tree object) of a guest
# kernel: 'series' (the series' worktree HEAD), 'base', 'nofix' (the
# series with the mmap fix, MMAP_FIX, reverted: bench's control),
# 'stable' (the base with the stable-bound patches alone), or 'rfc3' (the
# base with guest/rfc3.patch, Arnd Bergmann's RFC 3/3, test only: boot's
# rfc3 cells, newest tree only), or 'mutant-NAME' (the series with
# guest/mutants/NAME.patch, test only: scripts/fuzz's mutants).  nofix,
# stable, rfc3 and the mutants are made in a private index: no worktree
# moves.
variant_tree() {
	local src fix idx tree
	local -a fixes

	src=$(work_src "$1")
	case $2 in
	series)	git -C "$src" rev-parse 'HEAD^{tree}' ;;
	base)	git -C "$src" rev-parse 'base^{tree}' ;;
	nofix)
		fix=$(git -C "$src" log --format='%H %s' base..HEAD |
			awk -v s="$MMAP_FIX" 'substr($0, 42) == s { print $1 }')
		[ -n "$fix" ] || die "series/$1 has no patch '$MMAP_FIX'"
		idx=$(mktemp)
		GIT_INDEX_FILE=$idx git -C "$src" read-tree HEAD &&
			git -C "$src" diff "$fix^" "$fix" |
			GIT_INDEX_FILE=$idx git -C "$src" apply --cached -R &&
			tree=$(GIT_INDEX_FILE=$idx git -C "$src" write-tree)
		rm -f "$idx"
		[ -n "$tree" ] || die "$1: '$MMAP_FIX' does not revert cleanly"
		echo "$tree" ;;
	stable)
		mapfile -t fixes < <(stable_bound "$1")
		[ ${#fixes[@]} -gt 0 ] || die "series/$1 has no patch bound for stable"
		base_with "$1" "${fixes[@]}" || die "$1: the stable-bound patches do not apply to the base" ;;
	rfc3)
		base_with "$1" "$TOP/guest/rfc3.patch" || die "$1: guest/rfc3.patch does not apply to the base" ;;
	mutant-*)
		[ -f "$TOP/guest/mutants/${2#mutant-}.patch" ] || die "no guest/mutants/${2#mutant-}.patch"
		rev_with "$1" HEAD "$TOP/guest/mutants/${2#mutant-}.patch" ||
			die "$1: guest/mutants/${2#mutant-}.patch does not apply to the series" ;;
	*)	die "unknown guest kernel '$2' (series, base, nofix, stable, rfc3 or mutant-NAME)" ;;
	esac
}

# guest_kernel TREE VARIANT [GUEST]: the guest kernel of a variant (see
# variant_tree) for GUEST (default: the first row of 'guests'): tinyconfig
# plus the guest's fragment, with its simulation patch (guest/: test
# only), as guest_image.  Nothing is built when that image is of the same
# source tree, patch, configuration and make arguments.
#
# Every variant is built in the series' worktree, build/TREE/src: the
# worktree is switched to the variant's files for the build (git
# read-tree: only the files that differ are rewritten) and reset to its
# HEAD after it.  The variants whose files differ from the series' in .c
# files alone (nofix, the mutants, rfc3, the base on 7.3) share the
# series' object directory, build/TREE/guest-GUEST; one that changes a
# header has its own, guest-GUEST-VARIANT (the base's linux/io.h on 6.x),
# so that no build undoes another's objects: built in one directory,
# each switch of such a header recompiled nearly the whole kernel, about 3
# minutes on 7.3 even from ccache, and a mutant after them without it.
# make goes by file times, so the times are kept with the contents
# (keep_times): a switched file whose contents are those an object
# directory was last built with gets the time it had then, any other the
# present time, and after the reset the worktree's files get back the
# times they had before the switch.  A run killed half way leaves the
# worktree changed, those paths borrowed, and apply puts the series back.  On failure, records a FAIL for
# TREE/GUEST/VARIANT/config or TREE/GUEST/VARIANT/kernel.
guest_kernel() {
	local tree=$1 variant=$2 g=${3:-}
	local sim frag img src out o key ikey vtree t ok=0 res
	local -a margs switched

	[ -n "$g" ] || g=$(default_guest)
	sim=$TOP/$(guest_field "$g" sim) && frag=$TOP/$(guest_field "$g" fragment) &&
		img=$(guest_field "$g" image) || return 1
	mapfile -t margs < <(guest_make_args "$g")
	src=$(work_src "$tree")
	out=$(guest_dir "$tree")
	res=$tree/$g/$variant
	src_clean "$tree"
	vtree=$(variant_tree "$tree" "$variant") || return 1
	if grep -q '\.h$' < <(git -C "$src" diff --name-only HEAD "$vtree"); then
		o=$(objdir "$tree" "guest-$g-$variant")
	else
		o=$(objdir "$tree" "guest-$g")
	fi
	mkdir -p "$out" "$o"
	key="$vtree $(cat "$sim" "$frag" | sha256sum | cut -c1-16) ${margs[*]}"
	GUEST_KERNEL_FROM=
	if [ -f "$(guest_image "$tree" "$g" "$variant")" ] &&
	   [ "$(cat "$(guest_image "$tree" "$g" "$variant").key" 2>/dev/null)" = "$key" ]; then
		log "$tree: the $g $variant kernel is up to date"
		return 0
	fi
	ikey=$(image_key "$g" "$key") || return 1
	if image_take "$ikey" "$(guest_image "$tree" "$g" "$variant")"; then
		echo "$key" >"$(guest_image "$tree" "$g" "$variant").key"
		GUEST_KERNEL_FROM=$(cat "$CACHE/images/$ikey/built")
		log "$tree: the $g $variant kernel from the image cache ($GUEST_KERNEL_FROM)"
		return 0
	fi
	rm -f "$(guest_image "$tree" "$g" "$variant")" "$(guest_image "$tree" "$g" "$variant").key"
	# Without ccache (fuzz's mutants), a variant in the series' object
	# directory is built on the series' objects, its changed files alone
	# compiled.  Where the series' kernel came from the image cache, the
	# directory has no kernel built yet, and the whole of it would be
	# compiled without ccache: the series' is built there first, from it.
	if [ -n "${CCACHE_DISABLE:-}" ] && [ "$variant" != series ] &&
	   [ "$o" = "$(objdir "$tree" "guest-$g")" ] && [ ! -f "$o/vmlinux" ]; then
		rm -f "$(guest_image "$tree" "$g" series)" "$(guest_image "$tree" "$g" series).key"
		(unset CCACHE_DISABLE; DEVMEM_IMAGE_CACHE=0 guest_kernel "$tree" series "$g") || return 1
	fi
	log "$tree: building the $g $variant kernel with ${sim#"$TOP"/} in ${o#"$TOP"/}"
	t=$(date +%s)
	# The paths this variant switches, and those the last build in $o did.
	mapfile -t switched < <({ git -C "$src" diff --name-only HEAD "$vtree"; patch_paths "$sim"
		awk '{ print $1 }' "$o/variant.times" 2>/dev/null; } | sort -u)
	borrow "$src" "${switched[@]}"
	keep_times save "$src" "$o" "${switched[@]}"
	# shellcheck disable=SC2064
	trap "git -C '$src' reset -q --hard HEAD && keep_times restore '$src' '$o' && unborrow '$src'" EXIT
	git -C "$src" read-tree -u --reset "$vtree" || die "$tree: cannot switch $src to the $variant files"
	if ! git -C "$src" apply "$sim"; then
		result "$res/kernel" FAIL "${sim#"$TOP"/} does not apply"
	elif ! keep_times switch "$src" "$o" "${switched[@]}"; then
		result "$res/kernel" FAIL "cannot set the times of the switched files in ${src#"$TOP"/}"
	elif ! kconfig "$src" "$o" "$frag" "${margs[@]}" >"$o/guest-build.log" 2>&1; then
		result "$res/config" FAIL "kconfig failed: see ${o#"$TOP"/}/guest-build.log"
	elif [ -n "$(config_missing "$o" "$frag")" ]; then
		result "$res/config" FAIL "Kconfig dropped: $(config_missing "$o" "$frag" | paste -sd' ')"
	elif ! kmake -C "$src" O="$o" "${margs[@]}" "$(basename "$img")" >>"$o/guest-build.log" 2>&1; then
		tail -20 "$o/guest-build.log" >&2
		result "$res/kernel" FAIL "see ${o#"$TOP"/}/guest-build.log"
	else
		cp "$o/$img" "$(guest_image "$tree" "$g" "$variant")"
		echo "$key" >"$(guest_image "$tree" "$g" "$variant").key"
		keep_times built "$src" "$o" "${switched[@]}"
		image_keep "$ikey" "$o/$img" "$tree $variant, built $(date -u +%F) in $(($(date +%s) - t))s"
		ok=1
	fi
	git -C "$src" reset -q --hard HEAD && keep_times restore "$src" "$o" && unborrow "$src"
	trap - EXIT
	[ "$ok" = 1 ] || return 1
	log "$tree: the $g $variant kernel built in $(($(date +%s) - t))s"
}

# The image cache: each guest kernel guest_kernel builds is kept in
# $CACHE/images under image_key, and a later build of the same key, from
# this clone or any other, copies it instead of building it: ccache for
# whole images, where a fresh clone would build each kernel again from
# ccache, with make's walk over the tree, the hits and the link.  The key
# names all that makes the image: guest_kernel's key (the variant's
# source tree as a git tree object, the simulation patch, the fragment,
# the make arguments), the versions of the tools that build it, and the
# functions that run the build.  Only an image whose build passed,
# every line of the fragment held, is kept: fuzz's mutants too, whose
# kernels it builds without ccache (CCACHE_DISABLE), and whose traces it
# compares, so that a kernel that behaves as another's fails.  Not used,
# nor filled, with DEVMEM_IMAGE_CACHE=0.  The 64 most recently used
# images are kept.
IMAGES_KEPT=64

# image_key GUEST KEY: the name of the image of guest_kernel's KEY.
image_key() {
	local cross

	cross=$(guest_field "$1" cross) || return 1
	[ "$cross" != - ] || cross=
	{
		echo "$2"
		tool_versions "${cross}gcc" "${cross}ld" gcc ld make pahole rustc lz4 gzip
		declare -f kmake kconfig guest_kernel keep_times
	} | sha256sum | cut -c1-32
}

# image_used: the image cache is on (above).
image_used() { [ "${DEVMEM_IMAGE_CACHE:-1}" != 0 ]; }

# image_take KEY DEST: the kept image of KEY copied to DEST; fails when
# there is none (or the cache is off).
image_take() {
	local d=$CACHE/images/$1

	image_used && [ -f "$d/image" ] && [ -f "$d/built" ] || return 1
	cp "$d/image" "$2.$$" && mv -f "$2.$$" "$2" && touch "$d"
}

# image_keep KEY FILE WHAT: FILE kept as the image of KEY, with a line
# saying what it is; moved in place whole, so that a run killed half way
# never leaves a part of an image there.  Then the least recently used
# images beyond IMAGES_KEPT go.
image_keep() {
	local d=$CACHE/images t

	image_used || return 0
	mkdir -p "$d" && t=$(mktemp -d "$d/.new.XXXXXX") || return 0
	cp "$2" "$t/image" && echo "$3" >"$t/built" && mv -T "$t" "$d/$1" 2>/dev/null ||
		rm -rf "$t"
	# What a run killed half way left, and the images least recently used.
	find "$d" -mindepth 1 -maxdepth 1 -name '.new.*' -mmin +60 -exec rm -rf {} +
	find "$d" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%T@ %p\n' |
		sort -rn | tail -n +$((IMAGES_KEPT + 1)) | cut -d' ' -f2- | xargs -r rm -rf
}

# keep_times save|switch|built|restore SRC O [PATH...]: the file times of
# guest_kernel (above), for the object directory O built from the
# worktree SRC.  O/variant.times holds 'PATH BLOB TIME' for each PATH the
# last build in O switched: its contents (git hash-object) and its time.
#   save     before the switch: each PATH's time, to be put back (restore)
#   switch   after it: each PATH whose contents are those of O's last build
#            gets that build's time; any other the present time, and the
#            object of a .c file among them goes (a mutant's stale mem.o
#            was once booted as another's: never taken on a time again)
#   built    after the build: variant.times, for the next one (until
#            then it names the paths, with no contents)
#   restore  after the reset to HEAD: the times saved, and nothing else
keep_times() {
	local how=$1 src=$2 o=$3 p h t

	shift 3
	case $how in
	save)
		rm -rf "$o/times.saved" && mkdir -p "$o/times.saved" || return 1
		for p; do
			[ -e "$src/$p" ] || continue
			mkdir -p "$o/times.saved/$(dirname "$p")" &&
				touch -r "$src/$p" "$o/times.saved/$p" || return 1
		done ;;
	switch)
		for p; do
			[ -e "$src/$p" ] || continue
			h=$(git -C "$src" hash-object "$p") || return 1
			t=$(awk -v p="$p" -v h="$h" '$1 == p && $2 == h { print $3 }' "$o/variant.times" 2>/dev/null)
			if [ -n "$t" ]; then
				touch -d "@$t" "$src/$p" || return 1
			else
				touch "$src/$p" || return 1
				case $p in *.c) rm -f "$o/${p%.c}.o" ;; esac
			fi
		done
		# Until 'built': paths whose contents match nothing, so that a
		# build that fails leaves no time to be trusted.
		printf '%s - 0\n' "$@" >"$o/variant.times" ;;
	built)
		for p; do
			[ -e "$src/$p" ] || continue
			printf '%s %s %s\n' "$p" "$(git -C "$src" hash-object "$p")" "$(stat -c %.9Y "$src/$p")"
		done >"$o/variant.times" ;;
	restore)
		[ -d "$o/times.saved" ] || return 0
		(cd "$o/times.saved" && find . -type f -printf '%P\n') | while read -r p; do
			[ ! -e "$src/$p" ] || touch -r "$o/times.saved/$p" "$src/$p"
		done
		rm -rf "$o/times.saved" ;;
	esac
}

# initramfs GUEST ROOT OUT: ROOT, with /dev/console and the guest's init
# added, as a gzipped cpio archive in OUT.  The init is guest/init with
# the host's busybox ('busybox' in the guest's row: the host's
# architecture only), or guest/init.c built static ('static').
initramfs() {
	local g=$1 root=$2 out=$3

	mkdir -p "$root"/{bin,dev,proc,sys}
	case $(guest_field "$g" init) in
	busybox) cp /bin/busybox "$root/bin/busybox" &&
		 cp "$TOP/guest/init" "$root/init" && chmod +x "$root/init" || return 1 ;;
	static)	 "$(guest_cc "$g")" -O2 -Wall -Wextra -Werror -static -o "$root/init" \
			"$TOP/guest/init.c" || return 1 ;;
	*)	 die "guests: $g: unknown init '$(guest_field "$g" init)' (busybox or static)" ;;
	esac
	[ -e "$root/dev/console" ] || mknod -m 600 "$root/dev/console" c 5 1 || return 1
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

# qemu_guest GUEST KERNEL INITRD APPEND LOG [QEMU ARGS]: boot under QEMU
# (TCG) until the guest powers off; its console, without CRs, goes to LOG.
# A guest with the busybox init (x86_64) also gets a second serial port,
# its ttyS1, written to LOG.steps: guest/init writes each step's result
# there as KTAP, out of band from the kernel's messages, and the judge
# takes the exit codes from it.  An explicit -serial drops the one
# -nographic adds, so the console's is named first.  The arm64 guest has
# none: QEMU's virt machine has one PL011 UART, and its kernel has no
# virtio console; the judge reads the console's markers there.
qemu_guest() {
	local g=$1 kernel=$2 initrd=$3 append=$4 log=$5 console
	local -a qemu serial=()

	shift 5
	read -ra qemu <<<"$(guest_field "$g" qemu)"
	console=$(guest_field "$g" console)
	# no stale results beside a new log
	rm -f "$log.steps"
	[ "$(guest_field "$g" init)" != busybox ] ||
		serial=(-serial mon:stdio -serial "file:$log.steps")
	timeout 300 "${qemu[@]}" -m 512M -smp 1 \
		-nographic -no-reboot -nic none "${serial[@]}" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=$console panic=-1 quiet loglevel=4 $append" \
		"$@" </dev/null 2>&1 | tr -d '\r' >"$log"
}

# guest_log_bad LOG: the first sign of a kernel oops, WARN, BUG or panic.
guest_log_bad() {
	grep -m1 -E 'BUG:|WARNING:|Oops|Kernel panic|general protection|Call Trace' "$1"
}

# guest_cells TREE GUEST: the guest's cells on TREE, one per line: name,
# kernel, command line, steps (boot's; data-check's rfc3 check): the rows of data/cells whose needs the guest and
# the tree have, without the steps (data/steps) whose needs the guest
# lacks, and without a cell left with no step.  'signals' in a cell's
# steps is each faked signal the guest can fake that is a signal on its
# architecture (the signal column of data/steps), tested for confidential
# mode; 'nonsignals' each other fake it can make (another architecture's
# signal, or none), tested for plain mode.
guest_cells() {
	local have steps arch

	arch=$(guest_field "$2" arch) &&
		have="- $(guest_field "$2" init) $arch" || return 1
	! tree_in "$1" newest || have="$have newest"
	steps=$(table "$TOP/data/steps" step needs signal) || return 1
	table "$TOP/data/cells" cell kernel cmdline needs steps | awk -F'\t' -v OFS='\t' \
		-v have=" $have " -v arch="$arch" -v steps="$steps" '
		function has(needs,   n, w, i) {
			n = split(needs, w, " ")
			for (i = 1; i <= n; i++)
				if (index(have, " " w[i] " ") == 0)
					return 0
			return 1
		}
		BEGIN {
			n = split(steps, row, "\n")
			for (i = 1; i <= n; i++) {
				split(row[i], f, "\t")
				ok[f[1]] = has(f[2])
				if (f[1] !~ /^fake-/ || !ok[f[1]])
					continue
				if (f[3] == arch)
					signals = signals " " f[1] " test=cc unfake"
				else
					nonsignals = nonsignals " " f[1] " test=plain unfake"
			}
		}
		has($4) {
			gsub(/(^| )signals( |$)/, " " signals " ", $5)
			gsub(/(^| )nonsignals( |$)/, " " nonsignals " ", $5)
			n = split($5, st, " "); keep = ""
			for (i = 1; i <= n; i++) {
				name = st[i]; sub(/=.*/, "", name)
				if (!(name in ok) || ok[name])	# unknown: init fails it
					keep = keep (keep == "" ? "" : " ") st[i]
			}
			if (keep != "")
				print $1, $2, $3, keep
		}'
}
