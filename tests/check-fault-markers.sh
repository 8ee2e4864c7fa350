#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The markers of tests/faults.sh (its table at the top) are still where
# the source makes them. faults.sh cuts a strace of the helper into the
# setup's parts by them: should one move (main's first call, the
# monitor's signalfd of SIGCHLD, the init's wait for signals, the cgroup
# guard's name), its fault sites would shift silently, and a refactor
# learns it here, in a second and without strace. Searches src/*.c
# whole, not named files: the code may move between files.
# Environment: SH_TESTS_SRCDIR.
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
. "$srcdir/tap.sh"
src=$srcdir/../src

# the table's value of NAME
marker()
{
	sed -n "s/^$1=\([^ ]*\).*/\1/p" "$srcdir/faults.sh"
}

main_first=$(marker MAIN_FIRST)
monitor_waits=$(marker MONITOR_WAITS)
monitor_waits_sig=$(marker MONITOR_WAITS_SIG)
init_waits=$(marker INIT_WAITS)
guard_name=$(marker GUARD_NAME)
check_eq "faults.sh's table names the five markers" 5 \
	"$(printf '%s\n' "$main_first" "$monitor_waits" "$monitor_waits_sig" \
		"$init_waits" "$guard_name" | grep -c .)"

# Each check prints what it found: the files that make the call.
# main's first statement calls MAIN_FIRST (a call a wrapper of it
# makes first would shift the monitor's start)
first_in_main=$(perl -0777 -ne '
	print "$ARGV: $1\n" if /\bint\s+main\s*\([^)]*\)\s*\{\s*([^;]*);/' \
	"$src"/*.c)
check_match "main's first statement calls $main_first()" \
	"\\b$main_first\\(\\)" "$first_in_main"

# the trace's signalfd4 is signalfd(3); SIGCHLD is added to the set of
# the wait loop's (the setup's own signalfd takes the termination
# signals only)
check_match "the source makes a ${monitor_waits%4}() (strace: $monitor_waits)" \
	'.' "$(grep -l "\\b${monitor_waits%4}(" "$src"/*.c)"
check_match "SIG$monitor_waits_sig is added to a signal set (the wait loop's)" \
	'.' "$(grep -lE "sigaddset\\([^,]+, *SIG$monitor_waits_sig\\)" "$src"/*.c)"
check_eq "SIG$monitor_waits_sig is not in the setup's termination set (monitor_termination_sigset)" \
	"found without SIG$monitor_waits_sig" \
	"$(perl -0777 -ne 'while (/\bvoid\s+monitor_termination_sigset\s*\([^)]*\)\s*\{([^}]*)\}/g) {
		print $1 =~ /SIG'"$monitor_waits_sig"'\b/ ? "found with it\n" : "found without SIG'"$monitor_waits_sig"'\n" }' \
		"$src"/*.c)"

# rt_sigtimedwait is how the C library makes sigwaitinfo and
# sigtimedwait: one place waits so, the init
case $init_waits in
rt_sigtimedwait) waits_re='\b(sigwaitinfo|sigtimedwait)\(' ;;
*) waits_re="\\b$init_waits\\(" ;;
esac
check_eq "one place waits for signals with $init_waits (the init)" 1 \
	"$(grep -hcE "$waits_re" "$src"/*.c | awk '{ n += $1 } END { print n + 0 }')"

check_eq "one process names itself $guard_name (PR_SET_NAME)" 1 \
	"$(grep -hcF "prctl(PR_SET_NAME, \"$guard_name\")" "$src"/*.c |
		awk '{ n += $1 } END { print n + 0 }')"

tap_done
exit 0
