# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/initramfs.sh: what boot puts in a guest's initramfs, the
# kselftest as the field installs it and the legacy /dev/mem users.
# Sourced by scripts/lib.sh, never run.

# kselftest_initramfs TREE GUEST SRC OUT: boot's initramfs of the guest,
# OUT/GUEST/initramfs.cpio.gz, from the tree's series worktree SRC:
# the kselftest as the field installs it, the contents of the tarball the
# tree's own kselftest build makes for the guest's architecture (make -C
# tools/testing/selftests TARGETS=devmem gen_tar, static) in /kselftest,
# run_kselftest.sh and the test in devmem/, and the guest's init; with the
# 'busybox' init also the control's kselftest (guest/kselftest-touch.patch),
# dmidecode and util-linux's setpriv, and for the 'kit' steps the guest
# kit of that tarball (scripts/guest-kit --pack) and bash, which the kit
# runs in as it does in a user's VM, all with their libraries.
kselftest_initramfs() {
	local tree=$1 g=$2 src=$3 o=$4/$2 root=$4/$2/root bin dmidecode setpriv bash lib tar
	local -a margs

	mapfile -t margs < <(guest_make_args "$g")
	log "$tree: building the devmem kselftest for $g"
	rm -rf "$root"
	mkdir -p "$root/usr/sbin" "$root/kselftest"
	tar=$o/kselftest/kselftest/kselftest_install/kselftest-packages/kselftest.tar.gz
	bin=$root/kselftest/devmem/devmem
	if kselftest_build "$src" "$o/kselftest" devmem "${margs[@]}" LDFLAGS=-static gen_tar &&
	   tar -xzf "$tar" -C "$root/kselftest" && [ -x "$bin" ] && [ -x "$root/kselftest/run_kselftest.sh" ] &&
	   grep -qx devmem:devmem "$root/kselftest/kselftest-list.txt"; then
		result "$tree/kselftest/$g" PASS "gen_tar: run_kselftest.sh, devmem:devmem, devmem/devmem $(file -b "$bin" | cut -d, -f1-2)"
	else
		tail -5 "$o/kselftest.log" >&2
		result "$tree/kselftest/$g" FAIL "no kselftest tarball with run_kselftest.sh and devmem:devmem: see ${o#"$TOP"/}/kselftest.log"
		return 1
	fi
	if [ "$(guest_field "$g" init)" = busybox ]; then
		patch -s -o "$o/devmem-touch.c" "$src/tools/testing/selftests/devmem/devmem.c" \
			<"$TOP/guest/kselftest-touch.patch" &&
			"$(guest_cc "$g")" -O2 -static -I"$src/tools/testing/selftests/devmem" \
				-o "$root/devmem-touch" "$o/devmem-touch.c" 2>"$o/touch.log" ||
			die "$tree: cannot build the kselftest with guest/kselftest-touch.patch (see ${o#"$TOP"/}/touch.log)"
		"$(guest_cc "$g")" -O2 -Wall -Werror -static -o "$root/devmem-paths" \
			"$TOP/guest/devmem-paths.c" 2>"$o/paths.log" ||
			die "$tree: cannot build guest/devmem-paths.c (see ${o#"$TOP"/}/paths.log)"
		dmidecode=$(PATH=$PATH:/usr/sbin command -v dmidecode) || die "no dmidecode (package dmidecode)"
		# busybox's setpriv cannot change the uid: util-linux's, for 'user'
		setpriv=$(command -v setpriv) || die "no setpriv (package util-linux)"
		grep -q -- --reuid < <("$setpriv" --help 2>&1) || die "$setpriv: no --reuid (util-linux's setpriv is needed)"
		bash=$(command -v bash)
		mkdir -p "$root/usr/bin"
		cp "$dmidecode" "$root/usr/sbin/dmidecode"
		cp "$setpriv" "$root/usr/bin/setpriv"
		cp "$bash" "$root/usr/bin/bash"
		"$TOP/scripts/guest-kit" --pack "$tar" "$tree" "$root/devmem-guest-kit.sh" ||
			die "$tree: cannot pack the guest kit of $g"
		for bin in "$dmidecode" "$setpriv" "$bash"; do
			ldd "$bin" | grep -o '/[^ ]*' | while read -r lib; do
				mkdir -p "$root$(dirname "$lib")"
				cp -L "$lib" "$root$lib"
			done
		done
	fi
	initramfs "$g" "$root" "$o/initramfs.cpio.gz" || die "$tree: cannot make the initramfs of $g"
}
