# SPDX-License-Identifier: LGPL-2.1-or-later
# as portage.util.movefile: the name bound at import
from portage.process import spawn  # noqa: F401
