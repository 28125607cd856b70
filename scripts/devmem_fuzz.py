#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What scripts/fuzz decides about the fuzzer's traces, with no boot.

A trace is the fuzzer's lines of a boot's log (guest/fuzz.c), one
operation a line: 'fuzz N OP SLOT ... -> RESULT'.  scripts/fuzz boots the
guests and keeps the traces; this module compares and judges them:

  maps LOG_A LOG_B        the /proc/iomem regions the fuzzer of boot A
                          saw and B's did not, or the other way (< A,
                          > B), four at most, on one line; nothing when
                          they saw the same map
  ops TRACE               how many operations it finished
  compare TRACE_A TRACE_B exit 0 when the traces are the same; else exit
                          1 and print the number of the first operation
                          that differs
  depends TRACE N         N and the operations it depends on, comma
                          separated: for all but an open, the last open
                          of its file's slot before it; for an munmap,
                          the last mmap into its mapping's slot, and that
                          one's open
  differ DIR A B N        why the traces DIR/A.trace and DIR/B.trace (base
                          and series) differ at operation N: their two
                          lines, and the maps of DIR/A.log and DIR/B.log
                          when they saw other ones
  refused TRACE SEED      exit 0 when every open of a confidential guest
                          was refused with EPERM (and there was one),
                          printing so; else exit 1, printing why not
  mutant VERDICT DIR M MUTANT...
                          the plain judgment of the mutant M, whose boot
                          judge-boot gave VERDICT, from the traces and
                          logs in DIR: exit 0 and why when it is caught,
                          1 and why when it fails (its trace is that of a
                          mutant of MUTANT... booted before it, or its
                          fuzzer saw another map than the series'), 3
                          when the plain traces do not tell it from the
                          series (a confidential boot may)
"""

import difflib
import re
import sys

DONE = re.compile(r'-> (-1 E[A-Z0-9]+|-?[0-9]+)$')
OPEN = re.compile(r'^fuzz [0-9]* open ')
EPERM = re.compile(r'-> -1 EPERM$')


def _lines(path):
    with open(path, encoding='utf-8', errors='surrogateescape') as f:
        text = f.read()
    out = text.split('\n')
    if out[-1] == '':
        out.pop()
    return out


def diff_lines(a, b):
    """The lines of a not in b as '< LINE' and of b not in a as '> LINE',
    in the order a diff of the two prints them."""
    out = []
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != 'equal':
            out += ['< ' + x for x in a[i1:i2]] + ['> ' + x for x in b[j1:j2]]
    return out


def maps(log_a, log_b):
    """The iomem lines the two boots' fuzzers saw otherwise, four at most."""
    def iomem(lines):
        return [x for x in lines if x.startswith('fuzz: iomem ')]
    return diff_lines(iomem(log_a), iomem(log_b))[:4]


def done_ops(trace):
    """How many operations the trace finished (their result is there)."""
    return sum(1 for x in trace if DONE.search(x))


def first_diff(a, b):
    """The number of the first operation whose line differs (the word
    'fuzz' left out), None when the traces are the same; past the end of
    a when the lines' difference is not one of an operation."""
    if a == b:
        return None

    def rest(x):
        return x.split(' ', 1)[1] if ' ' in x else x
    d = diff_lines([rest(x) for x in a], [rest(x) for x in b])
    if d and len(d[0].split()) > 1:
        return d[0].split()[1]
    return str(len(a) + 1)


def _num(s):
    try:
        return float(s)
    except ValueError:
        return None


def depends(trace, n):
    """N and the operations it depends on, sorted (see the module's help)."""
    rows = [x.split() for x in trace]
    op, slot, at = None, None, 0
    for i, f in enumerate(rows, 1):
        if len(f) > 1 and (f[1] == n or (_num(f[1]) is not None and _num(f[1]) == _num(n))):
            op, slot, at = f[2] if len(f) > 2 else '', f[3] if len(f) > 3 else '', i
    out = [n]
    if op != 'open':
        want = 'mmap' if op == 'munmap' else 'open'
        for f in reversed(rows[:max(at - 1, 0)]):
            f = f + [''] * 6
            if f[2] != want or (f[3] if want == 'open' else f[4]) != slot:
                continue
            out.append(f[1])
            if want == 'open':
                break
            want, slot = 'open', f[3]
    return sorted(out, key=lambda s: (_num(s) or 0))


def operation(trace, n):
    """The line of operation N after 'fuzz N ', or ''."""
    for x in trace:
        if x.startswith(f'fuzz {n} '):
            return x.split(' ', 2)[2]
    return ''


def difference(a, b, name_a, name_b, n):
    return f'operation {n}: {name_a} "{operation(a, n)}", {name_b} "{operation(b, n)}"'


def differ(d, name_a, name_b, n):
    """Why base and series differ at operation N; see the module's help."""
    a, b = _lines(f'{d}/{name_a}.trace'), _lines(f'{d}/{name_b}.trace')
    why = 'the traces differ at ' + difference(a, b, name_a, name_b, n)
    # The sequence follows /proc/iomem: two kernels that saw other maps
    # draw other operations from the start.
    m = ' '.join(maps(_lines(f'{d}/{name_a}.log'), _lines(f'{d}/{name_b}.log')))
    if m:
        why += f'; the two saw other /proc/iomem (< base, > series): {m}'
    return why


def refused(trace, seed):
    """(ok, text): every open refused with EPERM, at least one."""
    opens = [x for x in trace if OPEN.search(x)]
    n_refused = sum(1 for x in opens if re.search(r'^fuzz [0-9]* open .* -> -1 EPERM$', x))
    if not opens or len(opens) != n_refused:
        first = opens[0] if opens and not EPERM.search(opens[0]) else ''
        return False, (f'{len(opens) - n_refused} of {len(opens)} opens were not '
                       f'refused with EPERM: {first}')
    return True, (f'{done_ops(trace)} operations of seed {seed}, all {len(opens)} '
                  'opens refused with EPERM, the guest lived')


def _read(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return None


def mutant(verdict, d, m, mutants):
    """(code, why) of the mutant M in a plain guest; see the module's help."""
    mine = _read(f'{d}/mutant-{m}-plain.trace')
    # A kernel that behaves as a mutant's booted before it, operation for
    # operation, is not trusted to be this one.
    for other in mutants[:mutants.index(m) if m in mutants else len(mutants)]:
        theirs = _read(f'{d}/mutant-{other}-plain.trace')
        if mine is not None and theirs == mine:
            return 1, f"its trace is mutant-{other}'s, operation for operation: a stale kernel?"
    if verdict.split(' ', 1)[0] == 'FAIL':
        return 0, 'caught: in a plain guest, ' + (verdict[5:] if verdict.startswith('FAIL ') else verdict)
    series, plain = f'{d}/series-plain', f'{d}/mutant-{m}-plain'
    other = ' '.join(maps(_lines(series + '.log'), _lines(plain + '.log')))
    if other:
        return 1, (f"its fuzzer saw another /proc/iomem than the series' in three boots "
                   f'({other}): the traces cannot be compared')
    if _read(series + '.trace') != mine:
        a, b = _lines(series + '.trace'), _lines(plain + '.trace')
        n = first_diff(a, b) or str(len(a) + 1)
        return 0, (f'caught by the plain comparison after {n} operations: '
                   + difference(a, b, 'series-plain', f'mutant-{m}-plain', n))
    return 3, ''


def main(argv):
    verb, args = (argv[0], argv[1:]) if argv else ('', [])
    if verb == 'maps' and len(args) == 2:
        print(' '.join(maps(_lines(args[0]), _lines(args[1]))))
    elif verb == 'ops' and len(args) == 1:
        print(done_ops(_lines(args[0])))
    elif verb == 'compare' and len(args) == 2:
        with open(args[0], 'rb') as fa, open(args[1], 'rb') as fb:
            if fa.read() == fb.read():
                return 0
        n = first_diff(_lines(args[0]), _lines(args[1]))
        print(n if n is not None else len(_lines(args[0])) + 1)
        return 1
    elif verb == 'depends' and len(args) == 2:
        print(','.join(depends(_lines(args[0]), args[1])))
    elif verb == 'differ' and len(args) == 4:
        print(differ(*args))
    elif verb == 'refused' and len(args) == 2:
        ok, text = refused(_lines(args[0]), args[1])
        print(text)
        return 0 if ok else 1
    elif verb == 'mutant' and len(args) >= 3:
        code, why = mutant(args[0], args[1], args[2], args[3:])
        if why:
            print(why)
        return code
    else:
        sys.stderr.write('usage: devmem_fuzz.py maps LOG_A LOG_B | ops TRACE | '
                         'compare TRACE_A TRACE_B | depends TRACE N | '
                         'differ DIR A B N | refused TRACE SEED | '
                         'mutant VERDICT DIR M MUTANT...\n')
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
