#!/usr/bin/env bash
# Installs the staff console's browser libraries, htmx and Apache ECharts, from npm at the
# versions services/console/package-lock.json pins (`npm ci`, integrity-checked), and copies
# their minified builds into services/console/src/console/static/vendor/, where the pages
# load them. The folder is git-ignored: the project's own set-up makes it, nothing is
# committed. Does nothing when both files are there from the locked versions. The console's
# image runs the same `npm ci` in a node stage (deploy/service.Dockerfile).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONSOLE="$ROOT/services/console"
VENDOR="$CONSOLE/src/console/static/vendor"
# What the pages load, and where each package keeps its minified build.
FILES=("htmx.org/dist/htmx.min.js" "echarts/dist/echarts.min.js")

# The lock's hash, recorded beside the files: a changed pin fetches again.
stamp="$(sha256sum "$CONSOLE/package-lock.json" | cut -d' ' -f1)"
have() {
  [ "$(cat "$VENDOR/.lock-sha256" 2>/dev/null)" = "$stamp" ] || return 1
  for file in "${FILES[@]}"; do [ -s "$VENDOR/$(basename "$file")" ] || return 1; done
}

if have; then exit 0; fi
command -v npm >/dev/null || {
  echo "npm is needed for the console's htmx and ECharts: run 'sudo apt-get install -y npm'" >&2
  exit 1
}
echo "installing the console's htmx and Apache ECharts from npm (package-lock.json) ..."
# Quiet unless it fails: then npm's own words say why. No install scripts: the two
# packages are plain files and need none.
out=$(cd "$CONSOLE" && npm ci --ignore-scripts --no-audit --no-fund 2>&1) || {
  echo "$out" >&2
  exit 1
}
mkdir -p "$VENDOR"
for file in "${FILES[@]}"; do
  cp "$CONSOLE/node_modules/$file" "$VENDOR/"
done
echo "$stamp" >"$VENDOR/.lock-sha256"
