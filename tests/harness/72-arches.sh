# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# cross on a copy of 'arches' that builds nothing anywhere ('none' in
# every row), over a stand-in worktree that holds only mem.c: where the
# tree lets an architecture be confidential and no guest kernel of boot
# builds it, the table is out of date, a FAIL (s390 and powerpc on the
# newest tree); arm64, whose guest kernel builds mem.c there, and the
# architectures with the generic stub are SKIPs that say so.  Nothing is
# compiled.  Needs the default tree fetched (its Kconfig files are read).
: "${tree:?}" "${scratch:?}"

fetched || return 0

d=$scratch/arches
mkdir -p "$d/build/$tree/src/drivers/char"
mkdir -p "$d/data" && cp -r "$TOP"/scripts "$d/" && cp "$TOP"/data/trees "$TOP"/data/guests "$TOP"/data/stages "$d/data/"
awk -F'\t' -v OFS='\t' '/^#/ || !NF || $1 == "arch" { print; next } { $5 = "none"; print }' "$TOP/data/arches" >"$d/data/arches"
w=$d/build/$tree/src
echo '#include <linux/cc_platform.h>' >"$w/drivers/char/mem.c"
git -C "$w" init -q && git -C "$w" add . &&
	git -C "$w" -c user.name=h -c user.email=h@localhost commit -qm mem.c
r=$d/results
: >"$r"
DEVMEM_BUILD=$d/build RESULTS=$r "$d/scripts/cross" "$tree" >"$d/out" 2>&1
rc=$?
got=$(awk '{ print $1, $2 }' "$r" | sort | paste -sd' ')
fails=$(awk '$1 == "FAIL" { print $2 }' "$r" | sort | paste -sd' ')
if [ $rc -eq 0 ]; then
	result harness/arches-out-of-date FAIL "cross passed with no architecture built: $got"
elif [ "$tree" = "$(default_tree)" ] &&
     [ "$fails" != "$tree/cross/powerpc $tree/cross/s390" ]; then
	result harness/arches-out-of-date FAIL "not powerpc and s390 alone failing: $got"
elif ! grep -q "^SKIP $tree/cross/arm64 built by boot: the arm64 guest kernel" "$r" ||
     ! grep -q "^SKIP $tree/cross/mips 'arches' builds mips on no tree: here mips has the generic" "$r"; then
	result harness/arches-out-of-date FAIL "arm64 not left to its guest, or mips not a SKIP: $got"
elif [ -n "$(git -C "$w" status --porcelain)" ]; then
	result harness/arches-out-of-date FAIL "mem.c not put back after the negative control"
else
	result harness/arches-out-of-date PASS "$(grep "^FAIL $tree/cross/s390" "$r" | cut -d' ' -f3-)"
fi
