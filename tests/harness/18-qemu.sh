# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# qemu_guest (scripts/lib/guests.sh) boots once more a guest whose console
# stayed empty, once only, and keeps the empty log; a guest that printed
# anything is not booted again.  QEMU is a stub in a copy of data/guests.
# Needs nothing fetched.
: "${scratch:?}"

d=$scratch/qemu
mkdir -p "$d/data" && cp -r "$TOP/scripts" "$d/" && cp "$TOP"/data/* "$d/data/"
# The stub: its Nth call prints the Nth word of $STUB_SAYS ('-': nothing).
cat >"$d/qemu-stub" <<'STUB'
#!/bin/bash
n=$(($(cat "$STUB_CALLS" 2>/dev/null || echo 0) + 1))
echo "$n" >"$STUB_CALLS"
read -ra says <<<"$STUB_SAYS"
[ "${says[n - 1]:--}" = - ] || echo "${says[n - 1]}"
STUB
chmod +x "$d/qemu-stub"
g=$(default_guest)
awk -F'\t' -v OFS='\t' -v g="$g" -v q="$d/qemu-stub" '!/^#/ && $1 == g { $4 = q } { print }' \
	"$TOP/data/guests" >"$d/data/guests"

# boot SAYS: qemu_guest with the stub saying SAYS; 'CALLS LOG-LINES HUNG'.
boot() {
	rm -f "$d/calls" "$d/x.log" "$d/x.log.hung"
	STUB_SAYS=$1 STUB_CALLS=$d/calls bash -c '. "$1/scripts/lib.sh" && qemu_guest "$2" k i "" "$1/x.log"' \
		- "$d" "$g" 2>"$d/err"
	echo "$(cat "$d/calls") $(grep -c . "$d/x.log") $([ -f "$d/x.log.hung" ] && echo hung || echo -)"
}

got="$(boot '- @@DONE')|$(boot '@@DONE @@DONE')|$(boot '- - @@DONE')"
if [ "$got" = "2 1 hung|1 1 -|2 0 hung" ] && grep -q 'booting it once more' "$d/err"; then
	result harness/qemu-hung-once PASS "an empty console is booted once more, once; one that printed is not"
else
	result harness/qemu-hung-once FAIL "calls, log lines, hung log: '$got', not '2 1 hung|1 1 -|2 0 hung'"
fi
