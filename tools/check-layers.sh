#!/usr/bin/env bash
# The layers keep to their order: a file includes only its own layer's headers and those of
# the layers below it (docs/architecture.md). From the bottom: include/racedemo (the scenario
# API), core, then engine and real (side by side: neither includes the other), present, cli.
# demos/ see the scenario API alone. The build enforces the same (each layer's library sees
# only the layers it links); this names the offending line. Run by ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
allowed() {
    case "$1" in
        include/racedemo) echo "racedemo" ;;
        src/core) echo "racedemo core" ;;
        src/engine) echo "racedemo core engine" ;;
        src/real) echo "racedemo core real" ;;
        src/present) echo "racedemo core present" ;;
        src/cli) echo "racedemo core engine real present cli" ;;
        demos) echo "racedemo" ;;
    esac
}
status=0
for layer in include/racedemo src/core src/engine src/real src/present src/cli demos; do
    ok=" $(allowed "$layer") "
    while IFS= read -r line; do
        file=${line%%:*}
        target=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"${line#*:}")
        top=${target%%/*}
        [ "$top" = "$target" ] && continue  # a file beside it ("go_map.hpp")
        if [[ "$ok" != *" $top "* ]]; then
            echo "check-layers: $file includes \"$target\": $layer may include only: $(allowed "$layer")"
            status=1
        fi
    done < <(grep -rHn '^#include "' "$layer" --include='*.hpp' --include='*.cpp' |
             sed -E 's/^([^:]+):[0-9]+:/\1:/')
done
if [ "$status" -eq 0 ]; then
    echo "check-layers: PASS (every include is of its own layer or a layer below)"
fi
exit $status
