#!/usr/bin/env bash
# The .deb that `make package` builds: it holds what it should, and unpacked under another path
# (not installed), its racedemo runs, finds its ThreadSanitizer twin beside it, and builds a
# project made with `racedemo new` against the package's own CMake files.
# Usage: check_deb.sh PACKAGE.deb
set -euo pipefail
deb=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

contents=$(dpkg-deb -c "$deb")
for file in ./usr/bin/racedemo ./usr/bin/racedemo-tsan ./usr/share/man/man1/racedemo.1 \
    ./usr/share/bash-completion/completions/racedemo ./usr/include/racedemo/scenario.hpp \
    ./usr/lib/cmake/racedemo/racedemoConfig.cmake ./usr/lib/cmake/racedemo/racedemoScenario.cmake \
    ./usr/lib/cmake/racedemo/racedemoEmbedPlugin.cmake \
    ./usr/share/doc/racedemo/README.md ./usr/share/doc/racedemo/writing-scenarios.md; do
    grep -q " $file\$" <<<"$contents" || fail "the package has no $file"
done
depends=$(dpkg-deb -f "$deb" Depends)
grep -q "libfmt" <<<"$depends" || fail "the package does not depend on libfmt: $depends"

dpkg-deb -x "$deb" "$root"
racedemo=$root/usr/bin/racedemo
"$racedemo" --version | grep -q "^racedemo " || fail "the unpacked racedemo does not run"
"$racedemo" list | grep -q "trie-race" || fail "the unpacked racedemo lists no scenarios"
"$racedemo" counter --fixed --detector tsan --runs 1 --expect clean >/dev/null ||
    fail "the unpacked racedemo does not find its ThreadSanitizer twin beside it"
# Its CMake files build a plugin that it lists; what the plugin then does is the SDK test's, which
# ctest runs against the install (sdk_outside_the_tree): the same headers and files.
SDK_BUILD_ONLY=1 bash "$here/../sdk/test_sdk.sh" "" "$root/usr"
echo "package: PASS ($(basename "$deb"): contents, unpacked under $root, a plugin built from it)"
