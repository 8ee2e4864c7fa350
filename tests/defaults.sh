#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2016 # literal backticks
# The safe defaults (spawn-helper(1), SAFE DEFAULTS), tried as an attacker
# would: tests/attacks/host-write runs as the sandboxed command and tries
# to reach the host; a case passes when the attack fails. As root the
# command is the host's uid 0 (the read-only view, a pid namespace), or
# another uid (a pid namespace); as nobody neither applies, and the cases
# that need root skip with the reason. The session of its own and the
# working directory hold for both.
#
# Each case is a function case_NAME that runs alone (`tests/defaults.sh
# view_dev`, `--list` names them; see run_cases in tap.sh); a case that
# needs a host process to attack starts its own.
#
# Environment: SPAWN_HELPER, SH_INSIDE, SH_ATTACKS, SH_TESTS_SRCDIR.

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"
own_mounts_as_root "$0" "$@" # (a read-only bind)

require_helper_and_inside
require_attacks host-write host-ipc
require_userns_unless_root

suite_scratch defaults
# (suite_scratch's cleanup calls it)
suite_teardown()
{
	[ "$(id -u)" != 0 ] || umount "$T/rosrc" 2>/dev/null
	[ -z "${RUNDIR:-}" ] || rm -rf "$RUNDIR"
	[ -z "${IPC_KEY:-}" ] || "$I" remove-ipc "$IPC_KEY" "$IPC_NAME"
}
private_copies helper attack:host-write attack:host-ipc
A=$T/pub/host-write
I=$T/pub/host-ipc
ME=$(id -u)

# What host-write printed for STEP (its whole line, without "STEP: ").
said()
{
	sed -n "s|^$1: ||p" <<<"$out" | head -n 1
}

# A process of the host's that the sandbox must not reach, as the user
# running the suite (or as USER via setpriv when root): pid in $victim.
# It lives until the suite kills it (a sleep of 60 s had ended by itself
# before case 20 under make check-vm's emulation).
start_victim()
{
	if [ $# -gt 0 ]; then
		setpriv --reuid="$1" --regid=nogroup --clear-groups \
			sleep infinity </dev/null >/dev/null 2>&1 &
	else
		sleep infinity </dev/null >/dev/null 2>&1 &
	fi
	victim=$!
	disown "$victim"
	echo "$victim" >>"$T/pids"
}

# --- 1. the read-only view: a command that is the host's uid 0 --------------

# $T/host/file, root-owned, outside every writable path, as the host's
# files; $T/w, the scratch directory. Once.
fixture_host()
{
	[ ! -d "$T/host" ] || return 0
	mkdir -m 755 "$T/host" "$T/w"
	echo original >"$T/host/file"
	chmod 644 "$T/host/file"
}

# skip_unless_root DESC...: unless the suite runs as root, a skip for
# each DESC (a command as the host's uid 0 needs a root caller) and true
skip_unless_root()
{
	local d

	[ "$ME" != 0 ] || return 1
	for d; do
		skip "$d" "a command as the host's uid 0 needs a root caller"
	done
}

case_view_uid0()
{
	local victim cg

	if [ "$ME" != 0 ]; then
		run_st -- "$A" create "$T"
		check_eq "nobody's command is not the host's uid 0: no view, its own files writable" \
			"ok " "$(said "create $T") $(json_val "$st1" host)"
		skip_unless_root "uid 0: the host read-only" \
			"uid 0: /sys, /proc/sys, cgroupfs" \
			"uid 0: root processes out of reach" "uid 0: metadata writes"
		return
	fi
	fixture_host
	start_victim
	cg=$(cgroup_v1_mount pids)
	[ -n "$cg" ] || cg=$(cgroup_v2_mount)
	run_st --unshare-all -- "$A" open-write /etc/shadow create /etc \
		create /usr/bin mkdir /var writable-count /sys \
		open-write /proc/sys/kernel/core_pattern \
		open-write "$cg/cgroup.procs" open /dev/userfaultfd \
		open /dev/fuse open /dev/mem open /dev/kmsg \
		kill "$victim" \
		chmod "$T/host/file" chown "$T/host/file" \
		utimes "$T/host/file" setxattr "$T/host/file" user.x \
		setxattr "$T/host/file" system.posix_acl_access \
		chattr "$T/host/file" create "$T/w"
	check_eq "uid 0, --unshare-all: /etc/shadow, /etc, /usr/bin, /var: EROFS" \
		"EROFS EROFS EROFS EROFS" \
		"$(said "open-write /etc/shadow") $(said "create /etc") $(said "create /usr/bin") $(said "mkdir /var")"
	check_eq "uid 0: no file under /sys opens for writing" "0" "$(said /sys)"
	check_eq "uid 0: /proc/sys (kernel.core_pattern) and cgroupfs ($cg): EROFS" \
		"EROFS EROFS" \
		"$(said "open-write /proc/sys/kernel/core_pattern") $(said "open-write $cg/cgroup.procs")"
	check_eq "uid 0: no /dev/userfaultfd, /dev/fuse, /dev/mem or /dev/kmsg" \
		"absent absent absent absent" \
		"$(said "open /dev/userfaultfd") $(said "open /dev/fuse") $(said "open /dev/mem") $(said "open /dev/kmsg")"
	check_eq "uid 0: a root process of the host is out of reach (pid namespace)" \
		"ESRCH" "$(said "kill $victim")"
	check_true "... and it lives" alive "$victim"
	check_eq "uid 0: chmod, chown, utimes, xattr, ACL and inode flags of a root-owned file: EROFS" \
		"EROFS EROFS EROFS EROFS EROFS EROFS" \
		"$(said "chmod $T/host/file") $(said "chown $T/host/file") $(said "utimes $T/host/file") $(said "setxattr $T/host/file user.x") $(said "setxattr $T/host/file system.posix_acl_access") $(said "chattr $T/host/file")"
	check_eq "uid 0: without --writable even the scratch directory is read-only" \
		"EROFS" "$(said "create $T/w")"
	check_match "uid 0: the record says the view, with mount and pid namespaces" \
		'"namespaces":\["mount","net","ipc","uts","pid","cgroup"\].*"host":"read-only"' \
		"$st1"

	# the view is never dropped: a refused mount namespace (none left
	# in a user namespace whose root is the host's) fails the spawn,
	# --ns-fallback drop or not, and nothing runs
	if unshare -U -r true 2>/dev/null; then
		rm -f "$T/w/ran"
		unshare -U -r sh -c 'echo 0 >/proc/sys/user/max_mnt_namespaces &&
			exec "$0" --status-fd 3 --ns-fallback drop -- "$1" create "$2"' \
			"$H" "$A" "$T/w" </dev/null >"$T/out" 2>"$T/err" 3>"$T/st"
		rc=$?
		check_match "uid 0, mount namespace refused, drop: 125, the view is not left out, nothing ran" \
			'^125 "ns" .*needed for the read-only view.* ran:no$' \
			"$rc $(json_val "$(cat "$T/st")" stage) $(cat "$T/st") ran:$(grep -q . "$T/out" && echo yes || echo no)"
	else
		skip "uid 0, mount namespace refused: the view is not left out" \
			"unshare -U -r does not work here"
	fi
}

case_view_writable()
{
	local victim

	skip_unless_root "uid 0: setuid-root hard link" "uid 0: --writable" &&
		return
	fixture_host
	start_victim
	run_st --writable "$T/w" -- "$A" create "$T/w" create "$T/host" \
		link /usr/bin/su "$T/w" kill "$victim"
	check_eq "uid 0, --writable $T/w: writable there, read-only beside it" \
		"ok EROFS" "$(said "create $T/w") $(said "create $T/host")"
	check_eq "uid 0: a setuid-root binary cannot be hard-linked into the writable path (EXDEV)" \
		"EXDEV" "$(said "link /usr/bin/su $T/w")"
	check_eq "uid 0 without namespace options: a root process of the host is out of reach" \
		"ESRCH" "$(said "kill $victim")"
}

# /dev: exactly the minimal set
case_view_dev()
{
	skip_unless_root "uid 0: minimal /dev" && return
	run_st -- /bin/ls -A /dev
	check_eq "uid 0: /dev has null zero full random urandom tty ptmx pts shm and the fd links, nothing else" \
		"fd full null ptmx pts random shm stderr stdin stdout tty urandom zero" \
		"$(sort <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
	run_st -- /bin/sh -c 'echo x >/dev/null && head -c 4 /dev/urandom | wc -c && : >/dev/shm/x && echo shm'
	check_eq "uid 0: /dev/null writable, /dev/urandom readable, /dev/shm writable" \
		"0 4 shm" "$rc $(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
	run_st -- "$A" create /dev mkdir /dev
	check_eq "uid 0: nothing can be added to /dev (read-only once filled)" \
		"EROFS EROFS" "$(said "create /dev") $(said "mkdir /dev")"
}

# explicit --uid 0 is the same
case_view_uid_0()
{
	skip_unless_root "--uid 0: the view" && return
	run_st --uid 0 -- "$A" create /etc
	check_eq "--uid 0: the view too" 'EROFS "read-only"' \
		"$(said "create /etc") $(json_val "$st1" host)"
}

# Landlock leaves metadata writes through: the view closes the gap
# (best-effort below ABI 5, which strict refuses)
case_view_landlock_gap()
{
	local LLM

	skip_unless_root "Landlock's gap and the view" && return
	fixture_host
	mkdir -m 755 "$T/lw"
	mapfile -t LLM < <(landlock_mode)
	run_st --writable "$T/host" "${LLM[@]}" --landlock-write "$T/lw" -- "$A" \
		chmod "$T/host/file" chown "$T/host/file" utimes "$T/host/file" \
		create "$T/host"
	check_eq "Landlock's gap: with --landlock-write elsewhere, chmod, chown and utimes of a file outside still work (no view on that path)" \
		"ok ok ok EACCES" \
		"$(said "chmod $T/host/file") $(said "chown $T/host/file") $(said "utimes $T/host/file") $(said "create $T/host")"
	run_st "${LLM[@]}" --landlock-write "$T/lw" -- "$A" chmod "$T/host/file" \
		chown "$T/host/file" utimes "$T/host/file"
	check_eq "... the view closes it: EROFS" "EROFS EROFS EROFS" \
		"$(said "chmod $T/host/file") $(said "chown $T/host/file") $(said "utimes $T/host/file")"
}

# the old behaviour, on request, and said so
case_view_unsafe()
{
	local victim

	skip_unless_root "--unsafe-writable-host" && return
	fixture_host
	start_victim
	run_st --unsafe-writable-host --unsafe-share-pids -- "$A" \
		create "$T/host" kill "$victim"
	check_eq "--unsafe-writable-host --unsafe-share-pids: the host as it is, and the record lists both" \
		'ok ok ["writable-host","share-pids"] ' \
		"$(said "create $T/host") $(said "kill $victim") $(json_val "$st1" unsafe) $(json_val "$st1" host)"
	check_true "... (which killed the victim)" poll not_alive "$victim"
}

# a bind of a read-only mount stays read-only
case_view_ro_bind()
{
	local bound=

	skip_unless_root "uid 0: --bind of a read-only mount" && return
	mkdir -m 755 "$T/rosrc" "$T/rodst"
	mount --bind "$T/rosrc" "$T/rosrc" && mount -o remount,bind,ro "$T/rosrc" &&
		bound=yes
	if [ -n "$bound" ]; then
		run_st --bind "$T/rosrc:$T/rodst" -- "$A" create "$T/rodst"
		check_eq "uid 0: --bind of a read-only host mount stays read-only" \
			"EROFS" "$(said "create $T/rodst")"
		umount "$T/rosrc"
	else
		skip "uid 0: --bind of a read-only host mount stays read-only" \
			"cannot make a read-only bind mount here"
	fi
}

# a read-only mount does not stop writes to a device: a root-owned node
# anywhere on the host (here /dev/full's numbers) is the command's to
# open, without any capability, unless the view is nodev
case_view_device_nodes()
{
	skip_unless_root "uid 0: a device node outside /dev" \
		"uid 0: a device the caller binds" && return
	mknod -m 666 "$T/full" c 1 7
	: >"$T/devbound"
	run_st -- /bin/sh -c "(exec 3>$T/full) 2>/dev/null && echo opened || echo refused"
	check_eq "uid 0: a device node of the host's outside /dev does not open (the view is nodev)" \
		"refused" "$out"
	run_st --bind "/dev/full:$T/devbound" -- /bin/sh -c \
		"(exec 3>$T/devbound) 2>/dev/null && echo opened || echo refused; (exec 3>/dev/null) 2>/dev/null && echo null"
	check_eq "uid 0: a device the caller binds opens, and so does the view's /dev/null" \
		"opened null" "$(echo $out)"
}

# uid 0 of a user namespace that maps it to nobody is not the host's root
case_view_userns_uid0()
{
	if [ "$ME" != 0 ] && unshare -U -r true 2>/dev/null; then
		unshare -U -r "$H" --status-fd 3 -- "$A" create "$T" \
			</dev/null >"$T/out" 2>"$T/err" 3>"$T/st"
		out=$(cat "$T/out")
		check_eq "uid 0 of nobody's user namespace: no view (it is nobody outside)" \
			"ok " "$(said "create $T") $(json_val "$(head -n 1 "$T/st")" host)"
	else
		skip "uid 0 of nobody's user namespace: no view" \
			"runs as root, or cannot make a user namespace"
	fi
}

# --- 2. a changed uid gets a pid namespace ----------------------------------

case_pidns_uid_change()
{
	local victim

	if [ "$ME" = 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
		start_victim nobody
		mkdir -m 755 "$T/pub/cwd"
		run_st --uid nobody --chdir / -- "$A" open "/proc/$victim/root/" \
			open-write "/proc/$victim/mem" ptrace "$victim" kill "$victim"
		check_eq "--uid nobody: another nobody process of the host is out of reach (root, mem, ptrace, kill)" \
			"absent absent ESRCH ESRCH" \
			"$(said "open /proc/$victim/root/") $(said "open-write /proc/$victim/mem") $(said "ptrace $victim") $(said "kill $victim")"
		check_match "... the record has the pid namespace (and no view: nobody is not root)" \
			'"namespaces":\["mount","pid"\],"mnt-namespace":[0-9]+,"pid-namespace":[0-9]+}$' "$st1"
		run_st --uid nobody --chdir / --unsafe-share-pids -- "$A" \
			open "/proc/$victim/root/" ptrace "$victim"
		check_eq "--unsafe-share-pids: the control, the neighbour is reached, and the record says so" \
			'ok ok ["share-pids"]' \
			"$(said "open /proc/$victim/root/") $(said "ptrace $victim") $(json_val "$st1" unsafe)"
		kill -9 "$victim" 2>/dev/null
	else
		skip "--uid nobody: neighbours out of reach" "changing the uid needs root"
		skip "--unsafe-share-pids: the control" "changing the uid needs root"
	fi
}

# --- 3. a session and process group of its own ------------------------------

case_session_kill_group()
{
	run_st -- "$A" kill-group
	check_eq "kill(0, SIGKILL) in the sandbox: the helper lives and reports the command's SIGKILL" \
		'137 "SIGKILL"' "$rc $(json_val "$stN" signal-name)"
	run_st --unshare-all -- "$A" kill-group
	check_eq "... under --unshare-all too" '137 "SIGKILL"' \
		"$rc $(json_val "$stN" signal-name)"
}

# the caller's terminal: /dev/tty opens only with --unsafe-share-session
tty_open()
{
	python3 - "$H" "$A" "$@" <<'PYEOF'
import os, pty, sys
helper, attack, options = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, master = pty.fork()
if pid == 0:
    os.execv(helper, [helper] + options + ["--", attack, "open-write", "/dev/tty"])
out = b""
while True:
    try:
        data = os.read(master, 1024)
    except OSError:
        break
    if not data:
        break
    out += data
os.waitpid(pid, 0)
print(out.decode(errors="replace").strip())
PYEOF
}

case_session_tty()
{
	if command -v python3 >/dev/null; then
		check_eq "the caller's terminal does not open as /dev/tty (no controlling terminal: ENXIO)" \
			"open-write /dev/tty: ENXIO" "$(tty_open)"
		check_eq "... it does with --unsafe-share-session (the control)" \
			"open-write /dev/tty: ok" \
			"$(tty_open --unsafe-share-session)"
	else
		skip "the caller's terminal does not open as /dev/tty" "no python3"
		skip "... with --unsafe-share-session" "no python3"
	fi
}

# --- 4. the working directory is entered again ------------------------------

# run_st ARGS... from the working directory DIR
run_st_in()
{
	local dir=$1

	shift
	pushd "$dir" >/dev/null || return
	run_st "$@"
	popd >/dev/null || return
}

case_cwd_private()
{
	if [ "$ME" = 0 ] && id nobody >/dev/null 2>&1; then
		mkdir -m 700 "$T/private"
		echo secret >"$T/private/secret"
		chmod 644 "$T/private/secret"
		run_st_in "$T/private" --uid nobody -- "$A" \
			open secret cwd
		check_eq "--uid nobody from root's 0700 directory: no handle on it (secret is not found from /, where it runs)" \
			"absent /" "$(said "open secret") $(said cwd)"
		check_match "... and the record says why" \
			'"cwd-refused":\{"path":"'"$T"'/private","errno":13,"errname":"EACCES"\}' \
			"$(head -n 1 "$T/st")"
		chmod 755 "$T/private"
		run_st_in "$T/private" --uid nobody -- "$A" \
			open secret cwd
		check_eq "--uid nobody from a directory nobody may enter: it runs there" \
			"ok $T/private" "$(said "open secret") $(said cwd)"
	else
		skip "--uid nobody from root's 0700 directory" "changing the uid needs root"
		skip "--uid nobody from a directory nobody may enter" "changing the uid needs root"
	fi
}

# a --writable bind on the working directory is seen (root), and for
# every user the directory is the same path
case_cwd_writable()
{
	mkdir -m 777 "$T/here"
	run_st_in "$T/here" --writable "$T/here" -- "$A" \
		create . cwd
	check_eq "--writable on the working directory: the command writes there, by its path" \
		"ok $T/here" "$(said "create .") $(said cwd)"
}

# --- 5. a root phase's install: the install profile and its capabilities ----

# What src_install does as root (fowners, fperms 4711, mknod) inside the
# image only: the install profile allows setuid and setgid modes, the
# kept capabilities do the rest, and the read-only view keeps it to the
# writable paths. Device nodes made there do not open (nodev).
case_install()
{
	local INSTALL=(--seccomp-profile install --cap-keep chown,fowner,fsetid,dac_override,mknod)
	local D=$T/image

	mkdir -m 755 "$D"
	: >"$D/f" && : >"$D/g"
	chmod 644 "$D/f" "$D/g"
	run_st --writable "$D" "${INSTALL[@]}" -- /bin/sh -c \
		"chmod 4711 $D/g; echo chmod-own \$?; chown 123:456 $D/f; echo chown \$?; chmod 4711 $D/f; echo chmod-other \$?"
	if [ "$ME" = 0 ]; then
		check_eq "install: chown 123:456 and then chmod 4711 inside --writable \$D work (root, the read-only view)" \
			"chmod-own 0 chown 0 chmod-other 0 123:456 4711" \
			"$(echo $out) $(stat -c %u:%g "$D/f") $(stat -c %a "$D/f")"
		run_st --writable "$D" "${INSTALL[@]}" -- /bin/sh -c \
			"mknod $D/null c 1 3; echo mknod \$?; echo x >$D/null; echo open \$?"
		check_eq "install: mknod \$D/null c 1 3 works, and the node does not open (nodev)" \
			"mknod 0 open 2 c 1:3" \
			"$(echo $out) $(stat -c %F "$D/null" | cut -c1) $(stat -c %t:%T "$D/null")"
		run_st --writable "$D" "${INSTALL[@]}" -- /bin/sh -c \
			"chmod 4711 $A; echo chmod \$?; chown 123:456 $A; echo chown \$?; mknod $T/null c 1 3; echo mknod \$?"
		check_eq "install: chmod 4711, chown and mknod outside the writable paths: EROFS" \
			"chmod 1 chown 1 mknod 1 755 $ME absent" \
			"$(echo $out) $(stat -c %a "$A") $(stat -c %u "$A") $([ -e "$T/null" ] && echo made || echo absent)"
		check_match "... each refused by the read-only file system" \
			'(Read-only file system.*){3}' "$(echo $err)"
		chmod 644 "$D/g"
		run_st --writable "$D" --cap-keep chown,fowner,fsetid,dac_override,mknod \
			-- /bin/sh -c "chmod 4711 $D/g"
		check_eq "the build profile with the same capabilities: chmod 4711 still refused (EPERM)" \
			"1 644" "$rc $(stat -c %a "$D/g")"
	else
		check_eq "install as nobody: chmod 4711 of its own file works (the profile allows it)" \
			"chmod-own 0 4711" "$(echo "$out" | head -n 1) $(stat -c %a "$D/g")"
		skip "install: chown 123:456 and then chmod 4711 inside --writable \$D work" \
			"nobody's user namespace maps one uid (123 and 456 are unmapped: EINVAL), and it has no read-only view"
		skip "install: mknod \$D/null c 1 3 works" \
			"the kernel makes no device nodes in a user namespace"
		skip "install: outside the writable paths: EROFS" \
			"the read-only view is for the host's uid 0; nobody's command writes where nobody may"
	fi
}

case_install_nested_userns()
{
	run_st --seccomp-profile install --allow-nested-userns -- /bin/true
	check_eq "install with --allow-nested-userns runs (a precompiled variant)" "0" "$rc"
}

# --- 5. root's daemons and the host's IPC objects -------------------------
# A daemon that trusts a peer of uid 0 (systemd's private socket, the
# system bus, docker.sock) would run root's code outside the view; the
# host's SysV and POSIX IPC objects of root are root's command's to
# write. tests/attacks/host-ipc tries them; the suite plays the daemon.

# listen MODE NAME: host-ipc listens (MODE listen or listen-abstract) in
# the background until the suite ends
listen()
{
	"$I" "$1" "$2" >"$T/listening" 2>&1 </dev/null &
	echo $! >>"$T/pids"
	disown $!
	while ! grep -q listening "$T/listening"; do
		grep -q . "$T/listening" && break
		sleep 0.05
	done
}

# A path socket under the host's /run, as a daemon's: the view's /run is
# an empty tmpfs, but for paths the caller declares.
case_ipc_run_socket()
{
	local s

	if [ "$ME" != 0 ]; then
		skip_unless_root "uid 0: a socket under the host's /run is not there" "uid 0: the empty /run is read-only" \
			"uid 0 --unsafe-host-ipc: the socket is reached" \
			"uid 0 --writable under /run: the socket is reached"
		return
	fi
	RUNDIR=$(mktemp -d /run/spawnhelper-test.XXXXXX) || return
	s=$RUNDIR/sock
	listen listen "$s"
	run_st -- "$I" connect "$s"
	check_eq "uid 0: a daemon's socket under the host's /run is not there (ENOENT), nothing listed as unsafe" \
		"connect $s: ENOENT " "$out $(json_val "$st1" unsafe)"
	run_st -- "$A" create /run
	check_eq "uid 0: the empty /run is read-only as the rest of the view" \
		"EROFS" "$(said "create /run")"
	run_st --unsafe-host-ipc -- "$I" connect "$s"
	check_eq "uid 0 --unsafe-host-ipc: the socket is reached, the record lists host-ipc" \
		'connect '"$s"': ok ["host-ipc"] ' \
		"$out $(json_val "$st1" unsafe) $(json_val "$st1" abstract-sockets)"
	run_st --unsafe-writable-host -- "$I" connect "$s"
	check_eq "uid 0 --unsafe-writable-host (which implies it): the socket is reached" \
		"connect $s: ok" "$out"
	run_st --writable "$RUNDIR" -- "$I" connect "$s"
	check_eq "uid 0 --writable $RUNDIR: a path the caller declares under /run is the host's" \
		"connect $s: ok" "$out"
	run_st --ro-bind "$RUNDIR:/run/x" -- "$I" connect /run/x/sock
	check_eq "uid 0 --ro-bind $RUNDIR:/run/x: a bind from below the host's /run onto it (a mount point made)" \
		"connect /run/x/sock: ok" "$out"
}

# A declared path below /run whose source is not there: refused naming
# the option (for the host's uid 0 on the way through the empty /run),
# nothing ran and nothing made in the host's /run.
case_ipc_run_missing()
{
	local p=/run/spawnhelper-missing.$$

	rm -rf "$p"
	# (--writable only means something in the view: as nobody it is
	# not looked at)
	if [ "$ME" = 0 ]; then
		bad_spec "--writable $p, not there" \
			"--writable \`$p\`: .*No such file" \
			--writable "$p" -- "$(command -v touch)" "$T/marker"
	else
		skip_unless_root "bad spec: --writable $p, not there"
	fi
	bad_spec "--bind of a missing source onto /run/x" \
		"--bind \`/nonexistent-$$:/run/x\`: .*No such file" \
		--bind "/nonexistent-$$:/run/x" -- "$(command -v touch)" "$T/marker"
	check_eq "nothing made in the host's /run" "absent" \
		"$([ -e "$p" ] || [ -e /run/x ] && echo made || echo absent)"
}

# An abstract socket of the host's: out of reach by Landlock's scope
# (ABI 6), or in a network namespace of its own.
case_ipc_abstract_socket()
{
	local name=spawnhelper-test.$$

	listen listen-abstract "$name"
	if [ "$ME" != 0 ]; then
		run_st -- "$I" connect-abstract "$name"
		check_eq "nobody's command: unchanged, its own user's abstract socket is reached, no abstract-sockets key" \
			"connect-abstract $name: ok " \
			"$out $(json_val "$st1" abstract-sockets)"
		skip_unless_root "uid 0: a host's abstract socket: EPERM (Landlock scope)" \
			"uid 0 on a faked Landlock ABI 5: the record says reachable" \
			"uid 0 --unshare-net: not there" \
			"uid 0 --unsafe-host-ipc: reached"
		return
	fi
	run_st -- "$I" connect-abstract "$name"
	if [ "$(json_val "$st1" abstract-sockets)" = '"reachable"' ]; then
		skip "uid 0: a host's abstract socket: EPERM (Landlock scope)" \
			"no Landlock ABI 6 here: the record says reachable"
	else
		check_eq "uid 0: a host's abstract socket: EPERM (Landlock scope), the record says so" \
			"connect-abstract $name: EPERM \"landlock\"" \
			"$out $(json_val "$st1" abstract-sockets)"
	fi
	# a kernel before Landlock ABI 6, as strace makes the command's ABI
	# query answer: not claimed, the record says reachable
	if command -v strace >/dev/null; then
		# LeakSanitizer cannot stop the world of a traced process
		WRAP=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
			strace -f -qq -o /dev/null -e trace=landlock_create_ruleset
			-e "inject=landlock_create_ruleset:retval=5:when=1")
		run_st -- "$I" connect-abstract "$name"
		WRAP=()
		check_eq "uid 0 on a faked Landlock ABI 5: reached, and the record says reachable" \
			"connect-abstract $name: ok \"reachable\"" \
			"$out $(json_val "$st1" abstract-sockets)"
	else
		skip "uid 0 on a faked Landlock ABI 5: the record says reachable" \
			"no strace"
	fi
	run_st --unshare-net -- "$I" connect-abstract "$name"
	check_eq "uid 0 --unshare-net: not there (a network namespace of its own)" \
		"connect-abstract $name: ECONNREFUSED \"network-namespace\"" \
		"$out $(json_val "$st1" abstract-sockets)"
	run_st --unsafe-host-ipc -- "$I" connect-abstract "$name"
	check_eq "uid 0 --unsafe-host-ipc: reached" \
		"connect-abstract $name: ok" "$out"
}

# The host's SysV segment and queue and POSIX queue, of the suite's user
# (root's: no capability needed, the owner's uid is enough).
case_ipc_objects()
{
	IPC_KEY=$((0x53480000 + ($$ & 0xffff)))
	IPC_NAME=spawnhelper-test.$$
	"$I" make-ipc "$IPC_KEY" "$IPC_NAME" || return
	run_st -- "$I" shm "$IPC_KEY" msg "$IPC_KEY" mq "$IPC_NAME"
	if [ "$ME" != 0 ]; then
		check_eq "nobody's command: unchanged, its own user's SysV and POSIX IPC objects are reached" \
			"ok ok ok" \
			"$(said "shm $IPC_KEY") $(said "msg $IPC_KEY") $(said "mq $IPC_NAME")"
		skip_unless_root "uid 0: root's SysV segment, queue and POSIX queue are not there" \
			"uid 0 --unsafe-host-ipc: reached"
		return
	fi
	check_eq "uid 0: root's SysV segment, queue and POSIX queue are not there (an IPC namespace of its own)" \
		"ENOENT ENOENT ENOENT" \
		"$(said "shm $IPC_KEY") $(said "msg $IPC_KEY") $(said "mq $IPC_NAME")"
	check_match "... the record names the ipc namespace" '"namespaces":\[[^]]*"ipc"' "$st1"
	run_st --unsafe-host-ipc -- "$I" shm "$IPC_KEY" msg "$IPC_KEY" mq "$IPC_NAME"
	check_eq "uid 0 --unsafe-host-ipc: reached" "ok ok ok" \
		"$(said "shm $IPC_KEY") $(said "msg $IPC_KEY") $(said "mq $IPC_NAME")"
}

run_cases "$@"
