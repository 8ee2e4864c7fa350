# SPDX-License-Identifier: LGPL-2.1-or-later
# A tiny TAP producer, sourced by the integration tests.
#
#   ok DESC / not_ok DESC          a result
#   check_eq DESC EXPECTED ACTUAL  ok when equal, else expected vs actual
#   check_match DESC ERE ACTUAL    ok when ACTUAL matches the extended regex
#   check_true DESC CMD [ARG...]   ok when CMD succeeds
#   skip DESC REASON               "ok N - DESC # SKIP REASON"
#   skip_all REASON                the plan "1..0 # SKIP REASON", then exit 0
#   diag TEXT...                   a "# " line (multi-line text is prefixed)
#   tap_done                       the plan "1..N"; returns 1 when a test failed
#                                  (the TAP driver counts the failures: a
#                                  script should still exit 0)
#   run_cases "$@"                 the suite's last line: runs its cases,
#                                  the functions case_NAME, then tap_done
#                                  (below)
#
# A suite is made of cases:
#
#   SUITE.sh                every case, in the order of the file
#   SUITE.sh NAME...        those cases (case_NAME or NAME), in that order;
#                           an unknown one is "Bail out!"
#   SUITE.sh --list         the names, one a line
#   SH_CASES="SUITE:GLOB ..."   (make check, make check-vm) when it names
#                           this suite, only the cases matching one of its
#                           globs run; each other one is a skip with the
#                           reason. Names given on the command line win.
#
# The plan comes last so cases can be added without counting them.

tap_n=0
tap_failed=0

diag()
{
	printf '%s\n' "$*" | sed 's/^/# /'
}

ok()
{
	tap_n=$((tap_n + 1))
	printf 'ok %d - %s\n' "$tap_n" "$1"
}

not_ok()
{
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	printf 'not ok %d - %s\n' "$tap_n" "$1"
}

skip()
{
	tap_n=$((tap_n + 1))
	printf 'ok %d - %s # SKIP %s\n' "$tap_n" "$1" "$2"
}

skip_all()
{
	printf '1..0 # SKIP %s\n' "$1"
	exit 0
}

check_eq()
{
	if [ "$2" = "$3" ]; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag "expected:"
	diag "$2"
	diag "actual:"
	diag "$3"
	return 1
}

check_match()
{
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag "expected to match: $2"
	diag "actual:"
	diag "$3"
	return 1
}

check_true()
{
	local desc=$1

	shift
	if "$@"; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc"
	diag "failed: $*"
	return 1
}

tap_done()
{
	printf '1..%d\n' "$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# --- the case runner -------------------------------------------------------

run_cases()
{
	local name names=()

	if [ "${1:-}" = --list ]; then
		suite_cases
		exit 0
	fi
	if [ $# -gt 0 ]; then
		for name; do
			name=${name#case_}
			if ! declare -F "case_$name" >/dev/null; then
				echo "Bail out! $(suite_name) has no case $name (--list names them)"
				exit 1
			fi
			names+=("$name")
		done
	else
		mapfile -t names < <(suite_cases)
	fi
	for name in "${names[@]}"; do
		if [ $# -eq 0 ] && ! suite_wants "$name"; then
			skip "case $name" "not in SH_CASES ($SH_CASES)"
			continue
		fi
		"case_$name"
	done
	tap_done
}

suite_name()
{
	basename "$0" .sh
}

# The suite's cases in the order of the file: extdebug makes declare -F
# print where each function was defined (in a subshell: extdebug also
# changes how traps and `caller` behave).
suite_cases()
{
	(
		shopt -s extdebug
		for name in $(compgen -A function case_); do
			declare -F "$name"
		done
	) | sort -k2,2n | sed 's/^case_//; s/ .*//'
}

# whether SH_CASES lets case NAME run (read -a: the globs must not match
# files in the working directory)
suite_wants()
{
	local suite entries e named=

	suite=$(suite_name)
	read -ra entries <<<"${SH_CASES:-}"
	for e in "${entries[@]}"; do
		[ "${e%%:*}" = "$suite" ] || continue
		named=yes
		# shellcheck disable=SC2053 # the glob is meant
		[[ $1 == ${e#*:} ]] && return 0
	done
	[ -z "$named" ]
}
