# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/timetable: a run's times as a table, the longest stage first,
# and the refusal of a file that is not a whole run; README's table of
# measured runs is exactly what 'timetable --runs' makes of doc/times.
# Needs nothing fetched.
: "${scratch:?}"

t=$scratch/canned.times
printf '%s\t%s\t%s\t%s\n' 7.3/lint 60 0 50 7.3/build 600 0 1100 harness 90 1 80 \
	total 700 - 1230 cores 2 - - >"$t"
want=$(printf '%s\n' '| stage | wall s | CPU s |' '| --- | ---: | ---: |' '| 7.3/build | 600 | 1100 |' \
	'| harness | 90 | 80 |' '| 7.3/lint | 60 | 50 |' \
	'| **total** (2 cores, 1.76 busy) | **700** (11.7 min) | **1230** |')
got=$("$S/timetable" "$t" 2>&1)
sed -i '/^total/d' "$t"
if [ "$got" != "$want" ]; then
	result harness/timetable FAIL "$(echo "$got" | paste -sd'|')"
elif err=$("$S/timetable" "$t" 2>&1) || [ "$(grep -c . <<<"$err")" -ne 1 ]; then
	result harness/timetable FAIL "a file without its total: not one refusing line: $(echo "$err" | paste -sd'|')"
else
	result harness/timetable PASS "by wall time, busy 1.76 of 2 cores; refused without a total: $err"
fi

# README between its markers, against the rendering of doc/times.
readme=$(sed -n '/^<!-- timetable --runs -->$/,/^<!-- end -->$/p' "$TOP/README.md" | sed '1d;$d')
if ! want=$("$S/timetable" --runs 2>&1); then
	result harness/readme-times FAIL "timetable --runs: $want"
elif [ -z "$readme" ]; then
	result harness/readme-times FAIL "README.md has no table between '<!-- timetable --runs -->' and '<!-- end -->'"
elif [ "$readme" != "$want" ]; then
	result harness/readme-times FAIL "README's table is not doc/times': run scripts/timetable --readme"
else
	result harness/readme-times PASS "README's $(($(echo "$want" | grep -c .) - 2)) measured runs are doc/times/runs and their times files"
fi
