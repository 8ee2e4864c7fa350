# SPDX-License-Identifier: LGPL-2.1-or-later
"""Stand-in for portage._selinux: setexec and a spawn_wrapper that
hands it on as pre_exec, bound to a context, the way portage's does."""

import functools

import portage.process


def setexec(ctx="\n"):
    raise AssertionError("setexec must not run in the caller")


class spawn_wrapper:
    def __init__(self, spawn_func, context):
        self._spawn_func = spawn_func
        self._con = context

    def __call__(self, *args, **kwargs):
        pre_exec = functools.partial(setexec, self._con)
        if kwargs.get("pre_exec"):
            pre_exec = portage.process._chain_pre_exec_fns(
                pre_exec, kwargs["pre_exec"])
        kwargs["pre_exec"] = pre_exec
        return self._spawn_func(*args, **kwargs)
