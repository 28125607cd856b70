# SPDX-License-Identifier: GPL-2.0
"""Unit tests of scripts/devmem_judge.py, boot's judge, with no kernel and
no git: one test per row of tests/logs/expect (the verdict and a part of
the reason), and
tests of its pieces, each with a case that must fail.  From the top of
the clone:

	python3 -m unittest discover -s tests/unit -t .
"""

import contextlib
import io
import os
import shutil
import stat
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'scripts'))
import devmem_judge as judge  # noqa: E402

LOGS = os.path.join(TOP, 'tests', 'logs')
DATA = judge.Data()

# A runner's output as 7.3's run_kselftest.sh prints it, the test's KTAP
# nested in it: plain mode, every test passed.
TEST_KTAP = ['TAP version 13', '1..5', '# devmem: plain mode: no confidential guest signal'] + [
	f'ok {i} global.{t}' for i, t in enumerate(judge.KSFT_OPENS + [judge.KSFT_MMAP], 1)] + [
	'# Totals: pass:5 fail:0 xfail:0 xpass:0 skip:0 error:0']
RUNNER = '\n'.join(['TAP version 13', '1..1', '# ' + judge.KSFT_SUBTEST] +
		   ['# ' + ln for ln in TEST_KTAP] +
		   ['ok 1 ' + judge.KSFT_SUBTEST, '# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0'])
PANIC = (judge.KILLED + ': /dev/mem read(2)/write(2) through a private (encrypted) alias at '
	 '0xf0000, the ROM range: reason')


def expect_rows():
	"""The rows of tests/logs/expect: log, tree, steps, verdict, reason."""
	with open(os.path.join(LOGS, 'expect'), encoding='utf-8') as f:
		return [ln.rstrip('\n').split('\t') for ln in f
			if ln.strip() and not ln.startswith('#')]


def write(directory, name, lines):
	"""A file NAME in DIRECTORY of LINES; its path."""
	path = os.path.join(directory, name)
	with open(path, 'w', encoding='utf-8') as f:
		f.write('\n'.join(lines) + '\n')
	return path


class ExpectTest(unittest.TestCase):
	"""One test per row of tests/logs/expect, added below."""

	def test_every_log_has_a_row(self):
		"""A canned log no row judges, or a row whose log is gone, fails."""
		rows = {r[0] for r in expect_rows()}
		logs = {n for n in os.listdir(LOGS) if n.endswith('.log')}
		self.assertEqual(sorted(logs - rows), [], 'logs that no row of expect judges')
		self.assertEqual(sorted(rows - logs), [], 'rows of expect whose log is missing')
		for r in expect_rows():
			self.assertEqual(len(r), 5, f'{r[0]}: {len(r)} fields, not 5')

	def check_row(self, log, tree, steps, want, part):
		path = os.path.join(LOGS, log)
		if ' kit' in ' ' + steps:
			# a copy, with its results out of band: a 'kit' step writes
			# the kit's log beside the cell's
			d = tempfile.TemporaryDirectory()
			self.addCleanup(d.cleanup)
			for f in (log, log + '.steps'):
				if os.path.exists(os.path.join(LOGS, f)):
					shutil.copy(os.path.join(LOGS, f), d.name)
			path = os.path.join(d.name, log)
		v = judge.judge_cell(DATA, tree, path, steps)
		self.assertEqual(v.status, want, v.line())
		self.assertIn(part, v.reason)
		self.assertEqual(v.ok, want != 'FAIL')
		self.assertNotIn('\n', v.line())


def _add_rows():
	seen = {}
	for log, tree, steps, want, part in expect_rows():
		name = log.removesuffix('.log').replace('-', '_').replace('.', '_')
		seen[name] = seen.get(name, 0) + 1
		test = f'test_{name}' + (f'_{seen[name]}' if seen[name] > 1 else '')
		setattr(ExpectTest, test,
			lambda self, r=(log, tree, steps, want, part): self.check_row(*r))


_add_rows()


class StepsTest(unittest.TestCase):
	"""The steps and their markers in a log."""

	def setUp(self):
		self.dir = tempfile.TemporaryDirectory()
		self.addCleanup(self.dir.cleanup)

	def test_split(self):
		self.assertEqual(judge.split_steps('test=plain secfs  dmi=bios'),
				 [('test', 'plain'), ('secfs', ''), ('dmi', 'bios')])

	def test_output_and_rc(self):
		log = judge.Log(write(self.dir.name, 'a.log', [
			'boot', '@@STEP 1 dmi BEGIN', 'BIOS Information', 'x',
			'@@STEP 1 dmi END rc=0 [kernel]', '@@DONE']))
		self.assertEqual(log.step_output(1, 'dmi'), 'BIOS Information\nx')
		self.assertEqual(log.end_rc(1, 'dmi'), '0')
		self.assertEqual(log.end_rc(1, 'dmi', digits=False), '0 [kernel]')
		self.assertEqual(log.end_rc(2, 'dmi'), '')

	def test_lines_split_at_newline_only(self):
		path = os.path.join(self.dir.name, 'b.log')
		with open(path, 'wb') as f:
			f.write(b'a\rb\x0c\xff\n@@DONE')
		self.assertEqual(judge.Log(path).lines, ['a\rb\x0c\udcff', '@@DONE'])

	def test_cell_passes(self):
		path = write(self.dir.name, 'c.log', [
			'@@STEP 1 dmi BEGIN', 'BIOS Information', '@@STEP 1 dmi END rc=0',
			'@@STEP 2 secfs BEGIN', '@@STEP 2 secfs END rc=0', '@@DONE'])
		v = judge.judge_cell(DATA, '7.3', path, 'dmi=bios secfs')
		self.assertEqual(v.line(), 'PASS 2 steps as expected')

	def test_cell_step_not_ended_fails(self):
		path = write(self.dir.name, 'd.log', ['@@STEP 1 dmi BEGIN', 'BIOS Information', '@@DONE'])
		v = judge.judge_cell(DATA, '7.3', path, 'dmi=bios')
		self.assertEqual(v.status, 'FAIL')
		self.assertIn('step 1 (dmi) did not end', v.reason)

	def test_cell_step_order_fails(self):
		path = write(self.dir.name, 'e.log', [
			'@@STEP 1 secfs BEGIN', '@@STEP 1 secfs END rc=0', '@@DONE'])
		v = judge.judge_cell(DATA, '7.3', path, 'dmi=bios secfs')
		self.assertIn('step 1 (dmi) did not start', v.reason)

	def test_judge_step(self):
		self.assertEqual(judge.judge_step('eperm', 'dd: Operation not permitted', '1'), '')
		self.assertEqual(judge.judge_step('eperm', 'read 512 bytes', '0'),
				 'not refused with EPERM (exit 0): read 512 bytes')
		self.assertEqual(judge.judge_step('ok', 'a\nlast', '2'), 'exit 2: last')
		self.assertEqual(judge.judge_step('nope', '', '0'), "unknown expectation 'nope'")


class OobTest(unittest.TestCase):
	"""The exit codes out of band: the canned pair oob-hole.log and
	oob-hole.log.steps (the runner's 'not ok' and exit 1 in step 1, dmi
	in step 2), and oob-killed, changed in a copy."""

	STEPS = 'test=hole dmi=bios'

	def setUp(self):
		self.dir = tempfile.TemporaryDirectory()
		self.addCleanup(self.dir.cleanup)

	def canned(self, name):
		"""A canned file's lines, CRs and all."""
		with open(os.path.join(LOGS, name), encoding='utf-8') as f:
			return f.read().split('\n')[:-1]

	def pair(self, log=None, oob=None, name='hole'):
		"""oob-NAME's log and steps file in the temporary directory,
		either replaced by LOG or OOB (lines; None for the canned one,
		False for no steps file); the log's path."""
		path = write(self.dir.name, 'x.log', self.canned(f'oob-{name}.log') if log is None else log)
		if oob is not False:
			write(self.dir.name, 'x.log.steps', self.canned(f'oob-{name}.log.steps') if oob is None else oob)
		return path

	def judge(self, path, steps=STEPS, oob=None):
		return judge.judge_cell(DATA, '7.3', path, steps, oob)

	def test_every_steps_file_has_its_log(self):
		logs = os.listdir(LOGS)
		for n in logs:
			if n.endswith('.steps'):
				self.assertIn(n.removesuffix('.steps'), logs)

	def test_canned_pair(self):
		self.assertEqual(self.judge(self.pair()).status, 'XFAIL')
		self.assertEqual(self.judge(self.pair(name='killed'), 'legacy-dd=killed').status, 'XFAIL')

	def test_read(self):
		oob = judge.read_oob(os.path.join(LOGS, 'oob-hole.log.steps'))
		self.assertEqual((oob.bad, oob.plan, oob.results), ('', 2, {1: ('test', '1'), 2: ('dmi', '0')}))

	def test_rc_from_oob_not_console(self):
		log = judge.Log(self.pair(), judge.steps_file(self.pair()))
		self.assertEqual(log.end_rc(1, 'test'), '1')
		self.assertEqual(log.console_rc(1, 'test'), '')
		self.assertEqual(log.end_rc(2, 'test'), '')

	def test_rc_mismatch_fails(self):
		# dmidecode's exit code out of band, not 0, where the console has none
		oob = ['KTAP version 1', '1..2', 'not ok 1 test # exit=1', 'not ok 2 dmi # exit=3']
		self.assertEqual(self.judge(self.pair(), 'test=hole dmi=ok').status, 'XFAIL')
		v = self.judge(self.pair(oob=oob), 'test=hole dmi=ok')
		self.assertEqual(v.status, 'FAIL')
		self.assertIn('step 2 (dmi=ok): exit 3', v.reason)
		# the console's rc= against the one out of band
		log = [ln + ' rc=0' if ln == '@@STEP 2 dmi END' else ln for ln in self.canned('oob-hole.log')]
		v = self.judge(self.pair(log=log, oob=oob))
		self.assertEqual(v.status, 'FAIL')
		self.assertIn('step 2 (dmi) exit 0 on the console, but 3 out of band', v.reason)

	def test_step_missing_out_of_band_fails(self):
		v = self.judge(self.pair(oob=['KTAP version 1', '1..2', 'not ok 1 test # exit=1']))
		self.assertEqual(v.status, 'FAIL')
		self.assertIn('step 2 (dmi) ended on the console, but has no result out of band', v.reason)
		self.assertEqual(v.steps[1].status, 'fail')

	def test_step_missing_on_console_fails(self):
		log = [ln for ln in self.canned('oob-hole.log') if ln != '@@STEP 2 dmi END']
		v = self.judge(self.pair(log=log))
		self.assertEqual(v.status, 'FAIL')
		self.assertIn('step 2 (dmi) has a result out of band, but did not end on the console', v.reason)

	def test_killed_step_with_a_result_fails(self):
		v = self.judge(self.pair(name='killed', oob=['KTAP version 1', '1..1', 'ok 1 legacy-dd']),
			       'legacy-dd=killed')
		self.assertEqual(v.status, 'FAIL')
		self.assertIn('step 1 has a result out of band: the guest was not killed', v.reason)

	def test_bad_files_fail(self):
		for oob, part in [([], 'does not start with "KTAP version 1"'),
				  (['KTAP version 1', 'ok 1 test'], 'beyond its plan'),
				  (['KTAP version 1', '1..3'], 'plan 1..3, not 1..2'),
				  (['KTAP version 1', '1..2', 'ok 1 test # exit=1'], '"not ok" goes with'),
				  (['KTAP version 1', '1..2', 'not ok 1 test'], '"not ok" goes with'),
				  (['KTAP version 1', '1..2', 'not ok 1 test # exit=1', 'not ok 1 test # exit=1'],
				   'beyond its plan or again'),
				  (['KTAP version 1', '1..2', 'not ok 1 dmi # exit=1'], 'step 1 (test) is "dmi" out of band'),
				  (['KTAP version 1', '1..2', 'boot noise'], 'is not a step\'s result')]:
			v = self.judge(self.pair(oob=oob))
			self.assertEqual(v.status, 'FAIL', oob)
			self.assertIn(part, v.reason)

	def test_given_file_missing_fails(self):
		v = self.judge(self.pair(oob=False), oob=os.path.join(self.dir.name, 'none.steps'))
		self.assertEqual(v.status, 'FAIL')
		self.assertIn('cannot read', v.reason)

	def test_no_file_no_rc_fails(self):
		v = self.judge(self.pair(oob=False))
		self.assertEqual(v.status, 'FAIL')
		self.assertIn('step 1 (test) ended with no exit code on the console', v.reason)

	def test_cli_steps(self):
		path = self.pair(oob=False)
		oob = write(self.dir.name, 'other.steps', self.canned('oob-hole.log.steps'))
		out = io.StringIO()
		with contextlib.redirect_stdout(out):
			rc = judge.main(['--steps', oob, '7.3', path, self.STEPS])
		self.assertEqual((rc, out.getvalue().split(' ')[0]), (0, 'XFAIL'))

	def test_ktap_control_cross_checks(self):
		log = [ln for ln in self.canned('oob-hole.log') if ln != '@@STEP 1 test END']
		ok, why = judge.ktap_control(self.pair(log=log), self.STEPS, True, None)
		self.assertFalse(ok)
		self.assertIn('did not end on the console', why)


class KtapTest(unittest.TestCase):
	"""The runner's KTAP and the test's nested in it."""

	def test_runner(self):
		r = judge.parse_runner(RUNNER)
		self.assertEqual((r.result, r.rc), ('ok 1 ' + judge.KSFT_SUBTEST, '0'))
		self.assertEqual(r.inner, TEST_KTAP)
		self.assertEqual(judge.judge_kselftest('plain', RUNNER, '0'), '')

	def test_runner_exit_code(self):
		text = RUNNER.replace('\nok 1 ' + judge.KSFT_SUBTEST, '\nnot ok 1 ' + judge.KSFT_SUBTEST + ' # exit=7')
		text = text.replace('# Totals: pass:1 fail:0', '# Totals: pass:0 fail:1')
		self.assertEqual(judge.parse_runner(text).rc, '7')

	def test_runner_without_header_fails(self):
		with self.assertRaisesRegex(judge.KtapError, 'not the output of run_kselftest.sh'):
			judge.parse_runner('\n'.join(TEST_KTAP))

	def test_runner_totals_must_count(self):
		with self.assertRaisesRegex(judge.KtapError, 'not "# Totals: pass:1'):
			judge.parse_runner(RUNNER.replace('skip:0 error:0', 'skip:1 error:0'))

	def test_ktap(self):
		k = judge.parse_ktap('\n'.join(TEST_KTAP))
		self.assertEqual(k.modes, ['plain'])
		self.assertEqual(k.test('global.open_mem_rdwr'), 'pass')
		self.assertEqual(k.test('global.nothing'), 'missing')

	def test_ktap_skip_named_from_run_line(self):
		k = judge.parse_ktap('\n'.join(['TAP version 13', '1..1', '#  RUN  global.open_mem_rdonly ...',
						'ok 1 # SKIP no CAP_SYS_RAWIO',
						'# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0']))
		self.assertEqual(k.results, [judge.Result('skip', 'global.open_mem_rdonly', 'no CAP_SYS_RAWIO')])

	def test_ktap_bad(self):
		for text, why in (
			(['# x'] + TEST_KTAP, 'the first line is not'),
			(TEST_KTAP[:-1], 'no totals line'),
			(TEST_KTAP[:-2] + TEST_KTAP[-1:], '4 results for the plan 1..5'),
			([ln.replace('ok 3 ', 'ok 4 ') for ln in TEST_KTAP], 'result 4 after result 2'),
			([ln.replace('fail:0', 'fail:1') for ln in TEST_KTAP], 'totals: fail:1, but 0 such results'),
			([ln.replace(' error:0', '') for ln in TEST_KTAP], 'totals: no error: field'),
			(TEST_KTAP + ['Bail out! no'], 'Bail out! no'),
		):
			with self.subTest(why=why), self.assertRaisesRegex(judge.KtapError, why):
				judge.parse_ktap('\n'.join(text))

	def test_judge_ktap_expectations(self):
		text = '\n'.join(TEST_KTAP)
		self.assertEqual(judge.judge_ktap('plain', text, '0'), '')
		self.assertEqual(judge.judge_ktap('plain', text, '1'), 'exit 1')
		self.assertEqual(judge.judge_ktap('cc', text, '0'), 'mode: plain, not confidential')
		self.assertEqual(judge.judge_ktap('nonroot', text, '0'),
				 'not skipped with a reason: ' + ', '.join(
					 f'global.{t} (pass)' for t in judge.KSFT_OPENS + [judge.KSFT_MMAP]))


class KillTest(unittest.TestCase):
	"""The simulation's kill and SIGBUS lines."""

	def test_kill(self):
		self.assertEqual(judge.judge_kill(DATA, '7.3', PANIC),
				 (True, 'read(2)/write(2) through a private (encrypted) alias'))
		self.assertEqual(judge.judge_model(DATA, PANIC, 'killed'), (True, 'rom'))
		self.assertEqual(judge.kill_how('legacy-dd', PANIC), '')

	def test_kill_wrong_alias_fails(self):
		ok, why = judge.judge_kill(DATA, '6.1', PANIC)
		self.assertFalse(ok)
		self.assertIn('data/aliases expects shared for 6.1 read-write', why)

	def test_kill_no_path_or_alias_fails(self):
		self.assertFalse(judge.judge_kill(DATA, '7.3', judge.KILLED + ': something')[0])
		ok, why = judge.judge_kill(DATA, '7.3', PANIC.replace('a private (encrypted)', 'an unrecorded'))
		self.assertEqual((ok, why.split(':')[0]), (False, 'no shared or private alias in the panic'))

	def test_model_line_fails(self):
		self.assertEqual(judge.judge_model(DATA, PANIC.replace('the ROM range', 'RAM'), 'killed'),
				 (False, "ram through a private alias from kernel mode is 'ok' in data/model, not killed"))
		self.assertFalse(judge.judge_model(DATA, PANIC.replace(', the ROM range', ''), 'killed')[0])

	def test_kill_how(self):
		self.assertEqual(judge.kill_how('paths-kernel', PANIC), "the panic does not say '(kernel access at'")
		user = PANIC.replace('read(2)/write(2)', 'mmap() access') + ' (user access at 0x7f)'
		self.assertEqual(judge.kill_how('paths-high', user), "the panic's page 0xf0000 is below 1 MiB")
		self.assertEqual(judge.kill_how('paths-high', user.replace('0xf0000', '0x100000')), '')

	def test_alias_control(self):
		ok, why = judge.alias_control(DATA, '7.3')
		self.assertTrue(ok, why)
		broken = judge.Data()
		broken.aliases = [dict(r, alias='shared') if r['path'] == 'mmap' else r for r in broken.aliases]
		# The judge and the control read the same rows: it still passes ...
		self.assertTrue(judge.alias_control(broken, '7.3')[0])
		broken.aliases = [r for r in broken.aliases if r['path'] != 'mmap']
		# ... and with no row it fails.
		self.assertEqual(judge.alias_control(broken, '7.3'),
				 (False, 'data/aliases: no shared or private row for 7.3 mmap'))


class ModelTest(unittest.TestCase):
	"""data/model's outcome of a step, from data/steps and data/aliases."""

	def test_outcomes(self):
		self.assertEqual(judge.model_outcome(DATA, '7.3', 'legacy-dd'), (True, 'killed'))
		self.assertEqual(judge.model_outcome(DATA, '6.1', 'legacy-dd'), (True, 'refused'))
		self.assertEqual(judge.model_outcome(DATA, '7.3', 'read-page0'), (True, 'ok'))
		self.assertEqual(judge.model_outcome(DATA, '6.1', 'read-page0'), (True, 'killed'))

	def test_no_outcome_fails(self):
		self.assertEqual(judge.model_outcome(DATA, '7.3', 'test'),
				 (False, "data/steps: test accesses no page ('-')"))
		self.assertEqual(judge.model_outcome(DATA, '7.3', 'nosuch'),
				 (False, "data/steps: nosuch accesses no page ('none')"))
		self.assertEqual(judge.model_outcome(DATA, '9.9', 'legacy-dd'),
				 (False, 'data/aliases: no row for 9.9 read-write'))

	def test_unmodelled(self):
		self.assertEqual(judge.unmodelled(DATA, '7.3', 'dmi=bios legacy-dd=model'), '')
		self.assertEqual(judge.unmodelled(DATA, '6.1', 'legacy-dd=model'),
				 'data/model has no outcome for legacy-dd on 6.1 (doc/guests.md, the model)')

	def test_flip_control(self):
		log = os.path.join(LOGS, 'killed.log')
		self.assertEqual(judge.flip_control(DATA, '7.3', log, 'legacy-dd=killed'), (True, ''))
		ok, why = judge.flip_control(DATA, '7.3', log, 'legacy-dd=model')
		self.assertEqual((ok, why), (True, 'control: flipped to legacy-dd=ok, it fails'))
		# A model that the log contradicts: the flipped cell passes, and
		# the control fails.
		broken = judge.Data()
		broken.model = [dict(r, sim='killed') if (r['class'], r['alias'], r['mode']) ==
				('ram', 'private', 'kernel') else r for r in broken.model]
		self.assertEqual(judge.flip_control(broken, '7.3', os.path.join(LOGS, 'page0.log'), 'read-page0=model'),
				 (False, "control: with the model's outcomes flipped (read-page0=ok) "
				  'the log passed: PASS 1 steps as expected'))


class KtapControlTest(unittest.TestCase):
	"""boot's ktap control on the canned series-plain logs."""

	def setUp(self):
		self.dir = tempfile.TemporaryDirectory()
		self.addCleanup(self.dir.cleanup)
		self.steps = next(r[2] for r in expect_rows() if r[0] == 'plain.log')

	def kunit(self, says):
		path = write(self.dir.name, 'kunit.py', ['import sys', 'sys.stdin.read()', f'print({says!r})'])
		os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
		return path

	def test_runner(self):
		ok, why = judge.ktap_control(os.path.join(LOGS, 'plain.log'), self.steps, True,
					     self.kunit('Ran 1 tests: passed: 1'))
		self.assertTrue(ok, why)
		self.assertIn("the runner's 'not ok 1 selftests: devmem: devmem # exit=1'", why)

	def test_no_runner(self):
		ok, why = judge.ktap_control(os.path.join(LOGS, 'arm64-plain.log'), 'test=plain', False, None)
		self.assertTrue(ok, why)
		self.assertIn("'not ok 5 global.mmap_high_ram_eperm' planted", why)

	def test_kunit_disagrees_fails(self):
		ok, why = judge.ktap_control(os.path.join(LOGS, 'plain.log'), self.steps, True,
					     self.kunit('Ran 2 tests: passed: 2'))
		self.assertEqual((ok, why), (False, "kunit.py parse of series-plain's test step: "
						    "'Ran 2 tests: passed: 2', not 'Ran 1 tests: passed: 1'"))

	def test_refused_log_fails(self):
		ok, why = judge.ktap_control(os.path.join(LOGS, 'strict-fail.log'), 'test=plain', True, None)
		self.assertFalse(ok)
		self.assertIn('as it is, was refused', why)


class KtapOutTest(unittest.TestCase):
	"""The verdict as KTAP (--ktap)."""

	def ktap(self, log, tree, steps):
		v = judge.judge_cell(DATA, tree, os.path.join(LOGS, log), steps)
		return judge.write_ktap(v, log.removesuffix('.log')).split('\n')

	def test_killed(self):
		k = self.ktap('not-killed.log', '7.3', 'dmi=bios legacy-dd=ok')
		self.assertEqual(k[:5], ['KTAP version 1', '1..1', '    KTAP version 1',
					 '    # Subtest: not-killed', '    1..3'])
		self.assertIn('    ok 1 dmi', k)
		self.assertEqual(k[-2], 'ok 1 not-killed')
		k = self.ktap('killed.log', '7.3', 'legacy-dd=killed secfs')
		self.assertIn('    ok 1 legacy-dd # XFAIL killed by read(2)/write(2) through a private '
			      '(encrypted) alias of rom', k)
		self.assertIn('    ok 2 secfs # SKIP not run: the guest was killed in step 1', k)
		self.assertTrue(k[-2].startswith('ok 1 killed # XFAIL killed in step 1'))

	def test_failed(self):
		k = self.ktap('warn-before-kill.log', '7.3', 'paths-kernel=killed')
		self.assertIn('    ok 1 paths-kernel # XFAIL killed by ', '\n'.join(k))
		self.assertIn('    not ok 2 log', k)
		self.assertEqual(k[-2], 'not ok 1 warn-before-kill')
		k = self.ktap('strict-fail.log', '7.3', 'test=plain dmi=bios')
		self.assertIn('    not ok 1 test', k)
		self.assertIn('    ok 2 dmi # SKIP not judged: test failed', k)


class MainTest(unittest.TestCase):
	"""The command line: judge-boot's."""

	def run_main(self, *argv):
		out, err = io.StringIO(), io.StringIO()
		with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
			try:
				rc = judge.main(list(argv))
			except SystemExit as e:
				rc = e.code
		return rc

	def test_exit_codes(self):
		with tempfile.TemporaryDirectory() as d:
			k = os.path.join(d, 'cell.ktap')
			self.assertEqual(self.run_main('--ktap', k, '7.3', os.path.join(LOGS, 'killed.log'),
						       'legacy-dd=killed'), 0)
			with open(k, encoding='utf-8') as f:
				self.assertEqual(f.readline(), 'KTAP version 1\n')
		self.assertEqual(self.run_main('7.3', os.path.join(LOGS, 'killed.log'), 'legacy-dd=ok'), 1)
		self.assertEqual(self.run_main('nosuch', os.path.join(LOGS, 'killed.log'), 'x'), 2)
		self.assertEqual(self.run_main('7.3', 'x'), 2)
		self.assertEqual(self.run_main('alias-control', '7.3'), 0)


if __name__ == '__main__':
	unittest.main()
