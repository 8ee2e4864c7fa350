#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a packager installs names this release and its directories: the
# pkg-config file (no @NAME@ left, --modversion is the version, libdir,
# includedir and the helper as configured) and the man pages (the .TH
# footer says "spawnhelper VERSION", no @NAME@ left), and
# libspawnhelper(3)'s example is examples/spawn-run.c, which runs: built
# by make check (SH_EXAMPLE), or with SH_INSTALLED=yes (make
# installcheck, so make distcheck) compiled with `pkg-config --cflags
# --libs libspawnhelper` alone against the installed files and run
# through the installed library and helper.
# Environment: SH_TESTS_SRCDIR, SH_CC, SH_VERSION, SH_PC (the .pc file),
# SH_MANS (the man pages), SH_EXAMPLE, SH_LIBDIR, SH_INCLUDEDIR, SH_BINDIR (as
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

# The example in libspawnhelper(3) is examples/spawn-run.c (the man page
# is made from it): unescaped, the two read the same.
example_src=$srcdir/../examples/spawn-run.c
for man in $SH_MANS; do
	case $man in
	*/libspawnhelper.3) ;;
	*) continue ;;
	esac
	check_eq "$man: its example is examples/spawn-run.c" \
		"$(grep -v SPDX-License-Identifier "$example_src")" \
		"$(sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$man" |
			sed -n '/^\.EX/,/^\.EE/p' | sed '1d;$d' |
			sed 's/^\\&//; s/\\-/-/g; s/\\e/\\/g')"
done

# The example, built by make check (SH_EXAMPLE) or here against the
# installed library with pkg-config alone, runs a command in a sandbox.
run_example()
{
	local out st

	out=$("$example" sh -c 'echo out; echo err >&2; exit 3')
	st=$?
	check_eq "spawn-run: the command's output, its stderr too" \
		"$(printf 'out\nerr')" "$out"
	check_eq "spawn-run: the command's exit status" 3 "$st"
	out=$("$example" readlink /proc/self/ns/net)
	check_match "spawn-run: its own network namespace" \
		"^net:\\[[0-9]+\\]\$" "$out"
	check_true "... not the caller's" \
		test "$out" != "$(readlink /proc/self/ns/net)"
	out=$("$example" sh -c 'echo $$')
	check_eq "spawn-run: its own pid namespace (the helper's init is 1)" \
		2 "$out"
	# (a PATH of directories the user may search: else exit 126, EACCES)
	out=$(PATH=/usr/bin:/bin "$example" no-such-command 2>&1)
	check_eq "spawn-run: a missing command, exit 127" 127 "$?"
	check_match "spawn-run: ... and the stage and message" '^exec: ' "$out"
	"$example" >/dev/null 2>&1
	check_eq "spawn-run: no command, exit 2" 2 "$?"
	# the library always passes --status-fd: the helper's summary of
	# refused calls (the built-in profile refuses a nested user
	# namespace) stays off the caller's stderr
	if unshare=$(command -v unshare); then
		err=$("$example" "$unshare" -U true 2>&1 >"$tmp/out")
		check_eq "spawn-run: a refused call, the command's own message" \
			"unshare: unshare failed: Operation not permitted" \
			"$(cat "$tmp/out")"
		check_eq "spawn-run: ... and nothing on the caller's stderr" \
			"" "$err"
	else
		skip "spawn-run: a refused call, the command's own message" \
			"no unshare(1)"
		skip "spawn-run: ... and nothing on the caller's stderr" \
			"no unshare(1)"
	fi
}

example=$SH_EXAMPLE
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ "$SH_INSTALLED" = yes ]; then
	example=
	# shellcheck disable=SC2046 # pkg-config's words, split on purpose
	# shellcheck disable=SC2086 # $cc may carry flags
	if out=$($cc -Wall -Wextra -Werror \
		$(pkg-config --cflags libspawnhelper) -o "$tmp/spawn-run" \
		"$example_src" $(pkg-config --libs libspawnhelper) 2>&1); then
		ok "examples/spawn-run.c builds with pkg-config --cflags --libs libspawnhelper"
		example=$tmp/spawn-run
		# the installed library finds the installed helper itself;
		# under DESTDIR it is not where the library looks
		if [ -n "$SH_DESTDIR" ]; then
			export SPAWNHELPER_PATH=$SH_DESTDIR$SH_BINDIR/spawn-helper
		else
			unset SPAWNHELPER_PATH
		fi
		export LD_LIBRARY_PATH=$SH_DESTDIR$SH_LIBDIR
	else
		not_ok "examples/spawn-run.c builds with pkg-config --cflags --libs libspawnhelper"
		diag "$out"
	fi
fi
[ -z "$example" ] || run_example
tap_done
st=$?
# under the TAP driver the plan and the lines count; make installcheck
# has only the exit status
[ "$SH_INSTALLED" = yes ] && exit $st
exit 0
