# SPDX-License-Identifier: GPL-2.0
"""The runner: the stages of data/stages, run and counted.

'make check' selects every stage for every tree, 'make' the main job's
(the column main), 'make STAGE' one stage after those it needs; all get
the same accounting:
 - the data checked first (devmem_data.check_all);
 - each stage's results planned before it runs (its plans column, or what
   'scripts/COMMAND --list TREE' prints, or what it plans itself);
 - a planned result missing when the stage ends is a FAIL, and one of a
   stage that never ran is a FAIL saying why;
 - a stage that exits non-zero without recording a FAIL gets one,
   STAGE/exit, with its last error line;
 - each stage's wall and CPU time in build/NAME.times;
 - the results as nested KTAP in build/NAME.ktap, then the summary.

For each tree the 'tree' stages run in turn, and a failure stops the
tree; its 'lane' stages then run in a lane of their own, beside the next
tree's 'tree' stages and the other lanes (a tree spends much of its time
in one thread: QEMU, git, a download); the stages run once have a lane
too.  CHECK_LANES=1 runs the lanes one after another.
"""

import os
import resource
import subprocess
import sys
import threading
import time

import devmem_data
import devmem_results as R

TOP = devmem_data.TOP
SCRIPTS = os.path.join(TOP, 'scripts')


def shell(func, *args):
    """The output of a function of scripts/lib.sh, or None when it fails."""
    rc, out, err = devmem_data.shell(func, *args)
    if rc:
        sys.stderr.write(err + '\n')
        return None
    return out


class Stage:
    """One row of data/stages, for one tree (None for a stage run once)."""

    def __init__(self, row, tree, main=False, guest=None):
        self.row = row
        self.name = row['name']
        self.tree = tree
        self.key = f'{tree}/{self.name}' if tree else self.name
        words = (row['main'] if main else row['command']).split()
        self.argv = [{'TREE': tree, 'GUEST': guest}.get(w, w) or w for w in words]
        self.argv[0] = os.path.join(SCRIPTS, self.argv[0])

    def planned(self):
        """The results it must record, known before it runs."""
        plans = self.row['plans']
        if plans in ('-', 'self'):
            return []
        if plans != 'list':
            return [f'{self.tree}/{n}' if self.tree else n for n in plans.split()]
        p = subprocess.run([self.argv[0], '--list', self.tree or ''],
                           capture_output=True, text=True)
        if p.returncode:
            last = (p.stderr.strip().splitlines() or [f'exit {p.returncode}'])[-1]
            raise RuntimeError(f'{self.key}: its --list failed: {last}')
        return p.stdout.split()


class Lane:
    """Stages run one after another, with their own results file, plan and
    log; a thread when run beside others."""

    def __init__(self, runner, name, stages):
        self.runner = runner
        self.name = name
        self.stages = stages
        self.dir = os.path.join(runner.build, name)
        self.results = os.path.join(self.dir, f'{os.path.basename(runner.name)}.results')
        self.plan = self.results + '.plan'
        self.log = None
        self.ran = {}           # key -> exit code
        self.by_stage = {}      # key -> [Result]
        self.stopped = ''

    def record(self, verdict, name, why, stage):
        r = R.Result(verdict, name, why)
        with open(self.results, 'a', encoding='utf-8') as f:
            f.write(R.line(r))
        self.by_stage.setdefault(stage, []).append(r)
        self.runner.progress(f'[{self.runner.elapsed()}] {verdict:<5} {name} ({why})', self.log)

    def plan_of(self, key):
        seen = []
        try:
            with open(self.plan, encoding='utf-8') as f:
                for line in f:
                    k, _, n = line.strip().partition(' ')
                    if k == key and n and n not in seen:
                        seen.append(n)
        except FileNotFoundError:
            pass
        return seen

    def missing(self, st, how):
        got = {r.name for rs in self.by_stage.values() for r in rs}
        for n in self.plan_of(st.key):
            if n not in got:
                self.record('FAIL', n, f'planned by {st.key}, not reported ({st.key}: {how})', st.key)

    def run_stage(self, st):
        r = self.runner
        t0 = time.time()
        before = len(R.read(self.results))
        r.progress(f'== {st.key}', self.log, both=True)
        env = dict(os.environ, STAGE=st.key, RESULTS=self.results)
        err_lines = []
        p = subprocess.Popen(st.argv, env=env, stdout=self.log or None,
                             stderr=subprocess.PIPE, text=True, errors='replace',
                             preexec_fn=self.niceness())
        for line in p.stderr:
            (self.log or sys.stderr).write(line)
            (self.log or sys.stderr).flush()
            err_lines.append(line)
            del err_lines[:-50]
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        rc = p.returncode
        cpu = int(usage.ru_utime + usage.ru_stime)
        secs = int(time.time() - t0)
        self.ran[st.key] = rc
        new = R.read(self.results)[before:]
        self.by_stage.setdefault(st.key, []).extend(new)
        r.times(st.key, secs, rc, cpu)
        r.progress(f"== {st.key}: {secs}s, CPU {cpu}s{f', exit {rc}' if rc else ''}",
                   self.log, both=True)
        if rc and not any(x.verdict == 'FAIL' for x in new):
            why = [x.strip() for x in err_lines if 'error: ' in x]
            self.record('FAIL', f'{st.key}/exit', f"exit {rc} without a FAIL{': ' + why[-1] if why else ''}", st.key)
        self.missing(st, f'exit {rc}')
        return rc

    def niceness(self):
        """Beside the trees' lanes, the stages run once (the harness's
        tests: quick, and the first verdict a change gets) go first: the
        trees' lane stages run at nice DEVMEM_LANE_NICE (5)."""
        n = int(os.environ.get('DEVMEM_LANE_NICE', '5'))
        if not self.runner.lanes_beside or self.name == 'once' or self.name.endswith('.tree') or not n:
            return None
        return lambda: os.nice(n)

    def prepare(self):
        os.makedirs(self.dir, exist_ok=True)
        for f in (self.results, self.plan):
            open(f, 'w').close()

    def write_plan(self, st):
        with open(self.plan, 'a', encoding='utf-8') as f:
            for n in st.planned():
                f.write(f'{st.key} {n}\n')

    def run(self, stop_on_failure=False, to_log=False):
        """Each stage whose need passed; returns False at the first failure
        when stop_on_failure."""
        if to_log:
            self.log = open(os.path.join(self.dir, f'{os.path.basename(self.runner.name)}.log'), 'w', encoding='utf-8')
        try:
            for st in self.stages:
                try:
                    self.write_plan(st)
                except RuntimeError as e:
                    self.record('FAIL', f'{st.key}/plan', str(e), st.key)
                need = st.row['needs']
                if need != '-':
                    nk = f'{st.tree}/{need}' if st.tree else need
                    if self.runner.exit_of(nk) != 0:
                        self.stopped = self.stopped or f'{nk} did not pass'
                        continue
                rc = self.run_stage(st)
                if rc and stop_on_failure:
                    self.stopped = f'{st.key} failed'
                    return False
            return True
        finally:
            if self.log:
                self.log.close()

    def unrun(self, stages, why):
        """The results of stages that will not run, planned and failed."""
        for st in stages:
            try:
                names = st.planned() or ([st.key] if st.row['plans'] == 'self' else [])
            except RuntimeError as e:
                names = [f'{st.key}/plan']
                why = f'{why}; {e}'
            for n in names:
                self.record('FAIL', n, f'planned by {st.key}, not reported ({st.key}: did not run: {why})', st.key)


class Runner:
    """One selection of stages, run and counted under build/NAME.*."""

    def __init__(self, name, results, tables, main=False, lanes=True):
        self.name = name
        self.results = results
        self.t = tables
        self.main = main
        self.lanes_beside = lanes and os.environ.get('CHECK_LANES', '0') != '1'
        self.build = os.environ.get('DEVMEM_BUILD', os.path.join(TOP, 'build'))
        self.t0 = int(os.environ.get('T0') or time.time())
        self.lock = threading.Lock()
        self.times_file = os.path.join(self.build, f'{name}.times')
        self.lanes = []
        self.guest = tables['guests'][0]['guest']

    def elapsed(self):
        s = int(time.time()) - self.t0
        return f'{s // 60:02d}:{s % 60:02d}'

    def progress(self, text, log=None, both=False):
        with self.lock:
            if log:
                log.write(text + '\n')
                log.flush()
            if not log or both:
                sys.stderr.write(text + '\n')
                sys.stderr.flush()

    def times(self, key, secs, rc, cpu):
        with self.lock, open(self.times_file, 'a', encoding='utf-8') as f:
            f.write(f'{key}\t{secs}\t{rc}\t{cpu}\n')

    def exit_of(self, key):
        for lane in self.lanes:
            if key in lane.ran:
                return lane.ran[key]
        return None

    def stages(self, runs, tree, only=None):
        out = []
        for row in self.t['stages']:
            if row['runs'] != runs or (only is not None and row['name'] not in only):
                continue
            if self.main and row['main'] == '-':
                continue
            if tree and only is None and not self.tree_in(tree, row['trees']):
                continue
            out.append(Stage(row, tree, self.main, self.guest))
        return out

    def tree_in(self, tree, which):
        if which == 'all':
            return True
        trees = [r['tree'] for r in self.t['trees']]
        data = self._data_tree.get(tree) or tree
        return {'newest': trees[0], 'oldest': trees[-1]}.get(which) == data

    def run(self, trees, only=None):
        """Run the selection for trees; only: stage names (with the stages
        they need), or None for every stage of the selection."""
        self._data_tree = {t: shell('data_tree', t) or t for t in trees}
        os.makedirs(os.path.dirname(self.times_file), exist_ok=True)
        open(self.times_file, 'w').close()
        once = Lane(self, 'once', self.stages('once', None, only))
        threads = []

        def start(lane, **kw):
            lane.prepare()
            self.lanes.append(lane)
            if not lane.stages:
                return
            if self.lanes_beside:
                th = threading.Thread(target=lane.run, kwargs=dict(to_log=True, **kw))
                th.start()
                threads.append(th)
            else:
                lane.run(**kw)

        for tree in trees:
            first = Lane(self, tree + '.tree', self.stages('tree', tree, only))
            first.prepare()
            self.lanes.append(first)
            ok = first.run(stop_on_failure=True)
            if once not in self.lanes:
                start(once)
            lane = Lane(self, tree, self.stages('lane', tree, only))
            if not ok:
                lane.prepare()
                self.lanes.append(lane)
                lane.unrun(lane.stages, first.stopped)
                continue
            start(lane)
        if once not in self.lanes:
            start(once)
        for th in threads:
            th.join()
        for lane in self.lanes:
            if lane.log:
                sys.stderr.write(f'\n==== {lane.name}\n')
                with open(lane.log.name, encoding='utf-8', errors='replace') as f:
                    sys.stderr.write(f.read())
        for lane in self.lanes:
            for st in lane.stages:
                if st.key not in lane.ran and lane.plan_of(st.key):
                    lane.missing(st, f'did not run: {lane.stopped or "its need did not pass"}')
        return self.finish(trees)

    def groups(self):
        """[(top, [(stage, results)])]: the stages run once first, then each
        tree's 'tree' and 'lane' stages."""
        out = [('once', []), ] + [(t, []) for t in self.trees]
        index = {name: stages for name, stages in out}
        for lane in self.lanes:
            for key, rs in lane.by_stage.items():
                top, _, stage = key.rpartition('/')
                index.get(top or 'once', index['once']).append((stage or key, rs))
        return out

    def finish(self, trees):
        self.trees = trees
        all_results = []
        with open(self.results, 'w', encoding='utf-8') as out:
            for _, stages in self.groups():
                for _, rs in stages:
                    for r in rs:
                        out.write(R.line(r))
                        all_results.append(r)
        with open(self.results + '.plan', 'w', encoding='utf-8') as out:
            for lane in self.lanes:
                try:
                    with open(lane.plan, encoding='utf-8') as f:
                        out.write(f.read())
                except FileNotFoundError:
                    pass
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(self.times_file, 'a', encoding='utf-8') as f:
            f.write(f'total\t{int(time.time()) - self.t0}\t-\t{int(usage.ru_utime + usage.ru_stime)}\n')
            f.write(f'cores\t{os.cpu_count()}\t-\t-\n')
        sys.stderr.write('\n')
        sys.stderr.flush()
        subprocess.run([os.path.join(SCRIPTS, 'timetable'), self.times_file])
        with open(os.path.join(self.build, f'{self.name}.ktap'), 'w', encoding='utf-8') as f:
            f.write(R.ktap(self.groups()))
        for tree in trees:
            pkg = shell('tree_field', tree, 'package') or '?'
            v = shell('base_version', tree)
            print(f'results for {tree}: {pkg} {v or "(not fetched)"}')
        lines, ok = R.summary(all_results)
        print('\n'.join(lines[:-1]))
        print(f'total time {self.elapsed()}')
        print(lines[-1])
        return ok
