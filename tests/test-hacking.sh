#!/bin/bash
# HACKING.md stays true where a script can tell:
# - every source path it names in backticks exists (a name under src/ may
#   drop the "src/"; names with capitals, such as cmd-NAME.c, are patterns);
# - every folder and every .c file under src/ is named in it;
# - the include rules its table states hold;
# - the README's Layout section points to it.
# A file added, moved or removed without a line in HACKING.md fails here.
set -u
srcdir=${JABIRU_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$srcdir" || exit 99
doc=HACKING.md
[[ -f $doc ]] || {
	echo "FAIL: no $doc in $srcdir"
	exit 1
}
bad=()

# Backticked names that look like paths of the tree: lower case, ending in
# .c, .h or a slash. config.h is made by configure.
declare -A named=()
# shellcheck disable=SC2016 # the backticks below are Markdown's
while IFS= read -r tok; do
	[[ $tok =~ ^[a-z0-9_./-]+(\.[ch]|/)$ ]] || continue
	[[ $tok == config.h || $tok == src/ ]] && continue
	rel=${tok#src/}
	first=${rel%%/*}
	if [[ $tok == src/* || -e src/$first ]]; then
		path=src/$rel
		named[$rel]=1
	else
		path=$tok
	fi
	[[ -e $path ]] || bad+=("$doc names $tok, but there is no $path")
done < <(grep -o '`[^`]*`' "$doc" | tr -d '`' | sort -u)

for d in src/*/; do
	rel=${d#src/}
	[[ -n ${named[$rel]:-} ]] || bad+=("$doc does not name the folder \`$rel\` (src/$rel)")
done
while IFS= read -r f; do
	rel=${f#src/}
	[[ -n ${named[$rel]:-} ]] || bad+=("$doc does not name \`$rel\` ($f)")
done < <(find src -name '*.c' | sort)

# The include table: what each folder never includes.
includes() { # folder pattern: the quoted includes matching pattern
	grep -Hn "^#include \"$2" "$1"/*.[ch] 2>/dev/null
}
check_none() { # what folder pattern
	local hits
	hits=$(includes "$2" "$3")
	[[ -z $hits ]] || bad+=("$1: $hits")
}
only_util() { # what own-pattern file...: quoted includes other than these
	local what=$1 own=$2 hits
	shift 2
	hits=$(grep -Hn '^#include "' "$@" |
		grep -v "\"\\(config\\.h\\|i18n\\.h\\|util/[^\"]*\\|$own\\)\"")
	[[ -z $hits ]] || bad+=("$what: $hits")
}
only_util "util/ includes only util/" 'util/[^"]*' src/util/*.[ch]
only_util "loop.c and event.c include only util/" 'loop\.h\|event\.h' src/loop.c src/event.c
check_none "net/ includes no xmpp/, ft/ or front end" src/net '\(ui\|batch\|cmd\|xmpp\|ft\)/'
check_none "xmpp/ includes no ft/, net/, cmd/ or front end" src/xmpp '\(ui\|batch\|cmd\|ft\|net\)/'
check_none "ft/ includes no cmd/ or front end" src/ft '\(ui\|batch\|cmd\)/'
check_none "cmd/ includes no batch/" src/cmd 'batch/'
check_none "ui/ includes no batch/" src/ui 'batch/'
check_none "batch/ includes no ui/" src/batch 'ui/'

# Libraries in their corner.
only_in() { # header-name header-pattern allowed-prefix...
	local name=$1 pat=$2 f ok p
	shift 2
	while IFS= read -r f; do
		ok=false
		for p in "$@"; do
			[[ $f == "$p"* ]] && ok=true
		done
		$ok || bad+=("$f includes $name, which $doc keeps to $*")
	done < <(grep -rl --include='*.[ch]' "^#include <$pat" src | sort)
}
only_in curses 'n\?curses' src/ui/
only_in readline 'readline/' src/ui/
only_in libstrophe 'strophe\.h' src/xmpp/ src/ft/
only_in c-ares 'ares\.h' src/net/
only_in expat 'expat\.h' src/xmpp/raw.c
only_in libinih 'ini\.h' src/cfg.c

if ! awk '/^## /{on = ($0 == "## Layout")} on && /HACKING\.md/{found = 1} END{exit !found}' \
	README.md; then
	bad+=("README.md's Layout section does not point to $doc")
fi

if ((${#bad[@]} > 0)); then
	echo "FAIL: $doc is out of date:"
	printf '  %s\n' "${bad[@]}"
	exit 1
fi
echo "PASS: $doc names every folder and .c file of src/, and what it names exists"
