#!/usr/bin/env bash
# The build's time with and without unity builds (RACEDEMO_UNITY_BUILD), side by side: each
# configuration built from nothing in a scratch directory, one after the other, with the same
# -j. Prints a Markdown table for docs/performance.md.
#
# Usage: tools/build-time.sh [JOBS]      (default: nproc)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${1:-$(nproc 2>/dev/null || echo 2)}
work=$(mktemp -d "${TMPDIR:-/tmp}/racedemo-build-time.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "| RACEDEMO_UNITY_BUILD | wall | CPU (user + system) |"
echo "|---|---:|---:|"
for unity in OFF ON; do
    build=$work/$unity
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DRACEDEMO_UNITY_BUILD=$unity >/dev/null
    # bash's own time: real, and the CPU time of the compilers (children) too.
    TIMEFORMAT="%R %U %S"
    { time cmake --build "$build" -j "$jobs" >/dev/null 2>&1; } 2>"$work/time"
    read -r wall user system <"$work/time"
    printf '| %s | %.0f s | %.0f s |\n' "$unity" "$wall" "$(awk "BEGIN { print $user + $system }")"
    rm -rf "$build"
done
