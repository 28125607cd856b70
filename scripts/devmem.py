#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""devmem.py: the harness's one entry point, as kunit.py is the KUnit tool's.

  devmem.py check [TREE...]     every stage for every tree (make check)
  devmem.py main TREE           the main job (make): the stages of the
                                column main, for TREE
  devmem.py run TREE STAGE...   the stages named and those they need
                                (make STAGE), for TREE ('-' for a stage
                                run once)
  devmem.py list [TREE...]      the results make check plans, KEY NAME a line
  devmem.py parse RESULTS       a saved results file as nested KTAP
  devmem.py summary [RESULTS]   its summary; exits 1 when a check failed
  devmem.py unit                the unit tests of tests/unit, as results
  devmem.py data                check every table of data/
  devmem.py table FILE COL...   the named columns of a table, for the shell
  devmem.py targets             make's targets: TARGET:PREREQUISITE:STAGE
  devmem.py packages main|check the Debian packages a selection needs

Each verb that runs or plans checks the data first.  Bad input: one line
on stderr, exit 2.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devmem_data as D      # noqa: E402
import devmem_results as R   # noqa: E402

# The shell reads every table through 'table': the runner, argparse and
# unittest are imported only by the verbs that need them.
devmem_runner = None

BUILD = os.environ.get('DEVMEM_BUILD', os.path.join(D.TOP, 'build'))
RESULTS = os.environ.get('RESULTS', os.path.join(BUILD, 'results'))


def fail(msg):
    sys.stderr.write(f'devmem.py: error: {msg}\n')
    sys.exit(2)


def tables(results=None):
    """Every table, checked.  A run (results: its file) that cannot start
    on its data still ends as every run does: a FAIL, 'data', and the
    summary line; another verb says why in one line, exit 2."""
    try:
        return D.check_all()
    except D.DataError as e:
        if not results:
            fail(str(e))
        os.makedirs(os.path.dirname(results), exist_ok=True)
        r = R.Result('FAIL', 'data', str(e))
        with open(results, 'w', encoding='utf-8') as f:
            f.write(R.line(r))
        sys.stderr.write(f'devmem.py: error: {e}\n')
        print('\n'.join(R.summary([r])[0]))
        sys.exit(1)


def known_trees(t, trees):
    names = [r['tree'] for r in t['trees']]
    for tree in trees:
        if tree not in names and devmem_runner.shell('check_tree', tree) is None:
            fail(f"unknown tree '{tree}' (known: {' '.join(names)})")


def closure(t, names):
    """The stages named and those they need, in the table's order."""
    known = [s['name'] for s in t['stages']]
    for n in names:
        if n not in known:
            fail(f"no stage '{n}' in data/stages (known: {' '.join(known)})")
    want = {x for n in names for x in D.needed(t['stages'], n)}
    return [n for n in known if n in want]


def cmd_check(a):
    t = tables(RESULTS)
    trees = a.trees or [r['tree'] for r in t['trees']]
    known_trees(t, trees)
    if devmem_runner.shell('need_run_space', str(len(trees))) is None:
        sys.exit(1)
    r = devmem_runner.Runner('check', RESULTS, t)
    sys.exit(0 if r.run(trees) else 1)


def cmd_main(a):
    t = tables(os.path.join(BUILD, 'main.results'))
    known_trees(t, [a.tree])
    r = devmem_runner.Runner('main', os.path.join(BUILD, 'main.results'), t, main=True)
    sys.exit(0 if r.run([a.tree]) else 1)


def cmd_run(a):
    t = tables(os.path.join(BUILD, a.tree, '-'.join(a.stages) + '.results'))
    only = closure(t, a.stages)
    once = [s['name'] for s in t['stages'] if s['runs'] == 'once']
    trees = [] if a.tree == '-' or all(n in once for n in only) else [a.tree]
    known_trees(t, trees)
    name = '-'.join(a.stages)
    where = os.path.join(BUILD, *(trees[:1]), name)
    r = devmem_runner.Runner(where[len(BUILD) + 1:], where + '.results', t, lanes=False)
    sys.exit(0 if r.run(trees, only=set(only)) else 1)


def cmd_list(a):
    t = tables()
    trees = a.trees or [r['tree'] for r in t['trees']]
    known_trees(t, trees)
    r = devmem_runner.Runner('list', os.devnull, t)
    r._data_tree = {x: devmem_runner.shell('data_tree', x) or x for x in trees}
    rc = 0
    for tree, runs in [(None, 'once')] + [(x, w) for x in trees for w in ('tree', 'lane')]:
        for st in r.stages(runs, tree):
            try:
                for n in st.planned():
                    print(st.key, n)
            except RuntimeError as e:
                sys.stderr.write(f'{e}\n')
                rc = 1
            if st.row['plans'] == 'self':
                print(st.key, f'({st.key} plans its own)')
    sys.exit(rc)


def cmd_parse(a):
    rs = R.read(a.results)
    if not rs:
        fail(f'no results in {a.results}')
    sys.stdout.write(R.ktap([('results', [('all', rs)])]))


def cmd_summary(a):
    lines, ok = R.summary(R.read(a.results or RESULTS))
    print('\n'.join(lines))
    sys.exit(0 if ok else 1)


def cmd_unit(a):
    """The unit tests, each recorded as a result unit/MODULE/TEST."""
    import unittest
    here = os.path.join(D.TOP, 'tests', 'unit')
    suite = unittest.defaultTestLoader.discover(here, top_level_dir=here)

    def ids(s):
        for x in s:
            yield from (ids(x) if isinstance(x, unittest.TestSuite) else [x.id()])
    # Named before the run: a suite lets go of its tests as they end.
    names = list(ids(suite))
    if not names:
        with open(RESULTS, 'a', encoding='utf-8') as f:
            f.write(R.line(R.Result('FAIL', 'unit', f'no unit test found in {here}')))
        sys.exit(1)
    res = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(suite)
    bad = {t.id(): (v, why) for v, lst in (('FAIL', res.failures), ('FAIL', res.errors),
                                            ('SKIP', res.skipped)) for t, why in lst}
    with open(RESULTS, 'a', encoding='utf-8') as f:
        for i in names:
            v, why = bad.get(i, ('PASS', ''))
            why = why.strip().splitlines()[-1] if why else 'passed'
            name = 'unit/' + i.replace('.', '/')
            f.write(R.line(R.Result(v, name, why)))
    sys.exit(0 if res.wasSuccessful() else 1)


def cmd_data(a):
    t = tables()
    print(f"data: {len(t)} tables checked: {', '.join(t)}")


def cmd_table(a):
    path = a.file if os.path.isabs(a.file) else os.path.join(D.TOP, a.file)
    name = os.path.basename(path)
    cols, checks = D.TABLES.get(name, ((), {})) if os.path.dirname(path).endswith('data') else ((), {})
    try:
        rows = D.read(path, cols, checks)
        header = D.header(path)
    except D.DataError as e:
        sys.stderr.write(f'table: error: {e}\n')
        sys.exit(1)
    for c in a.columns:
        if c not in header:
            sys.stderr.write(f"table: error: {os.path.relpath(path, D.TOP)}: no column '{c}'\n")
            sys.exit(3)
    for row in rows:
        print('\t'.join(row[c] for c in a.columns))


def cmd_targets(a):
    st = tables()['stages']
    need = {s['name']: s['needs'] for s in st}
    target = {s['name']: s['make'] for s in st}
    for s in st:
        if s['make'] == '-':
            continue
        p = s['needs']
        while p not in ('-', '') and target[p] == '-':
            p = need[p]
        print(f"{s['make']}:{'deps' if p in ('-', '') else target[p]}:{s['name']}")


def cmd_packages(a):
    t = tables()
    which = {s['name'] for s in t['stages'] if a.selection == 'check' or s['main'] != '-'}
    out = set()
    for s in t['stages']:
        if s['name'] not in which:
            continue
        for p in s['packages'].split():
            if p == '(guests)':
                out.update(w for g in t['guests'] for w in g['packages'].split())
            elif p == '(arches)':
                out.update(r['package'] for r in t['arches'] if r['trees'] != 'none')
            elif p != '-':
                out.add(p)
    print('\n'.join(sorted(out)))


def main(argv):
    global devmem_runner
    if argv[:1] == ['table'] and len(argv) > 1:
        a = type('Args', (), {'file': argv[1], 'columns': argv[2:]})
        return cmd_table(a)
    import argparse
    import devmem_runner as runner
    devmem_runner = runner
    ap = argparse.ArgumentParser(prog='devmem.py', description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='verb', required=True)
    p = sub.add_parser('check')
    p.add_argument('trees', nargs='*')
    p.set_defaults(f=cmd_check)
    p = sub.add_parser('main')
    p.add_argument('tree')
    p.set_defaults(f=cmd_main)
    p = sub.add_parser('run')
    p.add_argument('tree')
    p.add_argument('stages', nargs='+')
    p.set_defaults(f=cmd_run)
    p = sub.add_parser('list')
    p.add_argument('trees', nargs='*')
    p.set_defaults(f=cmd_list)
    p = sub.add_parser('parse')
    p.add_argument('results')
    p.set_defaults(f=cmd_parse)
    p = sub.add_parser('summary')
    p.add_argument('results', nargs='?')
    p.set_defaults(f=cmd_summary)
    sub.add_parser('unit').set_defaults(f=cmd_unit)
    sub.add_parser('data').set_defaults(f=cmd_data)
    p = sub.add_parser('table')
    p.add_argument('file')
    p.add_argument('columns', nargs='*')
    p.set_defaults(f=cmd_table)
    sub.add_parser('targets').set_defaults(f=cmd_targets)
    p = sub.add_parser('packages')
    p.add_argument('selection', choices=('main', 'check'))
    p.set_defaults(f=cmd_packages)
    a = ap.parse_args(argv)
    a.f(a)


if __name__ == '__main__':
    main(sys.argv[1:])
