#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The packaging in contrib/ agrees with this release (issue 16): every
# configure option that contrib/debian/rules and the Gentoo ebuild pass
# (literally, or through use_enable/use_with) is one configure --help
# lists, and every test their test phases name exists: a script in
# tests/ or one of the unit tests. Neither is run here (README.md,
# Distribution packages).
# Environment: SH_TESTS_SRCDIR, SH_VERSION, SH_UNIT_TESTS (the unit
# tests, whether built or not).
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
. "$srcdir/tap.sh"
top=$srcdir/..
help=$("$top/configure" --help) || not_ok "configure --help"

# the configure options a file passes: --enable-X, --with-X (their
# negative forms turned positive), use_enable F X and use_with F X
options_of()
{
	sed -n 's/.*\$(use_\(enable\|with\) [a-z0-9_-]* \([a-z0-9-]*\)).*/--\1-\2/p;
		s/.*\$(use_\(enable\|with\) \([a-z0-9-]*\)).*/--\1-\2/p' "$1"
	grep -o -- '--\(enable\|disable\|with\|without\)-[a-z0-9-]*' "$1" |
		sed 's/^--disable-/--enable-/; s/^--without-/--with-/'
}

# configure --help lists --enable-X as --enable-X or --disable-X, and
# --with-X as --with-X or --without-X
listed()
{
	local name=${1#--enable-}

	if [ "$name" != "$1" ]; then
		grep -q -- "--\(enable\|disable\)-$name\($\|[=[]\|[[:space:]]\)" <<<"$help"
	else
		name=${1#--with-}
		grep -q -- "--\(with\|without\)-$name\($\|[=[]\|[[:space:]]\)" <<<"$help"
	fi
}

# the tests a file's test phase names: tests/NAME words
tests_of()
{
	grep -o 'tests/[a-z0-9/_.-]*' "$1" | grep -v '/$' | sort -u
}

for f in contrib/debian/rules \
	contrib/gentoo/sys-apps/spawnhelper/spawnhelper-"${SH_VERSION:?}".ebuild; do
	if [ ! -f "$top/$f" ]; then
		not_ok "$f exists (for this release)"
		continue
	fi
	opts=$(options_of "$top/$f" | sort -u)
	[ -n "$opts" ] || not_ok "$f passes configure options"
	for o in $opts; do
		check_true "$f: configure knows $o" listed "$o"
	done
	for t in $(tests_of "$top/$f"); do
		case $t in
		*.sh) check_true "$f: $t exists" test -f "$top/$t" ;;
		*) check_true "$f: $t is a unit test" \
			grep -qw -- "$t" <<<"${SH_UNIT_TESTS:?}" ;;
		esac
	done
done
tap_done
exit 0
