# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# devmem.py's parse (KTAP) and summary go by the verdict, a result line's first field, never
# by its reason: an XFAIL is 'ok N NAME # XFAIL why' and counts as passed,
# a PASS whose reason reads like an XFAIL stays a plain 'ok', and result
# records a verdict it does not know as a FAIL.  Needs nothing fetched.
: "${scratch:?}"

r=$scratch/xfail.results
printf '%s\n' 'PASS x/pass XFAIL: only the wording of one' 'XFAIL x/xfail killed in step 1, as expected' \
	'SKIP x/skip not here' 'FAIL x/fail 1 new warnings' >"$r"
RESULTS=$r result x/odd MAYBE "a verdict of no known name" 2>/dev/null
want=$(printf '%s\n' 'ok 1 x/pass' 'ok 2 x/xfail # XFAIL killed in step 1, as expected' \
	'ok 3 x/skip # SKIP not here' '# x/fail: 1 new warnings' 'not ok 4 x/fail' \
	"# x/odd: result: unknown verdict 'MAYBE': a verdict of no known name" 'not ok 5 x/odd')
got=$("$S/devmem.py" parse "$r" 2>&1 | sed -n 's/^        //p' | grep -v '^ \|^KTAP\|^# Subtest\|^1\.\.')
sum=$("$S/devmem.py" summary "$r" 2>&1 | tail -1)
if [ "$got" != "$want" ]; then
	result harness/xfail FAIL "ktap wrote: $(echo "$got" | paste -sd'|')"
elif [ "$sum" != "2 passed, 2 failed, 1 skipped" ]; then
	result harness/xfail FAIL "summary: '$sum', not '2 passed, 2 failed, 1 skipped'"
else
	result harness/xfail PASS "ok 2 x/xfail # XFAIL killed in step 1, as expected; a PASS reading 'XFAIL: ' is a plain ok; an unknown verdict a FAIL; summary: $sum"
fi
