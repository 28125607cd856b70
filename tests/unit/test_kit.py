# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the guest kit: scripts/devmem_kit.py's judge on the canned
logs of tests/logs/kit (one test per row of its expect, and a control of
each outcome: the same log changed, whose verdict must differ or fail),
its lint with planted reads, and guest/kit.sh itself, packed by
scripts/guest-kit --pack with a fake tarball and run on a fake root with
stub commands: its log must be judged.  No kernel, no root needed, and
the real /dev/mem and /dev/port are never named to the kit.
"""

import io
import os
import subprocess
import sys
import tarfile
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'scripts'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from canned import changed  # noqa: E402
import devmem_judge as judge  # noqa: E402
import devmem_kit as kit  # noqa: E402

KITLOGS = os.path.join(TOP, 'tests', 'logs', 'kit')


def expect_rows():
    """The rows of tests/logs/kit/expect: log, tree, outcome, reason."""
    with open(os.path.join(KITLOGS, 'expect'), encoding='utf-8') as f:
        return [ln.rstrip('\n').split('\t') for ln in f if ln.strip() and not ln.startswith('#')]


def read(name):
    with open(os.path.join(KITLOGS, name), encoding='utf-8') as f:
        return f.read()


class Changed(unittest.TestCase):
    """Judges a canned log with a change made in a copy."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def judged(self, name, old=None, new=None, tree='7.3'):
        path = changed(self, self.dir.name, name, read(name), old, new)
        return kit.judge(tree, path)


class ExpectTest(unittest.TestCase):
    """One test per row of tests/logs/kit/expect, added below."""

    def test_every_log_has_a_row(self):
        rows = {r[0] for r in expect_rows()}
        logs = {n for n in os.listdir(KITLOGS) if n.endswith('.log')}
        self.assertEqual(sorted(logs ^ rows), [])
        for r in expect_rows():
            self.assertEqual(len(r), 4, r)

    def test_every_outcome_has_a_log(self):
        self.assertEqual(sorted({r[2] for r in expect_rows()}), sorted(kit.CONCLUSION))


def _add_rows():
    for log, tree, want, part in expect_rows():
        def check(self, log=log, tree=tree, want=want, part=part):
            outcome, why = kit.judge(tree, os.path.join(KITLOGS, log))
            self.assertEqual(outcome, want, why)
            self.assertIn(part, why)
        setattr(ExpectTest, 'test_' + log.removesuffix('.log'), check)


_add_rows()


class ControlTest(Changed):
    """Each outcome's log, changed so that its verdict must differ or fail."""

    def test_hole_opens_refused_fails(self):
        out, why = self.judged('hole.log', 'open /dev/mem: opened', 'open /dev/mem: Operation not permitted')
        self.assertEqual(out, 'FAIL', why)
        self.assertIn('the opens say /dev/mem', why)

    def test_hole_forced_mode_fails(self):
        out, why = self.judged('hole.log', 'confidential mode: /dev/tdx_guest',
                               'confidential mode: DEVMEM_TEST_CC=1')
        self.assertEqual((out, why), ('FAIL', 'the kselftest was told DEVMEM_TEST_CC=1: the kit never sets it'))

    def test_hole_other_tree_fails(self):
        out, why = self.judged('hole.log', tree='6.12')
        self.assertEqual(out, 'FAIL')
        self.assertIn('made for tree 7.3, not 6.12', why)

    def test_eperm_opens_opened_fails(self):
        out, why = self.judged('eperm.log', 'open /dev/mem: Operation not permitted', 'open /dev/mem: opened')
        self.assertEqual(out, 'FAIL', why)

    def test_eperm_as_plain_fails(self):
        # plain mode: open_mem_rdonly passed means it opened
        out, why = self.judged('eperm.log', '# # devmem: confidential mode: /dev/tdx_guest',
                               '# # devmem: plain mode: no confidential guest signal')
        self.assertEqual(out, 'FAIL', why)
        self.assertIn('plain mode, open_mem_rdonly passed, but the opens say', why)

    def test_lockdown_none_fails(self):
        out, why = self.judged('lockdown.log', 'lockdown: unknown (securityfs is not mounted)',
                               'lockdown: [none] integrity confidentiality')
        self.assertEqual(out, 'FAIL', why)
        self.assertIn('SKIP for lockdown, but the guest says', why)

    def test_nonroot_with_rawio_fails(self):
        text = read('nonroot.log')
        test = judge.Log(os.path.join(KITLOGS, 'eperm.log')).step_output(1, 'test')
        mine = judge.Log(os.path.join(KITLOGS, 'nonroot.log')).step_output(1, 'test')
        out, why = self.judged('nonroot.log', mine, test)
        self.assertNotEqual(text, read('eperm.log'))
        self.assertEqual(out, 'FAIL', why)
        self.assertIn('uid 1000, but the kselftest ran with CAP_SYS_RAWIO', why)

    def test_unknown_as_confidential_fails(self):
        out, why = self.judged('unknown.log', 'plain mode: no confidential guest signal',
                               'confidential mode: /dev/tdx_guest')
        self.assertEqual(out, 'FAIL', why)

    def test_broken_logs_fail(self):
        for old, new, part in (('@@DONE\n', '', 'no @@DONE'),
                               ('@@STEP 5 opens END rc=0\n', '', 'step 5 (opens) did not end'),
                               ('@@KIT devmem-guest-kit', '@@KIT other', 'not a kit log'),
                               ('@@STEPS test user', '@@STEPS test', 'steps'),
                               ('open /dev/port: opened\n', '', 'no result for /dev/port'),
                               ('@@DONE', 'BUG: kernel NULL pointer dereference\n@@DONE', 'guest log: BUG')):
            out, why = self.judged('hole.log', old, new)
            self.assertEqual(out, 'FAIL', (old, why))
            self.assertIn(part, why)

    def test_cli(self):
        run = [sys.executable, '-B', os.path.join(TOP, 'scripts', 'devmem_kit.py'), 'judge', '7.3']
        p = subprocess.run(run + [os.path.join(KITLOGS, 'hole.log')], capture_output=True, text=True, check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split('\n')[1],
                         kit.CONCLUSION['HOLE'])
        self.assertTrue(p.stdout.startswith('HOLE '))
        p = subprocess.run(run + [os.path.join(KITLOGS, 'no-such.log')], capture_output=True, text=True, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertTrue(p.stdout.startswith('FAIL '))
        p = subprocess.run(run[:-1] + ['9.9', 'x'], capture_output=True, text=True, check=False)
        self.assertEqual(p.returncode, 2)


def pack(directory, tarball, tree='7.3'):
    """The kit of TARBALL, written by scripts/guest-kit --pack; its path."""
    out = os.path.join(directory, 'devmem-guest-kit.sh')
    subprocess.run([os.path.join(TOP, 'scripts', 'guest-kit'), '--pack', tarball, tree, out],
                   check=True, capture_output=True)
    return out


def fake_tarball(path, outputs):
    """A kselftest tarball whose run_kselftest.sh prints OUTPUTS[who]
    (text, rc), who being $KIT_AS (set by the stub setpriv) or 'test'."""
    runner = ('#!/bin/sh\nd=$(dirname "$0")\ncat "$d/out-${KIT_AS:-test}"\n'
              'exit "$(cat "$d/rc-${KIT_AS:-test}")"\n')
    files = {'run_kselftest.sh': (runner, 0o755), 'kselftest-list.txt': ('devmem:devmem\n', 0o644)}
    for who, (text, rc) in outputs.items():
        files[f'out-{who}'] = (text + '\n', 0o644)
        files[f'rc-{who}'] = (rc + '\n', 0o644)
    with tarfile.open(path, 'w:gz') as t:
        for name, (body, mode) in files.items():
            data = body.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            t.addfile(info, io.BytesIO(data))


STUBS = {
    'id': 'echo "$KIT_UID"',
    'uname': 'case $1 in -r) echo 7.3.4 ;; *) echo x86_64 ;; esac',
    'dmesg': 'echo "[    0.000000] Memory Encryption Features active: Intel TDX"',
    'systemd-detect-virt': 'echo tdx',
    # setpriv OPTIONS... COMMAND...: who it would be, then the command;
    # its --help names --reuid, as util-linux's does (busybox's does not)
    'setpriv': ('[ "$1" != --help ] || { echo " --reuid <user>"; exit 0; }\n'
                'who=norawio\nwhile [ "${1#-}" != "$1" ]; do\n'
                '\tcase $1 in --reuid=*) who=user ;; esac\n\tshift\ndone\n'
                'KIT_AS=$who exec "$@"'),
}


class KitTest(Changed):
    """guest/kit.sh, packed and run on a fake root with stub commands."""

    def kit_of(self, log):
        """A kit whose fake runner prints LOG's three kselftest steps."""
        canned = judge.Log(os.path.join(KITLOGS, log))
        outputs = {s: (canned.step_output(n, s), canned.console_rc(n, s))
                   for n, s in ((1, 'test'), (2, 'user'), (3, 'norawio'))}
        tarball = os.path.join(self.dir.name, 'kselftest.tar.gz')
        fake_tarball(tarball, outputs)
        return pack(self.dir.name, tarball)

    def run_kit(self, path, uid='0', drop=()):
        d = self.dir.name
        root, stubs, tmp = (os.path.join(d, x) for x in ('root', 'stubs', 'tmp'))
        for sub in ('dev', 'proc', 'sys/class/dmi/id', 'sys/kernel/security'):
            os.makedirs(os.path.join(root, sub), exist_ok=True)
        os.makedirs(stubs, exist_ok=True)
        os.makedirs(tmp, exist_ok=True)
        for name, body in (('dev/mem', ''), ('dev/port', ''), ('dev/tdx_guest', ''),
                           ('proc/cmdline', 'console=ttyS0\n'),
                           ('proc/cpuinfo', 'flags\t\t: fpu hypervisor tdx_guest\n'),
                           ('sys/class/dmi/id/sys_vendor', 'QEMU\n'),
                           ('sys/kernel/security/lockdown', '[none] integrity confidentiality\n')):
            if name not in drop:
                with open(os.path.join(root, name), 'w', encoding='utf-8') as f:
                    f.write(body)
        for name, body in STUBS.items():
            p = os.path.join(stubs, name)
            with open(p, 'w', encoding='utf-8') as f:
                f.write('#!/bin/sh\n' + body + '\n')
            os.chmod(p, 0o755)
        env = dict(os.environ, DEVMEM_KIT_ROOT=root, PATH=stubs + os.pathsep + os.environ['PATH'],
                   TMPDIR=tmp, KIT_UID=uid)
        p = subprocess.run(['sh', path], capture_output=True, text=True, env=env, timeout=60, check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(os.listdir(tmp), [], 'the kit left its directory behind')
        log = os.path.join(d, 'kit.log')
        with open(log, 'w', encoding='utf-8') as f:
            f.write(p.stdout)
        return p.stdout, kit.judge('7.3', log)

    def test_kit_is_clean(self):
        with open(self.kit_of('hole.log'), encoding='utf-8') as f:
            self.assertEqual(kit.lint(f.read()), [])

    def test_hole_in_a_sandbox(self):
        text, (out, why) = self.run_kit(self.kit_of('hole.log'))
        self.assertEqual(out, 'HOLE', f'{why}\n{text}')
        for line in ('@@UNAME 7.3.4', '@@CMDLINE console=ttyS0', '@@UID 0', '@@GUEST present: /dev/tdx_guest',
                     '@@GUEST cpu flags: hypervisor tdx_guest ', '@@GUEST systemd-detect-virt --cvm: tdx',
                     '@@GUEST lockdown: [none] integrity confidentiality', 'sys_vendor: QEMU',
                     'open /dev/mem: opened', 'open /dev/port: opened', '@@STEP 2 user END rc=0'):
            self.assertIn(line + ('' if line.endswith(' ') else '\n'), text)
        self.assertIn('@@GUEST fake root: ', text)

    def test_nonroot_in_a_sandbox(self):
        # (as root here the fake devices would open: absent, as for a user they do not)
        text, (out, why) = self.run_kit(self.kit_of('nonroot.log'), uid='1000', drop=('dev/mem', 'dev/port'))
        self.assertEqual(out, 'NONROOT', f'{why}\n{text}')
        self.assertIn('SKIP not root: cannot change to uid 65534\n@@STEP 2 user END rc=4', text)

    def test_absent_port(self):
        text, (out, why) = self.run_kit(self.kit_of('hole.log'), drop=('dev/port',))
        self.assertIn('open /dev/port: absent\n', text)
        self.assertEqual(out, 'HOLE', why)


class LintTest(Changed):
    """The lint of the kit, and what it must catch."""

    def kit_text(self):
        tarball = os.path.join(self.dir.name, 'k.tar.gz')
        fake_tarball(tarball, {'test': ('', '0')})
        with open(pack(self.dir.name, tarball), encoding='utf-8') as f:
            return f.read()

    def planted(self, line):
        text = self.kit_text()
        return kit.lint(text.replace('\n' + kit.PAYLOAD + '\n', f'\n{line}\n{kit.PAYLOAD}\n', 1))

    def test_clean(self):
        self.assertEqual(kit.lint(self.kit_text()), [])

    def test_planted_dd_is_caught(self):
        found = self.planted('dd if=/dev/mem of=/dev/null bs=1 count=1')
        self.assertTrue(any(': dd: dd if=/dev/mem' in x for x in found), found)

    def test_planted_reads_are_caught(self):
        for line in ('cat "$ROOT/dev/mem" >/dev/null', 'dmidecode -t bios', 'hexdump -C /dev/port',
                     'busybox devmem 0xf0000', '/usr/sbin/devmem2 0xf0000', 'head -c 16 </dev/mem',
                     'x=$(xxd /dev/mem)', 'exec 4<"$1"', 'err=$( ( exec 3<"$1" ) 2>&1 ); read -r x <&3',
                     'python3 -c "import mmap"', 'sudo od -x /dev/mem'):
            self.assertNotEqual(self.planted(line), [], line)

    def test_comments_and_from_dump_pass(self):
        self.assertEqual(self.planted('# dd if=/dev/mem: never'), [])
        self.assertEqual(self.planted('dmidecode --from-dump "$dir/dump"'), [])

    def test_payload_must_be_base64(self):
        text = self.kit_text() + 'dd if=/dev/mem\n'
        self.assertTrue(any('not base64' in x for x in kit.lint(text)))
        self.assertEqual(kit.lint('echo hi\n'), [f'no {kit.PAYLOAD} line: not a kit'])


if __name__ == '__main__':
    unittest.main()
