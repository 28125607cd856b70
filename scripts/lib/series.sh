# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/series.sh: the series' patch files: their order, senders,
# subjects, what they change, checkpatch.
# Sourced by scripts/lib.sh, never run.

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

# patch_paths PATCH...: the files the patches change, one a line.
patch_paths() { sed -n 's|^+++ b/||p; s|^--- a/||p' "$@" | sort -u; }

# objects_of PATCH...: the kernel objects built from the .c files a patch
# changes (selftests and other tools are built by their own checks).
objects_of() {
	sed -n 's|^+++ b/\(.*\)\.c$|\1.o|p' "$@" | grep -v '^tools/' | sort -u
}

# checkpatch_ok SRC PATCH: scripts/checkpatch.pl --strict of the tree in SRC
# finds nothing in PATCH but Originally-by: tags.  UNKNOWN_COMMIT_ID is
# ignored: the expanded trees have no upstream history, so no Fixes: sha
# can be looked up.  FILE_PATH_CHANGES too: the documentation page the
# series adds is under Documentation/arch/x86/ (Documentation/x86/ on
# 6.1), which the X86 ARCHITECTURE entry of MAINTAINERS lists.
checkpatch_ok() {
	local out err rc

	# Debian's python3 first: spdxcheck.py needs python3-ply and python3-git.
	# Its report alone is judged; what it or a tool it ran printed on
	# stderr is shown when the report is not clean.
	err=$(mktemp)
	out=$(cd "$1" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict \
		--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$2" 2>"$err")
	rc=$?
	# Originally-by: is the tag that Documentation/process/maintainer-tip.rst
	# gives for a patch based on another author's earlier patch; checkpatch
	# calls it non-standard.  That warning alone passes.
	local orig
	orig=$(grep -c '^WARNING: Non-standard signature: Originally-by:' <<<"$out")
	if [ $rc -le 1 ] && grep -qE "^total: 0 errors, ${orig} warnings, 0 checks" <<<"$out"; then
		rm -f "$err"
		return 0
	fi
	{ echo "$out" | grep -E '^(ERROR|WARNING|CHECK|#[0-9]+:|total:)' ||
		echo "checkpatch.pl exited $rc: $(echo "$out" | tail -1)"
	  sed 's/^/stderr: /' "$err"; }
	rm -f "$err"
	return 1
}

# kselftest_copy TREE DIR: the tree's copy of the kselftest, written to
# DIR: kselftest/devmem/ as it is, but for the lines of devmem.c's table
# of signals (a line '	{ "MACHINE", ...') of each architecture of
# CC_ARCHES whose code in the tree's base does not answer
# CC_ATTR_GUEST_MEM_ENCRYPT (cc_machines, lib/recipients.sh: arm64, s390
# and powerpc answer it on 7.3, not on 6.12 and 6.1): a backport's test
# must not expect EPERM where its kernel cannot give it.
kselftest_copy() {
	local tree=$1 dir=$2 arch machine keep

	keep=",$(cc_machines "$tree"),"
	rm -rf "$dir" && mkdir -p "$dir" && cp -r "$TOP/kselftest/devmem/." "$dir/" || return 1
	for arch in $CC_ARCHES; do
		machine=$(cc_machine "$arch")
		[[ $keep == *",$machine,"* ]] && continue
		sed -i "/^\t{ \"$machine\", /d" "$dir/devmem.c" || return 1
	done
}
