#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/scaling.sh [BUILD_DIR]
#
# How two streams scale against one, and what holds them back: for each
# variant (the full sandbox, unshare(1)'s line, the sandbox without one
# namespace or feature at a time, and unshare(1) with only the
# namespaces that cost), ROUNDS rounds of RUNS spawns alone and then RUNS
# in each of two streams (spawn-bench -r: short rounds, so that the
# machine's drift weighs on both sides alike; bench/RESULTS.md). Prints
# the ratio over all rounds, the median round's, and the penalty: how
# much longer a spawn takes beside another than alone. On 2 cores the
# ratio is 2 * t1 / (t1 + penalty), t1 a spawn's time alone. Ratios
# only, nothing asserted. As root; ROUNDS (default 40) and RUNS
# (default 30) from the environment.
set -euo pipefail

BUILD=$(cd "${1:-$(dirname "$0")/../_build}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-40}
RUNS=${RUNS:-30}
T=$(mktemp -d /tmp/sh-scaling.XXXXXX)
trap 'rm -rf "$T"' EXIT

cp "$BUILD/src/spawn-helper" "$T/"
cc -O2 -Wall -I"$SRC/lib" "$SRC/bench/spawn-bench.c" -o "$T/spawn-bench" \
	-L"$BUILD/lib/.libs" -lspawnhelper -lpthread \
	-Wl,-rpath,"$BUILD/lib/.libs"
H=$T/spawn-helper

variant() { # LABEL COMMAND...
	local label=$1
	shift
	"$T/spawn-bench" -n "$RUNS" -j 2 -r "$ROUNDS" -- "$@" | awk -v l="$label" '
		{ v[$1] = $2 }
		END { printf "%-36s %6.1f/s %6.1f/s  ratio %.2f (median round %.2f)  penalty %4d us\n",
			     l, v["one_stream_per_s"], v["streams_per_s"], v["ratio"],
			     v["median_round_ratio"], v["penalty_us"] }'
}

echo "$ROUNDS rounds of $RUNS spawns of /bin/true alone, then in each of 2 streams"
printf '%-36s %8s %8s\n' "" "1 stream" "2 streams"
variant "spawn-helper --unshare-all" "$H" --unshare-all -- /bin/true
variant "unshare -n -i -m -p -u -C -f" unshare -n -i -m -p -u -C -f --mount-proc /bin/true
variant "  no IPv6 address on lo" "$H" --unshare-all --loopback-addr 10.0.0.1/8 -- /bin/true
variant "  no seccomp filter" "$H" --unshare-all --seccomp-profile none -- /bin/true
variant "  no pid namespace (no init)" "$H" --unshare-net --unshare-ipc \
	--unshare-uts --unshare-mount --unshare-cgroup -- /bin/true
variant "  no network namespace" "$H" --unshare-ipc --unshare-uts \
	--unshare-mount --unshare-cgroup --unshare-pid -- /bin/true
variant "  network and mount namespaces only" "$H" --unshare-net --unshare-mount -- /bin/true
variant "unshare -n -m -f (lo down)" unshare -n -m -f /bin/true
variant "unshare -n -f" unshare -n -f /bin/true
variant "unshare -m -f" unshare -m -f /bin/true
