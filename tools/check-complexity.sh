#!/usr/bin/env bash
# Every function in src/ and include/ stays small: at most 60 lines and cyclomatic complexity
# 15, as pmccabe measures them (columns: modified CCN, CCN, statements, first line, lines).
# Prints each offender and fails; prints one PASS line otherwise. Run by ctest and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pmccabe >/dev/null 2>&1; then
    echo "check-complexity: pmccabe is not installed (apt-get install pmccabe)" >&2
    exit 1
fi
mapfile -t files < <(find src include -name '*.cpp' -o -name '*.hpp' | sort)
offenders=$(pmccabe "${files[@]}" | awk '$2 > 15 || $5 > 60 {
    printf "  CCN %3d  %4d lines  %s %s\n", $2, $5, $6, $7 }')
if [ -n "$offenders" ]; then
    echo "check-complexity: FAIL: functions over 60 lines or cyclomatic complexity 15:"
    echo "$offenders"
    exit 1
fi
echo "check-complexity: PASS (${#files[@]} files, every function within 60 lines and CCN 15)"
