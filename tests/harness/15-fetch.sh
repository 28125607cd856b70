# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# fetch's import, on a small linux-source package made here in a scratch
# cache: the cached tree's objects are stored plain, neither compressed
# nor deltified (every worktree is a checkout of them: scripts/fetch), and
# a tree cached compressed is repacked plain, once.  Plain means the packs
# take at least the bytes of the base's blobs; one blob of 1 MB of
# repeated text compresses to a few KB, so a compressed pack is far under.
# The repack must recompress (-F): with -f git reuses the compressed data.
# Needs nothing fetched.
: "${tree:?}" "${scratch:?}"

fc=$scratch/fetch-cache
pkg=$(tree_field "$tree" package)
ver=0.0-1
repo=$fc/trees/$tree
src=$scratch/fetch-pkg

# blob_bytes, pack_bytes: what the base's files and the packs take.
blob_bytes() { git -C "$repo" ls-tree -r -l base | awk '{ s += $4 } END { print s + 0 }'; }
pack_bytes() { cat "$repo"/.git/objects/pack/*.pack | wc -c; }

# plain NAME: PASS when the packs hold the blobs uncompressed, else FAIL.
plain() {
	local b p

	b=$(blob_bytes) p=$(pack_bytes)
	if [ "$p" -ge "$b" ]; then
		result "harness/$1" PASS "packs $p bytes, blobs $b: stored plain"
	else
		result "harness/$1" FAIL "packs $p bytes for blobs of $b: compressed or deltified"
	fi
}

mkdir -p "$src/DEBIAN" "$src/usr/src" "$src/usr/share/doc/$pkg" "$fc/debs" "$fc/configs" "$scratch/fetch-tree/$pkg/drivers/char"
printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: harness <harness@invalid>\nDescription: a stand-in\n' \
	"$pkg" "$ver" >"$src/DEBIAN/control"
printf '%s (%s) unstable; urgency=medium\n\n  * A stand-in.\n\n -- harness <harness@invalid>  Mon, 30 Nov 2026 12:00:00 +0000\n' \
	"$pkg" "$ver" | gzip -9n >"$src/usr/share/doc/$pkg/changelog.Debian.gz"
yes 'static int range_is_allowed(unsigned long pfn, unsigned long size);' |
	head -c 1048576 >"$scratch/fetch-tree/$pkg/drivers/char/mem.c"
echo 'VERSION = 0' >"$scratch/fetch-tree/$pkg/Makefile"
# and more files than fast-import's unpackLimit (100), which keeps fewer
# as loose objects (compressed whatever pack.compression says).
for i in $(seq 150); do echo "$i" >"$scratch/fetch-tree/$pkg/drivers/char/f$i"; done
tar -C "$scratch/fetch-tree" -cJf "$src/usr/src/$pkg.tar.xz" "$pkg"
echo 'CONFIG_STRICT_DEVMEM=y' >"$(CACHE=$fc VERSION=$ver debian_config "$tree")"

if ! dpkg-deb --root-owner-group -b "$src" "$fc/debs/${pkg}_${ver}_all.deb" >/dev/null 2>&1; then
	result harness/plain-import FAIL "cannot build the stand-in $pkg package"
elif ! out=$(DEVMEM_CACHE=$fc VERSION=$ver "$S/fetch" "$tree" 2>&1); then
	result harness/plain-import FAIL "fetch of the stand-in $pkg: $(echo "$out" | tail -1)"
else
	plain plain-import
	# A tree cached before: its objects compressed.
	git -C "$repo" -c pack.compression=9 repack -q -a -d -F
	if [ "$(pack_bytes)" -ge "$(blob_bytes)" ]; then
		result harness/plain-repack FAIL "the repository made compressed for the test is not"
	elif ! out=$(DEVMEM_CACHE=$fc VERSION=$ver "$S/fetch" "$tree" 2>&1); then
		result harness/plain-repack FAIL "fetch of a compressed cached tree: $(echo "$out" | tail -1)"
	elif ! grep -q 'repacking the cached tree' <<<"$out"; then
		result harness/plain-repack FAIL "fetch did not repack a compressed cached tree: $(echo "$out" | paste -sd'|')"
	else
		plain plain-repack
	fi
fi
