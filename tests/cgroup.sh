#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2016,SC2317 # literal backticks; indirect calls
# Cgroup tests: joining a cgroup (--cgroup, v2 and v1), transient leaves
# (--cgroup-parent) with their limits, accounting, the kill of leftovers
# and their removal, the timeout's cgroup kill. Runs as root and as
# nobody (cgroup-root.sh, cgroup-nobody.sh, both through run-as.sh). As
# nobody the cgroup cases need the delegated cgroup v2 subtree run-as.sh
# makes (SH_DELEGATED_CGROUP); v1 hierarchies are not delegated, so their
# cases run as root only. Every cgroup directory the suite makes is
# removed at the end, even on failure.
#
# Each case is a function case_NAME that runs alone (`tests/cgroup.sh
# leaf_v2`, `--list` names them; see run_cases in suite-lib.sh): cases
# keep their state in locals; the parents every case may use are made
# below, before the first case, and the v2 parent with controllers by
# fixture_v2_controllers, once, by whichever case needs it first.
#
# Environment: SPAWN_HELPER (the helper), SH_INSIDE (tests/inside),
# SH_TESTS_SRCDIR (where tap.sh lives), SH_DELEGATED_CGROUP (nobody's run).

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"

require_helper_and_inside
if [ ! -r /proc/self/cgroup ]; then
	skip_all "this kernel has no cgroups"
fi

suite_scratch cgroup
ME=$(id -u)
TAG=sh-cgtest-$$-$RANDOM
# every cgroup directory the suite makes, parents first
CG_MADE=()
# controllers the suite enabled in a subtree_control, as CONTROLLER:FILE
# (turned off again at the end)
CG_ENABLED=()

# (suite_scratch's cleanup calls it first: what is left in the cgroups is
# killed with them)
suite_teardown()
{
	local i

	for ((i = ${#CG_MADE[@]} - 1; i >= 0; i--)); do
		cg_destroy "${CG_MADE[i]}"
	done
	for ((i = ${#CG_ENABLED[@]} - 1; i >= 0; i--)); do
		echo "-${CG_ENABLED[i]%%:*}" >"${CG_ENABLED[i]#*:}" 2>/dev/null
	done
}
trap 'exit 1' HUP INT TERM

# private copies: leftovers are found by their executable
private_copies helper inside
TOUCH=$(command -v touch)
ulimit -c 0

# The scratch directory stays writable for a command that runs as the
# host's uid 0 (the read-only view; --writable changes nothing for other
# commands): these cases are about cgroups, not the view (tests/defaults.sh).
SCRATCH=(--writable "$T")
# root's command is the host's uid 0: it gets a mount, an IPC and a pid
# namespace
# (its init is one more process in the cgroup); the daemon cases turn
# that off (--unsafe-share-pids) to show that the cgroup alone kills
# what a command leaves, by pids the test can see
if [ "$(id -u)" = 0 ]; then
	ROOT_NS='"mount","ipc","pid",'
	ROOT_INIT=1
else
	ROOT_NS=
	ROOT_INIT=0
fi

# run_st in the background: hpid is the helper's pid, the leaf's name
RUN_BG=1

# --- helpers -----------------------------------------------------------

# The transient leaves (spawn-helper-*) in the directories given, one a
# line.
leaves_in()
{
	local d

	for d in "$@"; do
		find "$d" -mindepth 1 -maxdepth 1 -type d -name 'spawn-helper-*' \
			2>/dev/null
	done
}

no_leaves_in()
{
	[ -z "$(leaves_in "$@")" ]
}

has_leaves_in()
{
	[ -n "$(leaves_in "$@")" ]
}

# check_daemon_killed KILLED STARTED: after a run of the probe's
# daemonize, the double-forked daemon it printed is dead (the result
# KILLED, its @PID@ the daemon's pid), or not ok STARTED.
check_daemon_killed()
{
	local dpid

	dpid=$(sed -n 's/^daemon //p' <<<"$out")
	if [ -n "$dpid" ]; then
		echo "$dpid" >>"$T/pids"
		check_true "${1//@PID@/$dpid}" poll not_alive "$dpid"
	else
		not_ok "$2"
		diag "$out $err"
	fi
}

# Processes running the suite's copies of the helper or the probe.
ours_left()
{
	pids_running "$H" "$P"
}

# A process of the suite's own in cgroup directory DIR (sets sleeper);
# the probe sleeps with TOKEN in its command line.
start_sleeper()
{
	local dir=$1

	bash -c 'echo "$BASHPID" >"$1/cgroup.procs" && exec "$2" sleep 30' \
		_ "$dir" "$P" </dev/null >/dev/null 2>"$T/sleeper.err" &
	sleeper=$!
	echo "$sleeper" >>"$T/pids"
	poll grep -qx "$sleeper" "$dir/cgroup.procs"
}

# FILE (a cgroup.controllers) lists memory, pids and cpu
has_v2_controllers()
{
	local c

	for c in memory pids cpu; do
		grep -qw "$c" "$1" 2>/dev/null || return 1
	done
}

# mkdir a cgroup directory the suite removes at the end
cg_mkdir()
{
	mkdir "$1" 2>"$T/mkdir.err" || return 1
	CG_MADE+=("$1")
}

# --- where the cgroups are ---------------------------------------------

# the cgroup v2 mount: unified layout or hybrid
V2=$(cgroup_v2_mount)
# v1 hierarchies by controller (a controller mounted alone or co-mounted)
declare -A V1
for c in memory pids cpu cpuacct freezer; do
	d=$(cgroup_v1_mount "$c")
	[ -z "$d" ] || V1[$c]=$d
done
# TODO(E1): --list runs the setup too, and would list a diagnostic
[ "${1:-}" = --list ] ||
	diag "cgroup v2: ${V2:-none}; v1: $(for c in "${!V1[@]}"; do printf '%s=%s ' "$c" "${V1[$c]}"; done)"

# Where this user may make cgroups v2: root anywhere, nobody in the
# delegated subtree run-as.sh made.
V2BASE=
if [ -n "$V2" ]; then
	if [ "$ME" = 0 ]; then
		V2BASE=$V2
	elif [ -n "$SH_DELEGATED_CGROUP" ] && [ -w "$SH_DELEGATED_CGROUP" ]; then
		V2BASE=$SH_DELEGATED_CGROUP
	fi
fi
if [ -n "$V2BASE" ]; then
	if [ "$V2BASE" = "$V2" ]; then
		V2J=$V2BASE/$TAG-join
		V2P=$V2BASE/$TAG-parent
	else
		V2J=$V2BASE/join
		V2P=$V2BASE/parent
	fi
	if ! cg_mkdir "$V2J" || ! cg_mkdir "$V2P"; then
		diag "cannot make cgroups under $V2BASE: $(cat "$T/mkdir.err")"
		V2BASE=
	fi
fi
if [ -n "$V2BASE" ]; then
	why_no_v2=
elif [ -z "$V2" ]; then
	why_no_v2="no cgroup v2 here"
elif [ "$ME" != 0 ]; then
	why_no_v2="no delegated cgroup v2 (SH_DELEGATED_CGROUP) for this user"
else
	why_no_v2="cannot make a cgroup v2 directory"
fi
# the path a command sees in /proc/self/cgroup for a v2 directory
v2_rel()
{
	local r=${1#"$V2"}

	printf '%s\n' "${r:-/}"
}

# v1 directories of our own: root only (v1 is not delegated here)
V1OK=
why_no_v1="no cgroup v1 hierarchy for memory, pids, cpu, cpuacct and freezer"
if [ "$ME" != 0 ]; then
	why_no_v1="needs root (v1 hierarchies are not delegated here)"
elif [ -n "${V1[pids]}" ] && [ -n "${V1[memory]}" ] &&
	[ -n "${V1[cpu]}" ] && [ -n "${V1[cpuacct]}" ] &&
	[ -n "${V1[freezer]}" ]; then
	V1OK=yes
	for c in pids memory cpu cpuacct freezer; do
		# co-mounted controllers share a directory
		[ -d "${V1[$c]}/$TAG" ] && continue
		cg_mkdir "${V1[$c]}/$TAG" || V1OK=
		[ -d "${V1[$c]}/$TAG-join" ] || cg_mkdir "${V1[$c]}/$TAG-join" ||
			V1OK=
	done
	[ -n "$V1OK" ] || why_no_v1="cannot make v1 cgroups: $(cat "$T/mkdir.err")"
fi
V1DIRS=()
for c in pids memory cpu cpuacct freezer; do
	[ -n "$V1OK" ] && V1DIRS+=("${V1[$c]}/$TAG")
done

v2_skip_n()
{
	local d

	for d in "$@"; do
		skip "$d" "$why_no_v2"
	done
}

v1_skip_n()
{
	local d

	for d in "$@"; do
		skip "$d" "$why_no_v1"
	done
}

# --- 1. --cgroup joins an existing cgroup --------------------------------

# The line of /proc/self/cgroup for the hierarchy KEY ("" for v2, else a
# controller) in $out.
cg_line()
{
	if [ -z "$1" ]; then
		printf '%s\n' "$out" | sed -n 's/^0::\(.*\)/\1/p'
	else
		printf '%s\n' "$out" |
			sed -n 's/^[0-9]*:\([^:]*,\)\{0,1\}'"$1"'\(,[^:]*\)\{0,1\}:\(.*\)/\3/p'
	fi
}

# check_join DESC DIR KEY: the command runs in DIR, sees it (or / in its
# own cgroup namespace), and DIR keeps its process and stays.
check_join()
{
	local desc=$1 dir=$2 key=$3 rel=$4 sleeper

	if ! start_sleeper "$dir"; then
		not_ok "$desc: a process of the test's own in the cgroup"
		diag "$(cat "$T/sleeper.err")"
		return
	fi
	run_st --cgroup "$dir" -- "$P" cat /proc/self/cgroup
	check_eq "$desc: the command is in it" "0 $rel" "$rc $(cg_line "$key")"
	run_st --cgroup "$dir" --unshare-cgroup -- "$P" cat /proc/self/cgroup
	# (nobody gets a user namespace too)
	check_match "$desc --unshare-cgroup: the command sees its cgroup as /" \
		'^0 / \[("user",)?'"$ROOT_NS"'"cgroup"\]$' \
		"$rc $(cg_line "$key") $(json_val "$st1" namespaces)"
	check_eq "$desc: the cgroup stays, with the test's process in it, unmeasured" \
		"yes $sleeper yes" \
		"$([ -d "$dir" ] && echo yes) $(cat "$dir/cgroup.procs" 2>/dev/null) $(alive "$sleeper" && echo yes)$(json_val "$stN" cgroup)"
	kill -9 "$sleeper" 2>/dev/null
	wait "$sleeper" 2>/dev/null
}

case_join_v2()
{
	if [ -n "$V2BASE" ]; then
		check_join "--cgroup v2" "$V2J" "" "$(v2_rel "$V2J")"
	else
		v2_skip_n "--cgroup v2: in it" "--cgroup v2 --unshare-cgroup" \
			"--cgroup v2: stays"
	fi
}

case_join_v1()
{
	if [ -n "$V1OK" ]; then
		check_join "--cgroup v1 pids" "${V1[pids]}/$TAG-join" pids "/$TAG-join"
	else
		v1_skip_n "--cgroup v1: in it" "--cgroup v1 --unshare-cgroup" \
			"--cgroup v1: stays"
	fi
}

# --- 2. --cgroup-parent: a transient leaf ----------------------------------

case_leaf_v2()
{
	local token tracer hpid

	if [ -n "$V2BASE" ]; then
		token=sh-cgroup-daemon-$$-$RANDOM
		run_st --cgroup-parent "$V2P" --unsafe-share-pids -- \
			"$P" cat /proc/self/cgroup daemonize "$T/daemon.pid" "$token"
		check_eq "--cgroup-parent v2: the command runs in the leaf spawn-helper-<helper pid>" \
			"0 $(v2_rel "$V2P")/spawn-helper-$hpid" "$rc $(cg_line "")"
		check_true "--cgroup-parent v2: the leaf is removed at the end" \
			no_leaves_in "$V2P"
		check_daemon_killed "--cgroup-parent v2: the command's double-forked daemon (@PID@) is killed" \
			"--cgroup-parent v2: the command started a daemon"
		check_match "--cgroup-parent v2: the outcome's cgroup object has cpu-usec" \
			'^\{"cpu-usec":[0-9]+' "$(json_val "$stN" cgroup)"
		# a SIGTERM while the helper sets up, after it made the leaf (the
		# mkdir's return held back a second by strace): the signal waits
		# for the monitor, which passes it on; the leaf is removed
		if command -v strace >/dev/null &&
			strace -f -qq -o /dev/null -e trace=getppid true 2>/dev/null; then
			strace -f -qq -o /dev/null -e trace=mkdir,mkdirat \
				-e inject=mkdir,mkdirat:delay_exit=1000000:when=1 \
				"$H" --cgroup-parent "$V2P" -- "$P" sleep 0.1 \
				</dev/null >/dev/null 2>&1 &
			tracer=$!
			poll has_leaves_in "$V2P"
			hpid=$(pgrep -f -o "^$H --cgroup-parent $V2P")
			[ -n "$hpid" ] && kill -TERM "$hpid"
			wait "$tracer"
			check_true "--cgroup-parent v2: a SIGTERM during setup (helper ${hpid:-not found}) leaves no leaf" \
				no_leaves_in "$V2P"
		else
			skip "--cgroup-parent v2: a SIGTERM during setup leaves no leaf" \
				"no strace that can trace here"
		fi
	else
		v2_skip_n "--cgroup-parent v2: in the leaf" \
			"--cgroup-parent v2: leaf removed" \
			"--cgroup-parent v2: daemon killed" \
			"--cgroup-parent v2: cpu-usec"
	fi
}

case_leaf_v1()
{
	local read_limits got c leaf token cpu hpid

	if [ -n "$V1OK" ]; then
		# a shell reads its own leaf's limits
		read_limits='cat /proc/self/cgroup
		l=$(sed -n "s/^[0-9]*:cpu:\(.*\)/\1/p" /proc/self/cgroup)
		m=$(sed -n "s/^[0-9]*:memory:\(.*\)/\1/p" /proc/self/cgroup)
		p=$(sed -n "s/^[0-9]*:pids:\(.*\)/\1/p" /proc/self/cgroup)
		echo "quota $(cat "$1$l/cpu.cfs_quota_us") period $(cat "$1$l/cpu.cfs_period_us")"
		echo "memory $(cat "$2$m/memory.limit_in_bytes") pids $(cat "$3$p/pids.max")"'
		run_st --cgroup-parent "${V1[pids]}/$TAG" --cpu-max 0.2 \
			--memory-max 64M --pids-max 50 -- /bin/sh -c "$read_limits" sh \
			"${V1[cpu]}" "${V1[memory]}" "${V1[pids]}"
		got=
		for c in pids memory cpu cpuacct freezer; do
			got="$got $c:$(cg_line "$c")"
		done
		leaf=/$TAG/spawn-helper-$hpid
		check_eq "--cgroup-parent v1: the leaf in each of pids memory cpu cpuacct freezer" \
			"0 pids:$leaf memory:$leaf cpu:$leaf cpuacct:$leaf freezer:$leaf" \
			"$rc$got"
		check_eq "--cgroup-parent v1: --cpu-max 0.2 --memory-max 64M --pids-max 50 written" \
			"quota 20000 period 100000 / memory 67108864 pids 50" \
			"$(grep '^quota' <<<"$out") / $(grep '^memory' <<<"$out")"
		check_true "--cgroup-parent v1: the leaves are removed in every hierarchy" \
			no_leaves_in "${V1DIRS[@]}"
		check_match "--cgroup-parent v1: the outcome's cgroup object has cpu-usec and memory-peak" \
			'^\{"cpu-usec":[0-9]+,.*"memory-peak":[0-9]+' "$(json_val "$stN" cgroup)"

		token=sh-cgroup-daemon1-$$-$RANDOM
		run_st --cgroup-parent "${V1[pids]}/$TAG" --unsafe-share-pids -- \
			"$P" daemonize "$T/daemon1.pid" "$token"
		check_daemon_killed "--cgroup-parent v1: the command's double-forked daemon (@PID@) is killed (freezer)" \
			"--cgroup-parent v1: the command started a daemon"

		run_st --cgroup-parent "${V1[cpu]}/$TAG" --cpu-max 0.2 -- "$P" spin 0.5
		cpu=$(json_val "$(json_val "$stN" cgroup)" cpu-usec)
		check_true "--cpu-max 0.2: 0.5 s of spinning gets about 0.1 s of CPU ($cpu us)" \
			test "$rc" = 0 -a "${cpu:-0}" -ge 50000 -a "${cpu:-999999999}" -le 250000
	else
		v1_skip_n "--cgroup-parent v1: leaf in each hierarchy" \
			"--cgroup-parent v1: limits written" \
			"--cgroup-parent v1: leaves removed" \
			"--cgroup-parent v1: cpu-usec and memory-peak" \
			"--cgroup-parent v1: daemon killed" "--cpu-max 0.2: measured"
	fi
}

# Limits: where the controller is, v2 when its parent offers it, else v1.
limit_parent()
{
	if [ -n "$V2BASE" ] &&
		grep -qw "$1" "$V2P/cgroup.controllers" 2>/dev/null; then
		echo "$V2P"
	elif [ -n "$V1OK" ]; then
		echo "${V1[$1]}/$TAG"
	fi
}

# check_oom PREFIX PARENT UNSET: allocating 200 MiB under --memory-max
# 32M in a leaf of PARENT is killed by SIGKILL, the record counts the
# OOM kill and a peak within the limit (UNSET: what the descriptions say
# for a missing value). Two results, their descriptions begin with PREFIX.
check_oom()
{
	local pfx=$1 cg oom peak

	run_st --cgroup-parent "$2" --memory-max 32M -- "$P" alloc 200
	cg=$(json_val "$stN" cgroup)
	oom=$(json_val "$cg" oom-kills)
	peak=$(json_val "$cg" memory-peak)
	check_eq "$pfx--memory-max 32M: allocating 200 MiB is killed by SIGKILL" \
		'137 "SIGKILL" ' "$rc $(json_val "$stN" signal-name) $out"
	check_true "$pfx--memory-max 32M: oom-kills ${oom:-$3} >= 1, memory-peak ${peak:-$3} <= 32 MiB" \
		test "${oom:-0}" -ge 1 -a -n "$peak" -a "${peak:-0}" -le 33554432
}

case_limit_memory()
{
	local mp

	mp=$(limit_parent memory)
	if [ -n "$mp" ]; then
		check_oom "" "$mp" ""
		run_st --cgroup-parent "$mp" --memory-max 32M -- "$P" alloc 8
		check_eq "--memory-max 32M: allocating 8 MiB works" "0 alloc 8 ok" \
			"$rc $out"
	else
		skip "--memory-max 32M: killed" "no memory controller for this user"
		skip "--memory-max 32M: oom-kills, memory-peak" \
			"no memory controller for this user"
		skip "--memory-max 32M: 8 MiB works" "no memory controller for this user"
	fi
}

case_limit_pids()
{
	local pp

	pp=$(limit_parent pids)
	if [ -n "$pp" ]; then
		run_st --cgroup-parent "$pp" --pids-max 5 -- "$P" forks 10
		check_eq "--pids-max 5: the command forks $((4 - ROOT_INIT)) children (and root's init), then fails" \
			"0 forks $((4 - ROOT_INIT)) of 10 EAGAIN" "$rc $out"
		run_st --cgroup-parent "$pp" --pids-max 20 -- "$P" forks 10
		check_eq "--pids-max 20: 10 forks work" "0 forks 10 ok" "$rc $out"
	else
		skip "--pids-max 5: stops forks" "no pids controller for this user"
		skip "--pids-max 20: forks work" "no pids controller for this user"
	fi
}

# a controller-less v2 parent cannot take a limit
case_limit_controllerless_v2()
{
	if [ -n "$V2BASE" ] && ! grep -qw memory "$V2P/cgroup.controllers"; then
		rm -f "$T/marker"
		run_st --cgroup-parent "$V2P" --memory-max 32M -- "$TOUCH" "$T/marker"
		check_eq "--memory-max under a controller-less v2 parent: 125, stage cgroup, nothing ran" \
			'125 "cgroup" absent' "$rc $(json_val "$st" stage) $(ran)"
		check_match "--memory-max under a controller-less v2 parent: names memory and the parent" \
			"memory.*$V2P|$V2P.*memory" "$(json_val "$st" message)"
		check_true "--memory-max under a controller-less v2 parent: no leaf left" \
			no_leaves_in "$V2P"
	elif [ -n "$V2BASE" ]; then
		skip "--memory-max under a controller-less v2 parent" \
			"the memory controller is available in $V2P"
		skip "--memory-max under a controller-less v2 parent: names memory" \
			"the memory controller is available in $V2P"
		skip "--memory-max under a controller-less v2 parent: no leaf" \
			"the memory controller is available in $V2P"
	else
		v2_skip_n "--memory-max under a controller-less v2 parent" \
			"--memory-max under a controller-less v2 parent: names memory" \
			"--memory-max under a controller-less v2 parent: no leaf"
	fi
}

# A helper killed with SIGKILL leaves no running sandbox and no leaf:
# with a pid namespace the init's death (PDEATHSIG) takes the sandbox;
# without one the guard of the leaf (sh-cgroup-guard, a process of the
# helper outside the leaf) kills what is in the leaf; either way the
# guard removes the leaf. Every process of the sandbox holds the fifo (its
# stdout): EOF there says they are all gone. (Without a pid namespace and
# without --cgroup-parent nothing kills the command's children: the man
# page says so.) ARGS... go to the helper (PARENT "": no cgroup).
check_kill9()
{
	local desc=$1 parent=$2 mark=777.$$$RANDOM left leaf hpid

	shift 2
	rm -f "$T/fifo"
	mkfifo "$T/fifo" || return
	"$H" "${SCRATCH[@]}" ${parent:+--cgroup-parent "$parent"} "$@" -- \
		sh -c "sleep $mark & echo up; sleep $mark" \
		</dev/null >"$T/fifo" 2>"$T/err" &
	hpid=$!
	echo "$hpid" >>"$T/pids"
	exec 7<"$T/fifo"
	if ! read -r _ <&7; then
		not_ok "$desc: the command started"
		diag "$(cat "$T/err")"
		exec 7<&-
		return
	fi
	kill -9 "$hpid"
	wait "$hpid" 2>/dev/null
	# (bounded only to fail, not hang, when a process survives)
	timeout 30 cat <&7 >/dev/null
	exec 7<&-
	left=$(pgrep -f "sleep $mark" | tr '\n' ' ')
	# shellcheck disable=SC2086 # one pid a word
	printf '%s\n' $left >>"$T/pids"
	check_eq "$desc: no process of the sandbox survives" "" "$left"
	[ -n "$parent" ] || return
	leaf=$parent/spawn-helper-$hpid
	# the guard holds the leaf's lock until it has removed it
	flock "$leaf" true 2>/dev/null
	check_true "$desc: the guard removes the leaf" test ! -e "$leaf"
}

case_kill9()
{
	local pidns=() nopidns=()

	if [ "$ME" = 0 ]; then
		nopidns=(--unsafe-share-pids)
	else
		pidns=(--unshare-pid)
	fi
	check_kill9 "helper killed with SIGKILL, pid namespace, no cgroup" "" \
		"${pidns[@]}"
	if [ -n "$V2BASE" ]; then
		check_kill9 "helper killed with SIGKILL, pid namespace, v2 leaf" \
			"$V2P" "${pidns[@]}"
		check_kill9 "helper killed with SIGKILL, no pid namespace, v2 leaf" \
			"$V2P" "${nopidns[@]}"
	else
		v2_skip_n "helper killed with SIGKILL, pid namespace, v2 leaf: no process survives" \
			"helper killed with SIGKILL, pid namespace, v2 leaf: leaf removed" \
			"helper killed with SIGKILL, no pid namespace, v2 leaf: no process survives" \
			"helper killed with SIGKILL, no pid namespace, v2 leaf: leaf removed"
	fi
	if [ -n "$V1OK" ]; then
		check_kill9 "helper killed with SIGKILL, no pid namespace, v1 leaf" \
			"${V1[pids]}/$TAG" "${nopidns[@]}"
	else
		v1_skip_n "helper killed with SIGKILL, no pid namespace, v1 leaf: no process survives" \
			"helper killed with SIGKILL, no pid namespace, v1 leaf: leaf removed"
	fi
}

# A helper and the guard of its leaf both killed with SIGKILL (a kill of
# every process of the caller's): the sandbox dies with the helper
# (PDEATHSIG), the leaf stays, and the next run under the same parent
# removes it.
# A helper in the background under PARENT whose command waits 10 s
# (hpid); not ok DESC and 1 when the command did not start.
start_waiting_sandbox()
{
	local desc=$1 parent=$2

	rm -f "$T/ready" "$T/st"
	"$H" --status-fd 3 "${SCRATCH[@]}" --cgroup-parent "$parent" -- \
		"$P" catch "$T/ready" 10 \
		</dev/null >/dev/null 2>"$T/err" 3>"$T/st" &
	hpid=$!
	echo "$hpid" >>"$T/pids"
	poll test -e "$T/ready" && return 0
	not_ok "$desc: the command started"
	diag "$(cat "$T/err" "$T/st")"
	kill -9 "$hpid"
	wait "$hpid" 2>/dev/null
	return 1
}

# The guard first: its death means nothing to the helper. Then until
# the dying sandbox lets go of the leaf under PARENT (it shares the
# helper's lock): a scan before would take the leaf for a live one.
kill_guard_and_helper()
{
	local guard

	guard=$(pgrep -P "$hpid" -x sh-cgroup-guard)
	[ -n "$guard" ] && kill -9 "$guard"
	kill -9 "$hpid"
	wait "$hpid" 2>/dev/null
	flock "$1/spawn-helper-$hpid" true 2>/dev/null
}

check_stale()
{
	local desc=$1 parent=$2 cpid d hpid

	shift 2
	start_waiting_sandbox "$desc" "$parent" || return
	cpid=$(json_val "$(sed -n 1p "$T/st")" command-pid)
	echo "$cpid" >>"$T/pids"
	kill_guard_and_helper "$parent"
	check_true "$desc: the helper killed with SIGKILL takes the command ($cpid) with it" \
		poll not_alive "$cpid"
	check_eq "$desc: its leaf stays in each hierarchy" \
		"$(for d in "$parent" "$@"; do echo "$d/spawn-helper-$hpid"; done | sort)" \
		"$(leaves_in "$parent" "$@" | sort)"
	run --cgroup-parent "$parent" -- "$P" exit 0
	check_eq "$desc: the next run under the parent removes it" "0 " \
		"$rc $(leaves_in "$parent" "$@")"
}

case_stale_v2()
{
	if [ -n "$V2BASE" ]; then
		check_stale "stale v2 leaf" "$V2P"
	else
		v2_skip_n "stale v2 leaf: command killed" "stale v2 leaf: stays" \
			"stale v2 leaf: removed"
	fi
}

case_stale_v1()
{
	local others c

	if [ -n "$V1OK" ]; then
		others=()
		for c in memory cpuacct freezer; do
			others+=("${V1[$c]}/$TAG")
		done
		check_stale "stale v1 leaf" "${V1[pids]}/$TAG" "${others[@]}"
	else
		v1_skip_n "stale v1 leaf: command killed" "stale v1 leaf: stays" \
			"stale v1 leaf: removed"
	fi
}

# A stale leaf in a hierarchy the next run does not use is removed too:
# every hierarchy where the parent's path exists is scanned, v1 and v2. A
# helper under the pids hierarchy's parent, killed with SIGKILL, leaves
# leaves in pids, memory, cpuacct and freezer, one under the same path in
# v2 a leaf there; a run under the memory hierarchy's parent uses memory,
# cpuacct and freezer only. A live helper's leaves stay. V2SAME: the
# same path in v2, or "".
check_stale_elsewhere()
{
	local desc="stale leaf in a hierarchy the run does not use" stale live
	local v2same=$1 d mp=${V1[memory]}/$TAG hpid

	# the live one first: a helper's scan (ours too) takes every stale
	# leaf below the path, in every hierarchy
	start_waiting_sandbox "$desc: a live helper" "${V1[pids]}/$TAG" ||
		return
	live=$hpid
	for d in "${V1[pids]}/$TAG" ${v2same:+"$v2same"}; do
		start_waiting_sandbox "$desc: under $d" "$d" || return
		kill_guard_and_helper "$d"
		stale=$d/spawn-helper-$hpid
		check_true "$desc: the killed helper's leaf $stale stays" \
			test -d "$stale"
		run --cgroup-parent "$mp" --memory-max 64M -- "$P" exit 0
		check_eq "$desc: a run under $mp removes it" "0 absent" \
			"$rc $([ -d "$stale" ] && echo present || echo absent)"
	done
	check_true "$desc: the live helper's leaf in pids stays, the helper runs" \
		test -d "${V1[pids]}/$TAG/spawn-helper-$live" -a -n "$(alive "$live" && echo y)"
	kill -TERM "$live"
	wait "$live" 2>/dev/null
}

case_stale_elsewhere()
{
	local v2same

	if [ "$ME" = 0 ] && [ -n "$V1OK" ]; then
		# the same path in v2, for a leaf there
		v2same=
		if [ -n "$V2BASE" ]; then
			if cg_mkdir "$V2/$TAG"; then
				v2same=$V2/$TAG
			else
				diag "no $V2/$TAG: $(cat "$T/mkdir.err")"
			fi
		fi
		check_stale_elsewhere "$v2same"
	else
		v1_skip_n "stale leaf in another hierarchy (v1 pids): stays" \
			"stale leaf in another hierarchy (v1 pids): removed" \
			"stale leaf in another hierarchy (v2): stays" \
			"stale leaf in another hierarchy (v2): removed" \
			"stale leaf in another hierarchy: a live one stays"
	fi
}

# A helper in another pid namespace does not see this one's pid: it must
# not take the running sandbox's leaf for a stale one (the leaf is
# locked while its helper lives), and a pid of its own that is the same
# number gets a leaf of its own.
check_other_pidns()
{
	local desc=$1 parent=$2 st hpid

	start_waiting_sandbox "$desc" "$parent" || return
	# as root a pid namespace; as nobody a user namespace around it
	if [ "$ME" = 0 ]; then
		unshare -p -f --mount-proc "$H" --cgroup-parent "$parent" -- \
			"$P" exit 0 </dev/null >/dev/null 2>"$T/err2"
	else
		unshare -U -r -p -f --mount-proc "$H" --cgroup-parent "$parent" \
			-- "$P" exit 0 </dev/null >/dev/null 2>"$T/err2"
	fi
	st=$?
	if [ "$st" != 0 ] && grep -q '^unshare:' "$T/err2"; then
		skip "$desc: a helper in another pid namespace leaves it alone" \
			"unshare(1) cannot make the pid namespace: $(head -n 1 "$T/err2")"
	else
		check_true "$desc: a helper in another pid namespace ran (rc $st) and left the running sandbox alone" \
			alive "$hpid"
	fi
	kill -TERM "$hpid"
	wait "$hpid" 2>/dev/null
	check_true "$desc: its leaf is removed at its end" poll no_leaves_in "$parent"
}

case_other_pidns()
{
	if [ -n "$V2BASE" ]; then
		check_other_pidns "v2 leaf" "$V2P"
	else
		v2_skip_n "v2 leaf: a helper in another pid namespace leaves it alone" \
			"v2 leaf: removed at its end"
	fi
}

# --- 2b. cgroup v2 with controllers ------------------------------------------

# On a unified host the v2 mount offers memory, pids and cpu: the helper
# enables them in the parent's cgroup.subtree_control, writes memory.max,
# pids.max and cpu.max in the leaf, reads memory.peak, memory.events and
# cpu.stat, and kills leftovers with cgroup.kill. A hybrid host's v2 has
# none of the three (they are bound to v1): every case is then a skip
# with the reason, so that the counts show what was not tested.
#
# V2C (the mount), V2CP (our parent there, its controllers enabled) or
# why_no_v2c; once, for the first case that asks.
fixture_v2_controllers()
{
	local d c base

	[ -z "${V2C_DONE:-}" ] || return 0
	V2C_DONE=1
	V2C=
	while read -r d; do
		if has_v2_controllers "$d/cgroup.controllers"; then
			V2C=$d
			break
		fi
	done < <(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") {
			if ($(i + 1) == "cgroup2") print $5; break } }' /proc/self/mountinfo)
	V2CP=
	why_no_v2c=
	if [ -z "$V2C" ]; then
		why_no_v2c="no cgroup v2 hierarchy with the memory/pids/cpu controllers on this host"
		if [ "$(fs_type /sys/fs/cgroup)" != cgroup2fs ] &&
			[ "$(fs_type /sys/fs/cgroup/unified)" = cgroup2fs ]; then
			why_no_v2c="$why_no_v2c (hybrid layout: the v1 cases above cover the limits)"
		fi
	elif [ "$ME" = 0 ]; then
		V2CP=$V2C/$TAG-v2c
	elif [ -n "$SH_DELEGATED_CGROUP" ] && [ -w "$SH_DELEGATED_CGROUP" ] &&
		[ "${SH_DELEGATED_CGROUP#"$V2C"/}" != "$SH_DELEGATED_CGROUP" ] &&
		has_v2_controllers "$SH_DELEGATED_CGROUP/cgroup.controllers"; then
		V2CP=$SH_DELEGATED_CGROUP/v2c
	else
		why_no_v2c="no delegated cgroup v2 with the memory/pids/cpu controllers (SH_DELEGATED_CGROUP) for this user"
	fi
	if [ -n "$V2CP" ]; then
		# the parent's own parent must hand the controllers down
		base=${V2CP%/*}
		for c in memory pids cpu; do
			grep -qw "$c" "$base/cgroup.subtree_control" && continue
			if ! echo "+$c" >"$base/cgroup.subtree_control" 2>"$T/enable.err"; then
				why_no_v2c="cannot enable $c in $base/cgroup.subtree_control: $(cat "$T/enable.err")"
				V2CP=
				break
			fi
			CG_ENABLED+=("$c:$base/cgroup.subtree_control")
		done
	fi
	if [ -n "$V2CP" ]; then
		if ! cg_mkdir "$V2CP"; then
			why_no_v2c="cannot make $V2CP: $(cat "$T/mkdir.err")"
			V2CP=
		elif ! has_v2_controllers "$V2CP/cgroup.controllers"; then
			why_no_v2c="$V2CP lacks memory, pids or cpu: $(cat "$V2CP/cgroup.controllers")"
			V2CP=
		fi
	fi
	diag "cgroup v2 with controllers: ${V2C:-none}; parent: ${V2CP:-none}"
}

case_v2c_limits()
{
	local pfx before read_limits token d hpid

	fixture_v2_controllers
	if [ -n "$V2CP" ]; then
		pfx="v2 with controllers"
		# no swapping around the memory limit (memory.max leaves swap free)
		[ ! -e "$V2CP/memory.swap.max" ] || echo 0 >"$V2CP/memory.swap.max" ||
			diag "could not set memory.swap.max=0 in $V2CP"
		before=$(cat "$V2CP/cgroup.subtree_control")
		# a shell reads its own leaf's limits
		read_limits='l=$(sed -n "s/^0:://p" /proc/self/cgroup)
		echo "leaf $l"
		echo "cpu.max $(cat "$1$l/cpu.max")"
		echo "memory.max $(cat "$1$l/memory.max") pids.max $(cat "$1$l/pids.max")"'
		run_st --cgroup-parent "$V2CP" --cpu-max 0.2 --memory-max 64M \
			--pids-max 50 -- /bin/sh -c "$read_limits" sh "$V2C"
		check_eq "$pfx: --cpu-max 0.2: cpu.max in the leaf spawn-helper-<helper pid> reads 20000 100000" \
			"0 leaf ${V2CP#"$V2C"}/spawn-helper-$hpid / cpu.max 20000 100000" \
			"$rc $(grep '^leaf' <<<"$out") / $(grep '^cpu.max' <<<"$out")"
		check_eq "$pfx: --memory-max 64M --pids-max 50: memory.max and pids.max in the leaf" \
			"memory.max 67108864 pids.max 50" "$(grep '^memory.max' <<<"$out")"
		check_eq "$pfx: memory, pids and cpu enabled in the parent's cgroup.subtree_control (empty before)" \
			"before: / after: cpu memory pids" \
			"before:$before / after: $(tr ' ' '\n' <"$V2CP/cgroup.subtree_control" | sort | xargs)"
		check_match "$pfx: the outcome's cgroup object has cpu-usec, memory-peak and oom-kills 0" \
			'^\{"cpu-usec":[0-9]+,.*"memory-peak":[0-9]+,"oom-kills":0\}$' \
			"$(json_val "$stN" cgroup)"

		check_oom "$pfx: " "$V2CP" none

		run_st --cgroup-parent "$V2CP" --pids-max 5 -- "$P" forks 10
		check_eq "$pfx: --pids-max 5: the command forks $((4 - ROOT_INIT)) children (and root's init), then fails" \
			"0 forks $((4 - ROOT_INIT)) of 10 EAGAIN" "$rc $out"

		token=sh-cgroup-daemon2-$$-$RANDOM
		run_st --cgroup-parent "$V2CP" --memory-max 64M --pids-max 50 \
			--cpu-max 1 --unsafe-share-pids -- \
			"$P" daemonize "$T/daemon2.pid" "$token"
		check_daemon_killed "$pfx: cgroup.kill kills the command's double-forked daemon (@PID@)" \
			"$pfx: the command started a daemon"
		check_true "$pfx: every leaf is removed" no_leaves_in "$V2CP"
	else
		for d in "v2 with controllers: --cpu-max: cpu.max in the leaf" \
			"v2 with controllers: --memory-max, --pids-max: written in the leaf" \
			"v2 with controllers: enabled in the parent's subtree_control" \
			"v2 with controllers: cpu-usec, memory-peak, oom-kills" \
			"v2 with controllers: --memory-max 32M: killed" \
			"v2 with controllers: --memory-max 32M: oom-kills, memory-peak" \
			"v2 with controllers: --pids-max 5: stops forks" \
			"v2 with controllers: cgroup.kill of a leftover daemon" \
			"v2 with controllers: leaf removed"; do
			skip "$d" "$why_no_v2c"
		done
	fi
}

# --- 2c. the command cannot leave its leaf -------------------------------------

# The attack tests/attacks/cgroup-escape runs as the command under
# --cgroup-parent: in every cgroup hierarchy it sees it writes its own
# pid into the cgroup.procs of its leaf's parent and of the root, then
# forks past --pids-max and leaves a double-forked daemon. The command
# sees every cgroup file system read-only (in a mount namespace the
# helper adds): each move is refused, the forks stop at the limit and
# the daemon dies with the run. Before, a root caller's command (v1) and
# an ordinary user's with a delegated parent (v2 without nsdelegate, with
# or without a cgroup namespace) left the limits and the end-of-run kill.
ESC=$(attack cgroup-escape)
ESC_N=6

escape_skip()
{
	local i

	for ((i = 1; i <= ESC_N; i++)); do
		skip "cgroup escape, $1 ($i of $ESC_N)" "$2"
	done
}

# The pids limit for an escape case under PARENT: 8 where its hierarchy
# has the pids controller, else "".
escape_pids()
{
	if [ "$(fs_type "$1")" = cgroupfs ] ||
		grep -qw pids "$1/cgroup.controllers" 2>/dev/null; then
		echo 8
	fi
}

no_process()
{
	! pgrep -f "$1" >/dev/null
}

# check_escape DESC PARENT OPTION...: the attack under PARENT with the
# helper's options, ESC_N results.
check_escape()
{
	local desc="cgroup escape, $1" parent=$2 tok pids lim=() forks=() left
	local failed=$tap_failed

	shift 2
	tok=sh-cgescape-$$-$RANDOM
	pids=$(escape_pids "$parent")
	if [ -n "$pids" ]; then
		lim=(--pids-max "$pids")
		forks=(forks "$pids")
	fi
	run_st "$@" --cgroup-parent "$parent" "${lim[@]}" -- "$ESC" \
		"${forks[@]}" daemon "$tok"
	check_match "$desc: exit 0, the record lists a mount namespace" \
		'^0 \[.*"mount".*\]$' "$rc $(json_val "$st1" namespaces)"
	check_match "$desc: the move into the leaf's parent $parent was tried and refused" \
		"^escape $parent: E[A-Z]+$" "$out"
	check_eq "$desc: no move out of the leaf worked, in any hierarchy" "" \
		"$(grep -E '^escape .*: ok$' <<<"$out")"
	if [ -n "$pids" ]; then
		check_match "$desc: forks past --pids-max $pids fail with EAGAIN" \
			"^forks $pids: EAGAIN after [0-9]+$" "$out"
	else
		skip "$desc: forks past --pids-max fail" \
			"no pids controller in $parent (a hybrid layout's v2 has none)"
	fi
	check_match "$desc: the command started a daemon" '^daemon: started$' \
		"$out"
	left=
	within 3 no_process "cgroup-escape sleep $tok" ||
		left=$(pgrep -f "cgroup-escape sleep $tok" | tee -a "$T/pids" |
			xargs)
	check_eq "$desc: the daemon is dead once the helper has exited" "" \
		"$left"
	[ "$tap_failed" = "$failed" ] || diag "the attack's output:" "$out"
}

case_escape()
{
	local d

	fixture_v2_controllers
	if [ -z "$ESC" ] || [ ! -x "$ESC" ]; then
		skip "root, v1, bound elsewhere: tried there" \
			"the attack program cgroup-escape is not built"
		for d in "root, v1, --unshare-all" "root, v1" \
			"root, v1, bound elsewhere" "root, v2" \
			"nobody, delegated v2" "nobody, delegated v2, --unshare-cgroup" \
			"nobody, v1"; do
			escape_skip "$d" "the attack program cgroup-escape is not built (SH_ATTACKS=${SH_ATTACKS:-})"
		done
	elif [ "$ME" = 0 ]; then
		if [ -n "$V1OK" ]; then
			check_escape "root, v1, --unshare-all" "${V1[pids]}/$TAG" \
				--unshare-all
			check_escape "root, v1" "${V1[pids]}/$TAG"
			# a cgroup mount bound elsewhere is found by its type
			mkdir -p "$T/cgbind"
			check_escape "root, v1, the pids hierarchy bound elsewhere too" \
				"${V1[pids]}/$TAG" --bind "${V1[pids]}:$T/cgbind"
			check_match "root, v1, bound elsewhere: the move there was tried and refused" \
				"^escape $T/cgbind/$TAG: E[A-Z]+$" "$out"
		else
			escape_skip "root, v1, --unshare-all" "$why_no_v1"
			escape_skip "root, v1" "$why_no_v1"
			escape_skip "root, v1, bound elsewhere" "$why_no_v1"
			skip "root, v1, bound elsewhere: tried there" "$why_no_v1"
		fi
		if [ -n "$V2BASE" ]; then
			check_escape "root, v2" "${V2CP:-$V2P}"
		else
			escape_skip "root, v2" "$why_no_v2"
		fi
		escape_skip "nobody, delegated v2" "runs as root"
		escape_skip "nobody, delegated v2, --unshare-cgroup" "runs as root"
		escape_skip "nobody, v1" "runs as root"
	else
		escape_skip "root, v1, --unshare-all" "runs as nobody"
		escape_skip "root, v1" "runs as nobody"
		escape_skip "root, v1, bound elsewhere" "runs as nobody"
		skip "root, v1, bound elsewhere: tried there" "runs as nobody"
		escape_skip "root, v2" "runs as nobody"
		if [ -n "$V2BASE" ]; then
			check_escape "nobody, delegated v2" "${V2CP:-$V2P}"
			check_escape "nobody, delegated v2, --unshare-cgroup" \
				"${V2CP:-$V2P}" --unshare-cgroup
		else
			escape_skip "nobody, delegated v2" "$why_no_v2"
			escape_skip "nobody, delegated v2, --unshare-cgroup" "$why_no_v2"
		fi
		escape_skip "nobody, v1" "no delegated cgroup v1 parent for nobody (v1 hierarchies are not delegated here)"
	fi
}

# --- 3. what an ordinary user cannot do ------------------------------------

case_unpriv_v2()
{
	local why_root d

	why_root="runs as root"
	[ -n "$V2" ] || why_root="no cgroup v2"
	if [ "$ME" != 0 ] && [ -n "$V2" ]; then
		rm -f "$T/marker"
		run_st --cgroup-parent "$V2" -- "$TOUCH" "$T/marker"
		check_eq "nobody, --cgroup-parent $V2 (not delegated): 125, stage cgroup, EACCES or EPERM, nothing ran" \
			'125 "cgroup" yes absent' \
			"$rc $(json_val "$st" stage) $(json_val "$st" errname | grep -qE '"(EACCES|EPERM)"' && echo yes) $(ran)"
		check_match "nobody, --cgroup-parent $V2: the message names the path" \
			"$V2/spawn-helper-" "$(json_val "$st" message)"
		run_st --cgroup "$V2" -- "$TOUCH" "$T/marker"
		check_eq "nobody, --cgroup $V2 (not delegated): 125, stage cgroup, EACCES or EPERM, nothing ran" \
			'125 "cgroup" yes absent' \
			"$rc $(json_val "$st" stage) $(json_val "$st" errname | grep -qE '"(EACCES|EPERM)"' && echo yes) $(ran)"
		check_match "nobody, --cgroup $V2: the message names the path" \
			"\`$V2\`" "$(json_val "$st" message)"
	else
		for d in "nobody, --cgroup-parent not delegated: 125" \
			"nobody, --cgroup-parent: names the path" \
			"nobody, --cgroup not delegated: 125" \
			"nobody, --cgroup: names the path"; do
			skip "$d" "$why_root"
		done
	fi
}

case_unpriv_v1()
{
	local why_root

	if [ "$ME" != 0 ] && [ -n "${V1[pids]}" ]; then
		run_st --cgroup-parent "${V1[pids]}" --pids-max 5 -- "$TOUCH" "$T/marker"
		check_eq "nobody, --cgroup-parent ${V1[pids]} (v1): 125, stage cgroup, EACCES or EPERM" \
			'125 "cgroup" yes' \
			"$rc $(json_val "$st" stage) $(json_val "$st" errname | grep -qE '"(EACCES|EPERM)"' && echo yes)"
	else
		why_root="runs as root"
		[ -n "${V1[pids]}" ] || why_root="no v1 pids hierarchy"
		skip "nobody, --cgroup-parent v1: 125" "$why_root"
	fi
}

# --- 4. the timeout kills the whole cgroup ----------------------------------

# (without the pid namespace root's command gets by default: the cgroup
# is what kills here, and the child's pid is one the test can see)

# The timeout counts from the command's execve: TMO is 0.3 s, longer on
# a slow machine (make check-vm), where the command might not have
# ignored SIGTERM yet after 0.3 s.
timeout_window()
{
	scaled 0.3
}

# The helper, waited for by the probe, without a pid namespace, with
# --timeout "$TMO" in a leaf under $V2P, and ARGS...; the command writes
# its child's pid to $T/child.pid. Sets stN (the last record) and cp (the
# child's pid, also in $T/pids; "" when none came).
timeout_in_leaf()
{
	rm -f "$T/child.pid"
	"$P" wait "$H" --status-fd 3 "${SCRATCH[@]}" --unsafe-share-pids \
		--cgroup-parent "$V2P" --timeout "$TMO" "$@" \
		</dev/null >"$T/out" 2>"$T/err" 3>"$T/st"
	stN=$(tail -n 1 "$T/st")
	cp=$(cat "$T/child.pid" 2>/dev/null)
	[ -z "$cp" ] || echo "$cp" >>"$T/pids"
}

# The command ignores SIGTERM, and so does its child: SIGKILL after the
# grace takes the command, the cgroup kill its child.
case_timeout_kill_after()
{
	local TMO tok cp stN

	if [ -z "$V2BASE" ]; then
		v2_skip_n "--timeout --cgroup-parent: SIGKILL" \
			"--timeout --cgroup-parent: child killed" \
			"--timeout --cgroup-parent: leaf removed"
		return
	fi
	TMO=$(timeout_window)
	tok=sh-cgroup-term-$$-$RANDOM
	timeout_in_leaf --kill-after "$TMO" \
		-- "$P" trap-term spawn "$T/child.pid" "$tok" sleep 5
	check_eq "--timeout $TMO --kill-after $TMO --cgroup-parent: TERM ignored, SIGKILL" \
		'signaled 9 core 0 / true "SIGKILL"' \
		"$(tail -n 1 "$T/out") / $(json_val "$stN" timed-out) $(json_val "$stN" signal-name)"
	check_true "--timeout with --cgroup-parent: the child that ignores TERM (${cp:-none}) is killed too" \
		test -n "$cp" -a -n "$(poll not_alive "${cp:-0}" && echo gone)"
	check_true "--timeout with --cgroup-parent: the leaf is removed" \
		no_leaves_in "$V2P"
}

# The command handles TERM by exiting, leaving its child behind.
case_timeout_trap_term()
{
	local TMO tok cp stN

	if [ -z "$V2BASE" ]; then
		v2_skip_n "--timeout --cgroup-parent: traps TERM" \
			"--timeout --cgroup-parent: its child killed"
		return
	fi
	TMO=$(timeout_window)
	tok=sh-cgroup-term-$$-$RANDOM
	timeout_in_leaf \
		-- /bin/sh -c 'trap "exit 3" TERM; "$1" spawn "$2" "$3"; sleep 5 & wait' \
		sh "$P" "$T/child.pid" "$tok"
	check_eq "--timeout --cgroup-parent, a command that traps TERM and exits 3" \
		"exited 3 / true 3" \
		"$(tail -n 1 "$T/out") / $(json_val "$stN" timed-out) $(json_val "$stN" exit-code)"
	check_true "--timeout --cgroup-parent: its child that ignores TERM (${cp:-none}) is killed" \
		test -n "$cp" -a -n "$(poll not_alive "${cp:-0}" && echo gone)"
}

# The control: without a cgroup (nor a pid namespace, nor a session
# whose group the timeout kills) the child survives. (Skipped with the
# two cases above when there is no v2 parent, as it always was.)
case_timeout_control()
{
	local TMO tok cp

	if [ -z "$V2BASE" ]; then
		v2_skip_n "control, --timeout without a cgroup"
		return
	fi
	TMO=$(timeout_window)
	tok=sh-cgroup-term-$$-$RANDOM
	rm -f "$T/child.pid"
	"$P" wait "$H" "${SCRATCH[@]}" --unsafe-share-pids \
		--unsafe-share-session --timeout "$TMO" \
		--kill-after "$TMO" -- "$P" trap-term \
		spawn "$T/child.pid" "$tok" sleep 5 </dev/null >"$T/out" 2>&1
	cp=$(cat "$T/child.pid" 2>/dev/null)
	[ -z "$cp" ] || echo "$cp" >>"$T/pids"
	check_true "control, --timeout without a cgroup: the child (${cp:-none}) survives" \
		test -n "$cp" -a -n "$(alive "${cp:-0}" && echo alive)"
	[ -z "$cp" ] || kill -9 "$cp" 2>/dev/null
}

# --- bad specs ---------------------------------------------------------------

# bad DESC STAGE ERE ARGS...: 125 at STAGE, the record's message matches
# ERE, the command (touch $T/marker, in ARGS) did not run.
bad()
{
	local desc=$1 want=$2 pattern=$3

	shift 3
	rm -f "$T/marker"
	run_st "$@"
	check_eq "$desc: 125, stage $want, nothing ran" "125 \"$want\" absent" \
		"$rc $(json_val "$st" stage) $(ran)"
	check_match "$desc: the message" "$pattern" "$(json_val "$st" message)"
}

case_bad_specs()
{
	local M=(-- "$TOUCH" "$T/marker") cgdir

	cgdir=${V2J:-${V2:-/sys/fs/cgroup}}
	bad "--cgroup and --cgroup-parent" spec '--cgroup.*--cgroup-parent' \
		--cgroup "$cgdir" --cgroup-parent "$cgdir" "${M[@]}"
	bad "--memory-max without --cgroup-parent" spec '--memory-max' \
		--memory-max 32M "${M[@]}"
	bad "--pids-max without --cgroup-parent" spec '--pids-max' \
		--pids-max 5 "${M[@]}"
	bad "--cpu-max with --cgroup" spec '--cpu-max' --cpu-max 0.2 \
		--cgroup "$cgdir" "${M[@]}"
	bad "--cgroup of a non-cgroup directory" cgroup "--cgroup \`$T\`" \
		--cgroup "$T" "${M[@]}"
	bad "--cgroup-parent of a non-cgroup directory" cgroup \
		"--cgroup-parent \`$T\`" --cgroup-parent "$T" "${M[@]}"
	bad "--cgroup of a missing directory" cgroup "$T/none" \
		--cgroup "$T/none" "${M[@]}"
}

# --- endurance -------------------------------------------------------------

endurance()
{
	local desc=$1 parent=$2 fails ms

	shift 2
	spawn_many 50 --cgroup-parent "$parent" -- "$P" exit 0
	diag "50 $desc spawns in $ms ms"
	check_eq "50 $desc transient-cgroup spawns: all succeed" 0 "$fails"
	check_eq "50 $desc spawns: no leaf left" "" "$(leaves_in "$parent" "$@")"
	check_eq "50 $desc spawns: no helper or probe process left" "" \
		"$(ours_left)"
}

case_endurance_v2()
{
	if [ -n "$V2BASE" ]; then
		endurance v2 "$V2P"
	else
		v2_skip_n "50 v2 spawns: succeed" "50 v2 spawns: no leaf" \
			"50 v2 spawns: no process"
	fi
}

case_endurance_v1()
{
	if [ -n "$V1OK" ]; then
		endurance v1 "${V1[pids]}/$TAG" "${V1DIRS[@]}"
	else
		v1_skip_n "50 v1 spawns: succeed" "50 v1 spawns: no leaf" \
			"50 v1 spawns: no process"
	fi
}

run_cases "$@"
