# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/env.sh: the environment every script runs in: where things
# are, the build settings, the progress line, errors and the disk.
# Sourced by scripts/lib.sh, never run.

set -o pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${DEVMEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/devmem-cc}
BUILD=${DEVMEM_BUILD:-$TOP/build}
RESULTS=${RESULTS:-$BUILD/results}
CORES=$(nproc)
T0=${T0:-$(date +%s)}

# Compiles that leave the machine: with DISTCC_HOSTS set (distcc) or
# ICECC=1 (icecream), ccache hands each compile it misses to them
# (CCACHE_PREFIX), and make runs as many jobs as they take: distcc -j, or
# for icecream ICECC_JOBS (default 4 a core).  Without them nothing
# changes.  Preprocessing, linking, Kconfig and QEMU stay here.
if [ -n "${DISTCC_HOSTS:-}" ]; then
	export CCACHE_PREFIX=distcc DISTCC_HOSTS
	JOBS=${JOBS:-$(distcc -j 2>/dev/null || echo "$CORES")}
elif [ "${ICECC:-0}" = 1 ]; then
	export CCACHE_PREFIX=icecc
	JOBS=${JOBS:-${ICECC_JOBS:-$((4 * CORES))}}
fi
JOBS=${JOBS:-$CORES}
export CACHE BUILD RESULTS JOBS CORES T0

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
# Paths below the clone are hashed relative, so a fresh clone (CI) hits the
# cache that an earlier clone filled.
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1
# Reproducible objects and cache hits across clones and dates.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 1970'
export KBUILD_BUILD_USER=devmem KBUILD_BUILD_HOST=harness
export LC_ALL=C

PROG=$(basename "$0")

elapsed() {
	local s=$(($(date +%s) - T0))

	printf '%02d:%02d' $((s / 60)) $((s % 60))
}

# cpu_ticks PID: the user and system clock ticks of the reaped children
# (and theirs) of the shell PID, from /proc: a step's CPU time is the
# difference before and after it.  PID is the caller's $BASHPID, taken
# outside $(...), where BASHPID is the subshell's.  TICK: ticks a second.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$1/stat"; }
# shellcheck disable=SC2034 # read by the scripts that source this
TICK=$(getconf CLK_TCK)

# One progress line per stage, with the elapsed time of the whole run.
log() { printf '[%s] %s: %s\n' "$(elapsed)" "$PROG" "$*" >&2; }

# One clear line and a non-zero exit.
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

# die_rc CODE MESSAGE...: as die, with the exit code CODE, for an answer
# that a script documents apart from its errors (exit 1), so that its
# callers go by the code and not by the wording.
die_rc() {
	local rc=$1

	shift
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit "$rc"
}

# Fail early, with the place named, when a disk is short of space.
# DEVMEM_FAKE_FREE_MB pretends a free space, for the harness's own tests.
need_space() {
	local dir=$1 mb=$2 avail

	mkdir -p "$dir"
	avail=${DEVMEM_FAKE_FREE_MB:-$(df -Pm "$dir" | awk 'NR == 2 { print $4 }')}
	[ "$avail" -ge "$mb" ] ||
		die "not enough disk space in $dir: ${avail} MB free, ${mb} MB needed"
}

# need_run_space N: fail early unless the disk of build/ holds what a
# check of N trees writes at most, as measured (doc/timings.md#disk):
# per tree 4000 MB in build/ (worktrees, objects, guests) and 3700 MB in
# the cache (packages, the expanded tree and its plain objects), plus
# 1000 MB of ccache and 3000 MB for scripts/standin's checkout, repository and objects.  What
# build/ and the cache hold already counts as free: a second run rewrites
# it in place.
need_run_space() {
	local want=$(($1 * 7700 + 4000)) held

	held=$(du -smc "$BUILD" "$CACHE" 2>/dev/null | awk 'END { print $1 + 0 }')
	need_space "$BUILD" $((want > held ? want - held : 0))
}

# apt_get ARGS...: apt-get, one at a time on this machine.  apt-get update
# does not wait for the package lists' lock (DPkg::Lock::Timeout is only
# dpkg's): beside another one (a fetch in another lane, the harness's
# tests) it fails at once.  Ours wait for each other on a lock of their
# own; while apt-get says only that another program holds a lock, it is
# asked again, for up to 5 minutes.
apt_get() {
	local lock=/run/lock err i

	[ -w "$lock" ] || lock=${TMPDIR:-/tmp}
	err=$(mktemp) || return 1
	for ((i = 0; i < 150; i++)); do
		if flock "$lock/devmem-cc-apt" apt-get -o DPkg::Lock::Timeout=300 "$@" 2>"$err"; then
			cat "$err" >&2	# its warnings
			rm -f "$err"
			return 0
		fi
		awk '/^E: Could not get lock/ { held = 1; next } /^E: Unable to lock/ { next }
			/^E:/ { other = 1 } END { exit !(held && !other) }' "$err" || break
		sleep 2
	done
	cat "$err" >&2
	rm -f "$err"
	return 1
}
