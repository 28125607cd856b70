#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The real confidential guests of data/hosts (TDX, SNP): can this host boot one, and how.

probe() reads a host's state (from / or a fake root); decide() turns a row
of data/hosts and a state into a reason to SKIP, or None; command() gives
the QEMU command line of one boot, as qemu_guest (scripts/lib/guests.sh)
gives it for a TCG guest, with the kind's machine, KVM and firmware.
scripts/boot calls the command line below (hosts in scripts/lib/guests.sh):

  devmem_hosts.py --kinds                 the kinds, one a line
  devmem_hosts.py --guest KIND            the data/guests row it boots
  devmem_hosts.py --check KIND            exit 0: this host can boot it;
                                          exit 1: it cannot, and why
  devmem_hosts.py --cells KIND <CELLS     the kind's rows of guest_cells
  devmem_hosts.py KIND KERNEL INITRD APPEND LOG
                                          boot it, the console to LOG
  --dry-run: print the command instead of running it.  --root DIR reads
  /dev/kvm, /sys and the firmware under DIR; --qemu-version TEXT stands
  for what 'QEMU --version' prints; --bios PATH for the kind's firmware;
  --guests 'G...' the guests of the run (the kind's guest must be one).
"""

import os
import re
import shlex
import shutil
import subprocess
import sys

import devmem_data as D

# The guest's memory, as qemu_guest gives it (-m).
MEM = '512M'

# Debian's release names, by the debNN of a package version.
DEBIAN = {'11': 'bullseye', '12': 'bookworm', '13': 'trixie'}


def rows(top=None):
    """The rows of data/hosts, by kind."""
    return {h['host']: h for h in D.load('hosts', top)}


def bios_path(row, env=None):
    """The kind's firmware: DEVMEM_<KIND>_BIOS, or the table's."""
    env = os.environ if env is None else env
    return env.get(f"DEVMEM_{row['host'].upper()}_BIOS") or row['bios']


def qemu_binary(row):
    return row['qemu'].split()[0]


def probe(row, root='/', qemu_version=None, bios=None):
    """The host's state for the kind: a dict that decide() reads.

    root: where /dev/kvm, /sys and the firmware are (a fake root in the
    tests); qemu_version: what 'QEMU --version' prints (None: run it)."""
    def under(p):
        return os.path.join(root, p.lstrip('/'))
    kvm = under('/dev/kvm')
    writable = False
    if os.path.exists(kvm):
        try:
            os.close(os.open(kvm, os.O_RDWR))
            writable = True
        except OSError:
            pass
    try:
        with open(under(row['parameter']), encoding='utf-8') as f:
            param = f.read().strip()
    except OSError:
        param = None
    if qemu_version is None:
        exe = shutil.which(qemu_binary(row))
        if exe:
            try:
                qemu_version = subprocess.run([exe, '--version'], capture_output=True, text=True,
                                              timeout=30).stdout
            except (OSError, subprocess.SubprocessError):
                qemu_version = ''
    bios = bios or bios_path(row)
    return {'kvm': os.path.exists(kvm), 'kvm_writable': writable, 'parameter': param,
            'qemu_version': qemu_version, 'bios': bios, 'bios_exists': os.path.isfile(under(bios))}


def version(text):
    """(major, minor) from what 'QEMU --version' prints, or None."""
    m = re.search(r'QEMU emulator version ([0-9]+)\.([0-9]+)', text or '')
    return (int(m.group(1)), int(m.group(2))) if m else None


def debian_note(text):
    """'; Debian bookworm ships 7.2' where the version is a Debian package's."""
    m = re.search(r'\(Debian [0-9]+:([0-9]+\.[0-9]+)[^)]*?deb([0-9]+)u', text or '')
    if m and m.group(2) in DEBIAN:
        return f'; Debian {DEBIAN[m.group(2)]} ships {m.group(1)}'
    return "; this QEMU is Debian's" if '(Debian ' in (text or '') else ''


def decide(row, state, guests=None):
    """Why this host cannot boot the kind, or None when it can."""
    kind = row['host'].upper()
    module, param = row['parameter'].split('/')[3], os.path.basename(row['parameter'])
    if not state['kvm']:
        return 'no /dev/kvm: this host has no KVM'
    if not state['kvm_writable']:
        return '/dev/kvm is not writable here'
    if state['parameter'] is None:
        return f"no {row['parameter']}: {module} is not loaded, or has no {param} parameter"
    if state['parameter'] not in ('Y', '1'):
        return f"{module}'s {param} parameter is {state['parameter']}"
    if state['qemu_version'] is None:
        return f'no {qemu_binary(row)} on PATH'
    have = version(state['qemu_version'])
    if have is None:
        line = (state['qemu_version'].strip().splitlines() or [''])[0]
        return f"cannot read the version of {qemu_binary(row)} --version: '{line}'"
    need = tuple(int(x) for x in row['min_qemu'].split('.'))
    if have < need:
        return (f"QEMU {have[0]}.{have[1]} is older than {row['min_qemu']}, which {kind} needs"
                + debian_note(state['qemu_version']))
    if not state['bios_exists']:
        return (f"no firmware {state['bios']} (an OVMF built for {kind}; "
                f"DEVMEM_{kind}_BIOS names another)")
    if guests is not None and row['guest'] not in guests:
        return f"this run boots no {row['guest']} guest, whose kernels {kind} boots"
    return None


def command(row, guest, bios, kernel, initrd, append, log):
    """The QEMU command of one boot: argv, as qemu_guest's for a TCG guest.

    guest: the row of data/guests the kind boots."""
    argv = [re.sub(r'\bMEM\b', MEM, w) for w in row['qemu'].split()]
    argv += ['-bios', bios, '-m', MEM, '-smp', '1', '-nographic', '-no-reboot', '-nic', 'none']
    if guest['init'] == 'busybox':
        argv += ['-serial', 'mon:stdio', '-serial', f'file:{log}.steps']
    argv += ['-kernel', kernel, '-initrd', initrd,
             '-append', f"console={guest['console']} panic=-1 quiet loglevel=4 {append}".rstrip()]
    return argv


def host_cells(row, lines):
    """The kind's cells among guest_cells' lines (name, kernel, command line,
    steps), their command line without cc_sim_mem_encrypt and their steps
    without the fake signals (fake-S, unfake): a real guest has its own."""
    keep = row['cells'].split()
    out = []
    for line in lines:
        f = line.rstrip('\n').split('\t')
        if len(f) == 4 and f[0] in keep:
            cmd = ' '.join(w for w in f[2].split() if w != 'cc_sim_mem_encrypt') or '-'
            steps = ' '.join(w for w in f[3].split() if not w.startswith(('fake-', 'unfake')))
            out.append('\t'.join([f[0], f[1], cmd, steps]))
    return out


def boot(argv, log, timeout):
    """Run argv until the guest powers off, timeout seconds at most; its
    console, without CRs, in log.  Its exit status (124 on the timeout)."""
    if os.path.exists(log + '.steps'):
        os.unlink(log + '.steps')
    with open(log, 'wb') as out:
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
            text, rc = p.stdout, p.returncode
        except subprocess.TimeoutExpired as e:
            text, rc = e.stdout or b'', 124
        out.write(text.replace(b'\r', b''))
    return rc


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(prog='devmem_hosts.py', description=__doc__.split('\n')[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument('--kinds', action='store_true')
    mode.add_argument('--guest', action='store_true')
    mode.add_argument('--check', action='store_true')
    mode.add_argument('--cells', action='store_true')
    ap.add_argument('--dry-run', action='store_true')
    ap.add_argument('--root', default='/')
    ap.add_argument('--qemu-version')
    ap.add_argument('--bios')
    ap.add_argument('--guests')
    ap.add_argument('kind', nargs='?')
    ap.add_argument('boot', nargs='*', metavar='KERNEL INITRD APPEND LOG')
    a = ap.parse_args(argv)
    try:
        kinds = rows()
        guests = {g['guest']: g for g in D.load('guests')}
    except D.DataError as e:
        sys.exit(f'devmem_hosts.py: {e}')
    if a.kinds:
        print('\n'.join(kinds))
        return 0
    if a.kind not in kinds:
        ap.error(f"kind '{a.kind}' is not a row of data/hosts ({', '.join(kinds)})")
    row = kinds[a.kind]
    if a.guest:
        print(row['guest'])
        return 0
    if a.cells:
        print('\n'.join(host_cells(row, sys.stdin)))
        return 0
    if not a.check and len(a.boot) != 4:
        ap.error('a boot takes KERNEL INITRD APPEND LOG')
    state = probe(row, a.root, a.qemu_version, a.bios)
    why = decide(row, state, a.guests.split() if a.guests is not None else None)
    if why:
        print(why)
        return 1
    if a.check:
        return 0
    cmd = command(row, guests[row['guest']], state['bios'], *a.boot)
    if a.dry_run:
        print(shlex.join(cmd))
        return 0
    return boot(cmd, a.boot[3], int(os.environ.get('GUEST_TIMEOUT', '300')))


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
