# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/worktree.sh: the worktrees of a tree: made, reset, and what a
# developer has in the series' worktree.
# Sourced by scripts/lib.sh, never run.

# objects_plain REPO: REPO's packs take at least the bytes of its base's
# blobs, as they do when stored plain, neither compressed nor deltified
# (scripts/fetch); compressed, 7.3's take a quarter.  0.3 s on 7.3.
objects_plain() {
	local kib blobs

	kib=$(git -C "$1" count-objects -v | awk '$1 == "size-pack:" { print $2 }')
	blobs=$(git -C "$1" ls-tree -r -l base | awk '{ s += $4 } END { printf "%d\n", s }')
	[ -n "$kib" ] && [ -n "$blobs" ] && [ $((kib * 1024)) -ge "$blobs" ]
}

# worktree_at REPO DIR COMMIT: DIR, a worktree of REPO, clean and detached
# at COMMIT; made when missing.  -f -f: a run killed while making it
# leaves it locked.  A kernel tree's checkout writes 80000 files: 8 s
# here from the plain objects fetch stores, one worker a core.  It forces
# (checkout -f, clean -fdx): only for a worktree the harness owns,
# bisect's, or the series' once apply found nothing there that is not in
# the series (apply's 'unsaved').  A git am, rebase, merge, cherry-pick or
# revert half way is forgotten.
worktree_at() {
	local repo=$1 dir=$2 commit=$3 op

	if ! git -C "$dir" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		log "making a worktree in ${dir#"$TOP"/}"
		rm -rf "$dir"
		git -C "$repo" worktree prune
		mkdir -p "$(dirname "$dir")"
		git -C "$repo" -c checkout.workers="$CORES" worktree add -q -f -f --detach "$dir" "$commit" ||
			die "cannot make a worktree of $repo in $dir"
		return
	fi
	for op in am rebase merge cherry-pick revert; do
		git -C "$dir" "$op" --quit >/dev/null 2>&1
	done
	git -C "$dir" -c checkout.workers="$CORES" checkout -q -f --detach "$commit" &&
		git -C "$dir" clean -q -fdx ||
		die "cannot reset $dir to $commit"
}

# The series' worktree, build/TREE/src, is the developer's as much as the
# harness's: the series is changed there, by commits, and exported
# (doc/internals.md).  What a stage changes there for a while (a
# variant's files, a test-only patch, a control's edit, apply's checkout
# and 'git am') it lists in SRC.borrowed first and puts back after, so
# that what a run killed half way leaves is told from a developer's work:
# apply puts the one back and refuses to drop the other.

# src_changes SRC [PATH...]: the paths of the worktree SRC (of PATH...)
# that differ from its HEAD, staged or not, and its untracked files that
# are not ignored, one a line.
src_changes() {
	git --literal-pathspecs -C "$1" diff --name-only HEAD -- "${@:2}" &&
		git --literal-pathspecs -C "$1" ls-files --others --exclude-standard -- "${@:2}"
}

# src_work SRC [PATH...]: src_changes less the paths that SRC.borrowed
# lists ('.': all).
src_work() {
	if grep -qxF . "$1.borrowed" 2>/dev/null; then
		return 0
	elif [ -f "$1.borrowed" ]; then
		src_changes "$@" | grep -vxF -f "$1.borrowed"
	else
		src_changes "$@"
	fi
	return 0
}

# borrow SRC PATH...: PATH... of SRC are the harness's until the stage has
# put them back and runs unborrow SRC PATH... (unborrow SRC: all of SRC,
# put back whole).  Dies when one of them holds a change that is not the
# harness's: none is ever overwritten.
borrow() {
	local src=$1 w

	shift
	[ $# -gt 0 ] || return 0
	w=$(src_work "$src" "$@" | head -1)
	[ -z "$w" ] || die "${src#"$TOP"/} has a change to $w that is not committed, and $PROG changes that file for a while: commit it first"
	printf '%s\n' "$@" >>"$src.borrowed"
}
unborrow() {
	local src=$1 rest

	shift
	[ $# -gt 0 ] && [ -f "$src.borrowed" ] &&
		rest=$(grep -vxF -f <(printf '%s\n' "$@") "$src.borrowed") &&
		{ echo "$rest" >"$src.borrowed"; return; }
	rm -f "$src.borrowed"
}

# src_clean TREE: die unless the series' worktree holds no change: a
# variant is built from its HEAD's files, and reset to them after.
src_clean() {
	local src

	src=$(work_src "$1")
	[ -n "$(git -C "$src" status --porcelain)" ] || return 0
	[ -z "$(src_work "$src")" ] ||
		die "$1: ${src#"$TOP"/} has changes that are not committed: commit them and run 'make export TREE=$1', or drop them with 'make apply TREE=$1 APPLY_DISCARD=1'"
	die "$1: ${src#"$TOP"/} was left changed by a run killed half way (run: make apply TREE=$1)"
}

# variant_src TREE base|series: the source tree without or with the series.
variant_src() {
	case $2 in
	base)	tree_repo "$1" ;;
	series)	work_src "$1" ;;
	*)	die "unknown variant '$2' (base or series)" ;;
	esac
}
