#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2016 # literal backticks
# The stages a status record can name are src/stages.h's table (STAGES),
# and the source names no other. They are listed whole, and only those,
# in the table's order, in README.md ("Stages, in the order of the setup:
# `a`, `b`..."), in spawn-helper(1) (".IR a ," lines after "The stages")
# and in the Python binding's STAGES. The source's are the stage
# arguments of err_set and err_sys (a literal "spec" or STAGE_SPEC) and
# a stage copied into or compared with an error by hand in src/.
# Environment: SH_TESTS_SRCDIR.
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
. "$srcdir/tap.sh"
top=$srcdir/..

# the table, in order: "ID name" a line
table=$(perl -ne 'print "$1 $2\n" while /\bX\((\w+), "([a-z]+)"\)/g' \
	"$top/src/stages.h")
in_order=$(echo "$table" | cut -d' ' -f2)

# a call may span lines: the whole file is one string to perl; a
# STAGE_ID becomes its name through the table
from_source=$(perl -0777 -ne '
	while (/\berr_(?:set|sys)\s*\(\s*[^,]+,\s*"([a-z]+)"/g) { print "$1\n" }
	while (/->stage,\s*"([a-z]+)"/g) { print "$1\n" }
	while (/\bSTAGE_([A-Z]+)\b/g) { print "STAGE_$1\n" unless $1 eq "COUNT" }' \
	"$top"/src/*.c | while read -r s; do
	case $s in
	STAGE_*) echo "$table" | awk -v id="${s#STAGE_}" \
		'$1 == id { print $2; f = 1 } END { if (!f) print "?" id }' ;;
	*) echo "$s" ;;
	esac
done | sort -u)
# stages passed on in a variable would escape the list: say so (err.c
# defines the two)
indirect=$(perl -0777 -ne '
	while (/\berr_(?:set|sys)\s*\(\s*[^,]+,\s*([^",\s][^,]*),/g) {
		print "$ARGV: $1\n" unless $ARGV =~ m{/err\.c$} || $1 =~ /^STAGE_[A-Z]+$/ }' \
	"$top"/src/*.c)

readme_list=$(sed -n '/^Stages, in the order of the setup:/,/^$/p' \
	"$top/README.md" | sed -n 's/([^)]*)//g; p' |
	grep -o '`[a-z]*`' | tr -d '`')
man_list=$(sed -n '/^The stages, in the order of the setup:/,/^[^.]/p' \
	"$top/man/spawn-helper.1.in" | sed -n 's/^\.IR \([a-z]*\) *[,.]$/\1/p')
python_list=$(perl -0777 -ne '/^STAGES = \((.*?)\)/ms and
	print map { "$_\n" } $1 =~ /"([a-z]+)"/g' \
	"$top/contrib/python/spawnhelper.py")
from_readme=$(echo "$readme_list" | sort -u)
from_man=$(echo "$man_list" | sort -u)

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
if [ "$(echo "$table" | wc -l)" -lt 10 ]; then
	not_ok "src/stages.h's table found"
else
	ok "src/stages.h's table found ($(echo "$table" | wc -l))"
fi
check_eq "the source names the table's stages, all of them" \
	"$(echo "$in_order" | sort)" "$from_source"
check_eq "README.md lists the table's stages in its order" "$in_order" \
	"$readme_list"
check_eq "spawn-helper(1) lists the table's stages in its order" \
	"$in_order" "$man_list"
check_eq "the Python binding's STAGES is the table" "$in_order" \
	"$python_list"
tap_done
exit 0
