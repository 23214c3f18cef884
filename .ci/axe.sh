#!/usr/bin/env bash
# Print the path of axe-core's axe.min.js, fetched with npm into .ci/axe-core (git-ignored),
# so the accessibility test of the HTML report runs instead of skipping. Quiet; exits non-zero
# (and prints nothing) when npm is missing or cannot fetch the package.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f axe-core/package/axe.min.js ]; then
    command -v npm >/dev/null 2>&1 || exit 1
    rm -rf axe-core && mkdir axe-core
    (cd axe-core && npm pack axe-core --silent >/dev/null 2>&1 && tar xzf axe-core-*.tgz)
fi
echo "$PWD/axe-core/package/axe.min.js"
