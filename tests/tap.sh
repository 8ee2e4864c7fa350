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
#   section ID TITLE               whether the suite's section ID runs: yes
#                                  unless SH_SECTIONS names this suite
#                                  ("SUITE:ID ...", SUITE the script's
#                                  name without .sh) without ID; a section
#                                  left out is one skip with the reason
#   tap_done                       the plan "1..N"; returns 1 when a test failed
#                                  (the TAP driver counts the failures: a
#                                  script should still exit 0)
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

section()
{
	local suite

	suite=$(basename "$0" .sh)
	case " ${SH_SECTIONS:-} " in
	*" $suite:$1 "*) return 0 ;;
	*" $suite:"*) ;;
	*) return 0 ;;
	esac
	skip "section $1: $2" "not in SH_SECTIONS ($SH_SECTIONS)"
	return 1
}

tap_done()
{
	printf '1..%d\n' "$tap_n"
	[ "$tap_failed" -eq 0 ]
}
