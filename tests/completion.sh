#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The bash completion (contrib/spawn-helper, generated from the option
# table): every option of --help offered, keyword values, commands after
# --. Runs as root and as nobody (completion-root.sh,
# completion-nobody.sh, through run-as.sh). Each case is a function
# case_NAME, which runs alone too (tap.sh's run_cases, tests/README).
# (Moved out of cgroup.sh, issue 15.)
#
# Environment: SPAWN_HELPER, SH_INSIDE, SH_TESTS_SRCDIR, SH_COMPLETION
# (the generated completion).

srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=tap.sh
. "$srcdir/tap.sh"
# shellcheck source=suite-lib.sh
. "$srcdir/suite-lib.sh"

require_helper_and_inside
suite_scratch completion
private_copies helper
C=${SH_COMPLETION:-}

case_options()
{
	local help_opts offered missing

	no_completion "completion: --help lists options" \
		"completion: every option offered" "completion: --unshare-n" &&
		return
	help_opts=$("$H" --help | sed -n 's/^  \(--[a-z0-9][a-z0-9-]*\).*/\1/p' |
		sort -u)
	offered=$(complete_words "" spawn-helper --)
	missing=$(comm -23 <(printf '%s\n' "$help_opts") \
		<(printf '%s\n' "$offered"))
	check_true "completion: --help lists options ($(wc -l <<<"$help_opts"))" \
		test "$(wc -l <<<"$help_opts")" -gt 20
	check_eq "completion: every option of --help is offered after --" "" \
		"$missing"
	check_eq "completion: --unshare-n completes to --unshare-net" \
		"--unshare-net" "$(complete_words "" spawn-helper --unshare-n)"
}

case_keywords()
{
	no_completion "completion: --ns-fallback" \
		"completion: --ns-fallback d" && return
	check_eq "completion: after --ns-fallback, strict and drop" \
		"drop strict" \
		"$(complete_words "" spawn-helper --ns-fallback "" | tr '\n' ' ' | sed 's/ $//')"
	check_eq "completion: --ns-fallback d completes to drop" "drop" \
		"$(complete_words "" spawn-helper --unshare-net --ns-fallback d)"
}

case_commands()
{
	no_completion "completion: commands after --" \
		"completion: _command_offset" && return
	check_match "completion: after -- it completes commands (compgen -c without bash-completion)" \
		'^bash$' "$(complete_words "" spawn-helper --unshare-net -- bas)"
	check_eq "completion: after -- it calls _command_offset at the command's word" \
		"offset:3" \
		"$(complete_words stub spawn-helper --unshare-net -- ba)"
}

# Without the completion file: DESC... are skips, and true.
no_completion()
{
	local d

	[ -n "$C" ] && [ -r "$C" ] && return 1
	for d; do
		skip "$d" "SH_COMPLETION (contrib/spawn-helper) is not set or not built"
	done
}

# complete WORD... in a clean bash: COMPREPLY, one a line, sorted;
# STUB defines a _command_offset of its own first
complete_words()
{
	local stub=$1

	shift
	env -i PATH="$PATH" bash --norc --noprofile -c '
		c=$1 stub=$2
		shift 2
		unset -f _command_offset
		[ -z "$stub" ] || _command_offset() { COMPREPLY=("offset:$1"); }
		. "$c" || exit 1
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_spawn_helper spawn-helper "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$C" "$stub" "$@"
}

run_cases "$@"
