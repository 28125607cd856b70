# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The scripts are clean for shellcheck at severity warning, and so are the
# harness's tests.  The Python scripts are left out.  Needs shellcheck
# (scripts/deps installs it); FAILs without.
: "${scratch:?}"
mapfile -t sh < <(cd "$TOP" && grep -lE '^#!/bin/(ba)?sh|^# shellcheck shell=' scripts/* scripts/lib/*.sh \
	tests/harness/*.sh .ci/run guest/kit.sh 2>/dev/null)
# scripts/lib.sh and the files it sources are checked once, through
# lib.sh; each other file in a copy that does not follow them again
# (following them cost each script a second of CPU, half the check).
c=$scratch/shellcheck
mkdir -p "$c" && (cd "$TOP" && cp --parents "${sh[@]}" "$c/") &&
	sed -i 's|^# shellcheck source=scripts/lib\.sh$|# shellcheck source=/dev/null|' "$c"/scripts/* "$c"/tests/harness/*.sh 2>/dev/null
if ! command -v shellcheck >/dev/null; then
	result harness/shellcheck FAIL "no shellcheck (scripts/deps installs package shellcheck)"
elif out=$({ (cd "$TOP" && shellcheck -x -S warning -f gcc scripts/lib.sh)
	    (cd "$c" && printf '%s\0' "${sh[@]}" | grep -zv '^scripts/lib' |
		xargs -0 -n 8 -P "$CORES" shellcheck -x -S warning -f gcc); } 2>&1) && [ -z "$out" ]; then
	result harness/shellcheck PASS "the shell of scripts/, tests/harness/, .ci/run and guest/kit.sh: nothing at severity warning"
else
	echo "$out" >&2
	result harness/shellcheck FAIL "$(echo "$out" | grep -c .) findings, first: $(echo "$out" | head -1)"
fi
