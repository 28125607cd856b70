#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What scripts/mbox decides about each message, as text in and text out.

scripts/mbox runs git and get_maintainer.pl; this module decides how the
recipients and the sender are written:

  roles TO ALL...        the recipients of the files ALL... (a line each,
                         as get_maintainer.pl prints them) as "To<TAB>LINE"
                         where the address is among TO's, else
                         "Cc<TAB>LINE"; each address once, TO's first
  headers ROLES          the To: and Cc: headers of roles' lines, folded
                         before an address where a line would pass 78
                         columns (its comma counted)
  rewrite COVER HEADERS NAME EMAIL PNAME PEMAIL RESERVED
                         one message from stdin to stdout: the headers of
                         the file HEADERS after Subject:, the placeholder
                         PNAME <PEMAIL> (or an address matching RESERVED,
                         a regular expression) made the sender NAME
                         <EMAIL>, and each patch's trailer block ended by
                         the sender's Signed-off-by; exit 3 when a patch
                         (COVER 0) has no '---' line
  notes PATCH            "Name <address>" of each person the notes below
                         the patch's '---' name with an address

Text is handled as bytes would be in the C locale: only ASCII letters
change case, and lengths count bytes.
"""

import re
import sys

ENC = 'utf-8'
ERRORS = 'surrogateescape'
_LOWER = {c: c + 32 for c in range(ord('A'), ord('Z') + 1)}
ANGLE = re.compile(r'<[^<>]*>')


def lower(s):
    """s with its ASCII letters in lower case, as awk's tolower in C."""
    return s.translate(_LOWER)


def nbytes(s):
    return len(s.encode(ENC, ERRORS))


def lines(text):
    """The lines of text as awk reads them: a last line without its
    newline counts, an empty text has none."""
    out = text.split('\n')
    if out[-1] == '':
        out.pop()
    return out


# A character in a name that From: must quote (RFC 5322 specials).
_SPECIAL = re.compile(r"[^-A-Za-z0-9 \t\n\v\f\r!#$%&'*+/=?^_`{|}~]")
# The bytes RFC 2047 'q' encoding writes as they are: digits and letters.
_PLAIN = set(b'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')


def display_name(name):
    """name as a From: header writes it: RFC 2047 encoded when it is not
    ASCII, quoted when it has a special character."""
    raw = name.encode(ENC, ERRORS)
    if is_utf8(name):
        return '=?UTF-8?q?' + ''.join(
            chr(b) if b in _PLAIN else '=%02X' % b for b in raw) + '?='
    if _SPECIAL.search(name):
        return '"' + re.sub(r'([\\"])', r'\\\1', name) + '"'
    return name


def is_utf8(name):
    """The name has a byte outside printable ASCII."""
    return any((b < 0x20 and b != 10) or b > 0x7e for b in name.encode(ENC, ERRORS))


_CLASSES = {'alnum': 'A-Za-z0-9', 'alpha': 'A-Za-z', 'digit': '0-9',
            'upper': 'A-Z', 'lower': 'a-z', 'space': ' \\t\\n\\v\\f\\r'}


def posix_re(s):
    """An extended regular expression of the shell (RESERVED_DOMAINS) in
    Python's syntax: its [:class:] names spelled out, as in the C locale."""
    return re.sub(r'\[:([a-z]+):\]', lambda m: _CLASSES[m.group(1)], s)


def address(line):
    """The address of a recipient line, lower case: what is in its angle
    brackets, or the line without blanks around it."""
    m = ANGLE.search(line)
    s = m.group(0)[1:-1] if m else line
    return lower(s.strip(' \t'))


def roles(to, others):
    """(role, line) of each recipient of the line lists to and others:
    'To' for to's, 'Cc' for the rest; each address once, to's first."""
    seen = set()
    out = []
    for role, group in [('To', to)] + [('Cc', o) for o in others]:
        for line in group:
            if not line.strip(' \t'):
                continue
            a = address(line)
            if a not in seen:
                seen.add(a)
                out.append((role, line))
    return out


_RECIPIENT = re.compile(r'(.*[^ \t\n\v\f\r])[ \t\n\v\f\r]*<([^<>]+)>', re.S)


def recipient(line):
    """A recipient as a header writes it: the name of "Name <a@b>" as
    display_name writes it (get_maintainer.pl's quotes taken off first),
    a bare address as it is."""
    m = _RECIPIENT.fullmatch(line)
    if not m:
        return line
    n = m.group(1)
    if len(n) >= 2 and n[0] == '"' and n[-1] == '"':
        n = n[1:-1].replace('\\"', '"')
    return f'{display_name(n)} <{m.group(2)}>'


def headers(rows):
    """The To: and Cc: header lines of roles' rows, folded before an
    address where a line would pass 78 columns."""
    out = []
    for kind in ('To', 'Cc'):
        a = [recipient(line.strip('\t')) for k, line in rows if k == kind]
        if not a:
            continue
        cur = f'{kind}: {a[0]}'
        for r in a[1:]:
            if nbytes(cur) + 3 + nbytes(r) > 78:
                out.append(cur + ',')
                cur = ' ' + r
            else:
                cur = cur + ', ' + r
        out.append(cur)
    return out


class Sender:
    """The sender NAME <EMAIL>, and the placeholder it replaces: PNAME,
    PEMAIL and any address matching RESERVED."""

    def __init__(self, name, email, pname, pemail, reserved):
        self.name, self.email = name, email
        self.pname, self.pemail = pname, pemail
        self.reserved = re.compile(posix_re(reserved))
        self.sob = f'Signed-off-by: {name} <{email}>'
        self.from_ = f'{display_name(name)} <{email}>'

    def ours(self, a):
        """The address is the placeholder's."""
        a = lower(a)
        return a == lower(self.pemail) or self.reserved.search(a) is not None

    def ids(self, s):
        """The message ids of s with the placeholder's address made the
        sender's: git format-patch writes <...git.ADDRESS>; any other id
        in a reserved domain gets the sender's domain."""
        def one(m):
            i = m.group(0)[1:-1]
            g = i.find('.git.')
            if g >= 0 and self.ours(i[g + 5:]):
                i = i[:g + 5] + self.email
            elif self.ours(i) and '@' in i:
                i = i[:i.index('@') + 1] + self.email[self.email.find('@') + 1:]
            return f'<{i}>'
        return ANGLE.sub(one, s)

    def lit(self, s):
        """s with the placeholder's address and name made the sender's."""
        if self.pemail:
            s = s.replace(self.pemail, self.email)
        if self.pname:
            s = s.replace(self.pname, self.name)
        return s


def rewrite(text, cover, rcpt, sender):
    """One message rewritten (see the module's help); returns its lines
    and whether its commit message ended with a '---' line."""
    out = []
    state = {'rdone': False, 'ctype': False}

    def recipients():
        if not state['rdone']:
            state['rdone'] = True
            out.extend(rcpt)

    def flush(hdr):
        if hdr is None:
            return
        low = lower(hdr)
        if re.match(r'(to|cc): ', low):
            return
        if low.startswith('from: '):
            m = ANGLE.search(hdr)
            a = m.group(0)[1:-1] if m else hdr[6:]
            if sender.ours(a) or (sender.pname and sender.pname in hdr):
                out.append('From: ' + sender.from_)
                return
        elif re.match(r'(message-id|in-reply-to|references): ', low):
            hdr = sender.ids(hdr)
        elif low.startswith('content-type: '):
            state['ctype'] = True
        out.append(hdr)
        if low.startswith('subject: '):
            recipients()

    inhead, intrailers, hdr, last = True, False, None, None
    for nr, line in enumerate(lines(text)):
        if nr == 0:
            out.append(line)
            continue
        if inhead:
            if line[:1] in (' ', '\t'):
                hdr = (hdr or '') + '\n' + line
            elif line == '':
                flush(hdr)
                hdr = None
                recipients()
                if is_utf8(sender.name) and not state['ctype']:
                    out += ['MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8',
                            'Content-Transfer-Encoding: 8bit']
                inhead, intrailers = False, not cover
                out.append(line)
            else:
                flush(hdr)
                hdr = line
            continue
        if intrailers and line == '---':
            if last != sender.sob:
                out.append(sender.sob)
            intrailers = False
            out.append(line)
            continue
        if intrailers and line.startswith('Signed-off-by: '):
            m = ANGLE.search(line)
            if m and sender.ours(m.group(0)[1:-1]):
                line = sender.sob
        line = sender.lit(line)
        if line != '':
            last = line
        out.append(line)
    return out, not intrailers


# A person the notes name: up to four capitalised words and an address.
_PERSON = re.compile(r"[A-Z][A-Za-z.'-]*( [A-Z][A-Za-z.'-]*){0,3} <[^<> ]+@[^<> ]+>")


def notes_people(text):
    """"Name <address>" of each person the notes below the patch's '---'
    name with an address (whose tags were not carried, asked to look
    again): they go into Cc:."""
    notes, n = [], 0
    for line in lines(text):
        if line.startswith('diff --git '):
            break
        if line == '---':
            n += 1
            if n > 1:
                break
            continue
        if n:
            notes.append(line)
    flat = ''.join(line + ' ' for line in notes)
    return [m.group(0) for m in _PERSON.finditer(flat)]


def _read(path):
    with open(path, encoding=ENC, errors=ERRORS) as f:
        return f.read()


def _write(out_lines):
    sys.stdout.buffer.write(''.join(line + '\n' for line in out_lines).encode(ENC, ERRORS))


def main(argv):
    verb, args = (argv[0], argv[1:]) if argv else ('', [])
    if verb == 'roles' and len(args) >= 1:
        rows = roles(lines(_read(args[0])), [lines(_read(p)) for p in args[1:]])
        _write(f'{k}\t{line}' for k, line in rows)
    elif verb == 'headers' and len(args) == 1:
        rows = [tuple(line.split('\t', 1)) for line in lines(_read(args[0])) if '\t' in line]
        _write(headers(rows))
    elif verb == 'rewrite' and len(args) == 7:
        text = sys.stdin.buffer.read().decode(ENC, ERRORS)
        out, ended = rewrite(text, args[0] == '1', lines(_read(args[1])), Sender(*args[2:]))
        _write(out)
        return 0 if ended else 3
    elif verb == 'notes' and len(args) == 1:
        _write(notes_people(_read(args[0])))
    else:
        sys.stderr.write('usage: devmem_mbox.py roles TO ALL... | headers ROLES | '
                         'rewrite COVER HEADERS NAME EMAIL PNAME PEMAIL RESERVED | notes PATCH\n')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
