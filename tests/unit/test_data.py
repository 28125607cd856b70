# SPDX-License-Identifier: GPL-2.0
"""The tables of data/ and their loader (scripts/devmem_data.py)."""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'scripts'))
import devmem_data as D  # noqa: E402


class TablesTest(unittest.TestCase):
    """The repository's own tables pass; each planted fault is refused with
    one line naming the table."""

    def setUp(self):
        self.top = tempfile.mkdtemp()
        shutil.copytree(os.path.join(D.TOP, 'data'), os.path.join(self.top, 'data'))

    def tearDown(self):
        shutil.rmtree(self.top)

    def edit(self, name, old, new):
        p = os.path.join(self.top, 'data', name)
        with open(p, encoding='utf-8') as f:
            s = f.read()
        self.assertIn(old, s)
        with open(p, 'w', encoding='utf-8') as f:
            f.write(s.replace(old, new, 1))

    def refused(self, text):
        with self.assertRaises(D.DataError) as e:
            D.check_all(self.top)
        self.assertIn(text, str(e.exception))

    def test_ours_pass(self):
        t = D.check_all(self.top)
        self.assertEqual(t['trees'][0]['tree'], '7.3')
        self.assertIn('boot', [s['name'] for s in t['stages']])

    def test_missing_column(self):
        self.edit('guests', '\ttrees\n', '\tkinds\n')
        self.refused("data/guests: no column 'trees'")

    def test_short_row(self):
        self.edit('aliases', '7.3\tmmap\tprivate', '7.3\tmmap')
        self.refused('2 columns, not 3')

    def test_bad_value(self):
        self.edit('aliases', '7.3\tmmap\tprivate', '7.3\tmmap\tboth')
        self.refused("'both' in column alias")

    def test_need_after(self):
        self.edit('stages', 'apply\tlane\tall\tfetch', 'apply\tlane\tall\tboot')
        self.refused("apply: needs 'boot', not a stage before it")

    def test_borrow_without_need(self):
        self.edit('stages', 'lint\tlane\tall\tapply', 'lint\tlane\tall\tfetch')
        self.refused('lint: borrows src, but needs none of its owners (apply)')

    def test_shared_outside_a_lane(self):
        self.edit('stages', 'unit\tonce\t-\t-\tunit\t-\tdevmem.py unit\tself\tpython3\t-',
                  'unit\tonce\t-\t-\tunit\t-\tdevmem.py unit\tself\tpython3\tsrc')
        self.refused('src is owned by unit, apply')

    def test_unknown_step(self):
        self.edit('cells', 'test=plain user=nonroot', 'test=plain usr=nonroot')
        self.refused("step 'usr', unknown")

    def test_unknown_signal(self):
        self.edit('steps', '\tarm64\t', '\tarm65\t')
        self.refused("signal 'arm65', unknown")

    def test_model_complete(self):
        self.edit('model', 'ram\tprivate\tkernel\t', '#ram\tprivate\tkernel\t')
        self.refused('data/model: 15 rows, not 16')


class ReadTest(unittest.TestCase):
    def test_comments_and_header(self):
        with tempfile.NamedTemporaryFile('w', delete=False) as f:
            f.write('# a comment\n\na\tb\n1\t2\n# another\n3\t4\n')
        try:
            self.assertEqual(D.read(f.name, ['b']), [{'a': '1', 'b': '2'}, {'a': '3', 'b': '4'}])
            with self.assertRaises(D.DataError):
                D.read(f.name, ['c'])
        finally:
            os.unlink(f.name)


if __name__ == '__main__':
    unittest.main()
