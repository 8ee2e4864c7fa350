#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# An ebuild-like phase for test_portage.py, run by portage_driver.py as
# doebuild runs ebuild.sh: "phase.sh PHASE" with doebuild's environment
# (D, T, WORKDIR, ...). OUTSIDE is a directory outside portage's paths
# holding a root-owned file "file" (mode 0755). One line a check:
# "NAME ok" or "NAME refused", "NAME-mode MODE" for a mode that landed.
phase=$1

check() {
	local name=$1
	shift
	if "$@" 2>/dev/null; then
		echo "$name ok"
	else
		echo "$name refused"
	fi
}

mode() {
	echo "$1-mode $(stat -c %a "$2" 2>/dev/null)"
}

# portage's addwrite (ebuild.sh): widens SANDBOX_WRITE for what the
# phase runs next
addwrite() {
	export SANDBOX_WRITE="${SANDBOX_WRITE:+${SANDBOX_WRITE}:}$1"
}

case $phase in
compile)
	check workdir-write sh -c 'echo x >"$WORKDIR/prog"'
	check userpriv-setuid chmod 4711 "$WORKDIR/prog"
	mode userpriv-setuid "$WORKDIR/prog"
	if [ -n "${SANDBOX_TEST:-}" ]; then
		check sandbox-outside sh -c 'echo x >"$OUTSIDE/denied"'
		# a directory that exists (CCACHE_DIR, DISTDIR): the view binds
		# it writable for what the phase runs next
		addwrite "$OUTSIDE/granted"
		check sandbox-granted sh -c 'echo x >"$OUTSIDE/granted/file"'
	fi
	;;
install)
	check t-write sh -c 'echo x >"$T/install.log"'
	# the build directory's lock, which portage (ebuild-ipc too) keeps
	# beside it: ${PORTAGE_BUILDDIR%/*}/.${PF}.portage_lockfile
	check builddir-lock sh -c ': >"${PORTAGE_BUILDDIR%/*}/.pkg-1.portage_lockfile"'
	check image-dir mkdir -p "$D/usr/bin" "$D/dev"
	# fowners: a file of the image given to another user
	check fowners sh -c 'echo x >"$D/usr/bin/own" &&
		chown 1234:1234 "$D/usr/bin/own"'
	# fperms 4711 on a file root no longer owns
	check fperms-4711 chmod 4711 "$D/usr/bin/own"
	mode fperms-4711 "$D/usr/bin/own"
	# fperms 2711 with a group root is not in: without CAP_FSETID the
	# kernel drops the setgid bit without a word
	check fperms-2711 sh -c 'cp /bin/true "$D/usr/bin/sg" &&
		chgrp 1234 "$D/usr/bin/sg" && chmod 2711 "$D/usr/bin/sg"'
	mode fperms-2711 "$D/usr/bin/sg"
	check mknod mknod "$D/dev/null" c 1 3
	check outside-write sh -c 'echo x >"$OUTSIDE/new"'
	check outside-chmod chmod 4711 "$OUTSIDE/file"
	check etc-write sh -c 'echo x >/etc/sh-phase-test'
	check usr-bin-write sh -c 'echo x >/usr/bin/sh-phase-test'
	check tmp-write sh -c 'echo x >/tmp/sh-phase-test'
	check var-tmp-write sh -c 'echo x >/var/tmp/sh-phase-test'
	# a temporary directory without TMPDIR (ebuild-ipc run outside
	# ebuild.sh): Python's tempfile tries /tmp, /var/tmp, /usr/tmp
	check tempdir env -u TMPDIR python3 -c 'import tempfile; tempfile.mkstemp()'
	;;
package)
	# misc-functions.sh's __dyn_package: the binary package goes into
	# the temporary file portage made for it in PKGDIR, then is removed
	check binpkg-write sh -c 'echo x >"$PORTAGE_BINPKG_TMPFILE" &&
		rm -f "$PORTAGE_BINPKG_TMPFILE"'
	# FEATURES=binpkg-signing: the signing command takes flock's lock
	# and gpg writes its home, both named in portage's make.conf, not
	# in the phase's environment (SIGNING_* are the test's own names)
	if [ -n "${SIGNING_HOME:-}" ]; then
		check gpg-lock flock "$SIGNING_LOCK" true
		check gpg-home sh -c ': >"$SIGNING_HOME/random_seed"'
	fi
	;;
postinst)
	check live-write sh -c 'echo x >"$OUTSIDE/live"'
	echo "pid-ns $(readlink /proc/self/ns/pid)"
	;;
esac
exit 0
