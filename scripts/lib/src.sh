# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/src.sh: your own kernel tree, a git checkout named by SRC=
# (README), as a tree of its own, src-HASH (HASH: of the checkout's real
# path, so that the next run finds its cache again), and that tree's data:
# the one place it is decided.  The accessors of lib/tables.sh
# (tree_field, subject_prefix, series_dir, objdir...) answer for it from
# here, so every script takes it as it takes a tree of 'trees'.
#
# The checkout is only ever read: its branch, HEAD, index, working tree,
# stash and refs are left as they are, whatever happens to a run.  The
# harness works in a repository of its own, tree_repo (in the cache), that
# borrows the checkout's objects (git's alternates), has its base checked
# out (lint and docs build the base there) and tagged 'base', as fetch
# does for a Debian tree; and in its worktree, work_src, on the branch
# devmem-series/VERSION.
# Sourced by scripts/lib.sh, never run.

# is_src_tree TREE: TREE is a checkout's.
is_src_tree() { [[ $1 == src-* ]]; }

# src_row TREE: the file of the tree's data, one line, tab-separated, in
# the order of SRC_COLUMNS: the checkout's path, the base commit, the
# version of its Makefile, the tree of series/ it takes, the subject
# prefix.  src_register writes it.
SRC_COLUMNS='path base version series prefix'
src_row() { echo "$CACHE/src/$1"; }

# src_field TREE COLUMN: a column of the tree's data.  Dies on a tree that
# src_register never named.
src_field() {
	local i=0 c v

	for c in $SRC_COLUMNS; do
		i=$((i + 1))
		[ "$c" != "$2" ] || break
	done
	v=$(awk -F'\t' -v c="$i" 'NR == 1 { print $c }' "$(src_row "$1")" 2>/dev/null)
	[ -n "$v" ] || die "unknown tree '$1' (make SRC=<your git checkout> names it)"
	echo "$v"
}

# src_branch TREE: the branch of the series in the tree's worktree.
src_branch() { echo "devmem-series/$(src_field "$1" version)"; }

# src_backport PATH BASE VERSION: the backport series (the trees of
# 'trees' after the newest) for a tree of the 6.x form: the first, newest
# first, whose patches all apply to BASE, checked in a private index (the
# checkout's own is not read or written); when none does, the first that
# is not newer than VERSION (or the oldest), and apply's 'git am -3' names
# the patch that does not apply.
src_backport() {
	local path=$1 base=$2 version=$3 t idx
	local -a trees patches

	mapfile -t trees < <(all_trees | tail -n +2)
	idx=$(mktemp)
	for t in "${trees[@]}"; do
		mapfile -t patches < <(series_patches "$t")
		if GIT_INDEX_FILE=$idx git -C "$path" read-tree "$base" &&
		   GIT_INDEX_FILE=$idx git -C "$path" apply --cached --check "${patches[@]}" 2>/dev/null; then
			rm -f "$idx"
			echo "$t"
			return
		fi
	done
	rm -f "$idx"
	for t in "${trees[@]}"; do
		if [ "$(printf '%s\n' "$t" "$version" | sort -V | head -1)" = "$t" ]; then
			echo "$t"
			return
		fi
	done
	echo "${trees[-1]}"
}

# src_register DIR [BASE [PREFIX]]: name the checkout DIR as a tree and
# write its data (src_row); prints the name.  BASE (default HEAD) is the
# commit the series goes on; PREFIX the subject prefix (default: the
# newest tree's, "PATCH v7", for a tree of its form, where range_is_allowed()
# is in include/linux/io.h; with distro- and the tree's MAJOR.MINOR after
# it, "PATCH v7 distro-6.6", for a distribution backport, where it is in
# arch/x86/mm/pat/memtype.c: not the stable form "PATCH 6.6").
# Refuses, in one line, a directory that is not the top of a git
# checkout, a tree too old for the series and one without confidential
# guests.  Reads the checkout, never writes it.
src_register() {
	local dir=$1 rev=${2:-HEAD} prefix=${3:-} path base short version series name row newest

	# A ~/ that make passed on as it is.
	# shellcheck disable=SC2088
	case $dir in "~/"*) dir=$HOME/${dir#??} ;; esac
	[ -d "$dir" ] || die "SRC=$dir: no such directory"
	path=$(cd "$dir" && pwd -P) || die "SRC=$dir: cannot enter it"
	[ "$(git -C "$path" rev-parse --show-toplevel 2>/dev/null)" = "$path" ] ||
		die "SRC=$dir: not a git repository (or not its top directory)"
	base=$(git -C "$path" rev-parse -q --verify "$rev^{commit}") ||
		die "SRC=$dir: no commit '$rev' in it (BASE=)"
	short=$(git -C "$path" rev-parse --short=12 "$base")
	version=$(git -C "$path" show "$base:Makefile" 2>/dev/null | awk -F' *= *' '
		$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 } $1 == "SUBLEVEL" { s = $2 }
		/^$/ && v != "" { exit }
		END { if (v != "" && p != "") print v "." p (s != "" ? "." s : "") }')
	[ -n "$version" ] || die "SRC=$dir: $short has no kernel Makefile (VERSION and PATCHLEVEL)"
	name=src-$(printf '%s' "$path" | sha256sum | cut -c1-12)
	row=$(src_row "$name")
	newest=$(default_tree)

	# The series' form, from the tree itself: cached for the same base.
	if [ "$(cut -f2 "$row" 2>/dev/null)" = "$base" ]; then
		series=$(cut -f4 "$row")
	elif git -C "$path" grep -qF 'int range_is_allowed(' "$base" -- include/linux/io.h; then
		series=$newest
	elif git -C "$path" grep -qw range_is_allowed "$base" -- arch/x86/mm/pat/memtype.c; then
		series=$(src_backport "$path" "$base" "$version")
	else
		die "SRC=$dir: $version ($short) is too old for the series: range_is_allowed() is in neither include/linux/io.h nor arch/x86/mm/pat/memtype.c"
	fi
	git -C "$path" grep -qw ARCH_HAS_CC_PLATFORM "$base" -- arch/x86/Kconfig &&
		git -C "$path" grep -qE '^config (INTEL_TDX_GUEST|AMD_MEM_ENCRYPT)$' "$base" -- arch/x86/Kconfig ||
		die "SRC=$dir: $version ($short) has no confidential-guest support: no ARCH_HAS_CC_PLATFORM, or neither INTEL_TDX_GUEST nor AMD_MEM_ENCRYPT, in arch/x86/Kconfig"
	if [ -z "$prefix" ]; then
		prefix=$(subject_prefix "$newest") || return 1
		[ "$series" = "$newest" ] || prefix="$prefix distro-$(cut -d. -f1-2 <<<"$version")"
	fi
	mkdir -p "$(dirname "$row")"
	printf '%s\t%s\t%s\t%s\t%s\n' "$path" "$base" "$version" "$series" "$prefix" >"$row.$$" &&
		mv -f "$row.$$" "$row" || die "cannot write $row"
	echo "$name"
}

# src_fetch TREE: the tree's repository (tree_repo), made when missing,
# with the base checked out, on the branch base-tree, tagged 'base'; a
# change a run killed half way left there is taken out.  Its objects are
# the checkout's (alternates): nothing is copied, and the base-commit: of
# a posting is the checkout's own commit.
src_fetch() {
	local tree=$1 repo path base objects new

	repo=$(tree_repo "$tree")
	path=$(src_field "$tree" path) && base=$(src_field "$tree" base) || exit 1
	objects=$(git -C "$path" rev-parse --path-format=absolute --git-common-dir)/objects ||
		die "SRC=$path: not a git repository"
	if [ "$(cat "$repo/.git/objects/info/alternates" 2>/dev/null)" != "$objects" ]; then
		mkdir -p "$CACHE/trees"
		new=$(mktemp -d "$CACHE/trees/.new.XXXXXX")
		git init -q -b base-tree "$new" &&
			git -C "$new" config user.name "devmem harness" &&
			git -C "$new" config user.email "devmem-harness@localhost" &&
			git -C "$new" config gc.auto 0 &&
			echo "$objects" >"$new/.git/objects/info/alternates" ||
			{ rm -rf "$new"; die "cannot make a git repository for $tree in $new"; }
		rm -rf "$repo"
		mv "$new" "$repo"
	fi
	if [ "$(git -C "$repo" rev-parse -q --verify base)" != "$base" ] ||
	   [ -n "$(git -C "$repo" status --porcelain)" ]; then
		log "$tree: checking out $(git -C "$repo" rev-parse --short=12 "$base") of $path"
		git -C "$repo" update-ref refs/heads/base-tree "$base" &&
			git -C "$repo" tag -f base "$base" >/dev/null &&
			git -C "$repo" -c checkout.workers="$CORES" reset -q --hard base ||
			die "cannot check out $base in $repo"
	fi
	log "$tree: $path at $(git -C "$repo" rev-parse --short=12 base), $(src_field "$tree" version), series/$(src_field "$tree" series)"
}
