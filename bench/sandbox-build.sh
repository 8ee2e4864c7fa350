#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A real build (configure + make of a copy of this project's own source
# tree) run through spawn-helper three ways in one run, alternating:
# no sandbox, the sandbox with --sandbox-report no (the view alone), the
# sandbox with its reports. Prints the median wall and CPU time (user +
# system of the helper and everything it reaped: the whole build) of
# each and the ratios (targets: reports within 1% of no reports, the
# sandbox within 3% of none). CPU time is the steadier number on a
# shared machine. No assertions: numbers for bench/RESULTS.md.
#
# Usage: bench/sandbox-build.sh [ROUNDS] (default 3), from a configured
# build directory's parent or with SPAWN_HELPER set.
set -eu
rounds=${1:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
H=${SPAWN_HELPER:-$top/_build/src/spawn-helper}
W=$(mktemp -d "${TMPDIR:-/tmp}/sh-bench-sandbox.XXXXXX")
trap 'rm -rf "$W"' EXIT
git -C "$top" archive HEAD | tar -x -C "$W" -f - 
mkdir "$W/src-tree" && (cd "$W" && find . -maxdepth 1 ! -name . ! -name src-tree -exec mv {} src-tree/ \;)
(cd "$W/src-tree" && autoreconf -fi >/dev/null 2>&1)

build()
{
	local mode=$1 b=$W/b-$mode args=()

	rm -rf "$b"
	mkdir "$b"
	case $mode in
	none) args=(--writable "$W" --writable /tmp) ;; # root: the view anyway
	quiet) args=(--sandbox-write "$W" --sandbox-write /tmp --sandbox-report no) ;;
	report) args=(--sandbox-write "$W" --sandbox-write /tmp --sandbox-log "$W/log") ;;
	esac
	local t0=${EPOCHREALTIME/./}
	# the CPU time of the helper and all it reaped (the whole build)
	/usr/bin/time -f '%U %S' -o "$W/cpu" "$H" "${args[@]}" --chdir "$b" -- sh -c \
		'../src-tree/configure --disable-static-helper >/dev/null 2>&1 && make -j2 src/spawn-helper >/dev/null 2>&1' ||
		{ echo "build failed ($mode)" >&2; exit 1; }
	echo $(( ${EPOCHREALTIME/./} - t0 )) >>"$W/$mode"
	awk '{ printf "%d\n", ($1 + $2) * 1000000 }' "$W/cpu" >>"$W/$mode.cpu"
}

median()
{
	sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

: >"$W/none" >"$W/quiet" >"$W/report"
: >"$W/none.cpu" >"$W/quiet.cpu" >"$W/report.cpu"
for _ in $(seq "$rounds"); do
	for mode in none quiet report; do
		build "$mode"
	done
done
for kind in "" .cpu; do
	label=wall
	[ -z "$kind" ] || label=cpu
	n=$(median <"$W/none$kind") q=$(median <"$W/quiet$kind")
	r=$(median <"$W/report$kind")
	printf 'rounds %s, %s: none %.2f s, sandbox (no reports) %.2f s, sandbox (reports) %.2f s\n' \
		"$rounds" "$label" "$(echo "$n / 1000000" | bc -l)" \
		"$(echo "$q / 1000000" | bc -l)" "$(echo "$r / 1000000" | bc -l)"
	printf '  reports / no reports: %.4f   sandbox / none: %.4f\n' \
		"$(echo "$r / $q" | bc -l)" "$(echo "$r / $n" | bc -l)"
done
[ ! -s "$W/log" ] || { echo "violations during the build:"; cat -v "$W/log"; }
