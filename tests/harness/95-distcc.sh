# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Compiles that leave the machine (DISTCC_HOSTS: ccache's CCACHE_PREFIX,
# scripts/lib/env.sh).  A distccd started on 127.0.0.1 compiles
# drivers/char/mem.o of the newest tree's guest kernel, as kmake builds it
# with DISTCC_HOSTS set, and the object is the one built here:
#   TREE/distcc/remote   distccd's log shows the compile, and mem.o is
#                        byte for byte the local one
#   TREE/distcc/control  with nothing listening, distcc compiles locally,
#                        and the same check sees that no daemon did
# It needs that tree's guest kernel built (stage build): the stage
# 'distcc' runs it in the tree's lane, and 'harness' leaves it out.  The
# object directory is left as it was: mem.o, its .cmd and mem.c's time.
: "${tree:?}" "${scratch:?}"

src=$(work_src "$tree")
o=$(objdir "$tree" guest-x86_64)
obj=drivers/char/mem.o
cmd=drivers/char/.mem.o.cmd
dlog=$scratch/distccd.log

if ! command -v distccd >/dev/null; then
	result "$tree/distcc/remote" FAIL "no distccd (scripts/deps check installs distcc)"
	result "$tree/distcc/control" FAIL "no distccd"
	return 0
fi
if [ ! -f "$o/$obj" ] || [ ! -f "$src/${obj%.o}.c" ]; then
	result "$tree/distcc/remote" FAIL "no guest kernel object $obj in ${o#"$TOP"/} (run: make build TREE=$tree)"
	result "$tree/distcc/control" FAIL "no guest kernel object"
	return 0
fi

# A port of its own: the first that distccd could listen on.
dpid=
for port in $((20000 + RANDOM % 20000)) $((20000 + RANDOM % 20000)) $((20000 + RANDOM % 20000)); do
	: >"$dlog"
	# --log-stderr: as root, distccd runs as the user distcc, who may not
	# write to the scratch directory; the shell opens its log.
	distccd --daemon --no-detach --allow 127.0.0.1 --listen 127.0.0.1 \
		--port "$port" --jobs "$CORES" --log-stderr --log-level info 2>"$dlog" &
	dpid=$!
	for _ in $(seq 50); do
		grep -q 'listening on' "$dlog" && break 2
		kill -0 "$dpid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	dpid=
done
if [ -z "$dpid" ]; then
	result "$tree/distcc/remote" FAIL "distccd did not start: $(tail -1 "$dlog")"
	result "$tree/distcc/control" FAIL "distccd did not start"
	return 0
fi

mkdir -p "$scratch/distcc"
cp -p "$o/$obj" "$scratch/distcc/orig.o"
cp -p "$o/$cmd" "$scratch/distcc/cmd"
touch -r "$src/${obj%.o}.c" "$scratch/distcc/stamp"

# through [HOSTS]: mem.o compiled again through ccache (which stores what
# it compiled, and looks nothing up), with distcc as its prefix and HOSTS,
# or here without them; prints how many compiles distccd's log shows for
# mem.c.
through() {
	touch "$src/${obj%.o}.c"
	if [ -n "${1:-}" ]; then
		DISTCC_HOSTS=$1 CCACHE_PREFIX=distcc CCACHE_RECACHE=1 \
			kmake -C "$src" O="$o" ARCH=x86_64 "$obj"
	else
		CCACHE_RECACHE=1 kmake -C "$src" O="$o" ARCH=x86_64 "$obj"
	fi >"$scratch/distcc/make.log" 2>&1 || return 1
	grep -c 'COMPILE_OK .*drivers/char/mem\.c' "$dlog"
	return 0
}

n=
# A build that fails is a FAIL of both, never a count: the object left
# from before would compare equal.
if ! through >/dev/null || ! cp -p "$o/$obj" "$scratch/distcc/local.o" ||
   ! n=$(through "127.0.0.1:$port/$CORES"); then
	result "$tree/distcc/remote" FAIL "make of $obj failed: $(tail -1 "$scratch/distcc/make.log")"
	result "$tree/distcc/control" FAIL "make of $obj failed"
elif [ "$n" -ge 1 ] && cmp -s "$o/$obj" "$scratch/distcc/local.o"; then
	result "$tree/distcc/remote" PASS "distccd on 127.0.0.1:$port compiled $obj, the same bytes as here"
elif [ "$n" -ge 1 ]; then
	result "$tree/distcc/remote" FAIL "distccd compiled $obj, but not the bytes compiled here"
else
	result "$tree/distcc/remote" FAIL "distccd compiled nothing: $(tail -1 "$scratch/distcc/make.log")"
fi

# The control: the daemon gone, distcc falls back to a local compile, and
# the log shows no new compile.
kill "$dpid" 2>/dev/null
wait "$dpid" 2>/dev/null
if [ -z "${n:-}" ]; then
	:	# failed above
elif ! m=$(through "127.0.0.1:$port/$CORES" 2>/dev/null); then
	result "$tree/distcc/control" FAIL "make of $obj failed with no daemon: $(tail -1 "$scratch/distcc/make.log")"
elif [ "$m" -eq "$n" ] && cmp -s "$o/$obj" "$scratch/distcc/local.o"; then
	result "$tree/distcc/control" PASS "no daemon: $obj compiled here, and the check sees no remote compile"
else
	result "$tree/distcc/control" FAIL "no daemon, yet $((m - n)) remote compiles or other bytes"
fi

# The object directory as it was, so that no later stage rebuilds.
cp -p "$scratch/distcc/orig.o" "$o/$obj"
cp -p "$scratch/distcc/cmd" "$o/$cmd"
touch -r "$scratch/distcc/stamp" "$src/${obj%.o}.c"
