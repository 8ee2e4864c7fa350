#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2016 # literal $ in python and sh code
# Nested namespaces (issue 11, point 4): the build profile refuses user
# namespaces of the command's own (unshare and clone with CLONE_NEWUSER:
# EPERM; clone3, whose flags seccomp cannot see: ENOSYS, so that callers
# fall back to clone), which closes the back door of an overlay copy-up
# that leaves a setgid directory or file on the host; the strict profile
# refuses every namespace; --allow-nested-userns gives them back to the
# build profile. The attack program tests/attacks/nested-userns is the
# command. Runs as root and as nobody (nested-userns-root.sh,
# nested-userns-nobody.sh, both through run-as.sh); a case the kernel or
# the privileges cannot support skips with its reason.
#
#
# Each case is a function case_NAME that runs alone
# (`tests/nested-userns.sh strict_kinds`, `--list` names them; see
# run_cases in tap.sh); what the kernel does without a filter, which
# several cases compare with, is fixture_no_filter, once.
#
# Environment: SPAWN_HELPER, SH_INSIDE, SH_ATTACKS, SH_TESTS_SRCDIR.

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"

require_helper_and_inside
require_attacks nested-userns
require_userns_unless_root
H=$SPAWN_HELPER
A=$(attack nested-userns)

suite_scratch nested-userns
# (a copy every user can run, for the --probe cases)
cp "$H" "$T/spawn-helper" && chmod 755 "$T/spawn-helper" || exit 1
# stderr of each run as a diagnostic
RUN_SHOW_ERR=1

# the answer of STEP in $out ("EPERM", "ok", ...)
answer()
{
	printf '%s\n' "$out" | awk -v s="$1:" '$1 == s { print $2; exit }'
}

# A fresh overlay: a lower directory with a setgid directory and a
# setgid file of ours (made outside, where chmod is no one's business),
# upper and work directories below one writable directory (overlayfs
# wants them on one mount), and a mount point.
fresh_overlay()
{
	rm -rf "$T/ov"
	mkdir -m 755 "$T/ov" "$T/ov/lower" "$T/ov/merged" "$T/ov/w" &&
		mkdir -m 2777 "$T/ov/lower/sgid" &&
		: >"$T/ov/lower/sgid-file" &&
		chmod 2755 "$T/ov/lower/sgid-file" "$T/ov/lower/sgid" &&
		mkdir -m 755 "$T/ov/w/upper" "$T/ov/w/work" || exit 1
	OVERLAY=(--overlay "$T/ov/lower" "$T/ov/w/upper" "$T/ov/w/work"
		"$T/ov/merged")
}

# setgid files and directories the run left in the upper directory, on
# the host
setgid_on_host()
{
	find "$T/ov/w/upper" -perm -2000 -printf '%P %m\n' 2>/dev/null |
		sort | tr '\n' ' ' | sed 's/ $//'
}

USER_STEPS=(unshare-user clone-user clone3-user)

# --- without a filter: what the kernel lets this user do ---------------

# NONE_OUT, NONE_USER (unshare-user's answer) and NONE_SETGID (what the
# overlay copy-up left setgid on the host) without a filter. Once.
fixture_no_filter()
{
	local OVERLAY

	[ -z "${NONE_DONE:-}" ] || return 0
	NONE_DONE=1
	fresh_overlay
	run_st --seccomp-profile none --bind "$T/ov/w" -- "$A" "${OVERLAY[@]}" \
		"${USER_STEPS[@]}"
	NONE_OUT=$out
	NONE_USER=$(answer unshare-user)
	NONE_SETGID=$(setgid_on_host)
	diag "without a filter: $(oneline "$NONE_OUT")"
	[ -z "$NONE_SETGID" ] || diag "... left setgid on the host: $NONE_SETGID"
}

# --- the build profile: no user namespace, no copy-up ---------------------

case_build_userns()
{
	local OVERLAY desc

	fixture_no_filter
	fresh_overlay
	run_st --bind "$T/ov/w" -- "$A" "${OVERLAY[@]}" "${USER_STEPS[@]}"
	check_eq "build profile: unshare(CLONE_NEWUSER) EPERM, clone(CLONE_NEWUSER) EPERM, clone3 ENOSYS (without a filter: ${NONE_USER:-?})" \
		"0 unshare-user: EPERM clone-user: EPERM clone3-user: ENOSYS" \
		"$rc $(oneline "$out")"
	if [ -n "$NONE_SETGID" ]; then
		desc="without a filter: $NONE_SETGID"
	else
		desc="none without a filter either here: maps $(printf '%s\n' "$NONE_OUT" |
			awk '$2 == "maps:" { print $3; exit }')"
	fi
	check_eq "build profile: no setgid directory or file on the host through an overlay copy-up ($desc)" \
		"" "$(setgid_on_host)"
	check_match "build profile: the outcome reports unshare and clone (EPERM) and clone3 (ENOSYS)" \
		'"blocked":\[.*"syscall":"unshare","errno":1,.*"syscall":"clone","errno":1,.*"syscall":"clone3","errno":38,' \
		"$stN"
	check_eq "build profile: the started record says nothing of nested user namespaces" \
		"" "$(json_val "$st1" nested-userns)"
}

# the other ABIs: x32 (the kernel's ENOSYS without x32 support, the
# filter's EPERM before it) and i386 (int 0x80)
case_build_abis()
{
	local ABI_STEPS abi_none s a

	ABI_STEPS=(x32-unshare-user x32-clone-user i386-unshare-user i386-clone-user)
	run_st --seccomp-profile none -- "$A" "${ABI_STEPS[@]}"
	abi_none=$(oneline "$out")
	run_st -- "$A" "${ABI_STEPS[@]}"
	for s in "${ABI_STEPS[@]}"; do
		a=$(answer "$s")
		if [ "$a" = unsupported ]; then
			skip "build profile: $s: EPERM" "int 0x80 does not work here"
		else
			check_eq "build profile: $s: EPERM (without a filter: $(printf '%s\n' "$abi_none" | sed -n "s/.*$s: \([^ ]*\).*/\1/p"))" \
				EPERM "$a"
		fi
	done
}

# ordinary processes and threads: fork (clone without CLONE_NEW*),
# posix_spawn and pthread_create (glibc tries clone3 first, then clone)
case_build_processes()
{
	if command -v python3 >/dev/null; then
		run_st -- python3 -c '
import os, subprocess, threading
t = threading.Thread(target=lambda: print("thread", flush=True))
t.start(); t.join()
pid = os.posix_spawn("/bin/sh", ["sh", "-c", "echo spawned"], os.environ)
print("posix_spawn", os.waitpid(pid, 0)[1], flush=True)
print(subprocess.run(["sh", "-c", "echo $(echo sub)shell | cat"],
                     stdout=subprocess.PIPE).stdout.decode().strip())
pid = os.fork()
if pid == 0:
    os._exit(7)
print("fork", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)'
		check_eq "build profile: threads, posix_spawn, subprocess, a shell pipeline and fork still work" \
			"0 thread spawned posix_spawn 0 subshell fork 7" "$rc $(oneline "$out")"
	else
		skip "build profile: threads, posix_spawn, subprocess and fork still work" \
			"no python3"
	fi
}

# --- --allow-nested-userns ---------------------------------------------------

case_allow_nested()
{
	local OVERLAY

	fixture_no_filter
	fresh_overlay
	run_st --allow-nested-userns --bind "$T/ov/w" -- "$A" "${USER_STEPS[@]}"
	if [ "$NONE_USER" != ok ]; then
		# (user.max_user_namespaces=0, make check-vm's nouserns boot: ENOSPC)
		check_eq "--allow-nested-userns: the calls reach the kernel, which refuses them as without a filter ($NONE_USER)" \
			"0 unshare-user: $NONE_USER clone-user: $NONE_USER clone3-user: $NONE_USER" \
			"$rc $(oneline "$out")"
	else
		check_eq "--allow-nested-userns: unshare, clone and clone3 with CLONE_NEWUSER work again" \
			"0 unshare-user: ok clone-user: ok clone3-user: ok" \
			"$rc $(oneline "$out")"
	fi
	check_eq "--allow-nested-userns: the started record says so" \
		true "$(json_val "$st1" nested-userns)"
	check_eq "--allow-nested-userns: it runs, nothing blocked" "0 " "$rc $(json_val "$stN" seccomp)"
}

# with a policy file the profile is compiled at run time, not
# precompiled: the same rules either way
case_allow_nested_policy()
{
	fixture_no_filter
	: >"$T/empty.policy"
	run_st --seccomp-policy "$T/empty.policy" -- "$A" "${USER_STEPS[@]}"
	check_eq "build profile and --seccomp-policy: unshare, clone EPERM, clone3 ENOSYS" \
		"0 unshare-user: EPERM clone-user: EPERM clone3-user: ENOSYS" \
		"$rc $(oneline "$out")"
	run_st --allow-nested-userns --seccomp-policy "$T/empty.policy" -- "$A" \
		"${USER_STEPS[@]}"
	if [ "$NONE_USER" = ok ]; then
		check_eq "--allow-nested-userns and --seccomp-policy: user namespaces work" \
			"0 unshare-user: ok clone-user: ok clone3-user: ok" \
			"$rc $(oneline "$out")"
	else
		check_eq "--allow-nested-userns and --seccomp-policy: the calls reach the kernel, which refuses them as without a filter ($NONE_USER)" \
			"0 unshare-user: $NONE_USER clone-user: $NONE_USER clone3-user: $NONE_USER" \
			"$rc $(oneline "$out")"
	fi
}

case_allow_nested_strict()
{
	run_st --allow-nested-userns --seccomp-profile strict -- "$A" unshare-user
	check_eq "--allow-nested-userns with the strict profile: 125, stage spec, nothing ran" \
		'125 "spec" ' "$rc $(json_val "$stN" stage) $out"
	check_match "... the message says why" \
		'--allow-nested-userns.*strict' "$(json_val "$stN" message)"

}

# --- the strict profile: no namespace at all ---------------------------------

# With CAP_SYS_ADMIN kept the kernel lets the command make namespaces
# other than a user namespace, and the build profile with
# --allow-nested-userns lets clone3 through: whatever strict refuses
# there, it refuses itself.
case_strict_kinds()
{
	local KINDS steps=() k how b s want build_out strict_out strict_st

	KINDS="mount net ipc uts pid cgroup"
	steps=()
	for k in $KINDS user; do
		steps+=("unshare-$k" "clone-$k" "clone3-$k")
	done
	run_st --allow-nested-userns --cap-keep cap_sys_admin -- "$A" "${steps[@]}"
	build_out=$out
	run_st --seccomp-profile strict --cap-keep cap_sys_admin -- "$A" "${steps[@]}"
	strict_out=$out
	strict_st=$stN
	for k in $KINDS; do
		for how in unshare clone clone3; do
			out=$build_out
			b=$(answer "$how-$k")
			out=$strict_out
			s=$(answer "$how-$k")
			want=EPERM
			[ "$how" = clone3 ] && want=ENOSYS
			if [ "$b" != ok ]; then
				skip "strict profile: $how with CLONE_NEW${k^^}: $want" \
					"the kernel refuses it with CAP_SYS_ADMIN under the build profile (--allow-nested-userns) too: $b"
			else
				check_eq "strict profile: $how with CLONE_NEW${k^^}: $want (build profile, --allow-nested-userns, cap_sys_admin: ok)" \
					"$want" "$s"
			fi
		done
	done
	out=$strict_out
	check_eq "strict profile: unshare, clone and clone3 with CLONE_NEWUSER refused too" \
		"EPERM EPERM ENOSYS" \
		"$(answer unshare-user) $(answer clone-user) $(answer clone3-user)"
	check_match "strict profile: the refused clone calls are reported (EPERM)" \
		'"syscall":"clone","errno":1,' "$strict_st"

}

# --- --probe nested, and a refused user namespace explained (issue 16) ---

# Under a sandbox whose profile refuses user namespaces (ours), an
# unprivileged probe cannot make any namespace: every spawn there would
# drop them, so none is reported available (each with the user
# namespace's errno).
case_probe_nested()
{
	local got k

	"$H" -- "$T/spawn-helper" --probe --json </dev/null >"$T/out" 2>"$T/err"
	got=
	for k in user mount net ipc uts pid; do
		got="$got $k:$(grep -o "\"$k\":{\"available\":[a-z]*,\"errno\":[0-9]*" \
			"$T/out" | sed 's/.*available":\([a-z]*\),"errno":/\1 /')"
	done
	check_eq "--probe nested under a profile that refuses user namespaces: mount, net, ipc, uts, pid not available (EPERM)" \
		" user:false 1 mount:false 1 net:false 1 ipc:false 1 uts:false 1 pid:false 1" \
		"$got"
}

# ENOSPC from the user namespace is the limit user.max_user_namespaces:
# set to 0 in a user namespace of the test's own (the limit is per user
# namespace, the host's is untouched).
case_probe_enospc()
{
	if command -v unshare >/dev/null &&
		unshare -U -r sh -c 'echo 0 >/proc/sys/user/max_user_namespaces' 2>/dev/null; then
		unshare -U -r sh -c 'echo 0 >/proc/sys/user/max_user_namespaces &&
			exec "$1" --unshare-user -- true' sh "$T/spawn-helper" \
			</dev/null >/dev/null 2>"$T/err"
		check_match "ENOSPC making the user namespace: 125, names user.max_user_namespaces" \
			"^125 spawn-helper: ns: namespace \`user\` refused: the sysctl user.max_user_namespaces=0 allows none: No space left on device$" \
			"$? $(cat "$T/err")"
		out=$(unshare -U -r sh -c 'echo 0 >/proc/sys/user/max_user_namespaces &&
			exec "$1" --probe' sh "$T/spawn-helper" </dev/null 2>&1)
		check_match "--probe: ENOSPC for the user namespace names user.max_user_namespaces" \
			"namespace user +refused: No space left on device \(the limit user.max_user_namespaces" \
			"$out"
	else
		skip "ENOSPC making the user namespace: 125, names user.max_user_namespaces" \
			"unshare -U -r with a writable user.max_user_namespaces is not available here"
		skip "--probe: ENOSPC for the user namespace names user.max_user_namespaces" \
			"unshare -U -r with a writable user.max_user_namespaces is not available here"
	fi
}

# An ordinary user who may not create cgroups is told how to get a
# delegated one (root runs the probe as nobody for it).
probe_user()
{
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	else
		"$@"
	fi
}

case_probe_cgroup_hint()
{
	out=$(probe_user "$T/spawn-helper" --probe </dev/null 2>&1)
	if grep -q 'may create cgroups there: no' <<<"$out"; then
		check_match "--probe as an ordinary user without a delegated cgroup: suggests one" \
			"systemd-run --user --scope -p Delegate=yes, or have root make a cgroup directory .* and chown it to you" \
			"$out"
	else
		check_eq "--probe as an ordinary user who may create cgroups: no suggestion" \
			"" "$(grep 'Delegate=yes' <<<"$out")"
	fi
}

run_cases "$@"
