#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The status records' keys follow src/record-keys.h (RECORD_KEYS), the
# one table: the writer takes every key from it (no literal key left in
# status.c); struct sh_result has each member the library reads into,
# and the Python binding's _Result mirrors struct sh_result member by
# member with the same C types; spawn-helper(1) names every key; every
# key of README.md's example records is in the table.
# Environment: SH_TESTS_SRCDIR.
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
. "$srcdir/tap.sh"
top=$srcdir/..

# "path kind reader" a line, reader the member or -
table=$(perl -0777 -ne 's/\\\n/ /g;
	while (/\bX\(\s*\w+,\s*"([^"]+)",\s*(\w+),\s*(READ\((\w+)\)|NOT_READ)\s*\)/g) {
		print "$1 $2 ", ($4 // "-"), "\n" }' "$top/src/record-keys.h")
if [ "$(echo "$table" | wc -l)" -lt 50 ]; then
	not_ok "the table's keys found"
else
	ok "the table's keys found ($(echo "$table" | wc -l))"
fi

# a json_* call in status.c whose key is a literal (json_array_item's
# argument is a value, not a key)
literal=$(perl -0777 -ne '
	while (/\b(json_(?!array_item\b)\w+)\s*\(\s*[^,()]+,\s*("[^"]*")/g) {
		print "$1 $2\n" }' "$top/src/status.c")
check_eq "status.c writes no literal key" "" "$literal"

# struct sh_result's members as "name type", one a line, in order
c_members=$(perl -0777 -ne '
	/struct sh_result \{(.*?)\n\};/s or exit 1;
	($body = $1) =~ s{/\*.*?\*/}{}gs;
	for (split /;/, $body) {
		s/^\s+|\s+$//g; next unless length;
		/^((?:unsigned |long )*\w+)\s+(.*)$/s or next;
		($type, $names) = ($1, $2);
		for (split /\s*,\s*/, $names) {
			/^(\w+)(?:\[(\d+)\])?$/ or next;
			print "$1 ", (defined $2 ? "$type\[$2\]" : $type), "\n" }
	}' "$top/lib/spawnhelper.h")
# _Result's fields in C's words
py_members=$(perl -0777 -ne '
	/class _Result\b.*?_fields_ = \[(.*?)\n    \]/s or exit 1;
	%c = (c_size_t => "size_t", c_int => "int", c_uint => "unsigned",
	      c_bool => "bool", c_longlong => "long long", c_char => "char");
	while ($1 =~ /\("(\w+)", ctypes\.(\w+)(?: \* (\d+))?\)/g) {}
	for ($_ = $1; /\("(\w+)", ctypes\.(\w+)(?: \* (\d+))?\)/g;) {
		print "$1 ", ($c{$2} // $2), (defined $3 ? "[$3]" : ""), "\n" }' \
	"$top/contrib/python/spawnhelper.py")
# pid_t is an int on Linux: ctypes has no pid_t
check_eq "_Result mirrors struct sh_result" \
	"$(echo "$c_members" | sed 's/ pid_t$/ int/')" "$py_members"

missing=$(echo "$table" | awk '$3 != "-" { print $3 }' | while read -r m; do
	echo "$c_members" | grep -q "^$m " || echo "$m"
done)
check_eq "struct sh_result has every member the table reads into" "" \
	"$missing"

# the man page's STATUS RECORDS section, its escapes undone
man=$(sed -n '/^\.SH STATUS RECORDS/,/^\.SH /p' \
	"$top/man/spawn-helper.1.in" | sed 's/\\-/-/g; s/\\f[A-Z]//g')
missing=$(echo "$table" | awk '{ n = split($1, p, "."); print p[n] }' |
	sed 's/^\*/mnt/' | sort -u | while read -r leaf; do
	echo "$man" | grep -qE "(^|[^a-z-])$leaf([^a-z-]|$)" || echo "$leaf"
done)
check_eq "spawn-helper(1)'s STATUS RECORDS names every key" "" "$missing"

# the README's example records: every path in them, as json_walk names
# it, in the table (an array's items as the array)
if ! perl -MJSON::PP -e 1 2>/dev/null; then
	skip "README.md's example records use the table's keys" \
		"no JSON::PP in this perl (perl-base alone)"
	tap_done
	exit 0
fi
unknown=$(grep -E '^ *\{"' "$top/README.md" | perl -MJSON::PP -ne '
	sub walk { my ($v, $p) = @_;
		if (ref $v eq "HASH") {
			walk($v->{$_}, $p eq "" ? $_ : "$p.$_") for sort keys %$v }
		elsif (ref $v eq "ARRAY") {
			for (@$v) { ref $_ ? walk($_, "$p\[]") : print "$p\n" } }
		else { print "$p\n" } }
	walk(decode_json($_), "")' | sed 's/^[a-z]*-namespace$/*-namespace/' |
	sort -u | while read -r path; do
	echo "$table" | grep -qF "$path " || echo "$path"
done)
check_eq "README.md's example records use the table's keys" "" "$unknown"
tap_done
exit 0
