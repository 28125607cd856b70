# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The data check's answers, on copies of the repository with stub stages
# (fake, tests/harness/lib.sh) whose data lacks a piece: each stops the
# tree with one line, and bench without its bench-limits line fails the run
# too.  Needs the default tree fetched; runs nothing otherwise (60-check.sh
# records the SKIP).
: "${tree:?}"

fetched || return 0

# The real bench, with a copy of the data that lacks the tree's
# bench-limits line: the data check stops the tree with one line ...
d=$(fake no-limits)
sed -i "/^${tree//./\\.}[[:space:]]/d" "$d/data/bench-limits"
cp "$S/bench" "$d/scripts/bench"
if ! fake_check "$d" && grep -q "^FAIL $tree/data/exit exit 1 .*no line in bench-limits" "$d/build/results"; then
	result harness/data-bench-limits PASS "$(grep "^FAIL $tree/data/exit" "$d/build/results" | cut -d' ' -f3-)"
else
	result harness/data-bench-limits FAIL "a tree without bench-limits: $(tail -1 "$d/out")"
fi
# ... and without the data check, bench itself dies, and that fails too.
printf '#!/bin/bash\nexit 0\n' >"$d/scripts/data-check"
if ! fake_check "$d" && grep -q "^FAIL $tree/bench/exit exit 1 .*no line in bench-limits" "$d/build/results"; then
	result harness/dying-bench PASS "$(grep "^FAIL $tree/bench/exit" "$d/build/results" | cut -d' ' -f3-)"
else
	result harness/dying-bench FAIL "bench without its bench-limits line: $(tail -1 "$d/out")"
fi

# The data check's other answers, each one line.
d=$(fake data)
mv "$d/series/$tree" "$d/series.$tree"
expect data-no-series "$tree: no series directory series/$tree" "$d/scripts/data-check" "$tree"
mv "$d/series.$tree" "$d/series/$tree"
sed -i '/^Subject: /s/only/just/; /^ once$/s/once/once, really/' "$d/series/$tree"/0*.patch
expect data-no-mmap-fix "$tree: no patch in series/$tree has the subject 'x86/devmem: Check the range" "$d/scripts/data-check" "$tree"
cp "$TOP/series/$tree"/0*.patch "$d/series/$tree/"
sed -i 's|^ #include <asm/processor.h>$| #include <asm/no-such-header.h>|' "$d/guest/cc-sim.patch"
expect data-cc-sim "$tree: guest/cc-sim.patch does not apply to the base of $tree" "$d/scripts/data-check" "$tree"
cp "$TOP/guest/cc-sim.patch" "$d/guest/"
g=$(tail -1 "$d/data/guests" | cut -f1)
sed -i '$s/\t[^\t]*$//' "$d/data/guests"
expect data-guests "guests: $g: 10 columns, not 11" "$d/scripts/data-check" "$tree"
sed '/^guest\t/s/\ttrees$/\tkinds/' "$TOP/data/guests" >"$d/data/guests"
expect data-guests-header "guests: no column 'trees'" "$d/scripts/data-check" "$tree"
cp "$TOP/data/guests" "$d/data/guests"
sed -i 's/^\(series-plain\t.*\)user=nonroot/\1usr=nonroot/' "$d/data/cells"
expect data-cells-step "data/cells: series-plain: step 'usr', unknown" "$d/scripts/data-check" "$tree"
cp "$TOP/data/cells" "$d/data/cells"
sed -i 's/^\(touch\t\)busybox/\1busybx/' "$d/data/steps"
expect data-steps-need "data/steps: touch: need 'busybx', unknown" "$d/scripts/data-check" "$tree"
cp "$TOP/data/steps" "$d/data/steps"
sed -i 's/^\(fake-log-rme\t.*\t\)arm64\t/\1arm65\t/' "$d/data/steps"
expect data-steps-signal "data/steps: fake-log-rme: signal 'arm65', unknown" "$d/scripts/data-check" "$tree"
cp "$TOP/data/steps" "$d/data/steps"
# The model: a row missing, and a step a cell judges by it with no class.
sed -i '/^rom\tshared\tuser\t/d' "$d/data/model"
expect data-model-row "data/model: 15 rows, not 16" "$d/scripts/data-check" "$tree"
cp "$TOP/data/model" "$d/data/model"
sed -i 's/^\(read-page0\tbusybox\t\)ram\tread-write/\1-\t-/' "$d/data/steps"
expect data-model-step "data/cells: read-page0=model, but data/steps gives it no class" "$d/scripts/data-check" "$tree"
cp "$TOP/data/steps" "$d/data/steps"
