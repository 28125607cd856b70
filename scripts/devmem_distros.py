#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What scripts/distros decides: the distribution rows, what each variant
does to them, the table and forms it shows, and whether doc/distros.md
shows them.  The shell runs git and olddefconfig; each verb here reads
files and prints:

  syms                    the five options (SYMS), in their order, on one
                          line: the order of a combination's values
  combos                  each distinct combination of a row's five
                          values (SYMS) in data/distros, one a line,
                          sorted; an error when a value is not y, n or -
  report TREE DTREE OUT TREEDIR STABLE
                          from OUT/START-VARIANT.values (what evaluate in
                          scripts/distros wrote), writes TREEDIR/
                          distros.table and, with the debian start,
                          TREEDIR/distros.forms, and prints the stage's
                          results, 'VERDICT NAME why' a line.  DTREE: the
                          tree whose heading in doc/distros.md is read;
                          STABLE: the stable-bound patches, for a reason.
                          An error when the base loses what a row has.

An error is one line on stderr and exit 1.
"""

import os
import re
import sys
import time

import devmem_data

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYMS = ('DEVMEM', 'STRICT_DEVMEM', 'IO_STRICT_DEVMEM', 'INTEL_TDX_GUEST', 'AMD_MEM_ENCRYPT')
# The forms: the variant of each, and its name in build/TREE/distros.forms.
FORMS = (('series', 'a, depends on'), ('select', 'b, select'))
KINDS = ('off', 'on', 'changed')
LINE = '  %-6s %-13s %-16s %-15s %s'
HEAD_LINE = LINE % SYMS


class Error(Exception):
    """Why the stage cannot go on: one line."""


# The rows.

def rows(top=None):
    """(name, combo) of each row of data/distros, in order; combo: the
    five values, space separated."""
    try:
        table = devmem_data.load('distros', top)
    except devmem_data.DataError as e:
        raise Error(str(e)) from None
    out = []
    for r in table:
        for s in SYMS:
            if r[s] not in ('y', 'n', '-'):
                raise Error(f"distros: {r['name']}: {r[s]}: every value must be y, n or -")
        if not re.fullmatch(r'\S+', r['name']):
            raise Error(f"distros: '{r['name']}': a name is one word")
        out.append((r['name'], ' '.join(r[s] for s in SYMS)))
    if not out:
        raise Error('distros: no row')
    return out


def combos(table):
    return sorted({c for _, c in table})


def rows_of(table, combo):
    return [n for n, c in table if c == combo]


# What olddefconfig made: OUT/START-VARIANT.values, 'COMBO<tab>SYM=VALUE'
# lines, the options set.

def parse_values(text):
    """{combo: {symbol: value}}."""
    out = {}
    for line in text.split('\n'):
        if not line:
            continue
        combo, _, sv = line.partition('\t')
        sym, _, val = sv.partition('=')
        out.setdefault(combo, {})[sym] = val
    return out


def answer(values, combo):
    """(TDX, SEV): the guest support of combo, 'n' when not set."""
    v = values.get(combo, {})
    return v.get('INTEL_TDX_GUEST') or 'n', v.get('AMD_MEM_ENCRYPT') or 'n'


def lost(table, a, b):
    """The rows whose TDX or SEV guest support is y with the values a and
    not with b, in the order of their combinations, then of the data."""
    out = []
    for c in combos(table):
        x, y = answer(a, c), answer(b, c)
        if (x[0] == 'y' and y[0] != 'y') or (x[1] == 'y' and y[1] != 'y'):
            out += rows_of(table, c)
    return out


def base_keeps(table, base, start):
    """Raise unless the base keeps on what each row has on: else the
    configuration lacks something the row's options need, and the row
    tells nothing."""
    for c in combos(table):
        tdx, sev = c.split()[3:]
        a, b = answer(base, c)
        if (tdx == 'y' and a != 'y') or (sev == 'y' and b != 'y'):
            raise Error(f"with the base, olddefconfig of '{c}' over the {start} "
                        'configuration does not keep what the row has')


def changes(base, form):
    """What form's values set otherwise than base's: sorted lines
    'COMBO<tab>off|on|changed<tab>SYMBOL' ('changed': set with both, to
    another value; SYMBOL=OLD->NEW)."""
    out = []
    for c in set(base) | set(form):
        b, f = base.get(c, {}), form.get(c, {})
        for s, v in b.items():
            if s not in f:
                out.append(f'{c}\toff\t{s}')
            elif f[s] != v:
                out.append(f'{c}\tchanged\t{s}={v}->{f[s]}')
        out += [f'{c}\ton\t{s}' for s in f if s not in b]
    return sorted(out)


# The text: fold -s, and the table and the forms.

def fold(text, width):
    """The lines of 'fold -s -w WIDTH' of one line of text: broken after
    the last blank before the column that would pass width, or at width
    when there is none."""
    out, buf = [], ''
    for ch in text:
        while len(buf) + 1 > width:
            i = max(buf.rfind(' '), buf.rfind('\t'))
            if i < 0:
                out.append(buf)
                buf = ''
                break
            out.append(buf[:i + 1])
            buf = buf[i + 1:]
        buf += ch
    return out + [buf]


def wrap(indent, words):
    """The words wrapped at 72 columns with indent, a line each."""
    return [indent + line.rstrip(' ')
            for line in fold(' '.join(words), 72 - len(indent))]


def show(a, b):
    return a if a == b else f'{a} -> {b}'


def table_text(table, base, series):
    """One line per outcome (the three devmem values, then TDX and SEV
    guest support with the base and, where it differs, with the series),
    then the rows that have it, wrapped."""
    pairs = []
    for c in combos(table):
        d, s, i = c.split()[:3]
        (a, b), (x, y) = answer(base, c), answer(series, c)
        line = LINE % (d, s, i, show(a, x), show(b, y))
        pairs += [(line, n) for n in rows_of(table, c)]
    pairs.sort()
    out = [HEAD_LINE]
    for line in dict.fromkeys(p[0] for p in pairs):
        out.append(line)
        out += wrap('      ', [n for ln, n in pairs if ln == line])
    return '\n'.join(out) + '\n'


def form_block(combo, changed):
    """An outcome's lines below its values: for each form the count of
    options turned off and on (and changed, if any) and their names."""
    out = []
    for f, name in FORMS:
        mine = [ln.split('\t') for ln in changed[f] if ln.split('\t')[0] == combo]
        counts = []
        for k in KINDS:
            n = sum(1 for m in mine if m[1] == k)
            if k != 'changed' or n:
                counts.append(f'{n} {k}')
        out.append(f'    {name}: ' + ', '.join(counts))
        for k in KINDS:
            names = [m[2] for m in mine if m[1] == k]
            if names:
                out.append(f'      {k}:')
                out += wrap('        ', names)
    return out


def forms_text(table, base, changed):
    """Per outcome (the three devmem values and TDX and SEV guest support
    with the base, and what each form changes), the rows, then the block
    of form_block."""
    keyed = []
    for c in combos(table):
        d, s, i = c.split()[:3]
        line = LINE % ((d, s, i) + answer(base, c))
        block = tuple(form_block(c, changed))
        # Sorted as the shell sorted it: each line ended by a \037.
        key = ''.join(b + '\x1f' for b in block)
        keyed += [(line, key, n, block) for n in rows_of(table, c)]
    keyed.sort()
    out = [HEAD_LINE]
    for key in dict.fromkeys((k[0], k[1]) for k in keyed):
        out.append(key[0])
        out += wrap('    ', [k[2] for k in keyed if (k[0], k[1]) == key])
        out += next(k[3] for k in keyed if (k[0], k[1]) == key)
    return '\n'.join(out) + '\n'


# The doc and its controls.

def section(doc, tree):
    """The text of doc under each '### ' heading that names tree (tree
    names, separated by ', ' or ' and '), each to the next heading; None
    without one.  Headings inside ``` fences do not count."""
    text, found, inside, fence = [], False, False, False
    for line in re.findall(r'[^\n]*\n|[^\n]+$', doc):
        if line.startswith('```'):
            fence = not fence
        elif not fence and re.match(r'#+ ', line):
            inside = line.startswith('### ') and \
                tree in re.split(r',\s*|\s+and\s+', line[4:].strip())
            found = found or inside
            continue
        if inside:
            text.append(line)
    return ''.join(text) if found else None


def table_control(text):
    """The table with one value changed: the first outcome's 'y -> n'
    made 'y', or else its last 'y' made 'y -> n' (unchanged when it has
    neither)."""
    lines = text.split('\n')
    if len(lines) > 1:
        new = lines[1].replace(' y -> n', ' y     ', 1)
        if new == lines[1]:
            new = re.sub(r' y  *$', ' y -> n', lines[1], count=1)
        lines[1] = new
    return '\n'.join(lines)


def forms_control(text):
    """The forms with the first count of options turned off one more."""
    lines = text.split('\n')
    for i, line in enumerate(lines):
        m = re.search(r': ([0-9]+) off', line)
        if m:
            lines[i] = line[:m.start(1)] + str(int(m.group(1)) + 1) + line[m.end(1):]
            break
    return '\n'.join(lines)


def doc_check(name, tree, dtree, sec, text, ctl, what):
    """The results NAME (text stands in sec, the doc's section as the
    shell read it) and NAME-control (ctl, text with one value changed,
    does not), as (verdict, name, why)."""
    f = f'build/{tree}/distros.{name}'
    if sec is None:
        out = [('FAIL', name, f"doc/distros.md has no '### {dtree}' heading for {f}")]
    elif text in sec:
        out = [('PASS', name, f'doc/distros.md shows {f} ({what}) under the heading of {dtree}')]
    else:
        out = [('FAIL', name, f'{f} is not in doc/distros.md under the heading of {dtree}: paste it there')]
    if ctl != text and (sec is None or ctl not in sec):
        out.append(('PASS', name + '-control',
                    f'a copy of {f} with one value changed is not found in doc/distros.md'))
    else:
        out.append(('FAIL', name + '-control', f'a changed copy of {f} is found too: the check cannot fail'))
    return out


# The stage's results.

def judge(table, v, stable):
    """stable and control, as (verdict, name, why); v: the values by
    'START-VARIANT'."""
    n = len(table)
    out = []
    s = lost(table, v['guest-base'], v['guest-stable'])
    if not s:
        out.append(('PASS', 'stable', 'the stable-bound patches keep TDX and SEV guest support '
                    f'on all {n} configurations ({stable})'))
    else:
        out.append(('FAIL', 'stable', 'the stable-bound patches turn TDX or SEV guest support off in: '
                    + ' '.join(s)))
    s = lost(table, v['guest-base'], v['guest-series'])
    if s:
        out.append(('PASS', 'control', f'the whole series turns TDX or SEV guest support off in {len(s)} '
                    f'of {n}: the check finds a loss'))
    else:
        out.append(('FAIL', 'control', 'the whole series loses nothing on any row: the stable check '
                    'cannot be shown to fail'))
    return out


def _read(path):
    with open(path, encoding='utf-8', errors='surrogateescape') as f:
        return f.read()


def _write(path, text):
    with open(path, 'w', encoding='utf-8', errors='surrogateescape') as f:
        f.write(text)


def log(msg):
    """A progress line, as log in scripts/lib/env.sh writes it."""
    s = int(time.time()) - int(os.environ.get('T0') or time.time())
    sys.stderr.write(f'[{s // 60:02d}:{s % 60:02d}] distros: {msg}\n')


def report(tree, dtree, out, treedir, stable, top=None):
    """The verb report (above): the files written, the results returned."""
    table = rows(top)
    debian = os.path.exists(os.path.join(out, 'debian-base.values'))
    names = ['guest-base', 'guest-stable', 'guest-series']
    if debian:
        names += ['debian-base', 'debian-series', 'debian-select']
    v = {k: parse_values(_read(os.path.join(out, k + '.values'))) for k in names}
    for start in ['guest'] + (['debian'] if debian else []):
        try:
            base_keeps(table, v[start + '-base'], start)
        except Error as e:
            raise Error(f'{tree}: {e}') from None
    res = judge(table, v, stable)

    doc = _read(os.path.join(top or TOP, 'doc', 'distros.md'))
    sec = section(doc, dtree)
    # As the shell held it: without its last newlines, then one.
    sec = sec.rstrip('\n') + '\n' if sec and sec.strip('\n') else None
    if sec is None:
        log(f"{tree}: doc/distros.md has no '### {dtree}' heading (or one that names {dtree})")

    text = table_text(table, v['guest-base'], v['guest-series'])
    _write(os.path.join(treedir, 'distros.table'), text)
    ctl = table_control(text)
    _write(os.path.join(out, 'table-control'), ctl)
    res += doc_check('table', tree, dtree, sec, text, ctl,
                     'TDX and SEV guest support with the series')
    if not debian:
        why = (f"a checkout has no Debian configuration, and the {dtree} tree's is not "
               f'fetched (make fetch TREE={dtree})')
        return res + [('SKIP', 'forms', why), ('SKIP', 'forms-control', why)]

    changed = {}
    for f, _ in FORMS:
        changed[f] = changes(v['debian-base'], v['debian-' + f])
        _write(os.path.join(out, f + '.changes'), ''.join(ln + '\n' for ln in changed[f]))
    text = forms_text(table, v['debian-base'], changed)
    _write(os.path.join(treedir, 'distros.forms'), text)
    ctl = forms_control(text)
    _write(os.path.join(out, 'forms-control'), ctl)
    return res + doc_check('forms', tree, dtree, sec, text, ctl, 'every option each form changes')


def main(argv):
    verb, a = (argv[0], argv[1:]) if argv else ('', [])
    try:
        if verb == 'syms' and not a:
            print(' '.join(SYMS))
        elif verb == 'combos' and not a:
            print('\n'.join(combos(rows())))
        elif verb == 'report' and len(a) == 5:
            for verdict, name, why in report(*a):
                print(f'{verdict} {a[0]}/distros/{name} {why}')
        else:
            sys.stderr.write('usage: devmem_distros.py syms | combos | report TREE DTREE OUT TREEDIR STABLE\n')
            return 2
    except (Error, OSError) as e:
        sys.stderr.write(f'distros: error: {e}\n')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
