#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2016 # literal backticks
# The stages a status record can name are listed whole, and only those,
# in README.md ("Stages, in the order of the setup: `a`, `b`...") and in
# spawn-helper(1) (".IR a ," lines after "The stages"). The source's are
# the stage arguments of err_set and err_sys (and a stage copied into an
# error by hand, memcpy(err->stage, "spec", ...)) in src/.
# Environment: SH_TESTS_SRCDIR.
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
. "$srcdir/tap.sh"
top=$srcdir/..

# a call may span lines: the whole file is one string to perl
from_source=$(perl -0777 -ne '
	while (/\berr_(?:set|sys)\s*\(\s*[^,]+,\s*"([a-z]+)"/g) { print "$1\n" }
	while (/->stage,\s*"([a-z]+)"/g) { print "$1\n" }' "$top"/src/*.c |
	sort -u)
# stages passed on in a variable would escape the list: say so (err.c
# defines the two)
indirect=$(perl -0777 -ne '
	while (/\berr_(?:set|sys)\s*\(\s*[^,]+,\s*([^",\s][^,]*),/g) {
		print "$ARGV: $1\n" unless $ARGV =~ m{/err\.c$} }' \
	"$top"/src/*.c)

from_readme=$(sed -n '/^Stages, in the order of the setup:/,/^$/p' \
	"$top/README.md" | sed -n 's/([^)]*)//g; p' |
	grep -o '`[a-z]*`' | tr -d '`' | sort -u)
from_man=$(sed -n '/^The stages, in the order of the setup:/,/^[^.]/p' \
	"$top/man/spawn-helper.1.in" | sed -n 's/^\.IR \([a-z]*\) *[,.]$/\1/p' |
	sort -u)

check_eq "every stage is named by a literal in err_set/err_sys" "" \
	"$indirect"
if [ -z "$from_source" ]; then
	not_ok "the source's stages found"
else
	ok "the source's stages found ($(echo "$from_source" | wc -l))"
fi
check_eq "README.md lists the source's stages" "$from_source" "$from_readme"
check_eq "spawn-helper(1) lists the source's stages" "$from_source" \
	"$from_man"
tap_done
exit 0
