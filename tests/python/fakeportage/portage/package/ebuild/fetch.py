# SPDX-License-Identifier: LGPL-2.1-or-later
# as portage.package.ebuild.fetch: the name bound at import, then a
# spawn_func taken from it at call time
from portage.process import spawn


def spawn_func():
    return spawn
