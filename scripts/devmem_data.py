# SPDX-License-Identifier: GPL-2.0
"""The tables of data/, read by the names of their header row.

Every table is tab-separated; lines starting with '#' and empty lines are
comments; the first other line names the columns.  load() reads one table
and checks it against TABLES: the columns it must have, a row as wide as
its header, and the values a column allows.  check_all() loads every
table and checks what one table says of another (a stage's needs, a
cell's steps).  Each verb of scripts/devmem.py calls check_all() first,
and the shell reads tables through 'devmem.py table' (table in
scripts/lib/tables.sh), so every reader gets the same checked rows.
"""

import os
import re

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class DataError(Exception):
    """A table that is missing, or not as TABLES says: one line, what and where."""


def _one_of(*values):
    return lambda v: v in values


def _words(check):
    return lambda v: all(check(w) for w in v.split())


CLASSES = ('ram', 'rom', 'reserved', 'absent')
_NUMBER = re.compile(r'^[0-9]+(\.[0-9]+)?$')

# Each table: its columns in order, and a check for the columns that take
# a fixed set of values.  A table may have more columns than these (the
# shell ignores what it does not ask for); it may not have fewer.
TABLES = {
    'trees': (['tree', 'package', 'version', 'suite', 'prefix'], {}),
    'stages': (['name', 'runs', 'trees', 'needs', 'make', 'main', 'command',
                'plans', 'packages', 'owns', 'borrows', 'what'],
               {'runs': _one_of('once', 'tree', 'lane'),
                'trees': _one_of('all', 'newest', 'oldest', '-')}),
    'guests': (['guest', 'arch', 'cross', 'qemu', 'console', 'image',
                'fragment', 'sim', 'init', 'packages', 'trees'],
               {'init': _one_of('busybox', 'static'),
                'trees': _one_of('all', 'newest')}),
    'arches': (['arch', 'cross', 'package', 'fails', 'trees'],
               {'fails': _one_of('yes', 'no'),
                'trees': _one_of('all', 'newest', 'none')}),
    'bench-limits': (['tree', 'size', 'ratio'],
                     {'size': _NUMBER.match, 'ratio': _NUMBER.match}),
    'aliases': (['tree', 'path', 'alias'],
                {'path': _one_of('read-write', 'mmap'),
                 'alias': _one_of('shared', 'private')}),
    'distros': (['name', 'repo', 'path', 'commit', 'version', 'DEVMEM',
                 'STRICT_DEVMEM', 'IO_STRICT_DEVMEM', 'INTEL_TDX_GUEST',
                 'AMD_MEM_ENCRYPT'],
                {c: _one_of('y', 'n', '-') for c in
                 ('DEVMEM', 'STRICT_DEVMEM', 'IO_STRICT_DEVMEM',
                  'INTEL_TDX_GUEST', 'AMD_MEM_ENCRYPT')}),
    'cells': (['cell', 'kernel', 'cmdline', 'needs', 'steps'],
              {'kernel': _one_of('series', 'base', 'rfc3')}),
    'steps': (['step', 'needs', 'class', 'access', 'signal', 'what'], {}),
    'model': (['class', 'alias', 'mode', 'tdx', 'snp', 'sim'],
              {'alias': _one_of('shared', 'private'),
               'mode': _one_of('kernel', 'user'),
               'sim': _one_of('ok', 'killed', 'sigbus', 'refused')}),
    'hosts': (['host', 'guest', 'qemu', 'min_qemu', 'parameter', 'bios',
               'cells', 'what'],
              {'min_qemu': re.compile(r'^[0-9]+\.[0-9]+$').match,
               'qemu': lambda v: v.startswith('qemu-system-'),
               'parameter': lambda v: v.startswith('/sys/module/'),
               'bios': lambda v: v.startswith('/')}),
}


def path_of(name, top=None):
    return os.path.join(top or TOP, 'data', name)


def read(path, columns=(), checks=None):
    """The rows of the table at path, as dicts by column name, in order.

    columns: the columns it must have; checks: column -> predicate."""
    where = os.path.relpath(path, TOP) if path.startswith(TOP) else path
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().split('\n')
    except OSError as e:
        raise DataError(f'{where}: cannot read: {e.strerror}') from None
    header = None
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith('#'):
            continue
        fields = line.split('\t')
        if header is None:
            header = fields
            missing = [c for c in columns if c not in header]
            if missing:
                raise DataError(f"{where}: no column '{missing[0]}'")
            continue
        if len(fields) != len(header):
            raise DataError(f'{where}: {fields[0]}: {len(fields)} columns, not {len(header)} (line {n})')
        row = dict(zip(header, fields))
        for col, ok in (checks or {}).items():
            if col in row and not ok(row[col]):
                raise DataError(f"{where}: {fields[0]}: '{row[col]}' in column {col} (line {n})")
        rows.append(row)
    if header is None:
        raise DataError(f'{where}: no header row')
    return rows


def load(name, top=None):
    """The rows of data/NAME, checked as TABLES says."""
    columns, checks = TABLES.get(name, ((), {}))
    return read(path_of(name, top), columns, checks)


def check_all(top=None):
    """Every table of TABLES loaded, and what the tables say of each other.

    Returns {name: rows}; raises DataError on the first problem."""
    t = {name: load(name, top) for name in TABLES}
    names = [s['name'] for s in t['stages']]
    for s in t['stages']:
        if s['needs'] != '-' and s['needs'] not in names[:names.index(s['name'])]:
            raise DataError(f"data/stages: {s['name']}: needs '{s['needs']}', not a stage before it")
        if (s['runs'] == 'once') != (s['trees'] == '-'):
            raise DataError(f"data/stages: {s['name']}: trees '{s['trees']}' for runs '{s['runs']}'")
    runs = {s['name']: s['runs'] for s in t['stages']}
    owners = {}
    for s in t['stages']:
        for d in s['owns'].split():
            if d != '-':
                owners.setdefault(d, []).append(s['name'])
    for d, names in owners.items():
        if len(names) > 1 and any(runs[n] != 'lane' for n in names):
            raise DataError(f"data/stages: {d} is owned by {', '.join(names)}: only stages of a tree's lane, which run one after another, may share one")
    for s in t['stages']:
        for d in s['borrows'].split():
            if d == '-':
                continue
            if d not in owners:
                raise DataError(f"data/stages: {s['name']}: borrows {d}, which no stage owns")
            if not set(owners[d]) & set(needed(t['stages'], s['name'])[1:]):
                raise DataError(f"data/stages: {s['name']}: borrows {d}, but needs none of its owners ({', '.join(owners[d])})")
    trees = [r['tree'] for r in t['trees']]
    if len(set(trees)) != len(trees) or not trees:
        raise DataError('data/trees: no tree, or one twice')
    for r in t['bench-limits'] + t['aliases']:
        if r['tree'] not in trees:
            raise DataError(f"data/bench-limits or data/aliases: unknown tree '{r['tree']}'")
    steps = {s['step'] for s in t['steps']} | {'signals', 'nonsignals'}
    arches = {g['arch'] for g in t['guests']} | {a['arch'] for a in t['arches']}
    needs = {'-', 'busybox', 'newest'} | {g['arch'] for g in t['guests']}
    for c in t['cells']:
        for w in c['needs'].split():
            if w not in needs:
                raise DataError(f"data/cells: {c['cell']}: need '{w}', unknown")
        for w in c['steps'].split():
            if w.split('=')[0] not in steps:
                raise DataError(f"data/cells: {c['cell']}: step '{w.split('=')[0]}', unknown")
    # A fake- step's signal names an architecture of data/guests or
    # data/arches (boot's 'signals' and 'nonsignals'); another step's is -.
    for s in t['steps']:
        if s['needs'] not in ('-', 'busybox'):
            raise DataError(f"data/steps: {s['step']}: need '{s['needs']}', unknown")
        if s['signal'] != '-' and (not s['step'].startswith('fake-') or s['signal'] not in arches):
            raise DataError(f"data/steps: {s['step']}: signal '{s['signal']}', unknown")
        if ((s['class'] == '-') != (s['access'] == '-') or s['class'] not in ('-',) + CLASSES
                or s['access'] not in ('-', 'read-write', 'mmap-user', 'mmap-kernel')):
            raise DataError(f"data/steps: {s['step']}: class '{s['class']}', access '{s['access']}', unknown")
    # The model: one row for each class, alias and mode.
    seen = set()
    for m in t['model']:
        k = (m['class'], m['alias'], m['mode'])
        if m['class'] not in CLASSES:
            raise DataError(f"data/model: class '{m['class']}', unknown")
        if k in seen:
            raise DataError(f"data/model: two rows for {' '.join(k)}")
        seen.add(k)
    if len(seen) != 2 * 2 * len(CLASSES):
        raise DataError(f'data/model: {len(seen)} rows, not {4 * len(CLASSES)} '
                        f'({len(CLASSES)} classes, 2 aliases, 2 modes)')
    # A host kind boots a guest of data/guests, and cells of data/cells.
    cells = {c['cell'] for c in t['cells']}
    kinds = [h['host'] for h in t['hosts']]
    for h in t['hosts']:
        if kinds.count(h['host']) > 1 or h['host'] in {g['guest'] for g in t['guests']}:
            raise DataError(f"data/hosts: {h['host']}: twice, or a guest's name")
        if h['guest'] not in {g['guest'] for g in t['guests']}:
            raise DataError(f"data/hosts: {h['host']}: guest '{h['guest']}', not a row of data/guests")
        for w in h['cells'].split():
            if w not in cells:
                raise DataError(f"data/hosts: {h['host']}: cell '{w}', not a row of data/cells")
    # A step a cell judges by the model ('model') reaches a page of a class.
    classes = {s['step']: s['class'] for s in t['steps']}
    for c in t['cells']:
        for w in c['steps'].split():
            step, _, want = w.partition('=')
            if want == 'model' and classes.get(step, '-') == '-':
                raise DataError(f'data/cells: {step}=model, but data/steps gives it no class')
    return t


def needed(stages, name):
    """The stages NAME needs, itself included, following 'needs'."""
    by = {s['name']: s for s in stages}
    out = []
    while name in by and name not in out:
        out.append(name)
        name = by[name]['needs']
    return out


def stage_packages(stages, which):
    """The Debian packages the stages named in which declare."""
    return sorted({p for s in stages if s['name'] in which
                   for p in s['packages'].split() if p != '-'})


def shell(func, *args):
    """A function of scripts/lib.sh, run: (its exit code, its output, its
    last line on stderr).  What a tree is (a checkout's tree, its data
    tree, its version) lives there once; Python asks it."""
    import subprocess
    p = subprocess.run(['bash', '-c', '. "$0" && "$@"', os.path.join(TOP, 'scripts', 'lib.sh'),
                        func, *args], capture_output=True, text=True)
    err = p.stderr.strip().splitlines()
    return p.returncode, p.stdout.strip(), err[-1] if err else ''


def header(path):
    """The column names of the table at path."""
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.strip() and not line.startswith('#'):
                return line.rstrip('\n').split('\t')
    raise DataError(f'{path}: no header row')
