# SPDX-License-Identifier: LGPL-2.1-or-later
"""Stand-in for portage.util: getconfig with portage's signature, our
own reader of NAME="value" lines (no expansion, no sourcing)."""

import os


def getconfig(mycfg, tolerant=False, allow_sourcing=False, expand=True,
              recursive=False):
    """The assignments of the file mycfg (of the files in it, in name
    order, if recursive and a directory), None if there is none."""
    if recursive and os.path.isdir(mycfg):
        values = None
        for name in sorted(os.listdir(mycfg)):
            found = getconfig(os.path.join(mycfg, name), tolerant,
                              allow_sourcing, expand, recursive)
            if found is not None:
                values = dict(values or {}, **found)
        return values
    try:
        with open(mycfg) as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    values = {}
    for line in lines:
        name, sep, value = line.strip().partition("=")
        if sep and name and not name.startswith("#"):
            values[name] = value.strip('"')
    return values
