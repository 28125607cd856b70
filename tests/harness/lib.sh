# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# tests/harness/lib.sh: what several files of tests/harness/ share:
# whether the default tree is fetched, and the copies of the repository
# whose stages are stubs, on which 60-check.sh, 70-data.sh and 80-lanes.sh
# run check.  Sourced by scripts/test-harness, never run.
: "${tree:?}" "${scratch:?}"

# fetched: the default tree's base is in the cache.
fetched() { git -C "$(tree_repo "$tree")" rev-parse -q --verify base >/dev/null 2>&1; }

# stub: a stub stage, for check on a copy of the repository: each stub
# reports what is planned for it as PASS (and lint, given LINT_INJECT, a
# FAIL of TREE/w1, which its control wants, with a reason that does not
# say why), so no kernel is built and nothing is fetched; what a stage
# lists (--list) is the real script's answer, kept beside it as NAME.real;
# the data check is the real script, reading the cached tree.
stub() {
	cat <<'STUB'
#!/bin/bash
# A stub stage for the harness's own tests of check.
[ "${1:-}" != --list ] || exec "$0.real" "$@"
. "$(dirname "$0")/lib.sh"
case ${0##*/} in
lint)	if [ -n "${LINT_INJECT:-}" ]; then result "$1/w1" FAIL stub; exit 1; fi
	plan "$1/w1"
	result "$1/w1" PASS stub
	result "$1/sparse" SKIP "stub: no sparse" ;;
boot)	result "$1/boot/x86_64/series-cc" PASS stub
	result "$1/boot/x86_64/base-cc" XFAIL "stub: the open() tests fail without the series" ;;
esac
planned "${STAGE:-none}" | while read -r name; do
	grep -q " $name " "$RESULTS" || result "$name" PASS stub
done
STUB
}

# What the checks on a copy with stub stages pretend is free (fake_check).
FAKE_FREE=1000000

# fake NAME: a copy of the repository in $scratch/NAME with stub stages.
fake() {
	local d=$scratch/$1 v

	mkdir -p "$d"
	cp -r "$TOP"/scripts "$TOP"/series "$TOP"/tests "$TOP"/config "$TOP"/Makefile "$TOP"/data \
		"$TOP"/guest "$d/"
	# Every stage of the table but the data check and lint's control,
	# which runs the stub lint; the unit tests (a verb of devmem.py) get a
	# script of their own.
	while IFS=$'\t' read -r name v; do
		case $name in
		data|lint-control) continue ;;
		unit)	sed -i "/^unit\t/s/\tdevmem\.py unit\t/\tunit-stub\t/" "$d/data/stages"
			v=unit-stub ;;
		esac
		v=$d/scripts/${v%% *}
		[ ! -f "$v" ] || mv "$v" "$v.real"
		stub >"$v" && chmod +x "$v"
	done < <(stage_rows name command)
	echo "$d"
}

# fake_check DIR: its check of the default tree; exit code, output in DIR/out.
# The stubs write nothing, so the check's disk estimate (need_run_space,
# several GB a tree) is not asked of the machine running the harness:
# 10-bad-input.sh tests that estimate itself.
fake_check() {
	env DEVMEM_FAKE_FREE_MB=$FAKE_FREE DEVMEM_BUILD="$1/build" RESULTS="$1/build/results" "$1/scripts/devmem.py" check "$tree" >"$1/out" 2>&1
}
