#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run one integration suite, tests/SUITE.sh, as root or as nobody:
#
#   run-as.sh root SUITE [CASE...]     as the current user, which must be root
#   run-as.sh nobody SUITE [CASE...]   root copies the helper, the probe and the
#                             scripts into a fresh world-readable directory
#                             (the build tree may sit where nobody cannot
#                             enter) and runs them there with nobody's
#                             credentials, from a directory nobody cannot
#                             write; any other user runs the suite as
#                             itself, in place (and the root run skips)
#
# CASE...: only those cases of the suite (its command line; see tap.sh's
# run_cases). The per-suite wrappers (SUITE-root.sh, SUITE-nobody.sh) are
# what automake runs. Environment: SPAWN_HELPER, SH_INSIDE, SH_TESTS_SRCDIR and, when
# set, SH_COMPLETION (the generated bash completion), SH_LIBRARY
# (libspawnhelper.so, copied with its soname link), SH_PYTHONPATH (the
# directory of spawnhelper.py and its portage integration), SH_SOAK (tests/soak, an ELF program) and
# SH_ATTACKS (the directory of the attack programs, tests/attacks),
# copied along too, with tests/python/.
#
# For the nobody run, root also makes a delegated cgroup v2 subtree when
# /sys/fs/cgroup (unified layout) or /sys/fs/cgroup/unified (hybrid) is a
# cgroup2 it can write: sh-nobody-PID-N, owned by nobody (the directory,
# its cgroup.procs, cgroup.subtree_control and cgroup.threads), with the
# suite started in its root-owned child runner/ so that nobody's
# processes are inside the subtree (the common-ancestor rule then lets
# nobody move them into cgroups it makes there). Its path is in
# SH_DELEGATED_CGROUP; whatever is left in it is killed and it is removed
# after the run, even when the run fails.
#
# SH_ONLY_SUITES="a b", when set, runs only those suites and skips the
# others with that reason (.ci/run's make distcheck: the suites ran in
# full before it, there it checks the packaging); SH_SKIP_SUITES="a b"
# skips those (.ci/run's ASan+UBSan run leaves out the longest, faults).
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
as=$1
suite=$2
shift 2

if [ ! -f "$srcdir/$suite.sh" ]; then
	echo "Bail out! no suite $srcdir/$suite.sh"
	exit 1
fi

if [ -n "${SH_ONLY_SUITES:-}" ]; then
	case " $SH_ONLY_SUITES " in
	*" $suite "*) ;;
	*) echo "1..0 # SKIP SH_ONLY_SUITES=\"$SH_ONLY_SUITES\" leaves out $suite"
	   exit 0 ;;
	esac
fi
case " ${SH_SKIP_SUITES:-} " in
*" $suite "*)
	echo "1..0 # SKIP SH_SKIP_SUITES=\"$SH_SKIP_SUITES\" leaves out $suite"
	exit 0 ;;
esac

# Not root: the unprivileged run is the current user's, in place.
if [ "$(id -u)" != 0 ]; then
	case $as in
	root)
		echo "1..0 # SKIP not root ($suite-nobody.sh runs the suite as $(id -un))"
		exit 0
		;;
	nobody) exec bash "$srcdir/$suite.sh" "$@" ;;
	esac
fi
case $as in
root) exec bash "$srcdir/$suite.sh" "$@" ;;
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
for f in "${SPAWN_HELPER:?}" "${SH_INSIDE:?}"; do
	# a libtool wrapper script would not run from a copy
	if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" != '177ELF' ]; then
		echo "1..0 # SKIP $f is not an ELF binary (a libtool wrapper?)"
		exit 0
	fi
done

dir=
deleg=
deleg_failed=
# Kill what the run left in the delegated subtree, then remove it
# bottom-up (bounded: a few seconds at most).
remove_delegated()
{
	local _ pid

	for _ in $(seq 100); do
		[ -d "$deleg" ] || return 0
		[ -e "$deleg/cgroup.kill" ] &&
			echo 1 >"$deleg/cgroup.kill" 2>/dev/null
		while read -r pid; do
			kill -9 "$pid" 2>/dev/null
		done < <(find "$deleg" -name cgroup.procs -exec cat {} + \
			2>/dev/null)
		find "$deleg" -depth -type d -exec rmdir {} + 2>/dev/null
		sleep 0.05
	done
	echo "# run-as.sh: could not remove $deleg" >&2
}
cleanup()
{
	[ -z "$deleg" ] || remove_delegated
	[ -z "$dir" ] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

dir=$(mktemp -d "${TMPDIR:-/tmp}/sh-nobody.XXXXXX") || exit 1
cp "$SPAWN_HELPER" "$dir/spawn-helper" &&
	cp "$SH_INSIDE" "$dir/inside" &&
	cp "$srcdir/$suite.sh" "$srcdir/tap.sh" "$srcdir/suite-lib.sh" "$dir/" &&
	chmod 755 "$dir" "$dir/spawn-helper" "$dir/inside" "$dir/$suite.sh" &&
	chmod 644 "$dir/tap.sh" "$dir/suite-lib.sh" || exit 1
completion=
if [ -n "$SH_COMPLETION" ] && [ -f "$SH_COMPLETION" ]; then
	cp "$SH_COMPLETION" "$dir/completion" &&
		chmod 644 "$dir/completion" || exit 1
	completion=$dir/completion
fi
library=
if [ -n "$SH_LIBRARY" ] && [ -f "$SH_LIBRARY" ]; then
	soname=$(objdump -p "$SH_LIBRARY" 2>/dev/null |
		awk '$1 == "SONAME" { print $2 }')
	soname=${soname:-$(basename "$SH_LIBRARY")}
	library=$dir/lib/$(basename "$SH_LIBRARY")
	mkdir -m 755 "$dir/lib" &&
		cp -L "$SH_LIBRARY" "$dir/lib/$soname" &&
		chmod 755 "$dir/lib/$soname" || exit 1
	if [ "$soname" != "$(basename "$SH_LIBRARY")" ]; then
		ln -s "$soname" "$library" || exit 1
	fi
fi
pythonpath=
if [ -n "$SH_PYTHONPATH" ] && [ -f "$SH_PYTHONPATH/spawnhelper.py" ]; then
	pythonpath=$dir/python-lib
	mkdir -m 755 "$pythonpath" &&
		cp "$SH_PYTHONPATH"/spawnhelper*.py "$SH_PYTHONPATH"/setup.py \
			"$SH_PYTHONPATH"/pyproject.toml \
			"$SH_PYTHONPATH"/spawnhelper-portage.pth "$pythonpath/" &&
		chmod 644 "$pythonpath"/* || exit 1
fi
soak=
if [ -n "$SH_SOAK" ] && [ -f "$SH_SOAK" ] &&
	[ "$(head -c 4 "$SH_SOAK" | od -An -c | tr -d ' ')" = '177ELF' ]; then
	soak=$dir/soak
	cp "$SH_SOAK" "$soak" && chmod 755 "$soak" || exit 1
fi
attacks=
if [ -n "$SH_ATTACKS" ] && [ -d "$SH_ATTACKS" ]; then
	attacks=$dir/attacks
	mkdir -m 755 "$attacks" || exit 1
	for f in "$SH_ATTACKS"/*; do
		[ -f "$f" ] && [ -x "$f" ] &&
			[ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] ||
			continue
		cp "$f" "$attacks/" && chmod 755 "$attacks/${f##*/}" || exit 1
	done
fi
if [ -d "$srcdir/python" ]; then
	cp -r "$srcdir/python" "$dir/python" &&
		chmod -R u=rwX,go=rX "$dir/python" || exit 1
fi

for cg in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	if [ "$(stat -f -c %T "$cg" 2>/dev/null)" != cgroup2fs ] ||
		[ ! -w "$cg/cgroup.procs" ]; then
		continue
	fi
	d=$cg/sh-nobody-$$-$RANDOM
	mkdir "$d" 2>/dev/null || break
	deleg=$d
	chown nobody:nogroup "$deleg" "$deleg/cgroup.procs" \
		"$deleg/cgroup.subtree_control" "$deleg/cgroup.threads" &&
		mkdir "$deleg/runner" || deleg_failed=yes
	break
done
if [ -n "$deleg_failed" ]; then
	remove_delegated
	deleg=
fi

cd "$dir" || exit 1
# $dir belongs to root: nobody cannot write its cwd. The subshell enters
# the delegated subtree before it becomes nobody.
(
	if [ -n "$deleg" ] &&
		! echo "$BASHPID" >"$deleg/runner/cgroup.procs" 2>/dev/null; then
		deleg=
	fi
	exec setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env HOME=/nonexistent TMPDIR=/tmp \
		SPAWN_HELPER="$dir/spawn-helper" SH_INSIDE="$dir/inside" \
		SH_TESTS_SRCDIR="$dir" SH_COMPLETION="$completion" \
		SH_LIBRARY="$library" SH_PYTHONPATH="$pythonpath" \
		SH_VERSION="$SH_VERSION" \
		SH_SOAK="$soak" SH_ATTACKS="$attacks" \
		SH_DELEGATED_CGROUP="$deleg" bash "$dir/$suite.sh" "$@"
)
