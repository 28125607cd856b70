#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# devmem-guest-kit: the devmem kselftest in your own confidential VM (an
# Intel TDX or AMD SEV-SNP guest), with any kernel.  Run it as root:
#
#	bash devmem-guest-kit.sh | tee devmem-kit.log
#
# then judge the log: make judge LOG=devmem-kit.log TREE=<tree>
# (doc/real-hardware.md).  It prints the kernel's release and command
# line and what the guest says about itself, then runs, each step between
# "@@STEP N NAME BEGIN" and "@@STEP N NAME END rc=RC": the kselftest as
# root (run_kselftest.sh -t devmem:devmem from the tarball below), as uid
# 65534, as root without CAP_SYS_RAWIO; the firmware's strings from sysfs;
# and open() of /dev/mem and /dev/port, each closed at once.  It never
# reads, writes or maps either device, and runs no tool that does; nor
# does the kselftest.  Made by scripts/guest-kit from guest/kit.sh.
# shellcheck disable=SC2317 # the steps are called by name
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
KIT_TREE=@TREE@
KIT_TARBALL=@TARBALL@
# Set by the harness's tests only: a fake root for every path read.
ROOT=${DEVMEM_KIT_ROOT:-}
STEPS="test user norawio dmi opens"
unset DEVMEM_TEST_CC
export LC_ALL=C

dir=$(mktemp -d -t devmem-kit.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
if ! sed '1,/^__KSELFTEST_TARBALL__$/d' "$0" | base64 -d | tar -xzf - -C "$dir" ||
   [ ! -f "$dir/run_kselftest.sh" ]; then
	echo "devmem-guest-kit: cannot unpack the kselftest into $dir (noexec? set TMPDIR)" >&2
	exit 1
fi
chmod -R a+rX "$dir"
q=$(printf '%q' "$dir")
# The runner in a shell of the user's own, through a pipe of its own, as
# guest/init runs it: it opens /dev/stdout again.
cmd="cd $q && set -o pipefail && sh ./run_kselftest.sh -t devmem:devmem 2>&1 | cat"

skip() { echo "SKIP $*"; return 4; }

# Through a pipe, as the other runs: the runner appends to /dev/stdout
# again, and where that is a file (the kit run with '>log') what this
# shell writes next would overwrite the test's lines.
step_test() { (cd "$dir" && set -o pipefail && ./run_kselftest.sh -t devmem:devmem 2>&1 | cat); }

# util-linux's setpriv: busybox's has no --reuid or --bounding-set.
have_setpriv() { command -v setpriv >/dev/null && setpriv --help 2>&1 | grep -q -- --reuid; }

step_user() {
	local name

	[ "$(id -u)" = 0 ] || { skip "not root: cannot change to uid 65534"; return; }
	if have_setpriv; then
		setpriv --reuid=65534 --regid=65534 --clear-groups bash -c "$cmd"
		return
	fi
	name=$(getent passwd 65534 | cut -d: -f1)
	[ -n "$name" ] || { skip "no setpriv of util-linux's, and no user of uid 65534"; return; }
	if command -v runuser >/dev/null; then
		runuser -u "$name" -- bash -c "$cmd"
	elif command -v su >/dev/null; then
		su -s /bin/bash -c "$cmd" "$name"
	else
		skip "no setpriv of util-linux's, runuser or su"
	fi
}

step_norawio() {
	[ "$(id -u)" = 0 ] || { skip "not root: no CAP_SYS_RAWIO to drop"; return; }
	have_setpriv || { skip "no setpriv of util-linux's"; return; }
	setpriv --inh-caps=-sys_rawio --bounding-set=-sys_rawio bash -c "$cmd"
}

# The firmware's strings, from sysfs (no serial numbers, no UUID).
step_dmi() {
	local d=$ROOT/sys/class/dmi/id f

	[ -d "$d" ] || { skip "no /sys/class/dmi/id"; return; }
	echo "BIOS Information (from /sys/class/dmi/id)"
	for f in bios_vendor bios_version bios_date sys_vendor product_name product_version \
		board_vendor board_name chassis_vendor chassis_asset_tag; do
		[ -r "$d/$f" ] && echo "$f: $(cat "$d/$f")"
	done
	return 0
}

# open_only DEV: open(DEV, O_RDONLY) in a subshell, which closes it as it
# exits; "opened", the error, or "absent".  Nothing is read.
open_only() {
	local err name=${1#"$ROOT"}

	if [ ! -e "$1" ]; then
		echo "open $name: absent"
		return 0
	fi
	if err=$( ( exec 3<"$1" ) 2>&1 ); then
		echo "open $name: opened"
	else
		echo "open $name: ${err##*: }"
	fi
}

step_opens() {
	open_only "$ROOT/dev/mem"
	open_only "$ROOT/dev/port"
}

# What the guest says about itself.
guest() {
	local f

	echo "@@GUEST machine: $(uname -m)"
	f=$(grep -m1 '^flags' "$ROOT/proc/cpuinfo" | tr ' ' '\n' |
		grep -xE 'tdx_guest|sev|sev_es|sev_snp|hypervisor' | tr '\n' ' ')
	echo "@@GUEST cpu flags: ${f:-none of tdx_guest sev sev_es sev_snp hypervisor}"
	for f in /dev/tdx_guest /dev/sev-guest; do
		[ -e "$ROOT$f" ] && echo "@@GUEST present: $f"
	done
	f=$(systemd-detect-virt --cvm 2>/dev/null) && echo "@@GUEST systemd-detect-virt --cvm: $f"
	dmesg 2>/dev/null | grep -E 'Memory Encryption Features active|Hyper-V: Isolation Config|tdx: Guest detected|SEV: Status|RME: Using RSI' |
		head -5 | sed 's/^/@@GUEST kernel: /'
	if [ -r "$ROOT/sys/kernel/security/lockdown" ]; then
		echo "@@GUEST lockdown: $(cat "$ROOT/sys/kernel/security/lockdown")"
	else
		echo "@@GUEST lockdown: unknown (securityfs is not mounted)"
	fi
	grep -hE '^(# )?CONFIG_(DEVMEM|STRICT_DEVMEM|IO_STRICT_DEVMEM|INTEL_TDX_GUEST|AMD_MEM_ENCRYPT)[= ]' \
		"$ROOT/boot/config-$(uname -r)" 2>/dev/null | sed 's/^/@@GUEST config: /'
	[ -z "$ROOT" ] || echo "@@GUEST fake root: $ROOT (a test's, not a guest)"
}

echo "@@KIT devmem-guest-kit tree=$KIT_TREE kselftest=$KIT_TARBALL"
echo "@@UNAME $(uname -r)"
echo "@@CMDLINE $(cat "$ROOT/proc/cmdline")"
echo "@@UID $(id -u)"
guest
echo "@@STEPS $STEPS"
n=0
for s in $STEPS; do
	n=$((n + 1))
	echo "@@STEP $n $s BEGIN"
	"step_$s" 2>&1
	echo "@@STEP $n $s END rc=$?"
done
echo "@@DONE"
exit 0
