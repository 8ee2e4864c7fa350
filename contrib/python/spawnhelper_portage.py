"""spawnhelper_portage: run a whole portage through spawn-helper.

One step enables it for every portage program (emerge, ebuild,
egencache, ...): install spawnhelper.py, this module and
spawnhelper-portage.pth into Python's site-packages, then set
SPAWNHELPER_PORTAGE=1 in the environment that starts portage (for
example ``SPAWNHELPER_PORTAGE=1 emerge ...``, or a line in
/etc/env.d). The .pth file is read by every Python at start-up; with
the variable unset it costs one lookup in os.environ and imports
nothing.

Why so: portage has no hook for its spawn function, and its modules
bind it at import time (``from portage.process import spawn`` in
fetch, movefile, socks5, getbinpkg, output, dispatch-conf), so the
replacement must be in place before portage's own modules load. A
bashrc runs inside a phase (too late, and in bash); make.conf is read
by portage after its imports. Python's start-up (.pth) is the one place
that comes before them all.

``install()`` replaces ``portage.process.spawn`` the moment
``portage.process`` has been executed (an import hook), so every module
that imports the name afterwards gets ours; names bound before (when
``install()`` is called late) are replaced in every loaded module.
``uninstall()`` puts portage's own back everywhere.
"""

import importlib.abc
import inspect
import sys

import spawnhelper

__all__ = ["install", "uninstall", "spawn", "installed"]

MODULE = "portage.process"


def spawn(mycommand, *args, **kwargs):
    """portage.process.spawn, by spawnhelper.spawn: current portage's
    keyword arguments with portage's meaning (any other is a TypeError
    naming it); the count of large-environment warnings is portage's
    own (portage.process.env_too_large_warnings)."""
    process = sys.modules.get(MODULE)
    counted = getattr(process, "env_too_large_warnings", None)
    if counted is not None:
        spawnhelper.env_too_large_warnings = counted
    try:
        return spawnhelper.spawn(mycommand, *args, **kwargs)
    finally:
        if counted is not None:
            process.env_too_large_warnings = \
                spawnhelper.env_too_large_warnings


# what introspection shows: portage's signature and our extras
spawn.__signature__ = inspect.signature(spawnhelper.spawn)

_original = None


def installed():
    """Whether portage.process.spawn is ours now."""
    process = sys.modules.get(MODULE)
    return getattr(process, "spawn", None) is spawn


def _rebind(old, new):
    """Every module-level name bound to old, bound to new."""
    for module in list(sys.modules.values()):
        if module is sys.modules.get(__name__):
            continue  # our own names stay
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for name, value in list(namespace.items()):
            if value is old:
                namespace[name] = new


def _patch(process):
    global _original
    if process.spawn is spawn:
        return
    _original = process.spawn
    process.spawn = spawn
    _rebind(_original, spawn)


class _Loader(importlib.abc.Loader):
    """portage.process's own loader, then the patch."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _patch(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != MODULE:
            return None
        # the finders after this one find it as they would have
        index = sys.meta_path.index(self)
        for finder in sys.meta_path[index + 1:]:
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find else None
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def install():
    """Route portage's spawn through spawnhelper, now if portage.process
    is loaded, else as soon as it is."""
    process = sys.modules.get(MODULE)
    if process is not None and hasattr(process, "spawn"):
        _patch(process)
        return
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def uninstall():
    """portage's own spawn back, everywhere ours was bound."""
    sys.meta_path[:] = [f for f in sys.meta_path
                        if not isinstance(f, _Finder)]
    process = sys.modules.get(MODULE)
    if process is not None and _original is not None:
        process.spawn = _original
        _rebind(spawn, _original)
