# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Bad input: fetch, build and check given an unknown tree, a package
# version the archive does not have or a full disk (simulated), and
# audit-config given what is not a readable kernel configuration.  Each
# answer must be one clear line naming what and where and a non-zero exit
# (expect).  Needs nothing fetched: fetch and check stop before they use
# the cache, which is a scratch one.
: "${scratch:?}"

expect unknown-tree "unknown tree 'nosuch'" "$S/fetch" nosuch
expect unknown-tree-build "unknown tree 'nosuch'" "$S/build" nosuch
expect missing-package "cannot download linux-(source|config)-6\.1 0\.0-0 from bookworm-security" \
	env DEVMEM_CACHE="$scratch/cache" VERSION=0.0-0 "$S/fetch" 6.1
expect full-disk "not enough disk space in $scratch/cache/debs" \
	env DEVMEM_CACHE="$scratch/cache" DEVMEM_FAKE_FREE_MB=10 "$S/fetch" 6.1
expect check-full-disk "not enough disk space in $scratch/build: 10 MB free, [0-9]+ MB needed" \
	env DEVMEM_BUILD="$scratch/build" RESULTS="$scratch/build/results" DEVMEM_CACHE="$scratch/cache" \
	DEVMEM_FAKE_FREE_MB=10 "$S/devmem.py" check 6.1

# audit-config on what is not a readable kernel configuration: exit 1,
# an error, never 3, its answer that the series costs an option.
echo "not a kernel configuration" >"$scratch/not-a-config"
# shellcheck disable=SC2034 # expect, in scripts/test-harness, reads it
EXPECT_RC=1
expect audit-missing-file "no such file: $scratch/nosuch" "$S/audit-config" "$scratch/nosuch"
expect audit-directory "not a regular file: $scratch" "$S/audit-config" "$scratch"
expect audit-not-a-config "is not a kernel configuration" "$S/audit-config" "$scratch/not-a-config"
expect audit-unknown-tree "unknown tree 'nosuch'" "$S/audit-config" "$TOP/config/guest.config" nosuch
expect audit-usage "usage: audit-config CONFIG" "$S/audit-config"
unset EXPECT_RC
