# SPDX-License-Identifier: LGPL-2.1-or-later
"""The binding as a package (issue 16, point 6): pyproject.toml installs
it (modules and .pth hook) where an import finds it, its __version__ is
configure's, and a struct sh_result laid out otherwise than the
library's is refused at import. Loaded by test_spawn.py --tap."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import spawnhelper as sh

SOURCE = os.path.dirname(os.path.abspath(sh.__file__))
PYTHON = sys.executable or "/usr/bin/python3"


def run_python(code, pythonpath, **env):
    """python -c code with only pythonpath: (exit status, output)."""
    full = {"PATH": "/usr/bin:/bin", "HOME": tempfile.gettempdir(),
            "PYTHONPATH": pythonpath, "PYTHONDONTWRITEBYTECODE": "1",
            "SPAWNHELPER_LIBRARY": os.environ["SPAWNHELPER_LIBRARY"],
            "SPAWNHELPER_PATH": os.environ["SPAWNHELPER_PATH"]}
    full.update(env)
    p = subprocess.run([PYTHON, "-c", code], env=full, cwd="/",
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode(errors="replace")


class TestPackage(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sh-package-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_version_is_configures(self):
        want = os.environ.get("SH_VERSION")
        if not want:
            self.skipTest("SH_VERSION (configure's version) unset")
        self.assertEqual(sh.__version__, want)

    def test_installed_package_imports(self):
        """pip builds from pyproject.toml (setuptools, nothing fetched)
        into a site directory; the modules import from there, the .pth
        hook sits beside them."""
        try:
            import setuptools  # noqa: F401
            import pip  # noqa: F401
        except ImportError as e:
            self.skipTest("no %s for %s" % (e.name, PYTHON))
        src = os.path.join(self.tmp, "src")
        site = os.path.join(self.tmp, "site")
        shutil.copytree(SOURCE, src, ignore=shutil.ignore_patterns(
            "__pycache__", "build", "*.egg-info"))
        p = subprocess.run(
            [PYTHON, "-m", "pip", "install", "-q", "--no-build-isolation",
             "--no-index", "--no-deps", "--no-cache-dir", "--target", site,
             src], cwd=self.tmp, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={"PATH": "/usr/bin:/bin", "HOME": self.tmp,
                 "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
        self.assertEqual(p.returncode, 0, p.stdout.decode(errors="replace"))
        self.assertTrue(os.path.isfile(
            os.path.join(site, "spawnhelper-portage.pth")))
        self.assertTrue(os.path.isdir(os.path.join(
            site, "spawnhelper-%s.dist-info" % sh.__version__)))
        rc, out = run_python(
            "import spawnhelper, spawnhelper_portage, os.path\n"
            "print(os.path.dirname(spawnhelper.__file__))\n"
            "print(spawnhelper.__version__)\n"
            "print(spawnhelper.spawn(['true'], env={'PATH': '/bin'}))",
            site)
        self.assertEqual(rc, 0, out)
        self.assertEqual(out.split(), [site, sh.__version__, "0"])

    def test_mismatched_layout_refused(self):
        """A binding whose struct sh_result has a field the library does
        not fill (an older library) does not import: the error says
        which sizes and what to do."""
        with open(os.path.join(SOURCE, "spawnhelper.py")) as f:
            text = f.read()
        last = '        ("oom_kills", ctypes.c_longlong),\n'
        self.assertIn(last, text)
        text = text.replace(last, last +
                            '        ("newer", ctypes.c_longlong),\n')
        with open(os.path.join(self.tmp, "spawnhelper.py"), "w") as f:
            f.write(text)
        rc, out = run_python("import spawnhelper", self.tmp)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("ImportError: spawnhelper %s: its struct sh_result "
                      "is %d bytes" % (sh.__version__,
                                       sh.ctypes.sizeof(sh._Result) + 8),
                      out)
        self.assertIn("the library is older than this binding", out)
        # and the binding as it is imports with the same library
        rc, out = run_python("import spawnhelper", SOURCE)
        self.assertEqual(rc, 0, out)


if __name__ == "__main__":
    unittest.main()
