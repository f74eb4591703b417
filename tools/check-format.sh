#!/usr/bin/env bash
# Every C++ source of the project is formatted as .clang-format says (clang-format --dry-run).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src include demos tests bench -name '*.cpp' -o -name '*.hpp' | sort)
if ! report=$(clang-format --dry-run -Werror "${files[@]}" 2>&1); then
    printf '%s\n' "$report" | grep 'error:' | sed 's/ error: code should be clang-formatted.*//'
    echo "check-format: the files above differ from clang-format's layout (make format fixes them)"
    exit 1
fi
echo "check-format: ${#files[@]} files formatted"
