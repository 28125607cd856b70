# SPDX-License-Identifier: GPL-2.0
"""Results: the lines the stages record, their KTAP and their summary.

A stage records a check with 'result NAME VERDICT why' (scripts/lib/
results.sh): one line 'VERDICT NAME why' in $RESULTS.  The verdict is
PASS, FAIL, SKIP or XFAIL (a check that passes by showing the failure it
expects, counted as passed); only the verdict and the name decide, the
reason is for people.  A line with another first word is not a result.

The runner groups each run's results by the stage that recorded them and
the tree it ran for; ktap() writes them as nested KTAP
(Documentation/dev-tools/ktap.rst): a test per tree (and one for the
stages run once), a subtest per stage, a subtest per check, which the
kernel's tools/testing/kunit/kunit.py parses with the same counts as
summary().
"""

import collections

VERDICTS = ('PASS', 'FAIL', 'SKIP', 'XFAIL')

Result = collections.namedtuple('Result', 'verdict name why')


def parse_line(line):
    """A Result, or None for a line that is not one."""
    parts = line.rstrip('\n').split(' ', 2)
    if len(parts) < 2 or parts[0] not in VERDICTS or not parts[1]:
        return None
    return Result(parts[0], parts[1], parts[2] if len(parts) > 2 else '')


def read(path):
    """The results of the file at path, in order; [] when it is missing."""
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return [r for r in map(parse_line, f) if r]
    except FileNotFoundError:
        return []


def line(result):
    return f'{result.verdict} {result.name} {result.why}'.rstrip(' ') + '\n'


def counts(results):
    """passed (XFAIL included), failed, skipped."""
    c = collections.Counter(r.verdict for r in results)
    return c['PASS'] + c['XFAIL'], c['FAIL'], c['SKIP']


def summary(results):
    """The lines of the summary, and whether the run passed: the failed and
    skipped checks, how many passed by showing their expected failure,
    then 'N passed, N failed, N skipped'.  No check at all is a failure."""
    if not results:
        return ['0 passed, 1 failed, 0 skipped (no check ran)'], False
    out = [line(r).rstrip('\n') for r in sorted(
        (r for r in results if r.verdict in ('FAIL', 'SKIP')),
        key=lambda r: r.verdict)]
    xfail = sum(r.verdict == 'XFAIL' for r in results)
    if xfail:
        out.append(f'{xfail} XFAIL: passed by showing the failure they expect')
    p, f, s = counts(results)
    out.append(f'{p} passed, {f} failed, {s} skipped')
    return out, f == 0 and p > 0


def _clean(text):
    # '#' would start a directive in a name or a reason.
    return text.replace('#', '?')


def _test_line(n, ok, name, directive=''):
    return f"{'ok' if ok else 'not ok'} {n} {_clean(name)}{directive}"


def _leaf(n, r):
    why = _clean(r.why)
    if r.verdict == 'PASS':
        return [_test_line(n, True, r.name)]
    if r.verdict in ('SKIP', 'XFAIL'):
        return [_test_line(n, True, r.name, f" # {r.verdict}{' ' + why if why else ''}")]
    return [f'# {_clean(r.name)}: {why}', _test_line(n, False, r.name)]


def _node(n, name, children, depth):
    """Lines of one test with subtests, indented for depth; children: a list
    of (name, children) pairs or of Results."""
    pad = '    '
    body = ['KTAP version 1', f'# Subtest: {_clean(name)}', f'1..{len(children)}']
    failed = skipped = 0
    for i, c in enumerate(children, 1):
        if isinstance(c, Result):
            lines = _leaf(i, c)
            failed += c.verdict == 'FAIL'
            skipped += c.verdict == 'SKIP'
        else:
            lines, ok, all_skipped = _node(i, c[0], c[1], depth + 1)
            failed += not ok
            skipped += all_skipped
        body += lines
    ok = failed == 0
    all_skipped = ok and skipped == len(children)
    out = [pad + x for x in body]
    out.append(_test_line(n, ok, name, ' # SKIP' if all_skipped else ''))
    return out, ok, all_skipped


def ktap(groups):
    """Nested KTAP of groups: [(top name, [(stage name, [Result...])...])...].

    A stage with no result, and a top test with no stage left, is left
    out: KTAP has no empty test, and the counts stay the summary's."""
    tops = []
    for name, stages in groups:
        stages = [(s, rs) for s, rs in stages if rs]
        if stages:
            tops.append((name, stages))
    out = ['KTAP version 1', f'1..{len(tops)}']
    for i, (name, stages) in enumerate(tops, 1):
        out += _node(i, name, stages, 1)[0]
    return '\n'.join(out) + '\n'
