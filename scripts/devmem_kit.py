#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""devmem_kit: the judge of a guest kit's log, and the kit's lint.

    devmem_kit.py judge TREE LOG    one verdict line, then a conclusion
    devmem_kit.py lint KIT          nothing the kit runs reads /dev/mem

The kit (scripts/guest-kit, guest/kit.sh) runs in your own confidential
VM and prints a log in the protocol of the harness's guests
(devmem_judge's header): before the steps

    @@KIT devmem-guest-kit tree=TREE
    @@UNAME <uname -r>
    @@CMDLINE </proc/cmdline>
    @@UID <id -u>
    @@GUEST <what the guest says about itself>    (any number)
    @@STEPS test user norawio dmi opens

then each step between "@@STEP N NAME BEGIN" and "@@STEP N NAME END
rc=RC", and "@@DONE".  A step the kit could not run prints "SKIP <why>"
first and ends rc=4.  The steps: test, the kselftest as root, run by the
tarball's run_kselftest.sh -t devmem:devmem; user and norawio, the same as
uid 65534 and as root without CAP_SYS_RAWIO; dmi, the firmware's strings
from sysfs; opens, open(O_RDONLY) of /dev/mem and /dev/port, each line
"open DEV: opened", "open DEV: <strerror>" or "open DEV: absent".

The kselftest's steps are judged as devmem_judge judges a cell's
(judge_step: plain, cc, hole, nonroot), and the outcome read from them:

    HOLE      confidential mode, the four open() tests fail, /dev/mem opened
    EPERM     confidential mode, the four open() tests pass, EPERM
    LOCKDOWN  confidential mode, the open() tests SKIP for lockdown, EPERM
    NONROOT   every test SKIPs for want of CAP_SYS_RAWIO
    UNKNOWN   the kselftest said plain or no mode: not detected

Exit 0 with one of those, 1 with FAIL: a log that is broken or
contradicts itself (the opens against the kselftest, a step missing, an
oops, DEVMEM_TEST_CC set); 2 for bad arguments.
"""

import argparse
import os
import re
import sys
from typing import Dict, List, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devmem_judge as J  # noqa: E402

KIT_STEPS = ['test', 'user', 'norawio', 'dmi', 'opens']
DEVICES = ['/dev/mem', '/dev/port']
PAYLOAD = '__KSELFTEST_TARBALL__'
EPERM = 'Operation not permitted'
LOCK_SKIP = "EPERM, but it may be lockdown's"
NO_RAWIO = 'no CAP_SYS_RAWIO'
OPEN_LINE = re.compile(r'^open (/dev/[a-z]+): (.+)$')

CONCLUSION = {
    'HOLE': ('the hole is open: open(/dev/mem) succeeded in a confidential guest. '
             'This kernel lacks the series: a program that reads or maps the wrong '
             'page through /dev/mem can end the guest. Nothing was read or mapped '
             'to show it.'),
    'EPERM': ('EPERM: the series closes the hole. The kernel detects the confidential '
              'guest and refuses open() of /dev/mem and /dev/port, with lockdown off.'),
    'LOCKDOWN': ('EPERM, but lockdown may be why: the kselftest SKIPs the open() tests. '
                 'Under lockdown /dev/mem is closed with or without the series, so this '
                 'proves nothing about the series; run it again with lockdown none '
                 '(and securityfs mounted, to read it).'),
    'NONROOT': ('run without CAP_SYS_RAWIO: every test SKIPs, since open() fails then '
                'whatever the kernel does. Nothing proven: run the kit as root.'),
    'UNKNOWN': ('not detected as a confidential guest: nothing proven. The kselftest '
                'found no TDX or SEV signal, so it ran in plain mode; check that the VM '
                'is a TD or an SEV-SNP guest (the @@GUEST lines).'),
}


class Broken(Exception):
    """A log that is broken or contradicts itself: why, one line."""


def header(log: J.Log, tag: str) -> List[str]:
    """The values of the header lines '@@TAG ...' before the first step."""
    out = []
    for ln in log.lines:
        if ln.startswith('@@STEP '):
            break
        if ln.startswith(f'@@{tag} ') or ln == f'@@{tag}':
            out.append(ln[len(tag) + 3:])
    return out


def step(log: J.Log, n: int, name: str) -> Tuple[str, str]:
    """Step N's output and exit code; raises Broken when it did not run."""
    if not log.has(f'@@STEP {n} {name} BEGIN'):
        raise Broken(f'step {n} ({name}) did not start')
    rc = log.console_rc(n, name)
    if not rc:
        raise Broken(f'step {n} ({name}) did not end with rc=')
    return log.step_output(n, name), rc


def kit_skip(text: str, rc: str) -> str:
    """The reason of a step the kit skipped ('SKIP why', rc=4), else ''."""
    first = text.split('\n')[0]
    if first.startswith('SKIP ') and rc == '4':
        return first[5:]
    return ''


def opens(text: str, rc: str) -> Dict[str, str]:
    """The opens step: each device to 'opened', 'absent' or an error."""
    got: Dict[str, str] = {}
    for ln in text.split('\n'):
        m = OPEN_LINE.match(ln)
        if m and m.group(1) in DEVICES:
            if m.group(1) in got:
                raise Broken(f'opens: {m.group(1)} reported twice')
            got[m.group(1)] = m.group(2)
    missing = [d for d in DEVICES if d not in got]
    if missing or rc != '0':
        raise Broken(f"opens: exit {rc}, no result for {' '.join(missing) or '-'}")
    return got


def inner_ktap(text: str) -> J.Ktap:
    """The kselftest's own KTAP out of the runner's output."""
    try:
        return J.parse_ktap(J.shell_text(J.parse_runner(text).inner))
    except J.KtapError as e:
        raise Broken(f'step 1 (test): KTAP: {e}') from e


def lockdown_bad(text: str, rc: str) -> str:
    """'' when the kselftest SKIPped the open() tests for lockdown, failed
    nothing and exited 0 or 4; else why not."""
    try:
        out = J.parse_runner(text)
        ktap = J.parse_ktap(J.shell_text(out.inner))
    except J.KtapError as e:
        return f'KTAP: {e}'
    if sorted(set(ktap.modes)) != ['confidential']:
        return 'mode: not confidential'
    for t in J.KSFT_OPENS:
        v = ktap.test('global.' + t)
        if not v.startswith(f'skip ({LOCK_SKIP}'):
            return f'global.{t}: {v}, not skipped for lockdown'
    if any(r.verdict == 'fail' for r in ktap.results) or out.rc not in ('0', '4'):
        return f'failed, or exit {out.rc}'
    return ''


def judge(tree: str, path: str) -> Tuple[str, str]:
    """(outcome, reason) of a kit's log; outcome FAIL for a broken one."""
    try:
        return judge_log(tree, path)
    except Broken as e:
        return 'FAIL', str(e)


def judge_log(tree: str, path: str) -> Tuple[str, str]:
    if not os.path.isfile(path):
        raise Broken(f'no log: {path}')
    log = J.Log(path)
    kit = header(log, 'KIT')
    if len(kit) != 1 or not kit[0].startswith('devmem-guest-kit '):
        raise Broken('not a kit log: no one "@@KIT devmem-guest-kit" line before the steps')
    made = dict(w.split('=', 1) for w in kit[0].split()[1:] if '=' in w)
    if made.get('tree') != tree:
        raise Broken(f"the kit was made for tree {made.get('tree', '?')}, not {tree} "
                     f"(make judge TREE={made.get('tree', '?')})")
    for tag in ('UNAME', 'CMDLINE', 'UID', 'STEPS'):
        if len(header(log, tag)) != 1:
            raise Broken(f'the header has no one @@{tag} line')
    if header(log, 'STEPS')[0].split() != KIT_STEPS:
        raise Broken(f"steps '{header(log, 'STEPS')[0]}', not '{' '.join(KIT_STEPS)}'")
    uname, uid = header(log, 'UNAME')[0], header(log, 'UID')[0]
    out = {s: step(log, n, s) for n, s in enumerate(KIT_STEPS, 1)}
    if not log.has('@@DONE'):
        raise Broken('the kit did not finish (no @@DONE)')
    bad = J.guest_log_bad(log.lines)
    if bad:
        raise Broken(f'guest log: {bad}')
    dev = opens(*out['opens'])
    text, rc = out['test']
    if kit_skip(text, rc):
        raise Broken(f'step 1 (test) skipped: {kit_skip(text, rc)}')
    ktap = inner_ktap(text)
    modes = sorted(set(ktap.modes))
    said = [ln for ln in J.shell_text(J.parse_runner(text).inner).split('\n')
            if J.MODE_LINE.match(ln)]
    if any('DEVMEM_TEST_CC' in ln for ln in said):
        raise Broken('the kselftest was told DEVMEM_TEST_CC=1: the kit never sets it')
    if len(modes) != 1:
        raise Broken(f"step 1 (test): modes {' '.join(modes) or 'none'}, not one")
    mode = modes[0]
    mem = dev['/dev/mem']
    skips = [r for r in ktap.results if r.verdict == 'skip' and r.reason.startswith(NO_RAWIO)]

    if len(skips) == len(ktap.results):
        outcome = 'NONROOT'
        want = 'nonroot'
        why = f'uid {uid}, every test SKIPs: {NO_RAWIO}'
    elif uid != '0':
        raise Broken(f'uid {uid}, but the kselftest ran with CAP_SYS_RAWIO')
    elif mode != 'confidential':
        outcome, want = 'UNKNOWN', ''
        why = f"the kselftest's mode: {said[0].split(': ', 1)[1] if said else mode}"
        verdict = J.judge_step('plain', text, rc) if mode == 'plain' else ''
        first = ktap.test('global.' + J.KSFT_OPENS[0])
        if first.startswith('pass') and mode == 'plain' and mem != 'opened':
            raise Broken(f'plain mode, open_mem_rdonly passed, but the opens say /dev/mem: {mem}')
        why += f"; as plain: {verdict or 'passed'}"
    elif not J.judge_step('hole', text, rc):
        outcome, want = 'HOLE', 'hole'
        why = f"open(/dev/mem) succeeded in a confidential guest ({said[0].split(': ', 2)[2]})"
        if mem != 'opened':
            raise Broken(f'the open() tests fail, but the opens say /dev/mem: {mem}')
    elif not J.judge_step('cc', text, rc):
        outcome, want = 'EPERM', 'cc'
        why = f"open(/dev/mem) refused with EPERM in a confidential guest ({said[0].split(': ', 2)[2]})"
    elif not lockdown_bad(text, rc):
        outcome, want = 'LOCKDOWN', 'lockdown'
        lock = [g for g in header(log, 'GUEST') if g.startswith('lockdown: ')]
        if lock and '[none]' in lock[0]:
            raise Broken(f'the open() tests SKIP for lockdown, but the guest says {lock[0]}')
        why = 'the open() tests SKIP: ' + ktap.test('global.' + J.KSFT_OPENS[0])
    else:
        raise Broken(f"step 1 (test): confidential mode, but neither the hole nor EPERM: "
                     f"as hole: {J.judge_step('hole', text, rc)}; as cc: {J.judge_step('cc', text, rc)}")
    if outcome in ('EPERM', 'LOCKDOWN', 'NONROOT') and mem == 'opened':
        raise Broken(f'{outcome}, but the opens say /dev/mem opened')
    if outcome == 'EPERM' and mem != EPERM:
        raise Broken(f'EPERM in the kselftest, but the opens say /dev/mem: {mem}')
    for n, s in ((2, 'user'), (3, 'norawio')):
        t, r = out[s]
        if kit_skip(t, r):
            continue
        bad = J.judge_step('nonroot', t, r)
        if bad:
            raise Broken(f'step {n} ({s}=nonroot): {bad}')
    if out['dmi'][1] != '0' and not kit_skip(*out['dmi']):
        raise Broken(f"step 4 (dmi): exit {out['dmi'][1]}")
    if want in ('hole', 'cc', 'nonroot'):
        bad = J.judge_step(want, text, rc)
        if bad:
            raise Broken(f'step 1 (test={want}): {bad}')
    return outcome, f'kit {tree}, kernel {uname}: {why}; /dev/mem: {mem}, /dev/port: {dev["/dev/port"]}'


# The lint: the tools that read /dev/mem or /dev/port, as words the kit
# may not hold; dmidecode only with --from-dump.
TOOLS = {'dd', 'dmidecode', 'devmem', 'devmem2', 'hexdump', 'hd', 'xxd', 'od', 'memtool',
         'busybox', 'python', 'python3', 'perl', 'peek', 'poke', 'inb', 'outb', 'iotools',
         'mmap', 'ioctl', 'pread', 'sysrq'}
WORD_SPLIT = re.compile(r'''[\s;&|()`"'{}<>=$!,]+''')
# The one form the kit opens a device in: a subshell that opens it for
# reading on fd 3 and exits, closing it.
OPEN_ONLY = '( exec 3<"$1" ) 2>&1'
OPEN_LINE_KIT = 'if err=$( ' + OPEN_ONLY + ' ); then'


def lint(text: str) -> List[str]:
    """What in the kit's shell (above the payload) reads, writes or maps
    /dev/mem or /dev/port, or runs a tool that does: one finding a line
    ('LINE: why'); [] when clean.  Full-line comments are left out; the
    payload must be base64 alone."""
    found = []
    lines = text.split('\n')
    if PAYLOAD not in lines:
        return [f'no {PAYLOAD} line: not a kit']
    end = lines.index(PAYLOAD)
    for nr, ln in enumerate(lines[:end], 1):
        code = ln.strip()
        if not code or code.startswith('#'):
            continue
        for w in WORD_SPLIT.split(code):
            if os.path.basename(w) in TOOLS and not (
                    os.path.basename(w) == 'dmidecode' and '--from-dump' in code):
                found.append(f'{nr}: {os.path.basename(w)}: {code}')
        if re.search(r'dev/(mem|port)\b', code) and not re.match(
                r'^open_only "\$ROOT/dev/(mem|port)"$', code):
            found.append(f'{nr}: names a memory device outside open_only: {code}')
        if re.search(r'<|>', code) and '$1' in code and OPEN_ONLY not in code:
            found.append(f'{nr}: a redirection of $1 outside open_only: {code}')
        if OPEN_ONLY in code and code != OPEN_LINE_KIT:
            found.append(f'{nr}: open_only in another form: {code}')
    for nr, ln in enumerate(lines[end + 1:], end + 2):
        if ln and not re.fullmatch(r'[A-Za-z0-9+/=]+', ln):
            found.append(f'{nr}: not base64 in the payload')
            break
    return found


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(prog='devmem_kit.py', description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    j = sub.add_parser('judge', help="a kit's log: one verdict line and a conclusion")
    j.add_argument('tree', metavar='TREE')
    j.add_argument('log', metavar='LOG')
    li = sub.add_parser('lint', help='the kit reads, writes and maps no memory device')
    li.add_argument('kit', metavar='KIT')
    args = ap.parse_args(argv)
    if args.cmd == 'lint':
        try:
            with open(args.kit, encoding='utf-8', errors='surrogateescape') as f:
                found = lint(f.read())
        except OSError as e:
            print(f'devmem_kit.py: error: {args.kit}: {e.strerror}', file=sys.stderr)
            return 2
        for x in found:
            J.say(f'{args.kit}:{x}')
        return 1 if found else 0
    bad = J.check_tree(args.tree)
    if bad:
        print(f'devmem_kit.py: error: {bad}', file=sys.stderr)
        return 2
    outcome, why = judge(args.tree, args.log)
    J.say(f'{outcome} {why}')
    if outcome == 'FAIL':
        J.say('the log is broken or contradicts itself: nothing judged (doc/real-hardware.md)')
        return 1
    J.say(CONCLUSION[outcome])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
