#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Python binding's portage-compatible spawn() (tests/python/
# test_spawn.py, which prints TAP itself, and test_portage.py, the
# portage integration, which it loads), with Debian's python3.
# Environment: SPAWN_HELPER, SH_LIBRARY (libspawnhelper.so), SH_PYTHONPATH
# (the directory of spawnhelper.py), SH_TESTS_SRCDIR; SH_PYTHON to use
# another interpreter.
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
python=${SH_PYTHON:-/usr/bin/python3}

if [ ! -x "$python" ]; then
	python=$(command -v python3) || {
		skip_all "no python3"
	}
fi
if [ ! -f "${SH_LIBRARY:-}" ]; then
	skip_all "no shared libspawnhelper (${SH_LIBRARY:-SH_LIBRARY unset})"
fi
if [ ! -f "${SH_PYTHONPATH:-}/spawnhelper.py" ]; then
	skip_all "no spawnhelper.py in ${SH_PYTHONPATH:-(SH_PYTHONPATH unset)}"
fi
# python3 is not built with ASan: it cannot load a sanitized library
if objdump -p "$SH_LIBRARY" 2>/dev/null | grep -q 'NEEDED.*lib[at]san'; then
	skip_all "libspawnhelper is built with a sanitizer runtime"
fi
SPAWNHELPER_PATH=${SPAWN_HELPER:?} SPAWNHELPER_LIBRARY=$SH_LIBRARY \
	PYTHONPATH=$SH_PYTHONPATH PYTHONDONTWRITEBYTECODE=1 \
	exec "$python" "$srcdir/python/test_spawn.py" --tap
