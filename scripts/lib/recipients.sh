# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/recipients.sh: who the series is sent to, as the newest
# tree's scripts/get_maintainer.pl names them: mbox writes them in each
# message's To: and Cc: headers, maintainers checks those.
# Sourced by scripts/lib.sh, never run.

# The architectures besides x86 whose confidential guests the fix changes
# where their code answers CC_ATTR_GUEST_MEM_ENCRYPT (cc_arch_files).
CC_ARCHES='arm64 s390 powerpc'
# The file whose maintainers are lockdown's: the fix closes /dev/mem as
# lockdown does, and the cover letter says why it is not a lockdown change.
LOCKDOWN_FILE=security/lockdown/lockdown.c

# gm_maintainers DIR: DIR/MAINTAINERS, the newest tree's with the series'
# own entry (the MAINTAINERS hunk of the newest series), and
# DIR/MAINTAINERS.base, without it.  Every tree's recipients come from
# them: a backport is sent to today's maintainers, not to its tree's
# stale addresses.
gm_maintainers() {
	local dir=$1 newest nrepo
	local -a np

	newest=$(default_tree)
	nrepo=$(tree_repo "$newest")
	git -C "$nrepo" rev-parse -q --verify base >/dev/null 2>&1 ||
		die "$newest is not fetched: its MAINTAINERS names the recipients of every tree (run: make fetch TREE=$newest)"
	mkdir -p "$dir"
	git -C "$nrepo" show base:MAINTAINERS >"$dir/MAINTAINERS.base" || die "no MAINTAINERS in $newest"
	cp "$dir/MAINTAINERS.base" "$dir/MAINTAINERS"
	mapfile -t np < <(series_patches "$newest")
	(cd "$dir" && GIT_CEILING_DIRECTORIES=$(dirname "$dir") git apply --include=MAINTAINERS "${np[@]}") ||
		die "the MAINTAINERS hunk of series/$newest does not apply to $newest's MAINTAINERS"
}

# gm MAINTAINERS ARG...: what the newest tree's get_maintainer.pl prints
# with MAINTAINERS, without git (--nogit --nogit-fallback) and without
# roles: a recipient a line, "Name <a@b>" or a list's bare address.  Its
# errors go to GM_ERR (/dev/null by default): it asks git about a Fixes:
# commit, which the expanded trees do not have.  With --nor --nol it
# prints the maintainers alone (mbox's To:).
gm() {
	local m=$1

	shift
	(cd "$(tree_repo "$(default_tree)")" && perl scripts/get_maintainer.pl --nogit --nogit-fallback \
		--norolestats --mpath "$m" "$@" 2>"${GM_ERR:-/dev/null}")
}

# addresses: the e-mail addresses in the lines on stdin, lower case, one a
# line ("Name <a@b>" or a bare a@b), sorted.
addresses() {
	grep -oE '[[:alnum:]._%+-]+@[[:alnum:].-]+\.[[:alpha:]]+' | tr '[:upper:]' '[:lower:]' | sort -u
}

# cc_arch_files TREE ARCH: the files of arch/ARCH in TREE's base that name
# CC_ATTR_GUEST_MEM_ENCRYPT (git grep): where there are any, that
# architecture's cc_platform_has() answers it, and the fix closes
# /dev/mem in its confidential guests too.
cc_arch_files() {
	git -C "$(tree_repo "$1")" grep -l CC_ATTR_GUEST_MEM_ENCRYPT base -- "arch/$2/" 2>/dev/null |
		sed 's/^base://'
}

# cc_machine ARCH: the machine (uname -m, a prefix) of ARCH's guests, as
# the kselftest's table of signals names it.
cc_machine() {
	case $1 in
	arm64)	 echo aarch64 ;;
	s390)	 echo s390x ;;
	powerpc) echo ppc64 ;;
	esac
}

# cc_machines TREE: the machines of CC_ARCHES whose code in TREE answers
# the attribute (cc_arch_files), comma separated: the kselftest's signals
# of the others are left out of TREE's copy (kselftest_copy).
cc_machines() {
	local arch

	for arch in $CC_ARCHES; do
		[ -z "$(cc_arch_files "$1" "$arch")" ] || cc_machine "$arch"
	done | paste -sd,
}

# cc_arch_paths TREE ARCH: cc_arch_files as the newest tree has them, for
# get_maintainer.pl -f there: each file, or where the newest tree lacks
# it, its nearest directory there.
cc_arch_paths() {
	local nrepo f

	nrepo=$(tree_repo "$(default_tree)")
	cc_arch_files "$1" "$2" | while read -r f; do
		while [ -n "$f" ] && [ ! -e "$nrepo/$f" ]; do
			f=$(dirname "$f")
			[ "$f" != . ] || f=
		done
		[ -z "$f" ] || echo "$f"
	done
}

# fix_people TREE MAINTAINERS: the maintainers and lists (get_maintainer.pl
# -f --nor) of LOCKDOWN_FILE and of the files cc_arch_paths finds in TREE
# for each of CC_ARCHES: who else the fix and the cover letter go to.
fix_people() {
	local tree=$1 m=$2 arch f
	local -a paths=("$LOCKDOWN_FILE")

	for arch in $CC_ARCHES; do
		while read -r f; do paths+=("$f"); done < <(cc_arch_paths "$tree" "$arch")
	done
	gm "$m" --nor -f "${paths[@]}"
}

# the_fix TREE PATCH...: those of PATCH... that are the fix: bound for
# stable (stable_bound, by subject) and changing drivers/char/mem.c.
the_fix() {
	local tree=$1 p subjects

	shift
	subjects=$(stable_bound "$tree" | while read -r p; do patch_subject "$p"; done)
	for p; do
		grep -qxF "$(patch_subject "$p")" <<<"$subjects" || continue
		grep -qxF '+++ b/drivers/char/mem.c' "$p" && echo "$p"
	done
	return 0
}
