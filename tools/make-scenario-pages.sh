#!/usr/bin/env bash
# Writes docs/scenarios/NN-name.md for every scenario from real runs of the built binary, so the
# pages show real output. Usage: tools/make-scenario-pages.sh [path/to/racedemo]
set -euo pipefail
cd "$(dirname "$0")/.."
racedemo=${1:-build/racedemo}
export NO_COLOR=1

# Prints a fenced block with the command and what it printed.
show() {
    printf '```console\n$ racedemo %s\n' "$*"
    "$racedemo" "$@" || true
    printf '```\n\n'
}

"$racedemo" list | while read -r number name summary; do
    page=$(printf 'docs/scenarios/%02d-%s.md' "$number" "$name")
    {
        printf '# %02d %s\n\n%s\n\n' "$number" "$name" "$summary"
        printf '## The lesson\n\n'
        show explain "$name"
        printf '## Real threads\n\n'
        printf 'Each run is a child process that repeats the scenario (a round) until a round\n'
        printf 'corrupts or its rounds run out. Real threads are nondeterministic: your counts will differ.\n\n'
        show "$name"
        show "$name" --fixed --threads 8
        printf '## Model scheduler\n\n'
        printf 'Every schedule explored; the shortest one that corrupts is shown and can be replayed.\n\n'
        show "$name" --mode model --explore
        show "$name" --mode model --explore --fixed
    } > "$page"
    echo "wrote $page"
done
