#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2317 # functions called indirectly (within, trap)
# Stall tests (issue 11, point 3): the command cannot stall its monitor.
# The attack tests/attacks/stall-xattr calls setxattr with the name on a
# page whose reads block: a userfaultfd it never serves, or a file of a
# FUSE server (tests/attacks/fuse-stall, run here outside the sandbox)
# that never answers a read. The build profile sends setxattr to the
# monitor, which reads the name. For each source: --timeout still ends
# the run within BOUND seconds with the command's real status, a SIGTERM
# to the helper still reaches the command, the call is refused
# (ENOTSUP, counted in the record), and no process of the helper's is
# left (the reader that read for the monitor included). The same with
# the kernel-enforced sandbox (--sandbox-write): the attack's --open
# puts the path of an open(O_WRONLY | O_CREAT), which the sandbox's
# reader reads to judge, on that page. Runs as root and
# as nobody (stall-root.sh, stall-nobody.sh, through run-as.sh); a
# source this user or machine cannot set up skips with its reason.
#
#
# Each case is a function case_NAME that runs alone (`tests/stall.sh
# fuse`, `--list` names them; see run_cases in tap.sh).
#
# Environment: SPAWN_HELPER, SH_INSIDE, SH_ATTACKS (stall-xattr and, when
# fuse3 was found at configure time, fuse-stall), SH_TESTS_SRCDIR.

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"
own_mounts_as_root "$0" "$@" # (the FUSE server's)

require_helper_and_inside
require_userns_unless_root
require_attacks stall-xattr

# The helper options of the userfaultfd case: the command, uid 0 of the
# host, opens /dev/userfaultfd (0600 root), which only the host's /dev
# has: the read-only view's minimal /dev leaves it out (tests/defaults.sh
# checks that), so this case asks for the host as it is.
UFFD_OPTS=(--unsafe-writable-host)
# The seconds a run with --timeout 2 may take, and a SIGTERM to reach
# the command (a stalled monitor never ends it).
BOUND=10

suite_scratch stall
fuse_pid=
# (suite_scratch's cleanup calls it: the FUSE server first, its mount
# holds reads; then whatever runs our helper or attack)
suite_teardown()
{
	local pid

	fuse_stop
	for pid in $(ours); do
		kill -9 "$pid" 2>/dev/null
	done
}
trap 'exit 1' HUP INT TERM
mkdir -m 755 "$T/mnt"
mkdir -m 777 "$T/w" "$T/g"
# copies of our own: a process running one of them is this suite's
private_copies helper attack:stall-xattr
A=$T/pub/stall-xattr
ME=$(id -u)

# --- helpers -----------------------------------------------------------

# The live processes that run our helper or attack (a monitor, a reader,
# a command), one pid a line.
ours()
{
	pids_running "$H" "$A"
}

none_left()
{
	[ -z "$(ours)" ]
}

# The helper ended by itself (finish) and, within 3 s, nothing of ours
# is left.
ended_clean()
{
	[ "$ended" = yes ] && within 3 none_left
}

# The attack's arguments before SOURCE: none (setxattr), or --open;
# after it: the second call's path (--open).
attack_call=()
attack_second=()

# Start the helper in the background on the attack with SOURCE: hpid.
start()
{
	local src=$1

	shift
	"$H" --status-fd 3 "$@" -- "$A" "${attack_call[@]}" "$src" \
		"${attack_second[@]}" \
		</dev/null >"$T/out" 2>"$T/err" 3>"$T/st" &
	hpid=$!
}

# Wait (BOUND seconds at most) for the helper: rc, out, rec (the last
# record); ended is "yes" or "no" (then it is killed, with the rest).
finish()
{
	ended=yes
	if ! within "$BOUND" not_alive "$hpid"; then
		ended=no
		# shellcheck disable=SC2046 # one pid a word
		kill -9 "$hpid" $(ours) 2>/dev/null
	fi
	{ wait "$hpid"; } 2>/dev/null # no "Killed" line from bash
	rc=$?
	out=$(cat "$T/out")
	rec=$(tail -n 1 "$T/st")
}

report_run()
{
	diag "exit $rc; stdout: $out"
	diag "stderr: $(cat "$T/err")"
	diag "records: $(cat "$T/st")"
}

# The cases of one source: a description, the attack's argument for the
# timeout and for the SIGTERM, then the helper's options.
stall_cases()
{
	local desc=$1 src=$2 src_term=$3 n=${tap_failed:?}

	shift 3
	start "$src" --timeout 2 "$@"
	finish
	check_eq "$desc: --timeout 2 ends the run within ${BOUND}s" yes "$ended"
	check_eq "$desc: the record says timed out, with the command's SIGTERM (not exit 0)" \
		'true 15 "SIGTERM"' \
		"$(json_val "$rec" timed-out) $(json_val "$rec" signal) $(json_val "$rec" signal-name)"
	check_match "$desc: the call came back refused (ENOTSUP)" \
		'^setxattr: E(NOTSUP|OPNOTSUPP)$' "$(printf '%s\n' "$out" | grep '^setxattr:')"
	check_match "$desc: the record counts it" \
		'"blocked":\[\{"syscall":"setxattr","errno":95,"errname":"EOPNOTSUPP","count":1\}\]' \
		"$rec"
	check_true "$desc: the helper ended and left no process (the reader included)" \
		ended_clean
	[ "$tap_failed" = "$n" ] || report_run

	term_cases "$desc" "$src_term" "$@"
}

# A SIGTERM to the helper once the attack (on SOURCE, with the helper's
# options) made its call: it reaches the command, nothing is left.
term_cases()
{
	local desc=$1 src=$2 n=${tap_failed:?}

	shift 2
	start "$src" "$@"
	within 5 grep -q '^armed$' "$T/out"
	sleep 0.5 # the call is made, the monitor reads (or has read)
	kill -TERM "$hpid"
	finish
	check_eq "$desc: a SIGTERM to the helper reaches the command, the helper ends like it" \
		"yes 143 15" "$ended $rc $(json_val "$rec" signal)"
	check_true "$desc: after the SIGTERM, the helper left no process" \
		ended_clean
	[ "$tap_failed" = "$n" ] || report_run
}

# The sandbox's cases of one source (the same arguments): the path of
# a write-meaning call on the page. The call never comes back (the
# reader's read ends at its bound, the kernel's own read of the path
# then blocks the command's thread), but another process's write-meaning
# call made meanwhile is answered (the stalled reader does not hold it),
# the timeout and the signals work, the sandbox's record is there, and
# nothing is left.
sandbox_stall_cases()
{
	local desc="$1, sandbox" src=$2 src_term=$3 n=${tap_failed:?}
	local attack_call=(--open) attack_second=("$T/w/second")

	shift 3
	start "$src" --timeout 2 --sandbox-write "$T/w" "$@"
	finish
	check_eq "$desc: --timeout 2 ends the run within ${BOUND}s" yes "$ended"
	check_eq "$desc: another process's write-meaning call, made while the first is stalled, is answered" \
		"second: ok" "$(printf '%s\n' "$out" | grep '^second:')"
	check_eq "$desc: the record says timed out, with the command's SIGTERM (not exit 0)" \
		'true 15 "SIGTERM"' \
		"$(json_val "$rec" timed-out) $(json_val "$rec" signal) $(json_val "$rec" signal-name)"
	check_match "$desc: the record has the sandbox's reports, no violation" \
		'"sandbox":\{"reported":true,.*"violation-count":0,' "$rec"
	check_true "$desc: the helper ended and left no process (the reader included)" \
		ended_clean
	[ "$tap_failed" = "$n" ] || report_run

	attack_second=()
	term_cases "$desc" "$src_term" --sandbox-write "$T/w" "$@"
}

# A run-time grant whose read stalls: with --sandbox-grants the monitor
# has its reader read the environment of a process whose write the view
# refuses (its SANDBOX_WRITE), and the attack mapped the FUSE page over
# its environment (SOURCE) before the write. The reader is killed at its
# bound in the middle of the grant; the grant is then not had, so the
# write is refused and reported (the safe side: nothing is widened), the
# monitor goes on, and nothing is left. No helper error: a grant that
# cannot be read is a violation, as one the environment does not make.
grant_run()
{
	local attack_call=(--grant) attack_second=("$T/g/granted")
	local grants=(--sandbox-grants)

	# as root the command is the host's uid 0, whose grants need
	# --unsafe-writable-host (tests/sandbox.sh, grants_root)
	[ "$ME" != 0 ] || grants+=(--unsafe-writable-host)
	rm -f "$T/g/granted"
	start "$1" --sandbox-write "$T/w" "${grants[@]}" \
		--setenv "SANDBOX_WRITE=$T/g" --setenv "PAD=$(printf '%09000d' 0)"
	finish
}

grant_stall_case()
{
	local desc="$1, a grant's read" n=${tap_failed:?}

	# the same with a page that reads (the attack itself): granted
	grant_run "$A"
	check_eq "$desc: (with a page that reads, the grant is had)" \
		"open: ok yes 1" \
		"$(grep '^open:' <<<"$out") $(test -e "$T/g/granted" && echo yes) $(json_val "$rec" grant-count)"
	grant_run "$2"
	check_eq "$desc: the run ends by itself" yes "$ended"
	check_eq "$desc: the write is refused (EACCES), nothing made" \
		"open: EACCES no" \
		"$(grep '^open:' <<<"$out") $(test -e "$T/g/granted" && echo yes || echo no)"
	check_match "$desc: reported as a violation, no grant listed" \
		'"violation-count":1,.*"canonical":"'"$T"'/g/granted".*"grant-count":0' \
		"$rec"
	check_eq "$desc: the helper exits 1 (a violation, as Gentoo's sandbox)" \
		1 "$rc"
	check_true "$desc: the helper ended and left no process (the reader included)" \
		ended_clean
	[ "$tap_failed" = "$n" ] || report_run
}

# The FUSE server answers once its probe file is there.
stall_probe_there()
{
	test -f "$T/mnt/stall-probe"
}

# --- userfaultfd -------------------------------------------------------

case_uffd()
{
	if [ ! -e /dev/userfaultfd ]; then
		skip "userfaultfd: a page whose faults are never served" \
			"no /dev/userfaultfd"
	elif [ ! -r /dev/userfaultfd ] || [ ! -w /dev/userfaultfd ]; then
		# the userfaultfd(2) call is the build profile's to refuse, and
		# without privileges it serves user-mode faults only
		# (vm.unprivileged_userfaultfd=0, UFFD_USER_MODE_ONLY): not the
		# kernel's process_vm_readv
		skip "userfaultfd: a page whose faults are never served" \
			"uid $ME cannot open /dev/userfaultfd, and its userfaultfd(2) cannot stall a kernel-mode read (vm.unprivileged_userfaultfd=$(cat /proc/sys/vm/unprivileged_userfaultfd 2>/dev/null))"
	else
		stall_cases "userfaultfd" uffd uffd "${UFFD_OPTS[@]}"
		# the sandbox's view has a /dev of its own, which the attack's
		# /dev/userfaultfd is not in
		skip "userfaultfd, sandbox: the path of a write-meaning call on a page whose faults are never served" \
			"the sandbox's view has a minimal /dev without /dev/userfaultfd (the FUSE case below covers the sandbox's reader)"
	fi
}

# --- FUSE --------------------------------------------------------------

case_fuse()
{
	local server_pid why

	if fuse_start stall_probe_there; then
		server_pid=$fuse_pid
		stall_cases "FUSE" "$T/mnt/stall-timeout" "$T/mnt/stall-term"
		# files of their own: a page the cases above left unanswered stays
		# locked, and an open of its file waits for it (in D state)
		sandbox_stall_cases "FUSE" "$T/mnt/stall-sandbox-timeout" \
			"$T/mnt/stall-sandbox-term"
		grant_stall_case "FUSE" "$T/mnt/stall-grant"
		fuse_stop
		check_true "FUSE: the mount and its server are gone" \
			eval "! fuse_mounted && not_alive $server_pid"
	else
		skip "FUSE: a mapped file whose reads are never answered" "$why"
	fi
}

run_cases "$@"
