#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make check-vm: the test suites on Debian 12's own kernel (6.1, the
# linux-image-amd64 package), booted under qemu-system-x86_64 (software
# emulation: no KVM needed), with the cgroup layout users run.
#
# The guest's root is the host's own root, shared read-only over 9p:
# the build tree, the helper and every tool and library the suites use
# are then in the guest at the same paths (nothing to install in an
# image, no image to keep in step with the host), and only the kernel
# comes from Debian's archive. tests/vm/init (in a small initramfs with
# busybox, from Debian's busybox-static) loads virtio and 9p, which
# Debian builds as modules; tests/vm/guest.sh then sets the guest up and
# runs make check on a copy of the build tree, with the automake TAP
# driver as on the host; the logs come back to
# BUILDDIR/tests/vm-VARIANT/.
#
# Environment (make check-vm passes the first two):
#   SH_VM_SRCDIR, SH_VM_BUILDDIR   absolute source and build directories
#   SH_VM_TESTS      the tests to run (default: the suites of VM_TESTS)
#   SH_VM_CASES      SH_CASES in the guest (tap.sh's run_cases): the
#                    cases of the suites it names that run, by glob
#                    ("isolation:pid1_* errors:ids ..."); the others are
#                    one skip each
#   SH_VM_VARIANT    unified (default): one cgroup2 with cpu, io, memory
#                    and pids enabled, the suites in a cgroup below it;
#                    hybrid: v1 controllers and a controller-less v2 at
#                    /sys/fs/cgroup/unified; nouserns: unified, with
#                    user.max_user_namespaces=0
#   SH_VM_CACHE      where the kernel and busybox are kept (default
#                    ${XDG_CACHE_HOME:-~/.cache}/spawnhelper-vm)
#   SH_VM_KERNEL_DEB a linux-image .deb to boot instead of Debian 12's
#   SH_VM_TIMEOUT    seconds before the VM is stopped (default 2400)
#   SH_VM_CPUS, SH_VM_MEM (MiB), SH_VM_NICE   default 2, 2048, 10
#   SH_VM_COMMAND    a shell command to run in the guest (in the build
#                    directory, as root) instead of make check: to look
#                    at a failure there
set -uo pipefail

die() { echo "check-vm: $*" >&2; exit 1; }

src=${SH_VM_SRCDIR:?} build=${SH_VM_BUILDDIR:?}
variant=${SH_VM_VARIANT:-unified}
cache=${SH_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/spawnhelper-vm}
timeout=${SH_VM_TIMEOUT:-2400}
case $variant in unified | hybrid | nouserns) ;; *)
	die "SH_VM_VARIANT=$variant: unified, hybrid or nouserns" ;;
esac
case $src$build in /*/*) ;; *) die "SH_VM_SRCDIR and SH_VM_BUILDDIR must be absolute" ;; esac
# the same paths in the guest, without a `..` through the build tree
src=$(cd "$src" && pwd -P) && build=$(cd "$build" && pwd -P) || exit 1
command -v qemu-system-x86_64 >/dev/null ||
	die "no qemu-system-x86_64 (Debian: apt-get install qemu-system-x86)"
[ -n "${SH_VM_TESTS:-}${SH_VM_COMMAND:-}" ] || die "SH_VM_TESTS is empty"

mkdir -p "$cache" || die "cannot make $cache"

# fetch PACKAGE [DEB]: the package unpacked in $cache/PACKAGE (once)
fetch()
{
	local pkg=$1 deb=${2:-} dir=$cache/$1

	[ -f "$dir/.unpacked" ] && return 0
	if [ -z "$deb" ]; then
		(cd "$cache" && apt-get download -q "$pkg" >/dev/null) ||
			die "apt-get download $pkg failed"
		deb=$(ls -t "$cache/${pkg}_"*.deb | head -n 1)
	fi
	rm -rf "$dir" && mkdir -p "$dir" && dpkg-deb -x "$deb" "$dir" &&
		touch "$dir/.unpacked" || die "cannot unpack $deb"
}

if [ -n "${SH_VM_KERNEL_DEB:-}" ]; then
	kpkg=$(dpkg-deb -f "$SH_VM_KERNEL_DEB" Package) || exit 1
	fetch "$kpkg" "$SH_VM_KERNEL_DEB"
else
	# the versioned package behind Debian 12's linux-image-amd64
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	case $kpkg in
	linux-image-6.1.*) ;;
	'') die "no linux-image-amd64 in apt's lists (apt-get update?)" ;;
	*) die "linux-image-amd64 is $kpkg here, not Debian 12's 6.1 (set SH_VM_KERNEL_DEB)" ;;
	esac
	fetch "$kpkg"
fi
fetch busybox-static
bb=$cache/busybox-static/bin/busybox
kdir=$cache/$kpkg
kver=$(ls "$kdir/lib/modules")
vmlinuz=$kdir/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || die "no $vmlinuz"
[ -f "$kdir/lib/modules/$kver/modules.dep" ] ||
	"$bb" depmod -b "$kdir" "$kver" || die "depmod $kver failed"

# The initramfs: busybox, tests/vm/init and the modules it loads with
# whatever they depend on (modules.dep lists the dependencies whole)
initrd=$cache/initrd-$kver-$$.gz
stage=$(mktemp -d "${TMPDIR:-/tmp}/sh-vm-initrd.XXXXXX") || exit 1
trap 'rm -rf "$stage" "$initrd"' EXIT
modules=(virtio_pci 9pnet_virtio 9p fuse overlay)
mkdir -p "$stage/bin" "$stage/lib/modules/$kver" &&
	cp "$bb" "$stage/bin/busybox" &&
	cp "$src/tests/vm/init" "$stage/init" && chmod 755 "$stage/init" &&
	cp "$kdir/lib/modules/$kver/modules.dep" "$stage/lib/modules/$kver/" &&
	printf '%s\n' "${modules[@]}" >"$stage/modules" || exit 1
for m in "${modules[@]}"; do
	line=$(grep -E "/$m\.ko:" "$kdir/lib/modules/$kver/modules.dep") ||
		die "no module $m in $kpkg"
	for f in ${line/:/}; do
		mkdir -p "$stage/lib/modules/$kver/${f%/*}" &&
			cp "$kdir/lib/modules/$kver/$f" "$stage/lib/modules/$kver/$f" ||
			exit 1
	done
done
(cd "$stage" && find . | "$bb" cpio -o -H newc 2>/dev/null | gzip -1) \
	>"$initrd" || die "cannot make the initramfs"

out=$build/tests/vm-$variant
rm -rf "$out" && mkdir -p "$out" || exit 1
# shellcheck disable=SC2206
tests=($SH_VM_TESTS)
{
	declare -p tests | sed 's/^declare -a tests=/SHVM_TESTS=/'
	printf 'SHVM_COMMAND=%q\n' "${SH_VM_COMMAND:-}"
	printf 'SHVM_CASES=%q\n' "${SH_VM_CASES:-}"
} >"$out/params"

# no_timer_check: the kernel's check of the IO-APIC timer counts ticks
# in a window that a loaded host's emulation can miss, and then panics
# ("IO-APIC + timer doesn't work!", seen at boot with the host busy)
append="console=ttyS0 quiet panic=-1 no_timer_check shvm_srcdir=$src shvm_builddir=$build shvm_variant=$variant"
[ "$variant" = hybrid ] || append="$append cgroup_no_v1=all"
echo "check-vm: booting $kpkg ($variant) under qemu (TCG), ${#tests[@]} tests; console in $out/console.log"
start=$(date +%s)
timeout --foreground -k 10 "$timeout" nice -n "${SH_VM_NICE:-10}" \
	qemu-system-x86_64 -accel tcg -cpu max -smp "${SH_VM_CPUS:-2}" \
	-m "${SH_VM_MEM:-2048}" -display none -monitor none -serial stdio \
	-no-reboot -nodefaults \
	-kernel "$vmlinuz" -initrd "$initrd" -append "$append" \
	-virtfs "local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=$out,mount_tag=out,security_model=none" \
	</dev/null 2>&1 | tee "$out/console.log"
qemu_rc=${PIPESTATUS[0]}
elapsed=$(($(date +%s) - start))
echo "check-vm: the VM ran ${elapsed}s (qemu exit $qemu_rc)"
[ "$qemu_rc" = 124 ] && echo "check-vm: stopped after SH_VM_TIMEOUT=${timeout}s"
[ -f "$out/rc" ] || die "the guest did not finish (see $out/console.log)"
exec "$src/tests/vm/report.sh" "$out" "$variant" "$(cat "$out/rc")"
