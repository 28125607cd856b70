# SPDX-License-Identifier: GPL-2.0
"""What the unit tests share: a canned file written with one change."""

import os


def changed(test, directory, name, text, old=None, new=None):
    """TEXT, with OLD replaced by NEW (which must be there), written to
    DIRECTORY/NAME; its path."""
    if old is not None:
        test.assertIn(old, text, f'{name}: nothing to change')
        text = text.replace(old, new)
    path = os.path.join(directory, name)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path
