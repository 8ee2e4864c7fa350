# SPDX-License-Identifier: LGPL-2.1-or-later
# as portage.getbinpkg: imported inside a function, at call time


def spawn_used():
    from portage.process import spawn
    return spawn
