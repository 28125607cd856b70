# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/results.sh: the results that make check counts, and what each
# stage plans.
# Sourced by scripts/lib.sh, never run.

# Record a test result for 'make check': result NAME VERDICT [why], one
# line 'VERDICT NAME why' in $RESULTS.  The verdict is PASS, FAIL, SKIP, or
# XFAIL: a check that passes by showing the failure it expects (a base x
# cc boot cell: without the series the open() tests fail, or the guest is
# killed), counted as passed.  The name and the verdict are what the
# readers of $RESULTS decide by (check, ktap, summary, the controls); the
# reason is for people, and no reader matches its wording.  Any other
# verdict is recorded as a FAIL that says so.
VERDICTS='PASS FAIL SKIP XFAIL'
result() {
	local name=$1 verdict=$2

	shift 2
	case " $VERDICTS " in
	*" $verdict "*) ;;
	*)	set -- "result: unknown verdict '$verdict'${*:+: $*}"
		verdict=FAIL ;;
	esac
	mkdir -p "$(dirname "$RESULTS")"
	printf '%s %s %s\n' "$verdict" "$name" "$*" >>"$RESULTS"
	printf '[%s] %-5s %s%s\n' "$(elapsed)" "$verdict" "$name" "${*:+ ($*)}" >&2
}

# Planned results: what each stage must report.  The runner
# (scripts/devmem.py) runs each stage with STAGE set to its key, TREE/VERB
# (TREE/bench, TREE/boot), and before it runs writes to $PLAN the results
# its row of data/stages or its --list names.  A stage declares more, as
# soon as it knows them:
#
#	plan NAME...
#
# When a stage ends, each result planned for it and not recorded is a FAIL
# ("planned by STAGE, not reported"), and a stage that exits non-zero
# without recording a FAIL gets one named STAGE/exit: a check that dies
# never counts as a pass.  Outside the runner (no STAGE) plan does nothing.
PLAN=$RESULTS.plan
plan() {
	local name

	[ -n "${STAGE:-}" ] || return 0
	for name; do printf '%s %s\n' "$STAGE" "$name"; done >>"$PLAN"
}

# planned STAGE: the results planned for STAGE, once each.
planned() { awk -v k="$1" '$1 == k && !seen[$2]++ { print $2 }' "$PLAN" 2>/dev/null; }
