# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tests of contrib/python/spawnhelper.py's portage-compatible spawn().

Run by tests/python.sh as root and as nobody; needs SPAWNHELPER_PATH
(the helper), SPAWNHELPER_LIBRARY (libspawnhelper.so) and the binding on
PYTHONPATH. ``python3 test_spawn.py --tap`` prints TAP; without it this is
an ordinary unittest module (``python3 -m unittest -v test_spawn``).
Cases the kernel or the user's privileges cannot support are skipped
with the reason.
"""

import errno
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import unittest

import spawnhelper as sh

ROOT = os.geteuid() == 0
PROBE = sh.probe()
DEVNULL = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
PYTHON = sys.executable or "/usr/bin/python3"
ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}


def capture(cmd, stdin=None, **kwargs):
    """spawn() with stdout on a pipe: (return value, output)."""
    read_fd, write_fd = os.pipe()
    fd_pipes = {0: DEVNULL if stdin is None else stdin, 1: write_fd, 2: 2}
    kwargs.setdefault("env", ENV)
    try:
        rc = sh.spawn(cmd, fd_pipes=fd_pipes, **kwargs)
    finally:
        os.close(write_fd)
    with os.fdopen(read_fd, "rb") as f:
        return rc, f.read().decode()


def reader_proc(code):
    """A returnproc Process that reads a line, then exits with code: it
    and the write end of its stdin."""
    read_fd, write_fd = os.pipe()
    try:
        proc = sh.spawn(["sh", "-c", "read x; exit %d" % code], env=ENV,
                        fd_pipes={0: read_fd}, returnproc=True)
    except BaseException:
        os.close(write_fd)
        raise
    finally:
        os.close(read_fd)
    return proc, write_fd


def open_fds():
    """This process's open fds."""
    return sorted(int(fd) for fd in os.listdir("/proc/self/fd"))


def zombie_children():
    """The pids of this process's children that are zombies."""
    zombies = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue  # gone meanwhile
        # "PID (COMM) STATE PPID ...": COMM may hold spaces and ')'
        state, ppid = stat[stat.rindex(")") + 2:].split()[:2]
        if state == "Z" and int(ppid) == os.getpid():
            zombies.append(int(entry))
    return zombies


def v2_root():
    """A cgroup v2 hierarchy this process may create cgroups in."""
    delegated = os.environ.get("SH_DELEGATED_CGROUP")
    if not ROOT:
        return delegated or None
    for path in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        if (os.path.exists(os.path.join(path, "cgroup.controllers"))
                and os.access(os.path.join(path, "cgroup.procs"), os.W_OK)):
            return path
    return None


def cgroup_line(text, controller):
    """The path of /proc/PID/cgroup's line for controller ("" for v2)."""
    for line in text.splitlines():
        _, controllers, path = line.split(":", 2)
        if controllers.split(",") == [controller] or (
                controller == "" and controllers == ""):
            return path
    return None


def remove_cgroup(path):
    for _ in range(100):
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


def selinux_enabled():
    with open("/proc/filesystems") as f:
        return "\tselinuxfs\n" in f.read()


def setexec(ctx="\n"):
    raise AssertionError("setexec must not run in the caller")


setexec.__module__ = "portage._selinux"  # portage's, as the binding sees it


def selinux_pre_exec(context):
    """What portage._selinux.spawn_wrapper passes as pre_exec."""
    import functools
    return functools.partial(setexec, context)


class _chain_pre_exec_fns:
    """The shape of portage.process's: its fns, then its target."""

    def __init__(self, target, *fns):
        self._target = target
        self._pre_exec_fns = fns


def chain_pre_exec(target, *fns):
    return _chain_pre_exec_fns(target, *fns)


def other_pre_exec():
    pass


class Spawn(unittest.TestCase):

    def test_plain(self):
        self.assertEqual(sh.spawn(["true"], env=ENV, fd_pipes={}), 0)
        self.assertEqual(sh.spawn(["false"], env=ENV, fd_pipes={}), 1)
        # a string is split at whitespace, as portage does
        self.assertEqual(sh.spawn("test 3 -eq 3", env=ENV, fd_pipes={}), 0)
        self.assertEqual(sh.spawn("test 3 -eq 4", env=ENV, fd_pipes={}), 1)
        self.assertEqual(capture(["echo", "hello", "world"]),
                         (0, "hello world\n"))

    def test_default_fd_pipes(self):
        # the caller's 0, 1 and 2: a child python with pipes as stdio
        code = ("import spawnhelper as sh; import sys; "
                "sys.exit(sh.spawn(['sh', '-c', 'echo out; echo err >&2; "
                "exit 3'], env={'PATH': '/usr/bin:/bin'}))")
        p = subprocess.run([PYTHON, "-c", code], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=60)
        self.assertEqual((p.returncode, p.stdout, p.stderr),
                         (3, b"out\n", b"err\n"))

    def test_fd_pipes_swap(self):
        # portage's fd_pipes {1: 2, 2: 1} in a child whose stdout and
        # stderr are pipes this test reads
        code = ("import spawnhelper as sh; import sys; "
                "sys.exit(sh.spawn(['sh', '-c', 'echo to-1; echo to-2 >&2'],"
                " env={'PATH': '/usr/bin:/bin'}, fd_pipes={0: 0, 1: 2, "
                "2: 1}))")
        p = subprocess.run([PYTHON, "-c", code], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, b"to-2\n")
        self.assertEqual(p.stderr, b"to-1\n")

    def test_fd_pipes_extra_fd(self):
        # any fd number, chained onto another: 1 -> a, 5 -> b, 2 -> a
        a_r, a_w = os.pipe()
        b_r, b_w = os.pipe()
        try:
            rc = sh.spawn(["sh", "-c", "echo one; echo five >&5; "
                           "echo two >&2; ls /proc/self/fd | wc -l"],
                          env=ENV, fd_pipes={1: a_w, 2: a_w, 5: b_w})
        finally:
            os.close(a_w)
            os.close(b_w)
        with os.fdopen(a_r) as a, os.fdopen(b_r) as b:
            # 1, 2, 5 and ls's directory fd
            self.assertEqual((rc, a.read(), b.read()),
                             (0, "one\ntwo\n4\n", "five\n"))

    @unittest.skipUnless("net" in PROBE["namespaces"],
                         "no network namespace here")
    def test_unshare_net(self):
        script = r"""
import socket, sys
addrs = [("10.0.0.1", socket.AF_INET)]
if sys.argv[1] == "ipv6":
    addrs += [("::1", socket.AF_INET6), ("fd::1", socket.AF_INET6)]
for addr, family in addrs:
    server = socket.socket(family, socket.SOCK_STREAM)
    server.bind((addr, 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname()[:2], timeout=5)
    conn, _ = server.accept()
    client.sendall(b"ping " + addr.encode())
    print(addr, conn.recv(100).decode())
"""
        ipv6 = "ipv6" if PROBE["ipv6"] else "no"
        rc, out = capture([PYTHON, "-c", script, ipv6], unshare_net=True)
        want = "10.0.0.1 ping 10.0.0.1\n"
        if PROBE["ipv6"]:
            want += "::1 ping ::1\nfd::1 ping fd::1\n"
        self.assertEqual((rc, out), (0, want))
        if not PROBE["ipv6"]:
            self.skipTest("IPv4 only: no IPv6 on this machine")

    @unittest.skipUnless("net" in PROBE["namespaces"],
                         "no network namespace here")
    def test_unshare_net_isolated(self):
        # only lo inside; localhost resolves (AI_ADDRCONFIG sees 10.0.0.1)
        rc, out = capture(["sh", "-c", "ip -o link | cut -d: -f2; "
                           "getent ahosts localhost | cut -d' ' -f1 | "
                           "sort -u; hostname"], unshare_net=True)
        self.assertEqual(rc, 0)
        lines = out.split()
        self.assertEqual(lines[0], "lo")
        self.assertEqual(lines[-1], "localhost")
        self.assertIn("127.0.0.1", lines)

    @unittest.skipUnless("net" in PROBE["namespaces"],
                         "no network namespace here")
    def test_unshare_net_file_caps(self):
        # a program with cap_net_raw=ep (Debian's ping) runs in a network
        # sandbox, as with portage's spawn (its test_unshare_net pings
        # there); outside one it is refused (126), and keep_caps=""
        # refuses it inside too
        setcap = (shutil.which("setcap", path="/usr/sbin:/sbin:/usr/bin")
                  if ROOT else None)
        if setcap is None:
            self.skipTest("setcap on a file of the host needs root and "
                          "setcap (libcap2-bin)")
        # the kernel ignores file capabilities on a nosuid mount (the
        # /tmp of make check-vm's guest): the build tree then
        where = [d for d in (tempfile.gettempdir(), os.getcwd())
                 if not os.statvfs(d).f_flag & os.ST_NOSUID]
        if not where:
            self.skipTest("%s and %s are on nosuid mounts, where file "
                          "capabilities are ignored"
                          % (tempfile.gettempdir(), os.getcwd()))
        with tempfile.TemporaryDirectory(dir=where[0]) as tmp:
            os.chmod(tmp, 0o755)
            prog = os.path.join(tmp, "raw-true")
            shutil.copy("/bin/true", prog)
            if subprocess.call([setcap, "cap_net_raw=ep", prog],
                               stderr=subprocess.DEVNULL) != 0:
                self.skipTest("setcap on %s failed (no xattrs?)" % tmp)
            run = lambda **kw: sh.spawn([prog], env=ENV, fd_pipes={}, **kw)
            self.assertEqual(run(unshare_net=True), 0)
            self.assertEqual(run(unshare_net=True, uid=65534, gid=65534),
                             0)
            self.assertEqual(run(), 126)
            self.assertEqual(run(unshare_net=True, keep_caps=""), 126)

    @unittest.skipUnless("net" in PROBE["namespaces"],
                         "no network namespace here")
    def test_unshare_net_ping(self):
        # what portage's test_unshare_net does, with the host's ping
        ping = shutil.which("ping", path="/usr/bin:/bin:/usr/sbin:/sbin")
        if ping is None:
            self.skipTest("no ping (iputils-ping)")
        addrs = ["127.0.0.1", "10.0.0.1"]
        if PROBE["ipv6"]:
            addrs += ["::1", "fd::1"]
        script = "".join("ping -c 1 -W 1 %s >/dev/null || exit 1\n" % a
                         for a in addrs)
        self.assertEqual(sh.spawn(["sh", "-c", script], env=ENV,
                                  fd_pipes={2: 2}, unshare_net=True), 0)

    @unittest.skipUnless("pid" in PROBE["namespaces"],
                         "no pid namespace here")
    def test_pid_sandbox_signal(self):
        status = []
        self.assertEqual(sh.spawn(["sh", "-c", "kill -TERM $$"], env=ENV,
                                  fd_pipes={}, unshare_pid=True,
                                  status=status), -signal.SIGTERM)
        self.assertEqual(status[0]["signal"], signal.SIGTERM)
        self.assertIn("pid", status[0]["namespaces"])
        self.assertEqual(sh.spawn(["sh", "-c", "kill -KILL $$"], env=ENV,
                                  fd_pipes={}, unshare_pid=True),
                         -signal.SIGKILL)
        # and without a pid namespace
        self.assertEqual(sh.spawn(["sh", "-c", "kill -USR1 $$"], env=ENV,
                                  fd_pipes={}), -signal.SIGUSR1)
        # inside, the command is not the init: it sees a fresh /proc
        rc, out = capture(["sh", "-c", "echo $$; ls /proc | grep -c "
                           "'^[0-9]'"], unshare_pid=True)
        self.assertEqual(rc, 0)
        pid, count = out.split()
        self.assertLessEqual(int(pid), 2)
        self.assertLessEqual(int(count), 4)

    def test_umask(self):
        self.assertEqual(capture(["sh", "-c", "umask"], umask=0),
                         (0, "0000\n"))
        self.assertEqual(capture(["sh", "-c", "umask"], umask=0o27),
                         (0, "0027\n"))

    def test_exec_failure(self):
        status = []
        self.assertEqual(sh.spawn(["/nonexistent/command"], env=ENV,
                                  fd_pipes={}, status=status), 127)
        self.assertEqual(status[0]["stage"], "exec")
        self.assertEqual(status[0]["error"], errno.ENOENT)
        self.assertTrue(status[0]["setup_failed"])
        self.assertIn("/nonexistent/command", status[0]["message"])
        status = []
        self.assertEqual(sh.spawn(["no-such-command-anywhere"], env=ENV,
                                  fd_pipes={}, status=status), 127)
        self.assertEqual((status[0]["stage"], status[0]["error"]),
                         ("exec", errno.ENOENT))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "not-executable")
            with open(path, "w") as f:
                f.write("#!/bin/sh\nexit 0\n")
            os.chmod(path, 0o644)
            status = []
            self.assertEqual(sh.spawn([path], env=ENV, fd_pipes={},
                                      status=status), 126)
            self.assertEqual((status[0]["stage"], status[0]["error"]),
                             ("exec", errno.EACCES))

    def test_returnproc(self):
        proc, write_fd = reader_proc(5)
        self.assertIsInstance(proc, sh.Process)
        self.assertGreater(proc.pid, 0)
        self.assertIsNone(proc.poll())
        self.assertTrue(proc.is_alive())
        with self.assertRaises(TimeoutError):
            proc.wait_sync(timeout=0.05)
        os.write(write_fd, b"go\n")
        os.close(write_fd)
        self.assertEqual(proc.wait_sync(), 5)
        self.assertEqual(proc.returncode, 5)
        self.assertEqual(proc.poll(), 5)
        self.assertFalse(proc.is_alive())
        self.assertGreater(proc.result["command_pid"], 0)

        proc = sh.spawn(["sleep", "30"], env=ENV, fd_pipes={},
                        returnproc=True)
        self.assertIsNone(proc.poll())
        time.sleep(0.1)  # let the helper start the command
        proc.terminate()
        self.assertEqual(proc.wait_sync(timeout=10), -signal.SIGTERM)
        proc.terminate()  # after the end: nothing happens

        proc = sh.spawn(["sleep", "30"], env=ENV, fd_pipes={},
                        unshare_pid=True, returnproc=True)
        time.sleep(0.1)
        proc.kill()
        self.assertEqual(proc.wait_sync(timeout=10), -signal.SIGKILL)

    def test_returnproc_dropped(self):
        """Process objects dropped while their command runs leave no fd
        and no zombie once it has ended: a later spawn() reaps them, as
        subprocess.Popen does."""
        import gc
        import warnings

        # a case before this one may have dropped some: this spawn reaps
        # them first
        self.assertEqual(sh.spawn(["true"], env=ENV, fd_pipes={}), 0)
        fds, zombies = open_fds(), zombie_children()
        pids, write_fds = [], []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            for _ in range(20):
                proc, write_fd = reader_proc(0)
                pids.append(proc.pid)
                write_fds.append(write_fd)
                del proc  # while the command waits for its line
            gc.collect()
        for write_fd in write_fds:
            os.close(write_fd)  # EOF: each command ends
        for pid in pids:
            # until the helper has exited, without reaping it
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
        self.assertEqual(sh.spawn(["true"], env=ENV, fd_pipes={}), 0)
        self.assertEqual({"fds": open_fds(), "zombies": zombie_children()},
                         {"fds": fds, "zombies": zombies})

    def test_wait_with_forked_holder(self):
        """A process forked (not exec'd) while a spawn holds the status
        pipe keeps it open after the helper is gone: wait_sync(), and
        wait() in an event loop, return all the same."""
        import asyncio
        import threading

        holders, stop = [], threading.Event()

        def fork_holders():
            while not stop.is_set() and len(holders) < 300:
                pid = os.fork()
                if pid == 0:
                    signal.pause()
                    os._exit(0)
                holders.append(pid)
                time.sleep(0.0005)

        async def wait_async(proc):
            return await asyncio.wait_for(proc.wait(), 20)

        thread = threading.Thread(target=fork_holders)
        thread.start()
        try:
            for i in range(40):
                proc = sh.spawn(["true"], env=ENV, fd_pipes={},
                                returnproc=True)
                if i % 2:
                    self.assertEqual(asyncio.run(wait_async(proc)), 0)
                    continue
                # the blocking wait_sync(), watched from here
                waiter = threading.Thread(target=proc.wait_sync, daemon=True)
                waiter.start()
                waiter.join(20)
                self.assertFalse(waiter.is_alive(), "wait() hangs")
                self.assertEqual(proc.returncode, 0)
        finally:
            stop.set()
            thread.join()
            for pid in holders:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)

    def test_returnproc_async(self):
        """portage's ``await proc.wait()``: wait() leaves the event
        loop free while the command runs."""
        import asyncio

        proc, write_fd = reader_proc(6)

        async def release_then_wait():
            waiter = asyncio.ensure_future(proc.wait())
            await asyncio.sleep(0.2)  # the loop runs: we get here
            self.assertFalse(waiter.done())
            os.write(write_fd, b"go\n")
            return await asyncio.wait_for(waiter, 10)

        try:
            self.assertEqual(asyncio.run(release_then_wait()), 6)
        finally:
            os.close(write_fd)
        self.assertEqual(proc.returncode, 6)
        self.assertEqual(proc.result["exit_code"], 6)
        # once ended, at once; the sync API agrees
        self.assertEqual(asyncio.run(proc.wait()), 6)
        self.assertEqual(proc.wait_sync(), 6)

        proc = sh.spawn(["sleep", "30"], env=ENV, fd_pipes={},
                        returnproc=True)

        async def terminate_then_wait():
            await asyncio.sleep(0.1)  # let the helper start the command
            proc.terminate()
            return await asyncio.wait_for(proc.wait(), 10)

        self.assertEqual(asyncio.run(terminate_then_wait()),
                         -signal.SIGTERM)

    def test_returnproc_portage_api(self):
        """portage's process object: wait() a coroutine that any number
        of tasks await (SubProcess's ensure_future(proc.wait()) with a
        done callback, socks5's shared waiter), a cancelled waiter
        leaving the others, an await after the end; terminate() at once
        gives -SIGTERM (as portage's own returnproc test)."""
        import asyncio
        import inspect

        self.assertTrue(inspect.iscoroutinefunction(sh.Process.wait))
        proc, write_fd = reader_proc(4)
        self.assertEqual(repr(proc), "<Process %d>" % proc.pid)

        async def many_waiters():
            loop = asyncio.get_running_loop()
            done = []
            first = asyncio.ensure_future(proc.wait(), loop=loop)
            first.add_done_callback(lambda f: done.append(f.result()))
            second = asyncio.ensure_future(proc.wait())
            cancelled = asyncio.ensure_future(proc.wait())
            await asyncio.sleep(0.1)
            cancelled.cancel()
            await asyncio.sleep(0.1)
            self.assertFalse(first.done() or second.done())
            self.assertIsNone(proc.returncode)
            os.write(write_fd, b"go\n")
            results = await asyncio.wait_for(asyncio.gather(first, second),
                                             20)
            self.assertTrue(cancelled.cancelled())
            return results + done + [await proc.wait()]

        try:
            self.assertEqual(asyncio.run(many_waiters()), [4, 4, 4, 4])
        finally:
            os.close(write_fd)
        self.assertEqual(proc.returncode, 4)

        # the only waiter cancelled, then a new one
        proc, write_fd = reader_proc(3)

        async def cancel_then_wait():
            waiter = asyncio.ensure_future(proc.wait())
            await asyncio.sleep(0.1)
            waiter.cancel()
            os.write(write_fd, b"go\n")
            return await asyncio.wait_for(proc.wait(), 20)

        try:
            self.assertEqual(asyncio.run(cancel_then_wait()), 3)
        finally:
            os.close(write_fd)

        sleep = shutil.which("sleep", path=ENV["PATH"])

        async def terminate_at_once():
            proc = sh.spawn([sleep, "9999"], env=ENV, fd_pipes={},
                            returnproc=True)
            proc.terminate()
            self.assertEqual(await proc.wait(), -signal.SIGTERM)
            return await proc.wait()

        # often enough that some land while the helper still sets up
        for _ in range(20):
            self.assertEqual(asyncio.run(terminate_at_once()),
                             -signal.SIGTERM)

        async def kill_pid_at_once():
            # portage's SubProcess._cancel signals the pid itself
            proc = sh.spawn([sleep, "9999"], env=ENV, fd_pipes={},
                            returnproc=True)
            os.kill(proc.pid, signal.SIGTERM)
            return await proc.wait()

        for _ in range(20):
            self.assertEqual(asyncio.run(kill_pid_at_once()),
                             -signal.SIGTERM)

    def test_returnpid(self):
        pids = sh.spawn(["sh", "-c", "exit 3"], env=ENV, fd_pipes={},
                        returnpid=True)
        self.assertIsInstance(pids, list)
        self.assertEqual(len(pids), 1)
        # portage's callers reap the pid themselves
        pid, status = os.waitpid(pids[0], 0)
        self.assertEqual(pid, pids[0])
        self.assertTrue(os.WIFEXITED(status))
        self.assertEqual(os.WEXITSTATUS(status), 3)

    def test_refused_namespace_left_out(self):
        """As portage: a namespace the kernel refuses is left out with a
        warning, and the command runs; ns_fallback="strict" refuses."""
        script = """
import sys, spawnhelper as sh
st = []
rc = sh.spawn(["true"], env={"PATH": "/usr/bin:/bin"}, fd_pipes={2: 2},
              unshare_net=True, status=st)
print(rc, st[0]["dropped"])
try:
    rc = sh.spawn(["true"], env={"PATH": "/usr/bin:/bin"}, fd_pipes={},
                  unshare_net=True, ns_fallback="strict")
    print(rc)
except sh.SpawnError as e:
    print("refused", e)
"""
        # a user namespace of its own whose limit of network namespaces
        # is 0: the helper's clone gets ENOSPC
        outer = ("echo 0 > /proc/sys/user/max_net_namespaces && "
                 'exec "$0" -c "$1"')
        try:
            done = subprocess.run(
                ["unshare", "-U", "-r", "sh", "-c", outer, sys.executable,
                 script], capture_output=True, text=True, timeout=60)
        except FileNotFoundError:
            self.skipTest("no unshare(1)")
        if done.returncode != 0 and "max_net_namespaces" in done.stderr:
            self.skipTest("cannot limit network namespaces here: "
                          + done.stderr.strip())
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, "0 ['net']\n125\n")
        self.assertIn("Unable to unshare: the net namespace", done.stderr)

    def test_returnpid_keeps_no_fd(self):
        before = len(os.listdir("/proc/self/fd"))
        for _ in range(20):
            pid = sh.spawn(["true"], env=ENV, fd_pipes={}, returnpid=True)[0]
            os.waitpid(pid, 0)
        self.assertEqual(len(os.listdir("/proc/self/fd")), before)

    def test_logfile_refusals(self):
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "build.log")
            # as portage: the log needs the command's stdout and stderr
            with self.assertRaises(ValueError):
                sh.spawn(["true"], env=ENV, fd_pipes={0: DEVNULL},
                         logfile=log)
            with self.assertRaises(ValueError):
                sh.spawn(["true"], env=ENV, fd_pipes={1: 1, 2: 2},
                         logfile=log, returnproc=True)
            # a log that cannot be opened leaks no pipe
            before = len(os.listdir("/proc/self/fd"))
            for _ in range(5):
                with self.assertRaises(OSError):
                    sh.spawn(["true"], env=ENV, fd_pipes={1: 1, 2: 2},
                             logfile=os.path.join(tmp, "no", "such.log"))
            self.assertEqual(len(os.listdir("/proc/self/fd")), before)

    def test_values_os_execve_refuses(self):
        # os.execve's ValueErrors, not a value cut at the NUL or split
        # at the '='
        for kwargs in ({"mycommand": ["printf", "a\0b"]},
                       {"mycommand": ["true"], "env": {"A=B": "c"}},
                       {"mycommand": ["true"], "env": {"A": "b\0c"}},
                       {"mycommand": ["true"], "env": {"": "c"}}):
            with self.subTest(kwargs=kwargs):
                kwargs.setdefault("env", ENV)
                with self.assertRaises(ValueError):
                    sh.spawn(fd_pipes={}, **kwargs)

    def test_string_command_split_as_portage(self):
        # str.split(), as portage: no shell quoting
        rc, out = capture('printf %s| "a b"')
        self.assertEqual((rc, out), (0, '"a|b"|'))

    def test_logfile(self):
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "build.log")
            with open(log, "w") as f:
                f.write("earlier\n")
            rc, out = capture(["sh", "-c", "echo out; echo err >&2"],
                              logfile=log)
            self.assertEqual((rc, out), (0, "out\nerr\n"))
            with open(log) as f:
                self.assertEqual(f.read(), "earlier\nout\nerr\n")
            # a command that cannot start still closes the log's pipe
            rc, out = capture(["/nonexistent/command"], logfile=log)
            self.assertEqual((rc, out), (127, ""))

    def test_env(self):
        rc, out = capture(["sh", "-c", "env | sort"],
                          env={"FOO": "bar baz", "PATH": "/usr/bin:/bin"})
        self.assertEqual(rc, 0)
        # exactly what was given (and what sh adds itself)
        lines = [line for line in out.splitlines()
                 if not line.startswith(("PWD=", "SHLVL=", "_="))]
        self.assertEqual(lines, ["FOO=bar baz", "PATH=/usr/bin:/bin"])

    def test_env_bytes_and_undecodable(self):
        # as os.execve: bytes names and values, and str ones that hold
        # undecodable bytes (os.fsdecode's surrogates), reach the
        # command byte for byte
        read_fd, write_fd = os.pipe()
        env = {b"RAW": b"\xff\xfe", "SURR": os.fsdecode(b"a\xffb"),
               "PATH": "/usr/bin:/bin", "UTF": "\u00e9"}
        try:
            rc = sh.spawn(["sh", "-c", "printf '%s|' \"$RAW\" \"$SURR\" "
                           "\"$UTF\""], env=env,
                          fd_pipes={0: DEVNULL, 1: write_fd, 2: 2})
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd, "rb") as f:
            out = f.read()
        self.assertEqual((rc, out),
                         (0, b"\xff\xfe|a\xffb|\xc3\xa9|"))

    def test_env_none_inherits(self):
        os.environ["SH_TEST_INHERITED"] = "yes"
        try:
            rc, out = capture(["sh", "-c", "echo $SH_TEST_INHERITED"],
                              env=None)
        finally:
            del os.environ["SH_TEST_INHERITED"]
        self.assertEqual((rc, out), (0, "yes\n"))

    def test_opt_name(self):
        rc, out = capture(["cat", "/proc/self/cmdline"], opt_name="myname")
        self.assertEqual((rc, out.split("\0")[:2]),
                         (0, ["myname", "/proc/self/cmdline"]))
        rc, out = capture(["cat", "/proc/self/cmdline"])
        self.assertEqual(out.split("\0")[0], "cat")
        # portage: the binary's name, not the path given
        rc, out = capture(["/bin/sh", "-c", "echo $0"])
        self.assertEqual((rc, out), (0, "sh\n"))

    @unittest.skipUnless(ROOT, "needs root to change credentials")
    def test_uid_gid_groups(self):
        rc, out = capture(["sh", "-c", "id -u; id -g; id -G"], uid=65534,
                          gid=65534, groups=[5, 7])
        self.assertEqual((rc, out), (0, "65534\n65534\n65534 5 7\n"))
        # uid alone: no supplementary groups left from root
        rc, out = capture(["sh", "-c", "id -u; id -G"], uid=65534,
                          gid=65534)
        self.assertEqual((rc, out), (0, "65534\n65534\n"))

    def test_uid_unprivileged(self):
        if ROOT:
            self.skipTest("as root any uid is allowed")
        # an ordinary user may not become another one
        status = []
        self.assertEqual(sh.spawn(["true"], env=ENV, fd_pipes={}, uid=0,
                                  status=status), 125)
        self.assertEqual(status[0]["stage"], "creds")

    def test_cwd(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.assertEqual(capture(["pwd"], cwd=tmp),
                             (0, os.path.realpath(tmp) + "\n"))
            status = []
            self.assertEqual(sh.spawn(["true"], env=ENV, fd_pipes={},
                                      cwd=os.path.join(tmp, "missing"),
                                      status=status), 125)
            self.assertEqual(status[0]["error"], errno.ENOENT)

    def test_path_lookup(self):
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)
            script = os.path.join(tmp, "true")
            with open(script, "w") as f:
                f.write("#!/bin/sh\nexit 42\n")
            os.chmod(script, 0o755)
            os.symlink("/bin/cat", os.path.join(tmp, "mycat"))
            # the PATH's true, and the one in cwd as named
            self.assertEqual(sh.spawn(["true"], env=ENV, fd_pipes={},
                                      cwd=tmp), 0)
            self.assertEqual(sh.spawn(["true"], env=ENV, fd_pipes={},
                                      cwd=tmp, path_lookup=False), 42)
            # argv[0] stays as given (portage execs the binary under
            # the name mycommand[0])
            rc, out = capture(["mycat", "/proc/self/cmdline"], cwd=tmp,
                              path_lookup=False)
            self.assertEqual((rc, out.split("\0")[0]), (0, "mycat"))
            # not in cwd and not looked up: not found
            self.assertEqual(sh.spawn(["sh", "-c", "exit 0"], env=ENV,
                                      fd_pipes={}, cwd=tmp,
                                      path_lookup=False), 127)

    def test_pre_exec_refused(self):
        with self.assertRaises(ValueError):
            sh.spawn(["true"], env=ENV, fd_pipes={}, pre_exec=lambda: None)
        # portage's SELinux pre_exec chained with one that cannot run
        with self.assertRaises(ValueError) as cm:
            sh.spawn(["true"], env=ENV, fd_pipes={},
                     pre_exec=chain_pre_exec(selinux_pre_exec("u:r:t:s0"),
                                             other_pre_exec))
        self.assertIn("other_pre_exec", str(cm.exception))

    def test_pre_exec_selinux_refused(self):
        """portage's SELinux pre_exec (setexec bound to a context, alone
        or chained) goes to the helper as --selinux-exec-context: where
        SELinux is not enabled, a setup failure that names the option."""
        if selinux_enabled():
            self.skipTest("SELinux is enabled here")
        context = "system_u:system_r:portage_sandbox_t:s0"
        for pre_exec in (selinux_pre_exec(context),
                         chain_pre_exec(selinux_pre_exec(context))):
            status = []
            rc = sh.spawn(["true"], env=ENV, fd_pipes={}, pre_exec=pre_exec,
                          status=status)
            self.assertEqual(rc, 125)
            self.assertEqual(status[0]["stage"], "creds")
            self.assertEqual(status[0]["error"], errno.ENOTSUP)
            self.assertIn("--selinux-exec-context `%s`" % context,
                          status[0]["message"])

    def test_pre_exec_selinux_context(self):
        """With SELinux, the command runs in the context portage's
        pre_exec names (here the caller's own, which it may enter)."""
        if not selinux_enabled():
            self.skipTest("SELinux is not enabled here")
        with open("/proc/self/attr/current") as f:
            context = f.read().rstrip("\0\n")
        rc, out = capture(["cat", "/proc/self/attr/current"],
                          pre_exec=selinux_pre_exec(context))
        self.assertEqual((rc, out.rstrip("\0\n")), (0, context))

    def test_portage_keywords(self):
        """Every keyword argument of current portage's spawn(), with
        portage's values, is accepted; an unknown one is a TypeError
        that names it."""
        kwargs = dict(env=ENV, opt_name="[cat/pkg-1] bash", fd_pipes={},
                      returnpid=False, returnproc=False, uid=None,
                      gid=None, groups=None, umask=0o22, cwd="/",
                      logfile=None, path_lookup=True, pre_exec=None,
                      close_fds=False, unshare_net=False, unshare_ipc=False,
                      unshare_mount=False, unshare_pid=False, cgroup=None,
                      warn_on_large_env=False)
        self.assertEqual(sh.spawn(["true"], **kwargs), 0)
        with self.assertRaises(TypeError) as cm:
            sh.spawn(["true"], env=ENV, fd_pipes={}, warn_on_huge_env=True)
        self.assertIn("warn_on_huge_env", str(cm.exception))

    def test_warn_on_large_env(self):
        """portage's warning, on stderr, for an environment over 96 KiB
        (three at most), counted in env_too_large_warnings; the command
        runs all the same."""
        code = """
import spawnhelper as sh, sys
env = {"PATH": "/usr/bin:/bin", "LARGE_ENV_VAR": "X" * 1024 * 96}
for _ in range(4):
    rc = sh.spawn(["echo", "large"], env=env, fd_pipes={1: 1, 2: 2},
                  warn_on_large_env=True)
small = sh.spawn(["true"], env={"PATH": "/bin"}, fd_pipes={},
                 warn_on_large_env=True)
print(rc, small, sh.env_too_large_warnings)
"""
        p = subprocess.run([PYTHON, "-c", code], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=60, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "large\n" * 4 + "0 0 3\n")
        size = len("LARGE_ENV_VAR") + 96 * 1024 + 2
        warning = ("WARNING: New process environment is large, executing "
                   "['echo', 'large'] may fail. Size: %d bytes. Largest "
                   "environment variable: LARGE_ENV_VAR (%d bytes)\n"
                   % (size + len("PATH=/usr/bin:/bin") + 1, size))
        self.assertEqual(p.stderr, warning * 3)

    def test_e2big(self):
        """As portage: an execve that fails with E2BIG returns 1 and
        writes portage's report to the command's stderr: into the log
        with logfile, and into the file given as fd 2 in fd_pipes, with
        spawn() waiting and with returnproc (the helper writes it:
        --report-e2big), nothing to this process's stderr."""
        big = 32 * os.sysconf("SC_PAGE_SIZE")  # MAX_ARG_STRLEN
        env = {"PATH": "/usr/bin:/bin", "VERY_LARGE_ENV_VAR": "X" * big}
        cmd = ["/bin/bash", "-c", "echo", "Should never appear"]
        size = len("PATH=/usr/bin:/bin") + 1 + big + 20
        report = ("ERROR: Executing %s failed with E2BIG. Child process "
                  "environment size: %d bytes. Largest environment "
                  "variable: VERY_LARGE_ENV_VAR (%d bytes)\n"
                  "[Errno 7] Argument list too long: '/bin/bash':\n"
                  "   %s\n" % (cmd, size, big + 20, " ".join(cmd)))
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "build.log")
            rc, out = capture(cmd, env=env, logfile=log)
            with open(log) as f:
                text = f.read()
            self.assertEqual(rc, 1)
            self.assertEqual(out, text)  # the log's tee to stdout
            self.assertEqual(text, report)
        code = """
import asyncio, os, sys, spawnhelper as sh
env = {"PATH": "/usr/bin:/bin", "VERY_LARGE_ENV_VAR": "X" * %d}
cmd = %r
log = sys.argv[1]
def spawn(**kw):
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC)
    try:
        return sh.spawn(cmd, env=env, fd_pipes={1: fd, 2: fd}, **kw)
    finally:
        os.close(fd)  # as SpawnProcess: before the command has ended
def logged():
    with open(log) as f:
        return f.read()
print(spawn(), repr(logged()))
proc = spawn(returnproc=True)
print(asyncio.run(proc.wait()), repr(logged()))
""" % (big, cmd)
        with tempfile.TemporaryDirectory() as tmp:
            p = subprocess.run([PYTHON, "-c", code,
                                os.path.join(tmp, "fd2.log")],
                               capture_output=True, stdin=subprocess.DEVNULL,
                               timeout=60, text=True)
        self.assertEqual((p.returncode, p.stderr), (0, ""))
        self.assertEqual(p.stdout, ("1 %r\n" % report) * 2)

    def test_bad_values_refused(self):
        with self.assertRaises(sh.SpawnError) as cm:
            sh.spawn(["true"], env=ENV, fd_pipes={}, rlimits={"nope": 1})
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(sh.SpawnError) as cm:
            sh.spawn(["true"], env=ENV, fd_pipes={}, umask=0o7777)
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(TypeError):
            sh.spawn(["true"], env=ENV, fd_pipes={}, no_such_argument=1)
        with self.assertRaises(ValueError):
            sh.spawn([], env=ENV, fd_pipes={})
        # a closed fd in fd_pipes
        fd = os.dup(1)
        os.close(fd)
        with self.assertRaises(sh.SpawnError) as cm:
            sh.spawn(["true"], env=ENV, fd_pipes={1: fd})
        self.assertEqual(cm.exception.errno, errno.EBADF)

    def test_cgroup_join(self):
        base = v2_root()
        if base is None:
            self.skipTest("no cgroup v2 this user may create cgroups in")
        self.check_joins(os.path.join(base, "sh-py-join-%d" % os.getpid()),
                         "")

    @unittest.skipUnless(ROOT, "needs root for a cgroup v1 hierarchy")
    def test_cgroup_join_v1(self):
        if not os.path.isdir("/sys/fs/cgroup/memory") or \
                os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
            self.skipTest("no cgroup v1 memory hierarchy")
        self.check_joins(
            "/sys/fs/cgroup/memory/sh-py-join-%d" % os.getpid(), "memory")

    def check_joins(self, path, controller):
        """cgroup=path (made here, removed after) puts the command in it:
        its /proc/self/cgroup line of controller ends with the name."""
        os.mkdir(path)
        try:
            rc, out = capture(["cat", "/proc/self/cgroup"], cgroup=path)
            self.assertEqual(rc, 0)
            self.assertTrue(cgroup_line(out, controller).endswith(
                "/" + os.path.basename(path)), out)
        finally:
            remove_cgroup(path)

    def test_timeout(self):
        status = []
        # the sleep's own end would be 0, not SIGTERM and timed_out: no
        # clock needed to see the timeout ended it
        rc = sh.spawn(["sleep", "30"], env=ENV, fd_pipes={}, timeout=0.2,
                      status=status)
        self.assertEqual(rc, -signal.SIGTERM)
        self.assertTrue(status[0]["timed_out"])
        # TERM ignored: KILL after kill_after. The timeout counts from
        # the execve: the shell has that long to ignore TERM (longer on a
        # slow machine: SH_TIME_SCALE, make check-vm's emulation)
        scale = int(os.environ.get("SH_TIME_SCALE", "1"))
        status = []
        rc = sh.spawn(["sh", "-c", "trap '' TERM; sleep 30"], env=ENV,
                      fd_pipes={}, timeout=0.1 * scale,
                      kill_after=0.2 * scale, status=status)
        self.assertEqual(rc, -signal.SIGKILL)
        self.assertTrue(status[0]["timed_out"])

    @unittest.skipUnless(ROOT, "needs root for a cgroup v1 memory parent")
    def test_memory_cgroup_parent(self):
        memory = "/sys/fs/cgroup/memory"
        if not os.path.exists(os.path.join(memory, "memory.limit_in_bytes")):
            self.skipTest("no cgroup v1 memory controller (not hybrid)")
        parent = os.path.join(memory, "sh-py-parent-%d" % os.getpid())
        os.mkdir(parent)
        try:
            status = []
            rc, out = capture(["cat", "/proc/self/cgroup"],
                              cgroup_parent=parent, memory_max=64 << 20,
                              status=status)
            self.assertEqual(rc, 0, status)
            leaf = cgroup_line(out, "memory")
            self.assertTrue(leaf.startswith(
                "/" + os.path.basename(parent) + "/"), out)
            self.assertGreater(status[0]["memory_peak"], 0)
            self.assertEqual(status[0]["oom_kills"], 0)
            # the transient leaf is gone
            self.assertEqual([d for d in os.listdir(parent)
                              if os.path.isdir(os.path.join(parent, d))],
                             [])
            # over the limit: killed by the OOM killer (with swap it
            # could be swapped out instead)
            with open("/proc/swaps") as f:
                if len(f.read().splitlines()) > 1:
                    return
            status = []
            rc = sh.spawn([PYTHON, "-c", "b = b'x' * (256 << 20)"],
                          env=ENV, fd_pipes={}, cgroup_parent=parent,
                          memory_max=32 << 20, status=status)
            self.assertEqual(rc, -signal.SIGKILL, status)
            self.assertGreaterEqual(status[0]["oom_kills"], 1)
        finally:
            remove_cgroup(parent)

    def test_cgroup_parent_v2(self):
        base = v2_root()
        if base is None:
            self.skipTest("no cgroup v2 this user may create cgroups in")
        parent = os.path.join(base, "sh-py-parent-%d" % os.getpid())
        os.mkdir(parent)
        try:
            status = []
            rc, out = capture(["cat", "/proc/self/cgroup"],
                              cgroup_parent=parent, status=status)
            self.assertEqual(rc, 0, status)
            self.assertIn("/" + os.path.basename(parent) + "/",
                          cgroup_line(out, ""))
            self.assertGreaterEqual(status[0]["cgroup_cpu_usec"], 0)
        finally:
            remove_cgroup(parent)

    def test_kill_ends_the_sandbox(self):
        """kill() ends the whole sandbox, not the helper alone: the
        command's background process dies too, with and without a pid
        namespace, the leaf is removed and the final record written
        before wait() returns. Every process of the sandbox holds its
        stdout: EOF there says they are all gone."""
        base = v2_root()
        if base is None:
            self.skipTest("no cgroup v2 this user may create cgroups in")
        parent = os.path.join(base, "sh-py-kill-%d" % os.getpid())
        # root's command gets a pid namespace unless told otherwise
        no_pid_ns = {"options": {"unsafe-share-pids": None}} if ROOT else {}
        os.mkdir(parent)
        try:
            for name, kwargs in (("pid namespace", {"unshare_pid": True}),
                                 ("no pid namespace", no_pid_ns)):
                with self.subTest(name):
                    self.check_kill_ends_the_sandbox(parent, kwargs)
        finally:
            for leaf in os.listdir(parent):
                path = os.path.join(parent, leaf)
                if os.path.isdir(path):
                    with open(os.path.join(path, "cgroup.kill"), "w") as f:
                        f.write("1")
                    remove_cgroup(path)
            remove_cgroup(parent)

    def check_kill_ends_the_sandbox(self, parent, kwargs):
        read_fd, write_fd = os.pipe()
        try:
            proc = sh.spawn(["sh", "-c", "sleep 777 & echo ready; sleep 778"],
                            env=ENV, fd_pipes={0: DEVNULL, 1: write_fd, 2: 2},
                            returnproc=True, cgroup_parent=parent, **kwargs)
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd, "rb") as out:
            self.assertEqual(out.readline(), b"ready\n")
            proc.kill()
            self.assertEqual(proc.wait_sync(timeout=60), -signal.SIGKILL)
            ready, _, _ = select.select([out], [], [], 30)
            self.assertTrue(ready and out.read() == b"",
                            "a process of the sandbox survived")
        self.assertEqual([d for d in os.listdir(parent)
                          if os.path.isdir(os.path.join(parent, d))], [],
                         "the leaf is left")
        self.assertGreater(proc.result["wall_usec"], 0, "no final record")

    @unittest.skipUnless("uts" in PROBE["namespaces"], "no uts namespace")
    def test_hostname_extra(self):
        self.assertEqual(capture(["hostname"], unshare_uts=True,
                                 hostname="sandbox"), (0, "sandbox\n"))

    @unittest.skipUnless(os.uname().machine == "x86_64", "x86-64 numbers")
    def test_seccomp_bpf_extra(self):
        import struct
        # uname (63 on x86-64) fails with EXDEV (18); all else is allowed
        prog = b"".join(struct.pack("=HBBI", *insn) for insn in (
            (0x20, 0, 0, 0),                # A = seccomp_data.nr
            (0x15, 0, 1, 63),               # A == uname?
            (0x06, 0, 0, 0x00050000 | 18),  # SECCOMP_RET_ERRNO | EXDEV
            (0x06, 0, 0, 0x7fff0000)))      # SECCOMP_RET_ALLOW
        fd = os.memfd_create("bpf", os.MFD_CLOEXEC)
        try:
            os.write(fd, prog)
            rc, out = capture(["uname"], seccomp_bpf=fd)
        finally:
            os.close(fd)
        self.assertNotEqual(rc, 0)
        self.assertEqual(capture(["uname"]), (0, "Linux\n"))

    def test_allow_nested_userns_extra(self):
        """The default profile refuses a user namespace of the command's
        own; allow_nested_userns=True lets it be."""
        if subprocess.run(["unshare", "-U", "true"],
                          stderr=subprocess.DEVNULL).returncode != 0:
            self.skipTest("unshare -U does not work here")
        cmd = ["sh", "-c", "unshare -U true 2>/dev/null; echo $?"]
        self.assertEqual(capture(cmd), (0, "1\n"))
        self.assertEqual(capture(cmd, allow_nested_userns=True), (0, "0\n"))

    def test_writable_extra(self):
        """A root caller's command sees the host read-only but for the
        writable paths; an ordinary user's gets no view (writable changes
        nothing)."""
        d = tempfile.mkdtemp()
        try:
            os.chmod(d, 0o755)
            cmd = ["sh", "-c", 'touch "$0/x" 2>/dev/null; echo $?', d]
            self.assertEqual(capture(cmd), (0, "1\n" if ROOT else "0\n"))
            self.assertEqual(capture(cmd, writable=[d]), (0, "0\n"))
        finally:
            shutil.rmtree(d)

    def test_rlimits_extra(self):
        self.assertEqual(capture(["sh", "-c", "ulimit -n"],
                                 rlimits={"nofile": (64, 128)}),
                         (0, "64\n"))

    def test_record_strings_any_bytes(self):
        """Messages that quote bytes that are no UTF-8, or are cut in the
        middle of a character (issue 12, point 3): a SpawnError or a
        result, never UnicodeDecodeError."""
        with self.assertRaises(sh.SpawnError) as cm:
            sh.spawn(["true"], env=ENV, fd_pipes={},
                     options={"setenv": "b" * 63 + "\u00e9"})
        self.assertIn("`" + "b" * 63 + "`", str(cm.exception))
        status = []
        self.assertEqual(sh.spawn([b"\xff\xfe"], env=ENV, fd_pipes={},
                                  status=status), 127)
        self.assertIn("`\ufffd\ufffd`", status[0]["message"])
        status = []
        # cut at 511 bytes where an \u00e9 straddles the cut
        name = "/nonexistent/a" + "\u00e9" * 127 + "/b" + "\u00e9" * 127
        self.assertEqual(sh.spawn([name], env=ENV, fd_pipes={},
                                  status=status), 127)
        self.assertNotIn("\ufffd", status[0]["message"])
        self.assertGreater(len(status[0]["message"].encode()), 500)

    def test_malformed_record(self):
        """A status record that is not JSON (written by a helper that is
        broken or not ours) is SpawnError(EBADMSG), not a result made of
        nothing."""
        records = [b'{"exit-code":0,"x":"\\u0000"}',
                   b'{"exit-code":0,"x":"\\u00zz"}',
                   b'{"exit-code":0,"x":"a\x01b"}',
                   b'{"exit-code":0,',
                   b'\xff\xfe']
        d = tempfile.mkdtemp()
        old = os.environ.get("SPAWNHELPER_PATH")
        try:
            os.chmod(d, 0o755)
            fake = os.path.join(d, "spawn-helper")
            with open(fake, "w") as f:
                # what the library hands over: 3 the spec, 4 the status
                # pipe (lib/spawn.c)
                f.write('#!/bin/sh\ncat "$(dirname "$0")/record" >&4\n')
            os.chmod(fake, 0o755)
            os.environ["SPAWNHELPER_PATH"] = fake
            for record in records:
                with open(os.path.join(d, "record"), "wb") as f:
                    f.write(record + b"\n")
                with self.assertRaises(sh.SpawnError) as cm:
                    sh.spawn(["true"], env=ENV, fd_pipes={})
                self.assertEqual(cm.exception.errno, errno.EBADMSG,
                                 record)
            with open(os.path.join(d, "record"), "wb") as f:
                f.write(b'{"exit-code":0,"x":"\\udcff\\ud83d\\ude00"}\n')
            self.assertEqual(sh.spawn(["true"], env=ENV, fd_pipes={}), 0)
        finally:
            if old is None:
                os.environ.pop("SPAWNHELPER_PATH", None)
            else:
                os.environ["SPAWNHELPER_PATH"] = old
            shutil.rmtree(d)

    def test_probe(self):
        p = sh.probe()
        self.assertEqual(p["privileged"], ROOT)
        self.assertIn(p["cgroup_layout"],
                      ("unified", "hybrid", "legacy", "none"))
        self.assertIs(sh.probe()["ipv6"], p["ipv6"])


class Tap(unittest.TestResult):
    """TAP on stdout: one line a test, tracebacks as comments."""

    def __init__(self):
        super().__init__()
        self.n = 0

    def line(self, text, details=None):
        self.n += 1
        print(text % self.n, flush=True)
        for detail in (details or "").splitlines():
            print("# " + detail, flush=True)

    @staticmethod
    def name(test):
        return test.id().rsplit(".", 1)[-1]

    def addSuccess(self, test):
        super().addSuccess(test)
        self.line("ok %d - " + self.name(test))

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.line("not ok %d - " + self.name(test),
                  "".join(traceback.format_exception(*err)))

    def addError(self, test, err):
        super().addError(test, err)
        self.line("not ok %d - " + self.name(test),
                  "".join(traceback.format_exception(*err)))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.line("ok %d - " + self.name(test) + " # SKIP " + reason)


def main():
    if sys.argv[1:] != ["--tap"]:
        unittest.main()
        return
    result = Tap()
    loader = unittest.defaultTestLoader
    unittest.TestSuite([loader.loadTestsFromModule(sys.modules[__name__]),
                        loader.loadTestsFromName("test_portage"),
                        loader.loadTestsFromName("test_package")]).run(result)
    print("1..%d" % result.n)


if __name__ == "__main__":
    main()
