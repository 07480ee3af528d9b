#!/bin/bash
# The C sources follow .clang-format. Lists the files that do not; fix with
#   clang-format -i FILE...
# Skipped (exit 77) where clang-format is not installed.
set -u
srcdir=${JABIRU_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
command -v clang-format >/dev/null 2>&1 || {
	echo "SKIP: clang-format is not installed"
	exit 77
}
cd "$srcdir" || exit 99
[[ -f .clang-format ]] || {
	echo "FAIL: no .clang-format in $srcdir"
	exit 1
}
bad=()
while IFS= read -r -d '' f; do
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(find src tests bench -name '*.[ch]' -print0 2>/dev/null | sort -z)
if ((${#bad[@]} > 0)); then
	echo "FAIL: not formatted as .clang-format says:"
	printf '  %s\n' "${bad[@]}"
	exit 1
fi
echo "PASS: every C file follows .clang-format"
