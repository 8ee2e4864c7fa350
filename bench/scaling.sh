#!/bin/bash
# bench/scaling.sh [BUILD_DIR]
#
# How two streams scale against one, and which part of the sandbox holds
# them back: for each variant (the full sandbox, unshare(1)'s line, and
# the sandbox without one namespace or feature at a time), N adjacent
# pairs of a 1-stream and a 2-stream run of spawn-bench, and the median
# of the pairs' ratios. Adjacent pairs, because the machine's speed
# drifts from minute to minute (bench/RESULTS.md); ratios only, nothing
# asserted. As root; PAIRS (default 15) and RUNS (spawns per stream and
# run, default 150) from the environment.
set -euo pipefail

BUILD=$(cd "${1:-$(dirname "$0")/../_build}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
PAIRS=${PAIRS:-15}
RUNS=${RUNS:-150}
T=$(mktemp -d /tmp/sh-scaling.XXXXXX)
trap 'rm -rf "$T"' EXIT

cp "$BUILD/src/spawn-helper" "$T/"
cc -O2 -Wall -I"$SRC/lib" "$SRC/bench/spawn-bench.c" -o "$T/spawn-bench" \
	-L"$BUILD/lib/.libs" -lspawnhelper -lpthread \
	-Wl,-rpath,"$BUILD/lib/.libs"
H=$T/spawn-helper

pairs() { # LABEL COMMAND...
	local label=$1 i a b
	shift
	for ((i = 0; i < PAIRS; i++)); do
		a=$("$T/spawn-bench" -n "$RUNS" -j 1 -- "$@" | awk '$1 == "spawns_per_s" { print $2 }')
		b=$("$T/spawn-bench" -n "$RUNS" -j 2 -- "$@" | awk '$1 == "spawns_per_s" { print $2 }')
		awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f %s %s\n", b / a, a, b }'
	done | sort -n | awk -v l="$label" '
		{ r[NR] = $1; a[NR] = $2; b[NR] = $3 }
		END { m = int((NR + 1) / 2)
		      printf "%-34s 2 streams / 1: %.2f (that pair: %s/s and %s/s; all %.2f to %.2f)\n",
			     l, r[m], a[m], b[m], r[1], r[NR] }'
}

echo "medians of $PAIRS adjacent pairs, $RUNS spawns of /bin/true per stream and run"
pairs "spawn-helper --unshare-all" "$H" --unshare-all -- /bin/true
pairs "unshare -n -i -m -p -u -C -f" unshare -n -i -m -p -u -C -f --mount-proc /bin/true
pairs "  no IPv6 address on lo" "$H" --unshare-all --loopback-addr 10.0.0.1/8 -- /bin/true
pairs "  no seccomp filter" "$H" --unshare-all --seccomp-profile none -- /bin/true
pairs "  no pid namespace (no init)" "$H" --unshare-net --unshare-ipc \
	--unshare-uts --unshare-mount --unshare-cgroup -- /bin/true
pairs "  no network namespace" "$H" --unshare-ipc --unshare-uts \
	--unshare-mount --unshare-cgroup --unshare-pid -- /bin/true
