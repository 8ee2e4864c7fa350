#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/run.sh [--build] [BUILD_DIR]
#
# Spawn latency of /bin/true under full isolation, spawn-helper against
# the peers (unshare(1) and bwrap, from Debian) in one run on the same
# machine, as root and as nobody; the same through libspawnhelper from C
# and through the Python binding; throughput with 1 and 2 streams; the
# helper's own peak memory. With --build also a real build: this
# project's `make dist` tarball configured, built and tested with
# `make -j2` inside the full sandbox and outside it.
#
# Prints medians (microseconds) and ratios; nothing is asserted. Needs
# root (for the nobody runs), bubblewrap, util-linux, python3.
set -euo pipefail

REAL_BUILD=no
if [ "${1:-}" = --build ]; then
	REAL_BUILD=yes
	shift
fi
for tool in bwrap unshare setpriv python3 cc; do
	command -v "$tool" >/dev/null ||
		{ echo "bench/run.sh: $tool not found (apt-get install bubblewrap util-linux python3 gcc)" >&2; exit 1; }
done
BUILD=$(cd "${1:-$(dirname "$0")/../_build}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-300}
BUILD_RUNS=${BUILD_RUNS:-3}
ROUNDS=${ROUNDS:-20}
ROUND_RUNS=${ROUND_RUNS:-30}
T=$(mktemp -d /tmp/sh-bench.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT

# Everything nobody runs must be world-readable: copy it.
cp "$BUILD/src/spawn-helper" "$T/"
cp -P "$BUILD"/lib/.libs/libspawnhelper.so* "$T/"
cp "$SRC/contrib/python/spawnhelper.py" "$T/"
cc -O2 -Wall -I"$SRC/lib" "$SRC/bench/spawn-bench.c" -o "$T/spawn-bench" \
	-L"$T" -lspawnhelper -lpthread -Wl,-rpath,"$T"
chmod -R a+rX "$T"
export SPAWNHELPER_PATH=$T/spawn-helper SPAWNHELPER_LIBRARY=$T/libspawnhelper.so

# as root the command is the host's uid 0: the helper builds the
# read-only view (every mount read-only, a minimal /dev, a fresh /proc),
# which bwrap's options below match; unshare(1) does neither
ours=("$T/spawn-helper" --unshare-all --)
peer_unshare=(unshare -n -i -m -p -u -C -f --mount-proc)
peer_unshare_user=(unshare -r -n -i -m -p -u -C -f --mount-proc)
peer_bwrap=(bwrap --unshare-all --die-with-parent --cap-drop ALL
	--ro-bind / / --proc /proc --dev /dev)

as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env SPAWNHELPER_PATH="$SPAWNHELPER_PATH" \
		SPAWNHELPER_LIBRARY="$SPAWNHELPER_LIBRARY" "$@"
}

median() { # COMMAND... -> the median in microseconds
	"$@" | awk '$1 == "median_us" { print $2 }'
}

python_median() { # the Python binding's spawn(), RUNS times
	PYTHONPATH=$T python3 - "$RUNS" <<'EOF'
import sys, time, spawnhelper
runs, times = int(sys.argv[1]), []
for _ in range(runs):
    t = time.monotonic()
    r = spawnhelper.spawn(["/bin/true"], unshare_net=True, unshare_ipc=True,
                          unshare_mount=True, unshare_pid=True,
                          unshare_uts=True, unshare_cgroup=True)
    times.append((time.monotonic() - t) * 1e6)
    assert r == 0, r
times.sort()
print("median_us %.0f" % times[len(times) // 2])
EOF
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

report() { # USER
	local who=$1 run=() unshare_cmd=("${peer_unshare[@]}") out o u b l p
	if [ "$who" = nobody ]; then
		run=(as_nobody)
		unshare_cmd=("${peer_unshare_user[@]}")
	fi
	# one spawn of each per round (spawn-bench ::: jobs)
	out=$("${run[@]}" "$T/spawn-bench" -n "$RUNS" -- "${ours[@]}" /bin/true \
		::: -- "${unshare_cmd[@]}" /bin/true \
		::: -- "${peer_bwrap[@]}" /bin/true \
		::: --lib --unshare-all -- /bin/true)
	o=$(awk '$1 == "median_us" && $2 == 0 { print $3 }' <<<"$out")
	u=$(awk '$1 == "median_us" && $2 == 1 { print $3 }' <<<"$out")
	b=$(awk '$1 == "median_us" && $2 == 2 { print $3 }' <<<"$out")
	l=$(awk '$1 == "median_us" && $2 == 3 { print $3 }' <<<"$out")
	p=$(cd "$T" && median "${run[@]}" bash -c "$(declare -f python_median); T=$T RUNS=$RUNS python_median")
	printf '%-8s spawn-helper %6s  unshare %6s  bwrap %6s  lib %6s  python %6s\n' \
		"$who" "$o" "$u" "$b" "$l" "$p"
	printf '%-8s ratios: vs unshare %s (target <= 1.0), vs bwrap %s (target <= 0.6), lib/CLI %s (target <= 1.1)\n' \
		"$who" "$(ratio "$o" "$u")" "$(ratio "$o" "$b")" "$(ratio "$l" "$o")"
}

scaling() { # SPAWN-BENCH-ARGS... -> "one many ratio median_round penalty_us"
	"$T/spawn-bench" -n "$ROUND_RUNS" -j 2 -r "$ROUNDS" "$@" | awk '
		{ v[$1] = $2 }
		END { print v["one_stream_per_s"], v["streams_per_s"], v["ratio"],
			    v["median_round_ratio"], v["penalty_us"] }'
}

throughput() {
	local one many r med pen u_one u_many u_r u_med u_pen
	# each round: ROUND_RUNS spawns alone, then ROUND_RUNS in each of 2
	# streams; rounds short, so that the machine's drift weighs on both
	# sides alike
	read -r one many r med pen < <(scaling --lib --unshare-all -- /bin/true)
	read -r u_one u_many u_r u_med u_pen < <(scaling -- "${peer_unshare[@]}" /bin/true)
	printf 'throughput (%s rounds of %s spawns alone, then in each of 2 streams): 1 stream %s/s, 2 streams %s/s, ratio %s (median round %s; target >= 1.7); a spawn takes %s us longer beside another\n' \
		"$ROUNDS" "$ROUND_RUNS" "$one" "$many" "$r" "$med" "$pen"
	printf 'unshare throughput, the same way: 1 stream %s/s, 2 streams %s/s, ratio %s (median round %s); %s us longer beside another\n' \
		"$u_one" "$u_many" "$u_r" "$u_med" "$u_pen"
	# on 2 cores the ratio is 2 * t1 / (t1 + penalty), t1 a spawn's time
	# alone: what ours would be if its spawns cost each other only what
	# unshare's do
	awk -v one="$one" -v pen="$u_pen" 'BEGIN {
		t1 = 1e6 / one
		printf "the helper with unshare'"'"'s penalty would scale %.2f; 1.7 needs a penalty <= %.0f us\n",
		       2 * t1 / (t1 + pen), t1 * (2 / 1.7 - 1) }'
}

helper_memory() {
	python3 - "$T/spawn-helper" <<'EOF'
import os, sys
pid = os.spawnv(os.P_NOWAIT, sys.argv[1],
                [sys.argv[1], "--unshare-all", "--", "/bin/true"])
_, status, usage = os.wait4(pid, 0)
print("helper peak memory: %d KiB (ru_maxrss of the helper and what it reaped)"
      % usage.ru_maxrss)
EOF
}

real_build() {
	local tarball dir i outs=() ins=() t_out t_in
	make -C "$BUILD" dist >/dev/null
	tarball=$(ls -t "$BUILD"/spawnhelper-*.tar.* | head -n 1)
	build_once() { # PREFIX... -> seconds
		rm -rf "$T/rb" && mkdir "$T/rb" && tar -C "$T/rb" -xf "$tarball"
		dir=$(echo "$T"/rb/spawnhelper-*)
		local start end
		start=$(date +%s.%N)
		# the unit tests that can run in the sandbox: the integration
		# tests need root's capabilities, check-seccomp installs filters
		# of its own (a listener cannot nest) and check-lib namespaces
		"$@" sh -c "cd '$dir' && ./configure -q && make -j2 >/dev/null 2>&1 &&
			make -j2 check TESTS='tests/check-options tests/check-fdmap' >/dev/null 2>&1" ||
			echo "real build failed: $*" >&2
		end=$(date +%s.%N)
		awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
	}
	# interleaved, so that a machine getting busier or quieter shows in
	# both columns; one unmeasured build first warms the page cache
	build_once env >/dev/null
	for ((i = 0; i < BUILD_RUNS; i++)); do
		outs+=("$(build_once env)")
		# root's build writes only its own tree and /tmp (the
		# read-only view; Check's tmpfile() ignores TMPDIR)
		ins+=("$(build_once "$T/spawn-helper" --unshare-all \
			--writable /tmp --)")
	done
	t_out=$(printf '%s\n' "${outs[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	t_in=$(printf '%s\n' "${ins[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	printf 'real build (configure, make -j2, make check of two unit tests), medians of %d: outside %ss (%s), sandboxed %ss (%s), ratio %s (target <= 1.03)\n' \
		"$BUILD_RUNS" "$t_out" "${outs[*]}" "$t_in" "${ins[*]}" "$(ratio "$t_in" "$t_out")"
}

echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "peers: $(unshare --version | head -n 1), $(bwrap --version)"
echo "medians of $RUNS spawns of /bin/true, microseconds:"
report root
report nobody
throughput
helper_memory
[ "$REAL_BUILD" = yes ] && real_build
exit 0
