#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Lifetime tests (issue 12, points 1 and 2): what a caller leaves the
# helper across execve (an ignored SIGCHLD, an ignored SIGTERM, an
# interval timer) does not hang or end it, and SIGTERM, SIGINT or SIGHUP
# during the setup end it there: exit 125, an error record of stage
# signals naming the signal, no process of its own left (nor a transient
# cgroup leaf). The setup is held in the monitor by a --seccomp-bpf fd
# that never ends, and in the sandbox by a bind source below a FUSE
# mount whose server never answers (tests/attacks/fuse-stall --silent).
# Every run is bounded (timeout(1), within): a regression fails, it does
# not hang. Runs as root and as nobody (lifetime-root.sh,
# lifetime-nobody.sh, through run-as.sh). Each case is a function
# case_NAME, which runs alone too (tap.sh's run_cases, tests/README).
#
# Environment: SPAWN_HELPER, SH_INSIDE, SH_ATTACKS, SH_TESTS_SRCDIR and,
# as nobody, SH_DELEGATED_CGROUP.

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"
own_mounts_as_root "$0" "$@" # (the FUSE server's)

require_helper_and_inside
require_userns_unless_root
command -v python3 >/dev/null || skip_all "no python3 to play the caller"

H=$SPAWN_HELPER
ME=$(id -u)
suite_scratch lifetime
trap 'exit 1' HUP INT TERM
# what suite_cleanup ends besides: the silent FUSE server and the
# cgroup parent root makes (setup_signal_sandbox's)
fuse_pid=
CG_OWNED=
suite_teardown()
{
	fuse_stop
	[ -z "$CG_OWNED" ] || cg_destroy "$CG_OWNED"
}

# python3 as the caller: $1 is what it does to itself before its execve
# of the helper with the rest. Bounded: a helper that hangs is killed.
as_caller()
{
	local setup=$1

	shift
	timeout -k 5 20 python3 -c "import os, signal, sys
$setup
os.execv(sys.argv[1], sys.argv[1:])" "$H" "$@"
}

# --- 1. what the caller leaves across execve ------------------------------

case_ignored_sigchld_exit()
{
	local rec

	as_caller 'signal.signal(signal.SIGCHLD, signal.SIG_IGN)' \
		--status-fd 3 -- sh -c 'exit 7' 3>"$T/st"
	rc=$?
	rec=$(tail -n 1 "$T/st")
	check_eq "an ignored SIGCHLD: the helper exits with the command's status" 7 "$rc"
	check_eq "an ignored SIGCHLD: the last record has the command's exit code" \
		7 "$(json_val "$rec" exit-code)"
}

case_ignored_sigchld_timeout()
{
	local rec

	as_caller 'signal.signal(signal.SIGCHLD, signal.SIG_IGN)' \
		--status-fd 3 --timeout 1 -- sleep 30 3>"$T/st"
	rc=$?
	rec=$(tail -n 1 "$T/st")
	check_eq "an ignored SIGCHLD: --timeout ends the command, the helper dies like it" \
		"143 true" "$rc $(json_val "$rec" timed-out)"
}

case_ignored_sigterm()
{
	local rec

	as_caller 'signal.signal(signal.SIGTERM, signal.SIG_IGN)' \
		--status-fd 3 --timeout 1 -- \
		sh -c 'trap "exit 3" TERM; sleep 30 & wait' 3>"$T/st"
	rc=$?
	rec=$(tail -n 1 "$T/st")
	check_eq "an ignored SIGTERM: --timeout's SIGTERM still reaches the command" \
		"3 true" "$rc $(json_val "$rec" timed-out)"
}

case_interval_timer()
{
	local rec

	as_caller 'signal.setitimer(signal.ITIMER_REAL, 0.2)' \
		--status-fd 3 -- sleep 1 3>"$T/st"
	rc=$?
	rec=$(tail -n 1 "$T/st")
	check_eq "an interval timer's SIGALRM does not end the helper" \
		"0 0" "$rc $(json_val "$rec" exit-code)"
}

# --- 2. a termination signal during the setup -----------------------------

# Whether the helper has taken signal $2 over: caught (while it reads
# its spec's files) or blocked (the monitor's setup, which reads it from
# a signalfd): its spec is read, its setup has begun. Only once the
# shell's child has become the helper (the shell's own handlers come
# first, and a slow exec, a sanitizer's, leaves time to see them). A
# sanitizer's runtime blocks every signal for a moment while it starts a
# thread, SIGSEGV too, which the helper never blocks: no taking over.
took_over()
{
	local bit=$((1 << ($2 - 1))) segv=$((1 << (11 - 1))) cgt blk comm

	comm=$(cat "/proc/$1/comm" 2>/dev/null) &&
		[ "$comm" = "$(basename "$H" | cut -c1-15)" ] &&
		cgt=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null) &&
		blk=$(awk '/^SigBlk:/ { print $2 }' "/proc/$1/status" 2>/dev/null) &&
		(((0x$cgt & bit) || ((0x$blk & bit) && !(0x$blk & segv))))
}

has_child()
{
	[ -n "$(cat "/proc/$1/task/$1/children" 2>/dev/null)" ]
}

# Start the helper (hpid) with the options given, records in $T/st.
start()
{
	"$H" --status-fd 3 "$@" 3>"$T/st" 2>"$T/err" &
	hpid=$!
}

# Wait for the helper (20 s at most; then it is killed): rc, rec.
finish()
{
	if ! within 20 not_alive "$hpid"; then
		kill -9 "$hpid" 2>/dev/null
	fi
	{ wait "$hpid"; } 2>/dev/null
	rc=$?
	rec=$(tail -n 1 "$T/st")
}

# The checks of one interrupted run: the signal's name, what it was.
check_interrupted()
{
	local name=$1 desc=$2

	check_eq "$desc: exit 125" 125 "$rc"
	check_eq "$desc: an error record of stage signals, EINTR" \
		'"signals" "EINTR" 125' \
		"$(json_val "$rec" stage) $(json_val "$rec" errname) $(json_val "$rec" exit-code)"
	check_match "$desc: the record names $name" "\"message\":\"$name received during setup" "$rec"
}

# In the monitor: it reads --seccomp-bpf from a pipe whose write end the
# test (and so the helper, which inherits it) holds open.
case_setup_signal_monitor()
{
	local sig num hpid rec

	for sig in TERM HUP; do
		num=$(kill -l "$sig")
		rm -f "$T/fifo" && mkfifo "$T/fifo"
		exec 6<>"$T/fifo"
		start --seccomp-bpf 5 -- true 5<"$T/fifo"
		exec 6>&-
		within 10 took_over "$hpid" "$num"
		kill -"$sig" "$hpid"
		finish
		check_interrupted "SIG$sig" "SIG$sig while the monitor reads the spec's BPF"
		check_eq "SIG$sig while the monitor reads: only the one record" 1 \
			"$(wc -l <"$T/st")"
	done
}

# The library's kill of the whole sandbox (sh_process_kill(p, SIGKILL)
# sends the helper signal 63) ends the setup the same way.
case_library_kill_setup()
{
	local hpid rec

	rm -f "$T/fifo" && mkfifo "$T/fifo"
	exec 6<>"$T/fifo"
	start --seccomp-bpf 5 -- true 5<"$T/fifo"
	exec 6>&-
	within 10 took_over "$hpid" 63
	kill -63 "$hpid"
	finish
	check_eq "the library's kill during setup: exit 125, stage signals" \
		'125 "signals" "EINTR"' \
		"$rc $(json_val "$rec" stage) $(json_val "$rec" errname)"
	check_match "the library's kill during setup: the record says so" \
		'"message":"killed through libspawnhelper [(]signal 63[)] during setup' "$rec"
}

# A parent for a transient leaf: root's own on cgroup v2, nobody's
# delegated one; none on v1 alone (the cgroup suite covers v1).
cgroup_parent()
{
	local v2

	if [ "$ME" != 0 ]; then
		[ -n "${SH_DELEGATED_CGROUP:-}" ] && echo "$SH_DELEGATED_CGROUP"
		return
	fi
	v2=$(cgroup_v2_mount)
	[ -n "$v2" ] && mkdir "$v2/sh-lifetime.$$" 2>/dev/null &&
		echo "$v2/sh-lifetime.$$"
}

leaves()
{
	find "$1" -mindepth 1 -maxdepth 1 -type d -name 'spawn-helper-*' | wc -l
}

case_setup_signal_sandbox()
{
	local why cg cg_opts sig desc child hpid rec

	# its bind source lies below a mount whose server never answers, so
	# its mount waits (killably) until the server is killed
	if ! fuse_start fuse_mounted --silent; then
		skip "a signal during the sandbox's setup" "$why"
	else
		cg=$(cgroup_parent)
		# (nobody's is the delegated one, which run-as.sh removes)
		[ "$ME" != 0 ] || CG_OWNED=$cg
		cg_opts=()
		[ -n "$cg" ] && cg_opts=(--cgroup-parent "$cg")
		for sig in TERM INT; do
			desc="SIG$sig while the sandbox's mount waits"
			start "${cg_opts[@]}" --bind "$T/mnt/hang:/mnt" -- true
			within 10 has_child "$hpid"
			child=$(cat "/proc/$hpid/task/$hpid/children" 2>/dev/null)
			kill -"$sig" "$hpid"
			finish
			check_interrupted "SIG$sig" "$desc"
			check_true "$desc: the sandbox's process is gone" \
				within 5 not_alive "${child%% *}"
			if [ -n "$cg" ]; then
				check_eq "$desc: no cgroup leaf left" 0 "$(leaves "$cg")"
			else
				skip "$desc: no cgroup leaf left" "no cgroup parent to use (v2 for root, SH_DELEGATED_CGROUP for nobody)"
			fi
		done
	fi
}

run_cases "$@"