# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/posting-judge, the judge of the stage 'posting', on the canned
# texts of tests/posting (no tree needed): each row of tests/posting/cases,
# good/ with the files of bad/CASE over it, fails the one point it breaks
# and passes every other point of its mode [harness/posting/CASE/MODE];
# good passes every point, and the control of every point, in both modes
# [harness/posting/good/MODE, harness/posting/controls/MODE].
: "${scratch:?}"

P=$TOP/tests/posting
fix=0002-x86-devmem-Drop-dev-mem-access-for-confidential-gues.patch

# pj MODE PREFIX DIR POINT [--control]: scripts/posting-judge on DIR, its
# line on stdout.
pj() {
	local -a a=(--prefix "$2" --series-md "$P/series.md" --fix "$fix" --fix-ref "$P/good/$fix")

	[ "$1" != newest ] || a+=(--newest)
	"$S/posting-judge" "${a[@]}" ${5:+"$5"} "$3" "$4"
}

# points MODE: the points judged in MODE.
points() {
	echo size words links fix-hunk cc
	[ "$1" = newest ] || echo dep3
}

while IFS=$'\t' read -r case mode point prefix; do
	d=$scratch/posting/$case-$mode
	rm -rf "$d" && mkdir -p "$d" && cp "$P"/good/* "$d/"
	[ ! -d "$P/bad/$case" ] || cp "$P/bad/$case"/* "$d/"
	why=
	for p in $(points "$mode"); do
		out=$(pj "$mode" "$prefix" "$d" "$p")
		rc=$?
		if [ "$p" = "$point" ] && [ $rc -ne 1 ]; then
			why="$p: exit $rc, not 1 (refused): $out"
		elif [ "$p" != "$point" ] && [ $rc -ne 0 ]; then
			why="$p: exit $rc, not 0: $out"
		elif [ "$p" = "$point" ]; then
			got=$out
		fi
		[ -z "$why" ] || break
	done
	if [ -n "$why" ]; then
		result "harness/posting/$case/$mode" FAIL "$why"
	elif [ "$point" = - ]; then
		result "harness/posting/$case/$mode" PASS "passes $(points "$mode" | paste -sd' ')"
	else
		result "harness/posting/$case/$mode" PASS "refused by $point alone: $got"
	fi
	[ "$case" = good ] || continue
	why=
	for p in $(points "$mode"); do
		out=$(pj "$mode" "$prefix" "$d" "$p" --control) || { why="$p-control: $out"; break; }
	done
	if [ -z "$why" ]; then
		result "harness/posting/controls/$mode" PASS "each point's mutated copies of good/ refused: $(points "$mode" | paste -sd' ')"
	else
		result "harness/posting/controls/$mode" FAIL "$why"
	fi
done < <(table "$P/cases" case mode point prefix)
