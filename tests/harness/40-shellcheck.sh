# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The scripts are clean for shellcheck at severity warning (lib.sh and
# scripts/lib/ are followed from each script through 'source=' directives),
# and so are the harness's tests.  scripts/tar-import and
# scripts/posting-judge are Python, and left out.  Needs shellcheck
# (scripts/deps installs it); FAILs without.
mapfile -t sh < <(cd "$TOP" && grep -lE '^#!/bin/(ba)?sh|^# shellcheck shell=' scripts/* scripts/lib/*.sh \
	tests/harness/*.sh .ci/run 2>/dev/null)
if ! command -v shellcheck >/dev/null; then
	result harness/shellcheck FAIL "no shellcheck (scripts/deps installs package shellcheck)"
elif out=$(cd "$TOP" && shellcheck -x -S warning -f gcc "${sh[@]}" 2>&1); then
	result harness/shellcheck PASS "the shell of scripts/, tests/harness/ and .ci/run: nothing at severity warning"
else
	echo "$out" >&2
	result harness/shellcheck FAIL "$(echo "$out" | grep -c .) findings, first: $(echo "$out" | head -1)"
fi
