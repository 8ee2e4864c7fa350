#!/bin/bash
# Run one integration suite, tests/SUITE.sh, as root or as nobody:
#
#   run-as.sh root SUITE      as the current user, which must be root
#   run-as.sh nobody SUITE    root copies the helper, the probe and the
#                             scripts into a fresh world-readable directory
#                             (the build tree may sit where nobody cannot
#                             enter) and runs them there with nobody's
#                             credentials, from a directory nobody cannot
#                             write
#
# The per-suite wrappers (SUITE-root.sh, SUITE-nobody.sh) are what automake
# runs. Environment: SPAWN_HELPER, SH_PROBE, SH_TESTS_SRCDIR.
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
as=$1
suite=$2

if [ ! -f "$srcdir/$suite.sh" ]; then
	echo "Bail out! no suite $srcdir/$suite.sh"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	case $as in
	root) echo "1..0 # SKIP not root (the unprivileged run is $suite-nobody.sh)" ;;
	*) echo "1..0 # SKIP not root (needs root to switch to nobody)" ;;
	esac
	exit 0
fi
case $as in
root) exec bash "$srcdir/$suite.sh" ;;
nobody) ;;
*)
	echo "Bail out! run-as.sh: unknown user \`$as\` (root or nobody)"
	exit 1
	;;
esac

if ! command -v setpriv >/dev/null; then
	echo "1..0 # SKIP no setpriv (util-linux) to switch to nobody"
	exit 0
fi
if ! id nobody >/dev/null 2>&1 || ! getent group nogroup >/dev/null; then
	echo "1..0 # SKIP no user nobody or group nogroup"
	exit 0
fi
for f in "${SPAWN_HELPER:?}" "${SH_PROBE:?}"; do
	# a libtool wrapper script would not run from a copy
	if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" != '177ELF' ]; then
		echo "1..0 # SKIP $f is not an ELF binary (a libtool wrapper?)"
		exit 0
	fi
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/sh-nobody.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
cp "$SPAWN_HELPER" "$dir/spawn-helper" &&
	cp "$SH_PROBE" "$dir/probe" &&
	cp "$srcdir/$suite.sh" "$srcdir/tap.sh" "$dir/" &&
	chmod 755 "$dir" "$dir/spawn-helper" "$dir/probe" "$dir/$suite.sh" &&
	chmod 644 "$dir/tap.sh" || exit 1

cd "$dir" || exit 1
# $dir belongs to root: nobody cannot write its cwd
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	env HOME=/nonexistent TMPDIR=/tmp SPAWN_HELPER="$dir/spawn-helper" \
	SH_PROBE="$dir/probe" SH_TESTS_SRCDIR="$dir" \
	bash "$dir/$suite.sh"
