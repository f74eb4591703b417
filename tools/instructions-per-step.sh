#!/usr/bin/env bash
# Instructions per model step of every scenario, counted by callgrind: the instructions of the
# explorer's executions (Explorer::execute, everything it calls included: the 2,000 random
# schedules at 3 threads and the one replayed traced to be shown), divided by their steps. Unlike a rate in seconds this does not move
# with the load of a shared machine, so two builds can be compared one after the other.
# Usage: tools/instructions-per-step.sh [path/to/racedemo]   (a Release build: build-rel/racedemo)
set -euo pipefail
racedemo=${1:-build-rel/racedemo}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# SCENARIOS="a b" measures only those.
for scenario in ${SCENARIOS:-unsafe-map mutex-map trie-race stack rwmutex-cache counter read-only}; do
    args=("$scenario" --mode model --strategy random --runs 2000 --threads 3 --seed 1)
    steps=$("$racedemo" "${args[@]}" --json | /usr/bin/python3 -c \
        'import json, sys; print(json.load(sys.stdin)["steps"])')
    valgrind --tool=callgrind --callgrind-out-file="$out/$scenario" "$racedemo" "${args[@]}" \
        > /dev/null 2>&1
    loop=$(callgrind_annotate --inclusive=yes "$out/$scenario" | awk '/Explorer::execute/ {
        if (!found) { gsub(",", "", $1); print $1; found = 1 } }')
    printf '%-14s %5d instructions per step\n' "$scenario" $((loop / steps))
done
