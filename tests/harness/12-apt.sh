# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# apt_get (lib/env.sh) over a stub apt-get: asked again while apt-get says
# only that another program holds its lock (apt-get update does not wait:
# the harness's fetch beside a lane's once failed so), given up at once on
# any other error, and never two of ours at once.  Needs nothing fetched.
: "${scratch:?}"

d=$scratch/apt
mkdir -p "$d/bin"
cat >"$d/bin/apt-get" <<'STUB'
#!/bin/bash
d=$(dirname "$0")/..
n=$(($(cat "$d/calls" 2>/dev/null || echo 0) + 1))
echo "$n" >"$d/calls"
mkdir "$d/in" 2>/dev/null || echo overlap >>"$d/overlaps"
sleep "${STUB_SLEEP:-0}"
rmdir "$d/in"
case ${STUB_MODE:-ok} in
held)	if [ "$n" -le 2 ]; then
		echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 1 (apt-get)" >&2
		echo "E: Unable to lock directory /var/lib/apt/lists/" >&2
		exit 100
	fi ;;
other)	echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 1 (apt-get)" >&2
	echo "E: Failed to fetch http://mirror/dists/x/InRelease" >&2
	exit 100 ;;
esac
echo "stub: $*"
STUB
chmod +x "$d/bin/apt-get"

rm -f "$d/calls"; n=
out=$(PATH=$d/bin:$PATH STUB_MODE=held apt_get -q update 2>&1) && n=$(cat "$d/calls")
if [ "${n:-}" = 3 ] && [ "$out" = "stub: -o DPkg::Lock::Timeout=300 -q update" ]; then
	result harness/apt-held PASS "a held lock: asked again, passed at the third call"
else
	result harness/apt-held FAIL "a held lock: ${n:-failed} calls, output: $(paste -sd'|' <<<"$out")"
fi

rm -f "$d/calls"; n=
if out=$(PATH=$d/bin:$PATH STUB_MODE=other apt_get -q update 2>&1); then
	result harness/apt-other FAIL "another error passed"
elif [ "$(cat "$d/calls")" != 1 ] || ! grep -q 'Failed to fetch' <<<"$out"; then
	result harness/apt-other FAIL "another error: $(cat "$d/calls") calls, output: $(paste -sd'|' <<<"$out")"
else
	result harness/apt-other PASS "another error: given up at once, and shown"
fi

rm -f "$d/calls" "$d/overlaps"
PATH=$d/bin:$PATH STUB_SLEEP=1 apt_get -q update >/dev/null &
PATH=$d/bin:$PATH STUB_SLEEP=1 apt_get -q update >/dev/null
wait $!
if [ -e "$d/overlaps" ] || [ "$(cat "$d/calls")" != 2 ]; then
	result harness/apt-serial FAIL "two at once: $(cat "$d/calls") calls, $(grep -c . "$d/overlaps" 2>/dev/null || echo 0) overlapping"
else
	result harness/apt-serial PASS "two at once: one after the other"
fi
