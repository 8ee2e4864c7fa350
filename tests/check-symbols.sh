#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# libspawnhelper exports exactly its API: every dynamic symbol it defines
# (besides the version node) is sh_*, and every function spawnhelper.h
# declares is among them, and has its NULL-argument case in check-lib.c. Environment: SH_LIBRARY (the built .so),
# SH_TESTS_SRCDIR, SH_CC (the compiler, to read the header without its
# comments).
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
. "$srcdir/tap.sh"
lib=${SH_LIBRARY:-}
header=$srcdir/../lib/spawnhelper.h

if [ ! -f "$lib" ]; then
	skip_all "no shared library ${lib:-(SH_LIBRARY unset)}"
fi
if ! command -v nm >/dev/null; then
	skip_all "no nm (binutils)"
fi

# "ADDR TYPE NAME@@VERSION" or "0 A VERSION"
defined=$(nm -D --defined-only "$lib") || {
	not_ok "nm -D --defined-only $lib"
	tap_done
	exit 0
}
versions=$(printf '%s\n' "$defined" | awk '$2 == "A" { print $3 }')
exported=$(printf '%s\n' "$defined" | awk '$2 != "A" { print $3 }' |
	sed 's/@.*//' | sort -u)
check_eq "one version node" "LIBSPAWNHELPER_0" "$versions"
check_eq "every exported symbol is sh_*" "" \
	"$(printf '%s\n' "$exported" | grep -v '^sh_')"

declared=$(${SH_CC:-cc} -E -P -I"$srcdir/../lib" "$header" |
	grep -oE '\bsh_[a-z0-9_]+ *\(' | sed 's/ *($//' | sort -u)
check_true "the header declares functions" [ -n "$declared" ]
check_eq "every function of spawnhelper.h is exported" "" \
	"$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))"
check_eq "every exported function is in spawnhelper.h" "" \
	"$(comm -13 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))"
check_eq "exported functions are code (T)" "" \
	"$(printf '%s\n' "$defined" | awk '$2 != "A" && $2 != "T"')"
# tests/check-lib.c calls each function with NULL arguments: a new one
# gets its case there or fails here
null_cases=$(grep -oE '^[[:space:]]*NULL_CASE\(sh_[a-z0-9_]+\)' \
	"$srcdir/check-lib.c" | grep -oE 'sh_[a-z0-9_]+' | sort -u)
check_eq "every function of spawnhelper.h has a NULL case in check-lib.c" "" \
	"$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$null_cases"))"
tap_done
exit 0
