#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""devmem_judge: boot's verdict on one cell, from its saved console log
alone, with no boot.

	devmem_judge.py [--ktap FILE] [--steps FILE] TREE LOG STEPS

prints one line, the verdict and its reason: 'PASS <reason>' or 'XFAIL
<reason>' (exit 0), or 'FAIL <reason>' (exit 1; 2 for bad arguments).
XFAIL: the cell passes by showing the failure it expects (a 'killed' or a
'hole' step); boot records that verdict as it is (see result in
lib/results.sh).  With --ktap it also writes the verdict as KTAP to FILE:
one test, the cell, with a subtest per step and one for the log as a
whole (write_ktap).  STEPS is the cell's steps column in boot, e.g.
"test=plain user=nonroot dmi=bios legacy-dd=killed": NAME=EXPECT each,
in the order guest/init ran them, between the markers "@@STEP N NAME
BEGIN" and "@@STEP N NAME END"; "@@DONE" when all ran.  TREE picks
the alias data/aliases expects for a killed step.  scripts/judge-boot
runs this, for boot (on each cell it booted) and fuzz;
tests/unit/test_judge.py judges the canned logs of tests/logs.

Each step's exit code comes out of band when the guest wrote it so: the
file --steps FILE, by default LOG.steps beside the log (qemu_guest's
second serial port, where guest/init writes KTAP: "KTAP version 1",
"1..N" for the cell's N steps, then "ok N NAME" or "not ok N NAME #
exit=RC" per step that ended; read_oob).  Then every step that ended
must have ended in both, the console's end marker and a result out of
band, or it fails; an "rc=RC" on the console marker too must agree.
With no such file (the arm64 guest: one UART, no virtio console) the
exit code is the console's, "@@STEP N NAME END rc=RC".

Each step must start, and end with its exit code, unless it is the
killed one; each is judged by its expectation.  The kselftest's are
judged on its whole output, as the field runs it: the tree's
run_kselftest.sh -t devmem:devmem, from the contents of the tarball its
gen_tar makes (parse_runner, judge_kselftest): the runner's KTAP ("TAP
version 13" first, the plan "1..1", the subtest "# selftests: devmem:
devmem", its one result "ok 1 selftests: devmem: devmem", with "# SKIP",
"# XFAIL" or, after "not ok", "# exit=N", that gives the test's exit
code, and the runner's totals where the tree's runner prints them: 7.3's,
not 6.12's or 6.1's), the runner's exit code (0, or 1 after a "not ok":
6.12's and 6.1's runners exit 0 whatever the test did), and the test's
own KTAP, the subtest's lines with their "# " taken off (judge_ktap):
"TAP version 13" first, as many results as its plan "1..N", totals that
count them (read by field name) with error:0, no 'not ok' but the
expected ones (each one named), and the test's exit code.  A guest whose
init has no shell for the runner says so in its log ("@@RUNNER none
...", guest/init.c) and runs the installed test directly: its output is
the test's KTAP alone, judged as the subtest is.  The expectations
(KSFT_OPENS and KSFT_MMAP below name the tests):
  plain   plain mode: the four open() tests and mmap_high_ram_eperm
          passed; exit 0
  cc      confidential mode: the four open() tests passed, not skipped;
          exit 0
  hole    confidential mode, and exactly the four open() tests fail;
          exit non-zero
  nonroot without CAP_SYS_RAWIO (the 'user' step: uid and gid 65534 with
          no supplementary groups; 'norawio': root with the capability
          dropped): every result a SKIP with a reason; exit 0 or 4
          (KSFT_SKIP)
  lockskip
          confidential mode, with securityfs unmounted (the 'unsecfs'
          step; 'secfs' mounts it again): the four open() tests SKIP,
          "lockdown unknown", nothing fails; exit 0 or 4
  bios    dmidecode prints BIOS Information
  ok      exits 0
  eperm   fails with "Operation not permitted"
  killed  the simulation kills the guest in this step ("Kernel panic -
          not syncing: cc-sim: guest killed: ..."), through the alias
          data/aliases expects for the tree and the panic's path
          (judge_kill), in the way the step takes (kill_how); the steps
          after it are not run.  Nothing in the log before the panic may
          be an oops, WARN or BUG (guest_log_bad): an XFAIL, "killed in
          step N by ..."
  sigbus  the step's process gets SIGBUS from the simulation ("cc-sim:
          sigbus: ..." in its output, judged as a kill is) and fails; the
          guest lives: an XFAIL, "SIGBUS in step N by ..."
  HOLE, EPERM, LOCKDOWN, NONROOT, UNKNOWN
          the guest kit's outcome (the 'kit' steps): its log, the step's
          lines that start "kit: ", without it, written to LOG.kit-N, is
          judged by devmem_kit.py as a user's log is, and gives that
          outcome; the kit exits 0.  A cell whose kit shows the HOLE is
          an XFAIL, "the hole: ..."
  model   what data/model says the simulation does to the step's access
          (model_outcome: its class and access in data/steps, the tree's
          alias in data/aliases): ok, killed or sigbus; a step the model
          has no answer for fails (boot SKIPs its cell)
  (none)  a setup step: exits 0
Every kill and SIGBUS line must name the page's class, and its class,
alias and mode must give that outcome in data/model (judge_model).  A
cell with no 'killed' step must run to its end (@@DONE) with no oops,
WARN, BUG, panic or simulation message ('cc-sim:') in the log; with a
'hole' step it is an XFAIL, "the hole: ...".  scripts/ktap writes an
XFAIL as KTAP's XFAIL.

boot's controls, with no boot, are subcommands (see main): alias-control
(judge_kill can fail), ktap-control (judge_step can fail a kselftest
step), unmodelled (a cell the model cannot judge) and flip-control (a
cell judged by the model fails with its outcomes flipped).

The log is read as the shell's tools read it with LC_ALL=C: lines split
at '\\n' only, bytes that are not UTF-8 kept as they are.  data/steps,
data/aliases and data/model are read once, through scripts/devmem_data.py.
"""

import argparse
import fnmatch
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devmem_data  # noqa: E402  (beside this file)

TOP = devmem_data.TOP

# The kselftest's tests, by their names in its KTAP (global.NAME): the
# four open() tests, which pass in both modes (EPERM in confidential mode,
# the open in plain mode), and the mmap() test of plain mode.  The one
# place that names them.
KSFT_OPENS = ['open_mem_rdonly', 'open_mem_rdwr', 'open_port_rdonly', 'open_port_rdwr']
KSFT_MMAP = 'mmap_high_ram_eperm'
# The runner's subtest: run_kselftest.sh -t devmem:devmem.
KSFT_SUBTEST = 'selftests: devmem: devmem'
KILLED = 'Kernel panic - not syncing: cc-sim: guest killed'
RUNNER_NONE = '@@RUNNER none'

# What counts as an oops, WARN, BUG or panic in a console log (the shell's
# guest_log_bad in lib/guests.sh, grep -E).
LOG_BAD = re.compile(r'BUG:|WARNING:|Oops|Kernel panic|general protection|Call Trace')

RESULT_LINE = re.compile(r'^(not )?ok [0-9]+( |$)')
PLAN_LINE = re.compile(r'^1\.\.[0-9]+$')
MODE_LINE = re.compile(r'^# devmem: [a-z]+ mode: ')
DIRECTIVE = re.compile(r'^(SKIP|XFAIL|XPASS)( |$)')
RUNNER_RESULT = re.compile(r'^(not )?ok 1 ' + re.escape(KSFT_SUBTEST) + r'( # .*)?$')
ALIAS_WHAT = re.compile(r'.*/dev/mem (.* alias) at .*')
ALIAS_OF_WHAT = re.compile(r'.* through an? (shared|private) \([a-z ]*\) alias')
ALIAS_IN_LINE = re.compile(r'.* through an? (shared|private) \([a-z ]*\) alias at .*')
PHYS = re.compile(r'.* alias at (0x[0-9a-f]*).*')
# The page classes of data/model, as the simulation's lines name them.
CLASSES = [(', RAM: ', 'ram'), (', the ROM range: ', 'rom'),
           (', reserved firmware memory: ', 'reserved'), (', MMIO or a hole: ', 'absent')]
# data/steps' access column: the alias family (data/aliases) and mode.
ACCESS = {'read-write': ('read-write', 'kernel'),
          'mmap-user': ('mmap', 'user'),
          'mmap-kernel': ('mmap', 'kernel')}


def after(line: str, mark: str) -> str:
	"""line after the first mark, or all of it (the shell's ${line#*mark})."""
	i = line.find(mark)
	return line[i + len(mark):] if i >= 0 else line


def fields(line: str) -> List[str]:
	"""awk's fields of line: split at blanks."""
	return [w for w in re.split(r'[ \t]+', line) if w]


def awk_num(s: str) -> int:
	"""awk's number of a string: its leading integer, else 0."""
	m = re.match(r'\s*[-+]?[0-9]+', s)
	return int(m.group(0)) if m else 0


def shell_text(lines: List[str]) -> str:
	"""lines as $(...) holds them: joined, trailing newlines dropped."""
	return '\n'.join(lines).rstrip('\n')


def rel(path: str) -> str:
	"""path below the top of the clone, as the reasons name it."""
	return path[len(TOP) + 1:] if path.startswith(TOP + '/') else path


def data_tree(tree: str) -> str:
	"""The tree of data/trees whose data TREE goes by: lib/tables.sh's
	data_tree (a checkout's tree takes its series tree's)."""
	if not tree.startswith('src-'):
		return tree
	return devmem_data.shell('data_tree', tree)[1] or tree


def check_tree(tree: str, top: Optional[str] = None) -> Optional[str]:
	"""None for a known tree, else why not: lib/tables.sh's check_tree."""
	rc, _, err = devmem_data.shell('check_tree', tree)
	return None if rc == 0 else (err.split('error: ', 1)[-1] or f"unknown tree '{tree}'")


class Data:
	"""The tables the judge reads, data/steps, data/aliases and data/model,
	loaded once, by their column names, through devmem_data."""

	def __init__(self, top: Optional[str] = None) -> None:
		self.steps = devmem_data.load('steps', top)
		self.aliases = devmem_data.load('aliases', top)
		self.model = devmem_data.load('model', top)

	def alias(self, tree: str, path: str) -> str:
		"""The alias data/aliases expects for TREE and PATH, its first row; ''."""
		t = data_tree(tree)
		for r in self.aliases:
			if r['tree'] == t and r['path'] == path:
				return r['alias']
		return ''

	def sim(self, cls: str, alias: str, mode: str) -> str:
		"""The sim column of data/model's first row for CLASS, ALIAS, MODE; ''."""
		for r in self.model:
			if r['class'] == cls and r['alias'] == alias and r['mode'] == mode:
				return r['sim']
		return ''

	def step(self, name: str) -> Tuple[str, str]:
		"""data/steps' class and access of step NAME ('' for no row)."""
		for r in self.steps:
			if r['step'] == name:
				# read as 'read -r class access' reads "CLASS ACCESS"
				words = f"{r['class']} {r['access']}".split(None, 1)
				return (words[0] if words else '', words[1].strip() if len(words) > 1 else '')
		return ('', '')


OOB_RESULT = re.compile(r'^(not )?ok ([0-9]+) ([^ #]+)( # exit=([0-9]+))?$')


@dataclass
class Oob:
	"""The steps' results out of band (read_oob): step number to (name,
	exit code); the plan; what is wrong with the file, or ''."""
	results: dict = field(default_factory=dict)
	plan: Optional[int] = None
	bad: str = ''


def steps_file(log_path: str, given: Optional[str] = None) -> Optional[str]:
	"""The out-of-band results of a log: GIVEN, else LOG.steps when it is
	there, else None (the exit codes are the console's)."""
	if given:
		return given
	return log_path + '.steps' if os.path.isfile(log_path + '.steps') else None


def read_oob(path: str) -> Oob:
	"""guest/init's KTAP from its second serial port: "KTAP version 1"
	first, one plan, then "ok N NAME" or "not ok N NAME # exit=RC" (RC
	not 0), each N once, none beyond the plan.  The tty's CRs are dropped."""
	oob = Oob()
	try:
		with open(path, 'rb') as f:
			raw = f.read().decode('utf-8', 'surrogateescape')
	except OSError as e:
		oob.bad = f'cannot read {rel(path)}: {e.strerror}'
		return oob
	lines = [ln for ln in raw.replace('\r', '').split('\n') if ln]
	if not lines or lines[0] != 'KTAP version 1':
		oob.bad = f'{rel(path)} does not start with "KTAP version 1"'
		return oob
	for ln in lines[1:]:
		m = OOB_RESULT.match(ln)
		if PLAN_LINE.match(ln) and oob.plan is None and not oob.results:
			oob.plan = int(ln[3:])
		elif not m:
			oob.bad = f'{rel(path)}: "{ln}" is not a step\'s result'
		elif oob.plan is None or int(m.group(2)) > oob.plan or int(m.group(2)) in oob.results:
			oob.bad = f'{rel(path)}: "{ln}" beyond its plan or again'
		elif bool(m.group(1)) != bool(m.group(5)) or m.group(5) == '0':
			oob.bad = f'{rel(path)}: "{ln}": "not ok" goes with "# exit=RC", RC not 0, and "ok" alone'
		else:
			oob.results[int(m.group(2))] = (m.group(3), m.group(5) or '0')
		if oob.bad:
			return oob
	if oob.plan is None:
		oob.bad = f'{rel(path)} has no plan'
	return oob


class Log:
	"""A console log: its lines, split at '\\n' only, as grep and sed read
	them; with the steps' results out of band (oob, a read_oob file) when
	the guest wrote them."""

	def __init__(self, path: str, oob: Optional[str] = None) -> None:
		with open(path, 'rb') as f:
			raw = f.read().decode('utf-8', 'surrogateescape')
		self.path = path
		self.lines = raw.split('\n')
		if raw.endswith('\n'):
			self.lines.pop()
		self.oob_path = oob
		self.oob = read_oob(oob) if oob else None

	def has(self, prefix: str) -> bool:
		"""A line starts with prefix."""
		return any(ln.startswith(prefix) for ln in self.lines)

	def from_first(self, prefix: str) -> List[str]:
		"""The lines from the first that starts with prefix to the end."""
		for i, ln in enumerate(self.lines):
			if ln.startswith(prefix):
				return self.lines[i:]
		return []

	def step_output(self, n: int, name: str) -> str:
		"""What step N, NAME, printed between its markers (sed's range
		/BEGIN/,/END/ with its first and last lines dropped)."""
		begin, end = f'@@STEP {n} {name} BEGIN', f'@@STEP {n} {name} END'
		out: List[str] = []
		inside = False
		for ln in self.lines:
			if inside:
				out.append(ln)
				inside = not ln.startswith(end)
			elif ln.startswith(begin):
				out.append(ln)
				inside = True
		return shell_text(out[1:-1])

	def console_rc(self, n: int, name: str, digits: bool = True) -> str:
		"""The exit code of step N's end marker on the console (each such
		line's, one a line), '' when there is none; digits: only the digits
		after rc=."""
		mark = f'@@STEP {n} {name} END rc='
		rcs = []
		for ln in self.lines:
			if ln.startswith(mark):
				rest = ln[len(mark):]
				rcs.append(re.match('[0-9]*', rest).group(0) if digits else rest)
		return shell_text(rcs)

	def ended(self, n: int, name: str) -> bool:
		"""Step N has its end marker on the console."""
		return self.has(f'@@STEP {n} {name} END')

	def end_rc(self, n: int, name: str, digits: bool = True) -> str:
		"""Step N's exit code: out of band when the guest wrote it there,
		else the console's (console_rc); '' when it did not end."""
		if self.oob is None:
			return self.console_rc(n, name, digits)
		got = self.oob.results.get(n)
		return got[1] if got and got[0] == name else ''

	def cross_check(self, n: int, name: str) -> str:
		"""What is wrong with step N's end, the console's and the one out
		of band; '' with no results out of band, or when they agree."""
		if self.oob is None:
			return ''
		where = rel(self.oob_path or '')
		if self.oob.bad:
			return f'no results out of band: {self.oob.bad}'
		got = self.oob.results.get(n)
		if got and got[0] != name:
			return f'is "{got[0]}" out of band ({where})'
		if self.ended(n, name) and not got:
			return f'ended on the console, but has no result out of band ({where})'
		if got and not self.ended(n, name):
			return f'has a result out of band, but did not end on the console ({where})'
		rc = self.console_rc(n, name)
		if got and rc and rc != got[1]:
			return f'exit {rc} on the console, but {got[1]} out of band ({where})'
		return ''


def guest_log_bad(lines: List[str]) -> str:
	"""The first sign of a kernel oops, WARN, BUG or panic in lines; ''."""
	for ln in lines:
		if LOG_BAD.search(ln):
			return ln
	return ''


# The simulation's kill and SIGBUS lines.

def judge_kill(data: Data, tree: str, line: str) -> Tuple[bool, str]:
	"""The simulation's panic or SIGBUS line judged by data/aliases: the path
	(read(2)/write(2) or an mmap() access) and the alias are read from the
	line, the expectation from the tree's row for that path.  (True,
	"<path> through a <alias> alias") when they agree, else (False, why)."""
	if '/dev/mem read(2)/write(2) through ' in line:
		path = 'read-write'
	elif '/dev/mem mmap() access through ' in line:
		path = 'mmap'
	else:
		return False, f"no /dev/mem path in the panic: {after(line, 'not syncing: ')}"
	m = ALIAS_WHAT.fullmatch(line)
	what = m.group(1) if m else ''
	if what.startswith('mmap'):
		what = 'an ' + what
	m = ALIAS_OF_WHAT.fullmatch(what)
	alias = m.group(1) if m else ''
	want = data.alias(tree, path)
	if not alias:
		return False, f"no shared or private alias in the panic: {after(line, 'not syncing: ')}"
	if want == '':
		return False, f'{what}, but data/aliases has no row for {tree} {path}'
	if want not in ('shared', 'private'):
		return False, f"data/aliases: '{want}' for {tree} {path}, not shared or private"
	if alias != want:
		return False, f'{what}, but data/aliases expects {want} for {tree} {path}'
	return True, what


def model_outcome(data: Data, tree: str, step: str) -> Tuple[bool, str]:
	"""What data/model says the simulation does to STEP's access on TREE
	(ok, killed, sigbus or refused), from the step's class and access
	(data/steps) and the tree's alias (data/aliases): (True, outcome),
	else (False, why)."""
	cls, access = data.step(step)
	if access not in ACCESS:
		return False, f"data/steps: {step} accesses no page ('{access or 'none'}')"
	family, mode = ACCESS[access]
	alias = data.alias(tree, family)
	if not alias:
		return False, f'data/aliases: no row for {tree} {family}'
	out = data.sim(cls, alias, mode)
	if not out:
		return False, f'data/model: no row for {cls}, {alias}, {mode}'
	return True, out


def judge_model(data: Data, line: str, want: str) -> Tuple[bool, str]:
	"""The simulation's kill or SIGBUS LINE names a page class, and its
	class, alias and mode give WANT in data/model: (True, class), else
	(False, why)."""
	m = ALIAS_IN_LINE.fullmatch(line)
	alias = m.group(1) if m else '?'
	cls = next((c for mark, c in CLASSES if mark in line), None)
	if cls is None:
		return False, f"no page class in: {after(line, 'cc-sim: ')}"
	mode = 'user' if '(user access at' in line else 'kernel'
	got = data.sim(cls, alias, mode)
	if got != want:
		return False, (f"{cls} through a {alias} alias from {mode} mode is "
			       f"'{got or 'no row'}' in data/model, not {want}")
	return True, cls


def kill_how(step: str, line: str) -> str:
	"""'' when the panic names the way of access the step takes
	(guest/cc-sim.patch: user or kernel access, read(2) for legacy-dd and
	the fuzzer, or generic_access_phys(), and for paths-high a page at or
	above 1 MiB), else why not."""
	if step == 'paths-kernel':
		want = '(kernel access at'
	elif step == 'paths-access':
		want = '(generic_access_phys() at'
	elif step in ('legacy-dd', 'fuzz') or step.startswith('read-'):
		want = 'read(2)/write(2) through'
	else:
		want = '(user access at'
	if want not in line:
		return f"the panic does not say '{want}'"
	m = PHYS.fullmatch(line)
	phys = m.group(1) if m else ''
	if step == 'paths-high' and (int(phys, 16) if len(phys) > 2 else 0) < 0x100000:
		return f"the panic's page {phys or '?'} is below 1 MiB"
	return ''


# The kselftest's KTAP.

class KtapError(Exception):
	"""KTAP that is not as the judge reads it: why, one line."""


@dataclass
class Result:
	"""One result of the test's KTAP: pass, fail, skip, xfail or xpass."""
	verdict: str
	name: str
	reason: str

	def __str__(self) -> str:
		return self.verdict + (f' ({self.reason})' if self.reason else '')


@dataclass
class Ktap:
	"""The test's KTAP read: its results in order, its mode lines."""
	results: List[Result] = field(default_factory=list)
	modes: List[str] = field(default_factory=list)

	def test(self, name: str) -> str:
		"""The verdict and reason of test NAME, 'missing' or 'reported N times'."""
		found = [r for r in self.results if r.name == name]
		if len(found) == 1:
			return str(found[0])
		return f'reported {len(found)} times' if found else 'missing'


def parse_ktap(text: str) -> Ktap:
	"""The kselftest's whole output, TEXT, read as KTAP.  Its first line must
	be "TAP version 13"; it must have one plan "1..N", N results numbered 1
	to N, no "Bail out!", and one "# Totals:" line whose fields, read by
	name, count the results: pass, fail (every "not ok"), xfail, xpass and
	skip, and error:0.  Raises KtapError when it does not hold.  A result
	with no name takes the one of the Nth "#  RUN" line (6.1's SKIPs)."""
	plan: Optional[int] = None
	runs: List[str] = []
	totals: Optional[dict] = None
	count: dict = {}
	ktap = Ktap()
	lines = text.split('\n')
	for nr, line in enumerate(lines, 1):
		if nr == 1 and line != 'TAP version 13':
			raise KtapError('the first line is not "TAP version 13": ' + (line or '(empty)'))
		if line.startswith('Bail out!'):
			raise KtapError(line)
		if PLAN_LINE.match(line):
			if plan is not None:
				raise KtapError('a second plan line: ' + line)
			plan = int(line[3:])
		if line.startswith('#  RUN  '):
			f = fields(line)
			runs.append(f[2] if len(f) > 2 else '')
		if MODE_LINE.match(line):
			ktap.modes.append(fields(line)[2])
		if line.startswith('# Totals: '):
			if totals is not None:
				raise KtapError('a second totals line: ' + line)
			totals = {}
			for w in fields(line)[2:]:
				k, v = w.split(':', 1)[0], w.split(':', 1)[1] if ':' in w else w
				if not re.fullmatch('[0-9]+', v) or k in totals:
					raise KtapError('totals: ' + line)
				totals[k] = int(v)
		if RESULT_LINE.match(line):
			rest = re.sub(r'^(not )?ok ', '', line, count=1)
			num = rest.split(' ', 1)[0]
			n = len(ktap.results)
			if num != str(n + 1):
				raise KtapError(f'result {num} after result {n}: {line}')
			n += 1
			rest = rest[len(num) + 1:]
			name, how = rest, ''
			if rest.startswith('# '):
				name, how = '', rest[2:]
			elif ' # ' in rest:
				name, how = rest.split(' # ', 1)
			if name == '':
				name = runs[n - 1] if n <= len(runs) else f'test {n}'
			verdict, why = ('fail' if line.startswith('not') else 'pass'), how
			if verdict == 'pass' and DIRECTIVE.match(how):
				verdict = how.split(' ', 1)[0].lower()
				why = how[len(verdict) + 1:]
			count[verdict] = count.get(verdict, 0) + 1
			ktap.results.append(Result(verdict, name, why.lstrip(' ')))
	n = len(ktap.results)
	if plan is None:
		raise KtapError('no plan line 1..N')
	if n != plan:
		raise KtapError(f'{n} results for the plan 1..{plan}')
	if totals is None:
		raise KtapError('no totals line')
	for k in ('pass', 'fail', 'xfail', 'xpass', 'skip', 'error'):
		if k not in totals:
			raise KtapError(f'totals: no {k}: field')
		if totals[k] != count.get(k, 0):
			raise KtapError(f'totals: {k}:{totals[k]}, but {count.get(k, 0)} such results')
	return ktap


@dataclass
class Runner:
	"""run_kselftest.sh's output read: its result line for the subtest, the
	test's exit code read from it, and the subtest's lines (the test's
	KTAP), each with its "# " taken off."""
	result: str
	rc: str
	inner: List[str]


def parse_runner(text: str) -> Runner:
	"""The output of run_kselftest.sh -t devmem:devmem read as the runner's
	KTAP, with the test's nested in it: "TAP version 13" first, one plan
	"1..1", no "Bail out!", one subtest header "# selftests: devmem: devmem"
	and after it one result of that name, the last line but the runner's
	totals and notes, and totals, where the runner prints them, that count
	it.  Raises KtapError when it does not hold.  The exit code is 0 for ok,
	4 for SKIP, 2 for XFAIL, N for "not ok ... # exit=N", 'timeout' for
	TIMEOUT."""
	no_header = (f'no "# {KSFT_SUBTEST}": not the output of run_kselftest.sh '
		     '-t devmem:devmem')
	plan, result, tot = '', '', None
	header = in_sub = False
	inner: List[str] = []
	for nr, line in enumerate(text.split('\n'), 1):
		if nr == 1 and line != 'TAP version 13':
			raise KtapError('the runner: the first line is not "TAP version 13": ' +
					(line or '(empty)'))
		if line.startswith('Bail out!'):
			raise KtapError('the runner: ' + line)
		if in_sub and RESULT_LINE.match(line):
			result, in_sub = line, False
			if not RUNNER_RESULT.match(line):
				raise KtapError(f'the runner: result "{result}", not the one of "{KSFT_SUBTEST}"')
			continue
		if in_sub:
			if line == '#' or line.startswith('# '):
				inner.append(line[2:])
			continue
		if PLAN_LINE.match(line):
			if plan:
				raise KtapError('the runner: a second plan line: ' + line)
			plan = line
		if line == '# ' + KSFT_SUBTEST:
			if header:
				raise KtapError(f'the runner: a second "{line}"')
			header = in_sub = True
			continue
		if RESULT_LINE.match(line):
			if not header:
				raise KtapError(no_header)
			raise KtapError('the runner: a result outside its subtest: ' + line)
		if line.startswith('# Totals: '):
			if tot is not None:
				raise KtapError('the runner: a second totals line: ' + line)
			tot = line
	if plan != '1..1':
		raise KtapError(f"the runner: plan {plan or 'none'}, not 1..1")
	if not header:
		raise KtapError(no_header)
	if not result:
		raise KtapError(f'the runner: no result for "{KSFT_SUBTEST}"')
	v = 'fail' if result.startswith('not ') else 'pass'
	how = re.sub(r'^ # ', '', re.sub(r'^(not )?ok 1 ' + re.escape(KSFT_SUBTEST), '', result, count=1), count=1)
	if v == 'pass' and how == '':
		rc = '0'
	elif v == 'pass' and how == 'SKIP':
		rc, v = '4', 'skip'
	elif v == 'pass' and how == 'XFAIL':
		rc, v = '2', 'xfail'
	elif v == 'fail' and re.fullmatch('exit=[0-9]+', how):
		rc = str(int(how[5:]))
	elif v == 'fail' and how.startswith('TIMEOUT'):
		rc = 'timeout'
	else:
		raise KtapError(f'the runner: no exit code in "{result}"')
	if tot is not None:
		want = (f"pass:{int(v == 'pass')} fail:{int(v == 'fail')} xfail:{int(v == 'xfail')} "
			f"xpass:0 skip:{int(v == 'skip')} error:0")
		if tot != '# Totals: ' + want:
			raise KtapError(f'the runner: "{tot}", not "# Totals: {want}"')
	return Runner(result, rc, inner)


def judge_ktap(want: str, text: str, rc: str) -> str:
	"""The test's own KTAP TEXT and exit code RC judged by WANT (the
	module's header); '' when they hold, else why not."""
	try:
		ktap = parse_ktap(text)
	except KtapError as e:
		return f'KTAP: {e}'
	# The shell judge held these as words of a line: so are they split.
	fails = ' '.join(r.name for r in ktap.results if r.verdict == 'fail')
	mode = ' '.join(sorted(set(ktap.modes)))
	if want == 'hole':
		other = [t for t in fails.split() if t.removeprefix('global.') not in KSFT_OPENS]
		if other:
			return 'failed: ' + ' '.join(other)
		for t in KSFT_OPENS:
			if f' global.{t} ' not in f' {fails} ':
				return f'global.{t}: {ktap.test("global." + t)}, not failed'
	elif fails:
		return 'failed: ' + fails
	if want == 'plain' and mode != 'plain':
		return f"mode: {mode or 'none said'}, not plain"
	if want in ('cc', 'hole', 'lockskip') and mode != 'confidential':
		return f"mode: {mode or 'none said'}, not confidential"
	if want in ('plain', 'cc'):
		for t in KSFT_OPENS + ([] if want == 'cc' else [KSFT_MMAP]):
			v = ktap.test('global.' + t)
			if v.split(' ', 1)[0] != 'pass':
				return f'global.{t}: {v}, not passed'
	elif want == 'lockskip':
		for t in KSFT_OPENS:
			v = ktap.test('global.' + t)
			if not fnmatch.fnmatchcase(v, 'skip (*lockdown unknown*'):
				return f'global.{t}: {v}, not skipped for an unknown lockdown'
	elif want == 'nonroot':
		bad = [f"{r.name} ({'SKIP with no reason' if r.verdict == 'skip' else r.verdict})"
		       for r in ktap.results if r.verdict != 'skip' or r.reason == '']
		if bad:
			return 'not skipped with a reason: ' + ','.join(bad).replace(',', ', ')
	both = f'{want}:{rc}'
	if any(fnmatch.fnmatchcase(both, p) for p in
	       ('plain:0', 'cc:0', 'hole:[1-9]*', 'nonroot:0', 'nonroot:4', 'lockskip:0', 'lockskip:4')):
		return ''
	if want == 'hole':
		return f'exit {rc}, not a failure'
	if want in ('nonroot', 'lockskip'):
		return f'exit {rc}, not 0 or 4 (KSFT_SKIP)'
	return f'exit {rc}'


def judge_kselftest(want: str, text: str, rc: str, runner: bool = True) -> str:
	"""judge_step for the kselftest: TEXT and RC are the runner's: its KTAP
	and exit code hold, and the test's KTAP and exit code, read from it,
	hold for WANT (judge_ktap).  Not runner (a guest with no shell, whose
	init ran the installed test directly): they are the test's own."""
	if not runner:
		return judge_ktap(want, text, rc)
	try:
		out = parse_runner(text)
	except KtapError as e:
		return f'KTAP: {e}'
	both = f'{out.result}:{rc}'
	if not (fnmatch.fnmatchcase(both, 'not ok *:[01]') or fnmatch.fnmatchcase(both, 'ok*:0')):
		return f'run_kselftest.sh exit {rc} after "{out.result}"'
	why = judge_ktap(want, shell_text(out.inner), out.rc)
	return f'{why} (the runner: {out.result})' if why else ''


KSELFTEST_EXPECTS = ('plain', 'cc', 'hole', 'nonroot', 'lockskip')
# The guest kit's outcomes (devmem_kit.py), a 'kit' step's expectations.
KIT_OUTCOMES = ('HOLE', 'EPERM', 'LOCKDOWN', 'NONROOT', 'UNKNOWN')
KIT_PREFIX = 'kit: '


def judge_kit(tree: str, path: str, n: int, want: str, text: str, rc: str) -> str:
	"""'' when the kit's log in a 'kit' step's output TEXT (step N of the
	cell's log PATH) gives the outcome WANT, else why not."""
	import devmem_kit  # (it imports this module)
	if rc != '0':
		last = text.split('\n')[-1]
		return f'the kit exited {rc}: {last}'
	kit = f'{path}.kit-{n}'
	with open(kit, 'w', encoding='utf-8', errors='surrogateescape') as f:
		for ln in text.split('\n'):
			if ln.startswith(KIT_PREFIX):
				f.write(ln[len(KIT_PREFIX):] + '\n')
	got, why = devmem_kit.judge(tree, kit)
	return '' if got == want else f'the kit says {got}: {why} ({rel(kit)})'


def judge_step(want: str, text: str, rc: str, runner: bool = True) -> str:
	"""'' when a step's output TEXT and exit code RC are as WANT expects,
	else why not.  The kselftest's expectations judge its whole output
	(judge_kselftest)."""
	last = text.split('\n')[-1]
	if want in KSELFTEST_EXPECTS:
		return judge_kselftest(want, text, rc, runner)
	if want == 'bios':
		return '' if 'BIOS Information' in text else 'no BIOS Information'
	if want in ('ok', ''):
		return '' if rc == '0' else f'exit {rc}: {last}'
	if want == 'eperm':
		if rc != '0' and 'Operation not permitted' in text:
			return ''
		return f'not refused with EPERM (exit {rc}): {last}'
	return f"unknown expectation '{want}'"


# The cell.

@dataclass
class Step:
	"""One step's part of a cell's verdict, for KTAP: its status (pass,
	fail, xfail or skip) and what was seen."""
	n: int
	name: str
	want: str
	status: str = 'skip'
	diag: str = 'not judged'


@dataclass
class Verdict:
	"""A cell's verdict (PASS, XFAIL or FAIL), its reason, and its steps
	and the log as a whole, one Step each (the log's last)."""
	status: str
	reason: str
	steps: List[Step] = field(default_factory=list)

	def line(self) -> str:
		"""The one line judge-boot prints."""
		return f'{self.status} {self.reason}'.rstrip('\n').replace('\n', ' ')

	@property
	def ok(self) -> bool:
		return self.status != 'FAIL'


def split_steps(steps: str) -> List[Tuple[str, str]]:
	"""STEPS as (name, expectation) pairs; '' for no expectation."""
	return [(w.split('=', 1)[0], w.split('=', 1)[1] if '=' in w else '') for w in steps.split()]


def judge_cell(data: Data, tree: str, path: str, steps: str, oob: Optional[str] = None) -> Verdict:
	"""The verdict on a cell's log, as the module's header says; OOB the
	steps' results out of band (steps_file finds them when not given)."""
	pairs = split_steps(steps)
	cell = [Step(i, s, w) for i, (s, w) in enumerate(pairs, 1)]
	whole = Step(len(pairs) + 1, 'log', '')
	cell.append(whole)

	def fail(why: str, at: Optional[Step] = None) -> Verdict:
		at = at or whole
		at.status, at.diag = 'fail', why
		for s in cell:
			if s.status == 'skip' and s.diag == 'not judged':
				s.diag = f'not judged: {at.name} failed'
		return Verdict('FAIL', why, cell)

	if not os.path.isfile(path):
		return fail(f'no log: {path}')
	log = Log(path, steps_file(path, oob))
	where = rel(path)
	if log.oob is not None:
		if log.oob.bad:
			return fail(f'the results out of band: {log.oob.bad}')
		if log.oob.plan != len(pairs):
			return fail(f'the results out of band: plan 1..{log.oob.plan}, '
				    f'not 1..{len(pairs)} ({rel(log.oob_path or "")})')
	# A guest with no shell for run_kselftest.sh says so (guest/init.c).
	runner = not log.has(RUNNER_NONE)
	dies: Optional[Step] = None
	seen: List[str] = []
	killed = why = sigbus = ''
	allowed: List[str] = []
	for st in cell[:-1]:
		n, s, want = st.n, st.name, st.want
		if want == 'model':
			ok, want = model_outcome(data, tree, s)
			if not ok:
				return fail(f'step {n} ({s}=model): {want}', st)
			if want == 'refused':
				return fail(f'step {n} ({s}=model): data/model has no outcome for it on {tree}', st)
		begin = f'@@STEP {n} {s} BEGIN'
		if not log.has(begin):
			return fail(f'step {n} ({s}) did not start: see {where}', st)
		if want == 'killed':
			dies = st
			seen = log.from_first(begin)
			panic = next((ln for ln in seen if KILLED in ln), None)
			late = [k for k in log.oob.results if k >= n] if log.oob else []
			if any(ln.startswith(f'@@STEP {n} {s} END') for ln in seen):
				why = f'step {n} ({s}) ended: the guest was not killed'
			elif late:
				why = f'step {min(late)} has a result out of band: the guest was not killed in step {n} ({s})'
			elif panic is None:
				why = f"step {n} ({s}) stopped without the simulation's panic: see {where}"
			else:
				ok, killed = judge_kill(data, tree, panic)
				how = kill_how(s, panic) if ok else ''
				if not ok:
					why = f'step {n} ({s}) killed: {killed}'
				elif how:
					why = f'step {n} ({s}) killed, but {how}'
				else:
					ok, m = judge_model(data, panic, 'killed')
					if not ok:
						why = f'step {n} ({s}) killed, but {m}'
					else:
						killed = f'{killed} of {m}'
			break
		text = log.step_output(n, s)
		bad = log.cross_check(n, s)
		if bad:
			return fail(f'step {n} ({s}) {bad}', st)
		# (the kernel's console may finish a line of its own after it)
		rc = log.end_rc(n, s)
		if not rc and log.oob is None and log.ended(n, s):
			return fail(f'step {n} ({s}) ended with no exit code on the console, '
				    f'and there are no results out of band ({where}.steps)', st)
		if not rc:
			return fail(f'step {n} ({s}) did not end: see {where}', st)
		if want == 'sigbus':
			# The kernel prints it as the process faults, but its console
			# may put it out later: after the step's end marker, or on that
			# marker's line.
			line = next((ln for ln in log.from_first(begin) if 'cc-sim: sigbus: ' in ln), '')
			if not line:
				bad = f'no SIGBUS from the simulation (exit {rc})'
			else:
				ok, m = judge_kill(data, tree, line)
				bad = '' if ok else m
				if not bad:
					bad = kill_how(s, line)
				if not bad:
					ok, cls = judge_model(data, line, 'sigbus')
					bad = '' if ok else cls
				if not bad and rc == '0':
					bad = 'SIGBUS, but exit 0'
			if bad:
				return fail(f'step {n} ({s}=sigbus): {bad}', st)
			sigbus = sigbus or f'SIGBUS in step {n} ({s}) by {m} of {cls}'
			st.status, st.diag = 'xfail', f'SIGBUS by {m} of {cls}'
			allowed.append(line)
			continue
		if want in KIT_OUTCOMES:
			bad = judge_kit(tree, path, n, want, text, rc)
		else:
			bad = judge_step(want, text, rc, runner)
		if bad:
			return fail(f'step {n} ({s}={want}): {bad}', st)
		st.status, st.diag = 'pass', f'exit {rc}, as expected'
		if want == 'HOLE':
			st.status, st.diag = 'xfail', "the kit's open(/dev/mem) succeeds, as expected"
		if want == 'hole':
			st.status, st.diag = 'xfail', 'the open() tests fail, as expected'
	if dies is not None:
		if why:
			return fail(why, dies)
		dies.status, dies.diag = 'xfail', f'killed by {killed}'
		for st in cell[dies.n:-1]:
			st.diag = f'not run: the guest was killed in step {dies.n}'
		# An oops, WARN or BUG before the fatal step, or in it before the
		# simulation's panic.
		mark = f'@@STEP {dies.n} '
		before = []
		for ln in log.lines:
			if ln.startswith(mark):
				break
			before.append(ln)
		bad = guest_log_bad(before)
		if bad:
			return fail(f'before the fatal step: {bad}')
		inside = []
		for ln in seen[1:]:
			if KILLED in ln:
				break
			inside.append(ln)
		bad = guest_log_bad(inside)
		if bad:
			return fail(f'in step {dies.n} ({dies.name}), before the panic: {bad}')
		whole.status, whole.diag = 'pass', 'no oops, WARN or BUG before the panic'
		return Verdict('XFAIL', f'killed in step {dies.n} by {killed}, as expected', cell)
	if not log.has('@@DONE'):
		return fail(f'the guest did not finish: see {where}')
	bad = guest_log_bad(log.lines)
	if bad:
		return fail(f'guest log: {bad}')
	bad = next((ln for ln in log.lines if 'cc-sim:' in ln and ln not in allowed), '')
	if bad:
		return fail(f"the simulation's message: {bad}")
	whole.status, whole.diag = 'pass', 'ran to @@DONE with no oops, WARN, BUG, panic or simulation message'
	if sigbus:
		return Verdict('XFAIL', f'{sigbus}, as expected', cell)
	if '=hole' in ' ' + steps:
		return Verdict('XFAIL', 'the hole: the open() tests fail, as expected', cell)
	if '=HOLE' in steps:
		return Verdict('XFAIL', "the hole: the kit's open() tests fail, as expected", cell)
	return Verdict('PASS', f'{len(pairs)} steps as expected', cell)


def ktap_name(s: str) -> str:
	"""s fit for a result line: '#' would start a directive (scripts/ktap)."""
	return s.replace('#', '?').replace('\n', ' ')


def write_ktap(verdict: Verdict, name: str) -> str:
	"""The cell's verdict as KTAP version 1 (Documentation/dev-tools/
	ktap.rst): one test, NAME, its result the verdict (XFAIL as the XFAIL
	directive), with a subtest per step, 'ok N STEP' or 'not ok N STEP',
	each after a diagnostic line saying what was seen, a step that was not
	judged or not run a SKIP, a killed or SIGBUS or hole step an XFAIL; and
	a last subtest, 'log', for the log as a whole."""
	out = ['KTAP version 1', '1..1', '    KTAP version 1', f'    # Subtest: {ktap_name(name)}',
	       f'    1..{len(verdict.steps)}']
	for s in verdict.steps:
		label = f'{s.name}={s.want}' if s.want else s.name
		out.append(f'    # {label}: {s.diag}'.replace('\n', ' '))
		if s.status == 'fail':
			out.append(f'    not ok {s.n} {ktap_name(s.name)}')
		elif s.status == 'pass':
			out.append(f'    ok {s.n} {ktap_name(s.name)}')
		else:
			out.append(f'    ok {s.n} {ktap_name(s.name)} # {s.status.upper()} {ktap_name(s.diag)}')
	reason = ktap_name(verdict.reason)
	if verdict.status == 'FAIL':
		out += [f'# {reason}', f'not ok 1 {ktap_name(name)}']
	elif verdict.status == 'XFAIL':
		out.append(f'ok 1 {ktap_name(name)} # XFAIL {reason}')
	else:
		out += [f'# {reason}', f'ok 1 {ktap_name(name)}']
	return '\n'.join(out) + '\n'


# boot's controls, with no boot.

PHRASE = {'shared': 'shared (decrypted)', 'private': 'private (encrypted)'}


def alias_control(data: Data, tree: str) -> Tuple[bool, str]:
	"""judge_kill can fail, shown on canned panic lines of each path: the
	alias data/aliases expects for the tree passes, the other one and a line
	with no alias fail.  (passed, reason)."""
	wrong = ''
	for path, how in (('read-write', 'read(2)/write(2)'), ('mmap', 'mmap() access')):
		want = data.alias(tree, path)
		if want not in PHRASE:
			return False, f'data/aliases: no shared or private row for {tree} {path}'
		other = 'private' if want == 'shared' else 'shared'
		line = f'{KILLED}: /dev/mem {how} through a %s alias at 0xf0000'
		ok, why = judge_kill(data, tree, line % PHRASE[want])
		if not ok:
			return False, f'the expected {path} alias was refused: {why}'
		ok, why = judge_kill(data, tree, line % PHRASE[other])
		if ok:
			return False, f'a wrong {path} alias passed: {why}'
		wrong = wrong or why
	ok, why = judge_kill(data, tree, f'{KILLED}: /dev/mem read(2)/write(2) through an unrecorded alias at 0xf0000')
	if ok:
		return False, f'a panic with no alias passed: {why}'
	return True, f'on canned panics of both paths the expected alias passes, the other fails: {wrong}'


def plant_not_ok(text: str, p: str) -> Tuple[Optional[str], str]:
	"""TEXT with a 'not ok' planted: its result of mmap_high_ram_eperm, else
	its first 'ok' result, turned into 'not ok N name', its SKIP dropped,
	the totals to match; each line of the test's behind P.  (the planted
	text, the new line), or (None, '') when it has no 'ok' result."""
	lines = text.split('\n')
	at = None
	for pattern in (rf'^{re.escape(p)}ok [0-9]+ global\.{KSFT_MMAP}( |$)', rf'^{re.escape(p)}ok [0-9]+( |$)'):
		at = next((i for i, ln in enumerate(lines) if re.match(pattern, ln)), None)
		if at is not None:
			break
	if at is None:
		return None, ''
	line = lines[at][len(p):]
	new = 'not ' + line.split(' #', 1)[0]
	f = 'skip' if ' # SKIP' in line else 'pass'
	out = []
	for i, ln in enumerate(lines):
		if i == at:
			out.append(p + new)
		elif ln.startswith(p + '# Totals: '):
			w = fields(ln[len(p):])
			for j in range(2, len(w)):
				kv = w[j].split(':')
				n = awk_num(kv[1]) if len(kv) > 1 else 0
				if kv[0] == f:
					w[j] = f'{f}:{n - 1}'
				elif kv[0] == 'fail':
					w[j] = f'fail:{n + 1}'
			out.append(p + ' '.join(w))
		else:
			out.append(ln)
	return shell_text(out), new


def kunit_parse(kunit: str, text: str) -> str:
	"""What the kernel's kunit.py parse says of TEXT: its 'Ran ...' lines."""
	env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1')
	try:
		out = subprocess.run([sys.executable, kunit, 'parse'], input=(text + '\n').encode('utf-8', 'surrogateescape'),
				     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, check=False).stdout
	except OSError:
		return ''
	out = re.sub(r'\x1b\[[0-9;]*m', '', out.decode('utf-8', 'surrogateescape'))
	return shell_text(re.findall('Ran .*', out))


def ktap_control(log_path: str, steps: str, runner: bool, kunit: Optional[str]) -> Tuple[bool, str]:
	"""judge_step can fail a kselftest step, shown on the real text of a
	guest's series-plain 'test' step (LOG, its cell's STEPS): as it is,
	judged plain, it passes; it fails with a 'not ok' planted in the test's
	KTAP (plant_not_ok), with a line before the test's "TAP version 13",
	with its totals of fail:1 beside xfail:0, and, where run_kselftest.sh
	ran it (runner), with the runner's result made "not ok ... # exit=1";
	there the kernel's kunit.py (KUNIT) must read the runner's output as
	one test, passed.  The test's lines are the runner's subtest, each
	behind "# "; a guest whose init has no shell ran the test alone.
	(passed, reason)."""
	at = next((i for i, (s, _) in enumerate(split_steps(steps), 1) if s == 'test'), None)
	if at is None:
		return False, 'no series-plain cell with a test step'
	if not os.path.isfile(log_path):
		return False, f'no series-plain log: {rel(log_path)}'
	log = Log(log_path, steps_file(log_path))
	p = '# ' if runner else ''
	bad = log.cross_check(at, 'test')
	if bad:
		return False, f"series-plain's step {at} (test) {bad}"
	rc = log.end_rc(at, 'test', digits=False)
	if not rc:
		return False, f"series-plain's step {at} (test) did not end: see {rel(log_path)}"
	text = log.step_output(at, 'test')
	why = judge_step('plain', text, rc, runner)
	if why:
		return False, f"series-plain's test step, as it is, was refused: {why}"

	planted, new = plant_not_ok(text, p)
	if planted is None:
		return False, "no 'ok' result in series-plain's test step to plant a 'not ok' in"
	why = judge_step('plain', planted, rc, runner)
	if not why:
		return False, f"a planted '{new}' passed"
	refused = f"'{new}' planted ({why})"

	lines = text.split('\n')
	mode = next((ln for ln in lines if ln.startswith(p + '# devmem: ')), '')
	moved, done = [], False
	for ln in lines:
		if ln == p + 'TAP version 13' and not done:
			moved.append(mode)
			done = True
		moved.append(ln)
	why = judge_step('plain', shell_text(moved), rc, runner)
	if not why:
		return False, 'a copy with its mode line before the test\'s "TAP version 13" passed'
	refused += f', a line before the version line ({why})'

	totals = [re.sub(' fail:[0-9]*', ' fail:1', ln, count=1) if ln.startswith(p + '# Totals: ') else ln
		  for ln in lines]
	why = judge_step('plain', shell_text(totals), rc, runner)
	if not why:
		return False, 'totals of fail:1 beside xfail:0 passed'
	refused += f', fail:1 beside xfail:0 ({why})'

	extra = ''
	if runner:
		# The kernel's own KTAP parser reads the runner's output as one
		# test, passed (the test's lines are its diagnostics).
		ran = kunit_parse(kunit, text) if kunit else ''
		if ran != 'Ran 1 tests: passed: 1':
			return False, (f"kunit.py parse of series-plain's test step: '{ran or 'nothing'}', "
				       "not 'Ran 1 tests: passed: 1'")
		flipped = shell_text([f'not ok 1 {KSFT_SUBTEST} # exit=1' if ln == f'ok 1 {KSFT_SUBTEST}' else ln
				      for ln in lines])
		why = judge_step('plain', flipped, rc, runner)
		if not why:
			return False, f"the runner's result made 'not ok 1 {KSFT_SUBTEST} # exit=1' passed"
		refused += f", the runner's 'not ok 1 {KSFT_SUBTEST} # exit=1' ({why})"
		extra = ", kunit.py parse reads the runner's one test, passed,"
	return True, f"series-plain's test step passes as plain{extra} and fails with {refused}"


def unmodelled(data: Data, tree: str, steps: str) -> str:
	"""The first of the steps whose expectation is 'model' that data/model
	has no outcome for on TREE (refused), and why; '' when there is none."""
	for w in steps.split():
		if w.split('=', 1)[-1] != 'model':
			continue
		name = w.split('=', 1)[0]
		ok, out = model_outcome(data, tree, name)
		if not ok:
			return f'{name}: {out}'
		if out == 'refused':
			return f'data/model has no outcome for {name} on {tree} (doc/guests.md, the model)'
	return ''


def flip_control(data: Data, tree: str, log: str, steps: str) -> Tuple[bool, str]:
	"""The control of a cell whose steps' expectations are 'model': judged
	with each such outcome flipped (killed or sigbus to ok, ok to killed),
	the log must fail.  (True, what the flip gave; '' with no such step),
	or (False, why) when the flipped cell passed."""
	flipped, anything = [], False
	for w in steps.split():
		if w.split('=', 1)[-1] == 'model':
			name = w.split('=', 1)[0]
			ok, out = model_outcome(data, tree, name)
			if not ok:
				return False, f'control: {out}'
			w = f"{name}={'killed' if out == 'ok' else 'ok'}"
			anything = True
		flipped.append(w)
	if not anything:
		return True, ''
	v = judge_cell(data, tree, log, ' '.join(flipped))
	if v.ok:
		return False, f"control: with the model's outcomes flipped ({' '.join(flipped)}) the log passed: {v.line()}"
	return True, f"control: flipped to {' '.join(flipped)}, it fails"


def say(line: str) -> None:
	"""line on stdout, the log's bytes as they were."""
	out = getattr(sys.stdout, 'buffer', None)
	if out is None:
		print(line)
		return
	sys.stdout.flush()
	out.write(line.encode('utf-8', 'surrogateescape') + b'\n')
	out.flush()


def verdict_of(ok: bool, why: str) -> int:
	"""A control's result as one line, 'PASS why' or 'FAIL why', and exit code."""
	say(f"{'PASS' if ok else 'FAIL'} {why}")
	return 0 if ok else 1


COMMANDS = {
	'alias-control': 'alias-control TREE: judge_kill on canned panics (boot\'s alias control)',
	'ktap-control': 'ktap-control LOG STEPS [--no-runner] [--kunit KUNIT]: boot\'s ktap control',
	'unmodelled': 'unmodelled TREE STEPS: why the model cannot judge the cell, or nothing',
	'flip-control': 'flip-control TREE LOG STEPS: the cell judged with its model outcomes flipped fails',
}


def main(argv: List[str]) -> int:
	prog = 'judge-boot'
	cmd = argv[0] if argv and argv[0] in COMMANDS else None
	ap = argparse.ArgumentParser(prog=f'{prog} {cmd}' if cmd else prog,
				     description=COMMANDS.get(cmd, "the verdict on one cell's console log"))
	for name in {'alias-control': ['tree'], 'ktap-control': ['log', 'steps'],
		     'unmodelled': ['tree', 'steps']}.get(cmd, ['tree', 'log', 'steps']):
		ap.add_argument(name, metavar=name.upper())
	if cmd is None:
		ap.add_argument('--ktap', metavar='FILE', help='also write the verdict there as KTAP')
		ap.add_argument('--steps', metavar='FILE', dest='oob',
				help="the steps' exit codes out of band (default: LOG.steps, when there is one)")
	if cmd == 'ktap-control':
		ap.add_argument('--no-runner', action='store_true', help='the guest ran the test with no runner')
		ap.add_argument('--kunit', help="the tree's tools/testing/kunit/kunit.py")
	args = ap.parse_args(argv[1:] if cmd else argv)
	if cmd != 'ktap-control':
		bad = check_tree(args.tree)
		if bad:
			print(f'{prog}: error: {bad}', file=sys.stderr)
			return 2
	try:
		data = Data()
	except devmem_data.DataError as e:
		say(f'FAIL {e}')
		return 1
	if cmd == 'alias-control':
		return verdict_of(*alias_control(data, args.tree))
	if cmd == 'ktap-control':
		return verdict_of(*ktap_control(args.log, args.steps, not args.no_runner, args.kunit))
	if cmd == 'unmodelled':
		why = unmodelled(data, args.tree, args.steps)
		if why:
			say(why)
		return 0
	if cmd == 'flip-control':
		ok, why = flip_control(data, args.tree, args.log, args.steps)
		if why:
			say(why)
		return 0 if ok else 1
	verdict = judge_cell(data, args.tree, args.log, args.steps, args.oob)
	say(verdict.line())
	if args.ktap:
		with open(args.ktap, 'w', encoding='utf-8', errors='surrogateescape') as f:
			f.write(write_ktap(verdict, os.path.basename(args.log).removesuffix('.log')))
	return 0 if verdict.ok else 1


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
