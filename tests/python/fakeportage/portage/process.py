# SPDX-License-Identifier: LGPL-2.1-or-later
"""Stand-in for portage.process: a spawn of its own that the
integration must replace, and spawn_bash calling it by its global
name, as portage's does."""

env_too_large_warnings = 0

# portage's: whether Gentoo's sandbox binary is there (not here)
sandbox_capable = False
fakeroot_capable = False
BASH_BINARY = "/bin/bash"
SANDBOX_BINARY = "/nonexistent/usr/bin/sandbox"


def spawn(mycommand, **kwargs):
    raise AssertionError("the stand-in's own spawn was called")


def spawn_bash(mycommand, debug=False, opt_name=None, **keywords):
    args = ["/bin/bash"] + (["-x"] if debug else []) + ["-c", mycommand]
    return spawn(args, opt_name=opt_name, **keywords)


def spawn_sandbox(mycommand, opt_name=None, **keywords):
    """As portage's: without the sandbox binary, spawn_bash; with it,
    the binary given the command."""
    if not sandbox_capable:
        return spawn_bash(mycommand, opt_name=opt_name, **keywords)
    return spawn([SANDBOX_BINARY, mycommand], opt_name=opt_name, **keywords)


def atexit_register(func, *args, **kwargs):
    pass


class _chain_pre_exec_fns:
    """Calls _pre_exec_fns, then _target, as portage's does."""

    def __init__(self, target, *args):
        self._target = target
        self._pre_exec_fns = args

    def __call__(self):
        for fn in self._pre_exec_fns:
            fn()
        return self._target()

