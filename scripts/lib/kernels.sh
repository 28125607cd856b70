# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/kernels.sh: the guest kernels: their build in the series'
# worktree (guest_kernel), the image cache and the file times.
# Sourced by scripts/lib.sh, never run.

# guest_image TREE GUEST VARIANT: where guest_kernel puts that kernel.
guest_image() { echo "$(guest_dir "$1")/$2-$3"; }

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
# worktree changed, those paths borrowed, and apply puts the series back.
# On failure, records a FAIL for TREE/GUEST/VARIANT/config or
# TREE/GUEST/VARIANT/kernel.
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
