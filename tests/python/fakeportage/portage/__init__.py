# SPDX-License-Identifier: LGPL-2.1-or-later
"""A stand-in for portage, for tests/python/test_portage.py: our own
minimal modules with portage's module names and import shapes (which
module binds ``spawn`` how), none of portage's code."""
