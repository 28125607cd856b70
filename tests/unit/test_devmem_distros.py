# SPDX-License-Identifier: GPL-2.0
"""scripts/devmem_distros.py: the rows, the losses, the table, the forms
and the doc checks of scripts/distros."""

import contextlib
import io
import os
import shutil
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'scripts'))
import devmem_distros as d  # noqa: E402

HEADER = ('name\trepo\tpath\tcommit\tversion\tDEVMEM\tSTRICT_DEVMEM\t'
          'IO_STRICT_DEVMEM\tINTEL_TDX_GUEST\tAMD_MEM_ENCRYPT\n')
# Two rows share a combination; one keeps /dev/mem strict.
ROWS = [('one', 'y y n y y'), ('two', 'y y y y y'), ('three', 'y y n y y')]


def values(*combos):
    """The values of each (combo, tdx, sev, extra...) as parse_values reads
    them: extra, 'SYM=VALUE' lines."""
    lines = []
    for c, tdx, sev, *extra in combos:
        lines += [f'{c}\tINTEL_TDX_GUEST={tdx}'] if tdx != 'n' else []
        lines += [f'{c}\tAMD_MEM_ENCRYPT={sev}'] if sev != 'n' else []
        lines += [f'{c}\t{e}' for e in extra]
    return d.parse_values('\n'.join(lines) + '\n')


BASE = values(('y y n y y', 'y', 'y'), ('y y y y y', 'y', 'y'))
SERIES = values(('y y n y y', 'n', 'n'), ('y y y y y', 'y', 'y'))


class Rows(unittest.TestCase):
    def setUp(self):
        self.top = tempfile.mkdtemp()
        os.mkdir(os.path.join(self.top, 'data'))

    def tearDown(self):
        shutil.rmtree(self.top)

    def write(self, rows):
        with open(os.path.join(self.top, 'data', 'distros'), 'w', encoding='utf-8') as f:
            f.write('# a comment\n' + HEADER)
            for n, c in rows:
                f.write('\t'.join([n, 'r', 'p', 'c', 'v'] + c.split()) + '\n')

    def test_combos_distinct_sorted(self):
        self.write(ROWS + [('four', '- y - n y')])
        t = d.rows(self.top)
        self.assertEqual(d.combos(t), ['- y - n y', 'y y n y y', 'y y y y y'])
        self.assertEqual(d.rows_of(t, 'y y n y y'), ['one', 'three'])

    def test_syms_verb(self):
        # the shell's order of a combination's values: the columns of
        # data/distros, in their order
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            self.assertEqual(d.main(['syms']), 0)
        with open(os.path.join(TOP, 'data', 'distros'), encoding='utf-8') as f:
            header = next(ln for ln in f if not ln.startswith('#')).split()
        syms = buf.getvalue().split()
        self.assertEqual(syms, [c for c in header if c in syms])
        self.assertEqual(len(syms), 5)

    def test_must_fail_a_value_not_y_n_or_dash(self):
        self.write([('one', 'y m n y y')])
        with self.assertRaisesRegex(d.Error, "one: 'm' in column STRICT_DEVMEM"):
            d.rows(self.top)

    def test_must_fail_no_row(self):
        self.write([])
        with self.assertRaisesRegex(d.Error, 'no row'):
            d.rows(self.top)

    def test_must_fail_a_missing_column(self):
        with open(os.path.join(self.top, 'data', 'distros'), 'w', encoding='utf-8') as f:
            f.write('name\tDEVMEM\none\ty\n')
        with self.assertRaises(d.Error):
            d.rows(self.top)


class Judgments(unittest.TestCase):
    def test_lost(self):
        self.assertEqual(d.lost(ROWS, BASE, SERIES), ['one', 'three'])

    def test_must_fail_nothing_lost(self):
        self.assertEqual(d.lost(ROWS, BASE, BASE), [])

    def test_judge(self):
        v = {'guest-base': BASE, 'guest-stable': BASE, 'guest-series': SERIES}
        self.assertEqual([(r[0], r[1]) for r in d.judge(ROWS, v, 'p.patch')],
                         [('PASS', 'stable'), ('PASS', 'control')])
        self.assertIn('on all 3 configurations (p.patch)', d.judge(ROWS, v, 'p.patch')[0][2])

    def test_must_fail_stable_loses_and_control_finds_nothing(self):
        v = {'guest-base': BASE, 'guest-stable': SERIES, 'guest-series': BASE}
        r = d.judge(ROWS, v, 'p.patch')
        self.assertEqual([(x[0], x[1]) for x in r], [('FAIL', 'stable'), ('FAIL', 'control')])
        self.assertTrue(r[0][2].endswith('off in: one three'))

    def test_base_keeps(self):
        d.base_keeps(ROWS, BASE, 'guest')

    def test_must_fail_base_loses_a_row(self):
        with self.assertRaisesRegex(d.Error, "'y y n y y' over the guest configuration"):
            d.base_keeps(ROWS, SERIES, 'guest')

    def test_changes(self):
        base = values(('y y y y y', 'y', 'y', 'A=y', 'B=1'))
        form = values(('y y y y y', 'n', 'y', 'B=2', 'C=y'))
        self.assertEqual(d.changes(base, form), [
            'y y y y y\tchanged\tB=1->2', 'y y y y y\toff\tA',
            'y y y y y\toff\tINTEL_TDX_GUEST', 'y y y y y\ton\tC'])

    def test_must_fail_no_change(self):
        self.assertEqual(d.changes(BASE, BASE), [])


class Text(unittest.TestCase):
    def test_fold_as_fold_s(self):
        # fold -s -w 10: a word that would end at the width moves on,
        # but the last one may end there; a word too long is cut.
        self.assertEqual(d.fold('aaaa bbbb ccc', 10), ['aaaa bbbb ', 'ccc'])
        self.assertEqual(d.fold('aaaa bbbbb', 10), ['aaaa bbbbb'])
        self.assertEqual(d.fold('aaaa bbbbb c', 10), ['aaaa ', 'bbbbb c'])
        self.assertEqual(d.fold('abcdefghijkl', 10), ['abcdefghij', 'kl'])

    def test_must_fail_wrap_past_72(self):
        lines = d.wrap('    ', ['word%02d' % i for i in range(40)])
        self.assertTrue(all(len(ln) <= 72 for ln in lines))
        self.assertNotEqual(len(lines), 1)

    def test_table(self):
        self.assertEqual(d.table_text(ROWS, BASE, SERIES), d.HEAD_LINE + '\n' + (
            '  y      y             n                y -> n          y -> n\n'
            '      one three\n'
            '  y      y             y                y               y\n'
            '      two\n'))

    def test_forms(self):
        base = values(('y y n y y', 'y', 'y', 'A=y'), ('y y y y y', 'y', 'y'))
        changed = {'series': d.changes(base, values(('y y n y y', 'n', 'n'), ('y y y y y', 'y', 'y'))),
                   'select': d.changes(base, values(('y y n y y', 'y', 'y', 'A=y', 'IO_STRICT_DEVMEM=y'),
                                                    ('y y y y y', 'y', 'y')))}
        text = d.forms_text(ROWS, base, changed)
        self.assertEqual(text, d.HEAD_LINE + '\n' + (
            '  y      y             n                y               y\n'
            '    one three\n'
            '    a, depends on: 3 off, 0 on\n'
            '      off:\n'
            '        A AMD_MEM_ENCRYPT INTEL_TDX_GUEST\n'
            '    b, select: 0 off, 1 on\n'
            '      on:\n'
            '        IO_STRICT_DEVMEM\n'
            '  y      y             y                y               y\n'
            '    two\n'
            '    a, depends on: 0 off, 0 on\n'
            '    b, select: 0 off, 0 on\n'))
        self.assertIn(': 4 off, 0 on', d.forms_control(text))
        self.assertNotEqual(d.forms_control(text), text)


DOC = """# Distributions

### 7.3, 6.12 and 6.1

```
### not a heading
TABLE
```

### 6.6

```
OTHER
```
"""


class Doc(unittest.TestCase):
    def test_section_names_the_tree(self):
        for t in ('7.3', '6.12', '6.1'):
            self.assertIn('TABLE', d.section(DOC, t))
        self.assertNotIn('OTHER', d.section(DOC, '6.1'))

    def test_must_fail_no_heading(self):
        self.assertIsNone(d.section(DOC, '6.11'))
        self.assertIsNone(d.section(DOC, '6'))

    def test_table_control_changes_a_value(self):
        t = d.HEAD_LINE + '\n  y y n y -> n y\n'
        self.assertEqual(d.table_control(t), d.HEAD_LINE + '\n  y y n y      y\n')
        t = d.HEAD_LINE + '\n  y y n y y\n'
        self.assertEqual(d.table_control(t), t)

    def test_doc_check(self):
        sec = d.section(DOC, '6.1')
        r = d.doc_check('table', '6.1', '6.1', sec, 'TABLE\n', 'TABLX\n', 'what')
        self.assertEqual([(x[0], x[1]) for x in r], [('PASS', 'table'), ('PASS', 'table-control')])

    def test_must_fail_not_in_doc_and_control_found(self):
        sec = d.section(DOC, '6.1')
        r = d.doc_check('table', '6.1', '6.1', sec, 'OTHER\n', 'TABLE\n', 'what')
        self.assertEqual([(x[0], x[1]) for x in r], [('FAIL', 'table'), ('FAIL', 'table-control')])
        r = d.doc_check('table', '6.1', '6.1', sec, 'TABLE\n', 'TABLE\n', 'what')
        self.assertEqual(r[1][0], 'FAIL')
        r = d.doc_check('forms', '6.1', '6.1', None, 'TABLE\n', 'TABLX\n', 'what')
        self.assertEqual(r[0][:2], ('FAIL', 'forms'))
        self.assertIn("no '### 6.1' heading", r[0][2])


if __name__ == '__main__':
    unittest.main()
