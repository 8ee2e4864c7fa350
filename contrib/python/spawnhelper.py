# SPDX-License-Identifier: LGPL-2.1-or-later
"""spawnhelper: portage.process.spawn, done by spawn-helper.

A drop-in for ``portage.process.spawn`` built on libspawnhelper (through
ctypes): the same signature and return values, with the isolation done
by the setuid-free spawn-helper instead of a forked Python child.  To
run a whole portage (emerge, ebuild, ...) through it, use
``spawnhelper_portage`` (see its docstring and README.md): it also
replaces the names other portage modules bound with ``from
portage.process import spawn``.

The signature is current portage's (3.0.45.3 and later)::

    spawn(mycommand, env=None, opt_name=None, fd_pipes=None,
          returnpid=False, returnproc=False, uid=None, gid=None,
          groups=None, umask=None, cwd=None, logfile=None,
          path_lookup=True, pre_exec=None, close_fds=False,
          unshare_net=False, unshare_ipc=False, unshare_mount=False,
          unshare_pid=False, cgroup=None, warn_on_large_env=False,
          **extras)

with portage's meaning for each; a keyword argument that is neither
portage's nor one of the extras below is a TypeError naming it.

``returnproc`` gives a Process with portage's API: ``pid``,
``returncode``, ``wait()`` a coroutine (``await proc.wait()``, as many
times and from as many tasks as wanted), ``send_signal()``,
``terminate()``, ``kill()``. Outside an event loop, ``wait_sync()``
blocks instead.

Differences, on purpose:

* ``pre_exec`` cannot cross into another program. Portage's SELinux
  one (``partial(portage._selinux.setexec, context)``, as
  ``portage._selinux.spawn_wrapper`` passes it) is carried out by the
  helper (``--selinux-exec-context``, just before the command's execve);
  any other raises ValueError instead of being silently ignored.
* Every fd not named in ``fd_pipes`` is closed in the command, whatever
  ``close_fds`` says (Python's fds are not inheritable anyway).
* A command that could not start returns 125 (setup failed), 126 (not
  executable) or 127 (not found), never a bare 1; a signal death returns
  the negative signal number also with ``unshare_pid``. As portage, an
  execve that fails with E2BIG returns 1 and writes portage's "ERROR:
  Executing ... failed with E2BIG ... Largest environment variable: ..."
  to the command's stderr, so into the log (``logfile``, or the file
  or pipe given as fd 2 in ``fd_pipes``, also with ``returnproc``): the
  helper writes it itself (``--report-e2big``).
* ``umask=0`` is honoured.
* Capabilities are dropped, but for one: a network sandbox
  (``unshare_net``) keeps ``cap_net_raw``, whose raw sockets see only
  the sandbox's loopback there, so a program with file capabilities
  such as Debian's ping (``cap_net_raw=ep``) runs as with portage, as
  root and as another ``uid``; outside a network sandbox the kernel
  refuses to execute it (126). ``keep_caps`` (comma-separated, ``""``
  for none) says otherwise.
* A namespace the kernel refuses is left out with a warning on stderr,
  as portage does ("Unable to unshare"); the status's ``dropped`` names
  it. ``ns_fallback="strict"`` makes it a setup failure (125) instead.

Extras (keyword arguments): ``timeout`` and ``kill_after`` (seconds),
``cgroup_parent``, ``memory_max`` (bytes), ``pids_max``, ``cpu_max``
(CPUs), ``ns_fallback`` ("drop", the default, or "strict"),
``unshare_uts``, ``unshare_cgroup``, ``unshare_user``,
``hostname``, ``loopback_addrs``, ``keep_caps``, ``allow_new_privs``,
``allow_nested_userns`` (let the command make user namespaces, which the
default seccomp profile refuses: see spawn-helper(1)), ``writable`` (the
paths a command running as root may write, where it sees the rest of the
host read-only: see spawn-helper(1), SAFE DEFAULTS),
``seccomp_profile``, ``seccomp_policy``, ``seccomp_bpf`` (an fd holding
a raw seccomp BPF program, as bwrap's --seccomp), ``landlock_write``,
``landlock_read``, ``landlock_best_effort``, ``rlimits`` ({name: (soft,
hard)}), ``options`` ({option: value}, or a list of (option, value)
pairs, for any other spawn-helper option; value None for a flag) and ``status`` (a list the detailed result dict is appended to).
"""

import asyncio
import ctypes
import ctypes.util
import errno
import functools
import os
import signal as _signal
import sys
import threading
import warnings

__all__ = ["spawn", "Process", "SpawnError", "probe", "env_stats",
           "PORTAGE_LOOPBACK", "__version__"]

# configure.ac's version (AC_INIT); tests/python/test_package.py checks
# that the two agree, and pyproject.toml reads it from here
__version__ = "0.1.0"

# portage's loopback addresses for a network sandbox
PORTAGE_LOOPBACK = ("10.0.0.1/8", "fd::1/8")

# what a network sandbox keeps unless keep_caps says otherwise
NET_SANDBOX_CAPS = "cap_net_raw"

NS = {"user": 1 << 0, "mount": 1 << 1, "net": 1 << 2, "ipc": 1 << 3,
      "uts": 1 << 4, "pid": 1 << 5, "cgroup": 1 << 6, "time": 1 << 7}
# the stages a setup failure names (result["stage"]), in the order of the
# setup: src/stages.h's, as tests/check-stages.sh checks
STAGES = ("privilege", "spec", "cgroup", "ns", "userns", "net", "uts",
          "mount", "init", "signals", "process", "fds", "rlimit", "caps",
          "creds", "chdir", "nnp", "landlock", "seccomp", "env", "exec",
          "monitor")
WAIT_NOHANG = 1
RLIM_INFINITY = 2**64 - 1


class SpawnError(OSError):
    """The helper could not be started, a spec value was refused, or the
    helper's status record could not be read (EBADMSG)."""


def _text(data):
    """A message or name from C, for display: bytes that are not UTF-8
    (a path or value the message quotes) become U+FFFD, never an
    exception."""
    return (data or b"").decode("utf-8", errors="replace")


class _Result(ctypes.Structure):
    # lib/spawnhelper.h's struct sh_result; _check_layout compares it
    # with the library's at import
    _fields_ = [
        ("size", ctypes.c_size_t),
        ("exit_code", ctypes.c_int),
        ("signal", ctypes.c_int),
        ("core_dumped", ctypes.c_bool),
        ("timed_out", ctypes.c_bool),
        ("setup_failed", ctypes.c_bool),
        ("stage", ctypes.c_char * 16),
        ("error", ctypes.c_int),
        ("message", ctypes.c_char * 512),
        ("command_pid", ctypes.c_int),
        ("namespaces", ctypes.c_uint),
        ("dropped", ctypes.c_uint),
        ("user_cpu_usec", ctypes.c_longlong),
        ("system_cpu_usec", ctypes.c_longlong),
        ("max_rss_kib", ctypes.c_longlong),
        ("wall_usec", ctypes.c_longlong),
        ("cgroup_cpu_usec", ctypes.c_longlong),
        ("memory_peak", ctypes.c_longlong),
        ("oom_kills", ctypes.c_longlong),
    ]

    def as_dict(self):
        names = lambda mask: sorted(n for n, b in NS.items() if mask & b)
        d = {name: getattr(self, name) for name, _ in self._fields_
             if name != "size"}
        d["stage"] = _text(self.stage)
        d["message"] = _text(self.message)
        d["namespaces"] = names(self.namespaces)
        d["dropped"] = names(self.dropped)
        return d


class _Probe(ctypes.Structure):
    _fields_ = [
        ("privileged", ctypes.c_bool),
        ("namespaces", ctypes.c_uint),
        ("ipv6", ctypes.c_bool),
        ("landlock_abi", ctypes.c_int),
        ("seccomp", ctypes.c_bool),
        ("cgroup_layout", ctypes.c_char * 16),
        ("may_create_cgroups", ctypes.c_bool),
    ]


def _load():
    name = (os.environ.get("SPAWNHELPER_LIBRARY")
            or ctypes.util.find_library("spawnhelper")
            or "libspawnhelper.so.0")
    lib = ctypes.CDLL(name, use_errno=True)
    p, c_int, c_str = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    sigs = {
        "sh_spec_new": (p, []),
        "sh_spec_free": (None, [p]),
        "sh_spec_error": (c_str, [p]),
        "sh_spec_set_argv": (c_int, [p, ctypes.POINTER(c_str)]),
        "sh_spec_set_environ": (c_int, [p, ctypes.POINTER(c_str)]),
        "sh_spec_map_fd": (c_int, [p, c_int, c_int]),
        "sh_spec_unshare": (c_int, [p, ctypes.c_uint]),
        "sh_spec_set_option": (c_int, [p, c_str, c_str]),
        "sh_spec_set_groups": (c_int, [p, ctypes.POINTER(ctypes.c_uint),
                                       ctypes.c_size_t]),
        "sh_spec_set_rlimit": (c_int, [p, c_str, ctypes.c_uint64,
                                       ctypes.c_uint64]),
        "sh_spawn": (c_int, [p, ctypes.POINTER(p)]),
        "sh_process_pid": (c_int, [p]),
        "sh_process_status_fd": (c_int, [p]),
        "sh_process_kill": (c_int, [p, c_int]),
        "sh_wait_result": (c_int, [p, ctypes.POINTER(_Result),
                                   ctypes.c_size_t, c_int]),
        "sh_result_size": (ctypes.c_size_t, []),
        "sh_process_free": (None, [p]),
        "sh_probe": (c_int, [ctypes.POINTER(ctypes.POINTER(_Probe))]),
        "sh_strerror": (c_str, [c_int]),
    }
    for fn, (restype, argtypes) in sigs.items():
        getattr(lib, fn).restype = restype
        getattr(lib, fn).argtypes = argtypes
    _check_layout(lib, name)
    return lib


def _check_layout(lib, name, result_type=_Result):
    """ImportError unless the library fills the whole of this binding's
    struct sh_result: the struct grows only at its end, so a newer
    library (a larger struct) fills the fields known here, an older one
    would leave the last ones unset."""
    ours, theirs = ctypes.sizeof(result_type), lib.sh_result_size()
    if ours > theirs:
        raise ImportError(
            "spawnhelper %s: its struct sh_result is %d bytes, but %s "
            "fills only %d: the library is older than this binding; "
            "install libspawnhelper and spawnhelper.py of the same "
            "release" % (__version__, ours, name, theirs))


_lib = None
_lib_lock = threading.Lock()

# Process objects dropped while their helper ran, as subprocess.Popen's
# _active: kept (with their status fd and pidfd) until a later spawn()
# reaps them. Only list operations the GIL makes atomic touch it: a
# __del__ may run in any thread, in the middle of anything.
_orphans = []


def _reap_orphans():
    for proc in _orphans[:]:
        if proc._reap_orphan():
            try:
                _orphans.remove(proc)
            except ValueError:  # another thread's reap came first
                pass


def _library():
    global _lib
    with _lib_lock:
        if _lib is None:
            _lib = _load()
        return _lib


# At import, the library's layout is checked (ImportError when it
# differs); a library not found yet is looked for again at the first
# spawn, which then says why it cannot be loaded.
try:
    _library()
except OSError:
    pass


# os.fsencode's encoding, for _fsencode
_FS_ENCODING = sys.getfilesystemencoding()
_FS_ERRORS = sys.getfilesystemencodeerrors()


def _fsencode(value):
    """os.fsencode, but a str (a phase's environment: some 350 of them
    per spawn) encoded here without its function calls."""
    if type(value) is str:
        return value.encode(_FS_ENCODING, _FS_ERRORS)
    return os.fsencode(value)


def _fsdecode(value):
    """os.fsdecode, a str returned as it is."""
    return value if type(value) is str else os.fsdecode(value)


def _cstrings(items):
    """A NULL-terminated char *[] of items (each as _cbytes)."""
    return (ctypes.c_char_p * (len(items) + 1))(*[_cbytes(i) for i in items])


def _cbytes(value):
    """value for C, refused as os.execve refuses it when it holds a NUL
    (C would cut it there without a word)."""
    data = _fsencode(value)
    if b"\0" in data:
        raise ValueError("embedded null byte")
    return data


class _Spec:
    """An sh_spec, freed with the object; a refused value raises."""

    def __init__(self):
        self.lib = _library()
        self.handle = self.lib.sh_spec_new()
        if not self.handle:
            raise MemoryError("sh_spec_new")

    def __del__(self):
        if getattr(self, "handle", None):
            self.lib.sh_spec_free(self.handle)

    def check(self, r, what):
        if r < 0:
            message = _text(self.lib.sh_spec_error(self.handle))
            raise SpawnError(-r, message or _text(self.lib.sh_strerror(r))
                             + " (" + what + ")")

    def option(self, name, value=None):
        v = None if value is None else _cbytes(str(value))
        self.check(self.lib.sh_spec_set_option(self.handle, name.encode(), v),
                   "--" + name)


def _seconds(value):
    return "%.3f" % float(value)


def _fill_spec(spec, argv, env, opt_name, fd_pipes, uid, gid, groups, umask,
               cwd, unshare, cgroup, extras):
    lib = spec.lib
    spec.check(lib.sh_spec_set_argv(spec.handle, _cstrings(argv)), "argv")
    spec.option("report-e2big")  # portage's words on the command's stderr
    if env is not None:
        for k in env:
            if not k or "=" in _fsdecode(k):
                raise ValueError("illegal environment variable name: %r"
                                 % (k,))
        entries = [_fsdecode(k) + "=" + _fsdecode(v) for k, v in env.items()]
        spec.check(lib.sh_spec_set_environ(spec.handle, _cstrings(entries)),
                   "env")
    if opt_name is not None:
        spec.option("argv0", opt_name)
    for child, parent in fd_pipes.items():
        spec.check(lib.sh_spec_map_fd(spec.handle, int(child), int(parent)),
                   "fd_pipes")
    if uid is not None:
        spec.option("uid", uid)
    if gid is not None:
        spec.option("gid", gid)
    if groups is not None:
        arr = (ctypes.c_uint * max(len(groups), 1))(*groups)
        spec.check(lib.sh_spec_set_groups(spec.handle, arr, len(groups)),
                   "groups")
    if umask is not None:
        spec.option("umask", "%04o" % umask)
    if cwd is not None:
        spec.option("chdir", cwd)
    if unshare:
        spec.check(lib.sh_spec_unshare(spec.handle, unshare), "unshare")
    if cgroup is not None:
        spec.option("cgroup", cgroup)
    _fill_extras(spec, unshare, extras)


def _fill_extras(spec, unshare, extras):
    if unshare & NS["net"] and extras.get("keep_caps") is None:
        # portage's commands keep their capabilities, and Debian's ping
        # (cap_net_raw=ep) runs only where cap_net_raw is kept: in a
        # network sandbox, whose raw sockets see its loopback alone
        extras["keep_caps"] = NET_SANDBOX_CAPS
    if extras.get("keep_caps") == "":
        del extras["keep_caps"]  # none kept, the helper's default
    simple = {"cgroup_parent": "cgroup-parent", "memory_max": "memory-max",
              "pids_max": "pids-max", "hostname": "hostname",
              "keep_caps": "cap-keep", "seccomp_profile": "seccomp-profile",
              "seccomp_policy": "seccomp-policy", "seccomp_bpf": "seccomp-bpf"}
    for key, option in simple.items():
        if extras.get(key) is not None:
            spec.option(option, extras.pop(key))
    fallback = extras.pop("ns_fallback", "drop")
    if fallback not in ("drop", "strict"):
        raise ValueError("ns_fallback: 'drop' or 'strict', not %r"
                         % (fallback,))
    if unshare and fallback == "drop":
        spec.option("ns-fallback", "drop")
    if extras.get("cpu_max") is not None:
        spec.option("cpu-max", _seconds(extras.pop("cpu_max")))
    if extras.get("timeout") is not None:
        spec.option("timeout", _seconds(extras.pop("timeout")))
    if extras.get("kill_after") is not None:
        spec.option("kill-after", _seconds(extras.pop("kill_after")))
    addrs = extras.pop("loopback_addrs", None)
    if addrs is None and unshare & NS["net"]:
        addrs = PORTAGE_LOOPBACK
    for addr in addrs or ():
        spec.option("loopback-addr", addr)
    for path in extras.pop("writable", None) or ():
        spec.option("writable", path)
    for path in extras.pop("landlock_write", None) or ():
        spec.option("landlock-write", path)
    for path in extras.pop("landlock_read", None) or ():
        spec.option("landlock-read", path)
    if extras.pop("landlock_best_effort", False):
        spec.option("landlock-mode", "best-effort")
    if extras.pop("allow_new_privs", False):
        spec.option("allow-new-privs")
    if extras.pop("allow_nested_userns", False):
        spec.option("allow-nested-userns")
    for name, limits in (extras.pop("rlimits", None) or {}).items():
        soft, hard = limits if isinstance(limits, tuple) else (limits, limits)
        soft = RLIM_INFINITY if soft is None else soft
        hard = RLIM_INFINITY if hard is None else hard
        spec.check(spec.lib.sh_spec_set_rlimit(spec.handle, name.encode(),
                                               soft, hard), "rlimits")
    options = extras.pop("options", None) or {}
    # a dict, or (option, value) pairs for options given more than once
    for option, value in (options.items() if isinstance(options, dict)
                          else options):
        spec.option(option, value)
    if extras:
        raise TypeError("spawn() got unexpected keyword arguments: "
                        + ", ".join(sorted(extras)))


def _setup_signal(result):
    """The signal a setup failure of stage "signals" names (the helper's
    "SIGTERM received during setup", or the library's kill of the whole
    sandbox, which stands for SIGKILL), or 0."""
    message = result.get("message") or ""
    if message.startswith("killed through libspawnhelper"):
        return int(_signal.SIGKILL)
    name = message.split(" ", 1)[0]
    if name.startswith("SIG") and message.startswith(
            name + " received during setup"):
        try:
            return int(getattr(_signal, name))
        except AttributeError:
            return 0
    return 0


class Process:
    """A spawned command, for ``returnproc``: portage's process object.

    As portage's (``portage.process.MultiprocessingProcess``): ``pid``,
    ``returncode`` (None until the end is known), ``await wait()`` (a
    coroutine, which any number of tasks may await, also after the end),
    ``send_signal(sig)``, ``terminate()`` and ``kill()``. Ours besides:
    ``wait_sync(timeout=None)`` blocks (outside an event loop),
    ``poll()`` looks without waiting, and ``result`` holds the detailed
    record once ended (stage and message of a setup failure, usage,
    namespaces).

    A signal sent while the helper still sets up stops it before the
    command runs (a setup failure, stage "signals", in ``result``); the
    return code is then the negative signal number, as portage's
    ``terminate()`` then ``wait()`` gives.

    ``pid`` is the helper's pid (the command runs below it and dies with
    it). The return code is the command's exit code, or the negative
    number of the signal that killed it.

    A Process dropped while its command runs (a ResourceWarning says
    so) is kept, as subprocess.Popen keeps its own: the next ``spawn()``
    reaps its helper and closes its two fds once the command has ended.
    """

    def __init__(self, handle, status=None, tee=None):
        self._lib = _library()
        self._handle = handle
        self._lock = threading.Lock()
        self._status = status
        self._tee = tee  # (thread, write end) of a logfile's pipe
        self._watcher = None
        self._signalled = 0  # the last signal send_signal() sent
        self.pid = self._lib.sh_process_pid(handle)
        self._status_fd = self._lib.sh_process_status_fd(handle)
        self.returncode = None
        self.result = None

    def __repr__(self):
        return "<%s %d>" % (self.__class__.__name__, self.pid)

    def _finish(self, result):
        self.result = result.as_dict()
        for name in self.result["dropped"]:
            # portage's words when its unshare fails, and it goes on
            sys.stderr.write("Unable to unshare: the %s namespace "
                             "(the command ran without it)\n" % name)
        if result.signal:
            self.returncode = -result.signal
        elif (result.setup_failed and self.result["stage"] == "signals"
              and (self._signalled or _setup_signal(self.result))):
            # a signal stopped the helper before the command ran (ours,
            # or one sent to the pid, as portage's SubProcess._cancel
            # does): for portage (terminate() then wait()) it ended it
            self.returncode = -(_setup_signal(self.result)
                                or self._signalled)
        else:
            self.returncode = result.exit_code
        self._lib.sh_process_free(self._handle)
        self._handle = None
        if (result.setup_failed and self.result["stage"] == "exec"
                and result.error == errno.E2BIG):
            # as portage's child that could not exec (the helper wrote
            # portage's report to the command's stderr: --report-e2big)
            self.returncode = 1
        if self._tee is not None:
            thread, write_fd = self._tee
            os.close(write_fd)
            thread.join()
        if self._status is not None:
            self._status.append(self.result)

    def _wait(self, flags):
        with self._lock:
            if self.returncode is not None:
                return self.returncode
            result = _Result()
            r = self._lib.sh_wait_result(self._handle, ctypes.byref(result),
                                         ctypes.sizeof(result), flags)
            if r == -11 and flags & WAIT_NOHANG:  # EAGAIN: still running
                return None
            if r < 0:
                raise SpawnError(-r, _text(self._lib.sh_strerror(r)))
            self._finish(result)
            return self.returncode

    def wait_sync(self, timeout=None):
        """Block until the command has ended; its return code. With a
        timeout (seconds), TimeoutError if it runs longer."""
        if timeout is None:
            return self._wait(0)
        deadline = _monotonic() + timeout
        while self._wait(WAIT_NOHANG) is None:
            if _monotonic() >= deadline:
                raise TimeoutError("pid %d still running" % self.pid)
            _sleep(0.01)
        return self.returncode

    async def wait(self):
        """Wait for the command's end without blocking the event loop,
        as portage's ``await proc.wait()``: sets and returns
        ``returncode``. One watcher task serves every task that waits
        in a loop; a waiter cancelled leaves it to the others (and, as
        portage's, it runs until the command ends)."""
        if self.returncode is not None:
            return self.returncode
        loop = asyncio.get_running_loop()
        watcher = self._watcher
        if watcher is None or watcher.done() or watcher.get_loop() is not loop:
            watcher = self._watcher = loop.create_task(self._watch())
        return await asyncio.shield(watcher)

    # the name of wait() before it followed portage's API
    async_wait = wait

    async def _watch(self):
        loop = asyncio.get_running_loop()
        # the helper's pidfd is readable once it has exited, even while a
        # process this one forked holds the status pipe (no EOF then)
        try:
            pidfd = os.pidfd_open(self.pid)
        except (AttributeError, OSError):
            pidfd = None
        try:
            while self.poll() is None:
                # the status fd is readable when a record comes and at
                # EOF, when the helper ends
                ready = loop.create_future()
                fds = [self._status_fd] + ([pidfd] if pidfd is not None
                                           else [])
                for fd in fds:
                    loop.add_reader(
                        fd, lambda: ready.done() or ready.set_result(None))
                try:
                    await ready
                finally:
                    for fd in fds:
                        loop.remove_reader(fd)
                if self.poll() is None:
                    # a record that was not the last, or EOF from a
                    # helper that is not reaped yet: EOF stays readable,
                    # so look again in a while rather than at once
                    await asyncio.sleep(0.01)
        finally:
            if pidfd is not None:
                os.close(pidfd)
        return self.returncode

    def poll(self):
        return self._wait(WAIT_NOHANG)

    def send_signal(self, sig):
        with self._lock:
            if self.returncode is None:
                self._lib.sh_process_kill(self._handle, sig)
                self._signalled = sig

    def terminate(self):
        self.send_signal(_signal.SIGTERM)

    def kill(self):
        self.send_signal(_signal.SIGKILL)

    def is_alive(self):
        return self.poll() is None

    def _release(self):
        with self._lock:
            if self._handle:
                self._lib.sh_process_free(self._handle)
                self._handle = None

    def _reap_orphan(self):
        """Whether the helper of a dropped object is reaped (its fds
        closed); a running one stays an orphan."""
        try:
            return self.poll() is not None
        except OSError:
            # the library gave up on it (reaped, or not ours to reap)
            self._release()
            return True

    def __del__(self, _orphans=_orphans, _warn=warnings.warn):
        if not getattr(self, "_handle", None):
            return
        if not self._reap_orphan():
            _warn("spawnhelper: pid %d is still running" % self.pid,
                  ResourceWarning, source=self)
            _orphans.append(self)


def env_stats(env):
    """portage's calc_env_stats: (size, largest name, its size), in
    bytes, each variable counted with its '=' and its NUL."""
    size, largest_name, largest_size = 0, None, 0
    for name, value in env.items():
        n = len(_fsencode(name)) + len(_fsencode(value)) + 2
        if n > largest_size:
            largest_name, largest_size = name, n
        size += n
    return size, largest_name, largest_size


# as portage.process.env_too_large_warnings: warn_on_large_env's
# warnings so far (portage gives 3 at most)
env_too_large_warnings = 0


def _warn_large_env(mycommand, env):
    global env_too_large_warnings
    size, name, largest = env_stats(env)
    if size > 96 * 1024 and env_too_large_warnings < 3:
        env_too_large_warnings += 1
        sys.stderr.write(
            "WARNING: New process environment is large, executing %s may "
            "fail. Size: %d bytes. Largest environment variable: %s (%d "
            "bytes)\n" % (mycommand, size, name, largest))
        sys.stderr.flush()


def _monotonic():
    import time
    return time.monotonic()


def _sleep(seconds):
    import time
    time.sleep(seconds)


def _start_tee(logfile, out_fd):
    """portage's logfile: the command's stdout and stderr go to a pipe
    that is copied to the log and to the original stdout."""
    log = open(logfile, "ab")  # before the pipe: a log that cannot open
    read_fd, write_fd = os.pipe()  # leaks nothing

    def copy():
        try:
            while True:
                data = os.read(read_fd, 65536)
                if not data:
                    break
                log.write(data)
                log.flush()
                if out_fd is not None:
                    os.write(out_fd, data)
        finally:
            os.close(read_fd)
            log.close()

    thread = threading.Thread(target=copy, daemon=True)
    thread.start()
    return thread, write_fd


def spawn(mycommand, env=None, opt_name=None, fd_pipes=None, returnpid=False,
          returnproc=False, uid=None, gid=None, groups=None, umask=None,
          cwd=None, logfile=None, path_lookup=True, pre_exec=None,
          close_fds=False, unshare_net=False, unshare_ipc=False,
          unshare_mount=False, unshare_pid=False, cgroup=None,
          warn_on_large_env=False, **extras):
    """Spawn mycommand as portage.process.spawn does, in spawn-helper.

    Returns the exit code (negative signal number for a signal death),
    or [pid] with returnpid, or a Process with returnproc. The keyword
    arguments are current portage's (see the module's docstring) and
    the extras.
    """
    if isinstance(mycommand, str):
        mycommand = mycommand.split()  # as portage: no shell quoting
    argv = [os.fsdecode(a) for a in mycommand]
    if not argv:
        raise ValueError("spawnhelper.spawn: empty command")
    command = list(argv)  # as given, for portage's messages
    selinux_context = _selinux_context(pre_exec)
    if warn_on_large_env:
        _warn_large_env(command, os.environ if env is None else env)
    if opt_name is None:
        opt_name = os.path.basename(argv[0])  # portage: the binary's name
    if not path_lookup and "/" not in argv[0]:
        argv[0] = "./" + argv[0]  # exec it as named, not from PATH
    if fd_pipes is None:
        fd_pipes = {0: sys.__stdin__.fileno(), 1: sys.__stdout__.fileno(),
                    2: sys.__stderr__.fileno()}
    fd_pipes = dict(fd_pipes)
    if logfile and returnproc:
        raise ValueError("logfile parameter conflicts with returnproc "
                         "(use fd_pipes instead)")
    if logfile and (1 not in fd_pipes or 2 not in fd_pipes):
        # as portage: the log is of the command's stdout and stderr
        raise ValueError(fd_pipes)
    unshare = ((NS["net"] if unshare_net else 0)
               | (NS["ipc"] if unshare_ipc else 0)
               | (NS["mount"] if unshare_mount else 0)
               | (NS["pid"] if unshare_pid else 0)
               | (NS["uts"] if extras.pop("unshare_uts", False) else 0)
               | (NS["cgroup"] if extras.pop("unshare_cgroup", False) else 0)
               | (NS["user"] if extras.pop("unshare_user", False) else 0))
    status = extras.pop("status", None)
    if selinux_context is not None:
        options = extras.get("options") or {}
        extras["options"] = (list(options.items() if isinstance(options, dict)
                                  else options)
                             + [("selinux-exec-context", selinux_context)])
    _reap_orphans()
    spec = _Spec()
    tee = None
    if logfile is not None:
        tee = _start_tee(logfile, fd_pipes.get(1))
        fd_pipes[1] = fd_pipes[2] = tee[1]
    try:
        _fill_spec(spec, argv, env, opt_name, fd_pipes, uid, gid, groups,
                   umask, cwd, unshare, cgroup, extras)
        handle = ctypes.c_void_p()
        r = spec.lib.sh_spawn(spec.handle, ctypes.byref(handle))
        if r < 0:
            raise SpawnError(-r, "sh_spawn: " + _text(spec.lib.sh_strerror(r)))
    except BaseException:
        if tee is not None:
            os.close(tee[1])
        raise
    if returnpid:
        # portage's callers reap the pid themselves: keep nothing of it
        pid = spec.lib.sh_process_pid(handle)
        spec.lib.sh_process_free(handle)
        if tee is not None:
            os.close(tee[1])
        return [pid]
    proc = Process(handle, status, tee)
    if returnproc:
        return proc
    return proc.wait_sync()


def _selinux_context(pre_exec):
    """The SELinux exec context of portage's pre_exec (what
    portage._selinux.spawn_wrapper passes, maybe chained by
    portage.process._chain_pre_exec_fns), or None without one.
    Any other pre_exec cannot run in the sandbox: ValueError."""
    if pre_exec is None:
        return None
    contexts = []
    pending = [pre_exec]
    while pending:
        fn = pending.pop()
        chained = getattr(fn, "_pre_exec_fns", None)
        if type(fn).__name__ == "_chain_pre_exec_fns" and chained is not None:
            # it calls its _pre_exec_fns, then its _target
            pending.append(fn._target)
            pending.extend(reversed(chained))
            continue
        target = getattr(fn, "func", None)
        if (isinstance(fn, functools.partial) and target is not None
                and getattr(target, "__module__", None) == "portage._selinux"
                and getattr(target, "__name__", None) == "setexec"
                and len(fn.args) == 1 and not fn.keywords):
            contexts.append(fn.args[0])
            continue
        raise ValueError(
            "spawnhelper.spawn: pre_exec %r cannot run in the sandbox (the "
            "command is started by another program, not forked from this "
            "one): use the options instead (uid, gid, groups, umask, cwd, "
            "rlimits, options=...); portage's SELinux pre_exec "
            "(portage._selinux.setexec) is carried out by the helper"
            % (fn,))
    # the last one called before exec decides, as with setexeccon
    return contexts[-1] if contexts else None


def probe():
    """What this machine supports, as a dict (spawn-helper --probe)."""
    lib = _library()
    result = ctypes.POINTER(_Probe)()
    r = lib.sh_probe(ctypes.byref(result))
    if r < 0:
        raise SpawnError(-r, "sh_probe: " + _text(lib.sh_strerror(r)))
    p = result.contents
    return {"privileged": p.privileged,
            "namespaces": sorted(n for n, b in NS.items()
                                 if p.namespaces & b),
            "ipv6": p.ipv6, "landlock_abi": p.landlock_abi,
            "seccomp": p.seccomp,
            "cgroup_layout": _text(p.cgroup_layout),
            "may_create_cgroups": p.may_create_cgroups}
