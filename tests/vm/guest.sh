#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Pid 1 of the VM that tests/vm/check-vm.sh boots, on the host's root
# (shared read-only over 9p): makes the writable places a system needs
# (/tmp, /run, /dev/shm ... as tmpfs), the cgroup layout asked for,
# a copy of the build tree in a tmpfs at the same path (make check
# writes its logs there), then runs make check there, as the host would,
# copies the logs to the host (9p tag "out") and powers off.
#
# From the kernel command line (the environment): shvm_srcdir,
# shvm_builddir, shvm_variant (unified, hybrid or nouserns). From the
# host, in the out share: params (SHVM_TESTS, or SHVM_COMMAND to run
# instead of make check, in the build directory).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp/home LANG=C.UTF-8
# the suites' bounds in time (suite-lib.sh's within) five times longer:
# software emulation is slow, the more so on a loaded host
export SH_TIME_SCALE=${SH_TIME_SCALE:-5}
unset TERM
out=/run/sh-vm-out

say() { echo "sh-vm guest: $*" >/dev/console; }

poweroff_now()
{
	sync
	umount "$out" 2>/dev/null
	echo o >/proc/sysrq-trigger
	sleep 60
}

# unified: one cgroup2 with the controllers enabled at the top, as
# systemd mounts it; the suites run in a cgroup of their own below
cgroup_unified()
{
	local c

	mount -t cgroup2 -o nosuid,nodev,noexec,nsdelegate,memory_recursiveprot \
		cgroup2 /sys/fs/cgroup || return 1
	for c in cpu io memory pids; do
		echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control || return 1
	done
	mkdir /sys/fs/cgroup/sh-vm.scope &&
		echo "$BASHPID" >/sys/fs/cgroup/sh-vm.scope/cgroup.procs
}

# hybrid: the v1 controllers, each in its own hierarchy (cpu with
# cpuacct), and a controller-less v2 at /sys/fs/cgroup/unified
cgroup_hybrid()
{
	local c

	mount -t tmpfs -o nosuid,nodev,noexec,mode=755 tmpfs /sys/fs/cgroup ||
		return 1
	for c in cpu,cpuacct cpuset memory devices freezer blkio pids; do
		mkdir "/sys/fs/cgroup/$c" &&
			mount -t cgroup -o "nosuid,nodev,noexec,$c" cgroup \
				"/sys/fs/cgroup/$c" || return 1
	done
	ln -s cpu,cpuacct /sys/fs/cgroup/cpu
	ln -s cpu,cpuacct /sys/fs/cgroup/cpuacct
	mkdir /sys/fs/cgroup/unified &&
		mount -t cgroup2 -o nosuid,nodev,noexec,nsdelegate cgroup2 \
			/sys/fs/cgroup/unified
}

setup()
{
	mount -t proc -o nosuid,nodev,noexec proc /proc &&
		mount -t sysfs -o nosuid,nodev,noexec sysfs /sys &&
		mount -t devtmpfs -o nosuid devtmpfs /dev &&
		mkdir -p /dev/pts /dev/shm /dev/mqueue &&
		ln -s /proc/self/fd /dev/fd && ln -s fd/0 /dev/stdin &&
		ln -s fd/1 /dev/stdout && ln -s fd/2 /dev/stderr &&
		ln -s /proc/kcore /dev/core &&
		chmod 666 /dev/fuse && # as udev leaves it: FUSE as nobody
		mount -t devpts -o nosuid,noexec,gid=5,mode=620,ptmxmode=666 \
			devpts /dev/pts &&
		mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm &&
		mount -t mqueue -o nosuid,nodev,noexec mqueue /dev/mqueue &&
		mount -t securityfs -o nosuid,nodev,noexec securityfs \
			/sys/kernel/security &&
		mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs /run &&
		mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp &&
		mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /var/tmp &&
		mkdir -p "$out" "$HOME" &&
		mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 \
			out "$out" || return 1
	echo sh-vm >/proc/sys/kernel/hostname
	ip link set lo up
	case $shvm_variant in
	unified | nouserns) cgroup_unified || return 1 ;;
	hybrid) cgroup_hybrid || return 1 ;;
	*)
		say "unknown variant \`$shvm_variant\`"
		return 1
		;;
	esac
	if [ "$shvm_variant" = nouserns ]; then
		echo 0 >/proc/sys/user/max_user_namespaces || return 1
	fi
	# the build tree, writable: a tmpfs over it with a copy
	mkdir /run/build-orig &&
		mount --bind "$shvm_builddir" /run/build-orig &&
		mount -t tmpfs -o mode=755 tmpfs "$shvm_builddir" &&
		cp -a /run/build-orig/. "$shvm_builddir/" &&
		umount /run/build-orig
}

# what the suites will see, for the log and the report
describe()
{
	echo "kernel: $(uname -r) ($(uname -v))"
	echo "variant: $shvm_variant"
	echo "cgroup mounts:"
	grep cgroup /proc/self/mounts | sed 's/^/  /'
	echo "cgroup v2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers \
		/sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)"
	echo "in cgroup: $(cat /proc/self/cgroup | tr '\n' ' ')"
	echo "user.max_user_namespaces: $(cat /proc/sys/user/max_user_namespaces)"
	echo "lsm: $(cat /sys/kernel/security/lsm 2>/dev/null)"
	echo "spawn-helper --probe:"
	"$shvm_builddir/src/spawn-helper" --probe 2>&1 | sed 's/^/  /'
}

run()
{
	local rc

	if ! setup; then
		say "setup failed"
		return 1
	fi
	describe >"$out/guest-info.txt" 2>&1
	sed 's/^/# /' "$out/guest-info.txt" >/dev/console
	# shellcheck source=/dev/null
	. "$out/params" || return 1
	[ -z "${SHVM_CASES:-}" ] || export SH_CASES=$SHVM_CASES
	cd "$shvm_builddir" || return 1
	touch /run/before-check
	if [ -n "${SHVM_COMMAND:-}" ]; then
		say "$SHVM_COMMAND"
		bash -c "$SHVM_COMMAND" >/dev/console 2>&1 </dev/null
	else
		say "make check TESTS='${SHVM_TESTS[*]}'"
		make -j"$(nproc)" check TESTS="${SHVM_TESTS[*]}" \
			>/dev/console 2>&1
	fi
	rc=$?
	# the times kept: when each test ended, for tests/vm/report.sh
	find . -newer /run/before-check \( -name '*.log' -o -name '*.trs' \) \
		! -name config.log -exec cp -p --parents {} "$out/" \;
	cp -p /run/before-check "$out/started"
	dmesg >"$out/dmesg.txt" 2>&1
	echo "$rc" >"$out/rc"
	return 0
}

# the suites in a session of their own (as a login or a service would
# be), not in the kernel's session 0 that pid 1 starts in
if [ "${1:-}" = run ]; then
	run
	exit
fi
if [ $$ != 1 ]; then
	echo "guest.sh: runs as pid 1 of the VM that tests/vm/check-vm.sh boots" >&2
	exit 1
fi
# pid 1 only reaps (bash waits for any child, adopted orphans too) and
# powers off at the end
setsid bash "$0" run &
wait $!
poweroff_now
