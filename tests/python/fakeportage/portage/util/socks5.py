# SPDX-License-Identifier: LGPL-2.1-or-later
# as portage.util.socks5: two names from one import
from portage.process import atexit_register, spawn  # noqa: F401
