# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scripts/lib/apt.sh: Debian's archive as a tree's source.  Which suite
# serves which versions of a tree's packages, and which version a tree is
# built on: the one 'trees' pins while its suite serves it in full, else
# the newest it serves.  Sourced by scripts/lib.sh, never run.
#
# The mirror is the machine's own (its apt configuration).  A suite the
# machine does not list is read through a private configuration in the
# cache with the URI of the machine's main suite.  DEVMEM_ARCHIVE=URI puts
# another archive in place of the machine's for every suite: the harness's
# tests point it at a stub archive (a file: URI, trusted as it is).

# suite_opts SUITE: apt's options for SUITE, on one line; none for a suite
# the machine lists.  Updates the lists it reads once a run (T0), a stub
# archive's each time.
suite_opts() {
	local suite=$1 priv uri trust='' stamp

	if [ -z "${DEVMEM_ARCHIVE:-}" ]; then
		stamp=$BUILD/.apt-updated
		if [ ! -e "$stamp" ] || [ "$(cat "$stamp")" != "$T0" ]; then
			mkdir -p "$BUILD" "$CACHE"
			apt_get -q update >"$CACHE/apt-update.log" 2>&1 ||
				die "apt-get update failed (see $CACHE/apt-update.log)"
			echo "$T0" >"$stamp"
		fi
		if grep -q " $suite/main " < <(apt-cache policy); then
			return
		fi
		uri=$(apt-cache policy | awk '$3 ~ /^[a-z]+\/main$/ { print $2; exit }')
		[ -n "$uri" ] || die "no main suite in the machine's apt configuration to take the mirror from"
		priv=$CACHE/apt/$suite
	else
		uri=$DEVMEM_ARCHIVE
		[ "${uri#file:}" = "$uri" ] || trust='[trusted=yes] '
		priv=$CACHE/apt/stub-$suite
	fi
	mkdir -p "$priv/lists/partial" "$priv/cache/archives/partial"
	echo "deb $trust$uri $suite main" >"$priv/sources.list.new"
	cmp -s "$priv/sources.list.new" "$priv/sources.list" 2>/dev/null ||
		{ mv "$priv/sources.list.new" "$priv/sources.list"; rm -f "$priv/updated"; }
	rm -f "$priv/sources.list.new"
	local opts="-o Dir::Etc::SourceList=$priv/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$priv/lists -o Dir::Cache=$priv/cache"
	if [ "$(cat "$priv/updated" 2>/dev/null)" != "$T0" ] || [ -n "${DEVMEM_ARCHIVE:-}" ]; then
		# shellcheck disable=SC2086 # options, one word each
		apt_get $opts -q update >"$priv/update.log" 2>&1 ||
			die "apt-get update failed for $suite (see $priv/update.log)"
		echo "$T0" >"$priv/updated"
	fi
	echo "$opts"
}

# served SUITE PACKAGE: the versions of PACKAGE that SUITE serves, newest
# first (apt's order), one a line.
served() {
	local opts

	opts=$(suite_opts "$1") || exit 1
	# shellcheck disable=SC2086
	apt-cache $opts madison "$2" 2>/dev/null |
		awk -F' *[|] *' -v p="$2" -v s=" $1/main " '{ sub(/^ +/, "", $1) } $1 == p && index($3, s) { print $2 }'
}

# newest_version PACKAGE CONFIG SUITE: the newest version of PACKAGE that
# SUITE serves together with CONFIG (the package of Debian's configuration,
# which a suite keeps only in its newest version); nothing if none.
newest_version() {
	local src cfg

	src=$(served "$3" "$1") && cfg=$(served "$3" "$2") || exit 1
	grep -xF -f <(echo "$cfg") <<<"$src" | head -1
}

# tree_version TREE: the version of TREE's package to build on: 'trees'
# pins it while its suite serves both the source and Debian's configuration
# in it; else the newest version the suite serves both in (and a line on
# stderr says so).  Dies, naming what is missing, when there is none.
tree_version() {
	local pkg ver suite cfg have new

	pkg=$(tree_field "$1" package) && ver=$(tree_field "$1" version) && suite=$(tree_field "$1" suite) || exit 1
	cfg=linux-config-$1
	have=$( (served "$suite" "$pkg"; served "$suite" "$cfg") | grep -cxF "$ver")
	if [ "$have" = 2 ]; then
		echo "$ver"
		return
	fi
	new=$(newest_version "$pkg" "$cfg" "$suite") || exit 1
	[ -n "$new" ] || die "$1: $suite serves no version of both $pkg and $cfg (trees pins $ver)"
	log "$1: $suite no longer serves $pkg and $cfg $ver (trees): building on $new, the newest it serves"
	echo "$new"
}
