# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# check itself, on copies of the repository whose stages are stubs (fake,
# tests/harness/lib.sh): all passing pass, with check.times and a KTAP
# that the tree's kunit.py reads with the same counts; a row added to
# 'stages' is run and counted; lint-control goes by the name of lint's
# FAIL; a stage that dies or records nothing fails the run.  Needs the
# default tree fetched (data, plan and kunit.py read it); SKIPs
# harness/check-stubbed otherwise, which stands for 70-data.sh and
# 80-lanes.sh too.
: "${tree:?}" "${scratch:?}"

# kunit DIR: kunit.py of the default tree parses DIR/build/check.ktap; its
# count line ('Ran N tests: ...') on stdout.
kunit() {
	PYTHONDONTWRITEBYTECODE=1 python3 "$(tree_repo "$tree")/tools/testing/kunit/kunit.py" \
		parse "$1/build/check.ktap" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | grep -o 'Ran .*'
}

if fetched; then
	# All stubs pass: check passes, and its KTAP parses with the same counts.
	d=$(fake pass)
	if fake_check "$d"; then
		result harness/check-stubbed PASS "$(tail -1 "$d/out")"
	else
		result harness/check-stubbed FAIL "with every stage a passing stub: $(tail -1 "$d/out")"
	fi
	if [ "$(awk -F'\t' 'NF == 4 && $2 ~ /^[0-9]+$/' "$d/build/check.times" | grep -c "^$tree/")" -gt 10 ] &&
	   grep -q "^total	[0-9]*	-	[0-9]*$" "$d/build/check.times"; then
		result harness/check-times PASS "build/check.times: $(grep -c . "$d/build/check.times") lines, a stage each and the total"
	else
		result harness/check-times FAIL "build/check.times lacks its stages or total: $(head -2 "$d/build/check.times" | paste -sd'|')"
	fi
	read -r np nf ns < <(tail -1 "$d/out" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/')
	want="Ran $((np + nf + ns)) tests: passed: $np, skipped: $ns"
	if got=$(kunit "$d") && [ "$got" = "$want" ] &&
	   grep -qxE " +ok [0-9]+ $tree/boot/x86_64/base-cc # XFAIL stub: the open\(\) tests fail without the series" \
		"$d/build/check.ktap"; then
		result harness/ktap PASS "kunit.py parse: $got; base-cc is an XFAIL"
	else
		result harness/ktap FAIL "kunit.py parse: '$got', expected '$want' and base-cc as XFAIL"
	fi

	# A stage added to the table, and nothing else: check plans it, runs
	# it in the lane, counts it and writes it in the KTAP, and make has a
	# target for it.  Reporting nothing, its planned results fail.
	d=$(fake added)
	printf 'extra\tlane\tall\tapply\textra\t-\textra-stage TREE\textra/one extra/two\t-\t-\t-\ta test stage\n' >>"$d/data/stages"
	stub >"$d/scripts/extra-stage" && chmod +x "$d/scripts/extra-stage"
	if fake_check "$d" &&
	   grep -qx "$tree/extra $tree/extra/two" "$d/build/results.plan" &&
	   grep -q "^PASS $tree/extra/one " "$d/build/results" &&
	   grep -qxE " +ok [0-9]+ $tree/extra/two" "$d/build/check.ktap" &&
	   grep -qx "scripts/devmem.py run $tree extra" < <(make -s -C "$d" -n extra TREE="$tree"); then
		printf '#!/bin/bash\nexit 0\n' >"$d/scripts/extra-stage"
		if ! fake_check "$d" &&
		   grep -q "^FAIL $tree/extra/one planned by $tree/extra, not reported" "$d/build/results"; then
			result harness/stage-added PASS "a row of 'stages' is planned, run, counted, in the KTAP and a make target; silent, it fails"
		else
			result harness/stage-added FAIL "a row of 'stages' whose script records nothing: $(tail -1 "$d/out")"
		fi
	else
		result harness/stage-added FAIL "a row added to 'stages' is not planned, run, in the KTAP and make: $(tail -1 "$d/out")"
	fi

	# lint-control goes by the name of lint's FAIL, not its reason: a
	# lint that, given the new warning, fails another result with the
	# words "new warnings" fails the control, and nothing else.
	d=$(fake lint-name)
	sed -i 's|result "$1/w1" FAIL stub|result "$1/w1/build-series" FAIL "1 new warnings"|' "$d/scripts/lint"
	if fake_check "$d"; then
		result harness/lint-control-name FAIL "check passed with lint failing $tree/w1/build-series: $(tail -1 "$d/out")"
	elif [ "$(grep '^FAIL ' "$d/build/results" | cut -d' ' -f2 | paste -sd' ')" = "$tree/lint-control" ]; then
		result harness/lint-control-name PASS "$(grep "^FAIL $tree/lint-control " "$d/build/results" | cut -d' ' -f3-)"
	else
		result harness/lint-control-name FAIL "not $tree/lint-control alone: $(grep '^FAIL ' "$d/build/results" | head -2 | paste -sd'|')"
	fi

	# A stage that dies without recording a FAIL fails the run.
	d=$(fake dying)
	printf '#!/bin/bash\n[ "$1" != --list ] || exec "$0.real" "$@"\nexit 1\n' >"$d/scripts/bench"
	if fake_check "$d"; then
		result harness/dying-stage FAIL "check passed with bench exiting 1: $(tail -1 "$d/out")"
	elif grep -q "^FAIL $tree/bench/exit exit 1 " "$d/build/results" &&
	     grep -q "^FAIL $tree/bench/[0-9]*MiB planned by $tree/bench, not reported" "$d/build/results" &&
	     ! kunit "$d" >/dev/null; then
		result harness/dying-stage PASS "$tree/bench/exit and bench's planned results FAIL; kunit.py fails the KTAP; $(tail -1 "$d/out")"
	else
		result harness/dying-stage FAIL "check failed, but not as $tree/bench/exit: $(grep '^FAIL' "$d/build/results" | head -1)"
	fi

	# A stage that exits 0 but records nothing: its planned results FAIL.
	d=$(fake silent)
	printf '#!/bin/bash\n[ "$1" != --list ] || exec "$0.real" "$@"\nexit 0\n' >"$d/scripts/cross"
	if ! fake_check "$d" && grep -q "^FAIL $tree/cross/[a-z0-9]* planned by $tree/cross, not reported ($tree/cross: exit 0)" "$d/build/results"; then
		result harness/planned-missing PASS "cross recording nothing: $(tail -1 "$d/out")"
	else
		result harness/planned-missing FAIL "cross recording nothing: $(tail -1 "$d/out")"
	fi

	# A tree whose fetch fails (Debian dropped its version): no stage of
	# its lane runs, yet every result the passing run planned for it is
	# a FAIL that says why, and each stage that plans its own results
	# (boot, fuzz...) stands as one.  Nothing of the lane goes silent.
	d=$(fake nofetch)
	printf '#!/bin/bash\necho "fetch: error: the stub archive moved" >&2\nexit 1\n' >"$d/scripts/fetch"
	# (the stub lint's w1 is planned as it runs: not the data's)
	want=$(awk -v t="$tree/" 'index($2, t) == 1 && $1 != t "fetch" && $2 != t "w1" { print $2 }' \
		"$scratch/pass/build/results.plan" | sort -u)
	selfs=$(stage_rows name runs trees plans | while IFS=$'\t' read -r n r t p; do
		[ "$r" = lane ] && [ "$p" = self ] && tree_in "$tree" "$t" && echo "$tree/$n"; done)
	fake_check "$d"
	got=$(grep "^FAIL $tree/.* planned by $tree/[a-z-]*, not reported ($tree/[a-z-]*: did not run: $tree/fetch failed)$" \
		"$d/build/results" | cut -d' ' -f2 | sort -u)
	lost=$(comm -23 <(printf '%s\n' "$want" $selfs | sort -u) <(echo "$got"))
	if [ -n "$want" ] && [ -z "$lost" ] && grep -q "^FAIL $tree/fetch/exit " "$d/build/results"; then
		result harness/lane-missing PASS "$(echo "$got" | wc -l) results of the $tree lane FAIL with its fetch: $(tail -1 "$d/out")"
	else
		result harness/lane-missing FAIL "with $tree's fetch failing, not reported: $(echo "$lost" | head -3 | paste -sd' ') ($(echo "$lost" | grep -c .) of $(echo "$want" | grep -c .))"
	fi
else
	for n in check-stubbed lane-missing; do result "harness/$n" SKIP "tree $tree is not fetched"; done
fi
