#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Status records for every byte string (issue 12, point 3): paths,
# arguments and values that are not UTF-8, or that the helper cuts in the
# middle of a character, still give records that Python's json reads in
# strict mode from text decoded as strict UTF-8, and the bytes come back
# through the documented escape (\udcXX, Python's surrogateescape). Runs
# as root and as nobody (records-root.sh, records-nobody.sh, through
# run-as.sh). Each case is a function case_NAME, which runs alone too
# (tap.sh's run_cases, tests/README).
#
# Environment: SPAWN_HELPER, SH_INSIDE, SH_TESTS_SRCDIR.

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"

require_helper_and_inside
require_userns_unless_root
python=$(command -v python3) || skip_all "no python3 to read the records"

suite_scratch records
trap 'exit 1' HUP INT TERM

# run_records EXPECTED-EXIT HELPER-ARGS...: the helper with its records in
# $T/st.json, the exit code checked.
run_records()
{
	local expected=$1 rc

	shift
	# a PATH anyone may search (EACCES on the way would make 126)
	PATH=/usr/bin:/bin "$SPAWN_HELPER" --status-fd 3 "$@" 3>"$T/st.json" \
		2>"$T/err"
	rc=$?
	if [ "$rc" != "$expected" ]; then
		diag "exit $rc, expected $expected: $(cat "$T/err")"
		return 1
	fi
}

# records_ok PYTHON-EXPR: every line of $T/st.json decodes as strict
# UTF-8 and parses as strict JSON, and EXPR holds, with m the last
# record's error message as bytes (\udcXX escapes turned back into their
# bytes), recs the records; a diagnostic when not.
records_ok()
{
	local out

	out=$("$python" - "$T/st.json" "$1" 2>&1 <<'EOF'
import json, sys
recs = [json.loads(line.decode("utf-8"), strict=True)
        for line in open(sys.argv[1], "rb")]
m = recs[-1].get("error", {}).get("message", "").encode(
    "utf-8", "surrogateescape")
if not eval(sys.argv[2]):
    sys.exit("does not hold: %s\nrecords: %r" % (sys.argv[2], recs))
EOF
	) && return 0
	diag "$out"
	diag "$(cat -v "$T/st.json")"
	return 1
}

records_hold()
{
	if records_ok "$2"; then
		ok "$1"
	else
		not_ok "$1"
	fi
}

# check_run DESC EXPECTED-EXIT PYTHON-EXPR HELPER-ARGS...: run, then
# records_hold.
check_run()
{
	local desc=$1 expected=$2 expr=$3

	shift 3
	if run_records "$expected" "$@"; then
		records_hold "$desc" "$expr"
	else
		not_ok "$desc"
	fi
}

# The issue's example: 63 bytes and a 2-byte character, quoted cut at 64.
case_cut_at_64()
{
	check_run "--setenv value cut at 64 bytes, between characters" 125 \
		'b"\x60" + b"b" * 63 + b"\x60" in m' \
		--setenv "$(printf 'b%.0s' $(seq 63))é" -- true
}

# A command named by bytes that are no UTF-8: 127, the name in the
# message.
case_command_invalid_bytes()
{
	check_run "missing command named by invalid bytes" 127 \
		'b"\x60\xff\xfe\x60" in m' -- $'\xff\xfe'
}

# Every byte but NUL and '/', in the path of a missing command (two
# components, each under NAME_MAX).
case_every_byte_in_path()
{
	local bytes

	bytes="bytes(list(range(1, 47)) + list(range(48, 128))) + b'/' + bytes(range(128, 256))"
	check_run "every byte in a path in a message" 127 "b'/nonexistent/' + $bytes in m" \
		-- "/nonexistent/$("$python" -c "import sys; sys.stdout.buffer.write($bytes)")"
}

# Invalid forms: a cut sequence and control characters, an encoded
# surrogate, an overlong '/', a code point past U+10FFFF, each in a path
# or a value that an error quotes.
case_invalid_forms()
{
	check_run "--chdir: a cut sequence and control characters" 125 \
		'b"/nonexistent/\xc3\x01\x7f" in m' \
		--chdir $'/nonexistent/\xc3\x01\x7f' -- true
	check_run "--ro-bind: an encoded surrogate" 125 \
		'b"/nonexistent/\xed\xa0\x80" in m' \
		--ro-bind $'/nonexistent/\xed\xa0\x80':/mnt -- true
	check_run "--setenv: overlong, past U+10FFFF, cut at the end" 125 \
		'b"\x60\xc0\xaf\xf4\x90\x80\x80\xe2\x82\x60" in m' \
		--setenv $'\xc0\xaf\xf4\x90\x80\x80\xe2\x82' -- true
}

# A message past its 511 bytes, cut where a 2-byte character straddles
# the cut: with and without one byte more before the é, whatever the
# length of the text before the path.
case_message_cut_511()
{
	local e127 cut_ok pad

	e127=$("$python" -c 'print("é" * 127)')
	cut_ok=yes
	for pad in "" a; do
		run_records 127 -- "/nonexistent/$pad$e127/b$e127" &&
			records_ok '500 < len(m) < 512 and m.decode("utf-8")' ||
			cut_ok=
	done
	if [ -n "$cut_ok" ]; then
		ok "message cut at 511 bytes, between characters"
	else
		not_ok "message cut at 511 bytes, between characters"
	fi
}

# The started record: the working directory the command could not enter
# again (root's 0700 directory, the command as nobody), named by bytes
# that are no UTF-8.
case_cwd_refused_bytes()
{
	local d

	if [ "$(id -u)" = 0 ]; then
		d=$T/$'private\xff\xc3'
		mkdir -m 700 "$d" || exit 1
		if (cd "$d" && run_records 0 --uid nobody -- true); then
			records_hold "started record: cwd-refused path of invalid bytes" \
				'recs[0]["cwd-refused"]["path"].encode("utf-8", "surrogateescape").endswith(b"/private\xff\xc3") and recs[-1]["exit-code"] == 0'
		else
			not_ok "started record: cwd-refused path of invalid bytes"
		fi
	else
		skip "started record: cwd-refused path of invalid bytes" \
			"changing the uid needs root"
	fi
}

# bubblewrap's --json-status-fd keys (issue 16, point 7): the inode of
# each namespace made, named as bwrap names it, the same the command
# sees in /proc/self/ns (so the records are a superset of bwrap's).
case_bwrap_ns_keys()
{
	if run_records 0 --unshare-all -- sh -c 'for n in mnt net ipc uts pid cgroup; do
	stat -Lc "$n %i" /proc/self/ns/$n; done' >"$T/ns.txt"; then
		records_hold "started record: bwrap's *-namespace inode keys" \
			"all(recs[0][n + '-namespace'] == int(i) for n, i in (l.split() for l in open('$T/ns.txt'))) and 'child-pid' in recs[0] and 'exit-code' in recs[-1]"
	else
		not_ok "started record: bwrap's *-namespace inode keys"
	fi
}

run_cases "$@"