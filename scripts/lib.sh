# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for the scripts under scripts/, one file per job in
# scripts/lib/: env (paths, settings, log, die, disk), tables (the data
# tables, read by column name), apt (the versions Debian's archive
# serves), src (a git checkout as a tree), worktree, series (the patch
# files), recipients (who get_maintainer.pl sends them to), results
# (result, plan), kbuild (make, Kconfig), guests (their compilers,
# initramfs, QEMU and cells), variants (the source trees of their
# kernels), kernels (the kernels' builds and image cache) and initramfs
# (what boot puts in one).  Sourced, never run.

# shellcheck source=scripts/lib/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
# shellcheck source=scripts/lib/tables.sh
. "$TOP/scripts/lib/tables.sh"
# shellcheck source=scripts/lib/apt.sh
. "$TOP/scripts/lib/apt.sh"
# shellcheck source=scripts/lib/src.sh
. "$TOP/scripts/lib/src.sh"
# shellcheck source=scripts/lib/worktree.sh
. "$TOP/scripts/lib/worktree.sh"
# shellcheck source=scripts/lib/series.sh
. "$TOP/scripts/lib/series.sh"
# shellcheck source=scripts/lib/recipients.sh
. "$TOP/scripts/lib/recipients.sh"
# shellcheck source=scripts/lib/results.sh
. "$TOP/scripts/lib/results.sh"
# shellcheck source=scripts/lib/kbuild.sh
. "$TOP/scripts/lib/kbuild.sh"
# shellcheck source=scripts/lib/guests.sh
. "$TOP/scripts/lib/guests.sh"
# shellcheck source=scripts/lib/variants.sh
. "$TOP/scripts/lib/variants.sh"
# shellcheck source=scripts/lib/kernels.sh
. "$TOP/scripts/lib/kernels.sh"
# shellcheck source=scripts/lib/initramfs.sh
. "$TOP/scripts/lib/initramfs.sh"
