# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/tables.sh: the data tables at the top of the clone (trees,
# stages, guests, arches), read by column name, and where each tree lives.
# Sourced by scripts/lib.sh, never run.

# tree_field TREE COLUMN: a column of data/trees, by name (package,
# version, suite, prefix).  Dies on an unknown tree.  A checkout's tree
# (lib/src.sh) has its path for a package, its Makefile's version, and no
# suite.
tree_field() {
	local v

	if is_src_tree "$1"; then
		case $2 in
		package) src_field "$1" path ;;
		version) src_field "$1" version ;;
		*)	echo - ;;
		esac
		return
	fi
	v=$(table "$TOP/data/trees" tree "$2" | awk -F'\t' -v t="$1" '$1 == t { print $2 }')
	[ -n "$v" ] || die "unknown tree '$1' (known: $(all_trees | paste -sd' '))"
	echo "$v"
}

# subject_prefix TREE: what 'git format-patch' puts in the brackets of
# the tree's subjects before "N/M" ("PATCH v7", "PATCH v7 distro-6.12").
subject_prefix() {
	check_tree "$1" || return 1
	! is_src_tree "$1" || { src_field "$1" prefix; return; }
	tree_field "$1" prefix
}

all_trees() { table "$TOP/data/trees" tree; }

# table FILE COLUMN...: the named columns of each row of FILE, a
# tab-separated table whose first line that is not a comment names its
# columns; tab-separated too.  Dies on a column the header does not name.
# The tables of data/ are checked as a whole by scripts/devmem_data.py
# before any stage of a run starts; this reads them by the same names, in
# awk: a Python start costs 20 times more, and the scripts read often.
table() {
	local file=$1 out

	shift
	out=$(awk -F'\t' -v OFS='\t' -v want="$*" '
		/^#/ || !NF { next }
		!n++ {
			for (i = 1; i <= NF; i++) col[$i] = i
			k = split(want, w, " ")
			for (i = 1; i <= k; i++)
				if (!(w[i] in col)) { print w[i]; exit 3 }
			next
		}
		{ line = ""; for (i = 1; i <= k; i++) line = line (i > 1 ? OFS : "") $col[w[i]]; print line }
	' "$file")
	case $? in
	0)	[ -z "$out" ] || echo "$out" ;;
	3)	die "${file#"$TOP"/}: no column '$out'" ;;
	*)	die "cannot read ${file#"$TOP"/}" ;;
	esac
}

# stage_rows COLUMN...: the named columns of the stages table ('stages').
stage_rows() { table "$TOP/data/stages" "$@"; }

# The default tree, for make and the harness's own tests: the first line of
# 'trees'.  Nothing else names a tree.
default_tree() { all_trees | head -1; }

check_tree() { tree_field "$1" package >/dev/null; }

# stage_list PREFIX ARGS...: with ARGS '--list TREE', a stage's answer to
# --list, the results it plans for TREE (what the runner plans by): what
# the stage's function 'listed TREE' prints, each line after TREE/PREFIX;
# then the script exits, 1 when 'listed' fails.  With other ARGS it returns.
stage_list() {
	local prefix=$1 tree out

	[ "${2:-}" = --list ] || return 0
	tree=${3:?usage: $PROG --list TREE}
	check_tree "$tree" || exit 1
	out=$(listed "$tree") || exit 1
	[ -z "$out" ] || sed "s|^|$tree/$prefix|" <<<"$out"
	exit 0
}

# data_tree TREE: the tree of 'trees' whose data (series/, bench-limits,
# data/aliases) TREE goes by: itself, or for a checkout's tree the one
# whose series it takes.
data_tree() {
	if is_src_tree "$1"; then src_field "$1" series; else echo "$1"; fi
}

# tree_in TREE KIND: the tree is among KIND, a 'trees' column of 'guests',
# 'arches' or 'stages': all of them, the newest only (the default tree),
# or the oldest only (the last line of 'trees'); 'none' ('arches'): no tree.
tree_in() {
	case $2 in
	all)	return 0 ;;
	none)	return 1 ;;
	oldest)	[ "$(data_tree "$1")" = "$(all_trees | tail -1)" ] ;;
	newest)	[ "$(data_tree "$1")" = "$(default_tree)" ] ;;
	*)	return 1 ;;	# data-check refuses it
	esac
}

# Where things live for a tree.  A checkout's tree keeps its objects in
# the cache, where the next run finds them, and is posted from build/.
# expanded git repository (base): in the cache's trees/, or DEVMEM_TREES
tree_repo() { echo "${DEVMEM_TREES:-$CACHE/trees}/$1"; }
series_dir() { echo "$TOP/series/$(data_tree "$1")"; }
# base_version TREE: the version of the package the tree's cached base
# was made from (fetch's commit message); a checkout's, its Makefile's.
base_version() {
	if is_src_tree "$1"; then
		src_field "$1" version
	else
		git -C "$(tree_repo "$1")" log -1 --format=%s base 2>/dev/null | awk '{ print $2 }'
	fi
}
# Debian's amd64 configuration (fetch) of the version the tree is built on
# (VERSION, else its base's); a checkout's is its series tree's.
debian_config() {
	local t

	t=$(data_tree "$1")
	echo "$CACHE/configs/$t-${VERSION:-$(base_version "$t")}-debian-amd64.config"
}
work_src() { echo "$BUILD/$1/src"; }		# worktree with the series applied
# (DEVMEM_SRC_OBJECTS in place of the cache's objects/: scripts/standin).
objdir() {					# O= directory: TREE VARIANT-ARCH
	if is_src_tree "$1"; then
		echo "${DEVMEM_SRC_OBJECTS:-$CACHE/objects}/$1/$2"
	else
		echo "$BUILD/$1/$2"
	fi
}
# posting_dir TREE: where export writes the series and mbox reads it:
# series/TREE, the product, or build/TREE/series for a checkout's tree.
posting_dir() {
	if is_src_tree "$1"; then echo "$BUILD/$1/series"; else series_dir "$1"; fi
}

# check_arches: every row of 'arches' says where it runs, in its fifth
# column: 'all' trees, the 'newest' only, or 'none' (cross and plan read
# it).
check_arches() {
	local bad

	bad=$(table "$TOP/data/arches" arch trees | awk '$2 != "all" && $2 != "newest" && $2 != "none" { print $1 ": \047" $2 "\047"; exit }')
	[ -z "$bad" ] || die "arches: $bad in column trees, not 'all', 'newest' or 'none'"
}

# arch_guest TREE ARCH: the guest of 'guests' that boots an ARCH kernel on
# TREE, if any (its kernel builds drivers/char/mem.o with the series).
arch_guest() {
	local g a trees

	while IFS=$'\t' read -r g a trees; do
		[ "$a" = "$2" ] && tree_in "$1" "$trees" && { echo "$g"; return; }
	done < <(table "$TOP/data/guests" guest arch trees)
	return 0
}

# The guests of the boot tests and the benchmark, one row each in 'guests'
# (its header says what each column is).  Their kernels and initramfs
# images live in guest_dir.
guest_dir() { echo "$BUILD/$1/guest"; }
all_guests() { table "$TOP/data/guests" guest; }
default_guest() { all_guests | head -1; }

# guest_field GUEST COLUMN: the named column of the guest's row.
guest_field() {
	local v

	v=$(table "$TOP/data/guests" guest "$2" | awk -F'\t' -v g="$1" '$1 == g && !n++ { print $2 }') || exit 1
	[ -n "$v" ] || die "guests: no row '$1', or it has no column $2"
	echo "$v"
}
