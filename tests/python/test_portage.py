# SPDX-License-Identifier: LGPL-2.1-or-later
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


PHASE_SCRIPT = os.path.join(HERE, "phase.sh")
# sandbox_capable as portage.process and config see it, and whose
# spawn_sandbox is in place, once the integration is installed
SANDBOX_STATE = ("import spawnhelper_portage as shp; shp.install()\n"
                 "import portage.process as p, portage.package.ebuild."
                 "config as c\n"
                 "print(p.sandbox_capable, c.sandbox_capable, "
                 "p.spawn_sandbox is shp.spawn_sandbox)\n")
ROOT_ONLY = ("as an ordinary user doebuild drops no privileges and asks "
             "for no namespaces: the phases' own sandboxes are root's")


def helper_has(option):
    """Whether the helper under test knows option (its --help)."""
    helper = os.environ.get("SPAWNHELPER_PATH", "spawn-helper")
    p = subprocess.run([helper, "--help"], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=60)
    return ("--" + option) in p.stdout


class Phases(unittest.TestCase):
    """Each phase's own sandbox (spawnhelper_portage.phase_options):
    the table, the kernel sandbox's options, and ebuild-like phases
    (phase.sh) run with doebuild's keyword arguments."""

    def setUp(self):
        import spawnhelper_portage as shp
        self.shp = shp
        self.caps = set(shp.caller_caps())

    def kept(self, names):
        kept = [n for n in names if n in self.caps]
        return [("cap-keep", ",".join(kept))] if kept else []

    def test_phase_table(self):
        """phase → uid, capabilities, seccomp profile, view, writable
        paths (README.md's table), for a root portage; nothing for an
        ordinary one."""
        shp = self.shp
        import tempfile
        with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
            build = os.path.join(tmp, "portage", "cat", "pkg-1")
            for sub in ("temp", "image", "homedir", "work"):
                os.makedirs(os.path.join(build, sub))
            extra = os.path.join(tmp, "ccache")
            os.mkdir(extra)
            env = {"PORTAGE_TMPDIR": tmp, "PORTAGE_BUILDDIR": build,
                   "T": build + "/temp", "D": build + "/image",
                   "HOME": build + "/homedir", "WORKDIR": build + "/work",
                   "SANDBOX_WRITE": "/dev/null:/tmp/conftest:/nonexistent:"
                                    + extra + "/:/:relative"}
            writable = [("writable", p) for p in
                        (tmp + "/portage", extra)]
            self.assertEqual(shp.writable_paths(env),
                             [tmp + "/portage", extra])
            root = [("seccomp-profile", "build"), ("tmpfs", "/tmp")]
            image = [("seccomp-profile", "install"), ("tmpfs", "/tmp")]
            for phase, kwargs, kind, options in (
                    ("install", {}, "image",
                     self.kept(shp.IMAGE_CAPS) + image + writable),
                    ("instprep", {"uid": 0}, "image",
                     self.kept(shp.IMAGE_CAPS) + image + writable),
                    (None, {}, "image",
                     self.kept(shp.IMAGE_CAPS) + image + writable),
                    ("setup", {}, "root",
                     self.kept(shp.ROOT_CAPS) + root + writable),
                    ("compile", {}, "root",
                     self.kept(shp.ROOT_CAPS) + root + writable),
                    ("compile", {"uid": 250, "gid": 250}, "userpriv",
                     [("seccomp-profile", "build")]),
                    ("postinst", {"unshare_pid": False}, "live",
                     [("unsafe-writable-host", None)]
                     + self.kept(shp.ALL_CAPS)
                     + [("seccomp-profile", "none"),
                        ("unsafe-share-pids", None)]),
                    ("preinst", {"unshare_pid": True}, "live",
                     [("unsafe-writable-host", None)]
                     + self.kept(shp.ALL_CAPS)
                     + [("seccomp-profile", "none")])):
                with self.subTest(phase=phase, kwargs=kwargs):
                    self.assertEqual(
                        shp.phase_kind(phase, kwargs, host_root=True), kind)
                    self.assertEqual(shp.phase_options(
                        phase, kwargs, env, host_root=True), options)
                    self.assertEqual(shp.phase_options(
                        phase, kwargs, env, host_root=False), [])

    def test_resolv_conf_binds(self):
        """A root phase's view has an empty /run: where resolv.conf
        links into the host's /run (systemd-resolved's stub), the file
        it names is bound, read-only, and reads through the link in the
        view; nothing for a plain file or a link elsewhere."""
        import shutil
        import spawnhelper
        import tempfile
        shp = self.shp
        d = tempfile.mkdtemp()
        run = None
        try:
            plain = os.path.join(d, "plain")
            with open(plain, "w") as f:
                f.write("nameserver 192.0.2.1\n")
            elsewhere = os.path.join(d, "elsewhere")
            os.symlink(plain, elsewhere)
            self.assertEqual(shp.resolv_conf_binds(plain), [])
            self.assertEqual(shp.resolv_conf_binds(elsewhere), [])
            if os.geteuid() != 0:
                self.skipTest("a file under the host's /run needs root")
            run = tempfile.mkdtemp(dir="/run", prefix="spawnhelper-test.")
            stub = os.path.join(run, "stub-resolv.conf")
            shutil.copy(plain, stub)
            link = os.path.join(d, "resolv.conf")
            os.symlink(stub, link)
            binds = shp.resolv_conf_binds(link)
            self.assertEqual(binds, [("ro-bind", stub)])
            for options, want in (({}, ""),
                                  (dict(binds), "nameserver 192.0.2.1\n")):
                with self.subTest(options=options):
                    r, w = os.pipe()
                    try:
                        code = spawnhelper.spawn(
                            ["cat", link], fd_pipes={1: w, 2: w},
                            options=options)
                    finally:
                        os.close(w)
                    with os.fdopen(r) as f:
                        got = f.read()
                    self.assertEqual((code == 0, got if code == 0 else ""),
                                     (bool(want), want))
        finally:
            shutil.rmtree(d)
            if run:
                shutil.rmtree(run)

    def test_host_tmp_paths(self):
        """The paths below /tmp a phase's environment names: words of
        any value (split at colons and white space), each once, not
        /tmp itself, not a name that only starts like it (/tmpfoo),
        not SANDBOX_*'s, a value that is no str ignored; private_tmp
        moves to /var/tmp only when something is named below /tmp."""
        shp = self.shp
        env = {"A": "/usr/bin:/tmp/a/b:/tmp",
               "B": "x /tmp/c\t/tmpfoo/d /var/tmp/e /tmp/a/b",
               "C": "no tmp here: tmp/x ./tmp/y",
               "SANDBOX_WRITE": "/tmp/sandbox", "D": b"/tmp/bytes",
               "E": "--dir=/tmp/f"}
        self.assertEqual(shp.host_tmp_paths(env),
                         ["/tmp/a/b", "/tmp/c"])
        self.assertEqual(shp.host_tmp_paths(env, "/var/tmp"),
                         ["/var/tmp/e"])
        self.assertEqual(shp.host_tmp_paths({"A": "/tmp", "B": "/tmpx"}),
                         [])
        self.assertEqual(shp.private_tmp({"A": "/tmp /tmpx"}), "/tmp")
        self.assertEqual(shp.private_tmp({"A": "/tmp/x"}), "/var/tmp")
        self.assertIsNone(shp.private_tmp({"A": "/tmp/x /var/tmp/y"}))

    def test_sandbox_options(self):
        """FEATURES=sandbox: the helper options built from the phase's
        SANDBOX_* variables, Gentoo's defaults and portage's paths, and
        what spawn_sandbox hands the binding: bash -c COMMAND."""
        shp = self.shp
        env = {"EBUILD_PHASE": "compile", "HOME": "/b/homedir",
               "T": "/b/temp", "PORTAGE_TMPDIR": "/vt",
               "SANDBOX_WRITE": "/w1:/w2/::/w1",
               "SANDBOX_PREDICT": "/p1", "SANDBOX_READ": "/",
               "SANDBOX_DENY": "/d1:/d2", "SANDBOX_LOG": "/b/temp/sb.log",
               "PORTAGE_GPG_DIR": "/gpg"}
        write = (["/w1", "/w2"] + list(shp.SANDBOX_DEFAULT_WRITE)
                 + ["/b/temp", "/b/homedir", "/vt/portage",
                    "/b/homedir/.bash_history"])
        expected = ([("sandbox-write", p) for p in write]
                    + [("sandbox-predict", p)
                       for p in ("/p1", "/b/homedir", "/gpg")]
                    + [("sandbox-read", "/"), ("sandbox-deny", "/d1"),
                       ("sandbox-deny", "/d2"),
                       ("sandbox-log", "/b/temp/sb.log"),
                       ("sandbox-grants", None)])
        self.assertEqual(shp.sandbox_options(env), expected)
        kwargs = {"env": env, "uid": 250, "opt_name": "[cat/pkg-1] sandbox",
                  "options": {"timeout": 5}}
        argv, args, given = shp.spawn_arguments(
            ["/bin/bash", "-c", "ebuild.sh compile"], (), kwargs,
            sandbox=True)
        self.assertEqual((argv, args), (["/bin/bash", "-c",
                                         "ebuild.sh compile"], ()))
        self.assertEqual(given["options"],
                         [("seccomp-profile", "build")] * (os.getuid() == 0)
                         + expected + [("timeout", 5)])
        # a spawn outside a phase (fetch, movefile): no phase options
        self.assertEqual(shp.spawn_arguments(["wget"], (), {"env": {}})[2],
                         {"env": {}})

    def test_is_phase(self):
        """A phase is what doebuild's spawn starts: its opt_name, "[CPV]"
        or "[CATEGORY/PF]" then bash, sandbox or fakeroot (the name
        portage gives every phase), whatever the environment holds."""
        shp = self.shp
        for name in ("[cat/pkg-1] bash", "[dev-libs/A-1] sandbox",
                     "[/] fakeroot", "[cat/pkg-1-r1] bash"):
            self.assertTrue(shp.is_phase({"opt_name": name}), name)
        for name in (None, "wget", "bash", "[cat/pkg-1]", "[cat/pkg-1] sh",
                     "[cat/pkg-1] bashful", "x [cat/pkg-1] bash",
                     "[cat/pkg-1] bash\n"):
            self.assertFalse(shp.is_phase({"opt_name": name}), name)
        self.assertFalse(shp.is_phase({}))

    def driver(self, phases, features=None, env=(), expect=0,
               builddir=None):
        """portage_driver.py for phases in a fresh build tree: the
        results and the tree (tmpdir, outside)."""
        args = [os.path.join(HERE, "portage_driver.py"), SITEDIR,
                "--tmpdir", self.tmpdir, "--script", self.script,
                "--env", "OUTSIDE=" + self.outside]
        if builddir is not None:
            args += ["--builddir", builddir]
        if features is not None:
            args += ["--features", features]
        for item in env:
            args += ["--env", item]
        code = ("import runpy, sys; sys.argv = sys.argv[1:]; "
                "runpy.run_path(sys.argv[0], run_name='__main__')")
        rc, out, err = python(code, args=args + list(phases))
        self.assertEqual(rc, 0, err)
        results = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([r["phase"] for r in results], list(phases), err)
        for r in results:
            self.assertEqual((r["rc"], r["returncode"]), (expect,) * 2, r)
            r["checks"] = dict(line.split(" ", 1)
                               for line in r["output"].splitlines())
        return results

    def make_tree(self, top="/var/tmp"):
        """Portage's tree (PORTAGE_TMPDIR, the phase script) below top."""
        import shutil
        import tempfile
        if os.getuid() != 0:
            self.skipTest(ROOT_ONLY)
        base = tempfile.mkdtemp(dir=top, prefix="sh-phases-")
        self.addCleanup(shutil.rmtree, base)
        os.chmod(base, 0o755)
        self.tmpdir = os.path.join(base, "tmpdir")
        os.mkdir(self.tmpdir)
        # outside every default of Gentoo's SANDBOX_WRITE (/var/tmp is
        # one, for a phase that is not root's); not below /run, which a
        # root phase's view has empty (a write there finds no directory,
        # refused but no violation to report)
        self.outside = tempfile.mkdtemp(dir="/var/lib", prefix="sh-phases-")
        self.addCleanup(shutil.rmtree, self.outside)
        os.chmod(self.outside, 0o755)
        with open(os.path.join(self.outside, "file"), "w") as f:
            f.write("host\n")
        os.chmod(os.path.join(self.outside, "file"), 0o755)
        self.script = os.path.join(base, "phase.sh")
        shutil.copy(PHASE_SCRIPT, self.script)
        os.chmod(self.script, 0o755)
        for path in ("/etc/sh-phase-test", "/usr/bin/sh-phase-test",
                     "/tmp/sh-phase-test", "/var/tmp/sh-phase-test"):
            self.addCleanup(self.assert_absent, path)

    def assert_absent(self, path):
        if os.path.lexists(path):
            os.unlink(path)
            self.fail("the phase wrote the host's " + path)

    def test_install_phase(self):
        """src_install as root: fowners, fperms 4711 and 2711, mknod and
        writes into portage's 0700 directories work, and the setuid
        bits land in ${D}; outside portage's paths (a host directory,
        /etc, /usr/bin) nothing is written, chmod 4711 included; /tmp
        is the view's own."""
        self.make_tree()
        # FEATURES=sandbox (portage's default): the refused writes are
        # violations, which fail the phase as Gentoo's sandbox does
        sandbox = helper_has("sandbox-write")
        r, = self.driver(["install"], expect=1 if sandbox else 0)
        expected = {"t-write": "ok", "builddir-lock": "ok",
                    "image-dir": "ok", "fowners": "ok",
                    "fperms-4711": "ok", "fperms-4711-mode": "4711",
                    "fperms-2711": "ok", "fperms-2711-mode": "2711",
                    "mknod": "ok", "outside-write": "refused",
                    "outside-chmod": "refused", "etc-write": "refused",
                    "usr-bin-write": "refused", "tmp-write": "ok",
                    "var-tmp-write": "refused", "tempdir": "ok"}
        self.assertEqual(r["checks"], expected, r)
        image = os.path.join(self.tmpdir, "portage/cat/pkg-1/image")
        st = os.stat(os.path.join(image, "usr/bin/own"))
        self.assertEqual((st.st_mode & 0o7777, st.st_uid), (0o4711, 1234))
        st = os.stat(os.path.join(self.outside, "file"))
        self.assertEqual(st.st_mode & 0o7777, 0o755)
        self.assertFalse(os.path.exists(os.path.join(self.outside, "new")))
        if sandbox:
            log = os.path.join(self.tmpdir,
                               "portage/cat/pkg-1/temp/sandbox.log")
            with open(log) as f:
                text = f.read()
            for path in (os.path.join(self.outside, "new"),
                         "/etc/sh-phase-test", "/usr/bin/sh-phase-test"):
                self.assertIn(path, text)

    def test_install_phase_tree_in_tmp(self):
        """PORTAGE_TMPDIR and portage's scripts below /tmp (a tmpfs
        PORTAGE_TMPDIR, portage's own test playgrounds): the image phase
        sees them and writes its build directory; the host's /tmp is
        read-only there instead of a tmpfs of its own, which goes on
        /var/tmp (programs without TMPDIR find a temporary directory),
        so nothing but portage's tree is written."""
        self.make_tree(top="/tmp")
        sandbox = helper_has("sandbox-write")
        r, = self.driver(["install"], expect=1 if sandbox else 0)
        self.assertEqual(r["checks"], {
            "t-write": "ok", "builddir-lock": "ok", "image-dir": "ok",
            "fowners": "ok",
            "fperms-4711": "ok", "fperms-4711-mode": "4711",
            "fperms-2711": "ok", "fperms-2711-mode": "2711",
            "mknod": "ok", "outside-write": "refused",
            "outside-chmod": "refused", "etc-write": "refused",
            "usr-bin-write": "refused", "tmp-write": "refused",
            "var-tmp-write": "ok", "tempdir": "ok"}, r)
        st = os.stat(os.path.join(self.tmpdir,
                                  "portage/cat/pkg-1/image/usr/bin/own"))
        self.assertEqual((st.st_mode & 0o7777, st.st_uid), (0o4711, 1234))

    def test_caller_builddir(self):
        """A PORTAGE_BUILDDIR of the caller's, not below
        ${PORTAGE_TMPDIR}/portage (doebuild's API consumers): the root
        phase writes the build directory's lock beside it, in the
        category directory."""
        self.make_tree()
        builddir = os.path.join(self.tmpdir, "cat", "pkg-1")
        r, = self.driver(["install"], features="", builddir=builddir)
        self.assertEqual((r["checks"]["t-write"],
                          r["checks"]["builddir-lock"]), ("ok", "ok"), r)
        self.assertTrue(os.path.exists(os.path.join(
            self.tmpdir, "cat", ".pkg-1.portage_lockfile")))

    def test_package_phase(self):
        """FEATURES=buildpkg: the package phase (misc-functions.sh, run
        in spawn_sandbox) writes and removes the binary package's
        temporary file, which portage made in PKGDIR before the phase
        (PORTAGE_BINPKG_TMPFILE), and with FEATURES=binpkg-signing takes
        the signing lock and writes the gpg home that make.conf names."""
        self.make_tree()
        pkgdir = os.path.join(self.tmpdir, "pkgdir", "cat")
        os.makedirs(pkgdir)
        tmpfile = os.path.join(pkgdir, "pkg-1.gpkg.tar.123")
        open(tmpfile, "w").close()
        r, = self.driver(["package"],
                         env=["PORTAGE_BINPKG_TMPFILE=" + tmpfile])
        self.assertEqual(r["checks"], {"binpkg-write": "ok"}, r)
        self.assertFalse(os.path.exists(tmpfile))
        # FEATURES=binpkg-signing: portage signs from gpkg-helper.py with
        # its settings read afresh from PORTAGE_CONFIGROOT's make.conf
        # (the phase's environment does not carry them): gpg's home and
        # the directory of flock's lock file, both outside portage's
        # paths, are written
        import shutil
        import tempfile
        signing = tempfile.mkdtemp(dir="/run", prefix="sh-phases-")
        self.addCleanup(shutil.rmtree, signing)
        home, lockdir = (os.path.join(signing, d) for d in ("gnupg", "lock"))
        os.mkdir(home, 0o700)
        os.mkdir(lockdir)
        lock = os.path.join(lockdir, "portage-binpkg-gpg.lock")
        configroot = os.path.join(self.tmpdir, "configroot")
        os.makedirs(os.path.join(configroot, "etc", "portage"))
        with open(os.path.join(configroot, "etc", "portage", "make.conf"),
                  "w") as f:
            f.write('BINPKG_GPG_SIGNING_GPG_HOME="%s"\n'
                    'BINPKG_GPG_SIGNING_BASE_COMMAND="/usr/bin/flock %s '
                    '/usr/bin/gpg --sign --armor [PORTAGE_CONFIG]"\n'
                    % (home, lock))
        open(tmpfile, "w").close()
        r, = self.driver(["package"], features="sandbox userpriv "
                         "network-sandbox ipc-sandbox mount-sandbox "
                         "pid-sandbox binpkg-signing",
                         env=["PORTAGE_BINPKG_TMPFILE=" + tmpfile,
                              "PORTAGE_CONFIGROOT=" + configroot,
                              "SIGNING_HOME=" + home, "SIGNING_LOCK=" + lock])
        self.assertEqual(r["checks"], {"binpkg-write": "ok", "gpg-lock": "ok",
                                       "gpg-home": "ok"}, r)

    def test_fetch_spawn(self):
        """Portage's fetcher as root (FETCHCOMMAND, the DISTDIR write
        test; no userfetch): fetch's _spawn_fetch sets EBUILD_PHASE=fetch
        in the environment of a spawn that is no ebuild phase; the
        fetcher writes DISTDIR, and nothing else of the host."""
        self.make_tree()
        build = os.path.join(self.tmpdir, "portage", "cat", "pkg-1")
        os.makedirs(build)
        distdir = os.path.join(self.outside, "distfiles")
        os.mkdir(distdir)
        env = {"PATH": "/usr/bin:/bin", "EBUILD_PHASE": "fetch",
               "DISTDIR": distdir, "PORTAGE_TMPDIR": self.tmpdir,
               "PORTAGE_BUILDDIR": build, "OUTSIDE": self.outside}
        code = ("import json, site, sys; site.addsitedir(%r)\n" % SITEDIR
                + "import portage.package.ebuild.fetch as fetch\n"
                "script = 'echo x >\"$DISTDIR/foo.__download__\"; "
                "echo x >\"$OUTSIDE/new\"'\n"
                "print(fetch.spawn(['/bin/bash', '-c', script], "
                "env=json.loads(sys.argv[1]), fd_pipes={1: 1, 2: 2}))\n")
        rc, out, err = python(code, args=[json.dumps(env)])
        self.assertEqual((rc, out), (0, "1\n"), err)
        self.assertTrue(os.path.exists(os.path.join(
            distdir, "foo.__download__")), err)
        self.assertFalse(os.path.exists(os.path.join(self.outside, "new")))

    def test_quickpkg_spawn(self):
        """Portage's quickpkg run as root outside a phase (vartree's
        FEATURES=unmerge-backup and downgrade-backup: an interpreter and
        the quickpkg script, in the global config's environment) writes
        the binary package into PKGDIR, and nothing else of the host."""
        self.make_tree()
        # not there yet: quickpkg makes it (portage's ensure_dirs)
        pkgdir = os.path.join(self.outside, "packages")
        tool = os.path.join(self.tmpdir, "bin", "quickpkg")
        os.makedirs(os.path.dirname(tool))
        with open(tool, "w") as f:
            f.write('mkdir -p "$PKGDIR" && echo x >"$PKGDIR/pkg-1.tbz2"\n'
                    'echo x >"$OUTSIDE/new"\n')
        env = {"PATH": "/usr/bin:/bin", "PKGDIR": pkgdir,
               "PORTAGE_TMPDIR": self.tmpdir, "OUTSIDE": self.outside,
               "FEATURES": "unmerge-backup",
               "__PORTAGE_INHERIT_VARDB_LOCK": "1"}
        code = ("import json, site, sys; site.addsitedir(%r)\n" % SITEDIR
                + "import portage.process\n"
                "print(portage.process.spawn(['/bin/sh', %r, "
                "'=cat/pkg-1'], env=json.loads(sys.argv[1]), "
                "fd_pipes={1: 1, 2: 2}))\n" % tool)
        rc, out, err = python(code, args=[json.dumps(env)])
        self.assertEqual(rc, 0, err)
        self.assertNotEqual(out, "0\n", err)  # the write beside PKGDIR
        self.assertTrue(os.path.exists(os.path.join(pkgdir, "pkg-1.tbz2")),
                        err)
        self.assertFalse(os.path.exists(os.path.join(self.outside, "new")))

    def test_binpkg_fetch_spawn(self):
        """Portage's binary package fetcher as root (BinpkgFetcher: a
        SpawnProcess of FETCHCOMMAND with the bintree's whole settings as
        environment, PORTAGE_BUILDDIR and EBUILD_PHASE among them, and
        ${DISTDIR}/${FILE} its download, the package's path + .partial)
        writes its download into the binhost cache below
        ${EPREFIX}/var/cache/binhost, or PKGDIR with PORTAGE_BINHOST: the
        download's directory (rsync's FETCHCOMMAND_RSYNC writes a
        temporary file there and renames it), nothing else: not the
        directory above, not the build directory, not the host. A
        .partial name outside those gets no write."""
        self.make_tree()
        build = os.path.join(self.tmpdir, "portage", "dev-libs", "A-1")
        os.makedirs(build)
        eprefix = os.path.join(self.outside, "eprefix")
        pkgdir = os.path.join(self.outside, "packages")
        # made by BinpkgFetcher (ensure_dirs) before it spawns
        cache = os.path.join(eprefix, "var", "cache", "binhost",
                             "test-binhost", "dev-libs", "A")
        stray = os.path.join(self.outside, "stray")
        for path in (cache, os.path.join(pkgdir, "dev-libs", "A"), stray):
            os.makedirs(path)
        # wget's shape: -O FILE URI (or --output-document=FILE)
        fetcher = os.path.join(self.tmpdir, "bin", "fetcher")
        os.makedirs(os.path.dirname(fetcher))
        with open(fetcher, "w") as f:
            f.write('#!/bin/sh\n'
                    'case $1 in -O) file=$2 ;; *) file=${1#*=} ;; esac\n'
                    'echo x >"$file" || exit 3\n'
                    'for p in "${file%/*/*}/above" \\\n'
                    '    "$PORTAGE_BUILDDIR/fetched" "$OUTSIDE/new"; do\n'
                    '  if echo x >"$p"; then echo "wrote $p"; fi\n'
                    'done 2>/dev/null\n')
        os.chmod(fetcher, 0o755)
        env = {"PATH": "/usr/bin:/bin", "EPREFIX": eprefix,
               "PKGDIR": pkgdir, "PORTAGE_CONFIGROOT": eprefix,
               "PORTAGE_TMPDIR": self.tmpdir, "PORTAGE_BUILDDIR": build,
               "EBUILD_PHASE": "install", "OUTSIDE": self.outside}
        uri = "http://127.0.0.1:1/binhost/dev-libs/A/A-1-1.xpak"
        downloads = [
            ["-O", os.path.join(cache, "A-1-1.xpak.partial")],
            ["--output-document=" + os.path.join(
                pkgdir, "dev-libs", "A", "A-1-1.gpkg.tar.partial")],
            ["-O", os.path.join(stray, "A-1-1.xpak.partial")]]
        code = ("import json, site, sys; site.addsitedir(%r)\n" % SITEDIR
                + "import portage.process\n"
                "env = json.loads(sys.argv[1])\n"
                "for args in json.loads(sys.argv[2]):\n"
                "    print(portage.process.spawn([%r] + args + [%r], "
                "env=env, fd_pipes={1: 1, 2: 2}))\n" % (fetcher, uri))
        rc, out, err = python(code, args=[json.dumps(env),
                                          json.dumps(downloads)])
        self.assertEqual((rc, out), (0, "0\n0\n3\n"), err)
        for args in downloads[:2]:
            self.assertTrue(os.path.exists(args[-1].split("=")[-1]), err)
        self.assertEqual(os.listdir(cache), ["A-1-1.xpak.partial"])
        self.assertEqual(os.listdir(stray), [])
        self.assertEqual(os.listdir(build), [])
        self.assertFalse(os.path.exists(os.path.join(self.outside, "new")))

    def test_builddir_tool_spawn(self):
        """A root spawn outside a phase with a package's settings as its
        environment (PORTAGE_BUILDDIR, EBUILD_PHASE, SANDBOX_WRITE: as
        portage's BinpkgExtractorAsync unpacks a binary package into
        ${D}) makes the image in the build directory, owners and setuid
        modes included, and takes the build directory's lock beside it
        (as ebuild-ipc does), but gets none of a phase's other paths
        (SANDBOX_WRITE, ${PORTAGE_TMPDIR}/portage); the same command
        started by doebuild's spawn (its opt_name) is a phase and gets
        them."""
        self.make_tree()
        build = os.path.join(self.tmpdir, "portage", "cat", "pkg-1")
        os.makedirs(build)
        granted = os.path.join(self.outside, "granted")
        os.mkdir(granted)
        env = {"PATH": "/usr/bin:/bin", "PORTAGE_TMPDIR": self.tmpdir,
               "PORTAGE_BUILDDIR": build, "D": build + "/image",
               "T": build + "/temp", "EBUILD_PHASE": "install",
               "SANDBOX_WRITE": granted, "OUTSIDE": self.outside}
        script = ('mkdir -p "$D/usr/bin" && echo x >"$D/usr/bin/own" && '
                  'chown 1234:1234 "$D/usr/bin/own" && '
                  'chmod 4711 "$D/usr/bin/own" || exit 3; '
                  'for p in "$SANDBOX_WRITE/new" '
                  '"${PORTAGE_BUILDDIR%/*}/.pkg-1.portage_lockfile" '
                  '"${PORTAGE_BUILDDIR%/*}/../new" "$OUTSIDE/new"; do '
                  'if echo x >"$p"; then echo "wrote $p"; fi; done 2>/dev/null')
        code = ("import json, site, sys; site.addsitedir(%r)\n" % SITEDIR
                + "import portage.process\n"
                "env = json.loads(sys.argv[1])\n"
                "print(portage.process.spawn(['/bin/bash', '-c', %r], "
                "env=env, fd_pipes={1: 1, 2: 2}))\n"
                "print(portage.process.spawn_bash(%r, env=env, "
                "opt_name='[cat/pkg-1] bash', fd_pipes={1: 1, 2: 2}))\n"
                % (script, script))
        rc, out, err = python(code, args=[json.dumps(env)])
        self.assertEqual(rc, 0, err)
        lock = os.path.join(os.path.dirname(build), ".pkg-1.portage_lockfile")
        # a phase's: ${PORTAGE_TMPDIR}/portage, ebuild.sh's addwrite
        above = os.path.dirname(build) + "/../new"
        self.assertEqual(out.splitlines(), [
            "wrote " + lock, "0", "wrote %s/new" % granted,
            "wrote " + lock, "wrote " + above, "0"], err)
        st = os.stat(os.path.join(build, "image", "usr", "bin", "own"))
        self.assertEqual((st.st_mode & 0o7777, st.st_uid), (0o4711, 1234))
        self.assertFalse(os.path.exists(os.path.join(self.outside, "new")))

    def test_userpriv_phase(self):
        """A userpriv phase (portage's uid) writes its ${WORKDIR} but
        cannot make a setuid file: the build profile."""
        self.make_tree()
        r, = self.driver(["compile"])
        self.assertEqual(r["checks"], {
            "workdir-write": "ok", "userpriv-setuid": "refused",
            "userpriv-setuid-mode": "644"}, r)

    def test_live_phase(self):
        """pkg_postinst writes the live system, in the host's pid
        namespace, as portage runs it (--unsafe-writable-host,
        --unsafe-share-pids: README.md says why)."""
        self.make_tree()
        r, = self.driver(["postinst"])
        self.assertEqual(r["checks"], {
            "live-write": "ok",
            "pid-ns": os.readlink("/proc/self/ns/pid")}, r)
        self.assertTrue(os.path.exists(os.path.join(self.outside, "live")))

    def test_kernel_sandbox(self):
        """FEATURES="sandbox usersandbox": spawn_sandbox is ours and
        sandbox_capable true; a write outside SANDBOX_WRITE is refused
        and logged in SANDBOX_LOG; addwrite widens it while the phase
        runs."""
        if not helper_has("sandbox-write"):
            self.skipTest("this spawn-helper has no --sandbox-write (the "
                          "kernel sandbox's options)")
        self.assertEqual(python(SANDBOX_STATE, enable=False)[:2],
                         (0, "True True True\n"))
        self.make_tree()
        os.chmod(self.outside, 0o777)
        os.mkdir(os.path.join(self.outside, "granted"), 0o777)
        os.chmod(os.path.join(self.outside, "granted"), 0o777)
        # the refused write fails the phase, as Gentoo's sandbox does
        r, = self.driver(["compile"], features="sandbox userpriv "
                         "usersandbox network-sandbox ipc-sandbox "
                         "mount-sandbox pid-sandbox",
                         env=["SANDBOX_TEST=1"], expect=1)
        self.assertEqual(r["func"], "spawn_sandbox", r)
        self.assertEqual((r["checks"]["sandbox-outside"],
                          r["checks"]["sandbox-granted"]),
                         ("refused", "ok"), r)
        self.assertFalse(os.path.exists(os.path.join(self.outside,
                                                     "denied")))
        log = os.path.join(self.tmpdir, "portage/cat/pkg-1/temp/sandbox.log")
        with open(log) as f:
            self.assertIn(os.path.join(self.outside, "denied"), f.read())

    def test_sandbox_capable_follows_helper(self):
        """Without the helper's kernel sandbox, portage's spawn_sandbox
        and sandbox_capable stay portage's (Gentoo's sandbox binary)."""
        if helper_has("sandbox-write"):
            self.skipTest("this spawn-helper has the kernel sandbox: "
                          "test_kernel_sandbox covers it")
        self.assertEqual(python(SANDBOX_STATE, enable=False)[:2],
                         (0, "False False False\n"))
