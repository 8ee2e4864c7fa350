#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# spawn-helper --version names the release, then libseccomp, libcap and
# the C library with their versions and how each is linked (issue 16):
# "static" exactly when the ELF file does not load it (readelf -d), and
# the versions those of the build machine's packages (pkg-config; glibc's
# from getconf), which a test build links.
# The last line says which libseccomp compiled the built-in seccomp
# profiles into the helper (none in a cross build).
# Environment: SPAWN_HELPER, SH_VERSION, SH_CROSS (yes in a cross build).
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
. "$srcdir/tap.sh"
H=${SPAWN_HELPER:?}

out=$("$H" --version)
check_eq "--version exits 0" 0 "$?"
check_eq "the first line: spawn-helper VERSION" "spawn-helper ${SH_VERSION:?}" \
	"$(sed -n 1p <<<"$out")"

readelf=yes
if ! command -v readelf >/dev/null; then
	skip "how each library is linked" "no readelf (binutils)"
	readelf=
else
	needed=$(readelf -d "$H" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
fi
# linked: "static" when no NEEDED entry names the library
linked()
{
	if grep -q "^$1" <<<"$needed"; then echo shared; else echo static; fi
}

line=$(grep '^libseccomp ' <<<"$out")
check_match "libseccomp's version" '^libseccomp [0-9]+\.[0-9]+\.[0-9]+ \((static|shared)\)$' "$line"
check_eq "... the installed libseccomp's" \
	"$(pkg-config --modversion libseccomp 2>/dev/null)" \
	"$(sed 's/^libseccomp \([^ ]*\) .*/\1/' <<<"$line")"
[ -z "$readelf" ] ||
	check_eq "... linked as it says" "$(linked libseccomp.so)" \
		"$(sed 's/.*(\([a-z]*\).*/\1/' <<<"$line")"

line=$(grep '^libcap ' <<<"$out")
check_match "libcap's version" '^libcap [0-9]+\.[0-9]+ \((static|shared)[^)]*\)$' "$line"
check_eq "... the installed libcap's" \
	"$(pkg-config --modversion libcap 2>/dev/null)" \
	"$(sed 's/^libcap \([^ ]*\) .*/\1/' <<<"$line")"
[ -z "$readelf" ] ||
	check_eq "... linked as it says" "$(linked libcap.so)" \
		"$(sed 's/.*(\([a-z]*\).*/\1/' <<<"$line")"

line=$(grep -E '^(glibc|musl) ' <<<"$out")
check_match "the C library's version" \
	'^(glibc|musl) [0-9]+\.[0-9]+(\.[0-9]+)? \((static|shared)\)$' "$line"
if [ "${line%% *}" = glibc ]; then
	check_eq "... glibc's, the installed one's" \
		"$(getconf GNU_LIBC_VERSION | sed 's/^glibc //')" \
		"$(sed 's/^glibc \([^ ]*\) .*/\1/' <<<"$line")"
fi
[ -z "$readelf" ] ||
	check_eq "... linked as it says" "$(linked libc.so)" \
		"$(sed 's/.*(\([a-z]*\).*/\1/' <<<"$line")"

# the built-in profiles: precompiled by the build machine's libseccomp
# (gen-filters ran with it), or in a cross build compiled at each spawn
line=$(grep '^built-in seccomp profiles ' <<<"$out")
if [ "${SH_CROSS:-no}" = yes ]; then
	check_eq "a cross build: the built-in profiles compiled at each spawn" \
		"built-in seccomp profiles compiled at each spawn" "$line"
else
	check_eq "the built-in profiles: precompiled by the installed libseccomp" \
		"built-in seccomp profiles precompiled by libseccomp $(pkg-config --modversion libseccomp 2>/dev/null)" \
		"$line"
fi
tap_done
exit 0
