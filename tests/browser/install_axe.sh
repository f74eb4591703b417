#!/usr/bin/env bash
# The page test's setup (a ctest fixture): axe-core, the accessibility engine it runs in the
# browser, from the npm registry into the build tree, at the pinned version. Only when it is not
# there yet: the test itself needs no network. Usage: install_axe.sh DIR VERSION
set -euo pipefail
dir=$1
version=$2
package=$dir/node_modules/axe-core/package.json
if [ -f "$dir/node_modules/axe-core/axe.min.js" ] && grep -q "\"version\": \"$version\"" "$package"; then
    echo "axe-core $version: already in $dir"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "install_axe: npm is missing (make test installs Debian's npm)" >&2
    exit 1
fi
mkdir -p "$dir"
# --prefix: into the build tree, never the source tree; no package.json of ours to save to.
npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "axe-core@$version"
grep -q "\"version\": \"$version\"" "$package"
echo "axe-core $version: installed in $dir"
