# SPDX-License-Identifier: GPL-2.0
"""Unit tests of scripts/devmem_lava.py, the LAVA jobs of boot's cells:
a job's YAML for a cell, TCG and a kind of data/hosts, against the text
it must be; the monitor's pattern on the lines it must and must not take;
and LAVA's logs read back: the canned logs of tests/logs/lava (lava-run's
output for a cell, trimmed), the results LAVA recorded, the console, and
the judge's verdict on them.  Each beside a case that must fail.  No
QEMU, no LAVA: PyYAML (a dependency of lava-dispatcher) is used where
installed, to read the YAML written by hand.
"""

import contextlib
import io
import os
import re
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'scripts'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from canned import changed  # noqa: E402
import devmem_hosts  # noqa: E402
import devmem_lava as lava  # noqa: E402

try:
    import yaml
except ImportError:
    yaml = None

LOGS = os.path.join(TOP, 'tests', 'logs', 'lava')
BASE = 'console=ttyS0 panic=-1 quiet loglevel=4'
STEPS = 'test=cc dmi=bios legacy-dd=eperm'

# The TCG job of a cell like series-cc, as it must be written.
EXPECTED = r"""# devmem 7.3 series-cc x86_64 tcg: a boot cell of the devmem harness (scripts/lava)
device_type: qemu
job_name: 'devmem 7.3 series-cc x86_64 tcg'
timeouts:
  job:
    minutes: 10
  action:
    minutes: 5
  connection:
    minutes: 2
priority: medium
visibility: public
metadata:
  devmem.tree: '7.3'
  devmem.cell: series-cc
  devmem.variant: tcg
  devmem.steps: 'test=cc dmi=bios legacy-dd=eperm'
context:
  arch: x86_64
  memory: 512
  no_kvm: true
  extra_options:
  - '-machine pc'
  - '-cpu max'
  - '-smbios type=0,vendor=devmem-harness,version=1.0'
  - '-smp 1'
  - '-no-reboot'
  - '-chardev stdio,id=con,mux=on,signal=off'
  - '-serial chardev:con'
  - '-serial chardev:con'
actions:
- deploy:
    to: tmpfs
    timeout:
      minutes: 2
    images:
      kernel:
        image_arg: '-kernel {kernel} -append "console=ttyS0 panic=-1 quiet loglevel=4 cc_sim_mem_encrypt DEVMEM_TEST_CC=1 devmem_steps=test,dmi,legacy-dd"'
        url: 'https://files.example/x86_64-series'
      ramdisk:
        image_arg: '-initrd {ramdisk}'
        url: 'https://files.example/initramfs.cpio.gz'
- boot:
    method: qemu
    media: tmpfs
    timeout:
      minutes: 3
- test:
    timeout:
      minutes: 5
    monitors:
    - name: devmem-series-cc
      start: 'KTAP version 1'
      end: '(?<![^\n])@@DONE|Kernel panic - not syncing: cc-sim: guest killed[^\r\n]*'
      pattern: '(?P<result>not ok|ok) (?P<test_case_id>[0-9]+ [a-z0-9-]+)(?: # )?(?P<units>(?:exit=[0-9]+)?)\r*\n'
      fixupdict:
        ok: pass
        'not ok': fail
"""


def guest():
    return lava.guest_row('x86_64')


def tcg_job(cmdline='cc_sim_mem_encrypt DEVMEM_TEST_CC=1', steps=STEPS):
    return lava.job('7.3', 'series-cc', 'https://files.example/x86_64-series',
                    'https://files.example/initramfs.cpio.gz', BASE, cmdline, steps, guest())


class JobTest(unittest.TestCase):
    def test_tcg_text(self):
        self.assertEqual(lava.job_text(tcg_job()), EXPECTED)

    def test_tcg_text_control(self):
        # another cell's steps: the comparison must see it
        self.assertNotEqual(lava.job_text(tcg_job(steps='test=plain dmi=bios')), EXPECTED)
        self.assertNotEqual(lava.job_text(tcg_job(cmdline='-')), EXPECTED)

    def test_host_job(self):
        row = devmem_hosts.rows()['tdx']
        line = 'series-cc\tseries\tcc_sim_mem_encrypt DEVMEM_TEST_CC=1\t' + STEPS
        (cell,) = devmem_hosts.host_cells(row, [line])
        name, _, cmdline, steps = cell.split('\t')
        j = lava.job('7.3', name, 'k', 'i', BASE, cmdline, steps, guest(), row, 'file:///fw')
        text = lava.job_text(j)
        self.assertIn("job_name: 'devmem 7.3 series-cc x86_64 tdx'", text)
        self.assertIn("- '-object tdx-guest,id=tdx0'", text)
        self.assertIn("- '-accel kvm'", text)
        self.assertIn("image_arg: '-bios {bios}'", text)
        self.assertNotIn('cc_sim_mem_encrypt', text)
        self.assertNotIn('-cpu max', text)
        # the control: the TCG job of the same cell simulates it
        self.assertIn('cc_sim_mem_encrypt', lava.job_text(tcg_job()))

    def test_snp_memory(self):
        ctx = lava.context(guest(), devmem_hosts.rows()['snp'])
        self.assertIn('-object memory-backend-memfd,id=ram1,size=512M,share=true', ctx['extra_options'])
        self.assertEqual(ctx['memory'], 512)
        self.assertFalse(any('MEM' in o for o in ctx['extra_options']))

    @unittest.skipUnless(yaml, 'no PyYAML')
    def test_yaml_reads_back(self):
        for j in (tcg_job(), lava.job('7.3', 'x', 'k', 'i', BASE, '-', 'test=plain', guest(),
                                      devmem_hosts.rows()['snp'], 'file:///fw')):
            self.assertEqual(yaml.safe_load(lava.job_text(j)), j)
        ctx = lava.context(guest())
        self.assertEqual(yaml.safe_load(lava.device_text(ctx)), lava.device(ctx))
        # the control: a job changed after it was written reads back changed
        j = tcg_job()
        text = lava.job_text(j)
        j['context']['memory'] = 1024
        self.assertNotEqual(yaml.safe_load(text), j)

    def test_scalars(self):
        self.assertEqual(lava.scalar('7.3'), "'7.3'")
        self.assertEqual(lava.scalar('yes'), "'yes'")
        self.assertEqual(lava.scalar("it's"), "'it''s'")
        self.assertEqual(lava.scalar('series-cc'), 'series-cc')
        self.assertEqual(lava.scalar(None), '')
        self.assertEqual(lava.scalar(True), 'true')

    def test_steps_arg(self):
        self.assertEqual(lava.steps_arg('test=cc norawio=nonroot unsecfs'), 'test,norawio,unsecfs')


class PatternTest(unittest.TestCase):
    """The monitor's pattern, as pexpect compiles it (re.DOTALL)."""

    def matches(self, text):
        return [(m['result'], m['test_case_id'], m['units'])
                for m in re.finditer(lava.PATTERN, text, re.DOTALL)]

    def test_oob_lines(self):
        text = 'ok 1 test\r\nnot ok 2 legacy-dd # exit=1\r\nok 3 fake-cpuinfo-tdx\r\n'
        self.assertEqual(self.matches(text), [('ok', '1 test', ''), ('not ok', '2 legacy-dd', 'exit=1'),
                                              ('ok', '3 fake-cpuinfo-tdx', '')])

    def test_through_a_pty(self):
        # the guest's CR LF, through QEMU's pty, is CR CR LF
        self.assertEqual(self.matches('ok 1 test\r\r\nnot ok 2 dmi # exit=4\r\r\n'),
                         [('ok', '1 test', ''), ('not ok', '2 dmi', 'exit=4')])
        # the control: a line cut short is not taken
        self.assertEqual(self.matches('ok 1 test # exit'), [])

    def test_not_the_kselftest(self):
        # the runner's and the test's own KTAP lines are not steps
        text = ('ok 1 selftests: devmem: devmem\r\n# ok 1 global.open_mem_rdonly\r\n'
                '# not ok 5 global.mmap_high_ram_eperm # exit=1\r\n')
        self.assertEqual(self.matches(text), [])
        # the control: a step's line among them is taken
        self.assertEqual(len(self.matches(text + 'ok 2 dmi\r\n')), 1)


class EndTest(unittest.TestCase):
    """The monitor's end: guest/init's @@DONE, or the simulation's kill."""

    def end(self, text):
        m = re.search(lava.END, text)
        return m.group(0) if m else None

    def test_done(self):
        self.assertEqual(self.end('ok 2 dmi\r\n@@DONE\r\n'), '@@DONE')
        # at the start of pexpect's buffer, after a result it took
        self.assertEqual(self.end('@@DONE\r\n'), '@@DONE')

    def test_not_the_kits_done(self):
        # the guest kit's own end, in its log on the console ('kit' steps)
        self.assertIsNone(self.end('@@STEP 1 kit BEGIN\r\nkit: @@DONE\r\n@@STEP 1 kit END\r\n'))

    def test_kill_read_to_its_end(self):
        line = ('Kernel panic - not syncing: cc-sim: guest killed: /dev/mem read(2)/write(2) '
                'through a private (encrypted) alias at 0xf0000, the ROM range')
        self.assertEqual(self.end('@@STEP 1 legacy-dd BEGIN\r\n' + line + '\r\nCPU: 0'), line)

    def test_other_panics_do_not_end_it(self):
        # the control: a panic of another cause, or an oops, is no end: the
        # job stays incomplete, and the stage fails it
        for text in ('Kernel panic - not syncing: Attempted to kill init!\r\n',
                     'BUG: unable to handle page fault for address: ffff\r\n',
                     'cc-sim: sigbus: user access\r\n'):
            self.assertIsNone(self.end(text), text)


def canned(name):
    with open(os.path.join(LOGS, name), encoding='utf-8') as f:
        return f.read()


class LogTest(unittest.TestCase):
    def test_flow_line(self):
        line = r'- {"dt": "x", "lvl": "results", "msg": {"n": !!int "3", "m": !!null "", "s": "a\"b\x41\e\u00e9"}}'
        self.assertEqual(lava.flow_line(line),
                         {'dt': 'x', 'lvl': 'results', 'msg': {'n': 3, 'm': None, 's': 'a"bA\x1b\xe9'}})
        self.assertIsNone(lava.flow_line('Traceback (most recent call last):'))
        self.assertIsNone(lava.flow_line('{"dt": "x", "msg": "unterminated'))

    def test_canned_results(self):
        records = lava.read_log(canned('base-cc.lava.log'))
        results = lava.cases(records)
        self.assertEqual(lava.job_result(results), 'pass')
        steps = lava.step_results(results, 'devmem-base-cc')
        self.assertEqual(steps, [(1, 'test', 'fail', 1), (2, 'dmi', 'pass', None)])
        self.assertEqual(lava.steps_ktap('test=hole dmi=bios', steps),
                         'KTAP version 1\n1..2\nnot ok 1 test # exit=1\nok 2 dmi\n')
        # the control: another suite's cases are not the cell's
        self.assertEqual(lava.step_results(results, 'devmem-series-cc'), [])

    def test_canned_console(self):
        text = lava.console(lava.read_log(canned('base-cc.lava.log')))
        self.assertIn('@@STEP 1 test BEGIN\n', text)
        self.assertIn('@@DONE\n', text)
        self.assertNotIn('\\"', text)


class VerdictTest(unittest.TestCase):
    """devmem_lava.py verdict on a canned log, as the stage runs it."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def verdict(self, name, steps, old=None, new=None):
        path = changed(self, self.dir.name, name, canned(name), old, new)
        out = os.path.join(self.dir.name, 'out')
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = lava.main(['verdict', '7.3', steps, path, out])
        return rc, buf.getvalue().strip()

    def test_base_cc(self):
        rc, line = self.verdict('base-cc.lava.log', 'test=hole dmi=bios')
        self.assertEqual((rc, line.split()[0]), (0, 'XFAIL'), line)

    def test_base_cc_wrong_expectation(self):
        rc, line = self.verdict('base-cc.lava.log', 'test=cc dmi=bios')
        self.assertEqual((rc, line.split()[0]), (1, 'FAIL'), line)

    def test_planted_failure(self):
        # LAVA lost the dmi step's result: the judge fails the cell
        line = next(ln for ln in canned('base-cc.lava.log').split('\n') if '"case": "2_dmi"' in ln)
        rc, out = self.verdict('base-cc.lava.log', 'test=hole dmi=bios', line + '\n', '')
        self.assertEqual((rc, out.split()[0]), (1, 'FAIL'), out)
        self.assertIn('step 2 (dmi) ended on the console, but has no result out of band', out)

    def test_eperm_steps(self):
        # the control's steps, judged as refused: they are; one that LAVA
        # records as passed (exit 0) is not
        rc, out = self.verdict('control.lava.log', 'legacy-devmem=eperm legacy-dd=eperm')
        self.assertEqual((rc, out.split()[0]), (0, 'PASS'), out)
        line = next(ln for ln in canned('control.lava.log').split('\n') if '"case": "2_legacy_dd"' in ln)
        rc, out = self.verdict('control.lava.log', 'legacy-devmem=eperm legacy-dd=eperm',
                               line, line.replace('"result": "fail", "units": "exit=1"', '"result": "pass", "units": ""'))
        self.assertEqual((rc, out.split()[0]), (1, 'FAIL'), out)

    def test_incomplete_job(self):
        rc, line = self.verdict('base-cc.lava.log', 'test=hole dmi=bios',
                                '"msg": {"case": "job", "definition": "lava", "result": "pass"}',
                                '"msg": {"case": "job", "definition": "lava", "result": "fail"}')
        self.assertEqual((rc, line), (1, 'FAIL LAVA: the job did not complete (fail)'))

    def test_killed_in_step_1(self):
        # the kill ended LAVA's monitor: the job completes with no step
        # recorded, as boot's LOG.steps has none, and the judge gives boot's XFAIL
        rc, line = self.verdict('base-cc-dd.lava.log', 'legacy-dd=model')
        self.assertEqual((rc, line.split()[0]), (0, 'XFAIL'), line)
        self.assertIn('killed in step 1', line)
        with open(os.path.join(self.dir.name, 'out', 'console.log.steps'), encoding='utf-8') as f:
            self.assertEqual(f.read(), 'KTAP version 1\n1..1\n')

    def test_killed_unexpected(self):
        # the control: the same log, the step expected to pass
        rc, line = self.verdict('base-cc-dd.lava.log', 'legacy-dd=ok')
        self.assertEqual((rc, line.split()[0]), (1, 'FAIL'), line)
        # and without the kill in LAVA's log, the judge has no kill to expect
        kill = next(ln for ln in canned('base-cc-dd.lava.log').split('\n') if 'cc-sim: guest killed' in ln)
        rc, line = self.verdict('base-cc-dd.lava.log', 'legacy-dd=model', kill + '\n', '')
        self.assertEqual((rc, line.split()[0]), (1, 'FAIL'), line)

    def test_control_log(self):
        rc, line = self.verdict('control.lava.log', 'legacy-devmem=ok legacy-dd=ok')
        self.assertEqual((rc, line.split()[0]), (1, 'FAIL'), line)
        with open(os.path.join(self.dir.name, 'out', 'cases'), encoding='utf-8') as f:
            fails = [ln for ln in f if ln.startswith('devmem-control ') and ' fail' in ln]
        self.assertEqual(len(fails), 2)


if __name__ == '__main__':
    unittest.main()
