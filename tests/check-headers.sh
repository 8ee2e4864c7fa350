#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# spawnhelper.h stands alone: a file that includes only it compiles as C
# (default, and C99 -pedantic) and, when g++ is there, as C++.
# Environment: SH_TESTS_SRCDIR, SH_CC (the compiler configure found).
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
. "$srcdir/tap.sh"
cc=${SH_CC:-cc}
dir=$(mktemp -d "${TMPDIR:-/tmp}/check-headers.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
printf '#include <spawnhelper.h>\nint sh_header_test;\n' >"$dir/only.c"
flags=(-fsyntax-only -Wall -Wextra -Werror -I"$srcdir/../lib")

compiles()
{
	local desc=$1 out

	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc"
		diag "$*"
		diag "$out"
	fi
}

# $cc may carry flags ("gcc -std=gnu11"): split it on purpose
# shellcheck disable=SC2086
compiles "C ($cc)" $cc "${flags[@]}" "$dir/only.c"
# shellcheck disable=SC2086
compiles "C99 -pedantic" $cc "${flags[@]}" -std=c99 -pedantic \
	-Wstrict-prototypes "$dir/only.c"
# shellcheck disable=SC2086
compiles "C11 -pedantic" $cc "${flags[@]}" -std=c11 -pedantic "$dir/only.c"
if command -v g++ >/dev/null; then
	compiles "C++ (g++)" g++ -x c++ "${flags[@]}" -pedantic "$dir/only.c"
	compiles "C++11 (g++)" g++ -x c++ -std=c++11 "${flags[@]}" -pedantic \
		"$dir/only.c"
else
	skip "C++" "no g++"
fi
tap_done
exit 0
