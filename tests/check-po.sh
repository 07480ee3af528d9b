#!/bin/bash
# check-po.sh: is every translation complete and clean?
#
#   tests/check-po.sh [PO_FILE...]      (default: po/LANG.po for each LANG
#                                        in po/LINGUAS)
#   tests/check-po.sh --pot OUT         only write the fresh template to OUT
#
# Generates the template afresh from the sources listed in po/POTFILES.in
# (the same xgettext options as po/Makevars), checks that POTFILES.in lists
# every source file with translatable strings, and for each catalogue: that
# `msgfmt --check` is clean and that, merged with the fresh template, it has
# no untranslated and no fuzzy entries. Exit 0 when all is well, 1 with the
# missing messages listed otherwise. Run it after translating; make check
# runs it through tests/po/test-check-po.sh.
#
# Environment: JABIRU_SRCDIR (the source tree; default: this script's ..).
set -u

srcdir=${JABIRU_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-po.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0

make_pot() {
	(cd "$srcdir" && xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 \
		--add-comments=TRANSLATORS: --package-name=jabiru \
		-f po/POTFILES.in -o "$1") || {
		echo "check-po: xgettext failed" >&2
		exit 1
	}
}

if [[ ${1:-} == --pot ]]; then
	make_pot "$2"
	exit 0
fi

# Every source file that calls _() or N_() must be in POTFILES.in, or its
# strings never reach the translators.
while IFS= read -r f; do
	rel=${f#"$srcdir"/}
	if ! grep -qx "$rel" "$srcdir/po/POTFILES.in"; then
		echo "check-po: $rel has translatable strings but is not in po/POTFILES.in"
		status=1
	fi
done < <(grep -l -E '\bN?_\("' "$srcdir"/src/*.c "$srcdir"/src/*/*.c | sort)

make_pot "$tmp/jabiru.pot"

pos=("$@")
if ((${#pos[@]} == 0)); then
	while read -r lang; do
		[[ -n $lang && $lang != \#* ]] && pos+=("$srcdir/po/$lang.po")
	done < <(tr ' ' '\n' < "$srcdir/po/LINGUAS")
fi

for po in "${pos[@]}"; do
	name=$(basename "$po")
	if ! msgfmt --check -o /dev/null "$po"; then
		echo "check-po: $name: msgfmt --check reports errors (above)"
		status=1
		continue
	fi
	msgmerge --quiet -o "$tmp/$name" "$po" "$tmp/jabiru.pot" || {
		status=1
		continue
	}
	untranslated=$(msgattrib --untranslated --no-obsolete "$tmp/$name" | grep -c '^msgid ')
	fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$tmp/$name" | grep -c '^msgid ')
	# Both counts include the header entry when present.
	((untranslated > 0)) && untranslated=$((untranslated - 1))
	if ((untranslated > 0 || fuzzy > 0)); then
		echo "check-po: $name: $untranslated untranslated, $fuzzy fuzzy:"
		{
			msgattrib --untranslated --no-obsolete "$tmp/$name"
			msgattrib --only-fuzzy --no-obsolete "$tmp/$name"
		} | grep '^msgid "..*' | head -20 | sed 's/^/  /'
		status=1
	else
		echo "check-po: $name: complete"
	fi
done
exit $status
