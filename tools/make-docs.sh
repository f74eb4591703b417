#!/usr/bin/env bash
# Regenerates the docs that show output, from real runs of the built binary:
#   docs/scenarios/NN-name.md   `racedemo explain N --markdown` (deterministic; a test checks it)
#   docs/real-runs.md           real-thread runs of every scenario, both variants (they vary)
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
