# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# apply's safety, on a small copy of the default tree (mini_tree) in a
# scratch cache: a series that does not apply names the patch and the
# file and leaves the tree usable; what the series' worktree holds that
# the series does not (commits, changes, new files) is refused until it is
# exported or APPLY_DISCARD=1 is set; what a killed build or apply left is
# put back; and kconfig's cache key.  Needs the default tree's base: it
# fetches it when it is missing, and SKIPs harness/stale-series when it
# cannot.
: "${tree:?}" "${scratch:?}"

# The series that cannot apply to the default tree is the last tree's
# (today 6.1's, whose patch 1 is upstream in the newest).
other=$(all_trees | tail -1)
mini=$scratch/cache/trees/$tree

# mini_tree: a small copy of the default tree for apply's tests, in the
# scratch cache: the base's files that some series changes, committed and
# tagged 'base' as fetch does.  apply treats it as the whole tree, and each
# worktree it makes costs a few files, not a kernel's 80000.
mini_tree() {
	local repo paths

	repo=$(tree_repo "$tree")
	mapfile -t paths < <(sed -n 's|^+++ b/||p; s|^--- a/||p' "$TOP"/series/*/*.patch | sort -u)
	git init -q "$mini" &&
	git -C "$repo" ls-tree -r -z --name-only base -- "${paths[@]}" |
		xargs -0 git -C "$repo" archive base -- | tar -xi -C "$mini" &&
	git -C "$mini" add -A &&
	git -C "$mini" -c user.name=harness -c user.email=harness@invalid commit -q -m base &&
	git -C "$mini" tag base
}

# A series that does not apply (the last tree's on the default tree): the
# patch and the file are named, and the tree can be used afterwards.
if ! fetched && ! "$S/fetch" "$tree" 2>/dev/null; then
	result harness/stale-series SKIP "tree $tree cannot be fetched"
elif ! mini_tree; then
	result harness/stale-series FAIL "cannot make the small copy of $tree in $mini"
else
	# apply's tests use the small tree, till this file's subshell ends.
	export DEVMEM_CACHE=$scratch/cache
	expect stale-series "series/${other//./\\.}/0001-.* does not apply to ${tree//./\\.} .* at (drivers/char/mem\.c|include/linux/io\.h|arch/x86/mm/pat/memtype\.c)" \
		env DEVMEM_BUILD="$scratch/build" RESULTS="$scratch/apply.results" "$S/apply" "$tree" "$TOP/series/$other"
	if DEVMEM_BUILD="$scratch/build" RESULTS="$scratch/apply.results" "$S/apply" "$tree" >/dev/null 2>&1; then
		result harness/usable-after-failure PASS "$tree's own series applies after the failure"
	else
		result harness/usable-after-failure FAIL "$tree's own series no longer applies after a failed apply"
	fi
	# A run killed while git made the worktree leaves it locked and gone.
	git -C "$mini" worktree lock "$scratch/build/$tree/src" 2>/dev/null
	rm -rf "$scratch/build/$tree/src"
	if DEVMEM_BUILD="$scratch/build" RESULTS="$scratch/apply.results" "$S/apply" "$tree" >/dev/null 2>&1; then
		result harness/locked-worktree PASS "apply recovers from a locked, missing worktree"
	else
		result harness/locked-worktree FAIL "a locked, missing worktree blocks apply"
	fi
	git -C "$mini" worktree unlock "$scratch/build/$tree/src" 2>/dev/null
	# The series' worktree is where the series is changed: what it holds
	# that the series does not, apply refuses to drop (one line, HEAD and
	# files untouched) until it is exported or APPLY_DISCARD=1 is set.
	src=$scratch/build/$tree/src
	n=$(series_patches "$tree" | wc -l)
	mini_apply() { env DEVMEM_BUILD="$scratch/build" RESULTS="$scratch/apply.results" "$@" "$S/apply" "$tree"; }
	edit() { echo "/* harness edit */" >>"$src/drivers/char/mem.c"; }
	commit() { git -C "$src" -c user.name=harness -c user.email=harness@invalid commit -q "$@"; }
	keep="run 'make export TREE=${tree//./\\.}' to keep (them|it), or APPLY_DISCARD=1 to drop (them|it)"
	h0=$(git -C "$src" rev-parse HEAD)
	# A patch dropped by hand ('git reset HEAD~1'), as much as one added.
	git -C "$src" checkout -q --detach HEAD~1
	expect one-patch-short "^apply: error: ${tree//./\\.}: .* has commits that differ from series/${tree//./\\.} \(HEAD [0-9a-f]+ .*\): $keep$" \
		mini_apply
	if mini_apply APPLY_DISCARD=1 >/dev/null 2>&1 &&
	   [ "$(git -C "$src" rev-list --count base..HEAD)" = "$n" ]; then
		result harness/one-patch-short-discard PASS "APPLY_DISCARD=1 applies the $n patches again"
	else
		result harness/one-patch-short-discard FAIL "APPLY_DISCARD=1 does not give the $n patches back"
	fi
	# A commit of an edit, not exported.
	edit && commit -a -m "harness edit"
	h1=$(git -C "$src" rev-parse HEAD)
	expect apply-keeps-commit "^apply: error: ${tree//./\\.}: .* has commits that differ from series/${tree//./\\.} \(HEAD [0-9a-f]+ harness edit\): $keep$" \
		mini_apply
	if [ "$(git -C "$src" rev-parse HEAD)" = "$h1" ]; then
		result harness/apply-keeps-commit-head PASS "HEAD is still the commit of the edit"
	else
		result harness/apply-keeps-commit-head FAIL "HEAD moved from the commit of the edit"
	fi
	# A stage's make target (make fuzz) takes that commit as it stands.
	if out=$(mini_apply APPLY_AS_IS=1 2>&1) && [ "$(git -C "$src" rev-parse HEAD)" = "$h1" ] &&
	   grep -q 'not applied: .* has commits of its own, used as they stand (HEAD [0-9a-f]* harness edit)' <<<"$out"; then
		result harness/apply-as-is PASS "APPLY_AS_IS=1 (a stage's make target): the commit of the edit used as it stands"
	else
		result harness/apply-as-is FAIL "APPLY_AS_IS=1: $(tail -1 <<<"$out"), HEAD $(git -C "$src" rev-parse --short HEAD)"
	fi
	# A commit message amended: the same patch ids, and still work.
	git -C "$src" checkout -q --detach "$h0"
	commit --amend -m "$(git -C "$src" log -1 --format=%B)
Reviewed-by: Harness <harness@invalid>"
	expect apply-keeps-message "^apply: error: ${tree//./\\.}: .* has commits that differ from series/${tree//./\\.} .*: $keep$" \
		mini_apply
	# An edit not committed, and a new file.
	git -C "$src" checkout -q --detach "$h0"
	edit
	expect apply-keeps-change "^apply: error: ${tree//./\\.}: .* has changes that are not committed \(drivers/char/mem\.c\): commit them and $keep$" \
		mini_apply
	if grep -qxF '/* harness edit */' "$src/drivers/char/mem.c" && [ "$(git -C "$src" rev-parse HEAD)" = "$h0" ]; then
		result harness/apply-keeps-change-file PASS "the edit is still in drivers/char/mem.c, HEAD unchanged"
	else
		result harness/apply-keeps-change-file FAIL "the edit to drivers/char/mem.c is gone, or HEAD moved"
	fi
	# ... but never an edit that is not committed.
	expect apply-as-is-change "^apply: error: ${tree//./\\.}: .* has changes that are not committed \(drivers/char/mem\.c\)" \
		mini_apply APPLY_AS_IS=1
	git -C "$src" checkout -q -- drivers/char/mem.c
	echo new >"$src/drivers/char/harness-new.c"
	expect apply-keeps-new-file "^apply: error: ${tree//./\\.}: .* has changes that are not committed \(drivers/char/harness-new\.c\)" \
		mini_apply
	rm "$src/drivers/char/harness-new.c"
	# Exported (scripts/export of a copy of the repository, which writes
	# its own series/): apply takes the worktree as the series.
	git -C "$src" checkout -q --detach "$h1"
	x=$scratch/exported
	mkdir -p "$x/data" && cp -r "$TOP/scripts" "$TOP/series" "$x/" && cp "$TOP/data/trees" "$x/data/"
	if ! DEVMEM_BUILD="$scratch/build" "$x/scripts/export" "$tree" >"$scratch/out" 2>&1; then
		result harness/apply-after-export FAIL "scripts/export failed: $(tail -1 "$scratch/out")"
	elif ! grep -qF '+/* harness edit */' "$x/series/$tree"/0*.patch; then
		result harness/apply-after-export FAIL "the edit is not in the exported series"
	elif ! DEVMEM_BUILD="$scratch/build" RESULTS="$scratch/apply.results" "$x/scripts/apply" "$tree" >"$scratch/out" 2>&1; then
		result harness/apply-after-export FAIL "apply refuses: $(tail -1 "$scratch/out")"
	elif [ "$(git -C "$src" rev-parse HEAD)" != "$h1" ]; then
		result harness/apply-after-export FAIL "apply moved HEAD"
	else
		result harness/apply-after-export PASS "the exported commits are taken as the series, HEAD kept"
	fi
	# The series changed under a worktree untouched since (a git pull:
	# here the repository's series/, against the copy's): applied again.
	if mini_apply >"$scratch/out" 2>&1 &&
	   [ "$(git -C "$src" rev-parse 'HEAD^{tree}')" = "$(git -C "$src" rev-parse "$h0^{tree}")" ]; then
		result harness/apply-after-pull PASS "a series changed since apply, over an untouched worktree, is applied again"
	else
		result harness/apply-after-pull FAIL "a series changed since apply is not applied: $(tail -1 "$scratch/out")"
	fi
	# APPLY_DISCARD=1 drops a commit and a change, and applies the series.
	edit && commit -a -m "harness edit" && edit
	if mini_apply APPLY_DISCARD=1 >"$scratch/out" 2>&1 &&
	   [ "$(git -C "$src" rev-parse 'HEAD^{tree}')" = "$(git -C "$src" rev-parse "$h0^{tree}")" ] &&
	   [ -z "$(git -C "$src" status --porcelain)" ]; then
		result harness/apply-discard PASS "APPLY_DISCARD=1 drops a commit and a change, and applies the $n patches"
	else
		result harness/apply-discard FAIL "APPLY_DISCARD=1: $(tail -1 "$scratch/out")"
	fi
	# What a guest kernel's build killed half way leaves (paths borrowed,
	# lib/worktree.sh) is the harness's: apply puts the series back.
	borrow "$src" drivers/char/mem.c && edit
	if mini_apply >"$scratch/out" 2>&1 && [ -z "$(git -C "$src" status --porcelain)" ] &&
	   [ ! -e "$src.borrowed" ]; then
		result harness/apply-killed-build PASS "a borrowed change is dropped, the series applied"
	else
		result harness/apply-killed-build FAIL "a borrowed change: $(tail -1 "$scratch/out")"
	fi
	# An apply killed in a 'git am' that failed: one patch short, at the
	# HEAD its stamp records, the am half way; applied again.
	git -C "$src" checkout -q --detach HEAD~1
	echo "$(cut -d' ' -f1 "$src.stamp") $(git -C "$src" rev-parse HEAD)" >"$src.stamp"
	git -C "$src" am -q "$TOP/series/$other"/0001-*.patch >/dev/null 2>&1
	if [ ! -d "$(git -C "$src" rev-parse --path-format=absolute --git-path rebase-apply)" ]; then
		result harness/apply-mid-am FAIL "no git am half way to test with"
	elif mini_apply >"$scratch/out" 2>&1 && [ "$(git -C "$src" rev-list --count base..HEAD)" = "$n" ] &&
	     [ ! -d "$(git -C "$src" rev-parse --path-format=absolute --git-path rebase-apply)" ]; then
		result harness/apply-mid-am PASS "apply takes up its own git am killed half way"
	else
		result harness/apply-mid-am FAIL "$(tail -1 "$scratch/out")"
	fi
	# kconfig's cache: its key must follow a Kconfig file as changed in
	# the worktree, the fragment and the make arguments, and there is
	# none outside a git tree (kconfig then asks Kconfig every time).
	g=$TOP/config/guest.config
	k0=$(kconfig_key "$mini" "$g" ARCH=x86_64)
	echo '# changed' >>"$mini/arch/x86/Kconfig"
	k1=$(kconfig_key "$mini" "$g" ARCH=x86_64)
	git -C "$mini" checkout -q -- arch/x86/Kconfig
	if [ -z "$k0" ] || [ "$(kconfig_key "$mini" "$g" ARCH=x86_64)" != "$k0" ]; then
		result harness/kconfig-key FAIL "no key, or not the same twice: '$k0'"
	elif [ "$k1" = "$k0" ]; then
		result harness/kconfig-key FAIL "a change to arch/x86/Kconfig keeps the key"
	elif [ "$(kconfig_key "$mini" "$TOP/config/i386.config" ARCH=x86_64)" = "$k0" ] ||
	     [ "$(kconfig_key "$mini" "$g" ARCH=i386)" = "$k0" ]; then
		result harness/kconfig-key FAIL "another fragment or ARCH keeps the key"
	elif kconfig_key "$scratch" "$g" ARCH=x86_64 >/dev/null; then
		result harness/kconfig-key FAIL "a key outside a git tree"
	else
		result harness/kconfig-key PASS "follows Kconfig files, fragment and arguments"
	fi
fi
