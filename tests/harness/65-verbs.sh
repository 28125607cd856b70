# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make and make STAGE are selections of the runner make check is (see
# 60-check.sh), with the same accounting: on a copy of the repository with
# stub stages whose boot dies without a result, each fails with
# TREE/boot/exit, and writes its summary, times and KTAP; with the stub
# boot alive, each passes.  Needs the default tree fetched (the data
# check reads it); runs nothing otherwise (60-check.sh records the SKIP).
: "${tree:?}"

fetched || return 0

# verb DIR NAME ARGS...: devmem.py ARGS on DIR, its output in DIR/NAME.out;
# the results file it wrote on stdout.
verb() {
	local d=$1 name=$2

	shift 2
	env DEVMEM_BUILD="$d/build" RESULTS="$d/build/results" APPLY_AS_IS=1 \
		"$d/scripts/devmem.py" "$@" >"$d/$name.out" 2>&1
}

d=$(fake verbs)
g=$(default_guest)
# (make check: 60-check.sh's check-stubbed and dying-stage)
declare -A file=([main]=$d/build/main [stage]=$d/build/$tree/boot)
declare -A args=([main]="main $tree" [stage]="run $tree boot")
for live in yes no; do
	[ $live = yes ] || printf '#!/bin/bash\n[ "$1" != --list ] || exec "$0.real" "$@"\necho "boot: error: stub QEMU died" >&2\nexit 1\n' >"$d/scripts/boot"
	for v in main stage; do
		# shellcheck disable=SC2086 # the verb's words
		verb "$d" "$v" ${args[$v]}
		rc=$?
		r=${file[$v]}.results
		last=$(tail -1 "$d/$v.out")
		if [ $live = yes ]; then
			if [ $rc -eq 0 ] && grep -q "^PASS $tree/boot/$g/" "$r" && [ -s "${file[$v]}.times" ] &&
			   grep -qE '^ +ok [0-9]+ boot$' "${file[$v]}.ktap" && [[ $last =~ ^[0-9]+\ passed,\ 0\ failed ]]; then
				result "harness/verbs/$v" PASS "devmem.py ${args[$v]}: $last"
			else
				result "harness/verbs/$v" FAIL "devmem.py ${args[$v]}, every stub alive: exit $rc: $last"
			fi
		elif [ $rc -ne 0 ] && grep -q "^FAIL $tree/boot/exit exit 1 without a FAIL: boot: error: stub QEMU died" "$r" &&
		     grep -qE '^ +not ok [0-9]+ boot$' "${file[$v]}.ktap" && [[ $last =~ ^[0-9]+\ passed,\ [1-9][0-9]*\ failed ]]; then
			result "harness/verbs/$v-dying" PASS "devmem.py ${args[$v]}, boot dying: $last"
		else
			result "harness/verbs/$v-dying" FAIL "devmem.py ${args[$v]}, boot dying: exit $rc: $(grep "^FAIL $tree/boot" "$r" | head -2 | paste -sd'|'); $last"
		fi
	done
done
