# SPDX-License-Identifier: GPL-2.0
# The unit tests of the harness's Python (tests/unit/test_*.py): a package,
# so that unittest discovery from the top of the clone finds them.
