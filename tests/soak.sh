#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The soak (tests/soak.c, which prints TAP itself) as a suite of
# run-as.sh: SH_SOAK is the built program (copied for nobody), run on
# SPAWN_HELPER and SH_LIBRARY's directory. make check gives it
# SOAK_SPAWNS=300; `make soak` runs the full 5,000 directly.
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
if [ ! -x "${SH_SOAK:-}" ]; then
	skip_all "no soak program (${SH_SOAK:-SH_SOAK unset})"
fi
if [ -n "${SH_LIBRARY:-}" ]; then
	LD_LIBRARY_PATH=$(dirname "$SH_LIBRARY")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
fi
SPAWNHELPER_PATH=${SPAWN_HELPER:?} exec "$SH_SOAK"
