#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# report.sh OUT VARIANT RC: what a check-vm run did, from the automake
# driver's logs the guest copied to OUT: the counts, every failure with
# its TAP line, and the reasons of the skips (the cases that did not run
# in the VM either), then exit RC (make check's status in the guest).
out=$1 variant=$2 rc=$3

echo
echo "=== check-vm ($variant): $(sed -n 's/^kernel: //p' "$out/guest-info.txt" 2>/dev/null) ==="
for r in PASS FAIL SKIP XFAIL XPASS ERROR; do
	printf '%s: %s  ' "$r" "$(cat "$out"/tests/*.trs "$out"/*.trs 2>/dev/null |
		grep -c "^:test-result: $r")"
done
echo
fails=$(grep -l '^:test-result: \(FAIL\|ERROR\|XPASS\)' "$out"/tests/*.trs "$out"/*.trs 2>/dev/null)
for t in $fails; do
	echo "--- failed in ${t%.trs}.log:"
	grep -E '^(not ok|Bail out!)' "${t%.trs}.log" | sed 's/^/  /'
done
echo "--- skipped (count, reason):"
for t in "$out"/tests/*.trs "$out"/*.trs; do
	[ -f "$t" ] && cat "${t%.trs}.log"
done |
	sed -n 's/^\(ok [0-9]*\|1\.\.0\).* # SKIP \(.*\)/\2/p' |
	sort | uniq -c | sort -rn
if [ -f "$out/started" ]; then
	echo "--- when each test ended (seconds after make check started):"
	t0=$(stat -c %Y "$out/started")
	for t in "$out"/tests/*.trs "$out"/*.trs; do
		[ -f "$t" ] && echo "$(($(stat -c %Y "$t") - t0)) ${t#"$out"/}"
	done | sort -n | awk '{ printf "  %5d %s\n", $1, $2 }'
fi
echo "logs: $out (console.log, guest-info.txt, dmesg.txt, tests/*.log)"
exit "$rc"
