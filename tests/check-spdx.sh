#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every file git tracks carries the line "SPDX-License-Identifier:
# LGPL-2.1-or-later" in its first 5 lines (in the comment syntax of its
# kind: /* */, #, dnl, .\"), but for the files below, which are prose or
# data; COPYING holds the license's text. A new file without the line
# fails here, named. Outside a git checkout (a release tarball) there is
# no list of tracked files: skipped.
# Environment: SH_TESTS_SRCDIR. Run by hand: tests/check-spdx.sh.
srcdir=${SH_TESTS_SRCDIR:-$(dirname "$0")}
. "$srcdir/tap.sh"
top=$(cd "$srcdir/.." && pwd -P)
spdx='SPDX-License-Identifier: LGPL-2.1-or-later'

# prose, data and files whose format has no comments
exempt()
{
	case $1 in
	COPYING | NEWS | *.md | *.txt | tests/fuzz/corpus-*/*) return 0 ;;
	*/changelog | */copyright | */source/format | */compat) return 0 ;;
	esac
	return 1
}

if ! command -v git >/dev/null; then
	skip_all "no git to list the tracked files"
fi
# the top of the checkout, not of a tree that contains this one (make
# distcheck unpacks the tarball inside the build tree)
gittop=$(git -C "$top" rev-parse --show-toplevel 2>/dev/null) &&
	gittop=$(cd "$gittop" && pwd -P)
if [ "$gittop" != "$top" ]; then
	skip_all "not a git checkout (the tracked files come from git ls-files)"
fi

if grep -q 'GNU LESSER GENERAL PUBLIC LICENSE' "$top/COPYING" 2>/dev/null &&
	grep -q 'Version 2.1, February 1999' "$top/COPYING"; then
	ok "COPYING is the LGPL 2.1"
else
	not_ok "COPYING is the LGPL 2.1"
fi

n=0
missing=0
while IFS= read -r -d '' f; do
	exempt "$f" && continue
	# deleted in the work tree but not yet in the index
	[ -f "$top/$f" ] || continue
	n=$((n + 1))
	if ! head -n 5 "$top/$f" | grep -qF "$spdx"; then
		missing=$((missing + 1))
		not_ok "$f has no \"$spdx\" line in its first 5 lines"
	fi
done < <(git -C "$top" ls-files -z)
if [ "$missing" = 0 ]; then
	ok "all $n tracked source files carry \"$spdx\""
else
	diag "$missing of $n tracked source files lack \"$spdx\":" \
		"add it as a comment near the top (see tests/check-spdx.sh)"
fi
tap_done
exit 0
