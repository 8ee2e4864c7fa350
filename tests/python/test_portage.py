"""Tests of contrib/python/spawnhelper_portage.py, the portage
integration, against our stand-in portage (tests/python/fakeportage:
our own modules with portage's names and import shapes, none of its
code). Loaded by test_spawn.py's TAP runner; each case runs a fresh
python3, as emerge would start.
"""

import json
import os
import subprocess
import sys
import unittest

import spawnhelper

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fakeportage")
SITEDIR = os.path.dirname(os.path.abspath(spawnhelper.__file__))
PYTHON = sys.executable or "/usr/bin/python3"

# every module of the stand-in that binds portage.process.spawn, and how
BINDINGS = """
import portage.process, portage.util.movefile, portage.util.socks5
import portage.package.ebuild.fetch, portage.output, portage.getbinpkg
def bound():
    return {
        "portage.process.spawn": portage.process.spawn,
        "movefile.spawn": portage.util.movefile.spawn,
        "socks5.spawn": portage.util.socks5.spawn,
        "fetch.spawn": portage.package.ebuild.fetch.spawn,
        "fetch.spawn_func()": portage.package.ebuild.fetch.spawn_func(),
        "output (import at call)": portage.output.spawn_used(),
        "getbinpkg (import at call)": portage.getbinpkg.spawn_used(),
    }
def not_ours():
    import spawnhelper_portage
    return sorted(k for k, v in bound().items()
                  if v is not spawnhelper_portage.spawn)
"""


def python(code, enable=True, args=()):
    """A fresh python3 with the stand-in portage importable: its exit
    code, stdout and stderr."""
    env = dict(os.environ)
    env["PYTHONPATH"] = FAKE + os.pathsep + SITEDIR
    env.pop("SPAWNHELPER_PORTAGE", None)
    if enable:
        env["SPAWNHELPER_PORTAGE"] = "1"
    p = subprocess.run([PYTHON, "-c", code] + list(args), env=env,
                       capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


class Integration(unittest.TestCase):

    def test_pth_hook(self):
        """The one step: spawnhelper-portage.pth, read at start-up,
        with SPAWNHELPER_PORTAGE=1 replaces portage.process.spawn and
        every name portage's modules bind to it, whichever order they
        load in; without the variable it imports nothing."""
        code = ("import site, sys; site.addsitedir(%r)\n" % SITEDIR
                + BINDINGS + "print(not_ours())\n"
                "print(portage.process.spawn_bash('exit 3', env={}, "
                "fd_pipes={}))\n")
        rc, out, err = python(code)
        self.assertEqual((rc, out), (0, "[]\n3\n"), err)
        off = ("import site, sys; site.addsitedir(%r)\n" % SITEDIR
               + "import portage.process\n"
               "print(portage.process.spawn.__module__, "
               "'spawnhelper_portage' in sys.modules, "
               "'spawnhelper' in sys.modules)\n")
        self.assertEqual(python(off, enable=False)[:2],
                         (0, "portage.process False False\n"))
        self.assertEqual(python(off.replace(
            "import site", "import os; os.environ['SPAWNHELPER_PORTAGE']"
            " = '0'; import site"), enable=False)[:2],
            (0, "portage.process False False\n"))

    def test_install_late(self):
        """install() after portage's modules are loaded rebinds the
        names they hold; uninstall() gives portage's own back."""
        code = (BINDINGS + "original = portage.process.spawn\n"
                "import spawnhelper_portage as shp\n"
                "shp.install(); print(not_ours(), shp.installed())\n"
                "import inspect\n"
                "assert 'warn_on_large_env' in "
                "inspect.signature(portage.process.spawn).parameters\n"
                "shp.uninstall()\n"
                "print(sorted(k for k, v in bound().items() "
                "if v is not original), shp.installed())\n")
        rc, out, err = python(code, enable=False)
        self.assertEqual((rc, out), (0, "[] True\n[] False\n"), err)

    def test_env_warnings_counted_in_portage(self):
        """warn_on_large_env's warnings count in portage's own
        portage.process.env_too_large_warnings, as portage's test reads
        it."""
        code = ("import spawnhelper_portage as shp; shp.install()\n"
                "import portage.process as p\n"
                "env = {'LARGE_ENV_VAR': 'X' * 1024 * 96}\n"
                "rc = p.spawn(['/bin/true'], env=env, fd_pipes={}, "
                "warn_on_large_env=True)\n"
                "print(rc, p.env_too_large_warnings)\n")
        rc, out, err = python(code, enable=False)
        self.assertEqual((rc, out), (0, "0 1\n"), err)
        self.assertIn("Largest environment variable: LARGE_ENV_VAR", err)

    def test_selinux_spawn_wrapper(self):
        """portage._selinux.spawn_wrapper's pre_exec reaches the
        helper as --selinux-exec-context (refused by name where SELinux
        is not enabled), also chained with another SELinux one."""
        with open("/proc/filesystems") as f:
            if "\tselinuxfs\n" in f.read():
                self.skipTest("SELinux is enabled: test_pre_exec_selinux "
                              "covers it")
        code = ("import spawnhelper_portage as shp; shp.install()\n"
                "import portage.process, portage._selinux as se\n"
                "spawn = se.spawn_wrapper(portage.process.spawn, 'u:r:a:s0')\n"
                "inner = se.spawn_wrapper(portage.process.spawn, 'u:r:b:s0')\n"
                "for f in (spawn, se.spawn_wrapper(inner, 'u:r:c:s0')):\n"
                "    st = []\n"
                "    print(f(['/bin/true'], env={}, fd_pipes={}, status=st),"
                " st[0]['message'])\n")
        rc, out, err = python(code, enable=False)
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertEqual(len(lines), 2, out)
        self.assertTrue(lines[0].startswith(
            "125 --selinux-exec-context `u:r:a:s0`"), lines[0])
        # portage's chain runs the outer wrapper's pre_exec, then the
        # inner one's: the inner context is the one set before exec
        self.assertTrue(lines[1].startswith(
            "125 --selinux-exec-context `u:r:b:s0`"), lines[1])

    def test_doebuild_phases(self):
        """Each phase as emerge spawns it (portage_driver.py: doebuild's
        keyword arguments, SpawnProcess's closing of its pipe end and
        its await of proc.wait()): runs, with the credentials and
        namespaces portage's FEATURES give it."""
        phases = ["depend", "unpack", "compile", "test", "install",
                  "preinst", "postinst"]
        code = ("import runpy, sys; sys.argv = sys.argv[1:]; "
                "runpy.run_path(sys.argv[0], run_name='__main__')")
        rc, out, err = python(code, args=[
            os.path.join(HERE, "portage_driver.py"), SITEDIR] + phases)
        self.assertEqual(rc, 0, err)
        results = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([r["phase"] for r in results], phases)
        host = {ns: os.readlink("/proc/self/ns/" + ns)
                for ns in ("net", "ipc", "pid")}
        root = os.getuid() == 0
        for r in results:
            with self.subTest(phase=r["phase"]):
                self.assertEqual((r["rc"], r["returncode"]), (0, 0), r)
                name, uid, umask, net, ipc, pid = r["output"].split()
                self.assertEqual(name, r["phase"])
                userpriv = r["phase"] in ("depend", "unpack", "compile",
                                          "test")
                if not root:
                    # doebuild asks for no namespace and no uid then
                    self.assertEqual(int(uid), os.getuid())
                    continue
                self.assertEqual(int(uid), 65534 if userpriv else 0)
                if userpriv:
                    self.assertEqual(umask, "0022")
                shared = r["phase"] in ("preinst", "postinst")
                self.assertEqual(net == host["net"], shared)
                self.assertEqual(ipc == host["ipc"], shared)
                if not shared:
                    self.assertNotEqual(pid, host["pid"])
