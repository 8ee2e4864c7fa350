# SPDX-License-Identifier: LGPL-2.1-or-later
"""pyproject.toml says the rest; this only puts the .pth hook
(spawnhelper-portage.pth) beside the modules, in the site directory,
where Python's site module reads it: setuptools has no setting for a
file at the top of the site directory."""
import os

from setuptools import setup
from setuptools.command.build_py import build_py

PTH = "spawnhelper-portage.pth"


class BuildWithPth(build_py):
    def run(self):
        super().run()
        here = os.path.dirname(os.path.abspath(__file__))
        self.copy_file(os.path.join(here, PTH),
                       os.path.join(self.build_lib, PTH))


setup(cmdclass={"build_py": BuildWithPth})
