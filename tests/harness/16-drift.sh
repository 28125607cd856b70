# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The trees follow Debian's archive, shown on a stub archive made here
# (DEVMEM_ARCHIVE, lib/apt.sh) with the default tree's package in a suite
# 'stub': stand-in versions 0.0-N holding the base's files that the series
# touches, so that the real series applies to them.  A copy of the
# repository pins 0.0-1 in its 'trees'.
#   drift-moved          the archive dropped 0.0-1's linux-config, as
#                        Debian's does, and serves 0.0-2: fetch builds on
#                        0.0-2, the series applies (git am -3) and drift
#                        says which version the results are for
#   drift-moved-control  fetch of the pinned version, as it was done before
#                        the trees followed the archive, fails
#   drift-newer          0.0-2 pinned and still served, 0.0-3 newer: drift
#                        applies the series to 0.0-3, fetched apart
#   drift-breaks         0.0-4, whose drivers/char/mem.c a patch no longer
#                        fits: drift's FAIL names the version and the patch
# Needs the default tree fetched (its files); SKIPs otherwise.
: "${tree:?}" "${scratch:?}"

drift_names="drift-moved drift-moved-control drift-newer drift-breaks"
if ! fetched; then
	for n in $drift_names; do result "harness/$n" SKIP "$tree is not fetched: no files to make the stub archive of"; done
	return 0
fi

arch=$scratch/archive
d=$scratch/drift-repo
pkg=$(tree_field "$tree" package)
mkdir -p "$arch/pool" "$d"
mkdir -p "$d/data" && cp -r "$TOP"/scripts "$TOP"/series "$d/" && cp "$TOP"/data/stages "$TOP"/data/guests "$TOP"/data/arches "$d/data/"
awk -v t="$tree" -v OFS='\t' '!/^#/ && $1 == t { $3 = "0.0-1"; $4 = "stub" } { print }' "$TOP/data/trees" >"$d/data/trees"
export DEVMEM_ARCHIVE=file:$arch DEVMEM_CACHE=$scratch/drift-cache DEVMEM_BUILD=$scratch/drift-build
files=$scratch/drift-files
mkdir -p "$files/$pkg"
mapfile -t patches < <(series_patches "$tree")
mapfile -t paths < <(patch_paths "${patches[@]}")
mapfile -t touched < <(git -C "$(tree_repo "$tree")" ls-tree -r --name-only base -- "${paths[@]}")
git -C "$(tree_repo "$tree")" archive base -- "${touched[@]}" Makefile | tar -x -C "$files/$pkg"

# deb NAME VERSION ARCH DIR: a package of DIR's files into the pool.
deb() {
	mkdir -p "$4/DEBIAN"
	printf 'Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: harness <harness@invalid>\nDescription: a stand-in\n' \
		"$1" "$2" "$3" >"$4/DEBIAN/control"
	dpkg-deb --root-owner-group -Zgzip -b "$4" "$arch/pool/${1}_${2}_$3.deb" >/dev/null
}

# source VERSION: the stand-in linux-source of VERSION, of $files.
source_pkg() {
	local p=$scratch/pkg-src-$1

	mkdir -p "$p/usr/src" "$p/usr/share/doc/$pkg"
	printf '%s (%s) stub; urgency=medium\n\n  * A stand-in.\n\n -- harness <harness@invalid>  Mon, 30 Nov 2026 12:00:00 +0000\n' \
		"$pkg" "$1" | gzip -9n >"$p/usr/share/doc/$pkg/changelog.Debian.gz"
	tar -C "$files" -cJf "$p/usr/src/$pkg.tar.xz" "$pkg"
	deb "$pkg" "$1" all "$p"
}

# config_pkg VERSION: the stand-in linux-config of VERSION.
config_pkg() {
	local p=$scratch/pkg-cfg-$1

	mkdir -p "$p/usr/src/linux-config-$tree"
	echo 'CONFIG_STRICT_DEVMEM=y' | xz >"$p/usr/src/linux-config-$tree/config.amd64_none_amd64.xz"
	deb "linux-config-$tree" "$1" amd64 "$p"
}

# serve FILE...: the suite 'stub' serves those packages of the pool, and
# no other.
serve() {
	local dists=$arch/dists/stub

	mkdir -p "$dists/main/binary-amd64"
	(cd "$arch" && dpkg-scanpackages -m pool /dev/null 2>/dev/null) |
		awk -v keep="$(printf '%s\n' "$@" | paste -sd' ')" '
			BEGIN { n = split(keep, k, " "); for (i = 1; i <= n; i++) want["pool/" k[i]] = 1 }
			/^$/ { if (ok) printf "%s\n", rec; rec = ""; ok = 0; next }
			/^Filename: / { ok = ($2 in want) }
			{ rec = rec $0 "\n" }
			END { if (ok) printf "%s\n", rec }' >"$dists/main/binary-amd64/Packages"
	{
		printf 'Suite: stub\nCodename: stub\nComponents: main\nArchitectures: amd64\nDate: %s\nSHA256:\n' \
			"$(date -Ru)"
		printf ' %s %s main/binary-amd64/Packages\n' \
			"$(sha256sum <"$dists/main/binary-amd64/Packages" | cut -d' ' -f1)" \
			"$(wc -c <"$dists/main/binary-amd64/Packages")"
	} >"$dists/Release"
}

# stub_base: the version the stub cache's tree was built on.
stub_base() { CACHE=$DEVMEM_CACHE base_version "$tree"; }
# drift_result NAME: drift's result NAME of this copy's run.
drift_result() { grep " $tree/drift/$1 " "$DEVMEM_BUILD/drift.results" | tail -1; }
run_drift() { RESULTS=$DEVMEM_BUILD/drift.results "$d/scripts/drift" "$tree" >/dev/null 2>&1; }

source_pkg 0.0-1
source_pkg 0.0-2
config_pkg 0.0-1
config_pkg 0.0-2
# Debian's way: the old source stays, the old linux-config goes.
serve "${pkg}_0.0-1_all.deb" "${pkg}_0.0-2_all.deb" "linux-config-${tree}_0.0-2_amd64.deb"

if out=$(VERSION=0.0-1 "$d/scripts/fetch" "$tree" 2>&1); then
	result harness/drift-moved-control FAIL "fetch of the pinned 0.0-1, whose linux-config is gone, succeeded"
else
	result harness/drift-moved-control PASS "fetch of the pinned version fails as it did: $(echo "$out" | grep 'error: ' | tail -1)"
fi
if ! out=$("$d/scripts/fetch" "$tree" 2>&1); then
	result harness/drift-moved FAIL "fetch on the moved archive: $(echo "$out" | tail -1)"
elif [ "$(stub_base)" != 0.0-2 ]; then
	result harness/drift-moved FAIL "fetch built on '$(stub_base)', not 0.0-2, the newest served"
elif ! out=$(RESULTS=$DEVMEM_BUILD/apply.results "$d/scripts/apply" "$tree" 2>&1); then
	result harness/drift-moved FAIL "the series on 0.0-2: $(echo "$out" | tail -1)"
elif ! run_drift || [[ $(drift_result version) != "PASS "*" $pkg 0.0-2, 'trees' pins 0.0-1,"* ]] ||
     [[ $(drift_result newest) != "PASS "* ]]; then
	result harness/drift-moved FAIL "drift on 0.0-2: $(drift_result version | cut -c1-200) / $(drift_result newest | cut -c1-200)"
else
	result harness/drift-moved PASS "fetch moved to 0.0-2, the series applied, and drift says: $(drift_result version | cut -d' ' -f3-)"
fi

# 0.0-2 pinned and served, 0.0-3 newer (its files the same): drift takes
# the series there; then 0.0-4, a base whose mem.c a patch does not fit.
sed -i "/^$tree\t/s/0\.0-1/0.0-2/" "$d/data/trees"
source_pkg 0.0-3
config_pkg 0.0-3
serve "${pkg}_0.0-2_all.deb" "${pkg}_0.0-3_all.deb" "linux-config-${tree}_0.0-2_amd64.deb" \
	"linux-config-${tree}_0.0-3_amd64.deb"
if run_drift && [[ $(drift_result newest) == "PASS "*"$pkg 0.0-3"* ]] &&
   [[ $(drift_result version) == "PASS "*"$pkg 0.0-2, as 'trees' pins it"* ]]; then
	result harness/drift-newer PASS "$(drift_result newest | cut -d' ' -f3-)"
else
	result harness/drift-newer FAIL "drift with 0.0-3 served: $(drift_result version | cut -c1-200) / $(drift_result newest | cut -c1-200)"
fi

sed -i -e '/^#include <linux\/security.h>$/d' \
	-e 's/^\tif (iminor(inode) != DEVMEM_MINOR)$/\tif (DEVMEM_MINOR != iminor(inode))/' "$files/$pkg/drivers/char/mem.c"
source_pkg 0.0-4
config_pkg 0.0-4
serve "${pkg}_0.0-2_all.deb" "${pkg}_0.0-4_all.deb" "linux-config-${tree}_0.0-2_amd64.deb" \
	"linux-config-${tree}_0.0-4_amd64.deb"
if run_drift; then
	result harness/drift-breaks FAIL "drift passed on 0.0-4, whose mem.c the series does not fit"
elif [[ $(drift_result newest) =~ ^FAIL\ .*series/$tree/0[0-9]+-.*\.patch\ does\ not\ apply\ to\ $tree\ \($pkg\ 0\.0-4\) ]]; then
	result harness/drift-breaks PASS "$(drift_result newest | cut -d' ' -f3-)"
else
	result harness/drift-breaks FAIL "drift's FAIL does not name the patch and 0.0-4: $(drift_result newest | cut -c1-300)"
fi
unset DEVMEM_ARCHIVE DEVMEM_CACHE DEVMEM_BUILD
