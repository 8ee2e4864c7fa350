#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2016,SC2317 # literal backticks; indirect calls
# Hardening tests: capabilities and securebits, no_new_privs, the seccomp
# profiles (on x86-64, i386 and x32), policy files and raw BPF, Landlock,
# rlimits and the order of the command's setup, checked through the probe
# from inside and through /proc from outside. Runs as root and as nobody
# (hardening-root.sh, hardening-nobody.sh, both through run-as.sh); a case
# the kernel or the privileges cannot support skips with its reason.
#
# Each case is a function case_NAME that runs alone (`tests/hardening.sh
# build_x32`, `--list` names them; see run_cases in tap.sh); what several
# cases share comes from a memoised fixture (fixture_int80,
# fixture_landlock, fixture_static_binary).
#
# Environment: SPAWN_HELPER (the helper), SH_INSIDE (tests/inside),
# SH_TESTS_SRCDIR (where tap.sh lives; defaults to this script's directory).

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"
own_mounts_as_root "$0" "$@" # (the file-caps cases' tmpfs mounts)

require_helper_and_inside
require_userns_unless_root

suite_scratch hardening
# (suite_scratch's cleanup calls it)
suite_teardown()
{
	[ -z "${SH_OWN_MOUNTS:-}" ] ||
		umount "$T/fcaps" "$T/fcaps-nosuid" 2>/dev/null
}
mkdir -m 777 "$T/lw" "$T/lx" # (Landlock's, and --allow-new-privs')
mkdir -m 755 "$T/m" # (the files the seccomp cases change)
# copies every user can run (the build tree may be closed to nobody)
private_copies helper inside
TOUCH=$(command -v touch)
ME=$(id -u)
MYGID=$(id -g)
ZERO=0000000000000000
NA=0000000000001000 # CAP_NET_ADMIN
# SECBIT_NOROOT, NO_SETUID_FIXUP and their locks; KEEP_CAPS unlocked
# (moot under NO_SETUID_FIXUP, and ping sets it)
SECBITS=0xf
# a command killed by SIGSYS or SIGXFSZ must not leave a core behind
ulimit -c 0

# The scratch directory stays writable for a command that runs as the
# host's uid 0 (the read-only view; --writable changes nothing for other
# commands): these cases are about the hardening, not the view (tests/defaults.sh).
SCRATCH=(--writable "$T")

# --- helpers -----------------------------------------------------------

# A setup failure: 125, the record's stage, the message matches ERE,
# nothing ran. The command is appended: touch $T/marker.
setup_fails()
{
	local desc=$1 stage=$2 pattern=$3

	shift 3
	rm -f "$T/marker"
	run_st "$@" -- "$TOUCH" "$T/marker"
	if [ "$rc" = 125 ] && [ "$(json_val "$st" stage)" = "\"$stage\"" ] &&
		printf '%s\n' "$(json_val "$st" message)" | grep -Eq -- "$pattern" &&
		[ ! -e "$T/marker" ]; then
		ok "$desc"
		return
	fi
	not_ok "$desc"
	diag "exit $rc (expected 125), stage $(json_val "$st" stage) (expected $stage), marker $(ran)"
	diag "record (message expected to match $pattern):"
	diag "$st$err"
}

# "Inh Prm Eff Bnd Amb NoNewPrivs Seccomp" from the probe's `security`
caps_line()
{
	echo "$(field CapInh) $(field CapPrm) $(field CapEff) $(field CapBnd) $(field CapAmb) $(field NoNewPrivs) $(field Seccomp)"
}

uids()
{
	printf '%s\n' "$out" | awk '$1 == "Uid:" { print $2, $3, $4, $5; exit }'
}

# the probe's answer line for WORD... ("chmod PATH EPERM")
line_of()
{
	printf '%s\n' "$out" | grep -F -- "$1" | head -n 1
}

mode_of()
{
	stat -c %a "$1" 2>/dev/null || echo absent
}

# whether this process has capability N in its effective set
have_cap()
{
	local eff

	eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
	(((16#$eff >> $1) & 1))
}

# --- 1. capabilities and securebits ---------------------------------------

case_caps_default()
{
	run -- "$P" security securebits
	check_eq "default: every capability set empty, NoNewPrivs 1, Seccomp 2" \
		"0 $ZERO $ZERO $ZERO $ZERO $ZERO 1 2" "$rc $(caps_line)"
	check_eq "default: securebits NOROOT, NO_SETUID_FIXUP and the locks" \
		"securebits $SECBITS" "$(line_of securebits)"
}

case_caps_map_root()
{
	run --map-root -- "$P" security status
	check_eq "--map-root: uid 0 in the user namespace, and still no capabilities" \
		"0 0 0 0 0 $ZERO $ZERO $ZERO $ZERO $ZERO 1 2" "$rc $(uids) $(caps_line)"
	if [ "$ME" = 0 ]; then
		# without --uid the command keeps the caller's uid, unmapped there
		run --unshare-user --uid-map "0 100000 65536" --gid-map "0 100000 65536" \
			--uid 0 --gid 0 -- "$P" security status
		check_eq "root --unshare-user --uid-map 0 100000 65536 --uid 0: uid 0 inside, no capabilities" \
			"0 0 0 0 0 $ZERO $ZERO $ZERO $ZERO $ZERO 1 2" "$rc $(uids) $(caps_line)"
	else
		run --unshare-user --uid-map "0 $ME 1" --gid-map "0 $MYGID 1" \
			-- "$P" security status
		check_eq "--unshare-user --uid-map 0 $ME 1: uid 0 inside, no capabilities" \
			"0 0 0 0 0 $ZERO $ZERO $ZERO $ZERO $ZERO 1 2" "$rc $(uids) $(caps_line)"
	fi
}

case_caps_keep_net_admin()
{
	local spelling

	for spelling in CAP_NET_ADMIN net_admin; do
		run --cap-keep "$spelling" --unshare-net -- "$P" security ifdown lo
		check_eq "--cap-keep $spelling: in all five sets, and usable (lo down in the net namespace)" \
			"0 $NA $NA $NA $NA $NA 1 2 ifdown lo ok" \
			"$rc $(caps_line) $(line_of ifdown)"
	done
	run --unshare-net -- "$P" ifdown lo
	check_eq "without --cap-keep: lo cannot be taken down (EPERM)" \
		"0 ifdown lo EPERM" "$rc $out"
	if [ "$ME" = 0 ]; then
		run --uid nobody --cap-keep net_admin --unshare-net -- "$P" status \
			security ifdown lo
		check_eq "--uid nobody --cap-keep net_admin: kept across the uid change, usable" \
			"0 65534 65534 65534 65534 $NA $NA $NA $NA $NA 1 2 ifdown lo ok" \
			"$rc $(uids) $(caps_line) $(line_of ifdown)"
	else
		# the host's lo: nobody's capability is its own user namespace's
		run --cap-keep net_admin -- "$P" security ifdown lo
		check_eq "nobody --cap-keep net_admin: kept, but no power over the host's lo" \
			"0 $NA ifdown lo EPERM" "$rc $(field CapEff) $(line_of ifdown)"
	fi
}

case_caps_keep_lacking()
{
	if [ "$ME" != 0 ]; then
		skip "--cap-keep of a capability the caller lacks: 125, stage caps" \
			"nobody has every capability in its own user namespace, whose bounding set the kernel makes full; setpriv --bounding-set needs root"
	elif ! command -v setpriv >/dev/null; then
		skip "--cap-keep of a capability the caller lacks: 125, stage caps" \
			"no setpriv (util-linux)"
	else
		rm -f "$T/marker"
		setpriv --bounding-set -net_admin "$H" --status-fd 3 "${SCRATCH[@]}" \
			--cap-keep net_admin -- "$TOUCH" "$T/marker" </dev/null \
			>"$T/out" 2>"$T/err" 3>"$T/st"
		rc=$?
		st=$(cat "$T/st")
		check_eq "--cap-keep net_admin under setpriv --bounding-set -net_admin: 125, stage caps, EPERM, nothing ran" \
			'125 "caps" "EPERM" absent' \
			"$rc $(json_val "$st" stage) $(json_val "$st" errname) $(ran)"
		check_match "... the message names the capability" \
			'cap_net_admin.*does not have' "$(json_val "$st" message)"
	fi
}

case_caps_keep_unknown()
{
	bad_spec "--cap-keep of an unknown capability" '--cap-keep `frob`' \
		--cap-keep frob -- "$TOUCH" "$T/marker"
}

case_caps_securebits_locked()
{
	run --cap-keep setpcap -- "$P" securebits securebits-clear
	check_eq "--cap-keep setpcap: the securebits are locked (clearing them: EPERM)" \
		"0 securebits $SECBITS securebits-clear EPERM" "$rc $(oneline "$out")"
}

case_caps_setresuid()
{
	local SU

	if [ "$ME" = 0 ]; then
		# SECBIT_NO_SETUID_FIXUP: leaving uid 0 keeps the kept capabilities
		# (so setresuid(0) works again), and nothing comes back with uid 0,
		# neither from the change nor from an execve (SECBIT_NOROOT)
		SU=00000000000000c0 # CAP_SETGID, CAP_SETUID
		run --cap-keep cap_setuid,cap_setgid -- "$P" setresuid 1000 \
			security setresuid 0 security wait "$P" status security
		check_eq "root --cap-keep setuid,setgid: setresuid(1000) then (0) succeed" \
			"setresuid 1000 ok setresuid 0 ok" \
			"$(line_of 'setresuid 1000') $(line_of 'setresuid 0')"
		check_eq "... and every capability set stays exactly the kept ones, also after an execve as uid 0" \
			"0 0 0 0 $(printf "$SU %.0s" 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)exited 0" \
			"$(uids) $(printf '%s\n' "$out" | awk '/^Cap/ { printf "%s ", $2 }')$(line_of exited)"
	else
		skip "setresuid away from uid 0 and back keeps only the kept capabilities" \
			"nobody's user namespace maps a single uid"
	fi
}

# --- 1b. binaries with file capabilities ------------------------------------


# A probe with cap_net_raw=ep, as Debian's ping. Where the kernel honours
# file capabilities it refuses to exec it unless the bounding set has
# cap_net_raw, and under no_new_privs grants it only what the command
# already has. On a nosuid mount (the /tmp of many systems and of make
# check-vm's guest) the kernel ignores file capabilities: the file runs,
# with none. As root the suite mounts a tmpfs of each kind (in its own
# mount namespace: own_mounts_as_root) so both are checked on every
# machine; elsewhere the kind of $T's mount decides what is expected.
# fcaps_probe DIR: a copy of the probe with cap_net_raw=ep in DIR
fcaps_probe()
{
	mkdir -p -m 755 "$1" && cp "$P" "$1/probe" &&
		PATH=$PATH:/usr/sbin:/sbin setcap cap_net_raw=ep "$1/probe"
} 2>/dev/null
# nosuid_mount DIR: DIR is on a nosuid mount
nosuid_mount()
{
	findmnt -n -o OPTIONS -T "$1" | tr , '\n' | grep -qx nosuid
}

case_caps_file()
{
	local NR=0000000000002000 # CAP_NET_RAW
	local fcaps_cases=("a file-caps binary (cap_net_raw=ep) by default: 126, stage exec, EPERM, the message names its capabilities"
		"--cap-keep net_raw: the file-caps binary runs with cap_net_raw and can set KEEP_CAPS (as ping does)"
		"--uid nobody --cap-keep net_raw: the file-caps binary runs with cap_net_raw"
		"on a nosuid mount the kernel ignores file capabilities: the file-caps binary runs by default, without cap_net_raw")
	local d

	if [ "$ME" != 0 ]; then
		for d in "${fcaps_cases[@]}"; do
			skip "$d" "setcap on a file of the host needs the host's CAP_SETFCAP"
		done
	elif ! PATH=$PATH:/usr/sbin:/sbin command -v setcap >/dev/null; then
		for d in "${fcaps_cases[@]}"; do
			skip "$d" "no setcap (libcap2-bin)"
		done
	else
		mkdir -m 755 "$T/fcaps" "$T/fcaps-nosuid"
		if [ -n "${SH_OWN_MOUNTS:-}" ]; then
			mount -t tmpfs -o mode=755 tmpfs "$T/fcaps" &&
				mount -t tmpfs -o mode=755,nosuid tmpfs "$T/fcaps-nosuid"
		fi
		if ! nosuid_mount "$T/fcaps" && fcaps_probe "$T/fcaps"; then
			run_st -- "$T/fcaps/probe" security
			check_eq "${fcaps_cases[0]}" '126 "exec" "EPERM"' \
				"$rc $(json_val "$st" stage) $(json_val "$st" errname)"
			check_match "... the message names the file's capabilities and --cap-keep" \
				'cap_net_raw=ep.*--cap-keep' "$(json_val "$st" message)"
			run --cap-keep net_raw -- "$T/fcaps/probe" keepcaps security
			check_eq "${fcaps_cases[1]}" "0 keepcaps ok $NR $NR 1" \
				"$rc $(line_of keepcaps) $(field CapEff) $(field CapBnd) $(field NoNewPrivs)"
			run --uid nobody --cap-keep net_raw -- "$T/fcaps/probe" status security
			check_eq "${fcaps_cases[2]}" "0 65534 65534 65534 65534 $NR $NR" \
				"$rc $(uids) $(field CapPrm) $(field CapEff)"
		else
			for d in "${fcaps_cases[@]:0:3}" "... the message names the file's capabilities and --cap-keep"; do
				skip "$d" "no mount that honours file capabilities, or setcap failed there (not root of the suite's own mount namespace, $T nosuid)"
			done
		fi
		if nosuid_mount "$T/fcaps-nosuid" && fcaps_probe "$T/fcaps-nosuid"; then
			run_st -- "$T/fcaps-nosuid/probe" security
			check_eq "${fcaps_cases[3]}" "0 $ZERO $ZERO" \
				"$rc $(field CapPrm) $(field CapEff)"
		else
			skip "${fcaps_cases[3]}" "no nosuid mount to set file capabilities on (not root of the suite's own mount namespace)"
		fi
	fi
}

case_caps_ping()
{
	local PING GETCAP

	# nobody too: the kernel honours the file capabilities the host's root
	# set (version 2 xattrs) in every user namespace
	PING=$(PATH=$PATH:/usr/sbin:/sbin command -v ping)
	GETCAP=$(PATH=$PATH:/usr/sbin:/sbin command -v getcap)
	if [ -z "$PING" ] || [ -z "$GETCAP" ] ||
		[ "$("$GETCAP" "$PING" 2>/dev/null | grep -o 'cap_net_raw=ep')" != cap_net_raw=ep ]; then
		skip "--cap-keep net_raw: ping -c1 127.0.0.1 (cap_net_raw=ep) in a net namespace" \
			"no ping with cap_net_raw=ep (iputils-ping, libcap2-bin)"
	else
		run --cap-keep net_raw --unshare-net -- "$PING" -c1 127.0.0.1
		check_eq "--cap-keep net_raw: ping -c1 127.0.0.1 (cap_net_raw=ep) in a net namespace" \
			"0" "$rc"
		run_st --unshare-net -- "$PING" -c1 127.0.0.1
		check_eq "without --cap-keep: ping (cap_net_raw=ep) is refused: 126, EPERM" \
			'126 "EPERM"' "$rc $(json_val "$st" errname)"
	fi
}

# --- 2. no_new_privs ------------------------------------------------------

case_nnp_setuid()
{
	local suid_works d

	if [ "$ME" = 0 ]; then
		mkdir -m 755 "$T/suid"
		cp "$P" "$T/suid/probe" && chown 0:0 "$T/suid/probe" &&
			chmod 4755 "$T/suid/probe"
		# does the bit work here at all (a nosuid mount)?
		suid_works=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
			"$T/suid/probe" status 2>/dev/null | awk '$1 == "Uid:" { print $3 }')
	fi
	if [ "$ME" != 0 ]; then
		for d in "a setuid-root binary does not elevate under no_new_privs" \
			"--allow-new-privs: the setuid-root binary elevates its euid, but gets no capability"; do
			skip "$d" "only root can make a setuid-root file (and in nobody's user namespace root is unmapped: the kernel ignores the bit)"
		done
	elif [ "$suid_works" != 0 ]; then
		for d in "a setuid-root binary does not elevate under no_new_privs" \
			"--allow-new-privs: the setuid-root binary elevates its euid, but gets no capability"; do
			skip "$d" "the setuid bit does not work under $T (a nosuid mount?)"
		done
	else
		run --uid nobody -- "$T/suid/probe" status security
		check_eq "a setuid-root binary does not elevate under no_new_privs (uids stay 65534)" \
			"0 65534 65534 65534 65534 1" "$rc $(uids) $(field NoNewPrivs)"
		run --uid nobody --allow-new-privs --seccomp-profile none \
			-- "$T/suid/probe" status security
		check_eq "--allow-new-privs: the setuid-root binary elevates its euid, but gets no capability" \
			"0 65534 0 0 0 $ZERO $ZERO $ZERO $ZERO $ZERO 0 0" \
			"$rc $(uids) $(caps_line)"
	fi
}

case_nnp_allow_new_privs()
{
	run --allow-new-privs --seccomp-profile none -- "$P" security
	check_eq "--allow-new-privs --seccomp-profile none: NoNewPrivs 0, Seccomp 0" \
		"0 0 0" "$rc $(field NoNewPrivs) $(field Seccomp)"
	# refused before anything runs: seccomp and Landlock come after the
	# capabilities are dropped, so without no_new_privs nothing could load them
	setup_fails "--allow-new-privs with the build profile: 125, stage spec, says it needs cap_sys_admin" \
		spec 'needs --cap-keep cap_sys_admin' --allow-new-privs
	setup_fails "--allow-new-privs with Landlock: 125, stage spec, says it needs cap_sys_admin" \
		spec 'needs --cap-keep cap_sys_admin' --allow-new-privs \
		--seccomp-profile none --landlock-write "$T/lw"
}

# --- 3. the build profile -----------------------------------------------

case_build_setmode()
{
	local args=() call m f2_want want desc

	for call in chmod fchmod fchmodat fchmodat2; do
		for m in 4755 2755 0700; do
			: >"$T/m/$call-$m"
			chmod 644 "$T/m/$call-$m"
			args+=(setmode "$call" "$T/m/$call-$m" "$m")
		done
	done
	for call in open openat creat mknod; do
		for m in 4755 2755 0640; do
			args+=(setmode "$call" "$T/m/$call-$m" "$m")
		done
	done
	run -- "$P" "${args[@]}"
	# a kernel before 6.6 has no fchmodat2: the filter lets it through to the
	# kernel's ENOSYS (never EPERM, which a caller takes for a refusal)
	: >"$T/m/has-fchmodat2"
	if "$P" setmode fchmodat2 "$T/m/has-fchmodat2" 0600 | grep -q ' ENOSYS$'; then
		f2_want="ENOSYS 644"
	else
		f2_want="ok 700"
	fi
	for call in chmod fchmod fchmodat fchmodat2; do
		for m in 4755 2755; do
			check_eq "build profile: $call $m: EPERM, the file stays 644" \
				"$call $T/m/$call-$m EPERM 644" \
				"$(line_of "$call $T/m/$call-$m") $(mode_of "$T/m/$call-$m")"
		done
		want="ok 700" desc="build profile: $call 0700 works"
		if [ "$call" = fchmodat2 ] && [ "$f2_want" != "$want" ]; then
			want=$f2_want
			desc="build profile: fchmodat2 0700 on a kernel without it: its ENOSYS, not EPERM"
		fi
		check_eq "$desc" \
			"$call $T/m/$call-0700 $want" \
			"$(line_of "$call $T/m/$call-0700") $(mode_of "$T/m/$call-0700")"
	done
	for call in open openat creat mknod; do
		for m in 4755 2755; do
			check_eq "build profile: $call with O_CREAT, mode $m: EPERM, no file" \
				"$call $T/m/$call-$m EPERM absent" \
				"$(line_of "$call $T/m/$call-$m") $(mode_of "$T/m/$call-$m")"
		done
		check_eq "build profile: $call with O_CREAT, mode 0640 works" \
			"$call $T/m/$call-0640 ok 640" \
			"$(line_of "$call $T/m/$call-0640") $(mode_of "$T/m/$call-0640")"
	done
	: >"$T/m/none"
	run --seccomp-profile none -- "$P" setmode chmod "$T/m/none" 4755 security
	check_eq "--seccomp-profile none: Seccomp 0 and chmod u+s works" \
		"0 0 chmod $T/m/none ok 4755" \
		"$rc $(field Seccomp) $(line_of chmod) $(mode_of "$T/m/none")"
}

case_build_xattr()
{
	local d

	: >"$T/m/x"
	# the monitor reads the name: security.*, trusted.* and system.* (but
	# the POSIX ACLs) are refused before the file system is asked
	run_st -- "$P" setxattr "$T/m/x" security.capability \
		setxattr "$T/m/x" trusted.x setxattr "$T/m/x" system.sh
	check_match "build profile: setxattr security.capability, trusted.x, system.sh: ENOTSUP" \
		"^setxattr $T/m/x security.capability E(NOTSUP|OPNOTSUPP) setxattr $T/m/x trusted.x E(NOTSUP|OPNOTSUPP) setxattr $T/m/x system.sh E(NOTSUP|OPNOTSUPP)\$" \
		"$(oneline "$out")"
	check_match "... reported: setxattr, ENOTSUP, 3 times" \
		'"blocked":\[\{"syscall":"setxattr","errno":95,"errname":"EOPNOTSUPP","count":3\}\]' \
		"$(tail -n 1 "$T/st")"
	run --seccomp-profile none -- "$P" setxattr "$T/m/x" user.sh
	if [ "$out" = "setxattr $T/m/x user.sh ok" ]; then
		ok "--seccomp-profile none: setxattr user.sh works"
		run_st -- "$P" setxattr "$T/m/x" user.foo getxattr "$T/m/x" user.foo
		check_eq "build profile: setxattr user.foo works, the value reads back, nothing reported" \
			"0 setxattr $T/m/x user.foo ok getxattr $T/m/x user.foo x " \
			"$rc $(oneline "$out") $(json_val "$(tail -n 1 "$T/st")" seccomp)"
		# nested, the inner helper gets no listener: nobody reads the names.
		# As root the inner command is uid 0 without capabilities, which
		# cannot map itself into a user namespace for a view of its own: it
		# runs in the outer one's (the UNSAFE options only say so)
		run -- "$H" --unsafe-writable-host --unsafe-share-pids \
			-- "$P" setxattr "$T/m/x" user.nested
		check_match "build profile without a listener (nested): setxattr user.* refused too (ENOTSUP)" \
			"^setxattr $T/m/x user.nested E(NOTSUP|OPNOTSUPP)\$" "$out"
	else
		for d in "--seccomp-profile none: setxattr user.sh works" \
			"build profile: setxattr user.foo works, the value reads back" \
			"build profile without a listener (nested): setxattr user.* refused too"; do
			skip "$d" "the file system under $T refuses user xattrs ($out)"
		done
	fi
}

case_build_tiocsti()
{
	local outside

	outside=$("$P" tiocsti 2>&1)
	if [ "$outside" = "tiocsti EPERM" ]; then
		skip "build profile: TIOCSTI on the command's own terminal: EPERM" \
			"TIOCSTI fails with EPERM outside the sandbox too"
	else
		run -- "$P" tiocsti
		check_eq "build profile: TIOCSTI on the command's own terminal: EPERM (outside: ${outside#tiocsti })" \
			"0 tiocsti EPERM" "$rc $out"
		run --seccomp-profile none -- "$P" tiocsti
		check_eq "--seccomp-profile none: TIOCSTI as outside" "$outside" "$out"
	fi
}

# What an int 0x80 chmod of $T/m/i386 to 0600 does outside the sandbox
# (int80_outside; "crashed" when the probe died): whether i386 calls work
# here. Once, for the first case that asks; it leaves $T/m/i386 at 0600.
fixture_int80()
{
	local outside

	[ -z "${int80_outside:-}" ] || return 0
	: >"$T/m/i386"
	chmod 644 "$T/m/i386"
	outside=$("$P" setmode int80-chmod "$T/m/i386" 0600 2>&1)
	int80_outside=${outside:-crashed}
}

case_build_int80()
{
	local d

	fixture_int80
	if [ "$int80_outside" != "int80-chmod $T/m/i386 ok" ]; then
		for d in "i386 chmod (int 0x80) u+s: EPERM, no bit" \
			"i386 chmod (int 0x80) 0700 works" \
			"i386 setxattr, high half of the pointer set: ENOTSUP" \
			"strict: i386 umount: EPERM"; do
			skip "build profile: $d" "int 0x80 does not work here: $int80_outside"
		done
	else
		run -- "$P" setmode int80-chmod "$T/m/i386" 4755
		check_eq "build profile: i386 chmod (int 0x80) u+s: EPERM, no bit" \
			"0 int80-chmod $T/m/i386 EPERM 600" "$rc $out $(mode_of "$T/m/i386")"
		run -- "$P" setmode int80-chmod "$T/m/i386" 0700
		check_eq "build profile: i386 chmod (int 0x80) 0700 works" \
			"0 int80-chmod $T/m/i386 ok 700" "$rc $out $(mode_of "$T/m/i386")"
		# an i386 call uses the low halves of the registers, the monitor is
		# handed them whole: a name pointer 4 GiB above "trusted.*" pointed
		# at "user.*" and was approved, and the kernel set trusted.*
		run -- "$P" int80-setxattr "$T/m/i386" trusted.sh-evil user.sh-innocent
		check_match "build profile: i386 setxattr with the high half of the name's pointer set: the name the call uses is refused (ENOTSUP)" \
			'^0 int80-setxattr E(NOTSUP|OPNOTSUPP)$' "$rc $out"
		# i386's own umount (x86-64 has only umount2)
		run --seccomp-profile strict -- "$P" int80 22 0
		check_eq "strict profile: i386 umount (int 0x80): EPERM" \
			"0 int80 22 EPERM" "$rc $out"
	fi
}

case_build_x32()
{
	local outside

	: >"$T/m/x32"
	chmod 644 "$T/m/x32"
	outside=$("$P" setmode x32-chmod "$T/m/x32" 0600 2>&1)
	chmod 644 "$T/m/x32"
	run -- "$P" setmode x32-chmod "$T/m/x32" 4755 setmode x32-chmod "$T/m/x32" 0600
	check_eq "build profile: x32 chmod u+s: EPERM from the filter (outside the kernel says ${outside##* }), no bit" \
		"x32-chmod $T/m/x32 EPERM 644" \
		"$(printf '%s\n' "$out" | sed -n 1p) $(mode_of "$T/m/x32")"
	check_eq "build profile: x32 chmod 0600: what the kernel says outside" \
		"$outside" "$(printf '%s\n' "$out" | sed -n 2p)"
	run_st -- "$P" setmode x32-chmod "$T/m/x32" 4755
	check_match "build profile: x32 chmod u+s is reported as chmod" \
		'"blocked":\[\{"syscall":"chmod","errno":1,' "$(tail -n 1 "$T/st")"
}

answer()
{
	printf '%s\n' "$1" | awk -v c="$2" '$1 == c { print $2; exit }'
}

case_build_calls()
{
	local denied plain strict_only uring args=() c b n s outside
	local out_build out_none out_strict stN n_kinds unlisted

	denied="init_module finit_module delete_module kexec_load kexec_file_load bpf perf_event_open keyctl add_key request_key userfaultfd"
	# (clone3: ENOSYS from the build profile, see nested-userns.sh)
	plain="faccessat2 getrandom nosys x32-nosys"
	strict_only="ptrace unshare setns mount"
	uring="io_uring_setup io_uring_enter io_uring_register"
	args=()
	# x32-nosys (in $plain) last: a filter blind to x32 would kill the probe
	for c in $denied openat2 $uring $strict_only $plain; do
		args+=(try "$c")
	done
	run -- "$P" "${args[@]}"
	out_build=$out
	run --seccomp-profile none -- "$P" "${args[@]}"
	out_none=$out
	run_st --seccomp-profile strict -- "$P" "${args[@]}"
	out_strict=$out
	# more kinds of refused calls than the record names (16): the rest are
	# counted, not dropped without a word
	stN=$(tail -n 1 "$T/st")
	n_kinds=$(printf '%s\n' "$stN" | grep -o '"syscall":' | wc -l)
	unlisted=$(json_val "$stN" unlisted)
	check_true "strict profile: the record names 16 refused calls and counts the others as unlisted ($n_kinds named, ${unlisted:-no} unlisted)" \
		test "$n_kinds" = 16 -a "${unlisted:-0}" -gt 0
	for c in $denied; do
		b=$(answer "$out_build" "$c")
		n=$(answer "$out_none" "$c")
		if [ "$n" = EPERM ]; then
			skip "build profile: $c: EPERM" \
				"the kernel itself answers EPERM here without a filter"
		else
			check_eq "build profile: $c: EPERM (without the filter: $n)" \
				EPERM "$b"
		fi
	done
	for c in $plain; do
		b=$(answer "$out_build" "$c")
		n=$(answer "$out_none" "$c")
		if [ "$b" = "$n" ] && [ "$b" != EPERM ] && [ -n "$b" ]; then
			ok "build profile: $c is the kernel's business ($b)"
		else
			not_ok "build profile: $c is the kernel's business"
			diag "build: $b, none: $n"
		fi
	done
	check_eq "build profile: openat2 gives ENOSYS (without the filter: ok)" \
		"ENOSYS ok" "$(answer "$out_build" openat2) $(answer "$out_none" openat2)"
	for c in $uring; do
		n=$(answer "$out_none" "$c")
		if [ "$n" = ENOSYS ]; then
			skip "build and strict profiles: $c gives ENOSYS" \
				"the kernel has no io_uring"
		else
			check_eq "build and strict profiles: $c gives ENOSYS (without the filter: $n)" \
				"ENOSYS ENOSYS" \
				"$(answer "$out_build" "$c") $(answer "$out_strict" "$c")"
		fi
	done
	# what io_uring does seccomp never sees: an IORING_OP_OPENAT with a
	# setuid mode would make the file that openat may not
	outside=$("$P" uring-create "$T/m/uring-outside" 0644 2>&1)
	if [ "$outside" != "uring-create $T/m/uring-outside ok" ]; then
		skip "build profile: no setuid file through io_uring (IORING_OP_OPENAT)" \
			"io_uring does not work here: ${outside:-crashed}"
	else
		run_st -- "$P" uring-create "$T/m/uring" 4755
		check_eq "build profile: no setuid file through io_uring (IORING_OP_OPENAT 4755): io_uring_setup ENOSYS" \
			"0 uring-create $T/m/uring ENOSYS absent" \
			"$rc $out $(mode_of "$T/m/uring")"
		check_match "... reported: io_uring_setup, ENOSYS" \
			'"blocked":\[\{"syscall":"io_uring_setup","errno":38,"errname":"ENOSYS","count":1\}\]' \
			"$(tail -n 1 "$T/st")"
		run --seccomp-profile none -- "$P" uring-create "$T/m/uring-none" 0640
		check_eq "--seccomp-profile none: io_uring works (IORING_OP_OPENAT 0640)" \
			"0 uring-create $T/m/uring-none ok 640" \
			"$rc $out $(mode_of "$T/m/uring-none")"
	fi
	for c in $strict_only; do
		b=$(answer "$out_build" "$c")
		s=$(answer "$out_strict" "$c")
		if [ "$b" != EPERM ] && [ "$s" = EPERM ]; then
			ok "strict profile: $c EPERM, build profile allows it ($b)"
		else
			not_ok "strict profile: $c EPERM, build profile allows it"
			diag "build: $b, strict: $s"
		fi
	done
}

case_build_bad_profile()
{
	bad_spec "--seccomp-profile frob" '--seccomp-profile `frob`' \
		--seccomp-profile frob -- "$TOUCH" "$T/marker"
}

# --- 4. policy files and raw BPF ------------------------------------------

case_policy_file()
{
	printf '# a policy\n\nerrno:EACCES mkdir\nerrno:EXDEV chmod arg1 == 0700 # ok\n' \
		>"$T/policy"
	: >"$T/m/pol"
	run --seccomp-policy "$T/policy" -- "$P" setmode mkdir "$T/m/d" 0755 \
		setmode chmod "$T/m/pol" 0700 setmode chmod "$T/m/pol" 0600
	check_eq "--seccomp-policy: errno:EACCES mkdir, errno:EXDEV chmod arg1 == 0700" \
		"0 mkdir $T/m/d EACCES chmod $T/m/pol EXDEV chmod $T/m/pol ok absent" \
		"$rc $(oneline "$out") $(mode_of "$T/m/d")"
}

case_policy_recv_net()
{
	# a policy that refuses recv (and sends it to the monitor) with a
	# network namespace: the command waits for the configured loopback
	# before it installs the caller's filter, not after (a recv under that
	# filter would fail, or wait for an answer nobody gives yet)
	printf 'errno recvfrom\nerrno recvmsg\n' >"$T/policy-recv"
	timeout 20 "$H" --unshare-net --seccomp-policy "$T/policy-recv" -- \
		"$P" exit 0 </dev/null >/dev/null 2>"$T/err"
	check_eq "--seccomp-policy refusing recv, --unshare-net: the command runs" \
		"0" "$?$(sed 's/^/ /' "$T/err")"
}

case_policy_kill()
{
	local last pidns

	printf 'kill uname\n' >"$T/policy-kill"
	# (bash's notice of the helper's death goes to /dev/null)
	run_st --seccomp-policy "$T/policy-kill" -- "$P" hostname 2>/dev/null
	check_eq "--seccomp-policy kill uname: the command dies of SIGKILL, so does the helper" \
		'137 9 "SIGKILL"' \
		"$rc $(json_val "$(tail -n 1 "$T/st")" signal) $(json_val "$(tail -n 1 "$T/st")" signal-name)"
	check_match "--seccomp-policy kill uname: the outcome names the call" \
		'"seccomp":\{"killed-by":"uname"\}' "$(tail -n 1 "$T/st")"
	# x32 calls come with x86-64's arch and the x32 bit: named all the same
	run_st --seccomp-policy "$T/policy-kill" -- "$P" try x32-uname \
		write 1 after 2>/dev/null
	last=$(tail -n 1 "$T/st")
	check_eq "--seccomp-policy kill uname: an x32 uname dies too (SIGKILL), killed-by uname" \
		'137 "SIGKILL" "uname" []' \
		"$rc $(json_val "$last" signal-name) $(json_val "$last" killed-by) [$out]"
	# SIGSYS sent by the helper would be a signal like any other: ignored,
	# the command would run on after the call; SIGKILL cannot be ignored
	for pidns in "" --unshare-pid; do
		run_st ${pidns:+"$pidns"} --seccomp-policy "$T/policy-kill" -- \
			"$P" ignore SYS write 1 before hostname write 1 after 2>/dev/null
		last=$(tail -n 1 "$T/st")
		check_eq "--seccomp-policy kill uname${pidns:+ $pidns}, SIGSYS ignored: dies in the call (SIGKILL), nothing after it, killed-by uname" \
			'137 9 "SIGKILL" "uname" before' \
			"$rc $(json_val "$last" signal) $(json_val "$last" signal-name) $(json_val "$last" killed-by) $(oneline "$out")"
	done
}

case_policy_blocked()
{
	# a blocked call is reported by name, with its errno and how often
	"$TOUCH" "$T/blocked"
	run_st -- "$P" setmode fchmodat "$T/blocked" 4755 setmode fchmodat "$T/blocked" 2755 \
		setmode fchmodat "$T/blocked" 0700
	check_match "blocked calls are in the outcome: fchmodat twice, EPERM" \
		'"seccomp":\{"blocked":\[\{"syscall":"fchmodat","errno":1,"errname":"EPERM","count":2\}\]\}' \
		"$(tail -n 1 "$T/st")"
	run_st --seccomp-profile none -- "$P" setmode fchmodat "$T/blocked" 0700
	check_eq "no filter, nothing blocked: no seccomp object in the outcome" "" \
		"$(json_val "$(tail -n 1 "$T/st")" seccomp)"
}

case_policy_errors()
{
	printf 'errno mkdir\n\n# fine so far\nerrno chmod arg1 ~ 3\n' >"$T/policy-bad"
	setup_fails "--seccomp-policy with a syntax error: 125, FILE:LINE in the message" \
		spec "^\"$T/policy-bad:4: unknown operator" --seccomp-policy "$T/policy-bad"
	printf 'frob mkdir\n' >"$T/policy-bad"
	setup_fails "--seccomp-policy with an unknown action: 125, FILE:1" \
		spec "^\"$T/policy-bad:1: unknown action" --seccomp-policy "$T/policy-bad"
	printf 'errno mkdir\nerrno no_such_call\n' >"$T/policy-bad"
	setup_fails "--seccomp-policy with an unknown syscall: 125, named" \
		spec "^\"$T/policy-bad:2: unknown syscall \`no_such_call\`" \
		--seccomp-policy "$T/policy-bad"
	setup_fails "--seccomp-policy of a missing file: 125, named" \
		spec "--seccomp-policy \`$T/no-such-policy\`" \
		--seccomp-policy "$T/no-such-policy"
}

# CALL N ERRNO: 256 rules for CALL on $T/m/lim/dI, two string conditions
# each (the monitor's: nothing for BPF), the last with ERRNO
strings_rules()
{
	awk -v call="$1" -v d="$T/m/lim/d" -v last="$2" 'BEGIN {
		for (i = 1; i <= 256; i++)
			printf "errno:%s %s arg0 == \"%s%d\" arg0 != \"/x\"\n",
				i == 256 ? last : "EACCES", call, d, i }'
}
{ strings_rules rmdir EACCES; strings_rules unlink EACCES
  strings_rules chdir EACCES; strings_rules mkdir EXDEV; } >"$T/policy-1024"
{ printf 'errno getppid arg0 != "/x" arg0 != "/y" arg0 != "/z"\n'; cat "$T/policy-1024"; } \
	>"$T/policy-2049"

# Bounds of a policy file: beyond one, 125 at once with the bound named
# (a policy libseccomp had in one program took minutes to hours: the
# timeout turns that into a failure instead of a hang); at the bounds,
# compiled at once, and the last rules act.
case_policy_bounds()
{
	local WRAP=(timeout -k 5 60)

	fixture_int80
	awk 'BEGIN { for (i = 1; i <= 6000; i++)
		printf "errno ioctl arg0 == %d arg1 == %d arg2 == %d\n", i, i + 1, i + 2 }' \
		>"$T/policy-6000"
	setup_fails "--seccomp-policy of 6000 rules on one call: 125 at once, the bound named" \
		spec "^\"--seccomp-policy \`$T/policy-6000\`: 6000 rules, at most 1024\"$" \
		--seccomp-policy "$T/policy-6000"
	awk 'BEGIN { for (i = 1; i <= 257; i++) printf "errno chmod arg1 == %d\n", i }' \
		>"$T/policy-257"
	setup_fails "--seccomp-policy of 257 rules for one call: 125, the bound named" \
		spec "^\"--seccomp-policy \`$T/policy-257\`: 257 rules for \`chmod\`, at most 256\"$" \
		--seccomp-policy "$T/policy-257"
	# (one rule of three conditions for the last rule's two)
	sed -i '$d' "$T/policy-2049"
	setup_fails "--seccomp-policy of 2049 conditions: 125, the bound named" \
		spec "^\"--seccomp-policy \`$T/policy-2049\`: 2049 conditions, at most 2048\"$" \
		--seccomp-policy "$T/policy-2049"
	awk 'BEGIN { for (i = 1; i <= 200; i++)
		printf "errno ioctl arg0 == %d arg1 == %d arg2 == %d arg3 == %d arg4 == %d arg5 == %d\n",
			i, i + 1, i + 2, i + 3, i + 4, i + 5 }' >"$T/policy-insns"
	setup_fails "--seccomp-policy past 4096 BPF instructions: 125 at once, the bound named" \
		spec "^\"--seccomp-policy \`$T/policy-insns\`: the rules compile to more than 4096 BPF instructions, at most 4096\"$" \
		--seccomp-policy "$T/policy-insns"
	mkdir -m 755 "$T/m/lim"
	run_st --seccomp-policy "$T/policy-1024" -- "$P" setmode mkdir "$T/m/lim/d256" 0755 \
		setmode mkdir "$T/m/lim/d3" 0755 setmode mkdir "$T/m/lim/free" 0755
	check_eq "--seccomp-policy at the bounds (1024 rules, 256 for mkdir, 2048 conditions): the last rule acts, the others too" \
		"0 mkdir $T/m/lim/d256 EXDEV mkdir $T/m/lim/d3 EACCES mkdir $T/m/lim/free ok" \
		"$rc $(oneline "$out")"
	# with the build profile, about 3,900 of the kernel's 4096 instructions:
	# 90 rules of six conditions on ioctl, then 256 on chmod, the last of
	# which acts on every ABI
	: >"$T/m/lim/f"
	awk 'BEGIN { for (i = 1; i <= 90; i++)
		printf "errno ioctl arg0 == %d arg1 == %d arg2 == %d arg3 == %d arg4 == %d arg5 == %d\n",
			i, i + 1, i + 2, i + 3, i + 4, i + 5
		for (i = 1; i <= 256; i++)
			printf "errno:%s chmod arg0 != 0 arg1 == %d\n", i == 256 ? "EXDEV" : "EACCES", i }' \
		>"$T/policy-long"
	if [ "$int80_outside" = "int80-chmod $T/m/i386 ok" ]; then
		run_st --seccomp-policy "$T/policy-long" -- "$P" setmode chmod "$T/m/lim/f" 0400 \
			setmode x32-chmod "$T/m/lim/f" 0400 setmode int80-chmod "$T/m/lim/f" 0400 \
			setmode chmod "$T/m/lim/f" 0001 setmode chmod "$T/m/lim/f" 0644
		check_eq "--seccomp-policy near 4096 instructions: its last rule acts on x86-64, x32 and i386; the first too" \
			"0 chmod $T/m/lim/f EXDEV x32-chmod $T/m/lim/f EXDEV int80-chmod $T/m/lim/f EXDEV chmod $T/m/lim/f EACCES chmod $T/m/lim/f ok" \
			"$rc $(oneline "$out")"
	else
		# a kernel without IA32 emulation (ia32_emulation=0, or 6.7+'s
		# IA32_EMULATION_DEFAULT_DISABLED) kills an int 0x80 with SIGSEGV
		run_st --seccomp-policy "$T/policy-long" -- "$P" setmode chmod "$T/m/lim/f" 0400 \
			setmode x32-chmod "$T/m/lim/f" 0400 \
			setmode chmod "$T/m/lim/f" 0001 setmode chmod "$T/m/lim/f" 0644
		check_eq "--seccomp-policy near 4096 instructions: its last rule acts on x86-64 and x32; the first too" \
			"0 chmod $T/m/lim/f EXDEV x32-chmod $T/m/lim/f EXDEV chmod $T/m/lim/f EACCES chmod $T/m/lim/f ok" \
			"$rc $(oneline "$out")"
		skip "--seccomp-policy near 4096 instructions: its last rule acts on i386" \
			"int 0x80 does not work here: $int80_outside"
	fi
}

case_seccomp_bpf()
{
	local before

	# struct sock_filter, little endian: if arch is x86-64 and nr is mkdir
	# (83): ERRNO(E2BIG), else ALLOW
	printf '\x20\x00\x00\x00\x04\x00\x00\x00\x15\x00\x00\x03\x3e\x00\x00\xc0\x20\x00\x00\x00\x00\x00\x00\x00\x15\x00\x00\x01\x53\x00\x00\x00\x06\x00\x00\x00\x07\x00\x05\x00\x06\x00\x00\x00\x00\x00\xff\x7f' \
		>"$T/prog.bpf"
	if [ "$(uname -m)" != x86_64 ]; then
		skip "--seccomp-bpf: the program is installed" "the test program is for x86-64"
	else
		run -- "$P" cat /proc/self/status
		before=$(field Seccomp_filters)
		run --seccomp-bpf 5 -- "$P" setmode mkdir "$T/m/bpf" 0755 \
			cat /proc/self/status 5<"$T/prog.bpf"
		check_eq "--seccomp-bpf: one more filter, mkdir gets its E2BIG" \
			"0 $((before + 1)) mkdir $T/m/bpf E2BIG absent" \
			"$rc $(field Seccomp_filters) $(line_of mkdir) $(mode_of "$T/m/bpf")"
	fi
	head -c 12 "$T/prog.bpf" >"$T/trunc.bpf"
	rm -f "$T/marker"
	"$H" "${SCRATCH[@]}" --seccomp-bpf 5 -- "$TOUCH" "$T/marker" \
		5<"$T/trunc.bpf" 2>"$T/err"
	rc=$?
	check_eq "--seccomp-bpf of 12 bytes: 125, nothing ran" "125 absent" "$rc $(ran)"
	check_match "... the message says why" '--seccomp-bpf 5: 12 bytes is not a BPF program' \
		"$(cat "$T/err")"
	# one load, no return: the kernel refuses it
	head -c 8 "$T/prog.bpf" >"$T/noret.bpf"
	"$H" --status-fd 3 "${SCRATCH[@]}" --seccomp-bpf 5 -- "$TOUCH" "$T/marker" \
		5<"$T/noret.bpf" \
		3>"$T/st" 2>/dev/null
	rc=$?
	check_eq "--seccomp-bpf of a program the kernel refuses: 125, stage seccomp, nothing ran" \
		'125 "seccomp" "EINVAL" absent' \
		"$rc $(json_val "$(cat "$T/st")" stage) $(json_val "$(cat "$T/st")" errname) $(ran)"
}

# --- 5. Landlock ------------------------------------------------------------

# The Landlock ABI (LL_ABI, "" without Landlock), the --landlock-mode
# options its cases need (LLM), and the files they read: once.
fixture_landlock()
{
	[ -z "${LL_DONE:-}" ] || return 0
	LL_DONE=1
	LL_ABI=$("$P" landlock-abi | awk '{ print $2 }')
	echo 'from the host' >"$T/host-file"
	chmod 644 "$T/host-file"
	case $LL_ABI in
	[1-9]*) ;;
	*) LL_ABI= ;;
	esac
	# best-effort where strict would refuse the kernel (ABI < 5): the
	# cases below test the confinement the ABI has
	mapfile -t LLM < <(landlock_mode)
	mkdir -m 777 "$T/lr"
	echo secret >"$T/lr/file"
	chmod 644 "$T/lr/file"
}

# no_landlock DESC...: when the kernel has no Landlock, a skip for each
# DESC and true
no_landlock()
{
	local d

	fixture_landlock
	[ -z "$LL_ABI" ] || return 1
	for d; do
		skip "$d" "no Landlock here ($("$P" landlock-abi))"
	done
}

# The feature names a ABI lacks, as the record lists them.
missing_json()
{
	local list=

	[ "$1" -ge 2 ] || list="$list,\"refer\""
	[ "$1" -ge 3 ] || list="$list,\"truncate\""
	[ "$1" -ge 5 ] || list="$list,\"ioctl-dev\""
	[ "$1" -ge 6 ] || list="$list,\"scope-signal\",\"scope-abstract-unix-socket\""
	printf '%s\n' "${list#,}"
}

# STATIC: a static binary that opens (O_CREAT) each argument and prints
# "PATH ERRNO", or "" and STATIC_WHY. Once.
fixture_static_binary()
{
	[ -z "${STATIC_DONE:-}" ] || return 0
	STATIC_DONE=1
	STATIC=
	if ! command -v gcc >/dev/null; then
		STATIC_WHY="no gcc"
		return
	fi
	cat >"$T/static.c" <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		printf("%s %d\n", argv[i], fd < 0 ? errno : 0);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
EOF
	if gcc -static -O -o "$T/pub/static" "$T/static.c" 2>"$T/gcc.err" &&
		! LC_ALL=C ldd "$T/pub/static" >/dev/null 2>&1; then
		STATIC=$T/pub/static
	else
		STATIC_WHY="gcc -static failed (no libc.a? libc6-dev has it): $(head -n 1 "$T/gcc.err")"
	fi
}

# the options that let the probe run under --landlock-read, one a line
landlock_read_opts()
{
	local d

	printf '%s\n' "${LLM[@]}" --landlock-read "$T/lr" \
		--landlock-read "$T/pub" --landlock-read /usr
	for d in /lib /lib64 /lib32; do
		[ ! -e "$d" ] || printf '%s\n' --landlock-read "$d"
	done
}

case_landlock_write()
{
	no_landlock "--landlock-write: writes inside only, reads anywhere" &&
		return
	run_st "${LLM[@]}" --landlock-write "$T/lw" -- "$P" create "$T/lw/a" \
		create "$T/lx/a" cat "$T/host-file" create /dev/null
	check_eq "--landlock-write: writes inside only (EACCES outside), reads anywhere, /dev/null" \
		"0 create $T/lw/a ok create $T/lx/a EACCES from the host create /dev/null ok" \
		"$rc $(oneline "$out")"
}

case_landlock_record()
{
	local want fake desc WRAP=()

	no_landlock "the landlock record" \
		"--landlock-mode best-effort and strict" && return
	if [ "$LL_ABI" -ge 6 ]; then
		want='{"abi":'$LL_ABI',"enforced":true}'
	else
		want='{"abi":'$LL_ABI',"enforced":true,"not-enforced":['$(missing_json "$LL_ABI")']}'
	fi
	run_st --landlock-write "$T/lw" --landlock-mode best-effort -- "$P" exit 0
	check_eq "the landlock record, --landlock-mode best-effort (ABI $LL_ABI)" \
		"0 $want" "$rc $(json_val "$st1" landlock)"
	run_st --landlock-write "$T/lw" --landlock-mode strict -- "$P" exit 0
	if [ "$LL_ABI" -ge 5 ]; then
		# scoping (ABI 6) is reported when missing, never fatal
		check_eq "--landlock-mode strict on ABI $LL_ABI: every file system right enforced, the record as best-effort's" \
			"0 $want" "$rc $(json_val "$st1" landlock)"
	else
		# (Debian 12's 6.1: ABI 2) the message says what to do
		check_match "--landlock-mode strict on ABI $LL_ABI: 125, stage landlock, the message names the missing right and --landlock-mode best-effort" \
			'^125 "landlock" "Landlock ABI '"$LL_ABI"' cannot enforce `[a-z-]+`: --landlock-mode best-effort runs confined' \
			"$rc $(json_val "$st" stage) $(json_val "$st" message)"
	fi
	# older kernels, as strace makes the version query (the command's
	# first landlock_create_ruleset) answer them
	for fake in 5 4; do
		desc="--landlock-mode strict on a faked ABI $fake"
		if [ "$LL_ABI" -lt 6 ]; then
			skip "$desc" "ABI $LL_ABI < 6: the real one is tested"
			continue
		elif ! command -v strace >/dev/null; then
			skip "$desc" "no strace"
			continue
		fi
		# LeakSanitizer cannot stop the world of a traced process
		WRAP=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
			strace -f -qq -o /dev/null -e trace=landlock_create_ruleset
			-e "inject=landlock_create_ruleset:retval=$fake:when=1")
		run_st --landlock-write "$T/lw" -- "$P" create "$T/lw/f$fake" \
			create "$T/lx/f$fake"
		WRAP=()
		if [ "$fake" = 5 ]; then
			check_eq "$desc: runs confined, scoping listed as not enforced" \
				"0 create $T/lw/f5 ok create $T/lx/f5 EACCES {\"abi\":5,\"enforced\":true,\"not-enforced\":[$(missing_json 5)]}" \
				"$rc $(oneline "$out") $(json_val "$st1" landlock)"
		else
			check_eq "$desc: 125, stage landlock, names ioctl-dev, nothing ran" \
				'125 "landlock" "Landlock ABI 4 cannot enforce `ioctl-dev`: --landlock-mode best-effort runs confined without that right (listed in the record)" []' \
				"$rc $(json_val "$st" stage) $(json_val "$st" message) [$out]"
		fi
	done
}

case_landlock_static()
{
	no_landlock "--landlock-write: a static binary is confined too" &&
		return
	fixture_static_binary
	if [ -n "$STATIC" ]; then
		run "${LLM[@]}" --landlock-write "$T/lw" -- "$STATIC" "$T/lw/s" "$T/lx/s"
		check_eq "--landlock-write: a static binary is confined too" \
			"0 $T/lw/s 0 $T/lx/s 13" "$rc $(oneline "$out")"
	else
		skip "--landlock-write: a static binary is confined too" "$STATIC_WHY"
	fi
}

case_landlock_read()
{
	local reads

	no_landlock "--landlock-read: reads below the read paths only" &&
		return
	mapfile -t reads < <(landlock_read_opts)
	run_st "${reads[@]}" -- "$P" cat /etc/passwd cat "$T/lr/file" \
		cat "$T/host-file" create "$T/lr/new" create /dev/null
	check_eq "--landlock-read: reads below the read paths only, no writes there, /dev/null writable" \
		"0 cat /etc/passwd EACCES secret cat $T/host-file EACCES create $T/lr/new EACCES create /dev/null ok" \
		"$rc $(oneline "$out")"
}

case_landlock_missing_path()
{
	no_landlock "--landlock-write of a missing path: 125" && return
	setup_fails "--landlock-write of a missing path: 125, stage landlock, named" \
		landlock "--landlock-write \`$T/no-such-dir\`" \
		"${LLM[@]}" --landlock-write "$T/no-such-dir"
}

case_landlock_scope_signal()
{
	local victim scoped

	no_landlock "Landlock scopes signals to the sandbox" && return
	if [ "$LL_ABI" -ge 6 ]; then
		"$P" sleep 30 </dev/null >/dev/null 2>&1 &
		victim=$!
		disown "$victim" # no "Killed" from bash at the end
		echo "$victim" >>"$T/pids"
		# a process outside is out of sight in a pid namespace,
		# which root's command gets by default: the signal scope is
		# what is tested here
		run --unsafe-share-pids --landlock-write "$T/lw" -- \
			"$P" signal "$victim" 0 signal "$victim" TERM
		scoped="$rc $(oneline "$out")"
		sleep 0.05
		alive "$victim" && scoped="$scoped alive" || scoped="$scoped dead"
		run --unsafe-share-pids -- "$P" signal "$victim" 0
		check_eq "Landlock scopes signals: the same user's process outside cannot be signalled (EPERM), can be without Landlock" \
			"0 signal $victim EPERM signal $victim EPERM alive / signal $victim ok" \
			"$scoped / $out"
		kill -9 "$victim" 2>/dev/null
	else
		skip "Landlock scopes signals to the sandbox" "ABI $LL_ABI < 6"
	fi
}

case_landlock_scope_abstract()
{
	local name listener scoped unscoped=()

	no_landlock "Landlock scopes abstract unix sockets to the sandbox" &&
		return
	if [ "$LL_ABI" -ge 6 ]; then
		name=sh-hardening-$$
		"$P" abstract-listen "$name" create "$T/listening" sleep 30 \
			</dev/null >"$T/listener" 2>&1 &
		listener=$!
		disown "$listener"
		echo "$listener" >>"$T/pids"
		poll test -e "$T/listening"
		run --landlock-write "$T/lw" -- "$P" abstract-connect "$name"
		scoped="$rc $out"
		# (root's command is scoped by default: SAFE DEFAULTS)
		[ "$(id -u)" != 0 ] || unscoped=(--unsafe-host-ipc)
		run "${unscoped[@]}" -- "$P" abstract-connect "$name"
		check_eq "Landlock scopes abstract unix sockets: one bound outside cannot be connected to (EPERM), can be without Landlock${unscoped[*]:+ (${unscoped[*]})}" \
			"abstract-listen $name ok / 0 abstract-connect $name EPERM / 0 abstract-connect $name ok" \
			"$(head -n 1 "$T/listener") / $scoped / $rc $out"
		kill -9 "$listener" 2>/dev/null
	else
		skip "Landlock scopes abstract unix sockets to the sandbox" "ABI $LL_ABI < 6"
	fi
}

case_landlock_order()
{
	local reads

	no_landlock "order: --chdir before Landlock" && return
	mapfile -t reads < <(landlock_read_opts)
	# order: umask and --chdir, then Landlock: the directory may be one
	# Landlock would not let it open, and a relative Landlock path is
	# taken in the new working directory
	run "${reads[@]}" --chdir "$T/lx" -- "$P" cwd ls .
	check_eq "order: --chdir into a directory Landlock does not allow works (listing it does not)" \
		"0 $T/lx ls . EACCES" "$rc $(oneline "$out")"
	(cd "$T/lx" && "$H" "${SCRATCH[@]}" --chdir "$T/lw" \
		"${LLM[@]}" --landlock-write . -- "$P" \
		create "$T/lw/rel" create "$T/lx/rel" </dev/null >"$T/out" 2>&1)
	rc=$?
	check_eq "order: a relative --landlock-write is taken after --chdir" \
		"0 create $T/lw/rel ok create $T/lx/rel EACCES" \
		"$rc $(oneline "$(cat "$T/out")")"
}

# --- 6. rlimits ----------------------------------------------------------------

case_rlimit_nofile()
{
	run --rlimit nofile=64 -- "$P" cat /proc/self/limits
	check_match "--rlimit nofile=64: soft and hard" \
		'^Max open files +64 +64 ' "$(printf '%s\n' "$out" | grep 'open files')"
}

lim()
{
	printf '%s\n' "$out" | grep "^$1 " | awk '{ print $(NF - 2), $(NF - 1) }'
}

case_rlimit_many()
{
	run --rlimit nofile=32:64 --rlimit core=0 --rlimit as=1000000000 \
		--rlimit fsize=8192 --rlimit cpu=5:10 --rlimit stack=4194304 \
		--rlimit nproc=4000:5000 -- "$P" cat /proc/self/limits
	check_eq "--rlimit nofile=32:64 core=0 as fsize cpu=5:10 stack nproc" \
		"0 32 64 / 0 0 / 1000000000 1000000000 / 8192 8192 / 5 10 / 4194304 4194304 / 4000 5000" \
		"$rc $(lim 'Max open files') / $(lim 'Max core file size') / $(lim 'Max address space') / $(lim 'Max file size') / $(lim 'Max cpu time') / $(lim 'Max stack size') / $(lim 'Max processes')"
	# (Max open files: "Max open files 32 64 files": NF-2 and NF-1 are the
	# limits; the units column is the last)

}

case_rlimit_fsize()
{
	run_st --rlimit fsize=8192 -- "$P" fill "$T/m/big" 20000 2>/dev/null
	check_eq "--rlimit fsize=8192: writing past it: SIGXFSZ, 8192 bytes written" \
		'153 "SIGXFSZ" 8192' \
		"$rc $(json_val "$(tail -n 1 "$T/st")" signal-name) $(stat -c %s "$T/m/big")"
	run --rlimit fsize=8192 -- "$P" ignore 25 fill "$T/m/big" 20000
	check_eq "--rlimit fsize=8192 with SIGXFSZ ignored: EFBIG" \
		"0 fill $T/m/big EFBIG" "$rc $out"
}

nof()
{
	awk '/^Max open files/ { print $4, $5 }' "/proc/$1/limits" 2>/dev/null
}

case_rlimit_command_only()
{
	local hpid cpid kpid st1

	# the helper and the sandbox's init keep their limits
	rm -f "$T/st"
	"$H" --status-fd 3 --unshare-pid --rlimit nofile=64 -- "$P" sleep 30 \
		</dev/null >/dev/null 2>&1 3>"$T/st" &
	hpid=$!
	echo "$hpid" >>"$T/pids"
	if poll has_child_pid "$T/st"; then
		st1=$(sed -n 1p "$T/st")
		cpid=$(json_val "$st1" child-pid)
		kpid=$(json_val "$st1" command-pid)
		# past the exec (the limit is the command's from there on)
		poll grep -qF sleep "/proc/$kpid/cmdline"
		check_eq "--rlimit nofile=64: the command only; the helper and the init keep the caller's" \
			"64 64 / $(ulimit -Sn) $(ulimit -Hn) / $(ulimit -Sn) $(ulimit -Hn)" \
			"$(nof "$kpid") / $(nof "$hpid") / $(nof "$cpid")"
	else
		not_ok "--rlimit nofile=64: the command only"
		diag "no started record: $(cat "$T/st")"
	fi
	kill -TERM "$hpid" 2>/dev/null
	wait "$hpid"
}

case_rlimit_bad_specs()
{
	bad_spec "--rlimit nofile=abc" '--rlimit `nofile=abc`: bad SOFT' \
		--rlimit nofile=abc -- "$TOUCH" "$T/marker"
	bad_spec "--rlimit foo=1" '--rlimit `foo=1`: bad NAME' \
		--rlimit foo=1 -- "$TOUCH" "$T/marker"
	bad_spec "--rlimit nofile=64:32" '--rlimit `nofile=64:32`: bad SOFT above HARD' \
		--rlimit nofile=64:32 -- "$TOUCH" "$T/marker"
	bad_spec "--rlimit nofile=-1" '--rlimit `nofile=-1`' \
		--rlimit nofile=-1 -- "$TOUCH" "$T/marker"
	bad_spec "--rlimit nofile=1:x" '--rlimit `nofile=1:x`: bad HARD' \
		--rlimit nofile=1:x -- "$TOUCH" "$T/marker"
	bad_spec "--rlimit nofile twice" '--rlimit nofile given twice' \
		--rlimit nofile=1 --rlimit nofile=2 -- "$TOUCH" "$T/marker"
}

# --- 7. the order of the setup ------------------------------------------------

case_order_rlimit()
{
	local hard raise

	# the limits come before the capabilities are dropped: root may raise a
	# hard limit above its own (CAP_SYS_RESOURCE); nobody may not
	hard=$(ulimit -Hn)
	raise=$((hard + 1024))
	if [ "$hard" = unlimited ] || [ "$raise" -gt "$(cat /proc/sys/fs/nr_open)" ]; then
		skip "order: --rlimit nofile above the caller's hard limit" \
			"the hard limit ($hard) is already at fs.nr_open"
	elif [ "$ME" = 0 ] && ! have_cap 24; then
		skip "order: root raises --rlimit nofile above its hard limit (before dropping capabilities)" \
			"root here has no CAP_SYS_RESOURCE (not in its bounding set)"
	elif [ "$ME" = 0 ]; then
		run --rlimit nofile=$raise -- "$P" cat /proc/self/limits
		check_match "order: root raises --rlimit nofile above its hard limit (before dropping capabilities)" \
			"^Max open files +$raise +$raise " \
			"$(printf '%s\n' "$out" | grep 'open files')"
	else
		setup_fails "order: nobody cannot raise --rlimit nofile above its hard limit: 125, stage rlimit" \
			rlimit 'setrlimit nofile' --rlimit nofile=$raise
	fi
}

case_order_tmpfs_strict()
{
	# seccomp last: the setup's own mounts are made under the strict profile
	# (which refuses mount to the command)
	mkdir -m 755 "$T/mnt"
	: >"$T/mnt/host-only"
	run --seccomp-profile strict --tmpfs "$T/mnt" -- "$P" ls "$T/mnt" try mount
	check_eq "order: --tmpfs with the strict profile: mounted by the setup, refused to the command" \
		"0 ls $T/mnt: mount EPERM" "$rc $(oneline "$out")"
}

case_order_chroot_strict()
{
	# --writable names a path in the new root
	local SCRATCH=(--writable /w)

	fixture_static_binary
	if [ -n "$STATIC" ]; then
		mkdir -m 755 "$T/root" "$T/root/bin" "$T/root/w"
		[ "$ME" = 0 ] || chmod 777 "$T/root/w"
		cp "$STATIC" "$T/root/bin/static"
		run --seccomp-profile strict --chroot "$T/root" -- /bin/static /w/x
		check_eq "order: --chroot with the strict profile (pivot_root before seccomp)" \
			"0 /w/x 0 present" \
			"$rc $out $([ -e "$T/root/w/x" ] && echo present || echo absent)"
	else
		skip "order: --chroot with the strict profile" \
			"${STATIC_WHY:-no static binary}"
	fi
}

run_cases "$@"
