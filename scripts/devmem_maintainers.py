#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What scripts/maintainers decides: who must be named, and whether the
headers of make mbox's messages name them.  The shell runs
get_maintainer.pl and git; each verb here reads files and prints a line:

  names PATCH GM          the people and lists of RULES that the
                          get_maintainer.pl output GM lacks for the files
                          PATCH changes, ', ' separated; nothing when none
  cc MESSAGE ALL TO STRAYS NEWEST TREE
                          'PASS why' when the message's To: and Cc: name
                          every address of the file ALL, those of TO in
                          To:, and none of STRAYS (the addresses of
                          architectures that do not answer on TREE); else
                          'FAIL why'
  control MESSAGE ALL TO ADDRESS
                          'PASS why' when a copy of the message without
                          ADDRESS in its headers fails cc's check, else
                          'FAIL why'
  lacks MUST MESSAGE...   why the first message that does not name every
                          address of the file MUST does not; nothing when
                          they all do
  fixcontrol MUST MESSAGE ADDRESS...
                          'PASS why' when the message without each
                          ADDRESS in turn lacks an address of MUST, else
                          'FAIL why' (an empty ADDRESS: none to take out)

A message is named in a reason by its path below the top of the clone.
"""

import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Path of a changed file (regular expression) and who must be named for it.
RULES = [
    (r'^arch/x86/', ['x86@kernel.org']),
    (r'^drivers/char/mem\.c$', ['Greg Kroah-Hartman', 'Arnd Bergmann']),
    (r'^tools/testing/selftests/', ['Shuah Khan', 'linux-kselftest@vger.kernel.org']),
    (r'^tools/testing/selftests/devmem/', ['Greg Kroah-Hartman', 'Arnd Bergmann']),
    (r'^Documentation/', ['linux-doc@vger.kernel.org']),
]
ADDRESS = re.compile(r'[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]+')
_LOWER = {c: c + 32 for c in range(ord('A'), ord('Z') + 1)}


def lower(s):
    """s with its ASCII letters in lower case, as in the C locale."""
    return s.translate(_LOWER)


def lines(text):
    out = text.split('\n')
    if out[-1] == '':
        out.pop()
    return out


def addresses(text):
    """The e-mail addresses in text, lower case, once each, sorted."""
    return sorted({lower(a) for a in ADDRESS.findall(text)})


def header(text, name):
    """The header NAME of a mail, unfolded, or None (header in lib/series.sh)."""
    h = lower(name) + ': '
    on, v = False, ''
    for nr, line in enumerate(lines(text)):
        if nr > 0 and line == '':
            break
        if line[:1] in (' ', '\t'):
            if on:
                v += ' ' + (line.lstrip(' \t') or line)
            continue
        if on:
            break
        on = lower(line[:len(h)]) == h
        if on:
            v = line[len(h):]
    return v if on or v else None


def to_of(text):
    return addresses(header(text, 'To') or '')


def rcpt_of(text):
    return addresses((header(text, 'To') or '') + '\n' + (header(text, 'Cc') or ''))


def missing(patch, gm):
    """Who of RULES the output gm lacks for the files the patch changes."""
    files = sorted({x[6:] for x in lines(patch) if x.startswith(('+++ b/', '--- a/'))})
    out = []
    for rx, who in RULES:
        if any(re.search(rx, f) for f in files):
            out += [n for n in who if n not in gm]
    return out


def without(text, a):
    """The message with the address a (lower case) taken out of its To:
    and Cc: headers; a header that named nothing else goes."""
    out, h, body = [], '', False

    def flush(h):
        if h == '':
            return
        if not re.match(r'(to|cc):', lower(h)):
            out.append(h)
            return
        # The recipients, split at the commas outside quotes.
        r, q = [''], False
        for c in h[h.index(':') + 1:]:
            if c == '"':
                q = not q
            if c == ',' and not q:
                r.append('')
            else:
                r[-1] += c
        kept = [x for x in r if f'<{a}>' not in lower(x) and lower(x.strip(' \t\n')) != a]
        if kept:
            out.append(h[:h.index(':') + 1] + ','.join(kept))

    for line in lines(text):
        if body:
            out.append(line)
        elif line == '':
            flush(h)
            h, body = '', True
            out.append(line)
        elif line[:1] in (' ', '\t'):
            h += '\n' + line
        else:
            flush(h)
            h = line
    if not body:
        flush(h)
    return ''.join(x + '\n' for x in out)


def uncovered(text, all_, to):
    """The addresses of all_ the message's headers do not name, and those
    of to not in its To:, on one line."""
    rc, t = set(rcpt_of(text)), set(to_of(text))
    return ' '.join([a for a in addresses(all_) if a not in rc] +
                    [a + ' (not in To:)' for a in addresses(to) if a not in t])


def label(path):
    return path[len(TOP) + 1:] if path.startswith(TOP + '/') else path


def cc(path, text, all_, to, strays, newest, tree):
    miss = uncovered(text, all_, to)
    extra = ' '.join(a for a in rcpt_of(text) if a in set(lines(strays)))
    if miss:
        return 'FAIL', f'the headers of {label(path)} lack {miss}'
    if extra:
        return 'FAIL', (f'{label(path)} names {extra}: that architecture does not answer '
                        f'CC_ATTR_GUEST_MEM_ENCRYPT on {tree}')
    return 'PASS', (f"To: and Cc: name the {len(addresses(all_))} addresses {newest}'s "
                    f'get_maintainer.pl prints, the {len(addresses(to))} maintainers in To:')


def control(path, text, all_, to, a):
    if not a:
        return 'FAIL', f'no address to take out of {label(path)}'
    why = uncovered(without(text, a), all_, to)
    if why:
        return 'PASS', f'{label(path)} without {a} in its headers lacks {why}'
    return 'FAIL', f'{label(path)} without {a} in its headers still passes'


def lacks(must, messages):
    """Why the first of messages ((path, text)) lacks an address of must."""
    for path, text in messages:
        rc = set(rcpt_of(text))
        miss = ' '.join(a for a in addresses(must) if a not in rc)
        if miss:
            return f'{label(path)} lacks {miss}'
    return ''


def fixcontrol(must, path, text, drops):
    passed = ''
    for a in drops:
        if not a:
            passed += ' (no maintainer to take out)'
        elif not lacks(must, [(path, without(text, a))]):
            passed += ' ' + a
    if passed:
        return 'FAIL', f"the fix's message still passes without{passed}"
    return 'PASS', f"the fix's message fails without each of {' '.join(drops)}"


def _read(path):
    with open(path, encoding='utf-8', errors='surrogateescape') as f:
        return f.read()


def main(argv):
    verb, a = (argv[0], argv[1:]) if argv else ('', [])
    out = None
    if verb == 'names' and len(a) == 2:
        print(', '.join(missing(_read(a[0]), _read(a[1]))))
    elif verb == 'cc' and len(a) == 6:
        out = cc(a[0], _read(a[0]), _read(a[1]), _read(a[2]), _read(a[3]), a[4], a[5])
    elif verb == 'control' and len(a) == 4:
        out = control(a[0], _read(a[0]), _read(a[1]), _read(a[2]), a[3])
    elif verb == 'lacks' and len(a) >= 1:
        print(lacks(_read(a[0]), [(p, _read(p)) for p in a[1:]]))
    elif verb == 'fixcontrol' and len(a) >= 2:
        out = fixcontrol(_read(a[0]), a[1], _read(a[1]), a[2:])
    else:
        sys.stderr.write('usage: devmem_maintainers.py names PATCH GM | '
                         'cc MESSAGE ALL TO STRAYS NEWEST TREE | control MESSAGE ALL TO ADDRESS | '
                         'lacks MUST MESSAGE... | fixcontrol MUST MESSAGE ADDRESS...\n')
        return 2
    if out:
        print(' '.join(out))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
