#!/usr/bin/env bash
# Runs the libFuzzer target for a bounded time (make fuzz).
#
# Usage: tests/fuzz/run_fuzz.sh FUZZER [SECONDS]     (SECONDS default: 60)
# Seeds from tests/fuzz/corpus/ (read only); what the fuzzer learns goes to a corpus beside the
# fuzzer binary, kept between runs; a crash (or a broken contract, which aborts) is written to
# tests/fuzz/crashes/, where the regression test of `make test` replays it from then on.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fuzzer=${1:?usage: run_fuzz.sh FUZZER [SECONDS]}
seconds=${2:-60}
fuzzer=$(cd "$(dirname "$fuzzer")" && pwd)/$(basename "$fuzzer")
learned=$(dirname "$fuzzer")/corpus
crashes=$here/crashes
log=$(dirname "$fuzzer")/fuzz.log
mkdir -p "$learned" "$crashes"

echo "== fuzzing the command line for ${seconds} s: $(ls "$here/corpus" | wc -l) seeds, log in $log"
# -timeout: an input that takes 10 s is a hang; -rss_limit_mb: one that takes 2 GB is a bug too.
# UBSan findings abort (the build has -fno-sanitize-recover=undefined) and so become crashes.
ASAN_OPTIONS="abort_on_error=1:${ASAN_OPTIONS:-}" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
    "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=512 \
    -dict="$here/cli.dict" -artifact_prefix="$crashes/" -print_final_stats=1 \
    "$learned" "$here/corpus" >"$log" 2>&1
status=$?

grep -E '^INFO: (seed corpus|Loaded [0-9]+ modules|-max_len)|^#[0-9]+[[:space:]]+(INITED|DONE)|^Done [0-9]+ runs|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log"
if [ "$status" -eq 0 ] && grep -q '^Done [0-9]* runs' "$log"; then
    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 inputs in \2 s/p' "$log")
    echo "fuzz: PASS, ${runs}, no crash, every input returned or threw UsageError" \
        "($(ls "$learned" | wc -l) inputs in the learned corpus)"
else
    echo "---- the end of $log:"
    tail -40 "$log"
    found=$(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //' | tail -1)
    echo "fuzz: FAIL (exit $status)${found:+: the input is saved in $found; replay it with $fuzzer $found,}" \
        "${found:+and make test replays it from now on}"
    exit 1
fi
