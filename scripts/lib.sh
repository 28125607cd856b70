# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for the scripts under scripts/: paths, tree data, logging,
# and the result log that 'make check' counts.  Sourced, never run.

set -o pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${DEVMEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/devmem-cc}
BUILD=${DEVMEM_BUILD:-$TOP/build}
RESULTS=${RESULTS:-$BUILD/results}
JOBS=${JOBS:-$(nproc)}
T0=${T0:-$(date +%s)}
export CACHE BUILD RESULTS JOBS T0

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
# Paths below the clone are hashed relative, so a fresh clone (CI) hits the
# cache that an earlier clone filled.
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1
# Reproducible objects and cache hits across clones and dates.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 1970'
export KBUILD_BUILD_USER=devmem KBUILD_BUILD_HOST=harness
export LC_ALL=C

PROG=$(basename "$0")

elapsed() {
	local s=$(($(date +%s) - T0))

	printf '%02d:%02d' $((s / 60)) $((s % 60))
}

# One progress line per stage, with the elapsed time of the whole run.
log() { printf '[%s] %s: %s\n' "$(elapsed)" "$PROG" "$*" >&2; }

# One clear line and a non-zero exit.
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

# die_rc CODE MESSAGE...: as die, with the exit code CODE, for an answer
# that a script documents apart from its errors (exit 1), so that its
# callers go by the code and not by the wording.
die_rc() {
	local rc=$1

	shift
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit "$rc"
}

# tree_field TREE COLUMN: a column of the 'trees' table (2 package,
# 3 version, 4 suite).  Dies on an unknown tree.  The subject prefix, the
# rest of the line from column 5, is subject_prefix's.
tree_field() {
	local v

	v=$(awk -v t="$1" -v c="$2" '!/^#/ && $1 == t { print $c }' "$TOP/trees")
	[ -n "$v" ] || die "unknown tree '$1' (known: $(all_trees | paste -sd' '))"
	echo "$v"
}

# subject_prefix TREE: what 'git format-patch' puts in the brackets of
# the tree's subjects before "N/M" ("PATCH v6", "PATCH v6 6.12").
subject_prefix() {
	check_tree "$1" || return 1
	awk -v t="$1" '!/^#/ && $1 == t { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print }' "$TOP/trees"
}

all_trees() { awk '!/^#/ && NF { print $1 }' "$TOP/trees"; }

# table FILE COLUMN...: the named columns of each row of FILE, a
# tab-separated table whose first line that is not a comment names its
# columns; tab-separated too.  Dies on a column the header does not name.
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
stage_rows() { table "$TOP/stages" "$@"; }

# stage_targets: the make targets of the stages table, each as
# TARGET:PREREQUISITE:STAGE; the prerequisite is the target of the stage it
# needs, or of the first that has one up the chain, or 'deps'.
stage_targets() {
	stage_rows name needs make | awk -F'\t' '
		{ need[$1] = $2; target[$1] = $3; order[++n] = $1 }
		END {
			for (i = 1; i <= n; i++) {
				s = order[i]
				if (target[s] == "-") continue
				p = need[s]
				while (p != "-" && p != "" && target[p] == "-") p = need[p]
				printf "%s:%s:%s\n", target[s], (p == "-" || p == "") ? "deps" : target[p], s
			}
		}'
}

# The default tree, for make and the harness's own tests: the first line of
# 'trees'.  Nothing else names a tree.
default_tree() { all_trees | head -1; }

check_tree() { tree_field "$1" 2 >/dev/null; }

# Where things live for a tree.
tree_repo() { echo "$CACHE/trees/$1"; }		# expanded git repository (base)
series_dir() { echo "$TOP/series/$1"; }
work_src() { echo "$BUILD/$1/src"; }		# worktree with the series applied
objdir() { echo "$BUILD/$1/$2"; }		# O= directory: TREE VARIANT-ARCH

# worktree_at REPO DIR COMMIT: DIR, a worktree of REPO, clean and detached
# at COMMIT; made when missing.  -f -f: a run killed while making it
# leaves it locked.  A kernel tree's checkout writes 80000 files; one
# worker a core takes 25 s here where one alone takes 40.  It forces
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
		git -C "$repo" -c checkout.workers="$JOBS" worktree add -q -f -f --detach "$dir" "$commit" ||
			die "cannot make a worktree of $repo in $dir"
		return
	fi
	for op in am rebase merge cherry-pick revert; do
		git -C "$dir" "$op" --quit >/dev/null 2>&1
	done
	git -C "$dir" -c checkout.workers="$JOBS" checkout -q -f --detach "$commit" &&
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

series_patches() {
	local d

	d=$(series_dir "$1")
	[ -f "$d/series" ] || die "no quilt series file in series/$1"
	grep -vE '^[[:space:]]*(#|$)' "$d/series" | sed "s|^|$d/|"
}

# The placeholder identity: who the series here is signed by until someone
# real sends it (submitting-patches.rst refuses anonymous contributions).
# It is the From: of series/TREE/0000-cover-letter.patch, and any address
# in a domain reserved by RFC 2606 and RFC 6761 (*.example, *.invalid,
# *.test, *.localhost, example.com, .net and .org).  mbox rewrites it to
# the sender's identity and refuses to send as it.
RESERVED_DOMAINS='(([[:alnum:]-]+\.)*(example|invalid|test|localhost)|([[:alnum:]-]+\.)*example\.(com|net|org))\.?'

# header FILE NAME: the header NAME of a mail file, unfolded.
header() {
	awk -v h="$2" 'BEGIN { h = tolower(h) ": " }
		NR > 1 && /^$/ { exit }
		/^[ \t]/ { if (on) v = v " " substr($0, match($0, /[^ \t]/)); next }
		{ if (on) exit; on = (tolower(substr($0, 1, length(h))) == h); if (on) v = substr($0, length(h) + 1) }
		END { if (on || v != "") print v }' "$1"
}

# placeholder_ident TREE: "Name <email>", the From: of the tree's cover letter.
placeholder_ident() { header "$(series_dir "$1")/0000-cover-letter.patch" From; }

# ident_name IDENT, ident_email IDENT: the parts of "Name <email>".
ident_name() { sed -E 's/^"?([^"<]*[^"< ])"? *<.*/\1/' <<<"$1"; }
ident_email() { sed -nE 's/.*<([^>]*)>.*/\1/p' <<<"$1"; }

# reserved_address EMAIL: true when EMAIL is in a reserved domain.
reserved_address() { grep -qiE "@${RESERVED_DOMAINS}\$" <<<"$1"; }

# placeholder TREE NAME EMAIL: true when NAME <EMAIL> is (part of) the
# placeholder identity.
placeholder() {
	local p

	p=$(placeholder_ident "$1")
	reserved_address "$3" || [ "${3,,}" = "$(ident_email "$p" | tr '[:upper:]' '[:lower:]')" ] ||
		[ "$2" = "$(ident_name "$p")" ]
}

# The mmap fix, by its subject: bench reverts it for its control, and the
# data check wants it in every series.
# shellcheck disable=SC2034 # used by the scripts that source this file
MMAP_FIX='x86/devmem: Check the range of a /dev/mem mmap() only once'

# bisect_objects PATCH SERIES_PATCH...: the kernel objects bisect builds
# for PATCH: those it changes or, for a patch that changes only headers or
# Kconfig, those the whole series changes.
bisect_objects() {
	local p=$1

	shift
	if [ -n "$(objects_of "$p")" ]; then
		objects_of "$p"
	elif grep -qE '^\+\+\+ b/(include|arch)/.*\.h$|^\+\+\+ b/.*Kconfig' "$p"; then
		objects_of "$@"
	fi
}

# kselftests_of PATCH: the kselftests (directories) a patch changes.
kselftests_of() { sed -n 's|^+++ b/tools/testing/selftests/\([^/]*\)/.*|\1|p' "$1" | sort -u; }

# check_arches: every row of 'arches' says where it runs, in its fifth
# column: 'all' trees, or the 'newest' only (cross and plan read it).
check_arches() {
	local bad

	bad=$(awk '!/^#/ && NF && $5 != "all" && $5 != "newest" { print $1 ": \047" $5 "\047"; exit }' "$TOP/arches")
	[ -z "$bad" ] || die "arches: $bad in the fifth column, not 'all' or 'newest'"
}

# stable_patches PATCH...: those marked for stable.
stable_patches() { grep -l '^Cc: stable@vger.kernel.org' "$@"; }

# patch_subject PATCH: its subject, folded lines joined, [PATCH n/m] dropped.
patch_subject() {
	awk '/^Subject: / { s = $0; f = 1; next }
	     f && /^[ \t]/ { s = s $0; next }
	     f { print s; exit }' "$1" |
		sed -E 's/^Subject: (\[[^]]*\] )?//; s/[[:space:]]+/ /g'
}

# stable_bound TREE: the patches of TREE that are bound for stable: on
# the newest tree those marked Cc: stable, on the others (backports,
# marked for nothing until the fixes are upstream) those with the subject
# of one of them.
stable_bound() {
	local p newest subjects

	newest=$(default_tree)
	mapfile -t subjects < <(series_patches "$newest" | while read -r p; do
		! grep -q '^Cc: stable@vger.kernel.org' "$p" || patch_subject "$p"
	done)
	series_patches "$1" | while read -r p; do
		grep -qxF "$(patch_subject "$p")" <<<"$(printf '%s\n' "${subjects[@]}")" && echo "$p"
	done
	return 0
}

# Record a test result for 'make check': result NAME VERDICT [why], one
# line 'VERDICT NAME why' in $RESULTS.  The verdict is PASS, FAIL, SKIP, or
# XFAIL: a check that passes by showing the failure it expects (a base x
# cc boot cell: without the series the open() tests fail, or the guest is
# killed), counted as passed.  The name and the verdict are what the
# readers of $RESULTS decide by (check, ktap, summary, the controls); the
# reason is for people, and no reader matches its wording.  Any other
# verdict is recorded as a FAIL that says so.
VERDICTS='PASS FAIL SKIP XFAIL'
result() {
	local name=$1 verdict=$2

	shift 2
	case " $VERDICTS " in
	*" $verdict "*) ;;
	*)	set -- "result: unknown verdict '$verdict'${*:+: $*}"
		verdict=FAIL ;;
	esac
	mkdir -p "$(dirname "$RESULTS")"
	printf '%s %s %s\n' "$verdict" "$name" "$*" >>"$RESULTS"
	printf '[%s] %-5s %s%s\n' "$(elapsed)" "$verdict" "$name" "${*:+ ($*)}" >&2
}

# Planned results: what each stage of 'make check' must report.  check runs
# each stage with STAGE set to its key, TREE/VERB (TREE/bench, TREE/boot),
# and before a tree runs writes to $PLAN the results scripts/plan derives
# from the data.  A stage declares more, as soon as it knows them:
#
#	plan NAME...
#
# When a stage ends, each result planned for it and not recorded is a FAIL
# ("planned by STAGE, not reported"), and a stage that exits non-zero
# without recording a FAIL gets one named STAGE/exit: a check that dies
# never counts as a pass.  Outside check (no STAGE) plan does nothing.
PLAN=$RESULTS.plan
plan() {
	local name

	[ -n "${STAGE:-}" ] || return 0
	for name; do printf '%s %s\n' "$STAGE" "$name"; done >>"$PLAN"
}

# planned STAGE: the results planned for STAGE, once each.
planned() { awk -v k="$1" '$1 == k && !seen[$2]++ { print $2 }' "$PLAN" 2>/dev/null; }

# Kernel objects are cached in ccache's depend mode: a miss runs the
# compiler once and takes the key from its dependency file, where the
# default mode runs the preprocessor first and hashes its output.  A
# guest kernel with ccache cold took 8.3 minutes here instead of 10.5.
# Host programs (objtool among them) stay in the default mode: their
# -MT names an absolute path, which depend mode would hash, and a fresh
# clone would miss them all.
kmake() {
	make -s -j"$JOBS" CC='env CCACHE_DEPEND=1 ccache $(CROSS_COMPILE)gcc' HOSTCC="ccache gcc" "$@"
}

# Fail early, with the place named, when a disk is short of space.
# DEVMEM_FAKE_FREE_MB pretends a free space, for the harness's own tests.
need_space() {
	local dir=$1 mb=$2 avail

	mkdir -p "$dir"
	avail=${DEVMEM_FAKE_FREE_MB:-$(df -Pm "$dir" | awk 'NR == 2 { print $4 }')}
	[ "$avail" -ge "$mb" ] ||
		die "not enough disk space in $dir: ${avail} MB free, ${mb} MB needed"
}

# need_run_space N: fail early unless the disk of build/ holds what a
# check of N trees writes at most, as measured (doc/timings.md#disk):
# per tree 4000 MB in build/ (worktrees, objects, guests) and 2500 MB in
# the cache (packages, the expanded tree), plus 1000 MB of ccache.  What
# build/ and the cache hold already counts as free: a second run rewrites
# it in place.
need_run_space() {
	local want=$(($1 * 6500 + 1000)) held

	held=$(du -smc "$BUILD" "$CACHE" 2>/dev/null | awk 'END { print $1 + 0 }')
	need_space "$BUILD" $((want > held ? want - held : 0))
}

# kconfig_key SRC FRAGMENT [make args]: a name for what 'tinyconfig plus
# FRAGMENT' gives in SRC, a git tree: the make arguments, the fragment, the
# versions of the tools Kconfig asks ($(CROSS_COMPILE)gcc and ld, gcc,
# pahole, rustc), and the Kconfig files, scripts/, the top Makefile and the
# tiny configurations, as committed (their blob ids) and as changed in the
# worktree (the diff).  Fails where SRC is not the top of a git tree.
kconfig_key() {
	local src=$1 frag=$2 cross='' a
	local paths=(Makefile scripts kernel/configs ':(glob)**/Kconfig*' ':(glob)arch/*/configs/*tiny*')

	shift 2
	for a; do case $a in CROSS_COMPILE=*) cross=${a#*=} ;; esac; done
	[ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" -ef "$src" ] || return 1
	{
		printf '%s\n' "$@" && cat "$frag" &&
		for a in "${cross}gcc" "${cross}ld" gcc pahole rustc; do
			"$a" --version 2>/dev/null | sed -n 1p || echo "no $a"
		done &&
		git -C "$src" ls-files -s -- "${paths[@]}" &&
		git -C "$src" diff -- "${paths[@]}"
	} | sha256sum | cut -c1-32
}

# keep FILE NAME: FILE as $CACHE/kconfig/NAME, moved in place whole, so a
# run killed half way never leaves a part of an answer there.
keep() {
	mkdir -p "$CACHE/kconfig" && cp "$1" "$CACHE/kconfig/$2.$$" &&
		mv -f "$CACHE/kconfig/$2.$$" "$CACHE/kconfig/$2"
}

# kconfig SRC O FRAGMENT [make args]: tinyconfig plus FRAGMENT in O=.
# Kconfig's answer depends only on what kconfig_key names, and takes 10 to
# 15 s a run here, so each answer is kept in $CACHE/kconfig under its key:
# a hit copies it, and leaves a .config with the same content untouched so
# that make rebuilds nothing.  KCONFIG_CACHE=0 always asks Kconfig.
kconfig() {
	local src=$1 o=$2 frag=$3 key='' c

	shift 3
	mkdir -p "$o"
	if [ "${KCONFIG_CACHE:-1}" != 0 ] && key=$(kconfig_key "$src" "$frag" "$@"); then
		c=$CACHE/kconfig/$key.config
		if [ -f "$c" ]; then
			cmp -s "$c" "$o/.config" || cp "$c" "$o/.config"
			return
		fi
	fi
	kmake -C "$src" O="$o" "$@" tinyconfig >/dev/null &&
		"$src/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" "$frag" >/dev/null &&
		kmake -C "$src" O="$o" "$@" olddefconfig >/dev/null || return 1
	[ -z "$key" ] || keep "$o/.config" "$key.config"
}

# config_missing O FRAGMENT: the lines of FRAGMENT that the .config in O
# does not hold (Kconfig dropped them).
config_missing() {
	grep -E '^(CONFIG_|# CONFIG_)' "$2" | while read -r line; do
		grep -qxF "$line" "$1/.config" || echo "${line%%=*}"
	done
}

# config_value SYMBOL CONFIG: the value of CONFIG_SYMBOL in a .config.
config_value() { sed -n "s/^CONFIG_$1=//p" "$2"; }

# kselftest_build SRC O TARGET: the tree's own kselftest build of TARGET,
# output in O, log in O.log.  Extra make arguments may follow.
kselftest_build() {
	local src=$1 o=$2 t=$3

	shift 3
	rm -rf "$o"
	make -s -C "$src/tools/testing/selftests" O="$o" TARGETS="$t" "$@" >"$o.log" 2>&1
}

# patch_paths PATCH...: the files the patches change, one a line.
patch_paths() { sed -n 's|^+++ b/||p; s|^--- a/||p' "$@" | sort -u; }

# objects_of PATCH...: the kernel objects built from the .c files a patch
# changes (selftests and other tools are built by their own checks).
objects_of() {
	sed -n 's|^+++ b/\(.*\)\.c$|\1.o|p' "$@" | grep -v '^tools/' | sort -u
}

# checkpatch_ok SRC PATCH: scripts/checkpatch.pl --strict of the tree in SRC
# finds nothing in PATCH.  UNKNOWN_COMMIT_ID is ignored: the expanded trees
# have no upstream history, so no Fixes: sha can be looked up.
checkpatch_ok() {
	local out

	# Debian's python3 first: spdxcheck.py needs python3-ply and python3-git.
	out=$(cd "$1" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict \
		--ignore UNKNOWN_COMMIT_ID "$2" 2>&1)
	if echo "$out" | grep -q '^total: 0 errors, 0 warnings, 0 checks'; then
		return 0
	fi
	echo "$out" | grep -E '^(ERROR|WARNING|CHECK|#[0-9]+:|total:)'
	return 1
}

# The guests of the boot tests and the benchmark, one row each in 'guests'
# (its header says what each column is).  Their kernels and initramfs
# images live in guest_dir.
guest_dir() { echo "$BUILD/$1/guest"; }
all_guests() { table "$TOP/guests" guest; }
default_guest() { all_guests | head -1; }

# guest_field GUEST COLUMN: the named column of the guest's row.
guest_field() {
	local v

	v=$(table "$TOP/guests" guest "$2" | awk -F'\t' -v g="$1" '$1 == g { print $2; exit }') || exit 1
	[ -n "$v" ] || die "guests: no row '$1', or it has no column $2"
	echo "$v"
}

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

# guest_can_be_cc TREE GUEST: the tree's base lets a guest of that
# architecture be confidential: its arch/*/Kconfig selects
# ARCH_HAS_CC_PLATFORM.  Without it cc_platform_has() is the generic stub
# of <linux/cc_platform.h>, always false.
guest_can_be_cc() {
	git -C "$(tree_repo "$1")" grep -q -e 'select ARCH_HAS_CC_PLATFORM' base -- \
		"arch/$(srcarch "$(guest_field "$2" arch)")/Kconfig"
}

# guest_image TREE GUEST VARIANT: where guest_kernel puts that kernel.
guest_image() { echo "$(guest_dir "$1")/$2-$3"; }

# base_with TREE PATCH...: the git tree object of the base with PATCH...
# applied, made in a private index.
base_with() {
	local src idx tree=''

	src=$(work_src "$1")
	shift
	idx=$(mktemp)
	GIT_INDEX_FILE=$idx git -C "$src" read-tree base &&
		GIT_INDEX_FILE=$idx git -C "$src" apply --cached "$@" &&
		tree=$(GIT_INDEX_FILE=$idx git -C "$src" write-tree)
	rm -f "$idx"
	[ -n "$tree" ] && echo "$tree"
}

# variant_tree TREE VARIANT: the source tree (a git tree object) of a guest
# kernel: 'series' (the series' worktree HEAD), 'base', 'nofix' (the
# series with the mmap fix, MMAP_FIX, reverted: bench's control),
# 'stable' (the base with the stable-bound patches alone), or 'rfc3' (the
# base with tests/rfc3.patch, Arnd Bergmann's RFC 3/3, test only: boot's
# rfc3 cells, newest tree only).  nofix, stable and rfc3 are made in a
# private index: no worktree moves.
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
		base_with "$1" "$TOP/tests/rfc3.patch" || die "$1: tests/rfc3.patch does not apply to the base" ;;
	*)	die "unknown guest kernel '$2' (series, base, nofix, stable or rfc3)" ;;
	esac
}

# guest_kernel TREE VARIANT [GUEST]: the guest kernel of a variant (see
# variant_tree) for GUEST (default: the first row of 'guests'): tinyconfig
# plus the guest's fragment, with its simulation patch (tests/: test
# only), as guest_image.  Nothing is built when that image is of the same
# source tree, patch, configuration and make arguments.
#
# Every variant is built in the series' worktree, build/TREE/src, and in
# one object directory per guest, build/TREE/guest-GUEST: the worktree is
# switched to the variant's files for the build (git read-tree: only the
# files that differ are rewritten) and reset to its HEAD after it, so make
# rebuilds only what the variant changes and ccache finds the rest.  A run
# killed half way leaves the worktree changed, those paths borrowed, and
# apply puts the series back.  On failure, records a FAIL for
# TREE/GUEST/VARIANT/config or TREE/GUEST/VARIANT/kernel.
guest_kernel() {
	local tree=$1 variant=$2 g=${3:-}
	local sim frag img src out o key vtree t ok=0 res
	local -a margs switched

	[ -n "$g" ] || g=$(default_guest)
	sim=$TOP/$(guest_field "$g" sim) && frag=$TOP/$(guest_field "$g" fragment) &&
		img=$(guest_field "$g" image) || return 1
	mapfile -t margs < <(guest_make_args "$g")
	src=$(work_src "$tree")
	out=$(guest_dir "$tree")
	o=$(objdir "$tree" "guest-$g")
	res=$tree/$g/$variant
	mkdir -p "$out" "$o"
	src_clean "$tree"
	vtree=$(variant_tree "$tree" "$variant") || return 1
	key="$vtree $(cat "$sim" "$frag" | sha256sum | cut -c1-16) ${margs[*]}"
	if [ -f "$(guest_image "$tree" "$g" "$variant")" ] &&
	   [ "$(cat "$(guest_image "$tree" "$g" "$variant").key" 2>/dev/null)" = "$key" ]; then
		log "$tree: the $g $variant kernel is up to date"
		return 0
	fi
	rm -f "$(guest_image "$tree" "$g" "$variant")" "$(guest_image "$tree" "$g" "$variant").key"
	log "$tree: building the $g $variant kernel with ${sim#"$TOP"/} in ${o#"$TOP"/}"
	t=$(date +%s)
	mapfile -t switched < <(git -C "$src" diff --name-only HEAD "$vtree"; patch_paths "$sim")
	borrow "$src" "${switched[@]}"
	# shellcheck disable=SC2064
	trap "git -C '$src' reset -q --hard HEAD && unborrow '$src'" EXIT
	git -C "$src" read-tree -u --reset "$vtree" || die "$tree: cannot switch $src to the $variant files"
	if ! git -C "$src" apply "$sim"; then
		result "$res/kernel" FAIL "${sim#"$TOP"/} does not apply"
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
		ok=1
	fi
	git -C "$src" reset -q --hard HEAD && unborrow "$src"
	trap - EXIT
	[ "$ok" = 1 ] || return 1
	log "$tree: the $g $variant kernel built in $(($(date +%s) - t))s"
}

# initramfs GUEST ROOT OUT: ROOT, with /dev/console and the guest's init
# added, as a gzipped cpio archive in OUT.  The init is tests/init with
# the host's busybox ('busybox' in the guest's row: the host's
# architecture only), or tests/init.c built static ('static').
initramfs() {
	local g=$1 root=$2 out=$3

	mkdir -p "$root"/{bin,dev,proc,sys}
	case $(guest_field "$g" init) in
	busybox) cp /bin/busybox "$root/bin/busybox" &&
		 cp "$TOP/tests/init" "$root/init" && chmod +x "$root/init" || return 1 ;;
	static)	 "$(guest_cc "$g")" -O2 -Wall -Wextra -Werror -static -o "$root/init" \
			"$TOP/tests/init.c" || return 1 ;;
	*)	 die "guests: $g: unknown init '$(guest_field "$g" init)' (busybox or static)" ;;
	esac
	[ -e "$root/dev/console" ] || mknod -m 600 "$root/dev/console" c 5 1 || return 1
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

# qemu_guest GUEST KERNEL INITRD APPEND LOG [QEMU ARGS]: boot under QEMU
# (TCG) until the guest powers off; its console, without CRs, goes to LOG.
qemu_guest() {
	local g=$1 kernel=$2 initrd=$3 append=$4 log=$5 console
	local -a qemu

	shift 5
	read -ra qemu <<<"$(guest_field "$g" qemu)"
	console=$(guest_field "$g" console)
	timeout 300 "${qemu[@]}" -m 512M -smp 1 \
		-nographic -no-reboot -nic none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=$console panic=-1 quiet loglevel=4 $append" \
		"$@" </dev/null 2>&1 | tr -d '\r' >"$log"
}

# guest_log_bad LOG: the first sign of a kernel oops, WARN, BUG or panic.
guest_log_bad() {
	grep -m1 -E 'BUG:|WARNING:|Oops|Kernel panic|general protection|Call Trace' "$1"
}
