#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2016 # literal backticks
# Errors name what was wrong (issue 12, point 8): a bad value is refused
# with exit 125, nothing runs, and the message names the option and the
# value as the caller gave them. Also the records' signal names and a
# status fd that cannot be written. Each case is a function case_NAME,
# which runs alone too (tap.sh's run_cases, tests/README).
#
# Environment: SPAWN_HELPER, SH_INSIDE, SH_TESTS_SRCDIR.

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"

require_helper_and_inside
require_userns_unless_root

suite_scratch errors
# a copy every user can run (the build tree may be closed to nobody)
private_copies helper
TOUCH=$(command -v touch)
# writable for a command that is the host's uid 0 (the read-only view)
SCRATCH=(--writable "$T")

# DESC STAGE TEXT OPTION...: exit 125, the record's stage, its message
# contains TEXT (a fixed string: the option and its value), nothing ran.
# The command is appended: touch $T/marker.
refused()
{
	local desc=$1 stage=$2 text=$3 message

	shift 3
	rm -f "$T/marker"
	run_st "$@" -- "$TOUCH" "$T/marker"
	message=$(json_val "$st" message)
	if [ "$rc" = 125 ] && [ "$(json_val "$st" stage)" = "\"$stage\"" ] &&
		[[ $message == *"$text"* ]] && [ ! -e "$T/marker" ]; then
		ok "$desc"
		return
	fi
	not_ok "$desc"
	diag "exit $rc (expected 125), stage $(json_val "$st" stage) (expected $stage), marker $(ran)"
	diag "record (message expected to contain $text):"
	diag "$st$err"
}

# --- fds and limits -----------------------------------------------------

# the helper's own fds sit above the map: none left below the limit
case_fd_at_limit()
{
	local WRAP=(bash -c 'ulimit -n 200 && exec "$@"' limit)

	refused "--fd 199=1 at the open-files limit 200" spec \
		'--fd 199=1: the helper needs 3 fds above fd 199' --fd 199=1
}

case_fd_not_open()
{
	refused "--fd with a parent fd that is not open" spec \
		'--fd 5=9: fd 9 is not open' --fd 5=9
}

case_rlimit_nofile()
{
	# the setup's own fds (the seccomp listener) have no room below 5
	refused "--rlimit nofile=5: no room for the setup's fds" rlimit \
		'--rlimit `nofile=5`: the setup still opens' --rlimit nofile=5
	# above the kernel's fs.nr_open: refused, for root too
	refused "--rlimit nofile above what the kernel allows" rlimit \
		'--rlimit `nofile=2000000000`: setrlimit nofile' \
		--rlimit nofile=2000000000
}

# --- namespaces, mounts, credentials ------------------------------------

case_join_ns_not_namespace()
{
	refused "--join-ns net=/etc/passwd: not a namespace file" spec \
		'--join-ns `net=/etc/passwd`: not a namespace file' \
		--join-ns net=/etc/passwd
	refused "--join-ns net=/proc/self/ns/uts: another kind" spec \
		'--join-ns `net=/proc/self/ns/uts`: not a `net` namespace' \
		--join-ns net=/proc/self/ns/uts
}

case_paths()
{
	refused "--chroot of a missing directory" spec \
		"--chroot \`$T/nonexistent\`: No such file or directory" \
		--chroot "$T/nonexistent"
	refused "--chroot of a file" spec \
		"--chroot \`$T/pub/spawn-helper\`: not a directory" \
		--chroot "$T/pub/spawn-helper"
	refused "--chdir of a missing directory names the option" chdir \
		"--chdir \`$T/nonexistent\`: No such file or directory" \
		--chdir "$T/nonexistent"
	refused "--bind of a missing source names the option" mount \
		"--bind \`$T/nonexistent:/mnt\`:" --bind "$T/nonexistent:/mnt"
}

case_ids()
{
	refused "--uid -1" spec '--uid `-1`: neither a name nor an id' --uid -1
	refused "--uid 4294967295 ((uid_t)-1)" spec \
		'--uid `4294967295`: neither a name nor an id' --uid 4294967295
	refused "--gid -1" spec '--gid `-1`: neither a name nor an id' \
		--uid 0 --gid -1
	refused "--groups with -1" spec '--groups `-1`: neither a name nor an id' \
		--uid 0 --groups 0,-1
}

# a mount on / stacks on the root the command keeps: it would do nothing
case_mount_on_root()
{
	refused "--tmpfs / without --chroot" spec '--tmpfs `/`: a mount on /' \
		--tmpfs /
	refused "--tmpfs /tmp/.. is / too" spec '--tmpfs `/tmp/..`: a mount on /' \
		--tmpfs /tmp/..
	refused "--bind SRC:/ without --chroot" spec \
		"--bind \`$T:/\`: a mount on /" --bind "$T:/"
}

# --- records ------------------------------------------------------------

# (2>/dev/null: bash's own word on the helper's death by the signal)
case_signal_name()
{
	{ run_st -- /bin/sh -c 'kill -37 $$'; } 2>/dev/null
	check_eq "signal-name of signal 37 (glibc's SIGRTMIN+3)" \
		'37 "SIGRTMIN+3"' \
		"$(json_val "$(tail -n 1 "$T/st")" signal) $(json_val "$(tail -n 1 "$T/st")" signal-name)"
}

# The started record cannot be written: the command must not go on. It
# waits for a line on its stdin (a fifo) before it touches the marker;
# the line comes once the helper has exited (bounded: a helper that
# does not notice would wait for the command for ever).
case_status_fd_full_started()
{
	local pid

	rm -f "$T/marker"
	mkfifo "$T/in"
	exec 7<>"$T/in"
	"$H" --status-fd 3 "${SCRATCH[@]}" -- /bin/sh -c "read x; $TOUCH $T/marker" \
		<"$T/in" >/dev/null 2>"$T/err" 3>/dev/full &
	pid=$!
	echo "$pid" >>"$T/pids"
	within 20 not_alive "$pid"
	echo go >&7
	wait "$pid"
	rc=$?
	exec 7>&-
	err=$(cat "$T/err")
	if [ "$rc" = 125 ] && [ ! -e "$T/marker" ] &&
		[[ $err == *'--status-fd 3: write the started record: No space left on device'* ]]; then
		ok "--status-fd on /dev/full: 125, the command stopped, said on stderr"
	else
		not_ok "--status-fd on /dev/full: 125, the command stopped, said on stderr"
		diag "exit $rc (expected 125), marker $(ran), stderr: $err"
	fi
}

# The outcome record cannot be written: the status pipe is non-blocking
# and full once the started record is read (EAGAIN).
case_status_fd_full_outcome()
{
	if command -v python3 >/dev/null; then
		out=$(python3 - "$H" <<'EOF'
import fcntl, os, subprocess, sys
r, w = os.pipe()
status = fcntl.fcntl(w, fcntl.F_DUPFD_CLOEXEC, 10)
os.close(w)
fcntl.fcntl(status, fcntl.F_SETFL,
            fcntl.fcntl(status, fcntl.F_GETFL) | os.O_NONBLOCK)
go_r, go_w = os.pipe()
p = subprocess.Popen([sys.argv[1], "--status-fd", str(status), "--",
                      "/bin/sh", "-c", "read x; exit 3"], stdin=go_r,
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                     pass_fds=(status,))
started = b""
while not started.endswith(b"\n"):
    started += os.read(r, 1)
try:
    while True:
        os.write(status, b"x" * 4096)
except BlockingIOError:
    pass
os.write(go_w, b"go\n")
err = p.communicate()[1].decode()
print(p.returncode, started.startswith(b'{"child-pid"'))
print(err, end="")
EOF
		)
		check_match "--status-fd full (EAGAIN) at the end: 125, the lost exit code on stderr" \
			"^125 True
spawn-helper: monitor: \(the command's exit code was 3\) --status-fd [0-9]+: write the outcome record: Resource temporarily unavailable$" \
			"$out"
	else
		skip "--status-fd full (EAGAIN) at the end" "no python3"
	fi
}

# A reader that has gone (EPIPE) is no error: the library's returnpid
# stops listening on purpose. The fifo's only reader is closed first.
case_status_fd_reader_gone()
{
	rm -f "$T/marker"
	mkfifo "$T/gone"
	exec 8<>"$T/gone" 9>"$T/gone"
	exec 8<&-
	"$H" --status-fd 3 "${SCRATCH[@]}" -- "$TOUCH" "$T/marker" </dev/null \
		>/dev/null 2>"$T/err" 3>&9
	rc=$?
	exec 9>&-
	check_eq "--status-fd whose reader has gone (EPIPE): the command runs, silence" \
		"0 ran " "$rc $(ran) $(cat "$T/err")"
}

# Command-line manners (issue 16, point 7): -h and -V as --help and
# --version; no arguments points to --help; a command that begins with
# '-' before "--" is refused (nothing runs), after "--" it is a command.
case_cli_manners()
{
	"$H" -h >"$T/out" 2>&1
	check_eq "-h: the help, exit 0" "0 yes" \
		"$? $(grep -q '^  -h, --help ' "$T/out" && echo yes)"
	out=$("$H" -V 2>&1)
	check_eq "-V: the version, exit 0" "0 $("$H" --version)" "$? $out"
	"$H" </dev/null >"$T/out" 2>&1
	check_eq "no arguments: exit 125, Try --help" \
		"125 spawn-helper: spec: no command given (Try 'spawn-helper --help')" \
		"$? $(cat "$T/out")"
	rm -f "$T/marker"
	run_st "-$TOUCH" "$T/marker"
	check_eq "a command beginning with '-' before --: refused, nothing ran" \
		"125 absent yes" "$rc $(ran) $(json_val "$st" message |
		grep -q "the command \`-$TOUCH\` begins with '-'.*put \`--\` before" &&
		echo yes)"
	run_st -- "-$TOUCH" "$T/marker"
	check_eq "... after --, a command (not found: 127)" "127" "$rc"
}

# --timeout-exit-124: a timeout ends the helper with 124, as timeout(1);
# the record keeps the command's signal. Without it, the command's;
# without a --timeout, refused as --kill-after is.
case_timeout_exit_124()
{
	run_st --timeout 0.1 --timeout-exit-124 -- sleep 30
	check_eq "--timeout-exit-124: exit 124, the record's signal SIGTERM" \
		"124 true 15" "$rc $(json_val "$st" timed-out) $(json_val "$st" signal)"
	run_st --timeout 0.1 -- sleep 30
	check_eq "--timeout alone: the command's signal" "143" "$rc"
	refused "--timeout-exit-124 without --timeout: refused, nothing ran" spec \
		"--timeout-exit-124 needs --timeout" --timeout-exit-124
}

# Without --status-fd, the refused system calls go to stderr in one line
# (the built-in profile refuses a nested user namespace); with it, or
# when nothing was refused, stderr is the command's alone.
case_refused_calls_stderr()
{
	local UNSHARE

	UNSHARE=$(command -v unshare)
	if [ -n "$UNSHARE" ]; then
		"$H" "${SCRATCH[@]}" -- "$UNSHARE" -U true </dev/null >/dev/null 2>"$T/err"
		check_match "no --status-fd: refused calls summed up on stderr" \
			"^spawn-helper: refused system calls: unshare \(EPERM\) x1$" \
			"$(grep '^spawn-helper:' "$T/err")"
		run_st -- "$UNSHARE" -U true
		check_eq "with --status-fd: stderr is the command's alone" \
			"unshare: unshare failed: Operation not permitted" "$err"
	else
		skip "no --status-fd: refused calls summed up on stderr" "no unshare(1)"
		skip "with --status-fd: stderr is the command's alone" "no unshare(1)"
	fi
	"$H" "${SCRATCH[@]}" -- true </dev/null >/dev/null 2>"$T/err"
	check_eq "no --status-fd, nothing refused: silence" "" "$(cat "$T/err")"
}

run_cases "$@"