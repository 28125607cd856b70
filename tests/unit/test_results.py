# SPDX-License-Identifier: GPL-2.0
"""Results, their KTAP and their summary (scripts/devmem_results.py)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'scripts'))
import devmem_results as R  # noqa: E402

CANNED = """PASS 7.3/lint/checkpatch/0001 clean
XFAIL 7.3/boot/x86_64/base-cc killed in step 1, as expected
SKIP 7.3/cross/mips not built here
FAIL 7.3/bench/1024MiB ratio 0.9 # over 0.65
not a result line
MAYBE 7.3/odd an unknown verdict is no result
"""


class ParseTest(unittest.TestCase):
    def test_lines(self):
        rs = [r for r in map(R.parse_line, CANNED.splitlines()) if r]
        self.assertEqual([r.verdict for r in rs], ['PASS', 'XFAIL', 'SKIP', 'FAIL'])
        self.assertEqual(rs[3].why, 'ratio 0.9 # over 0.65')

    def test_not_results(self):
        for line in ('', 'PASS', 'pass x/y', 'MAYBE x/y why'):
            self.assertIsNone(R.parse_line(line), line)


class SummaryTest(unittest.TestCase):
    def rs(self, *verdicts):
        return [R.Result(v, f'x/{i}', '') for i, v in enumerate(verdicts)]

    def test_xfail_counts_as_passed(self):
        lines, ok = R.summary(self.rs('PASS', 'XFAIL', 'SKIP'))
        self.assertTrue(ok)
        self.assertEqual(lines[-1], '2 passed, 0 failed, 1 skipped')
        self.assertIn('1 XFAIL: passed by showing the failure they expect', lines)

    def test_a_fail_fails(self):
        lines, ok = R.summary(self.rs('PASS', 'FAIL'))
        self.assertFalse(ok)
        self.assertEqual(lines[0], 'FAIL x/1')

    def test_nothing_ran_fails(self):
        self.assertFalse(R.summary([])[1])
        self.assertFalse(R.summary(self.rs('SKIP'))[1])


class KtapTest(unittest.TestCase):
    groups = [('once', [('harness', [R.Result('PASS', 'harness/a', '')])]),
              ('7.3', [('fetch', []),
                       ('boot', [R.Result('XFAIL', '7.3/boot/x/base-cc', 'killed #1'),
                                 R.Result('SKIP', '7.3/boot/x/rfc3', 'not here')]),
                       ('bench', [R.Result('FAIL', '7.3/bench/1', 'slow')])]),
              ('6.1', [('fetch', [])])]

    def test_nested(self):
        k = R.ktap(self.groups).splitlines()
        self.assertEqual(k[:2], ['KTAP version 1', '1..2'])
        self.assertIn('        ok 1 7.3/boot/x/base-cc # XFAIL killed ?1', k)
        self.assertIn('        # 7.3/bench/1: slow', k)
        self.assertIn('        not ok 1 7.3/bench/1', k)
        self.assertIn('    not ok 2 bench', k)
        self.assertIn('    ok 1 boot', k)
        self.assertEqual(k[-1], 'not ok 2 7.3')
        # A stage or tree with no result is left out: the plans match.
        self.assertNotIn('    # Subtest: fetch', k)
        self.assertNotIn('# Subtest: 6.1', [x.strip() for x in k])

    def test_all_skipped_is_a_skip(self):
        k = R.ktap([('t', [('s', [R.Result('SKIP', 'a', 'why')])])]).splitlines()
        self.assertEqual(k[-1], 'ok 1 t # SKIP')
        self.assertIn('    ok 1 s # SKIP', k)

    def test_plans_count_children(self):
        k = R.ktap(self.groups).splitlines()
        i = k.index('    # Subtest: 7.3')
        self.assertEqual(k[i + 1], '    1..2')


if __name__ == '__main__':
    unittest.main()
