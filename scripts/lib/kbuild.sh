# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/kbuild.sh: kernel builds: make with ccache, Kconfig and its
# kept answers, the kselftest build.
# Sourced by scripts/lib.sh, never run.

# Kernel objects are cached in ccache's depend mode: a miss runs the
# compiler once and takes the key from its dependency file, where the
# default mode runs the preprocessor first and hashes its output.  A
# guest kernel with ccache cold took 8.3 minutes here instead of 10.5.
# Host programs (objtool among them) stay in the default mode: their
# -MT names an absolute path, which depend mode would hash, and a fresh
# clone would miss them all.
kmake() {
	make -s -j"$JOBS" CC='env CCACHE_DEPEND=1 ccache $(CROSS_COMPILE)gcc' HOSTCC="ccache gcc" "$@"
}

# tool_versions TOOL...: the first line of each tool's --version, or
# 'no TOOL' (kconfig_key, and image_key in lib/kernels.sh).
tool_versions() {
	local a

	for a; do
		"$a" --version 2>/dev/null | sed -n 1p || echo "no $a"
	done
}

# kconfig_key SRC FRAGMENT [make args]: a name for what 'tinyconfig plus
# FRAGMENT' gives in SRC, a git tree: the make arguments, the fragment, the
# versions of the tools Kconfig asks ($(CROSS_COMPILE)gcc and ld, gcc,
# pahole, rustc), and the Kconfig files, scripts/, the top Makefile and the
# tiny configurations, as committed (their blob ids) and as changed in the
# worktree (the diff).  Fails where SRC is not the top of a git tree.
kconfig_key() {
	local src=$1 frag=$2 cross='' a
	local paths=(Makefile scripts kernel/configs ':(glob)**/Kconfig*' ':(glob)arch/*/configs/*tiny*')

	shift 2
	for a; do case $a in CROSS_COMPILE=*) cross=${a#*=} ;; esac; done
	[ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" -ef "$src" ] || return 1
	{
		printf '%s\n' "$@" && cat "$frag" &&
		tool_versions "${cross}gcc" "${cross}ld" gcc pahole rustc &&
		git -C "$src" ls-files -s -- "${paths[@]}" &&
		git -C "$src" diff -- "${paths[@]}"
	} | sha256sum | cut -c1-32
}

# kconfig_keep FILE NAME: FILE as $CACHE/kconfig/NAME, moved in place
# whole, so a run killed half way never leaves a part of an answer there.
kconfig_keep() {
	mkdir -p "$CACHE/kconfig" && cp "$1" "$CACHE/kconfig/$2.$$" &&
		mv -f "$CACHE/kconfig/$2.$$" "$CACHE/kconfig/$2"
}

# kconfig SRC O FRAGMENT [make args]: tinyconfig plus FRAGMENT in O=.
# Kconfig's answer depends only on what kconfig_key names, and takes 10 to
# 15 s a run here, so each answer is kept in $CACHE/kconfig under its key:
# a hit copies it, and leaves a .config with the same content untouched so
# that make rebuilds nothing.  KCONFIG_CACHE=0 always asks Kconfig.
kconfig() {
	local src=$1 o=$2 frag=$3 key='' c

	shift 3
	mkdir -p "$o"
	if [ "${KCONFIG_CACHE:-1}" != 0 ] && key=$(kconfig_key "$src" "$frag" "$@"); then
		c=$CACHE/kconfig/$key.config
		if [ -f "$c" ]; then
			cmp -s "$c" "$o/.config" || cp "$c" "$o/.config"
			return
		fi
	fi
	kmake -C "$src" O="$o" "$@" tinyconfig >/dev/null &&
		"$src/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" "$frag" >/dev/null &&
		kmake -C "$src" O="$o" "$@" olddefconfig >/dev/null || return 1
	[ -z "$key" ] || kconfig_keep "$o/.config" "$key.config"
}

# config_missing O FRAGMENT: the lines of FRAGMENT that the .config in O
# does not hold (Kconfig dropped them).
config_missing() {
	grep -E '^(CONFIG_|# CONFIG_)' "$2" | while read -r line; do
		grep -qxF "$line" "$1/.config" || echo "${line%%=*}"
	done
}

# config_value SYMBOL CONFIG: the value of CONFIG_SYMBOL in a .config.
config_value() { sed -n "s/^CONFIG_$1=//p" "$2"; }

# kselftest_build SRC O TARGET: the tree's own kselftest build of TARGET,
# output in O, log in O.log.  Extra make arguments may follow.
kselftest_build() {
	local src=$1 o=$2 t=$3

	shift 3
	rm -rf "$o"
	make -s -C "$src/tools/testing/selftests" O="$o" TARGETS="$t" "$@" >"$o.log" 2>&1
}
