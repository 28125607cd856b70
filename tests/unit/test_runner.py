# SPDX-License-Identifier: GPL-2.0
"""The runner's accounting (scripts/devmem_runner.py), on stages that are
small shell scripts: a result missing, a stage dying without a FAIL, a
stage whose need failed, all counted as FAILs."""

import io
import os
import shutil
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'scripts'))
import devmem_data as D  # noqa: E402
import devmem_results as R  # noqa: E402
import devmem_runner as runner  # noqa: E402


def row(name, needs='-', plans='-', runs='lane'):
    return {'name': name, 'runs': runs, 'trees': 'all', 'needs': needs, 'make': '-',
            'main': '-', 'command': f'{name} TREE', 'plans': plans,
            'packages': '-', 'owns': '-', 'borrows': '-', 'what': ''}


class LaneTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        os.environ['DEVMEM_BUILD'] = self.dir
        self.t = {'stages': [], 'guests': [{'guest': 'x86_64'}], 'trees': [{'tree': 't'}]}
        self.r = runner.Runner('check', os.path.join(self.dir, 'results'), self.t)
        self.r._data_tree = {'t': 't'}
        sys.stderr = io.StringIO()

    def tearDown(self):
        sys.stderr = sys.__stderr__
        del os.environ['DEVMEM_BUILD']
        shutil.rmtree(self.dir)

    def stage(self, name, body, **kw):
        """A stage whose script is body (after sourcing nothing): it records
        with 'echo VERDICT NAME why >>$RESULTS'."""
        path = os.path.join(self.dir, name)
        with open(path, 'w') as f:
            f.write('#!/bin/bash\n' + body + '\n')
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        st = runner.Stage(row(name, **kw), 't', guest='x86_64')
        st.argv[0] = path
        return st

    def lane(self, *stages):
        lane = runner.Lane(self.r, 't', list(stages))
        lane.prepare()
        self.r.lanes.append(lane)
        os.makedirs(os.path.dirname(self.r.times_file), exist_ok=True)
        return lane

    def results(self, lane):
        return {r.name: r for rs in lane.by_stage.values() for r in rs}

    def test_passing(self):
        lane = self.lane(self.stage('a', 'echo "PASS t/a/one fine" >>"$RESULTS"', plans='a/one'))
        lane.run()
        self.assertEqual(self.results(lane)['t/a/one'].verdict, 'PASS')
        self.assertEqual(lane.ran['t/a'], 0)

    def test_missing_result_fails(self):
        lane = self.lane(self.stage('a', 'exit 0', plans='a/one a/two'))
        lane.run()
        got = self.results(lane)
        self.assertEqual(got['t/a/two'].verdict, 'FAIL')
        self.assertIn('planned by t/a, not reported (t/a: exit 0)', got['t/a/two'].why)

    def test_dying_without_a_fail_fails(self):
        lane = self.lane(self.stage('a', 'echo "a: error: the disk" >&2; exit 3'))
        lane.run()
        r = self.results(lane)['t/a/exit']
        self.assertEqual(r.verdict, 'FAIL')
        self.assertEqual(r.why, 'exit 3 without a FAIL: a: error: the disk')

    def test_dying_with_a_fail_adds_none(self):
        lane = self.lane(self.stage('a', 'echo "FAIL t/a/x bad" >>"$RESULTS"; exit 1'))
        lane.run()
        self.assertNotIn('t/a/exit', self.results(lane))

    def test_need_failed_does_not_run(self):
        lane = self.lane(self.stage('a', 'exit 1'),
                         self.stage('b', 'echo "PASS t/b/one" >>"$RESULTS"', needs='a', plans='b/one'))
        lane.run()
        self.assertNotIn('t/b', lane.ran)
        lane.missing(lane.stages[1], 'did not run')
        self.assertEqual(self.results(lane)['t/b/one'].verdict, 'FAIL')

    def test_plans_of_its_own(self):
        body = 'echo "t/a t/a/late" >>"$RESULTS.plan"'
        lane = self.lane(self.stage('a', body, plans='self'))
        lane.run()
        self.assertEqual(self.results(lane)['t/a/late'].verdict, 'FAIL')

    def test_unrun(self):
        lane = self.lane()
        lane.unrun([self.stage('a', 'exit 0', plans='a/one'), self.stage('b', 'exit 0', plans='self')],
                   't/fetch failed')
        got = self.results(lane)
        self.assertEqual(sorted(got), ['t/a/one', 't/b'])
        self.assertTrue(all(r.verdict == 'FAIL' and 'did not run: t/fetch failed' in r.why
                            for r in got.values()))

    def test_times(self):
        lane = self.lane(self.stage('a', 'exit 0'))
        lane.run()
        with open(self.r.times_file) as f:
            key, secs, rc, cpu = f.read().split('\t')
        self.assertEqual((key, rc), ('t/a', '0'))


class SelectionTest(unittest.TestCase):
    """The stages of the repository's own table, by selection."""

    def setUp(self):
        self.t = D.check_all()
        self.r = runner.Runner('x', os.devnull, self.t, main=True)
        self.r._data_tree = {'7.3': '7.3', '6.1': '6.1'}

    def test_main_job(self):
        got = [s.name for runs in ('tree', 'lane') for s in self.r.stages(runs, '7.3')]
        self.assertEqual(got, ['fetch', 'data', 'apply', 'build', 'boot'])
        build = next(s for s in self.r.stages('lane', '7.3') if s.name == 'build')
        self.assertEqual(build.argv[1:], ['7.3', 'series', self.t['guests'][0]['guest']])

    def test_trees_column(self):
        self.r.main = False
        newest = {s.name for s in self.r.stages('lane', '7.3')}
        oldest = {s.name for s in self.r.stages('lane', '6.1')}
        self.assertIn('distcc', newest - oldest)
        self.assertIn('standin', oldest - newest)


if __name__ == '__main__':
    unittest.main()
