#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/seccomp-policy.sh [BUILD_DIR [OTHER_HELPER]]
#
# What a --seccomp-policy file costs against its size: spawn-helper runs
# /bin/true with policies of 10, 100, 500, 1024 (the bound) and 6000
# rules of a few shapes, and the time of the whole spawn (median of RUNS,
# default 5, in milliseconds) is printed beside the spawn without a
# policy file, with the outcome: run, or refused with the helper's
# message. With OTHER_HELPER (an older build, say) its times are printed
# too, each spawn cut at TIMEOUT seconds (default 120). Nothing is
# asserted. Any user.
set -euo pipefail

BUILD=$(cd "${1:-$(dirname "$0")/../_build}" && pwd)
H=$BUILD/src/spawn-helper
OTHER=${2:-}
RUNS=${RUNS:-5}
TIMEOUT=${TIMEOUT:-120}
T=$(mktemp -d /tmp/sh-seccomp-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT

# SHAPE N: a policy of N rules
policy()
{
	awk -v shape="$1" -v n="$2" 'BEGIN {
		split("read write open close stat fstat lstat poll lseek mmap " \
		      "mprotect munmap brk ioctl pread64 pwrite64 readv writev " \
		      "access pipe select sched_yield mremap msync mincore " \
		      "madvise dup dup2 pause nanosleep getitimer alarm", calls)
		split("mkdir rmdir unlink chdir", paths)
		for (i = 1; i <= n; i++) {
			if (shape == "one3")
				printf "errno ioctl arg0 == %d arg1 == %d arg2 == %d\n", i, i + 1, i + 2
			else if (shape == "one6")
				printf "errno ioctl arg0 == %d arg1 == %d arg2 == %d arg3 == %d arg4 == %d arg5 == %d\n", i, i + 1, i + 2, i + 3, i + 4, i + 5
			else if (shape == "many1")
				printf "errno %s arg0 == %d\n", calls[i % 32 + 1], i
			else
				printf "errno:EACCES %s arg0 == \"/no/such/%d\" arg0 != \"/\"\n", paths[i % 4 + 1], i
		}
	}'
}

# HELPER [ARGS...]: "MEDIAN_MS OUTCOME" of RUNS spawns of /bin/true
measure()
{
	local helper=$1 t0 t1 rc times=() outcome
	shift
	for _ in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		rc=0
		timeout -k 1 "$TIMEOUT" "$helper" --status-fd 3 "$@" -- /bin/true \
			3>"$T/st" 2>/dev/null </dev/null || rc=$?
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
		case $rc in 124 | 137) rc=124; break ;; esac # no second try of a spawn cut short
	done
	case $rc in
	0) outcome=run ;;
	124) outcome="cut at ${TIMEOUT} s" ;;
	*) outcome="exit $rc: $(sed -n 's/.*"message":"\([^"]*\)".*/\1/p' "$T/st" |
		sed "s|$T/||")" ;;
	esac
	printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -n |
		awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }')" \
		"$outcome"
}

row() # LABEL ARGS...
{
	local label=$1 ours other=""
	shift
	ours=$(measure "$H" "$@")
	[ -n "$OTHER" ] && other=$(measure "$OTHER" "$@")
	printf '%-42s %7s ms  %s\n' "$label" "${ours%% *}" "${ours#* }"
	[ -z "$OTHER" ] ||
		printf '%-42s %7s ms  %s\n' "  other helper" "${other%% *}" "${other#* }"
}

echo "spawn-helper -- /bin/true with a --seccomp-policy, median of $RUNS spawns"
row "no policy file"
for shape in one3 one6 many1 strings; do
	case $shape in
	one3) what="ioctl, 3 conditions" ;;
	one6) what="ioctl, 6 conditions" ;;
	many1) what="32 calls, 1 condition" ;;
	strings) what="4 calls, 2 string conditions" ;;
	esac
	for n in 10 100 500 1024 6000; do
		policy "$shape" "$n" >"$T/policy-$shape-$n"
		row "$n rules on $what" --seccomp-policy "$T/policy-$shape-$n"
	done
done
