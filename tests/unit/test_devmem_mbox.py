# SPDX-License-Identifier: GPL-2.0
"""scripts/devmem_mbox.py: the recipients and the sender of make mbox."""

import contextlib
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))
import devmem_mbox as m  # noqa: E402

RESERVED = ('@(([[:alnum:]-]+\\.)*(example|invalid|test|localhost)|'
            '([[:alnum:]-]+\\.)*example\\.(com|net|org))\\.?$')
PATCH = """From 0123456789abcdef Mon Sep 17 00:00:00 2001
From: Dev Placeholder <dev@example.org>
Date: Mon, 30 Nov 2026 00:00:00 +0000
Subject: [PATCH v7 1/2] x86/devmem: a fix
To: old@kernel.org
Message-Id: <20261130.1-1.git.dev@example.org>
In-Reply-To: <cover.1.git.dev@example.org>

The fix, by Dev Placeholder <dev@example.org>.

Signed-off-by: Dev Placeholder <dev@example.org>
---
Notes: Jann Horn <jannh@google.com> asked; Pedro Falcato <pfalcato@suse.de>
too, and Someone Split
 <split@x.org> is not read: two blanks.
---
 drivers/char/mem.c | 1 +
diff --git a/drivers/char/mem.c b/drivers/char/mem.c
"""


def sender(name='Jane Doe'):
    return m.Sender(name, 'jane@kernel.org', 'Dev Placeholder', 'dev@example.org', RESERVED)


class DisplayName(unittest.TestCase):
    def test_plain(self):
        self.assertEqual(m.display_name('Jane Doe'), 'Jane Doe')

    def test_special_is_quoted(self):
        self.assertEqual(m.display_name('Doe, J. "Jr"'), '"Doe, J. \\"Jr\\""')

    def test_utf8_is_encoded(self):
        self.assertEqual(m.display_name('Jöran Q.'), '=?UTF-8?q?J=C3=B6ran=20Q=2E?=')

    def test_must_fail_plain_name_not_quoted(self):
        self.assertNotIn('"', m.display_name("O'Neil Pat"))


class Roles(unittest.TestCase):
    def test_to_first_each_once(self):
        rows = m.roles(['A <a@x.org>'], [['b@x.org', 'A Again <A@X.org>', ' ', 'C <c@x.org>']])
        self.assertEqual(rows, [('To', 'A <a@x.org>'), ('Cc', 'b@x.org'), ('Cc', 'C <c@x.org>')])

    def test_must_fail_cc_not_in_to(self):
        rows = m.roles(['A <a@x.org>'], [['b@x.org']])
        self.assertNotIn(('To', 'b@x.org'), rows)


class Headers(unittest.TestCase):
    def test_folded_at_78(self):
        rows = [('Cc', f'Person Number{i} <person.number{i}@kernel.org>') for i in range(4)]
        out = m.headers(rows)
        self.assertTrue(all(len(line) <= 78 for line in out))
        self.assertEqual(out[0][:4], 'Cc: ')
        self.assertTrue(out[0].endswith(','))
        self.assertTrue(out[1].startswith(' '))

    def test_quotes_of_get_maintainer_taken_off(self):
        self.assertEqual(m.headers([('To', '"Doe, J" <j@x.org>')]), ['To: "Doe, J" <j@x.org>'])
        self.assertEqual(m.headers([('To', '"Jane" <j@x.org>')]), ['To: Jane <j@x.org>'])

    def test_must_fail_no_rows_no_header(self):
        self.assertEqual(m.headers([]), [])


class Rewrite(unittest.TestCase):
    def test_patch(self):
        out, ended = m.rewrite(PATCH, False, ['To: a@kernel.org', 'Cc: b@kernel.org'], sender())
        text = '\n'.join(out)
        self.assertTrue(ended)
        self.assertIn('From: Jane Doe <jane@kernel.org>', out)
        self.assertNotIn('old@kernel.org', text)
        self.assertEqual(out[out.index(next(x for x in out if x.startswith('Subject:'))) + 1],
                         'To: a@kernel.org')
        self.assertIn('Message-Id: <20261130.1-1.git.jane@kernel.org>', out)
        self.assertIn('In-Reply-To: <cover.1.git.jane@kernel.org>', out)
        self.assertIn('The fix, by Jane Doe <jane@kernel.org>.', out)
        self.assertEqual(out[out.index('---') - 1], 'Signed-off-by: Jane Doe <jane@kernel.org>')
        self.assertNotIn('example.org', text)

    def test_sign_off_added(self):
        text = PATCH.replace('Signed-off-by: Dev Placeholder <dev@example.org>\n',
                             'Signed-off-by: Other <o@kernel.org>\n')
        out, _ = m.rewrite(text, False, [], sender())
        i = out.index('---')
        self.assertEqual(out[i - 2:i], ['Signed-off-by: Other <o@kernel.org>',
                                        'Signed-off-by: Jane Doe <jane@kernel.org>'])

    def test_other_author_kept(self):
        text = PATCH.replace('From: Dev Placeholder <dev@example.org>', 'From: Arnd <arnd@arndb.de>')
        out, _ = m.rewrite(text, False, [], sender())
        self.assertIn('From: Arnd <arnd@arndb.de>', out)

    def test_utf8_sender_gets_mime(self):
        out, _ = m.rewrite(PATCH, False, [], sender('Jöran'))
        self.assertIn('Content-Type: text/plain; charset=UTF-8', out)
        self.assertIn('From: =?UTF-8?q?J=C3=B6ran?= <jane@kernel.org>', out)

    def test_cover_not_signed(self):
        out, ended = m.rewrite(PATCH.replace('---\n', ''), True, [], sender())
        self.assertTrue(ended)
        self.assertNotIn('---', out)

    def test_must_fail_patch_without_dashes(self):
        _, ended = m.rewrite(PATCH.replace('---\n', ''), False, [], sender())
        self.assertFalse(ended)
        with contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(m.main(['rewrite']), 1)


class Notes(unittest.TestCase):
    def test_people(self):
        self.assertEqual(m.notes_people(PATCH), ['Jann Horn <jannh@google.com>',
                                                 'Pedro Falcato <pfalcato@suse.de>'])

    def test_must_fail_message_people_not_notes(self):
        self.assertNotIn('Dev Placeholder <dev@example.org>', m.notes_people(PATCH))
        self.assertEqual(m.notes_people(PATCH.replace('---\n', '', 1).replace('---\n', '')), [])


if __name__ == '__main__':
    unittest.main()
