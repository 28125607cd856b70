#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""devmem_lava: boot's cells as LAVA jobs, and LAVA's results read back.

	devmem_lava.py jobs --tree T --out DIR --cmdline BASE --initrd URL
	                    --image KERNEL=URL... [--firmware KIND=URL...] [--tcg-only] < CELLS
	devmem_lava.py device [--context FILE] > DEVICE.yaml
	devmem_lava.py validate JOB...
	devmem_lava.py verdict TREE STEPS LAVALOG OUTDIR

jobs: one job per cell (CELLS: guest_cells' lines, name, kernel, command
line, steps, tab-separated), for the x86_64 guest: DIR/tcg/CELL.yaml, QEMU
TCG as boot runs it, and for each kind of data/hosts (tdx, snp) and its
cells DIR/KIND/CELL.yaml, for a worker on such a host: the kind's QEMU
arguments (KVM, a real confidential guest, no cc_sim_mem_encrypt) and its
firmware, fetched from URL (default: data/hosts' bios on the worker,
file://; DEVMEM_TDX_BIOS and DEVMEM_SNP_BIOS as for boot).  Each job deploys the kernel
and the initramfs to tmpfs, boots them with qemu_guest's command line,
and reads the steps' exit codes with a 'monitors' test: the init writes
them as KTAP to its second serial port, which the job's QEMU puts on the
console beside the first (a mux chardev); LAVA records "ok N NAME" as a
pass and "not ok N NAME # exit=RC" as a fail, with 'exit=RC' as its units.
Each job's context is that of LAVA's qemu device type (qemu.jinja2), so
a lab's qemu devices run it as they are.

device: the qemu device type rendered for this machine with the context
of the TCG jobs (FILE: a job, whose context is used), for lava-run.

validate: each job against lava-common's own schema of a submitted job
(needs lava-common; the only verb that imports more than the stdlib).

verdict: LAVA's log of a job (lava-run's output, or 'lavacli jobs logs
--raw'): the console as LAVA saw it, OUTDIR/console.log, the steps' results
LAVA recorded, as the KTAP guest/init writes out of band,
OUTDIR/console.log.steps, and LAVA's own cases, OUTDIR/cases; then the
harness's judge (devmem_judge.py) on them for STEPS.  Prints the judge's
line, 'PASS|XFAIL|FAIL why', and exits as the judge does.
"""

import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devmem_data  # noqa: E402  (beside this file)
import devmem_hosts  # noqa: E402
from devmem_judge import KILLED  # noqa: E402

# The console and the init's second serial port on one stdio chardev.
SERIALS = ['-chardev stdio,id=con,mux=on,signal=off',
           '-serial chardev:con', '-serial chardev:con']
# An out-of-band line of guest/init: 'ok N NAME' or 'not ok N NAME # exit=RC';
# the guest's CR LF reaches LAVA through a pty as CR CR LF.  The exit
# code goes in the case's units, 'exit=RC' ('' for ok): a measurement must
# be a number, and an 'ok' line would give it none.
PATTERN = (r'(?P<result>not ok|ok) (?P<test_case_id>[0-9]+ [a-z0-9-]+)'
           r'(?: # )?(?P<units>(?:exit=[0-9]+)?)\r*\n')
FIXUP = {'ok': 'pass', 'not ok': 'fail'}
START = 'KTAP version 1'
# The monitor ends where the guest's steps end: at guest/init's '@@DONE',
# or at the simulation's kill (guest/cc-sim.patch's panic line, read to its
# end, since the judge reads the alias in it), after which QEMU exits
# (panic=-1, -no-reboot) and LAVA would see only the connection close: an
# incomplete job, whatever the model expects.  Whether the kill was
# expected is the judge's to say, on the console LAVA logged; any other
# end of the guest (an oops, however a real guest ends) leaves the job
# incomplete.  pexpect takes the string as a regular expression; '@@DONE'
# only at the start of a line, as the init writes it, not in a line of
# the guest kit's log ('kit: @@DONE', the 'kit' steps).
END = r'(?<![^\n])@@DONE|' + re.sub(r'([.^$*+?()[\]{}|\\])', r'\\\1', KILLED) + r'[^\r\n]*'


# YAML, written by hand: mappings, lists, and scalars.
PLAIN = re.compile(r'^[A-Za-z_/][A-Za-z0-9_./-]*$')
RESERVED = {'y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', '~'}


def scalar(v):
    if v is None:
        return ''
    if v is True or v is False:
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    s = str(v)
    if PLAIN.match(s) and s.lower() not in RESERVED:
        return s
    return "'" + s.replace("'", "''") + "'"


def to_yaml(obj, indent=0):
    """obj as block YAML, one line each key or item."""
    pad = ' ' * indent
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f'{pad}{scalar(k)}:')
                out.append(to_yaml(v, indent + (2 if isinstance(v, dict) else 0)))
            else:
                out.append(f'{pad}{scalar(k)}: {"{}" if v == {} else scalar(v)}'.rstrip())
    else:
        for v in obj:
            if isinstance(v, dict) and v:
                inner = to_yaml(v, indent + 2).split('\n')
                out.append(f'{pad}- {inner[0].lstrip()}')
                out.extend(inner[1:])
            elif isinstance(v, list) and v:
                out.append(f'{pad}-')
                out.append(to_yaml(v, indent + 2))
            else:
                out.append(f'{pad}- {scalar(v)}'.rstrip())
    return '\n'.join(out)


def guest_row(name='x86_64'):
    for g in devmem_data.load('guests'):
        if g['guest'] == name:
            return g
    raise SystemExit(f'devmem_lava: no guest {name} in data/guests')


def qemu_options(words):
    """A command's options, each flag with its value: ['-machine pc', ...]."""
    opts = []
    for w in words:
        if w.startswith('-') or not opts:
            opts.append(w)
        else:
            opts[-1] += ' ' + w
    return opts


def context(guest, host=None):
    """The job's context for LAVA's qemu device type: the guest's QEMU
    arguments (data/guests), or a kind's of data/hosts (HOST, its row),
    with qemu_guest's.  no_kvm leaves out the type's '-cpu host
    -enable-kvm': a kind names its own accelerator and CPU."""
    if host:
        qemu = [re.sub(r'\bMEM\b', devmem_hosts.MEM, w) for w in host['qemu'].split()]
    else:
        qemu = guest['qemu'].split()
    return {'arch': guest['arch'], 'memory': int(devmem_hosts.MEM.rstrip('M')), 'no_kvm': True,
            'extra_options': qemu_options(qemu[1:]) + ['-smp 1', '-no-reboot'] + SERIALS}


def steps_arg(steps):
    """devmem_steps= as boot writes it: the step names, comma-separated."""
    return ','.join(w.split('=')[0] for w in steps.split())


def job(tree, cell, kernel_url, initrd_url, base, cmdline, steps,
        guest=None, host=None, firmware_url=None):
    """The job of one cell, as a dict in the order LAVA's examples write
    it: BASE is what every boot's command line starts with (guest_cmdline
    in lib/guests.sh), CMDLINE and STEPS the cell's columns (for a kind of
    data/hosts, HOST, as host_cells gives them), TCG without HOST."""
    guest = guest or guest_row()
    variant = host['host'] if host else 'tcg'
    words = [] if cmdline == '-' else cmdline.split()
    append = ' '.join([base] + words + ['devmem_steps=' + steps_arg(steps)])
    images = {
        'kernel': {'image_arg': '-kernel {kernel} -append "' + append + '"',
                   'url': kernel_url},
        'ramdisk': {'image_arg': '-initrd {ramdisk}', 'url': initrd_url},
    }
    if host:
        images['bios'] = {'image_arg': '-bios {bios}', 'url': firmware_url}
    return {
        'device_type': 'qemu',
        'job_name': f'devmem {tree} {cell} {guest["guest"]} {variant}',
        'timeouts': {'job': {'minutes': 10}, 'action': {'minutes': 5},
                     'connection': {'minutes': 2}},
        'priority': 'medium',
        'visibility': 'public',
        'metadata': {'devmem.tree': tree, 'devmem.cell': cell,
                     'devmem.variant': variant, 'devmem.steps': steps},
        # a kind's jobs go to the lab's devices on such a host
        **({'tags': [variant]} if host else {}),
        'context': context(guest, host),
        'actions': [
            {'deploy': {'to': 'tmpfs', 'timeout': {'minutes': 2}, 'images': images}},
            {'boot': {'method': 'qemu', 'media': 'tmpfs', 'timeout': {'minutes': 3}}},
            {'test': {'timeout': {'minutes': 5}, 'monitors': [{
                'name': 'devmem-' + cell, 'start': START, 'end': END,
                'pattern': PATTERN, 'fixupdict': dict(FIXUP)}]}},
        ],
    }


def job_text(j):
    """A job as its file: a comment line, then the YAML."""
    return (f'# {j["job_name"]}: a boot cell of the devmem harness (scripts/lava)\n'
            + to_yaml(j) + '\n')


def device(ctx):
    """LAVA's qemu device type (qemu.jinja2, base.jinja2) rendered with ctx,
    for x86_64: the parts lava-run reads for a tmpfs deploy, a qemu boot
    and a monitor test."""
    options = []
    if not ctx.get('no_kvm'):
        options += ['-cpu host', '-enable-kvm']
    options += ['-nographic',
                '-net nic,model=virtio,macaddr=52:54:00:12:34:58 -net user',
                f'-m {ctx.get("memory", 512)}', '-monitor none']
    qemu = {'parameters': {'command': 'qemu-system-x86_64',
                           'boot_options': {'root': '/dev/sda1', 'console': 'ttyS0,115200',
                                            'boot_order': 'c'},
                           'options': options,
                           'extra': list(ctx.get('extra_options', []))}}
    return {
        'constants': {
            'posix': {'lava_test_sh_cmd': '/bin/sh', 'lava_test_results_dir': '/lava-%s',
                      'lava_test_shell_file': '~/.bashrc'},
            'shutdown-message': 'The system is going down for reboot NOW',
            'kernel-start-message': 'Linux version [0-9]',
            'default-shell-prompt': 'lava-test: # ',
            'spawn_maxread': '4092',
            # 1: a failed action is not tried again (base.jinja2's default)
            'failure_retry': 1,
            'boot_retry': None,
        },
        'parameters': {'pass': None},
        'available_architectures': ['amd64', 'x86_64'],
        'actions': {
            'deploy': {'connections': {'serial': None},
                       'methods': {'image': {'parameters': {'guest': {
                           'size': 512, 'interface': 'ide', 'driveid': 'lavatest'}}}}},
            'boot': {'connections': {'serial': None}, 'methods': {'qemu': qemu}},
        },
        'timeouts': {
            'actions': {'boot-qemu-image': {'minutes': 2}, 'boot-image-retry': {'minutes': 2},
                        'http-download': {'minutes': 5}, 'download-retry': {'minutes': 5},
                        'power-off': {'seconds': 10}},
            'connections': {'lava-test-shell': {'seconds': 10}},
        },
    }


def device_text(ctx):
    return ('# LAVA\'s qemu device type, rendered for this machine (scripts/lava)\n'
            + to_yaml(device(ctx)) + '\n')


# LAVA's log: one YAML flow mapping a line (lava_common.log.dump: every
# scalar double-quoted, a tag before any that is not a string), read here
# with the stdlib.
ESCAPES = {'0': '\0', 'a': '\a', 'b': '\b', 't': '\t', '\t': '\t', 'n': '\n',
           'v': '\v', 'f': '\f', 'r': '\r', 'e': '\x1b', ' ': ' ', '"': '"',
           '/': '/', '\\': '\\', 'N': '\x85', '_': '\xa0', 'L': '\u2028',
           'P': '\u2029'}
HEX = {'x': 2, 'u': 4, 'U': 8}
TAG = re.compile(r'!!?([a-z]*) ')  # '!!int', or '!': a string


def read_string(line, i):
    """The double-quoted string at line[i] ('"'): its value, and the index
    after it."""
    out = []
    i += 1
    while line[i] != '"':
        c = line[i]
        if c == '\\':
            e = line[i + 1]
            if e in HEX:
                out.append(chr(int(line[i + 2:i + 2 + HEX[e]], 16)))
                i += 2 + HEX[e]
                continue
            out.append(ESCAPES[e])
            i += 2
            continue
        out.append(c)
        i += 1
    return ''.join(out), i + 1


def flow_line(line):
    """One line of LAVA's log as Python data; None for one that is not."""
    line = line.strip()
    if line.startswith('- '):
        line = line[2:]
    if not line.startswith('{'):
        return None
    parts = []
    i = 0
    try:
        while i < len(line):
            m = TAG.match(line, i)
            tag = None
            if m:
                tag = m.group(1)
                i = m.end()
            if line[i] == '"':
                s, i = read_string(line, i)
                if tag == 'null':
                    parts.append('null')
                elif tag in ('int', 'float'):
                    parts.append(str(float(s) if tag == 'float' else int(s)))
                elif tag == 'bool':
                    parts.append('true' if s.lower() == 'true' else 'false')
                else:
                    parts.append(json.dumps(s))
            else:
                parts.append(line[i])
                i += 1
        return json.loads(''.join(parts))
    except (IndexError, KeyError, ValueError):
        return None


def read_log(text):
    """The records of a LAVA log: dicts with 'lvl' and 'msg'."""
    return [r for r in map(flow_line, text.split('\n')) if isinstance(r, dict)]


def cases(records):
    """The results LAVA recorded: a dict each, in order."""
    return [r['msg'] for r in records if r.get('lvl') == 'results' and isinstance(r.get('msg'), dict)]


def console(records):
    """The console as LAVA logged it: 'target' lines, and 'feedback' ones,
    what came after the monitor's end string ('@@DONE' among them).  LAVA's
    ShellLogger writes a '"' as '\\"' and drops the CRs and empty lines."""
    return ''.join(str(r['msg']).replace('\\"', '"') + '\n'
                   for r in records if r.get('lvl') in ('target', 'feedback'))


def step_results(results, suite):
    """The monitor's cases of SUITE: [(n, name, 'pass'|'fail', exit code)]."""
    out = []
    for r in results:
        if r.get('definition') != suite:
            continue
        tc = str(r.get('extra', {}).get('test_case_id', r.get('case', '')))
        n, _, name = tc.replace('_', ' ').partition(' ')
        rc = str(r.get('units') or '')
        out.append((int(n), name, r.get('result'), int(rc[5:]) if rc.startswith('exit=') else None))
    return sorted(out)


def steps_ktap(steps, results):
    """LAVA's results as guest/init's out-of-band KTAP (read_oob of the
    judge): a step that passed 'ok', one that failed 'not ok ... # exit=RC'
    (RC 1 where LAVA has no measurement), for the cell's steps."""
    lines = ['KTAP version 1', f'1..{len(steps.split())}']
    for n, name, res, rc in results:
        if res == 'pass':
            lines.append(f'ok {n} {name}')
        else:
            lines.append(f'not ok {n} {name} # exit={rc if rc else 1}')
    return '\n'.join(lines) + '\n'


def job_result(results):
    """LAVA's verdict on the job as a whole: 'pass', 'fail' or None."""
    for r in results:
        if r.get('definition') == 'lava' and r.get('case') == 'job':
            return r.get('result')
    return None


def cmd_jobs(args):
    guest = guest_row()
    images = dict(kv.split('=', 1) for kv in args.image)
    firmware = dict(kv.split('=', 1) for kv in args.firmware)
    lines = [ln for ln in sys.stdin.read().split('\n') if ln.strip()]
    todo = [(None, ln) for ln in lines]
    if not args.tcg_only:
        for h in devmem_hosts.rows().values():
            if h['guest'] == guest['guest']:
                todo += [(h, ln) for ln in devmem_hosts.host_cells(h, lines)]
    for host, line in todo:
        cell, kernel, cmdline, steps = line.split('\t')
        if kernel not in images:
            raise SystemExit(f'devmem_lava: no --image for the {kernel} kernel ({cell})')
        fw = None
        if host:
            fw = firmware.get(host['host'], 'file://' + devmem_hosts.bios_path(host))
        j = job(args.tree, cell, images[kernel], args.initrd, args.cmdline,
                cmdline, steps, guest, host, fw)
        d = os.path.join(args.out, host['host'] if host else 'tcg')
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, cell + '.yaml'), 'w', encoding='utf-8') as f:
            f.write(job_text(j))
    print(len(todo))


def cmd_device(args):
    ctx = context(guest_row())
    sys.stdout.write(device_text(ctx))


def cmd_validate(args):
    import yaml
    from lava_common.schemas import validate
    bad = 0
    for path in args.job:
        try:
            with open(path, encoding='utf-8') as f:
                validate(yaml.safe_load(f))
        except Exception as e:  # the schema's, or the file's
            print(f'{path}: {e}')
            bad += 1
    return 1 if bad else 0


def cmd_verdict(args):
    with open(args.log, encoding='utf-8', errors='replace') as f:
        records = read_log(f.read())
    results = cases(records)
    os.makedirs(args.outdir, exist_ok=True)
    log = os.path.join(args.outdir, 'console.log')
    with open(log, 'w', encoding='utf-8') as f:
        f.write(console(records))
    suite = None
    for r in records:
        if r.get('lvl') == 'results' and str(r['msg'].get('definition', '')).startswith('devmem-'):
            suite = r['msg']['definition']
            break
    steps = step_results(results, suite)
    with open(log + '.steps', 'w', encoding='utf-8') as f:
        f.write(steps_ktap(args.steps, steps))
    with open(os.path.join(args.outdir, 'cases'), 'w', encoding='utf-8') as f:
        for r in results:
            f.write(f"{r.get('definition')} {r.get('case')} {r.get('result')}"
                    f"{' ' + str(r['units']) if r.get('units') else ''}\n")
    if job_result(results) != 'pass':
        print(f'FAIL LAVA: the job did not complete ({job_result(results) or "no job result"})')
        return 1
    # No step recorded is what a guest killed in its first step leaves
    # (boot's LOG.steps has none either); in any other cell the judge
    # fails a step without its result.
    p = subprocess.run([sys.executable, '-B', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        'devmem_judge.py'), '--steps', log + '.steps', args.tree, log, args.steps],
                       stdout=subprocess.PIPE, text=True, check=False)
    sys.stdout.write(p.stdout)
    return p.returncode


def main(argv=None):
    p = argparse.ArgumentParser(prog='devmem_lava.py')
    sub = p.add_subparsers(dest='verb', required=True)
    j = sub.add_parser('jobs')
    j.add_argument('--tree', required=True)
    j.add_argument('--out', required=True)
    j.add_argument('--initrd', required=True)
    j.add_argument('--cmdline', required=True, help="guest_cmdline's")
    j.add_argument('--tcg-only', action='store_true')
    j.add_argument('--image', action='append', default=[], help='KERNEL=URL')
    j.add_argument('--firmware', action='append', default=[],
                   help="KIND=URL, the kind's OVMF (default: data/hosts' bios)")
    sub.add_parser('device')
    v = sub.add_parser('validate')
    v.add_argument('job', nargs='+')
    d = sub.add_parser('verdict')
    d.add_argument('tree')
    d.add_argument('steps')
    d.add_argument('log')
    d.add_argument('outdir')
    args = p.parse_args(argv)
    return {'jobs': cmd_jobs, 'device': cmd_device, 'validate': cmd_validate,
            'verdict': cmd_verdict}[args.verb](args) or 0


if __name__ == '__main__':
    sys.exit(main())
