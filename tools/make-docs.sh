#!/usr/bin/env bash
# Regenerates the docs that show output, from real runs of the built binary:
#   docs/scenarios/NN-name.md   `racedemo explain N --markdown` (deterministic; a test checks it)
#   docs/real-runs.md           real-thread runs of every scenario, both variants (they vary),
#                               after the table of how often each bug shows, with and without
#                               noise (tools/bug-rates.py --load 2: about 5 minutes; RATES=FILE
#                               takes a table it printed before instead)
# Usage: tools/make-docs.sh [path/to/racedemo]
set -euo pipefail
cd "$(dirname "$0")/.."
racedemo=${1:-build/racedemo}
export NO_COLOR=1
mkdir -p docs/scenarios

"$racedemo" list | while read -r number name _; do
    page=$(printf 'docs/scenarios/%02d-%s.md' "$number" "$name")
    "$racedemo" explain "$name" --markdown > "$page"
    echo "wrote $page"
done

{
    echo "# Real runs"
    echo
    echo "Every scenario on real threads, unsafe and fixed, as racedemo printed it on"
    echo "$(date -u +%Y-%m-%d) on a $(nproc)-core $(uname -m) machine (\`tools/make-docs.sh\`)."
    echo "Real threads are nondeterministic: your counts and traces will differ."
    echo
    echo "## How often a run shows the bug, with and without noise"
    echo
    echo "By default an unsafe variant runs with noise (\`--noise on\`): at 1 step in 8 a thread"
    echo "yields, spins or sleeps up to 200 µs, and a thread asking for a lock while it holds one"
    echo "sleeps one time in two, as IBM's ConTest and rr's chaos mode perturb a program. Runs (of"
    echo "20, each a default run of up to 150 ms of rounds) that went wrong in any way, with noise"
    echo "on / off, on this machine with two busy processes beside it:"
    echo
    echo '```console'
    echo '$ /usr/bin/python3 tools/bug-rates.py build/racedemo --load 2'
    echo '```'
    echo
    if [[ -n "${RATES:-}" ]]; then cat "$RATES"; else /usr/bin/python3 tools/bug-rates.py "$racedemo" --load 2; fi
    echo
    echo "Without noise, three threads on two cores rarely all hold a first lock at once: the"
    echo "lock-order ring and rwmutex-recursive's reader behind a queued writer then almost never"
    echo "happen, and a run that shows nothing says NO BUG FOUND, never CLEAN."
    echo
    "$racedemo" list | while read -r number name _; do
        printf '## %02d %s\n\n' "$number" "$name"
        for args in "$name" "$name --threads 8" "$name --fixed --threads 8"; do
            printf '```console\n$ racedemo %s\n' "$args"
            # shellcheck disable=SC2086
            "$racedemo" $args
            printf '```\n\n'
        done
    done
} > docs/real-runs.md
echo "wrote docs/real-runs.md"
