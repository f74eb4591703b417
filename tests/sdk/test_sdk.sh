#!/usr/bin/env bash
# The SDK as a user outside the tree has it: install racedemo's build to a scratch prefix, make a
# project with `racedemo new`, build it unchanged against the installed CMake package, and run
# the plugin through --plugin and RACEDEMO_PLUGIN_PATH, in both modes, and through `check`.
# Usage: test_sdk.sh BUILD_DIR [PREFIX]   (with PREFIX: use racedemo installed there instead)
# SDK_BUILD_ONLY=1: only as far as the plugin built and listed (the package check, which comes
# after `make test` has run the whole of this against the install: the SDK is tested once).
set -euo pipefail
build=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

prefix=${2:-}
if [ -z "$prefix" ]; then
    prefix=$scratch/prefix
    cmake --install "$build" --prefix "$prefix" >/dev/null
fi
racedemo=$prefix/bin/racedemo
[ -x "$racedemo" ] || fail "no racedemo in $prefix/bin"
for file in include/racedemo/scenario.hpp lib/cmake/racedemo/racedemoConfig.cmake; do
    [ -f "$prefix/$file" ] || fail "the install has no $file"
done

cd "$scratch"
"$racedemo" new bank-race >new.out
grep -q "bank-race" new.out || fail "racedemo new said: $(cat new.out)"
for file in CMakeLists.txt bank-race.cpp README.md; do
    [ -f "bank-race/$file" ] || fail "racedemo new wrote no $file"
done
cmake -S bank-race -B b -DCMAKE_PREFIX_PATH="$prefix" >configure.out 2>&1 ||
    { cat configure.out; fail "the project does not configure against the package"; }
cmake --build b -j 2 >build.out 2>&1 || { cat build.out; fail "the project does not build"; }
[ -f b/bank-race.so ] || fail "no b/bank-race.so"

plugin=(--plugin "$scratch/b/bank-race.so")
"$racedemo" "${plugin[@]}" list >list.out
grep -Eq "^12  bank-race .*\[plugin $scratch/b/bank-race.so\]$" list.out ||
    fail "list does not show the plugin after the built-ins: $(tail -n 2 list.out)"
if [ "${SDK_BUILD_ONLY:-}" = 1 ]; then
    echo "sdk: PASS (new, build against the package, --plugin list)"
    exit 0
fi
# explain shows the scenario's own code, which racedemo_add_scenario embedded in the plugin.
"$racedemo" "${plugin[@]}" explain bank-race --color never >explain.out
grep -q "^The code, from bank-race.cpp" explain.out && grep -q "balance_.store(balance + amount);" explain.out ||
    { cat explain.out; fail "explain does not show the plugin's code"; }
"$racedemo" "${plugin[@]}" bank-race --mode model --explore --expect corrupt >/dev/null ||
    fail "the unsafe variant does not corrupt in the model"
"$racedemo" "${plugin[@]}" bank-race --fixed --mode model --explore --expect clean >/dev/null ||
    fail "the fixed variant is not clean in the model"
"$racedemo" "${plugin[@]}" bank-race --fixed --runs 5 --expect clean >/dev/null ||
    fail "the fixed variant is not clean on real threads"
# The unsafe variant on real threads: whatever the outcome, the runs add up to those asked for.
"$racedemo" "${plugin[@]}" bank-race --runs 5 --json >real.json
/usr/bin/python3 - real.json <<'PY' || fail "the unsafe real runs do not add up"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["runs"] == 5, report["runs"]
assert sum(report["outcomes"].values()) == 5, report["outcomes"]
PY

RACEDEMO_PLUGIN_PATH=$scratch/b "$racedemo" list | grep -q "bank-race" ||
    fail "RACEDEMO_PLUGIN_PATH does not load the plugin"
RACEDEMO_PLUGIN_PATH=$scratch/b "$racedemo" bank-race --mode model --explore --expect corrupt \
    >/dev/null || fail "the plugin from RACEDEMO_PLUGIN_PATH does not run"

"$racedemo" "${plugin[@]}" check bank-race >check.out || { cat check.out; fail "check of the fixed variant fails"; }
set +e
"$racedemo" "${plugin[@]}" check bank-race --variant unsafe >check-unsafe.out
code=$?
set -e
[ "$code" = 1 ] || fail "check --variant unsafe exits $code, not 1"
grep -q -- "replay: racedemo --plugin $scratch/b/bank-race.so bank-race --mode model" check-unsafe.out ||
    fail "check --variant unsafe gives no replay naming the plugin"
echo "sdk: PASS (new, build against the package, --plugin, explain, RACEDEMO_PLUGIN_PATH, both modes, check)"
