# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# check's lanes, on a copy of the repository with stub stages (fake,
# tests/harness/lib.sh).  Needs the default tree fetched; runs nothing
# otherwise (60-check.sh records the SKIP).
: "${tree:?}"

fetched || return 0

# Two trees in lanes side by side (the default tree and a copy of it,
# named $tree-lane, in a scratch cache): the copy's bench dies; the run
# fails for that alone, the other lane's results all count, and the
# results come in the order of the trees.
d=$(fake lanes)
u=$tree-lane
mkdir -p "$d/cache/trees"
ln -s "$(tree_repo "$tree")" "$d/cache/trees/$u"
ln -s "$(tree_repo "$tree")" "$d/cache/trees/$tree"
cp -r "$d/series/$tree" "$d/series/$u"
sed -n "s/^${tree//./\\.}\t/$u\t/p" "$d/data/trees" >>"$d/data/trees"
sed -n "s/^${tree//./\\.}\t/$u\t/p" "$d/data/bench-limits" >>"$d/data/bench-limits"
sed -n "s/^${tree//./\\.}\t/$u\t/p" "$d/data/aliases" >>"$d/data/aliases"
printf '#!/bin/bash\n[ "$1" != --list ] || exec "$0.real" "$@"\n. "$(dirname "$0")/lib.sh"\n[ "$1" != %s ] || exit 1\n%s' "$u" \
	"$(stub | sed 1,4d)" >"$d/scripts/bench"
env DEVMEM_FAKE_FREE_MB=$FAKE_FREE DEVMEM_CACHE="$d/cache" DEVMEM_BUILD="$d/build" RESULTS="$d/build/results" \
	"$d/scripts/devmem.py" check "$tree" "$u" >"$d/out" 2>&1
rc=$?
r=$d/build/results
if [ $rc -ne 0 ] && [ "$(grep -c '^FAIL ' "$r")" -gt 0 ] &&
   [ -z "$(grep '^FAIL ' "$r" | grep -v " $u/bench/")" ] &&
   grep -q "^FAIL $u/bench/exit exit 1" "$r" &&
   grep -q "^PASS $tree/bench/" "$r" && grep -q "^PASS $u/boot/" "$r" &&
   [ "$(awk '{ sub(/\/.*/, "", $2); if ($2 != last) print $2; last = $2 }' "$r" | paste -sd' ')" = "$tree $u" ]; then
	result harness/check-lanes PASS "$tree and $u side by side, $u's bench dying: $(tail -1 "$d/out")"
else
	result harness/check-lanes FAIL "exit $rc: $(grep '^FAIL ' "$r" | head -2 | paste -sd'|'); $(tail -1 "$d/out")"
fi
