#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2016,SC2317 # literal backticks; indirect calls
# Integration tests: run the built helper for real and check, through the
# probe, what the command really sees. Runs as root and as an ordinary user
# (integration-root.sh, integration-nobody.sh); cases that need one or the
# other skip with a reason. Each case is a function case_NAME, which runs
# alone too (`integration.sh --list`, `integration.sh fds_swap`; tap.sh's
# run_cases, tests/README).
#
# Environment: SPAWN_HELPER (the helper), SH_INSIDE (tests/inside),
# SH_TESTS_SRCDIR (where tap.sh lives; defaults to this script's directory).

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"

require_helper_and_inside
H=$SPAWN_HELPER

suite_scratch integration
# world-traversable (suite_scratch), so the command still reaches it after
# --uid nobody
private_copies inside
TOUCH=$(command -v touch)
ME=$(id -u)
MYGID=$(id -g)
NOBODY_GID=$(id -g nobody 2>/dev/null)
# a directory the cases run in, list, or pass as a command
mkdir "$T/d"
# The started record of a command run without namespace options. Root's
# command is the host's uid 0: it gets the read-only view, a mount, an
# IPC and a pid namespace (the command pid 2 under an init), abstract
# sockets out of reach (Landlock; "reachable" before Landlock ABI 6); an ordinary user at
# most a user namespace of its own, to clear the bounding set.
if [ "$ME" = 0 ]; then
	started_re='^\{"child-pid":[0-9]+,"command-pid":[0-9]+,"command-ns-pid":2,"namespaces":\["mount","ipc","pid"\],"mnt-namespace":[0-9]+,"ipc-namespace":[0-9]+,"pid-namespace":[0-9]+,"host":"read-only","abstract-sockets":"(landlock|reachable)"\}$'
else
	started_re='^\{"child-pid":[0-9]+,"command-pid":[0-9]+,"namespaces":\[("user"\],"user-namespace":[0-9]+|\])\}$'
fi

# --- helpers -----------------------------------------------------------

my_sid()
{
	# fields after "(comm) ": state ppid pgrp session
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f4
}

repeat4()
{
	echo "$1 $1 $1 $1"
}

# --- basics ------------------------------------------------------------

case_basics_exit_code()
{
	run -- "$P" exit 0
	check_eq "command exit 0 is the helper's exit 0" 0 "$rc"
	run -- "$P" exit 7
	check_eq "command exit 7 is the helper's exit 7" 7 "$rc"
	run "$P" exit 5
	check_eq "the command without -- runs too" 5 "$rc"
}

# --- fds ---------------------------------------------------------------

case_fds_default()
{
	: >"$T/seven"
	exec 7<"$T/seven"
	run -- "$P" fds
	check_eq "default map: 0 1 2 only, the shell's fd 7 is closed" \
		"$(printf '0 /dev/null\n1 %s\n2 %s' "$T/out" "$T/err")" "$out"
	exec 7<&-
}

case_fds_status_not_leaked()
{
	run_st --fd 0=0 --fd 1=1 --fd 2=2 -- "$P" fds
	check_eq "the status fd is not leaked into the command" \
		"$(printf '0 /dev/null\n1 %s\n2 %s' "$T/out" "$T/err")" "$out"
}

case_fds_unnamed_closed()
{
	run --fd 1=1 --fd 2=2 -- "$P" fds
	check_eq "an fd not named (0) is closed" \
		"$(printf '1 %s\n2 %s' "$T/out" "$T/err")" "$out"
}

case_fds_swap()
{
	# swap 1=2 2=1: files
	"$H" --fd 0=0 --fd 1=2 --fd 2=1 -- "$P" fds write 1 one write 2 two \
		</dev/null >"$T/f1" 2>"$T/f2"
	rc=$?
	check_eq "swap 1=2 2=1 (files): exit" 0 "$rc"
	check_eq "swap 1=2 2=1 (files): the command's fd 1 is the helper's 2" \
		"$(printf '0 /dev/null\n1 %s\n2 %s\none' "$T/f2" "$T/f1")" \
		"$(cat "$T/f2")"
	check_eq "swap 1=2 2=1 (files): the command's fd 2 is the helper's 1" \
		"two" "$(cat "$T/f1")"

	# swap 1=2 2=1: the helper's stdout is a pipe
	{
		"$H" --fd 0=0 --fd 1=2 --fd 2=1 -- "$P" fds write 1 one write 2 two \
			</dev/null 2>"$T/f2"
		echo $? >"$T/rc"
	} | cat >"$T/p1"
	check_eq "swap 1=2 2=1 (pipe): exit" 0 "$(cat "$T/rc")"
	check_eq "swap 1=2 2=1 (pipe): fd 1 is the file, fd 2 the pipe" \
		"$(printf '0 /dev/null\n1 %s\n2 pipe:[N]\none' "$T/f2")" \
		"$(sed 's/pipe:\[[0-9]*\]/pipe:[N]/' "$T/f2")"
	check_eq "swap 1=2 2=1 (pipe): what fd 2 writes comes out of the pipe" \
		"two" "$(cat "$T/p1")"
}

case_fds_chain()
{
	# a chain given in the worst order: 4=5 3=4 1=3 (each target is the next
	# mapping's source)
	"$H" --fd 4=5 --fd 3=4 --fd 1=3 --fd 2=2 -- "$P" fds \
		</dev/null >"$T/out" 2>"$T/err" 3>"$T/c3" 4>"$T/c4" 5>"$T/c5"
	rc=$?
	check_eq "chain 1=3 3=4 4=5: exit" 0 "$rc"
	check_eq "chain 1=3 3=4 4=5: every fd a copy of the right one, 0 and 5 closed" \
		"$(printf '1 %s\n2 %s\n3 %s\n4 %s' "$T/c3" "$T/err" "$T/c4" "$T/c5")" \
		"$(cat "$T/c3")"
}

case_fds_target_also_source()
{
	# a target that is also a source: 3 is written from 1 and read for 4
	"$H" --fd 1=1 --fd 2=2 --fd 3=1 --fd 4=3 -- "$P" fds \
		</dev/null >"$T/out" 2>"$T/err" 3>"$T/c3"
	rc=$?
	check_eq "target also a source (3=1 4=3): fds" \
		"$(printf '1 %s\n2 %s\n3 %s\n4 %s' "$T/out" "$T/err" "$T/out" "$T/c3")" \
		"$(cat "$T/out")"
}

case_fds_cycle()
{
	# a three-cycle 3=4 4=5 5=3
	"$H" --fd 1=1 --fd 3=4 --fd 4=5 --fd 5=3 -- "$P" fds \
		</dev/null >"$T/out" 2>"$T/err" 3>"$T/c3" 4>"$T/c4" 5>"$T/c5"
	check_eq "cycle 3=4 4=5 5=3: fds rotated, 0 and 2 closed" \
		"$(printf '1 %s\n3 %s\n4 %s\n5 %s' "$T/out" "$T/c4" "$T/c5" "$T/c3")" \
		"$(cat "$T/out")"
}

case_fds_mapped_twice()
{
	# one fd given twice, and the command writes through the copy
	"$H" --fd 1=1 --fd 9=1 -- "$P" write 9 via-nine </dev/null >"$T/out" 2>"$T/err"
	check_eq "one parent fd mapped twice (1=1 9=1): writes through fd 9" \
		"via-nine" "$(cat "$T/out")"
}

case_fds_bad()
{
	exec 200>&-
	bad_spec "--fd of a closed parent fd" '--fd.*200.*not open' \
		--fd 1=200 -- "$TOUCH" "$T/marker"
	(ulimit -n 256 && exec "$H" --fd 300=1 -- "$TOUCH" "$T/marker") \
		</dev/null >"$T/out" 2>"$T/err"
	check_eq "bad spec: --fd above RLIMIT_NOFILE (125, names it, nothing ran)" \
		"125 1 absent" \
		"$? $(grep -c -- '--fd 300=1: fd 300 is not below the open-files limit 256' "$T/err") $([ -e "$T/marker" ] && echo ran || echo absent)"
	bad_spec "--fd without =" '--fd.*CHILD=PARENT' --fd 1 -- "$TOUCH" "$T/marker"
	bad_spec "--fd with a word" '--fd.*1=x' --fd 1=x -- "$TOUCH" "$T/marker"
	bad_spec "--fd negative" '--fd.*-1=1' --fd -1=1 -- "$TOUCH" "$T/marker"
	bad_spec "--fd child given twice" '--fd 1=2.*already mapped' \
		--fd 1=1 --fd 1=2 -- "$TOUCH" "$T/marker"
}

# --- --spec-fd -----------------------------------------------------------

case_spec_fd()
{
	mkdir "$T/d"
	printf '%s\0' --status-fd 3 --setenv "SPEC_VAR=a b
c" --chdir "$T/d" -- "$P" fds env SPEC_VAR cwd >"$T/spec"
	"$H" --spec-fd 5 5<"$T/spec" </dev/null >"$T/out" 2>"$T/err" 3>"$T/st"
	rc=$?
	check_eq "--spec-fd: exit" 0 "$rc"
	check_eq "--spec-fd: options applied, spec and status fds not leaked" \
		"$(printf '0 /dev/null\n1 %s\n2 %s\na b\nc\n%s' "$T/out" "$T/err" "$T/d")" \
		"$(cat "$T/out")"
	check_match "--spec-fd: the spec's --status-fd is used" \
		"$started_re" "$(sed -n 1p "$T/st")"

	"$H" --spec-fd=5 5< <(printf '%s\0' --argv0 from-pipe -- "$P" argv0) \
		</dev/null >"$T/out" 2>"$T/err"
	check_eq "--spec-fd=N read from a pipe" "from-pipe" "$(cat "$T/out")"
}

case_spec_fd_bad()
{
	printf '%s\0' --bogus -- "$TOUCH" "$T/marker" >"$T/spec"
	bad_spec "unknown option inside --spec-fd" 'unknown option `--bogus`' \
		--spec-fd 5 5<"$T/spec"
	printf '%s\0' --spec-fd 5 -- "$TOUCH" "$T/marker" >"$T/spec"
	bad_spec "--spec-fd inside a spec" '--spec-fd is not allowed inside a spec' \
		--spec-fd 5 5<"$T/spec"
	printf '%s\0%s\0%s' -- "$TOUCH" "$T/marker" >"$T/spec"
	bad_spec "spec without a final NUL" 'not NUL-terminated' \
		--spec-fd 5 5<"$T/spec"
	: >"$T/spec"
	bad_spec "empty spec" 'spec is empty' --spec-fd 5 5<"$T/spec"
	bad_spec "--spec-fd not alone" '--spec-fd.*only option' \
		--spec-fd 5 --chdir / -- "$TOUCH" "$T/marker" 5</dev/null
	bad_spec "--spec-fd not a number" '--spec-fd `x`' --spec-fd x
	bad_spec "--spec-fd closed" '--spec-fd 200' --spec-fd 200
}

# $T/big: a spec of $1 bytes that runs $TOUCH $T/marker (a long --setenv).
make_big_spec()
{
	local tail_len pad

	tail_len=$(printf '%s\0' -- "$TOUCH" "$T/marker" | wc -c)
	pad=$(($1 - 11 - 1 - tail_len))
	{
		printf -- '--setenv\0A='
		head -c "$pad" /dev/zero | tr '\0' a
		printf '\0'
		printf '%s\0' -- "$TOUCH" "$T/marker"
	} >"$T/big"
}

case_spec_fd_size()
{
	local spec_max

	# 16 MiB is allowed, one byte more is refused
	spec_max=$((16 * 1024 * 1024))
	make_big_spec $((spec_max + 1))
	check_eq "oversize spec file is 16 MiB + 1" $((spec_max + 1)) \
		"$(wc -c <"$T/big")"
	bad_spec "spec of 16 MiB + 1 byte" 'larger than 16777216' \
		--spec-fd 5 5<"$T/big"
	make_big_spec "$spec_max"
	"$H" --spec-fd 5 5<"$T/big" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	# the command's environment is then too big for execve: any stage but
	# the spec's
	check_true "spec of exactly 16 MiB passes the spec stage" \
		test -z "$(grep -- 'spawn-helper: spec' "$T/err")" -a -s "$T/err"
	diag "16 MiB spec: exit $rc, $(cat "$T/err")"
	rm -f "$T/big" "$T/marker"
}

# --- bad specs -------------------------------------------------------------

case_bad_specs()
{
	bad_spec "unknown option" 'unknown option `--bogus`' \
		--bogus -- "$TOUCH" "$T/marker"
	bad_spec "missing value at the end" '--chdir needs a value' --chdir
	bad_spec "empty --chdir" '--chdir: the value is empty' \
		--chdir= -- "$TOUCH" "$T/marker"
	bad_spec "--chdir twice" '--chdir given twice' \
		--chdir / --chdir / -- "$TOUCH" "$T/marker"
	bad_spec "--umask 8 (not octal)" '--umask `8`' --umask 8 -- "$TOUCH" "$T/marker"
	bad_spec "--umask 01000 (too big)" '--umask `01000`' \
		--umask 01000 -- "$TOUCH" "$T/marker"
	bad_spec "--umask twice" '--umask given twice' \
		--umask 0 --umask 0 -- "$TOUCH" "$T/marker"
	bad_spec "--status-fd not a number" '--status-fd `x`' \
		--status-fd x -- "$TOUCH" "$T/marker"
	bad_spec "--status-fd closed" '--status-fd 200 is not open' \
		--status-fd 200 -- "$TOUCH" "$T/marker"
	bad_spec "--status-fd read-only" '--status-fd 0 is open read-only' \
		--status-fd 0 -- "$TOUCH" "$T/marker"
	bad_spec "a flag with a value" '--new-session takes no value' \
		--new-session=yes -- "$TOUCH" "$T/marker"
	bad_spec "--setenv without =" '--setenv `NOVALUE`' \
		--setenv NOVALUE -- "$TOUCH" "$T/marker"
	bad_spec "--setenv with an empty name" '--setenv `=x`' \
		--setenv =x -- "$TOUCH" "$T/marker"
	bad_spec "--unsetenv with =" '--unsetenv `A=B`' \
		--unsetenv A=B -- "$TOUCH" "$T/marker"
	bad_spec "a variable set twice" '`SHT_TWICE` is named twice' \
		--setenv SHT_TWICE=1 --setenv SHT_TWICE=2 -- "$TOUCH" "$T/marker"
	bad_spec "a variable set and unset" '`SHT_BOTH` is named twice' \
		--setenv SHT_BOTH=1 --unsetenv SHT_BOTH -- "$TOUCH" "$T/marker"
	bad_spec "--uid empty" '--uid: the value is empty' \
		--uid= -- "$TOUCH" "$T/marker"
	bad_spec "no command" 'no command given' --setenv A=1
	bad_spec "nothing at all" 'no command given'
	bad_spec "no command after --" 'no command given' --setenv A=1 --
	bad_spec "empty command" 'the command is empty' -- ''
	bad_spec "unknown user" '--uid `sh-no-such-user`: no such user' \
		--uid sh-no-such-user -- "$TOUCH" "$T/marker"
	bad_spec "unknown group" '--gid `sh-no-such-group`: no such group' \
		--gid sh-no-such-group -- "$TOUCH" "$T/marker"
	bad_spec "unknown supplementary group" \
		'--groups `sh-no-such-group`: no such group' \
		--groups "$MYGID,sh-no-such-group" -- "$TOUCH" "$T/marker"
	bad_spec "empty name in --groups" '--groups `1,,2`: an empty name' \
		--groups 1,,2 -- "$TOUCH" "$T/marker"
	bad_spec "uid without passwd entry and no --gid" \
		'--uid 54321 has no passwd entry.*give --gid' \
		--uid 54321 -- "$TOUCH" "$T/marker"
}

case_bad_spec_records()
{
	rm -f "$T/marker"
	run_st --bogus -- "$TOUCH" "$T/marker"
	check_eq "bad spec after --status-fd: a spec error record" \
		'{"error":{"stage":"spec","errno":22,"errname":"EINVAL","message":"unknown option `--bogus`"},"exit-code":125}' \
		"$st"
	rm -f "$T/marker"
	"$H" --bogus --status-fd 3 -- "$TOUCH" "$T/marker" </dev/null \
		>"$T/out" 2>"$T/err" 3>"$T/st"
	check_match "bad spec before --status-fd: still a spec error record" \
		'^\{"error":\{"stage":"spec",.*"exit-code":125\}$' "$(cat "$T/st")"
}

# --- environment, cwd, argv0 ---------------------------------------------

case_env_vars()
{
	run --setenv SHT_FOO='bar baz' -- "$P" env SHT_FOO
	check_eq "--setenv" "bar baz" "$out"
	SHT_FOO=old run --setenv SHT_FOO=new -- "$P" env SHT_FOO
	check_eq "--setenv replaces the helper's value" "new" "$out"
	SHT_GONE=x run --unsetenv SHT_GONE -- "$P" env SHT_GONE
	check_eq "--unsetenv removes a variable" "1:" "$rc:$out"
	SHT_KEEP=yes run -- "$P" env SHT_KEEP
	check_eq "the helper's environment is passed on by default" "yes" "$out"
	SHT_KEEP=yes run --clearenv --setenv A=1 --setenv B= -- "$P" environ
	check_eq "--clearenv: only the --setenv variables" "$(printf 'A=1\nB=')" \
		"$out"
	run --clearenv -- "$P" environ
	check_eq "--clearenv alone: an empty environment" "0:" "$rc:$out"
}

case_cwd()
{
	run --chdir "$T/d" -- "$P" cwd
	check_eq "--chdir" "$T/d" "$out"
	(cd "$T/d" && "$H" -- "$P" cwd) </dev/null >"$T/out" 2>&1
	check_eq "without --chdir the helper's cwd" "$T/d" "$(cat "$T/out")"
}

case_argv0()
{
	run --argv0 sh-fancy-name -- "$P" argv0
	check_eq "--argv0" "sh-fancy-name" "$out"
	run -- "$P" argv0
	check_eq "argv[0] defaults to the command word" "$P" "$out"
}

# --- PATH lookup in the command's environment -------------------------------

# The PATH lookup's directories, made once: a command found, one that
# is a decoy, one that cannot run.
fixture_path_dirs()
{
	[ -d "$T/real" ] && return
	mkdir -m 755 "$T/real" "$T/decoy" "$T/noexec"
	printf '#!/bin/sh\necho real "$@"\n' >"$T/real/sh-t-which"
	printf '#!/bin/sh\necho decoy "$@"\n' >"$T/decoy/sh-t-which"
	printf '#!/bin/sh\necho "not executable"\n' >"$T/noexec/sh-t-which"
	chmod 755 "$T/real/sh-t-which" "$T/decoy/sh-t-which"
	chmod 644 "$T/noexec/sh-t-which"
	ln -s "$P" "$T/real/sh-t-probe"
}

case_path_lookup()
{
	fixture_path_dirs
	PATH=$T/decoy:$PATH run --setenv PATH="$T/real" -- sh-t-which a b
	check_eq "PATH lookup uses --setenv PATH, not the helper's PATH" \
		"0:real a b" "$rc:$out"
	run --setenv PATH="$T/real" -- sh-t-which
	check_eq "a command only in --setenv PATH is found" "0:real" "$rc:$out"
	# (a PATH directory the user cannot search, such as /root/bin for nobody,
	# makes execvp's answer EACCES: use PATHs that are searchable)
	PATH=/usr/bin:/bin run -- sh-t-which
	check_eq "without it, the helper's PATH does not find it (127)" 127 "$rc"
	PATH=$T/decoy:$PATH run --unsetenv PATH -- sh-t-which
	check_eq "--unsetenv PATH: the default /bin:/usr/bin, not the helper's" \
		127 "$rc"
	PATH=$T/decoy:$PATH run --clearenv -- sh-t-which
	check_eq "--clearenv: the default PATH, not the helper's" 127 "$rc"
	run --setenv PATH="$T/real" -- sh-t-probe argv0 env PATH
	check_eq "PATH lookup keeps the command word as argv[0]" \
		"$(printf 'sh-t-probe\n%s' "$T/real")" "$out"
	run --setenv PATH="$T/noexec:$T/real" -- sh-t-which
	check_eq "a non-executable match is skipped for a later one" \
		"0:real" "$rc:$out"
	run_st --setenv PATH="$T/noexec:$T/decoy/none" -- sh-t-which
	check_eq "only a non-executable match: 126" 126 "$rc"
	check_eq "only a non-executable match: EACCES record" \
		'"exec" 13 "EACCES" 126' \
		"$(json_val "$st" stage) $(json_val "$st" errno) $(json_val "$st" errname) $(json_val "$st" exit-code)"
	run --setenv PATH=: --chdir "$T/real" -- sh-t-which
	check_eq "an empty PATH element is the current directory" "0:real" \
		"$rc:$out"

	run --chdir "$T/real" -- ./sh-t-which
	check_eq "a relative command runs from the --chdir directory" "0:real" \
		"$rc:$out"
}

# --- umask, session ------------------------------------------------------------

case_umask()
{
	run --umask 0 -- "$P" status
	check_eq "--umask 0 is honoured" "0000" "$(field Umask)"
	run --umask 027 -- "$P" status
	check_eq "--umask 027" "0027" "$(field Umask)"
	(umask 077 && exec "$H" -- "$P" status) </dev/null >"$T/out" 2>&1
	out=$(cat "$T/out")
	check_eq "without --umask the helper's umask" "0077" "$(field Umask)"
}

# The sandbox is a session and process group of its own by default, for
# every caller: setsid in its first process, which is the init under a
# pid namespace (root's command, the host's uid 0, gets one: pid 1
# inside) and else the command itself. --new-session says the default;
# --unsafe-share-session keeps the caller's.
case_session_inside()
{
	local opts want

	for opts in "" --new-session; do
		run $opts -- "$P" sid
		# shellcheck disable=SC2086
		set -- $out
		if [ "$ME" = 0 ]; then
			want="sid 1 pgid 1 pid 2"
		else
			want="sid $6 pgid $6 pid $6"
		fi
		check_eq "${opts:-no session option}: sid and pgid are the sandbox's first process's (seen inside)" \
			"0 $want" "$rc $1 $2 $3 $4 $5 $6"
	done
	if [ "$ME" = 0 ]; then
		# without the pid namespace the command is the first process
		run_st --unsafe-share-pids -- "$P" sid
		# shellcheck disable=SC2086
		set -- $out
		check_eq "root --unsafe-share-pids: the command leads a session of its own; the record says share-pids" \
			"sid $6 pgid $6 / [\"share-pids\"]" \
			"$1 $2 $3 $4 / $(json_val "$st1" unsafe)"
	else
		skip "root --unsafe-share-pids: the command leads a session of its own" \
			"not root (an ordinary user's command has no pid namespace anyway)"
	fi
}

my_pgid()
{
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f3
}
# Start the helper with OPTIONS on a sleeping probe and read, from
# outside, the command's session and process group and the sandbox's
# first process (child-pid, a host pid): sets sess, st1.
session_outside()
{
	local bg cpid

	rm -f "$T/st"
	sess=
	"$H" --status-fd 3 "$@" -- "$P" sleep 30 </dev/null >/dev/null \
		2>"$T/err" 3>"$T/st" &
	bg=$!
	if poll has_child_pid "$T/st"; then
		st1=$(sed -n 1p "$T/st")
		cpid=$(json_val "$st1" command-pid)
		echo "$cpid" >>"$T/pids"
		# past the exec: the probe's own command line
		if poll grep -qF sleep "/proc/$cpid/cmdline"; then
			sess="$(my_sid "$cpid") $(my_pgid "$cpid")"
		fi
	fi
	kill -TERM "$bg" 2>/dev/null
	wait "$bg" 2>/dev/null
}

case_session_outside()
{
	local caller_sess opts child sess st1

	caller_sess="$(my_sid $$) $(my_pgid $$)"
	for opts in "" --new-session; do
		session_outside $opts
		child=$(json_val "$st1" child-pid)
		check_eq "${opts:-no session option}: the command's session and group are the sandbox's first process's, not the caller's ($caller_sess)" \
			"$child $child / no" \
			"$sess / $([ "$sess" = "$caller_sess" ] && echo yes || echo no)"
		check_eq "${opts:-no session option}: the record lists nothing unsafe" \
			"" "$(json_val "$st1" unsafe)"
	done
	session_outside --unsafe-share-session
	check_eq "--unsafe-share-session: the caller's session and process group; the record says share-session" \
		"$caller_sess / [\"share-session\"]" "$sess / $(json_val "$st1" unsafe)"
	bad_spec "--new-session with --unsafe-share-session" \
		'--new-session and --unsafe-share-session' \
		--new-session --unsafe-share-session -- "$TOUCH" "$T/marker"
}

# --- status records and exit codes -----------------------------------------------

case_status_records()
{
	local child key wall

	run_st -- "$P" sid sleep 0.2
	# shellcheck disable=SC2086
	set -- $out
	check_eq "status: two records" 2 "$(printf '%s\n' "$st" | wc -l)"
	# an unprivileged caller gets a user namespace of its own, to clear the
	# bounding set; root's command (the host's uid 0) the read-only view: a
	# mount, an IPC and a pid namespace, where it is pid 2 under an init,
	# which is the child-pid
	if [ "$ME" = 0 ]; then
		check_match "status: first record: the init's and the command's host pids, the command's own pid 2, mount, ipc and pid, the read-only host, abstract sockets" \
			"^\\{\"child-pid\":[0-9]+,\"command-pid\":[0-9]+,\"command-ns-pid\":$6,\"namespaces\":\\[\"mount\",\"ipc\",\"pid\"\\],\"mnt-namespace\":[0-9]+,\"ipc-namespace\":[0-9]+,\"pid-namespace\":[0-9]+,\"host\":\"read-only\",\"abstract-sockets\":\"(landlock|reachable)\"\\}\$" \
			"$st1"
		child=$(json_val "$st1" child-pid)
		check_true "status: the init (child-pid $child) is not the command ($(json_val "$st1" command-pid))" \
			test -n "$child" -a "$child" != "$(json_val "$st1" command-pid)"
	else
		check_match "status: first record is the command's pid" \
			"^\\{\"child-pid\":$6,\"command-pid\":$6,\"namespaces\":\\[\"user\"\\],\"user-namespace\":[0-9]+\\}\$" \
			"$st1"
		child=$6
	fi
	check_eq "status: outcome child-pid" "$child" "$(json_val "$stN" child-pid)"
	check_eq "status: outcome exit-code 0" 0 "$(json_val "$stN" exit-code)"
	for key in user-cpu-usec system-cpu-usec max-rss-kib wall-usec; do
		check_match "status: usage $key" "\"usage\":\\{.*\"$key\":[0-9]+" \
			"$stN"
	done
	wall=$(json_val "$stN" wall-usec)
	check_true "status: wall-usec covers the 0.2 s sleep ($wall)" \
		test "${wall:-0}" -ge 200000 -a "${wall:-0}" -lt 5000000
	check_true "status: max-rss-kib is not zero" \
		test "$(json_val "$stN" max-rss-kib)" -gt 0
	check_eq "status: no signal key for an exit" "" "$(json_val "$stN" signal)"
}

case_exit_code()
{
	run_st -- "$P" exit 3
	check_eq "exit 3: helper exits 3 and says so" "3 3" \
		"$rc $(json_val "$stN" exit-code)"
}

case_signal_deaths()
{
	local sig pidns

	"$P" wait "$H" --status-fd 3 -- "$P" kill TERM </dev/null >"$T/out" \
		2>"$T/err" 3>"$T/st"
	stN=$(tail -n 1 "$T/st")
	check_eq "SIGTERM death: the helper itself dies by SIGTERM" \
		"signaled 15 core 0" "$(cat "$T/out")"
	check_eq "SIGTERM death: status signal, name, exit-code, core-dumped" \
		'15 "SIGTERM" 143 false' \
		"$(json_val "$stN" signal) $(json_val "$stN" signal-name) $(json_val "$stN" exit-code) $(json_val "$stN" core-dumped)"
	# a real-time signal is named from glibc's SIGRTMIN (34), as Python's
	# signal module names it
	"$P" wait "$H" --status-fd 3 -- /bin/sh -c 'kill -40 $$' </dev/null \
		>"$T/out" 2>"$T/err" 3>"$T/st"
	stN=$(tail -n 1 "$T/st")
	check_eq "signal 40 death: the helper dies by it; status signal, name, exit-code" \
		'signaled 40 core 0 / 40 "SIGRTMIN+6" 168' \
		"$(cat "$T/out") / $(json_val "$stN" signal) $(json_val "$stN" signal-name) $(json_val "$stN" exit-code)"
	# the C library's own signals (32 and 33 with glibc, 32 to 34 with musl)
	# are refused by its signal(), sigprocmask() and raise(): the helper
	# still dies by the command's
	for sig in 32 33; do
		for pidns in "" --unshare-pid; do
			"$P" wait "$H" $pidns -- /bin/sh -c "kill -$sig \$\$" \
				</dev/null >"$T/out" 2>"$T/err"
			check_eq "signal $sig death${pidns:+ under $pidns}: the helper dies by it too" \
				"signaled $sig core 0" "$(cat "$T/out")"
		done
	done
}

# a status fd whose reader is gone: EPIPE, exit 125 and the message on
# stderr, never a death by SIGPIPE without a word (a spec error and a
# setup error, both before the monitor runs)
case_status_fd_no_reader()
{
	local bad

	if command -v python3 >/dev/null; then
		for bad in --no-such-option "--cgroup-parent /nonexistent/sh-test"; do
			out=$(python3 - "$H" $bad <<'PYEOF'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
done = subprocess.run([sys.argv[1], "--status-fd", str(w)] + sys.argv[2:]
                      + ["--", "true"], pass_fds=[w], capture_output=True,
                      text=True)
print(done.returncode, "message" if done.stderr.strip() else "silent")
PYEOF
	)
			check_eq "status fd without a reader, $bad: 125 and the message on stderr" \
				"125 message" "$out"
		done
	else
		skip "status fd without a reader: 125 and the message" "no python3"
	fi
}

case_sigterm_shell()
{
	# (the group's stderr also takes bash's "Terminated")
	{ "$H" -- "$P" kill TERM </dev/null >/dev/null; } 2>/dev/null
	check_eq "SIGTERM death: the shell sees 128+15" 143 "$?"
}

case_sigsegv_no_core()
{
	mkdir -m 755 "$T/hcwd" "$T/ccwd"
	(ulimit -c unlimited 2>/dev/null || ulimit -c 1000000
	 cd "$T/hcwd" && exec "$P" wait "$H" --chdir "$T/ccwd" -- "$P" kill SEGV) \
		</dev/null >"$T/out" 2>"$T/err"
	check_eq "SIGSEGV death: the helper dies by SIGSEGV without a core" \
		"signaled 11 core 0" "$(cat "$T/out")"
	check_eq "SIGSEGV death: no core file in the helper's cwd" "" \
		"$(ls "$T/hcwd")"
	diag "core_pattern $(cat /proc/sys/kernel/core_pattern 2>/dev/null);" \
		"the command's cwd holds: $(cd "$T/ccwd" && echo *)"
}

# the caller's ignored and blocked signals are not the command's: every
# signal back to SIG_DFL (34 too, which musl's sigaction refuses; a
# caller on glibc cannot ignore 32 and 33), the mask empty
case_signals_default()
{
	local WRAP=()

	if command -v python3 >/dev/null; then
		WRAP=(python3 -c 'import os, signal, sys
for s in (signal.SIGPIPE, signal.SIGTERM, 34, 40, 64):
    signal.signal(s, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGINT, 34, 35})
os.execv(sys.argv[1], sys.argv[1:])')
		run --unshare-all -- /bin/grep -E '^Sig(Blk|Ign):' /proc/self/status
		WRAP=()
		check_eq "signals the caller ignored (PIPE, TERM, 34, 40, 64) or blocked (USR1, INT, 34, 35) are default in the command" \
			"SigBlk: 0000000000000000 SigIgn: 0000000000000000 / 0" \
			"$(echo $out) / $rc"
	else
		skip "signals the caller ignored are default in the command" "no python3 to ignore them"
	fi
}

case_signal_forwarded()
{
	local hpid cpid

	# a signal sent to the helper reaches the command (a sleep of 60 s that
	# the signal ends: 5 s ran out first on 6.1 under qemu beside a CI run)
	"$H" --status-fd 3 -- "$P" sleep 60 </dev/null >/dev/null 2>&1 3>"$T/st" &
	hpid=$!
	# until the command runs (poll's 3 s were too short at a load of 10: the
	# SIGTERM then ended the setup, 125); the sleep counts from its execve
	within 30 has_child_pid "$T/st"
	cpid=$(json_val "$(sed -n 1p "$T/st")" child-pid)
	echo "$cpid" >>"$T/pids"
	kill -TERM "$hpid"
	wait "$hpid"
	rc=$?
	check_eq "SIGTERM to the helper is forwarded: command and helper die by it" \
		"143 15" "$rc $(json_val "$(tail -n 1 "$T/st")" signal)"
}

case_not_found()
{
	fixture_path_dirs
	run_st -- "$T/nonexistent"
	check_eq "not found: 127" 127 "$rc"
	check_eq "not found: one error record" 1 "$(printf '%s\n' "$st" | wc -l)"
	check_eq "not found: stage, errno, errname, exit-code" \
		'"exec" 2 "ENOENT" 127' \
		"$(json_val "$st" stage) $(json_val "$st" errno) $(json_val "$st" errname) $(json_val "$st" exit-code)"
	check_match "not found: the message names the command" \
		"\"message\":\"[^\"]*$T/nonexistent" "$st"
	run -- "$T/nonexistent"
	check_match "not found without --status-fd: said on stderr" \
		"^spawn-helper: exec: .*$T/nonexistent.*No such file" "$err"
	run_st --setenv PATH="$T/real:$T/decoy" -- sh-t-nonexistent-command
	check_eq "not found in PATH: 127, ENOENT, the message names PATH" \
		"127 \"ENOENT\" 1" \
		"$rc $(json_val "$st" errname) $(printf '%s' "$st" | grep -c "PATH=$T/real:$T/decoy")"
}

case_not_executable()
{
	fixture_path_dirs
	run_st -- "$T/noexec/sh-t-which"
	check_eq "not executable: 126, EACCES" '126 "exec" 13 "EACCES" 126' \
		"$rc $(json_val "$st" stage) $(json_val "$st" errno) $(json_val "$st" errname) $(json_val "$st" exit-code)"
	run_st -- "$T/d"
	check_eq "a directory as the command: 126, EACCES" '126 "EACCES"' \
		"$rc $(json_val "$st" errname)"
}

case_chdir_failure()
{
	rm -f "$T/marker"
	run_st --chdir "$T/nonexistent" -- "$TOUCH" "$T/marker"
	check_eq "chdir failure: 125, stage chdir, ENOENT, nothing ran" \
		'125 "chdir" 2 "ENOENT" 125 absent' \
		"$rc $(json_val "$st" stage) $(json_val "$st" errno) $(json_val "$st" errname) $(json_val "$st" exit-code) $([ -e "$T/marker" ] && echo ran || echo absent)"
	check_match "chdir failure: the message names the directory" \
		"chdir .$T/nonexistent" "$(json_val "$st" message)"
}

# --- --die-with-parent ------------------------------------------------------

# A parent shell runs the helper (not exec: it stays the helper's parent)
# and is SIGKILLed once the command runs.
parent_dies()
{
	rm -f "$T/dwp"
	# (a sleep that outlasts the checks on a slow machine: 5 s ran out
	# before "survives" was looked at on 6.1 under qemu, beside a CI run;
	# each case ends the command itself)
	bash -c '"$@"; exit 0' sh "$H" --status-fd 3 "$@" -- "$P" sleep 60 \
		</dev/null >/dev/null 2>&1 3>"$T/dwp" &
	ppid_=$!
	cpid=
	if poll has_child_pid "$T/dwp"; then
		cpid=$(json_val "$(sed -n 1p "$T/dwp")" child-pid)
		echo "$cpid" >>"$T/pids"
	fi
	kill -9 "$ppid_"
	wait "$ppid_" 2>/dev/null
}

case_die_with_parent()
{
	local cpid ppid_

	parent_dies --die-with-parent
	if [ -z "$cpid" ]; then
		not_ok "--die-with-parent: the command started"
	else
		check_true "--die-with-parent: the command dies with the parent" \
			poll not_alive "$cpid"
	fi
}

case_die_with_parent_not_given()
{
	local cpid ppid_

	parent_dies
	if [ -z "$cpid" ]; then
		not_ok "without --die-with-parent: the command started"
	else
		sleep 0.3
		check_true "without --die-with-parent: the command survives its parent" \
			alive "$cpid"
		kill -9 "$cpid" 2>/dev/null
		poll not_alive "$cpid"
	fi
}

# with a session of its own (the default, or --new-session said) and no
# pid namespace, the command's whole process group dies with the parent,
# as it does at a timeout. Root's command would get a pid namespace (and
# the read-only view): --unsafe-share-pids keeps the case about the
# process group, and the command writes the child's pid (a host pid then)
# below --writable "$T".
case_die_with_parent_group()
{
	local nopidns opts ppid_ gc desc

	nopidns=()
	[ "$ME" = 0 ] && nopidns=(--unsafe-share-pids)
	for opts in --new-session ""; do
		rm -f "$T/grandchild"
		bash -c '"$@"; exit 0' sh "$H" --die-with-parent $opts \
			"${nopidns[@]}" --writable "$T" -- \
			/bin/sh -c '"$0" sleep 30 & echo $! >"$1"; wait' "$P" "$T/grandchild" \
			</dev/null >/dev/null 2>&1 &
		ppid_=$!
		gc=
		poll test -s "$T/grandchild" && gc=$(cat "$T/grandchild")
		kill -9 "$ppid_"
		wait "$ppid_" 2>/dev/null
		desc="--die-with-parent ${opts:-(own session by default)}${nopidns[*]:+ ${nopidns[*]}}"
		if [ -z "$gc" ]; then
			not_ok "$desc: the command started its child"
		else
			echo "$gc" >>"$T/pids"
			check_true "$desc: the command's group dies with the parent" \
				poll not_alive "$gc"
		fi
	done
}

case_die_with_parent_living()
{
	run --die-with-parent -- "$P" exit 4
	check_eq "--die-with-parent with a living parent: runs normally" 4 "$rc"
}

# --- long timeouts ---------------------------------------------------------

# past 2^31 ms (24.8 days) the milliseconds left do not fit poll's int:
# the monitor must wait INT_MAX at most, not a negative time (for ever)
case_timeout_long()
{
	local waits

	if command -v strace >/dev/null &&
		strace -f -qq -o /dev/null -e trace=getppid true 2>/dev/null; then
		strace -f -qq -o "$T/poll" -e trace=poll "$H" --timeout 2200000 -- \
			"$P" exit 0 </dev/null >/dev/null 2>&1
		waits=$(sed -n 's/.*poll(\[.*\], [0-9]*, \(-\{0,1\}[0-9]*\)).*/\1/p' \
			"$T/poll" | sort -un | tr '\n' ' ')
		check_match "--timeout 2200000 (25 days): poll waits INT_MAX ms at most, never a negative time ($waits)" \
			'^(-1 )?([0-9]+ )*2147483647 $' "$waits"
	else
		skip "--timeout 2200000: poll waits INT_MAX ms at most" \
			"no strace that can trace here"
	fi
}

# --- the terminal's signals ------------------------------------------------

# ^C at a terminal: SIGINT from the kernel to the foreground process
# group, where the helper is. The command gets it once: from the helper,
# which forwards it to the sandbox in its own session (the default: to
# the init, which passes it on), or from the terminal with
# --unsafe-share-session (then neither the helper nor the init may pass
# on a copy as well). The command writes its count below --writable "$T"
# (root's command sees a read-only host otherwise).
tty_sigint()
{
	python3 - "$H" "$P" "$T/sigint" "$@" <<'PYEOF'
import os, pty, signal, sys, time
helper, probe, marker, options = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
script = ('n=0; trap \'n=$((n+1))\' INT; trap \'echo "$n" >"$1"; exit 0\' TERM; '
          ': >"$1.ready"; while :; do "$0" sleep 0.05; done')
for f in (marker, marker + ".ready"):
    if os.path.exists(f):
        os.unlink(f)
pid, master = pty.fork()
if pid == 0:
    os.execv(helper, [helper] + options + ["--", "/bin/sh", "-c", script,
                                            probe, marker])
for _ in range(300):
    if os.path.exists(marker + ".ready"):
        break
    time.sleep(0.01)
os.write(master, b"\x03")
time.sleep(0.5)
os.kill(pid, signal.SIGTERM)
os.waitpid(pid, 0)
print(open(marker).read().strip() if os.path.exists(marker) else "none")
PYEOF
}

case_tty_sigint_once()
{
	local opts counts try

	if command -v python3 >/dev/null; then
		for opts in "" "--new-session" "--unshare-pid" "--unshare-pid --new-session" \
			"--unsafe-share-pids" "--unsafe-share-session" \
			"--unsafe-share-session --unshare-pid" \
			"--unsafe-share-session --unsafe-share-pids"; do
			counts=
			# a second SIGINT may come in before the first is taken (and
			# merge with it): five tries
			for try in 1 2 3 4 5; do
				counts="$counts $(tty_sigint --writable "$T" $opts)"
			done
			check_eq "a terminal's ^C reaches the command once${opts:+ with $opts}" \
				" 1 1 1 1 1" "$counts"
		done
	else
		skip "a terminal's ^C reaches the command once" "no python3"
	fi
}

# --- credentials --------------------------------------------------------

gid_of()
{
	getent group "$1" | cut -d: -f3
}

case_credentials()
{
	local WRAP=() leftover many nss_user nss_group errname key want

	if [ "$ME" = 0 ]; then
		# give the helper supplementary groups of its own, so that leftovers
		# would show
		if command -v setpriv >/dev/null; then
			WRAP=(setpriv --groups "4,27")
			leftover="4 27"
		else
			diag "no setpriv: root's own groups ($(id -G)) stand for leftovers"
			leftover=$(awk '/^Groups:/ { $1 = ""; sub(/^ +/, ""); print }' \
				/proc/self/status)
		fi
		run -- "$P" status
		check_eq "root without credential options: the helper's groups kept" \
			"$leftover" "$(field Groups)"

		run --uid nobody -- "$P" status
		check_eq "root --uid nobody: Uid" "$(repeat4 65534)" "$(field Uid)"
		check_eq "root --uid nobody: Gid is nobody's group" \
			"$(repeat4 "$NOBODY_GID")" "$(field Gid)"
		check_eq "root --uid nobody: no supplementary groups" "" \
			"$(field Groups)"

		run_st --uid 1234 --gid 4321 --groups 10,20 -- "$P" status
		check_eq "root numeric --uid 1234: Uid" "$(repeat4 1234)" \
			"$(field Uid)"
		check_eq "root numeric --gid 4321: Gid" "$(repeat4 4321)" \
			"$(field Gid)"
		check_eq "root numeric --groups 10,20: exactly those" "10 20" \
			"$(field Groups)"
		check_eq "root numeric creds: the outcome record is still written" \
			0 "$(json_val "$stN" exit-code)"

		# more groups than a C library's own NGROUPS_MAX (musl says 32)
		many=$(seq -s, 1000 1040)
		run --uid 1234 --gid 4321 --groups "$many" -- "$P" status
		check_eq "root 41 --groups: all of them" "0 / ${many//,/ }" \
			"$rc / $(field Groups)"

		if [ -n "$(gid_of daemon)" ] && [ -n "$(gid_of users)" ]; then
			run --uid nobody --gid daemon --groups "users,$(gid_of adm)" \
				-- "$P" status
			check_eq "root names: --gid daemon, --groups users,N" \
				"$(repeat4 "$(gid_of daemon)") / $(gid_of adm) $(gid_of users)" \
				"$(field Gid) / $(field Groups | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')"
		else
			skip "root names: --gid daemon, --groups users" \
				"no daemon or users group here"
		fi

		# a user and a group that only NSS beyond the files knows (nss-systemd
		# reads /run/userdb): a static helper asks getent(1) for them
		nss_user=sh-nss-u$$ nss_group=sh-nss-g$$
		if [ -d /run ] && mkdir -p /run/userdb 2>/dev/null &&
			printf '{"userName":"%s","uid":61234,"gid":61234}\n' "$nss_user" \
				>"/run/userdb/$nss_user.user" &&
			printf '{"groupName":"%s","gid":61235}\n' "$nss_group" \
				>"/run/userdb/$nss_group.group" &&
			getent passwd "$nss_user" >/dev/null &&
			getent group "$nss_group" >/dev/null &&
			! grep -q "^$nss_user:" /etc/passwd; then
			run --uid "$nss_user" --groups "$nss_group" -- "$P" status
			check_eq "root names only NSS modules know (nss-systemd): uid, gid, groups" \
				"$(repeat4 61234) / $(repeat4 61234) / 61235" \
				"$(field Uid) / $(field Gid) / $(field Groups)"
		else
			skip "root names only NSS modules know" \
				"no nss-systemd reading /run/userdb here"
		fi
		rm -f "/run/userdb/$nss_user.user" "/run/userdb/$nss_group.group"

		run --uid 65534 -- "$P" status
		check_eq "root --uid 65534 (number): the passwd group" \
			"$(repeat4 65534) / $(repeat4 "$NOBODY_GID")" \
			"$(field Uid) / $(field Gid)"

		run --gid 4321 -- "$P" status
		check_eq "root --gid alone: uid kept, gid set, root's groups gone" \
			"$(repeat4 0) / $(repeat4 4321) / " \
			"$(field Uid) / $(field Gid) / $(field Groups)"

		run --groups 10 -- "$P" status
		check_eq "root --groups alone: exactly that group" "0 / 10" \
			"$(field Uid | cut -d' ' -f1) / $(field Groups)"

		run --groups '' -- "$P" status
		check_eq "root --groups '': none" "" "$(field Groups)"

		mkdir -m 700 "$T/rootonly"
		run_st --uid nobody --chdir "$T/rootonly" -- "$P" cwd
		check_eq "root --uid nobody: --chdir is done as nobody (EACCES)" \
			'125 "chdir" "EACCES"' \
			"$rc $(json_val "$st" stage) $(json_val "$st" errname)"
		WRAP=()

		skip "unprivileged --uid 0 is refused" "runs as root"
		skip "unprivileged --uid self works" "runs as root"
	else
		for key in "--uid 0" "--uid 0 --gid $MYGID" "--gid 0" "--groups 0"; do
			rm -f "$T/marker"
			# shellcheck disable=SC2086
			run_st $key -- "$TOUCH" "$T/marker"
			# in its own user namespace only nobody's ids are mapped:
			# other ids are EINVAL there, groups cannot change (EPERM)
			case $key in
			--groups*) errname=EPERM ;;
			*) errname=EINVAL ;;
			esac
			check_eq "unprivileged $key: 125, stage creds, $errname, nothing ran" \
				"125 \"creds\" \"$errname\" absent" \
				"$rc $(json_val "$st" stage) $(json_val "$st" errname) $([ -e "$T/marker" ] && echo ran || echo absent)"
			case $key in
			"--uid 0 --gid"*) want='setresuid 0 \(0 is not mapped in the user namespace' ;;
			"--uid 0") want='setres[gu]id 0 \(0 is not mapped in the user namespace' ;;
			"--gid 0") want='setresgid 0 \(0 is not mapped in the user namespace' ;;
			*) want='setgroups .*needs CAP_SETGID' ;;
			esac
			check_match "unprivileged $key: the message says what is missing" \
				"$want" "$(json_val "$st" message)"
		done
		run --uid 0 -- "$TOUCH" "$T/marker"
		check_match "unprivileged --uid 0 without --status-fd: said on stderr" \
			'^spawn-helper: creds: setres[gu]id 0 .*not mapped.*Invalid argument' \
			"$err"

		if [ -z "$(awk '/^Groups:/ { $1 = ""; print }' /proc/self/status |
			tr -d ' ')" ]; then
			run --uid "$(id -un)" -- "$P" status
			check_eq "unprivileged --uid self works" \
				"0:$(repeat4 "$ME") / $(repeat4 "$MYGID") / " \
				"$rc:$(field Uid) / $(field Gid) / $(field Groups)"
		else
			skip "unprivileged --uid self works" \
				"this user has supplementary groups it cannot drop"
		fi
		skip "root credentials" "not root"
	fi
}

# --- privilege model: AT_SECURE ---------------------------------------------

case_at_secure()
{
	local dir opts

	if [ "$ME" != 0 ]; then
		skip "AT_SECURE: a setuid copy refuses to run" \
			"needs root to install a setuid copy"
		return
	fi
	if ! command -v setpriv >/dev/null; then
		skip "AT_SECURE: a setuid copy refuses to run" "no setpriv"
		return
	fi
	dir=$(mktemp -d "${TMPDIR:-/tmp}/sh-setuid.XXXXXX") || return
	chmod 755 "$dir"
	opts=$(findmnt -n -o OPTIONS -T "$dir" 2>/dev/null)
	case ",$opts," in
	*,nosuid,*)
		skip "AT_SECURE: a setuid copy refuses to run" \
			"$dir is on a nosuid mount"
		rm -rf "$dir"
		return
		;;
	esac
	cp "$H" "$dir/spawn-helper" && chown root:root "$dir/spawn-helper" &&
		chmod 4755 "$dir/spawn-helper"
	rm -f "$T/marker"
	chmod 777 "$T/d"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$dir/spawn-helper" -- "$TOUCH" "$T/d/marker" \
		</dev/null >"$T/out" 2>"$T/err"
	rc=$?
	check_eq "AT_SECURE: a setuid copy exits 125 and runs nothing" \
		"125 absent" \
		"$rc $([ -e "$T/d/marker" ] && echo ran || echo absent)"
	check_match "AT_SECURE: the message says why" \
		'AT_SECURE.*setuid' "$(cat "$T/err")"
	chmod 755 "$T/d"
	rm -rf "$dir"
}

# A helper inside the sandbox makes a sandbox of its own, with a user
# namespace, which the build profile refuses unless
# --allow-nested-userns. As root, the outer sandbox leaves the inner
# helper uid 0 without capabilities, and Linux 5.12+ lets only
# CAP_SETFCAP map the outer uid 0: the message says so, and keeping
# cap_setfcap (with cap_setpcap, for the bounding set) lets it through.
case_nested()
{
	run --unshare-all -- "$H" --unshare-net -- "$P" exit 0
	check_match "nested without --allow-nested-userns: 125, the inner helper's user namespace refused (EPERM)" \
		"^125 .*namespace \`user\` refused: Operation not permitted" "$rc $err"
	run --unshare-all --allow-nested-userns -- "$H" --unshare-net -- \
		"$P" exit 0
	if [ "$ME" != 0 ]; then
		check_eq "nested: a helper inside the sandbox runs its own" \
			0 "$rc"
		return
	fi
	if [ "$rc" = 0 ]; then
		skip "nested as root: mapping uid 0 without CAP_SETFCAP" \
			"this kernel lets it (before Linux 5.12)"
	else
		check_match "nested as root: 125, the map of uid 0 needs CAP_SETFCAP" \
			'^125 .*mapping uid 0 needs CAP_SETFCAP' "$rc $err"
	fi
	# the inner command is the host's uid 0 too: the read-only view and
	# a pid namespace (a fresh /proc, mounted from the inner user
	# namespace) for it as well; without the pid namespace first, so
	# that the CAP_SETFCAP answer is told apart from the /proc one
	run --unshare-all --allow-nested-userns \
		--cap-keep cap_setfcap,cap_setpcap -- \
		"$H" --unshare-net --unsafe-share-pids -- "$P" exit 0
	check_eq "nested as root, cap_setfcap kept, inner --unsafe-share-pids: the inner sandbox runs" \
		"0 " "$rc $err"
	# with its own pid namespace the inner sandbox needs a fresh /proc,
	# which the kernel refuses where the /proc above has parts covered
	# (the outer one's read-only /proc/sys, irq, bus): a clear error
	# that says what to give
	run --unshare-all --allow-nested-userns \
		--cap-keep cap_setfcap,cap_setpcap -- \
		"$H" --unshare-net -- "$P" exit 0
	check_match "nested as root, cap_setfcap kept, inner pid namespace: 125, a fresh /proc refused, the message says to give --unsafe-share-pids" \
		'^125 .*mount proc on `/proc` .*--unsafe-share-pids.*Operation not permitted' \
		"$rc $err"
}

run_cases "$@"