#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a packager installs names this release and its directories: the
# pkg-config file (no @NAME@ left, --modversion is the version, libdir,
# includedir and the helper as configured) and the man pages (the .TH
# footer says "spawnhelper VERSION", no @NAME@ left). With
# SH_INSTALLED=yes (make installcheck, so make distcheck) the files are
# the installed ones, and a program is compiled and linked with
# `pkg-config --cflags --libs libspawnhelper` alone, then run: it spawns
# a command through the installed library and helper.
# Environment: SH_TESTS_SRCDIR, SH_CC, SH_VERSION, SH_PC (the .pc file),
# SH_MANS (the man pages), SH_LIBDIR, SH_INCLUDEDIR, SH_BINDIR (as
# configured), SH_INSTALLED, SH_DESTDIR (make's DESTDIR, if any).
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
. "$srcdir/tap.sh"
cc=${SH_CC:-cc}
version=${SH_VERSION:?}

# no @NAME@ that a substitution missed
no_placeholder()
{
	local left

	left=$(grep -no '@[A-Za-z_]*@' "$1" | head -n 5)
	check_eq "$1: no @NAME@ left unsubstituted" "" "$left"
}

if [ ! -f "${SH_PC:?}" ]; then
	not_ok "$SH_PC exists"
else
	no_placeholder "$SH_PC"
	export PKG_CONFIG_PATH=${SH_PC%/*}
	[ -z "$SH_DESTDIR" ] || export PKG_CONFIG_SYSROOT_DIR=$SH_DESTDIR
	check_eq "pkg-config --modversion libspawnhelper" "$version" \
		"$(pkg-config --modversion libspawnhelper 2>&1)"
	for var in libdir:"$SH_LIBDIR" includedir:"$SH_INCLUDEDIR" \
		helper:"$SH_BINDIR/spawn-helper"; do
		check_eq "pkg-config --variable=${var%%:*} libspawnhelper" \
			"${var#*:}" "$(pkg-config --variable="${var%%:*}" \
			libspawnhelper 2>&1)"
	done
fi

for man in ${SH_MANS:?}; do
	if [ ! -f "$man" ]; then
		not_ok "$man exists"
		continue
	fi
	no_placeholder "$man"
	check_match "$man: the .TH footer names spawnhelper $version" \
		"^\\.TH [^\"]*\"spawnhelper ${version//./\\.}\"" \
		"$(grep '^\.TH ' "$man")"
done

if [ "$SH_INSTALLED" = yes ]; then
	dir=$(mktemp -d "${TMPDIR:-/tmp}/check-install.XXXXXX") || exit 1
	trap 'rm -rf "$dir"' EXIT
	cat >"$dir/prog.c" <<'PROG'
#include <spawnhelper.h>
int main(void)
{
	const char *argv[] = { "sh", "-c", "exit 3", 0 };
	struct sh_result result;
	sh_process *process;
	sh_spec *spec = sh_spec_new();

	if (!spec || sh_spec_set_argv(spec, argv) < 0 ||
	    sh_spawn(spec, &process) < 0 || sh_wait(process, &result, 0) < 0)
		return 1;
	return result.exit_code;
}
PROG
	# shellcheck disable=SC2046 # pkg-config's words, split on purpose
	# shellcheck disable=SC2086 # $cc may carry flags
	if out=$($cc -Wall -Werror $(pkg-config --cflags libspawnhelper) \
		-o "$dir/prog" "$dir/prog.c" \
		$(pkg-config --libs libspawnhelper) 2>&1); then
		ok "a program builds with pkg-config --cflags --libs libspawnhelper"
		# the installed library finds the installed helper itself;
		# under DESTDIR it is not where the library looks
		if [ -n "$SH_DESTDIR" ]; then
			export SPAWNHELPER_PATH=$SH_DESTDIR$SH_BINDIR/spawn-helper
		else
			unset SPAWNHELPER_PATH
		fi
		LD_LIBRARY_PATH=$SH_DESTDIR$SH_LIBDIR "$dir/prog"
		check_eq "it spawns a command through the installed library" \
			3 "$?"
	else
		not_ok "a program builds with pkg-config --cflags --libs libspawnhelper"
		diag "$out"
	fi
fi
tap_done
st=$?
# under the TAP driver the plan and the lines count; make installcheck
# has only the exit status
[ "$SH_INSTALLED" = yes ] && exit $st
exit 0
