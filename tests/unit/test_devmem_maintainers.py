# SPDX-License-Identifier: GPL-2.0
"""scripts/devmem_maintainers.py: who must be named, and the headers."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))
import devmem_maintainers as m  # noqa: E402

PATCH = """Subject: [PATCH] x86/devmem
---
--- a/drivers/char/mem.c
+++ b/drivers/char/mem.c
--- a/arch/x86/mm/pat/memtype.c
+++ b/arch/x86/mm/pat/memtype.c
"""
GM = """Greg Kroah-Hartman <gregkh@linuxfoundation.org>
Arnd Bergmann <arnd@arndb.de>
x86@kernel.org
linux-kernel@vger.kernel.org
"""
MSG = """From: Jane <jane@kernel.org>
Subject: [PATCH] x86/devmem
To: Greg Kroah-Hartman <gregkh@linuxfoundation.org>,
 Arnd Bergmann <arnd@arndb.de>
Cc: x86@kernel.org, "Doe, J" <linux-kernel@vger.kernel.org>
Message-Id: <1@kernel.org>

body Cc: nobody@kernel.org
"""
TO = "Greg Kroah-Hartman <gregkh@linuxfoundation.org>\nArnd Bergmann <arnd@arndb.de>\n"


class Names(unittest.TestCase):
    def test_all_named(self):
        self.assertEqual(m.missing(PATCH, GM), [])

    def test_must_fail_one_missing(self):
        self.assertEqual(m.missing(PATCH, GM.replace('x86@kernel.org', '')), ['x86@kernel.org'])
        self.assertEqual(m.missing(PATCH.replace('arch/x86', 'arch/arm64'), ''),
                         ['Greg Kroah-Hartman', 'Arnd Bergmann'])


class Headers(unittest.TestCase):
    def test_header_unfolded(self):
        self.assertEqual(m.header(MSG, 'to'), 'Greg Kroah-Hartman <gregkh@linuxfoundation.org>, '
                         'Arnd Bergmann <arnd@arndb.de>')
        self.assertIsNone(m.header(MSG, 'Bcc'))

    def test_covered(self):
        self.assertEqual(m.uncovered(MSG, GM, TO), '')
        self.assertEqual(m.cc('x', MSG, GM, TO, '', '7.3', '6.1')[0], 'PASS')

    def test_must_fail_not_in_to(self):
        self.assertEqual(m.uncovered(MSG, GM, TO + 'x86@kernel.org\n'), 'x86@kernel.org (not in To:)')

    def test_must_fail_body_is_not_a_header(self):
        self.assertEqual(m.uncovered(MSG, 'nobody@kernel.org', ''), 'nobody@kernel.org')

    def test_must_fail_stray(self):
        verdict, why = m.cc('x', MSG, GM, TO, 'x86@kernel.org\n', '7.3', '6.1')
        self.assertEqual(verdict, 'FAIL')
        self.assertIn('names x86@kernel.org', why)

    def test_without(self):
        copy = m.without(MSG, 'linux-kernel@vger.kernel.org')
        self.assertIn('Cc: x86@kernel.org\n', copy)
        self.assertIn('body Cc: nobody@kernel.org', copy)
        self.assertNotIn('Cc:', m.without(copy, 'x86@kernel.org').split('\n\n')[0])

    def test_control(self):
        self.assertEqual(m.control('x', MSG, GM, TO, 'arnd@arndb.de'),
                         ('PASS', 'x without arnd@arndb.de in its headers lacks arnd@arndb.de '
                          'arnd@arndb.de (not in To:)'))

    def test_must_fail_control_address_not_wanted(self):
        self.assertEqual(m.control('x', MSG, GM, TO, 'nobody@kernel.org')[0], 'FAIL')
        self.assertEqual(m.control('x', MSG, GM, TO, '')[0], 'FAIL')


class Fix(unittest.TestCase):
    def test_lacks(self):
        self.assertEqual(m.lacks(GM, [('a', MSG)]), '')
        self.assertEqual(m.lacks(GM + 'lockdown@x.org\n', [('a', MSG)]), 'a lacks lockdown@x.org')

    def test_fixcontrol(self):
        self.assertEqual(m.fixcontrol(GM, 'f', MSG, ['x86@kernel.org'])[0], 'PASS')

    def test_must_fail_fixcontrol(self):
        self.assertEqual(m.fixcontrol(GM, 'f', MSG, ['nobody@kernel.org', '']),
                         ('FAIL', "the fix's message still passes without nobody@kernel.org "
                          '(no maintainer to take out)'))


if __name__ == '__main__':
    unittest.main()
