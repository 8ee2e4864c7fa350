# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers the integration suites share, sourced after tap.sh.
#
#   json_val LINE KEY   the value of "KEY": in a JSON line (strings keep
#                       their quotes; arrays and flat objects whole)
#   alive PID           PID exists and is not a zombie
#   not_alive PID
#   pids_with TOKEN     live pids whose command line holds TOKEN
#   no_pid_with TOKEN
#   pids_running PATH...  live pids running one of those programs
#   poll CMD [ARG...]   within 3 CMD...
#   scaled SECS         SECS times SH_TIME_SCALE: a --timeout (or other
#                       window) a command must act within under a slow
#                       machine, as within's bounds
#   within SECS CMD [ARG...]   retry CMD every 10 ms until it succeeds or
#                       SECS of wall time pass (a bound in time, also for
#                       a slow CMD such as a scan of /proc); SECS times
#                       SH_TIME_SCALE (a whole number, 1 by default) on
#                       a slow machine (make check-vm's emulation: 5)
#   require_helper_and_inside   skip the suite unless SPAWN_HELPER and
#                       SH_INSIDE are executables
#   require_userns_unless_root   skip the suite when a user other than
#                       root cannot make a user namespace; when
#                       user.max_user_namespaces is 0 (make check-vm's
#                       nouserns boot), check instead what the helper
#                       says there (userns_refused_by_sysctl) and end
#                       the suite
#   own_mounts_as_root "$0" "$@"   as root, run the suite again in a
#                       mount namespace of its own: its mounts stay out of
#                       the host's table, which suites beside it (make -j)
#                       compare before and after
#   attack NAME         the path of the attack program tests/attacks/NAME
#                       (in SH_ATTACKS); require_attacks NAME... skips the
#                       suite when one of them is not built
#   fs_type PATH        the file system type of PATH (stat -f)
#   cgroup_v2_mount     the cgroup v2 mount (unified or hybrid layout), or ""
#   cgroup_v1_mount CONTROLLER   the v1 hierarchy with CONTROLLER, or ""
#   landlock_mode       the --landlock-mode a case that tests Landlock's
#                       confinement needs on this kernel: none (the
#                       default, strict) from ABI 5 on, best-effort below
#                       (strict refuses what the kernel cannot enforce)
#   cg_destroy DIR      kill what is left in a cgroup directory and below,
#                       then remove it bottom-up (bounded)
#   spawn_many N ARGS...   "$H" ARGS... N times: fails (how many
#                       failed, the first one's message to diag) and ms
#   fuse_start READY [OPTION...]   the FUSE server tests/attacks/fuse-stall
#                       on $T/mnt (fuse_pid) once READY succeeds; or 1
#                       with the reason in why. fuse_mounted; fuse_stop
#                       kills it and unmounts (the suite's teardown)
#   suite_scratch NAME  a fresh scratch directory in $T (and $T/pub, both
#                       open to every user), removed on exit with the
#                       processes whose pids the suite wrote to $T/pids
#                       (after the suite's own suite_teardown, if defined)
#   private_copies WHAT...   copies of the helper (WHAT helper: H),
#                       tests/inside (inside: P) and attacks (attack:NAME:
#                       $T/pub/NAME) in $T/pub that every user
#                       can run: the build tree may be closed to nobody,
#                       and a leftover is found by its executable, which
#                       must not be shared with a suite running beside
#
# Running the helper (one definition for every suite; a case changes a
# knob with `local`, which the helpers see through bash's dynamic scope):
#
#   run ARGS...         "${WRAP[@]}" "$H" "${SCRATCH[@]}" ARGS..., stdin
#                       /dev/null; sets rc, out (stdout) and err (stderr)
#   run_st ARGS...      the same with --status-fd 3 before SCRATCH; also
#                       sets st (every record), st1 (the first), stN (the
#                       last). Bash's own "Killed" about the helper is
#                       hidden. RUN_BG=1: the helper runs in the
#                       background and hpid is its pid (a cgroup leaf's
#                       name); RUN_SHOW_ERR=1: a non-empty stderr is
#                       printed as a diagnostic
#     WRAP=(CMD...)     a command the helper runs under (setpriv ...)
#     SCRATCH=(OPT...)  options before the case's own (--writable "$T":
#                       a uid-0 command's read-only view must not hide
#                       the scratch directory from suites that test
#                       something else)
#   ran                 "ran" when the command made $T/marker, else "absent"
#   bad_spec DESC ERE ARGS...   run ARGS: exit 125, stderr matches ERE and
#                       the command (which would make $T/marker) did not
#                       run; the TAP line is "bad spec: DESC"
#   has_child_pid FILE|-   FILE (- : stdin) holds a started record
#   oneline TEXT        the words of TEXT on one line, single spaces
#   field KEY           the words after "KEY:" on the first such line of
#                       $out (the probe's /proc/self/status lines)
#
# The case runner, run_cases "$@", is in tap.sh.

json_val()
{
	printf '%s\n' "$1" |
		sed -n 's/.*"'"$2"'":\("[^"]*"\|true\|false\|-\{0,1\}[0-9][0-9]*\|\[[^]]*\]\|{[^}]*}\).*/\1/p' |
		head -n 1
}

alive()
{
	[ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

not_alive()
{
	! alive "$1"
}

# The live processes whose command line holds TOKEN, one pid a line. One
# grep reads every command line: a tr and a grep for each pid took 25 s a
# scan on a loaded 2-core machine, and the suites scan in poll loops.
pids_with()
{
	local f pid

	for f in $(grep -lsaF -- "$1" /proc/[0-9]*/cmdline); do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		[ "$pid" != "$BASHPID" ] && alive "$pid" && echo "$pid"
	done
}

no_pid_with()
{
	[ -z "$(pids_with "$1")" ]
}

# The live processes that run one of the programs PATH..., one pid a
# line (-ef compares the files: no readlink process for every pid, and a
# program seen through another mount namespace still matches).
pids_running()
{
	local d p

	for d in /proc/[0-9]*; do
		for p; do
			if [ "$d/exe" -ef "$p" ]; then
				alive "${d#/proc/}" && echo "${d#/proc/}"
				break
			fi
		done
	done
}

poll()
{
	within 3 "$@"
}

within()
{
	# microseconds, without a date(1) process per try (bash 5)
	local end=$((${EPOCHREALTIME/./} + $1 * ${SH_TIME_SCALE:-1} * 1000000))

	shift
	until "$@"; do
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		sleep 0.01
	done
}

scaled()
{
	awk -v s="$1" -v k="${SH_TIME_SCALE:-1}" 'BEGIN { print s * k }'
}

fs_type()
{
	stat -f -c %T "$1" 2>/dev/null
}

# Strict, the default, refuses a kernel whose Landlock lacks a file
# system right (truncate is ABI 3, ioctl-dev ABI 5: Debian 12's 6.1 has
# ABI 2); there best-effort confines with the rights the ABI has. Prints
# the options, one a line (mapfile -t), nothing for the default.
landlock_mode()
{
	local abi

	abi=$("${SH_INSIDE:?}" landlock-abi 2>/dev/null | awk '{ print $2 }')
	case $abi in
	[1-4]) printf '%s\n' --landlock-mode best-effort ;;
	esac
}

cgroup_v2_mount()
{
	local d

	for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		[ "$(fs_type "$d")" = cgroup2fs ] && { echo "$d"; return; }
	done
}

# mounted alone or co-mounted with others
cgroup_v1_mount()
{
	local d

	for d in /sys/fs/cgroup/*; do
		[ "$(fs_type "$d")" = cgroupfs ] || continue
		if grep -qE "^[^ ]+ [^ ]+ [^ ]+ [^ ]+ $d .* - cgroup [^ ]+ ([^ ]*,)?$1(,[^ ]*)?\$" \
			/proc/self/mountinfo; then
			echo "$d"
			return
		fi
	done
}

cg_destroy()
{
	local d=$1 i pid

	[ -d "$d" ] || return 0
	for i in $(seq 50); do
		[ -e "$d/cgroup.kill" ] && echo 1 >"$d/cgroup.kill" 2>/dev/null
		while read -r pid; do
			kill -9 "$pid" 2>/dev/null
		done < <(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null)
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$d" ] || return 0
		sleep 0.02
	done
	echo "# could not remove $d" >&2
}

require_helper_and_inside()
{
	: "${SPAWN_HELPER:?SPAWN_HELPER is not set}" "${SH_INSIDE:?SH_INSIDE is not set}"
	if [ ! -x "$SPAWN_HELPER" ] || [ ! -x "$SH_INSIDE" ]; then
		skip_all "$SPAWN_HELPER or $SH_INSIDE is not built"
	fi
}

own_mounts_as_root()
{
	local script=$1

	shift
	if [ "$(id -u)" = 0 ] && [ -z "${SH_OWN_MOUNTS:-}" ] &&
		unshare -m --propagation private true 2>/dev/null; then
		SH_OWN_MOUNTS=1 exec unshare -m --propagation private \
			bash "$script" "$@"
	fi
}

attack()
{
	printf '%s/%s\n' "${SH_ATTACKS:-}" "$1"
}

require_attacks()
{
	local name

	for name in "$@"; do
		[ -n "${SH_ATTACKS:-}" ] && [ -x "$SH_ATTACKS/$name" ] ||
			skip_all "the attack program $name is not built (SH_ATTACKS=${SH_ATTACKS:-})"
	done
}

require_userns_unless_root()
{
	if [ "$(id -u)" != 0 ] && ! unshare -U true 2>/dev/null; then
		[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null)" != 0 ] ||
			userns_refused_by_sysctl
		skip_all "this user cannot make a user namespace here"
	fi
}

# user.max_user_namespaces=0, as a user other than root: a spawn that
# needs namespaces fails at stage ns naming the sysctl, a plain one runs
# (its user namespace was there only to clear the bounding set, which
# no_new_privs makes moot) and says it dropped it, --probe names the
# sysctl. The rest of the suite cannot run: the plan ends here.
userns_refused_by_sysctl()
{
	local st rc

	st=$("$SPAWN_HELPER" --status-fd 3 --unshare-net -- true 3>&1 \
		>/dev/null 2>&1)
	rc=$?
	check_match "user.max_user_namespaces=0: --unshare-net is refused (125, stage ns, ENOSPC), the message names the sysctl" \
		'^125 "ns" "ENOSPC" "namespace `user` refused: the sysctl user.max_user_namespaces=0 allows none' \
		"$rc $(json_val "$st" stage) $(json_val "$st" errname) $(json_val "$st" message)"
	st=$("$SPAWN_HELPER" --status-fd 3 -- true 3>&1 >/dev/null 2>&1)
	rc=$?
	check_match "user.max_user_namespaces=0: a plain spawn runs, its user namespace dropped and said so" \
		'^0 .*"dropped":\[\{"namespace":"user","errno":28,"errname":"ENOSPC"\}' "$rc $(printf '%s' "$st" | head -n 1)"
	check_match "user.max_user_namespaces=0: --probe names the sysctl" \
		'^user namespaces restricted by a sysctl: yes, user.max_user_namespaces=0$' \
		"$("$SPAWN_HELPER" --probe 2>&1 | grep 'restricted by a sysctl')"
	tap_done
	exit 0
}

# --- running the helper ---------------------------------------------------

WRAP=()
SCRATCH=()

# (bash reads the files itself, $(<FILE), and cuts the records apart:
# no cat, sed or tail process per run, which a loaded machine feels in
# suites of hundreds of runs)
run()
{
	"${WRAP[@]}" "$H" "${SCRATCH[@]}" "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	out=$(<"$T/out")
	err=$(<"$T/err")
}

run_st()
{
	# (a case that polls $T/st while the helper runs in the background
	# must not see the last run's records)
	[ "${RUN_BG:-}" != 1 ] || rm -f "$T/st"
	# (2>/dev/null: bash's own "Killed" when the helper dies as its
	# command did; the helper's stderr is in $T/err)
	{
		if [ "${RUN_BG:-}" = 1 ]; then
			"${WRAP[@]}" "$H" --status-fd 3 "${SCRATCH[@]}" "$@" \
				</dev/null >"$T/out" 2>"$T/err" 3>"$T/st" &
			hpid=$!
			wait "$hpid"
		else
			"${WRAP[@]}" "$H" --status-fd 3 "${SCRATCH[@]}" "$@" \
				</dev/null >"$T/out" 2>"$T/err" 3>"$T/st"
		fi
		rc=$?
	} 2>/dev/null
	out=$(<"$T/out")
	err=$(<"$T/err")
	[ "${RUN_SHOW_ERR:-}" != 1 ] || [ -z "$err" ] || diag "stderr: $err"
	st=$(<"$T/st")
	st1=${st%%$'\n'*}
	stN=${st##*$'\n'}
}

ran()
{
	[ -e "$T/marker" ] && echo ran || echo absent
}

bad_spec()
{
	local desc=$1 pattern=$2

	shift 2
	rm -f "$T/marker"
	run "$@"
	if [ "$rc" = 125 ] && printf '%s\n' "$err" | grep -Eq -- "$pattern" &&
		[ ! -e "$T/marker" ]; then
		ok "bad spec: $desc"
		return
	fi
	not_ok "bad spec: $desc"
	diag "exit $rc (expected 125), marker $(ran)"
	diag "stderr (expected to match $pattern):"
	diag "$err"
}

# (grep reads stdin for the name -)
has_child_pid()
{
	grep -q '"child-pid"' "${1:--}" 2>/dev/null
}

oneline()
{
	printf '%s\n' "$1" | tr -s '[:space:]' ' ' | sed 's/^ //; s/ $//'
}

field()
{
	printf '%s\n' "$out" |
		awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ +/, ""); print; exit }'
}

# --- many spawns ------------------------------------------------------------

# Runs "$H" ARGS... N times; sets fails (how many failed; the first
# failure's message goes to diag) and ms (how long the N took).
spawn_many()
{
	local n=$1 i start

	shift
	fails=0
	start=$(date +%s%N)
	for i in $(seq "$n"); do
		if ! "$H" "$@" </dev/null >/dev/null 2>"$T/err"; then
			[ "$fails" -gt 0 ] || diag "spawn $i failed: $(cat "$T/err")"
			fails=$((fails + 1))
		fi
	done
	ms=$((($(date +%s%N) - start) / 1000000))
}

# --- the stalling FUSE server (tests/attacks/fuse-stall) -------------------

# Starts it on $T/mnt with OPTIONS (its pid in fuse_pid) and waits until
# the command READY succeeds; or returns 1 with the reason in why.
fuse_start()
{
	local ready=$1 server

	shift
	server=$(attack fuse-stall)
	mkdir -p "$T/mnt"
	if [ ! -x "$server" ]; then
		why="tests/attacks/fuse-stall is not built (no fuse3 found by configure)"
	elif [ ! -c /dev/fuse ]; then
		why="no /dev/fuse"
	elif [ "$ME" != 0 ] && ! command -v fusermount3 >/dev/null; then
		why="no fusermount3 to mount as an ordinary user"
	else
		"$server" "$@" "$T/mnt" </dev/null >/dev/null 2>"$T/fuse.log" &
		fuse_pid=$!
		within 5 "$ready" && return 0
		why="the FUSE server did not mount: $(tr '\n' ' ' <"$T/fuse.log")"
		fuse_stop
	fi
	return 1
}

fuse_mounted()
{
	awk -v m="$T/mnt" '$5 == m { found = 1 } END { exit !found }' \
		/proc/self/mountinfo
}

# Kill the server (which ends every read it holds) and unmount, lazily:
# a dead server's mount cannot even be looked at.
fuse_stop()
{
	if [ -n "$fuse_pid" ]; then
		kill -9 "$fuse_pid" 2>/dev/null
		wait "$fuse_pid" 2>/dev/null
		fuse_pid=
	fi
	if fuse_mounted; then
		if [ "$ME" = 0 ]; then
			umount -l "$T/mnt"
		else
			fusermount3 -u -z "$T/mnt"
		fi
	fi
}

# --- the scratch directory --------------------------------------------------

suite_scratch()
{
	T=$(mktemp -d "${TMPDIR:-/tmp}/sh-$1.XXXXXX") || exit 1
	T=$(cd "$T" && pwd -P)
	trap suite_cleanup EXIT
	chmod 755 "$T"
	mkdir -m 755 "$T/pub"
}

private_copies()
{
	local what

	for what; do
		case $what in
		helper)
			cp "$SPAWN_HELPER" "$T/pub/spawn-helper" &&
				chmod 755 "$T/pub/spawn-helper" || exit 1
			H=$T/pub/spawn-helper
			;;
		inside)
			cp "$SH_INSIDE" "$T/pub/inside" &&
				chmod 755 "$T/pub/inside" || exit 1
			P=$T/pub/inside
			;;
		attack:*)
			cp "$(attack "${what#attack:}")" "$T/pub/" &&
				chmod 755 "$T/pub/${what#attack:}" || exit 1
			;;
		*)
			echo "Bail out! private_copies: no copy called $what"
			exit 1
			;;
		esac
	done
}

suite_cleanup()
{
	local pid

	! declare -F suite_teardown >/dev/null || suite_teardown
	while read -r pid; do
		kill -9 "$pid" 2>/dev/null
	done 2>/dev/null <"$T/pids" # (none: nothing to kill)
	rm -rf "$T"
}
