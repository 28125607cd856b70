# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/variants.sh: the source trees of the guest kernels (series,
# base, nofix, stable, rfc3, the mutants), as git tree objects.
# Sourced by scripts/lib.sh, never run.

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
