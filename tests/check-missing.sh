#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# configure found no Check (or was given --without-check): the unit test
# suites in SH_UNBUILT were not built. Each is a skipped case here, by
# name, so that make check says what it did not run.
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
. "$srcdir/tap.sh"

for t in ${SH_UNBUILT:?}; do
	skip "$t" "not built: configure found no Check >= 0.11 (install check, then configure again)"
done
tap_done
exit 0
