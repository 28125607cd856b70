# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# checkpatch, as lint runs it, catches a patch that breaks the coding
# style (tests/bad-style.patch).  Needs the default tree fetched, for its
# scripts/checkpatch.pl; SKIPs otherwise.
: "${tree:?}"

if [ -d "$(tree_repo "$tree")" ]; then
	if checkpatch_ok "$(tree_repo "$tree")" "$TOP/tests/bad-style.patch" >/dev/null 2>&1; then
		result harness/checkpatch-catches FAIL "tests/bad-style.patch passed checkpatch"
	else
		result harness/checkpatch-catches PASS "tests/bad-style.patch is refused"
	fi
else
	result harness/checkpatch-catches SKIP "tree $tree is not fetched"
fi
