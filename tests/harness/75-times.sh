# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/timetable: a run's times as a table, the longest stage first,
# and the refusal of a file that is not a whole run; doc/times.md's table
# of measured runs is exactly what 'timetable --runs' makes of doc/times,
# README's what 'timetable --latest' makes, and a copy whose tables differ
# is told so, till 'timetable --write' writes them again.
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

# differs DIR FILE OPTION: why FILE of the repository at DIR does not show,
# between '<!-- timetable --OPTION -->' and '<!-- end -->', what DIR's
# timetable --OPTION makes of its doc/times; fails when it does.
differs() {
	local want got

	if ! want=$("$1/scripts/timetable" "--$3" 2>&1); then
		echo "timetable --$3: $want"
		return
	fi
	got=$(sed -n "/^<!-- timetable --$3 -->\$/,/^<!-- end -->\$/p" "$1/$2" | sed '1d;$d')
	if [ -z "$got" ]; then
		echo "$2 has no table between '<!-- timetable --$3 -->' and '<!-- end -->'"
	elif [ "$got" != "$want" ]; then
		echo "$2's table is not timetable --$3's of doc/times: run scripts/timetable --write"
	else
		return 1
	fi
}

if why=$(differs "$TOP" README.md latest); then
	result harness/readme-times FAIL "$why"
else
	result harness/readme-times PASS "README shows the latest make, make check cold and warm of doc/times/runs"
fi
if why=$(differs "$TOP" doc/times.md runs); then
	result harness/doc-times FAIL "$why"
else
	result harness/doc-times PASS "doc/times.md's $(($("$S/timetable" --runs | grep -c .) - 2)) measured runs are doc/times/runs and their times files"
fi

# A copy whose tables lost their last row: both differ, and --write makes
# them the real ones again.
c=$scratch/times
mkdir -p "$c/doc"
cp -r "$TOP/scripts" "$c/" && cp -r "$TOP/doc/times" "$TOP/doc/times.md" "$c/doc/" && cp "$TOP/README.md" "$c/"
for f in README.md doc/times.md; do
	awk 'NR > 1 && $0 != "<!-- end -->" { print prev } { prev = $0 } END { print prev }' "$c/$f" >"$c/$f.new" &&
		mv "$c/$f.new" "$c/$f"
done
if ! differs "$c" README.md latest >/dev/null || ! differs "$c" doc/times.md runs >/dev/null; then
	result harness/times-differ FAIL "a README or doc/times.md without its table's last row was not told"
elif ! err=$("$c/scripts/timetable" --write 2>&1); then
	result harness/times-differ FAIL "timetable --write: $err"
elif ! cmp -s "$c/README.md" "$TOP/README.md" || ! cmp -s "$c/doc/times.md" "$TOP/doc/times.md"; then
	result harness/times-differ FAIL "after timetable --write, the copy's README.md or doc/times.md is not the real one (is the real one written?)"
else
	result harness/times-differ PASS "a table without its last row differs, in README and doc/times.md; --write writes it again"
fi
