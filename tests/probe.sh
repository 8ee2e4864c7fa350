#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2016 # literal backticks
# spawn-helper --probe: what it says about this machine (namespaces, the
# cgroup layout, IPv6, Landlock, seccomp), checked against what the test
# finds itself; its bad arguments. Runs as root and as nobody
# (probe-root.sh, probe-nobody.sh, through run-as.sh). Each case is a
# function case_NAME, which runs alone too (tap.sh's run_cases,
# tests/README). (Moved out of cgroup.sh, issue 15.)
#
# Environment: SPAWN_HELPER, SH_INSIDE (tests/inside), SH_TESTS_SRCDIR.

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"

require_helper_and_inside
suite_scratch probe
# copies every user can run (the build tree may be closed to nobody)
private_copies helper inside
ME=$(id -u)

case_text()
{
	run --probe
	check_match "--probe: exit 0, names the cgroup layout" \
		'^0 .*cgroup layout: ' "$rc $(tr '\n' ' ' <<<"$out")"
}

case_json()
{
	local json probe_rc got ns layout v2 own may priv ipv6 abi sc

	run --probe --json
	json=$out
	probe_rc=$rc
	if ! command -v python3 >/dev/null; then
		skip "--probe --json parses" "no python3"
		skip "--probe --json: namespaces" "no python3"
		skip "--probe --json: cgroup, ipv6, landlock, seccomp" "no python3"
		skip "--probe --json as nobody" "no python3"
		return
	fi
	check_true "--probe --json: exit 0, python3 -m json.tool parses it" \
		sh -c 'test "$1" = 0 && printf "%s\n" "$2" | python3 -m json.tool >/dev/null' \
		sh "$probe_rc" "$json"
	got=
	for ns in user mount net ipc uts pid cgroup time; do
		got="$got $ns:$(pyget "namespaces.$ns.available")"
	done
	check_eq "--probe --json: all eight namespaces available" \
		" user:true mount:true net:true ipc:true uts:true pid:true cgroup:true time:true" \
		"$got"
	v2=$(cgroup_v2_mount)
	if [ "$(fs_type /sys/fs/cgroup)" = cgroup2fs ]; then
		layout=unified
	elif [ "$(fs_type /sys/fs/cgroup/unified)" = cgroup2fs ]; then
		layout=hybrid
	elif has_v1_hierarchy; then
		layout=legacy
	else
		layout=none
	fi
	own=
	[ -z "$v2" ] || own=$v2$(sed -n 's/^0:://p' /proc/self/cgroup)
	own=${own%/}
	if [ -n "$own" ] && [ -w "$own" ]; then may=true; else may=false; fi
	[ "$ME" = 0 ] && priv=true || priv=false
	if [ "$("$P" tcp ::1)" = "tcp ::1 ok" ]; then ipv6=true; else ipv6=false; fi
	abi=$(python3 -c 'import ctypes; print(max(0, ctypes.CDLL(None).syscall(444, None, 0, 1)))' 2>/dev/null)
	if grep -q '^Seccomp:' /proc/self/status; then sc=true; else sc=false; fi
	check_eq "--probe --json: cgroup layout, privileged, may-create, ipv6, landlock-abi, seccomp" \
		"\"$layout\" $priv $may $ipv6 ${abi:-?} $sc" \
		"$(pyget cgroup.layout) $(pyget privileged) $(pyget cgroup.may-create) $(pyget ipv6) $(pyget landlock-abi) $(pyget seccomp.available)"
	diag "expected here: layout hybrid, landlock-abi 7"
	check_eq "--probe --json: the own cgroup's directory" "\"$own\"" \
		"$(pyget cgroup.own)"
	if [ "$ME" != 0 ]; then
		check_eq "--probe --json as nobody: privileged false, may-create false" \
			"false false" "$(pyget privileged) $(pyget cgroup.may-create)"
	else
		skip "--probe --json as nobody: privileged false" "runs as root"
	fi
}

# The value at the dotted PATH of the calling case's $json, as JSON.
pyget()
{
	printf '%s\n' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    d = d.get(k) if isinstance(d, dict) else None
print(json.dumps(d))' "$1" 2>/dev/null
}

# a cgroup v1 hierarchy with one of the controllers the suites use
has_v1_hierarchy()
{
	local c

	for c in memory pids cpu cpuacct freezer; do
		[ -n "$(cgroup_v1_mount "$c")" ] && return 0
	done
	return 1
}

case_bad_arguments()
{
	run --probe --bogus
	check_eq "--probe --bogus: 125" 125 "$rc"
	run --probe x
	check_eq "--probe x: 125" 125 "$rc"
}

run_cases "$@"
