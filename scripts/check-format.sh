#!/usr/bin/env bash
# Checks every C++ file of the project against .clang-format (clang-format 14, Debian 12's) and
# fails naming the files that differ. With --fix, formats them in place instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mapfile -t files < <(find app core ui tests resources/examples \( -name '*.cpp' -o -name '*.h' \) -not -path 'tests/fuzz/corpus/*' | sort)
if [ "${1:-}" = "--fix" ]; then
    clang-format -i "${files[@]}"
    exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/loopscope-format.$$; then
    grep -o '^[^:]*:[0-9]*:[0-9]*: error' /tmp/loopscope-format.$$ | cut -d: -f1 | sort -u | sed 's/^/  not formatted: /' >&2
    rm -f /tmp/loopscope-format.$$
    echo "check-format: run 'bash scripts/check-format.sh --fix' to format these files" >&2
    exit 1
fi
rm -f /tmp/loopscope-format.$$
echo "check-format: ${#files[@]} files follow .clang-format"
