# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# SRC=, a git checkout of the user's as the tree (lib/src.sh), on
# stand-in checkouts: small copies of the cached trees (the base's files
# that some series changes, its Makefile and arch/x86/Kconfig), each with
# a second commit, a branch of its own, a stash, and a staged, a changed
# and an untracked file, in a scratch cache and build directory.  Checked:
# the series each tree's form takes, and its subject prefix; apply, the
# branch devmem-series/VERSION and the base-commit: of the export; the
# checkout byte for byte the same after each run, a refused one and one
# killed in 'git am'; and the refusals, one line each: no git checkout
# (by make too), a tree too old, one without confidential guests, a patch
# that does not apply.  Needs the trees fetched: SKIPs those that are not.
: "${tree:?}" "${scratch:?}"

real=$CACHE/trees
export DEVMEM_CACHE=$scratch/src-cache DEVMEM_BUILD=$scratch/src-build RESULTS=$scratch/src.results
ucommit() { git -C "$1" -c user.name=user -c user.email=user@invalid commit -q "${@:2}"; }

# stand_in TREE DIR: the stand-in checkout of TREE (see above) in DIR.
stand_in() {
	local dir=$2
	local -a paths

	mapfile -t paths < <({ sed -n 's|^+++ b/||p; s|^--- a/||p' "$TOP"/series/*/*.patch
			       echo Makefile; echo arch/x86/Kconfig; } | sort -u)
	git init -q "$dir" &&
	git -C "$real/$1" ls-tree -r -z --name-only base -- "${paths[@]}" |
		xargs -0 git -C "$real/$1" archive base -- | tar -xi -C "$dir" &&
	git -C "$dir" add -A && ucommit "$dir" -m "$1" &&
	git -C "$dir" checkout -q -b "linux-$1.y" &&
	echo work >"$dir/README.stable" && git -C "$dir" add README.stable &&
	ucommit "$dir" -m "stable work" &&
	echo stashed >>"$dir/README.stable" &&
	git -C "$dir" -c user.name=user -c user.email=user@invalid stash -q &&
	echo staged >"$dir/staged" && git -C "$dir" add staged &&
	echo changed >>"$dir/README.stable" && echo untracked >"$dir/untracked"
}

# snapshot DIR: every file and directory of the checkout, .git included,
# with its contents.
snapshot() {
	(cd "$1" && find . -printf '%y %m %p\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum
}

# untouched NAME DIR SNAPSHOT WHAT: a result for DIR being as it was.
untouched() {
	if [ "$(snapshot "$2")" = "$3" ]; then
		result "harness/$1" PASS "the checkout is byte for byte the same after $4"
	else
		result "harness/$1" FAIL "the checkout changed in $4"
	fi
}

# The series each form takes, and its prefix.
for t in $(all_trees); do
	u=$scratch/src-$t
	if ! git -C "$real/$t" rev-parse -q --verify base >/dev/null 2>&1; then
		result "harness/src-series-$t" SKIP "tree $t is not fetched"
	elif ! stand_in "$t" "$u"; then
		result "harness/src-series-$t" FAIL "cannot make the stand-in of $t in $u"
	elif ! name=$("$S/src-tree" "$u" 2>"$scratch/err"); then
		result "harness/src-series-$t" FAIL "src-tree: $(tail -1 "$scratch/err")"
	else
		want=$(subject_prefix "$tree")
		[ "$t" = "$tree" ] || want="$want distro-$t"
		got=$(cut -f4,5 "$DEVMEM_CACHE/src/$name")
		if [ "$got" = "$t	$want" ]; then
			result "harness/src-series-$t" PASS "series/$t, [$want]"
		else
			result "harness/src-series-$t" FAIL "took '$got', not series/$t [$want]"
		fi
	fi
done

u=$scratch/src-$tree
if [ ! -d "$u/.git" ]; then
	result harness/src SKIP "no stand-in of $tree"
	return 0
fi
name=$("$S/src-tree" "$u")
src=$DEVMEM_BUILD/$name/src
version=$(cut -f3 "$DEVMEM_CACHE/src/$name")
s0=$(snapshot "$u")
head=$(git -C "$u" rev-parse HEAD)

# fetch, apply and export: the branch, and the checkout's HEAD as the base.
if ! "$S/fetch" "$name" >"$scratch/out" 2>&1 || ! "$S/apply" "$name" >"$scratch/out" 2>&1; then
	result harness/src-apply FAIL "$(tail -1 "$scratch/out")"
elif [ "$(git -C "$src" symbolic-ref -q --short HEAD)" != "devmem-series/$version" ]; then
	result harness/src-apply FAIL "not on the branch devmem-series/$version"
elif [ "$(git -C "$src" rev-list --count "$head..HEAD")" != "$(series_patches "$tree" | wc -l)" ]; then
	result harness/src-apply FAIL "HEAD is not the series on the checkout's HEAD"
else
	result harness/src-apply PASS "the series on the branch devmem-series/$version"
fi
if ! "$S/export" "$name" >"$scratch/out" 2>&1; then
	result harness/src-export FAIL "$(tail -1 "$scratch/out")"
elif ! grep -qx "base-commit: $head" "$DEVMEM_BUILD/$name/series/0000-cover-letter.patch"; then
	result harness/src-export FAIL "no 'base-commit: $head' in the cover letter"
elif ! git -C "$TOP" diff --quiet -- series; then
	result harness/src-export FAIL "export wrote into series/"
else
	result harness/src-export PASS "build/$name/series, base-commit: the checkout's HEAD"
fi
untouched src-untouched "$u" "$s0" "fetch, apply and export"

# BASE=: the commit before, and an apply killed in its 'git am' (the
# base moved: applied again); then taken up again.
if [ "$("$S/src-tree" "$u" HEAD~1 && cut -f2 "$DEVMEM_CACHE/src/$name")" != "$name
$(git -C "$u" rev-parse HEAD~1)" ]; then
	result harness/src-base FAIL "BASE=HEAD~1 is not the base"
else
	result harness/src-base PASS "BASE=HEAD~1 is the base"
fi
mkdir -p "$scratch/killer"
printf '#!/bin/bash\nfor a; do [ "$a" != am ] || kill -KILL 0; done\nexec %s "$@"\n' \
	"$(command -v git)" >"$scratch/killer/git"
chmod +x "$scratch/killer/git"
"$S/fetch" "$name" >/dev/null 2>&1
bash -c 'setsid -w "$@"; exit 0' - env PATH="$scratch/killer:$PATH" "$S/apply" "$name" >/dev/null 2>&1
untouched src-killed "$u" "$s0" "an apply killed in git am"
if "$S/apply" "$name" >"$scratch/out" 2>&1 &&
   [ "$(git -C "$src" symbolic-ref -q --short HEAD)" = "devmem-series/$version" ] &&
   [ "$(git -C "$src" rev-parse "HEAD~$(series_patches "$tree" | wc -l)")" = "$(git -C "$u" rev-parse HEAD~1)" ]; then
	result harness/src-killed-again PASS "apply takes up the killed run on the new base"
else
	result harness/src-killed-again FAIL "$(tail -1 "$scratch/out")"
fi

# The refusals, one line each, the checkout untouched.
mkdir -p "$scratch/not-git"
expect src-not-git "^src-tree: error: SRC=.*/not-git: not a git repository" "$S/src-tree" "$scratch/not-git"
expect src-not-git-make "^Makefile:[0-9]+: \*\*\* src-tree: error: SRC=.*/not-git: not a git repository.*Stop\.$" \
	make -s -C "$TOP" export SRC="$scratch/not-git"
old=$scratch/src-old
git clone -q "$u" "$old" && sed -i '/range_is_allowed/d' "$old/include/linux/io.h" "$old/arch/x86/mm/pat/memtype.c" &&
	ucommit "$old" -a -m "too old"
expect src-too-old "^src-tree: error: SRC=.*: $version \([0-9a-f]+\) is too old for the series" "$S/src-tree" "$old"
nocc=$scratch/src-nocc
git clone -q "$u" "$nocc" && sed -i '/ARCH_HAS_CC_PLATFORM/d' "$nocc/arch/x86/Kconfig" &&
	ucommit "$nocc" -a -m "no cc"
expect src-no-cc "^src-tree: error: SRC=.*: $version \([0-9a-f]+\) has no confidential-guest support" "$S/src-tree" "$nocc"
# A line that the first patch's first hunk in drivers/char/mem.c needs.
line=$(series_patches "$tree" | head -1 | xargs awk '/^diff --git a\/drivers\/char\/mem.c/ { f = 1 } f && /^-/ && !/^---/ { print substr($0, 2); exit }')
sed -i "s|^$(printf '%s' "$line" | sed 's/[][\\.*^$|]/\\&/g')\$|& /* stable change */|" "$u/drivers/char/mem.c"
git -C "$u" add drivers/char/mem.c && ucommit "$u" -m "conflicting change"
s1=$(snapshot "$u")
cname=$("$S/src-tree" "$u") && "$S/fetch" "$cname" >/dev/null 2>&1
expect src-conflict "^apply: error: series/${tree//./\\.}/000[1-9]-.* does not apply to src-[0-9a-f]+ \(.* $version\) at drivers/char/mem\.c(:[0-9]+, hunk '@@ -[0-9]+,[0-9]+ \+[0-9]+,[0-9]+ @@.*')?$" \
	"$S/apply" "$cname"
untouched src-conflict-untouched "$u" "$s1" "an apply that does not apply"
