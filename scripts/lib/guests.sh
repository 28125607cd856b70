# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/guests.sh: the guest machines: their make arguments and
# compilers, whether they can be confidential, their initramfs, QEMU and
# cells.  Their kernels are in lib/variants.sh and lib/kernels.sh.
# Sourced by scripts/lib.sh, never run.

# guest_make_args GUEST: make's ARCH= and CROSS_COMPILE= for it, a line each.
guest_make_args() {
	local cross

	echo "ARCH=$(guest_field "$1" arch)"
	cross=$(guest_field "$1" cross)
	[ "$cross" = - ] || echo "CROSS_COMPILE=$cross"
}

# guest_cc GUEST: the compiler of the guest's programs.
guest_cc() {
	local cross

	cross=$(guest_field "$1" cross)
	[ "$cross" != - ] || cross=
	echo "${cross}gcc"
}

# srcarch ARCH: the directory under arch/ of a kernel ARCH=, as the top
# Makefile maps it.
srcarch() {
	case $1 in
	i386|x86_64)		echo x86 ;;
	sparc32|sparc64)	echo sparc ;;
	parisc64)		echo parisc ;;
	*)			echo "$1" ;;
	esac
}

# arch_can_be_cc TREE SRCARCH: the tree's base lets a guest of that
# architecture be confidential: a Kconfig file of arch/SRCARCH selects
# ARCH_HAS_CC_PLATFORM.  Without it cc_platform_has() is the generic stub
# of <linux/cc_platform.h>, always false.  The one place that decides it.
arch_can_be_cc() {
	git -C "$(tree_repo "$1")" grep -l -e 'select ARCH_HAS_CC_PLATFORM' base -- "arch/$2" |
		grep '/Kconfig[^/]*$' >/dev/null	# all of its input: pipefail
}

# guest_can_be_cc TREE GUEST: arch_can_be_cc for the guest's architecture.
guest_can_be_cc() { arch_can_be_cc "$1" "$(srcarch "$(guest_field "$2" arch)")"; }

# initramfs GUEST ROOT OUT: ROOT, with /dev/console and the guest's init
# added, as a gzipped cpio archive in OUT.  The init is guest/init with
# the host's busybox ('busybox' in the guest's row: the host's
# architecture only), or guest/init.c built static ('static').
initramfs() {
	local g=$1 root=$2 out=$3

	mkdir -p "$root"/{bin,dev,proc,sys}
	case $(guest_field "$g" init) in
	busybox) cp /bin/busybox "$root/bin/busybox" &&
		 cp "$TOP/guest/init" "$root/init" && chmod +x "$root/init" || return 1 ;;
	static)	 "$(guest_cc "$g")" -O2 -Wall -Wextra -Werror -static -o "$root/init" \
			"$TOP/guest/init.c" || return 1 ;;
	*)	 die "guests: $g: unknown init '$(guest_field "$g" init)' (busybox or static)" ;;
	esac
	[ -e "$root/dev/console" ] || mknod -m 600 "$root/dev/console" c 5 1 || return 1
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

# guest_cmdline GUEST: what every boot's kernel command line starts with
# (qemu_guest; the LAVA jobs, scripts/lava).
guest_cmdline() { echo "console=$(guest_field "$1" console) panic=-1 quiet loglevel=4"; }

# qemu_guest GUEST KERNEL INITRD APPEND LOG [QEMU ARGS]: boot under QEMU
# (TCG) until the guest powers off, GUEST_TIMEOUT seconds at most (300);
# its console, without CRs, goes to LOG.  A boot whose console stays
# empty (with 'quiet', the guest hung before its init printed anything;
# seen once here, cause not found: doc/guests.md) is booted once more,
# and says so on stderr;
# the empty log is kept as LOG.hung.  A boot that printed anything is
# judged as it is.
qemu_guest() {
	local g=$1 kernel=$2 initrd=$3 append=$4 log=$5 try
	local -a qemu serial=()

	shift 5
	read -ra qemu <<<"$(guest_field "$g" qemu)"
	[ "$(guest_field "$g" init)" != busybox ] ||
		serial=(-serial mon:stdio -serial "file:$log.steps")
	rm -f "$log.hung"
	for try in 1 2; do
		# no stale results beside a new log
		rm -f "$log.steps"
		timeout "${GUEST_TIMEOUT:-300}" "${qemu[@]}" -m 512M -smp 1 \
			-nographic -no-reboot -nic none "${serial[@]}" \
			-kernel "$kernel" -initrd "$initrd" \
			-append "$(guest_cmdline "$g") $append" \
			"$@" </dev/null 2>&1 | tr -d '\r' >"$log"
		[ ! -s "$log" ] && [ $try = 1 ] || break
		mv "$log" "$log.hung"
		log "$g: ${log##*/}: the guest printed nothing in ${GUEST_TIMEOUT:-300} s: booting it once more (${log##*/}.hung)"
	done
}

# hosts ARG...: scripts/devmem_hosts.py, the real confidential guests of
# data/hosts (TDX, SNP): whether this host can boot one, and the boot.
hosts() { python3 -B "$TOP/scripts/devmem_hosts.py" "$@"; }

# guest_log_bad LOG: the first sign of a kernel oops, WARN, BUG or panic.
guest_log_bad() {
	grep -m1 -E 'BUG:|WARNING:|Oops|Kernel panic|general protection|Call Trace' "$1"
}

# guest_cells TREE GUEST: the guest's cells on TREE, one per line: name,
# kernel, command line, steps (boot's; data-check's rfc3 check): the rows of data/cells whose needs the guest and
# the tree have, without the steps (data/steps) whose needs the guest
# lacks, and without a cell left with no step.  'signals' in a cell's
# steps is each faked signal the guest can fake that is a signal on its
# architecture (the signal column of data/steps), tested for confidential
# mode; 'nonsignals' each other fake it can make (another architecture's
# signal, or none), tested for plain mode.
guest_cells() {
	local have steps arch

	arch=$(guest_field "$2" arch) &&
		have="- $(guest_field "$2" init) $arch" || return 1
	! tree_in "$1" newest || have="$have newest"
	steps=$(table "$TOP/data/steps" step needs signal) || return 1
	table "$TOP/data/cells" cell kernel cmdline needs steps | awk -F'\t' -v OFS='\t' \
		-v have=" $have " -v arch="$arch" -v steps="$steps" '
		function has(needs,   n, w, i) {
			n = split(needs, w, " ")
			for (i = 1; i <= n; i++)
				if (index(have, " " w[i] " ") == 0)
					return 0
			return 1
		}
		BEGIN {
			n = split(steps, row, "\n")
			for (i = 1; i <= n; i++) {
				split(row[i], f, "\t")
				ok[f[1]] = has(f[2])
				if (f[1] !~ /^fake-/ || !ok[f[1]])
					continue
				if (f[3] == arch)
					signals = signals " " f[1] " test=cc unfake"
				else
					nonsignals = nonsignals " " f[1] " test=plain unfake"
			}
		}
		has($4) {
			gsub(/(^| )signals( |$)/, " " signals " ", $5)
			gsub(/(^| )nonsignals( |$)/, " " nonsignals " ", $5)
			n = split($5, st, " "); keep = ""
			for (i = 1; i <= n; i++) {
				name = st[i]; sub(/=.*/, "", name)
				if (!(name in ok) || ok[name])	# unknown: init fails it
					keep = keep (keep == "" ? "" : " ") st[i]
			}
			if (keep != "")
				print $1, $2, $3, keep
		}'
}
