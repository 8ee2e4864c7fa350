#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2016 # literal backticks
# The kernel-enforced FEATURES=sandbox (spawn-helper(1), SANDBOX): the
# read-only view refuses, the monitor reports. Writers no LD_PRELOAD
# library sees (tests/attacks/static-write, linked statically, and
# tests/attacks/raw-write, no libc at all) write outside the allowed
# paths: each write must fail in the kernel AND be listed in the outcome
# record and the Gentoo-format log. Writes inside, to /dev/null and to
# /proc/self/fd/1 are no violations; predicted paths are refused
# silently; run-time grants (SANDBOX_WRITE in the caller's environment)
# widen the view only with --sandbox-grants. A --sandbox-deny path is
# neither readable nor listable, even with the capabilities of a root
# install phase, and reads outside --sandbox-read are refused (Landlock):
# by the same static program and by tests/attacks/raw-read, no libc.
#
#
# Each case is a function case_NAME that runs alone (`tests/sandbox.sh
# deny_reads`, `--list` names them; see run_cases in tap.sh); the files
# the --sandbox-deny and --sandbox-read cases read are made once, by
# fixture_secrets.
#
# Environment: SPAWN_HELPER, SH_INSIDE, SH_ATTACKS, SH_TESTS_SRCDIR.

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"

require_helper_and_inside
require_attacks static-write raw-write raw-read
require_userns_unless_root

suite_scratch sandbox
private_copies helper attack:static-write attack:raw-write attack:raw-read
# outside: writable for the runner on the host, not in the sandbox
mkdir -m 777 "$T/outside" "$T/w" "$T/g"
echo original >"$T/outside/old"
chmod 666 "$T/outside/old"
LOG=$T/sandbox.log
SB=(--sandbox-write "$T/w" --sandbox-log "$LOG")
# run-time grants; a command that is the host's uid 0 (this suite as
# root) has them only with --unsafe-writable-host (case_grants_root)
GRANTS=(--sandbox-grants)
[ "$(id -u)" != 0 ] || GRANTS+=(--unsafe-writable-host)

# run_st with a fresh log; stN is the outcome record
sb_run()
{
	rm -f "$LOG"
	run_st "$@"
}

said()
{
	sed -n "s|^$1: ||p" <<<"$out" | head -n 1
}

# The operations the record lists, in order, space-separated.
ops()
{
	grep -o '"operation":"[^"]*"' <<<"$stN" | cut -d'"' -f4 | tr '\n' ' ' |
		sed 's/ $//'
}

# The log's F: records, space-separated.
log_ops()
{
	[ -f "$LOG" ] && sed -n 's/^F: //p' "$LOG" | tr '\n' ' ' | sed 's/ $//'
}

# --- 1. a static binary writing outside: refused and reported -------------

case_static_write()
{
	sb_run "${SB[@]}" -- "$T/pub/static-write" create "$T/outside/new" \
		mkdir "$T/outside/dir" create "$T/w/inside"
	check_eq "static binary: a create and a mkdir outside fail with EACCES (Gentoo's errno)" \
		"EACCES EACCES" \
		"$(said "create $T/outside/new") $(said "mkdir $T/outside/dir")"
	check_true "... nothing was made on the host" \
		test ! -e "$T/outside/new" -a ! -e "$T/outside/dir"
	check_eq "... the record lists open_wr_creat and mkdir" \
		"open_wr_creat mkdir" "$(ops)"
	check_match "... with the path, absolute and canonical, the pid and the command line" \
		'"path":"'"$T"'/outside/new","absolute":"'"$T"'/outside/new","canonical":"'"$T"'/outside/new","pid":[0-9]+,"command":"'"$T"'/pub/static-write create' \
		"$stN"
	check_eq "... the log has the same records" "open_wr_creat mkdir" "$(log_ops)"
	check_true "... in Gentoo's format (VERSION 1.0, S: deny, P:, A:, R:, C:)" \
		bash -c 'head -n 1 "$1" | grep -qx "VERSION 1.0" &&
			grep -qx "S: deny" "$1" && grep -qx "P: $2/outside/dir" "$1" &&
			grep -qx "A: $2/outside/dir" "$1" && grep -qx "R: $2/outside/dir" "$1" &&
			grep -aq "^C: $2/pub/static-write" "$1"' _ "$LOG" "$T"
	check_eq "... the write inside --sandbox-write succeeded" "ok" \
		"$(said "create $T/w/inside")"
	check_eq "as Gentoo's sandbox: a command that exits 0 with violations makes the helper exit 1" \
		"1" "$rc"
	check_match "... the record keeps the command's own exit code" \
		'"exit-code":0,' "$stN"
	check_match "... and stderr has the ACCESS VIOLATION SUMMARY naming the log" \
		"SANDBOX ACCESS VIOLATION SUMMARY.*LOG FILE: \"$LOG\"" \
		"$(tr '\n' ' ' <<<"$err")"
}

# --- 2. a raw-syscall program: openat, mkdir, rename -----------------------

case_raw_write()
{
	sb_run "${SB[@]}" -- "$T/pub/raw-write" "$T/outside/raw" "$T/outside/rawdir" \
		"$T/outside/old" "$T/outside/renamed"
	check_eq "raw syscalls: openat(O_CREAT), mkdir, rename outside get -EACCES" \
		"-13 -13 -13" "$(said openat) $(said mkdir) $(said rename)"
	check_true "... nothing changed on the host" \
		test ! -e "$T/outside/raw" -a ! -e "$T/outside/rawdir" -a -e "$T/outside/old"
	check_eq "... reported as open_wr_creat, mkdir, rename (record)" \
		"open_wr_creat mkdir rename" "$(ops)"
	check_eq "... and in the log" "open_wr_creat mkdir rename" "$(log_ops)"
}

# --- 3. inside, /dev/null, /proc/self/fd/1: no violations ------------------

case_inside()
{
	sb_run "${SB[@]}" -- sh -c 'echo a >"$1/a" && mkdir "$1/d" &&
		mv "$1/a" "$1/d/b" && rm -r "$1/d" && echo x >/dev/null &&
		echo y >/proc/self/fd/1' _ "$T/w"
	check_eq "writes inside, to /dev/null and /proc/self/fd/1 succeed" "0 y" \
		"$rc $out"
	check_match "... and are no violations" '"violation-count":0,' "$stN"
	check_true "... no log is written" test ! -e "$LOG"
}

# --- 4. predicted: refused silently ----------------------------------------

case_predicted()
{
	sb_run "${SB[@]}" --sandbox-predict "$T/outside/pred" -- \
		"$T/pub/static-write" create "$T/outside/pred" create "$T/outside/predx"
	check_eq "predicted path: EACCES; a path that merely starts the same is not predicted" \
		"EACCES EACCES" \
		"$(said "create $T/outside/pred") $(said "create $T/outside/predx")"
	check_match "... the predicted one is counted, not listed" \
		'"violation-count":1,.*"canonical":"'"$T"'/outside/predx".*"predicted":1' \
		"$stN"
}

# --- 5. run-time grants: addwrite / addpredict through the environment -----

case_grants_env()
{
	local grant_script

	grant_script='export SANDBOX_WRITE="/nonexistent:$1"; touch "$1/granted";
		export SANDBOX_PREDICT="$2"; touch "$2/p" 2>/dev/null; exit 0'
	sb_run "${SB[@]}" "${GRANTS[@]}" -- sh -c "$grant_script" _ "$T/g" \
		"$T/outside"
	check_eq "--sandbox-grants: SANDBOX_WRITE exported in the phase widens the view" \
		"0 yes" "$rc $(test -e "$T/g/granted" && echo yes)"
	check_match "... the grants are listed (SANDBOX_WRITE, SANDBOX_PREDICT)" \
		'"grant-count":2,"grants":\[\{"variable":"SANDBOX_WRITE","prefix":"'"$T"'/g","path":"'"$T"'/g/granted".*"variable":"SANDBOX_PREDICT","prefix":"'"$T"'/outside"' \
		"$stN"
	check_match "... no violations" '"violation-count":0,' "$stN"
	rm -f "$T/g/granted"
	sb_run "${SB[@]}" -- sh -c "$grant_script" _ "$T/g" "$T/outside"
	check_eq "without --sandbox-grants the environment grants nothing" \
		"1 no" "$rc $(test -e "$T/g/granted" && echo yes || echo no)"
	check_eq "... both writes are violations" "open_wr_creat open_wr_creat" \
		"$(ops)"
}

# A command that is the host's uid 0 (portage's install phase with
# FEATURES=sandbox) must not widen its own view: its read-only host is a
# safe default, not QA. Its SANDBOX_WRITE is a violation, not a grant
# (tests/attacks/static-write exports its own and writes a host
# directory, as a malicious ebuild's src_install would);
# --unsafe-writable-host lets its grants through again, and says so.
case_grants_root()
{
	local desc="--sandbox-grants, a command that is the host's uid 0"
	local script='export SANDBOX_WRITE="$1"; "$2/static-write" create "$1/root"'

	if [ "$(id -u)" != 0 ]; then
		skip "$desc: its own SANDBOX_WRITE widens nothing" \
			"needs root (the command is not the host's uid 0)"
		return
	fi
	rm -f "$T/g/root"
	sb_run "${SB[@]}" --sandbox-grants -- sh -c "$script" _ "$T/g" "$T/pub"
	check_eq "$desc: its own SANDBOX_WRITE widens nothing (EACCES, nothing made, exit 1)" \
		"EACCES no 1" \
		"$(said "create $T/g/root") $(test -e "$T/g/root" && echo yes || echo no) $rc"
	check_match "... reported as a violation, no grant listed" \
		'"violation-count":1,.*"canonical":"'"$T"'/g/root".*"grant-count":0' \
		"$stN"
	sb_run "${SB[@]}" --sandbox-grants --unsafe-writable-host -- \
		sh -c "$script" _ "$T/g" "$T/pub"
	check_eq "... with --unsafe-writable-host the grant is had" \
		"ok yes 0" \
		"$(said "create $T/g/root") $(test -e "$T/g/root" && echo yes || echo no) $rc"
	check_match "... and the started record lists it as unsafe" \
		'"unsafe":\["writable-host"\]' "$st1"
	rm -f "$T/g/root"
}

# --- 5b. a grant of a path not made yet: addwrite DIR, then mkdir DIR ------

# $T/h exists (read-only in the view), $T/h/new does not: the grant
# widens $T/h, and on it the monitor refuses what is not below the
# grant: a sibling made, an existing file written, a rename out of the
# granted directory, by the static and the raw-syscall writers
case_grants_missing_dir()
{
	local missing_script

	mkdir -m 777 "$T/h"
	echo original >"$T/h/old"
	chmod 666 "$T/h/old"
	missing_script='export SANDBOX_WRITE="$1/new"
		mkdir "$1/new" && echo made >"$1/new/f" && mkdir "$1/new/sub" &&
			: >"$1/new/sub/g" && echo "granted: yes"
		"$2/static-write" create "$1/sibling" mkdir "$1/sibdir" \
			create "$1/newer" create "$1/old" create "$1/new/h"
		"$2/raw-write" "$1/rawsib" "$1/rawdir" "$1/new/f" "$1/moved"
		exit 0'
	sb_run "${SB[@]}" "${GRANTS[@]}" -- sh -c "$missing_script" _ "$T/h" \
		"$T/pub"
	check_eq "a grant of a directory not made yet: mkdir it, write and mkdir in it" \
		"yes made yes ok" \
		"$(said granted) $(cat "$T/h/new/f" 2>/dev/null) $(test -e "$T/h/new/sub/g" && echo yes) $(said "create $T/h/new/h")"
	check_match "... the grant is listed" \
		'"grants":\[\{"variable":"SANDBOX_WRITE","prefix":"'"$T"'/h/new","path":"'"$T"'/h/new"' \
		"$stN"
	check_eq "... a sibling made, a look-alike name, an existing file written next to it: EACCES (static)" \
		"EACCES EACCES EACCES EACCES" \
		"$(said "create $T/h/sibling") $(said "mkdir $T/h/sibdir") $(said "create $T/h/newer") $(said "create $T/h/old")"
	check_eq "... openat, mkdir, and a rename out of the granted directory: -EACCES (raw syscalls)" \
		"-13 -13 -13" "$(said openat) $(said mkdir) $(said rename)"
	check_true "... nothing changed next to the granted directory on the host" \
		bash -c 'cd "$1" && [ "$(ls | tr "\n" " ")" = "new old " ] &&
			grep -qx original old && [ -e new/f ]' _ "$T/h"
	check_eq "... each refused write is reported (record)" \
		"open_wr_creat mkdir open_wr_creat open_wr_creat open_wr_creat mkdir rename" \
		"$(ops)"
	check_eq "... and in the log" \
		"open_wr_creat mkdir open_wr_creat open_wr_creat open_wr_creat mkdir rename" \
		"$(log_ops)"
	check_eq "... the helper exits 1 (violations)" "1" "$rc"
}

# --- 6. a command whose uid changed gets the view too ----------------------

case_uid_change()
{
	if [ "$(id -u)" = 0 ]; then
		sb_run "${SB[@]}" --uid 65534 --gid 65534 -- "$T/pub/static-write" \
			create "$T/outside/asnobody" create "$T/w/asnobody"
		check_eq "--uid 65534: outside refused (the view), inside allowed" \
			"EACCES ok" \
			"$(said "create $T/outside/asnobody") $(said "create $T/w/asnobody")"
		check_eq "... reported" "open_wr_creat" "$(ops)"
	else
		skip "--uid 65534 gets the view too" "needs root (a uid change)"
		skip "... reported" "needs root (a uid change)"
	fi
}

# --- 7. --sandbox-report no: the view alone --------------------------------

case_report_no()
{
	sb_run "${SB[@]}" --sandbox-report no -- "$T/pub/static-write" create \
		"$T/outside/quiet"
	check_eq "--sandbox-report no: the kernel refuses (EROFS), nothing is reported" \
		"EROFS 0" "$(said "create $T/outside/quiet") $rc"
	check_match "... the record says so" \
		'"sandbox":\{"reported":false,"violation-count":0,' "$stN"
}

# --- 8. --sandbox-deny: neither readable nor listable ----------------------

# The host's files the deny and read cases try: $T/secretfile,
# $T/secret/f, $T/w/secret (below the write path), $T/readable/f. Once.
fixture_secrets()
{
	[ ! -e "$T/secretfile" ] || return 0
	mkdir -m 755 "$T/secret" "$T/w/secret"
	echo secret >"$T/secret/f"
	echo secret >"$T/secretfile"
	chmod 644 "$T/secret/f" "$T/secretfile"
	mkdir -m 755 "$T/readable"
	echo readable >"$T/readable/f"
	chmod 644 "$T/readable/f"
}

# the static program reads the file, lists the directory, reads in it
READ_ALL=("$T/pub/static-write" read "$T/secretfile" list "$T/secret"
	read "$T/secret/f")
DENY=(--sandbox-deny "$T/secretfile" --sandbox-deny "$T/secret")

case_deny_unset()
{
	fixture_secrets
	sb_run "${SB[@]}" -- "${READ_ALL[@]}"
	check_eq "without --sandbox-deny the static program reads the file and lists the directory" \
		"ok|ok 1|ok" \
		"$(said "read $T/secretfile")|$(said "list $T/secret")|$(said "read $T/secret/f")"
	sb_run "${SB[@]}" -- "$T/pub/raw-read" "$T/secretfile" "$T/secret"
	check_eq "... and so does the raw-syscall one" "7 yes" \
		"$(said read) $([ "$(said list)" -gt 0 ] && echo yes)"
}

case_deny_reads()
{
	fixture_secrets
	sb_run "${SB[@]}" "${DENY[@]}" -- "${READ_ALL[@]}"
	check_eq "--sandbox-deny: the static program cannot read the file, list the directory or read in it (EACCES)" \
		"EACCES|EACCES|EACCES" \
		"$(said "read $T/secretfile")|$(said "list $T/secret")|$(said "read $T/secret/f")"
	sb_run "${SB[@]}" "${DENY[@]}" -- "$T/pub/raw-read" "$T/secretfile" \
		"$T/secret"
	check_eq "... nor can the raw-syscall one (-EACCES)" "-13 -13" \
		"$(said read) $(said list)"
}

case_deny_with_caps()
{
	local caps idmapped kmaj kmin why

	fixture_secrets
	# a root install phase keeps the DAC-override capabilities: mode 000
	# alone would not stop it
	caps=(--cap-keep cap_dac_override,cap_dac_read_search)
	# root's denied directory is idmapped so that no capability opens it;
	# tmpfs takes an idmapping since Linux 6.3: before (Debian 12's 6.1),
	# as in a user namespace of one id, the directory it opens is empty
	idmapped=no
	if [ "$(id -u)" = 0 ]; then
		IFS=. read -r kmaj kmin _ <<<"$(uname -r)"
		[ "$kmaj" -gt 6 ] || { [ "$kmaj" = 6 ] && [ "${kmin%%[!0-9]*}" -ge 3 ]; } &&
			idmapped=yes
		why="as root before Linux 6.3, which idmaps no tmpfs"
	else
		why="uid 0 of a user namespace"
	fi
	sb_run "${SB[@]}" "${DENY[@]}" "${caps[@]}" -- "${READ_ALL[@]}"
	if [ "$idmapped" = yes ]; then
		check_eq "... nor with cap_dac_override and cap_dac_read_search kept (as root)" \
			"EACCES|EACCES|EACCES" \
			"$(said "read $T/secretfile")|$(said "list $T/secret")|$(said "read $T/secret/f")"
	else
		# one id in the user namespace (or an old kernel): no idmapping
		# leaves the object's owner out; the directory it opens is empty
		check_eq "... nor with cap_dac_override and cap_dac_read_search kept ($why: an empty listing)" \
			"EACCES|ok 0|ENOENT" \
			"$(said "read $T/secretfile")|$(said "list $T/secret")|$(said "read $T/secret/f")"
	fi
	sb_run "${SB[@]}" "${DENY[@]}" "${caps[@]}" -- "$T/pub/raw-read" \
		"$T/secretfile" "$T/secret"
	if [ "$idmapped" = yes ]; then
		check_eq "... nor the raw-syscall one (-EACCES)" "-13 -13" \
			"$(said read) $(said list)"
	else
		check_eq "... nor the raw-syscall one reads the file (-EACCES)" "-13" \
			"$(said read)"
	fi
	check_true "... the host's files are untouched" \
		grep -qx secret "$T/secretfile"
}

case_deny_below_write()
{
	fixture_secrets
	sb_run "${SB[@]}" --sandbox-deny "$T/w/secret" -- "$T/pub/static-write" \
		create "$T/w/secret/x" create "$T/w/y"
	check_eq "a denied path below a --sandbox-write path stays denied (as Gentoo's DENY before WRITE)" \
		"EACCES ok" "$(said "create $T/w/secret/x") $(said "create $T/w/y")"
	check_eq "... and the refused write is reported" "open_wr_creat" "$(ops)"
	rm -f "$T/w/y"
}

case_deny_nested()
{
	fixture_secrets
	mkdir -m 755 "$T/secret/sub"
	sb_run "${SB[@]}" --sandbox-deny "$T/secret" --sandbox-deny "$T/secret/sub" \
		-- "$T/pub/static-write" read "$T/secret/f"
	check_eq "a denied path below another one, given after it, is no error" \
		"0 EACCES" "$rc $(said "read $T/secret/f")"
	rmdir "$T/secret/sub"
}

case_deny_root()
{
	sb_run --sandbox-deny / -- true
	check_match "--sandbox-deny / is refused before anything runs" \
		'^125 .*"stage":"spec".*--sandbox-deny `/`' "$rc $stN"
}

# --- 9. --sandbox-read: reads only below the listed paths (Landlock) -------

case_read()
{
	local READ=(--sandbox-read "$T/pub" --sandbox-read "$T/readable") c

	fixture_secrets
	if [ "$(json_val "$("$H" --probe --json)" landlock-abi)" -gt 0 ] 2>/dev/null; then
		sb_run "${SB[@]}" "${READ[@]}" -- "$T/pub/static-write" read \
			"$T/readable/f" read "$T/secretfile" list "$T/secret" \
			create "$T/w/rw" read "$T/w/rw"
		check_eq "--sandbox-read: the static program reads below it, not outside (EACCES)" \
			"ok|EACCES|EACCES" \
			"$(said "read $T/readable/f")|$(said "read $T/secretfile")|$(said "list $T/secret")"
		check_eq "... what it may write it may read back" "ok ok" \
			"$(said "create $T/w/rw") $(said "read $T/w/rw")"
		check_match "... the record says the reads were restricted" \
			'"sandbox-read":\{"abi":[0-9]+,"enforced":true\}' \
			"$(head -n 1 "$T/st")"
		sb_run "${SB[@]}" "${READ[@]}" -- "$T/pub/raw-read" "$T/secretfile" \
			"$T/secret"
		check_eq "... the raw-syscall program neither (-EACCES)" "-13 -13" \
			"$(said read) $(said list)"
		sb_run "${SB[@]}" "${READ[@]}" -- /bin/true
		check_match "... a command outside it does not run, and the error says why" \
			"^126 .*must be below a --sandbox-read path" "$rc $stN"
		sb_run "${SB[@]}" --sandbox-read / -- "$T/pub/raw-read" \
			"$T/secretfile" "$T/secret"
		check_eq "--sandbox-read / (Gentoo's default) restricts nothing" \
			"7 no" "$(said read) $(grep -q sandbox-read "$T/st" && echo yes || echo no)"
	else
		for c in "reads below it, not outside" "what it may write it may read back" \
			"the record" "raw-syscall" "a command outside it" \
			"--sandbox-read /"; do
			skip "--sandbox-read: $c" "Landlock is not available"
		done
	fi
}

# --- 10. a loaded machine is not a stalled read ----------------------------

# The monitor reads what the command names through its memory reader, a
# read a command can stall with its own memory (stall.sh): a read that
# takes over 200 ms counted as failed, and the write then went to the
# kernel unreported (EROFS, exit 0). On a loaded machine the reader can
# be runnable, waiting for a CPU, past 200 ms: that is no stall. Here the
# reader alone is moved, once the command runs, into a cgroup of 1 ms of
# CPU a second that a spinning process uses up at the start of each
# second: the reader's handling of one call, more than 1 ms of CPU, waits
# for the next second in its middle (a larger quota lets it end within
# one second, where 200 ms is enough). Under emulation the same work
# takes many times the CPU, and a read must still end within 10 s: the
# quota is 1 ms times SH_TIME_SCALE squared there (25 ms in make
# check-vm; at 5 ms, reads on 6.1 under qemu came near the 10 s).
starved_cgroup()
{
	local v1 v2 quota=$((1000 * ${SH_TIME_SCALE:-1} * ${SH_TIME_SCALE:-1}))

	[ "$(id -u)" = 0 ] || { why="an ordinary user cannot make a CPU-throttled cgroup"; return 1; }
	v1=$(cgroup_v1_mount cpu) v2=$(cgroup_v2_mount)
	if [ -n "$v1" ]; then
		starved=$v1/sh-sandbox-starved-$$
		mkdir "$starved" && echo 1000000 >"$starved/cpu.cfs_period_us" &&
			echo "$quota" >"$starved/cpu.cfs_quota_us" && return 0
	elif [ -n "$v2" ] && grep -qw cpu "$v2/cgroup.subtree_control" 2>/dev/null; then
		starved=$v2/sh-sandbox-starved-$$
		mkdir "$starved" && echo "$quota 1000000" >"$starved/cpu.max" && return 0
	else
		why="no cgroup with the cpu controller (v1 cpu, or v2's root with cpu enabled)"
		return 1
	fi
	why="cannot set a CPU quota in $starved"
	cg_destroy "$starved"
	return 1
}

case_loaded_reader()
{
	local why starved hog hpid reader c

	if starved_cgroup; then
		rm -f "$T/w/ready" "$T/w/go" "$T/outside/new" "$LOG"
		"$SH_INSIDE" spin 600 >/dev/null &
		hog=$!
		echo "$hog" >>"$T/pids"
		echo "$hog" >"$starved/cgroup.procs"
		"$H" --status-fd 3 "${SB[@]}" -- /bin/sh -c 'echo >"$1/ready"
			while [ ! -e "$1/go" ]; do sleep 0.05; done
			exec "$2" create "$3"' _ "$T/w" "$T/pub/static-write" "$T/outside/new" \
			</dev/null >"$T/stdout" 2>"$T/err" 3>"$T/st" &
		hpid=$!
		echo "$hpid" >>"$T/pids"
		reader=
		within 30 test -e "$T/w/ready" &&
			reader=$(pgrep -P "$hpid" -x sh-memread) &&
			echo "$reader" >"$starved/cgroup.procs"
		touch "$T/w/go"
		wait "$hpid"
		rc=$? out=$(cat "$T/stdout") stN=$(tail -n 1 "$T/st")
		kill "$hog"
		wait "$hog" 2>/dev/null
		cg_destroy "$starved"
		check_true "a reader with 1 ms of CPU a second: it was there, moved in" \
			test -n "$reader"
		check_eq "... a create outside is still EACCES, nothing made" \
			"EACCES no" \
			"$(said "create $T/outside/new") $(test -e "$T/outside/new" && echo yes || echo no)"
		check_match "... reported as a violation (not the kernel's EROFS, unreported)" \
			'"violation-count":1,.*"canonical":"'"$T"'/outside/new"' "$stN"
		check_eq "... the helper exits 1" 1 "$rc"
	else
		for c in "it was there, moved in" "a create outside is still EACCES" \
			"reported as a violation" "the helper exits 1"; do
			skip "a reader with 1 ms of CPU a second: $c" "$why"
		done
	fi
}

run_cases "$@"
