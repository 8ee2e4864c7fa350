# SPDX-License-Identifier: LGPL-2.1-or-later
"""Stand-in for portage.package.ebuild.config: it imports
sandbox_capable by name, as portage's does, and reads it when it
checks FEATURES."""

from portage.process import fakeroot_capable, sandbox_capable  # noqa: F401


def sandbox_feature_usable():
    return sandbox_capable
