#!/bin/bash
# The man pages are clean for both formatters: mandoc -Tlint and
# groff -ww -z -man print nothing (translated pages: groff -k -Tutf8).
set -u
srcdir=${JABIRU_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
status=0
for page in "$srcdir"/man/jabiru.1 "$srcdir"/man/*/jabiru.1; do
	[[ -f $page ]] || continue
	if command -v mandoc >/dev/null; then
		out=$(mandoc -Tlint -W warning "$page" 2>&1)
		[[ -z $out ]] || { echo "mandoc -Tlint $page:"; echo "$out"; status=1; }
	else
		echo "mandoc not installed (scripts/deps installs it)"
		status=1
	fi
	if [[ $page == */man/jabiru.1 ]]; then
		out=$(groff -ww -z -man "$page" 2>&1)
	else
		# A translation: UTF-8 through preconv, checked for a terminal
		# (the PostScript fonts have no CJK glyphs).
		out=$(groff -k -ww -z -Tutf8 -man "$page" 2>&1)
	fi
	[[ -z $out ]] || { echo "groff -ww -z -man $page:"; echo "$out"; status=1; }
done
exit $status
