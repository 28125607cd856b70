# SPDX-License-Identifier: GPL-2.0
"""scripts/devmem_fuzz.py: the fuzzer's traces compared and judged, on
small canned traces (lines of real 7.3 x86_64 traces, some changed)."""

import contextlib
import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))
import devmem_fuzz as f  # noqa: E402

SERIES = """fuzz 1 lseek 1 0x5fee3000 0 -> -1 EBADF
fuzz 2 open 2 mem r -> 0
fuzz 3 open 1 mem w -> 0
fuzz 4 mmap 2 3 0x1ffdf000 0x1000 r-x private -> -1 EPERM
fuzz 5 mmap 1 0 0xfebff000 0x4000 -w- shared -> 0
fuzz 6 pread 2 0x4321b0df 0x3000 -> -1 EBADF
fuzz 7 open 1 mem r -> 0
fuzz 8 munmap 0 -> 0
fuzz 9 lseek 1 0x93dd1d54 0 -> 2480741716""".split('\n')
# Operation 8 differs: the munmap of the mapping operation 5 made.
MUTANT = SERIES[:7] + ['fuzz 8 munmap 0 -> -1 EINVAL'] + SERIES[8:]
CC = """fuzz 1 lseek 1 0x5fee3000 0 -> -1 EBADF
fuzz 2 open 2 mem r -> -1 EPERM
fuzz 3 open 1 mem w -> -1 EPERM
fuzz 4 pread 2 0xf1fff 0x4000 ->Kernel panic - not syncing: cc-sim: guest killed""".split('\n')
LOG = ['@@STEP 1 fuzz BEGIN', 'fuzz: iomem 0-fff Reserved', 'fuzz: iomem 1000-9fbff System RAM',
       'fuzz: iomem ca000-ca5ff Adapter ROM', 'fuzz: iomem f0000-fffff Reserved']


def write(d, name, lines):
    with open(os.path.join(d, name), 'w') as out:
        out.write(''.join(x + '\n' for x in lines))


class Traces(unittest.TestCase):
    def test_same(self):
        self.assertIsNone(f.first_diff(SERIES, list(SERIES)))
        self.assertEqual(f.maps(LOG, list(LOG)), [])

    def test_must_fail_differing_operation(self):
        self.assertEqual(f.first_diff(SERIES, MUTANT), '8')
        self.assertEqual(f.first_diff(SERIES, SERIES[:5]), '6')

    def test_must_fail_other_map(self):
        self.assertEqual(f.maps(LOG, LOG[:3] + LOG[4:]), ['< fuzz: iomem ca000-ca5ff Adapter ROM'])

    def test_done(self):
        self.assertEqual(f.done_ops(SERIES), 9)
        self.assertEqual(f.done_ops(CC), 3)

    def test_depends(self):
        self.assertEqual(f.depends(SERIES, '8'), ['3', '5', '8'])
        self.assertEqual(f.depends(SERIES, '6'), ['2', '6'])
        self.assertEqual(f.depends(SERIES, '7'), ['7'])

    def test_must_fail_depends_not_an_earlier_open(self):
        self.assertNotIn('3', f.depends(SERIES, '9'))
        self.assertEqual(f.depends(SERIES, '9'), ['7', '9'])

    def test_difference(self):
        self.assertEqual(f.difference(SERIES, MUTANT, 'a', 'b', '8'),
                         'operation 8: a "munmap 0 -> 0", b "munmap 0 -> -1 EINVAL"')


class Refused(unittest.TestCase):
    def test_all_refused(self):
        ok, why = f.refused(CC, '7')
        self.assertTrue(ok)
        self.assertEqual(why, '3 operations of seed 7, all 2 opens refused with EPERM, the guest lived')

    def test_must_fail_an_open_allowed(self):
        ok, why = f.refused(SERIES, '7')
        self.assertFalse(ok)
        self.assertTrue(why.startswith('3 of 3 opens were not refused with EPERM: fuzz 2 open'))

    def test_must_fail_no_open(self):
        self.assertFalse(f.refused(SERIES[:1], '7')[0])


class Mutant(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        write(self.d, 'series-plain.trace', SERIES)
        write(self.d, 'series-plain.log', LOG)
        write(self.d, 'mutant-a-plain.log', LOG)
        write(self.d, 'mutant-b-plain.log', LOG)

    def tearDown(self):
        self.tmp.cleanup()

    def test_caught_by_the_traces(self):
        write(self.d, 'mutant-a-plain.trace', MUTANT)
        code, why = f.mutant('PASS mutant-a-plain: ok', self.d, 'a', ['a', 'b'])
        self.assertEqual(code, 0)
        self.assertTrue(why.startswith('caught by the plain comparison after 8 operations: operation 8:'))

    def test_caught_by_the_judge(self):
        write(self.d, 'mutant-a-plain.trace', SERIES)
        self.assertEqual(f.mutant('FAIL mutant-a-plain: oops', self.d, 'a', ['a']),
                         (0, 'caught: in a plain guest, mutant-a-plain: oops'))

    def test_must_fail_stale_twin(self):
        write(self.d, 'mutant-a-plain.trace', MUTANT)
        write(self.d, 'mutant-b-plain.trace', MUTANT)
        code, why = f.mutant('PASS', self.d, 'b', ['a', 'b'])
        self.assertEqual(code, 1)
        self.assertIn("mutant-a's", why)

    def test_must_fail_other_map(self):
        write(self.d, 'mutant-a-plain.trace', MUTANT)
        write(self.d, 'mutant-a-plain.log', LOG[:2])
        self.assertEqual(f.mutant('PASS', self.d, 'a', ['a'])[0], 1)

    def test_undecided_same_traces(self):
        write(self.d, 'mutant-a-plain.trace', SERIES)
        self.assertEqual(f.mutant('PASS', self.d, 'a', ['a']), (3, ''))

    def test_differ(self):
        write(self.d, 'mutant-a-plain.trace', MUTANT)
        write(self.d, 'mutant-a-plain.log', LOG[:2])
        why = f.differ(self.d, 'series-plain', 'mutant-a-plain', '8')
        self.assertTrue(why.startswith('the traces differ at operation 8: series-plain "munmap 0 -> 0"'))
        self.assertIn('the two saw other /proc/iomem (< base, > series): < fuzz: iomem 1000-9fbff', why)

    def test_cli(self):
        write(self.d, 'mutant-a-plain.trace', MUTANT)
        a, b = (os.path.join(self.d, n) for n in ('series-plain.trace', 'mutant-a-plain.trace'))
        with contextlib.redirect_stdout(io.StringIO()) as out:
            self.assertEqual(f.main(['compare', a, a]), 0)
            self.assertEqual(f.main(['compare', a, b]), 1)
        self.assertEqual(out.getvalue(), '8\n')
        with contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(f.main(['nonsense']), 2)


if __name__ == '__main__':
    unittest.main()
