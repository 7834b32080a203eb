#!/usr/bin/env bash
# Builds the lineage explorer (src/explorer/) into dist/explorer/, which the API serves at /explorer/:
# esbuild bundles the TypeScript with cytoscape into one script; the page and its styles are copied.
# Rebuilds only when a source file or the lock file is newer than the last build. Called by start.sh
# and test.sh (after install.sh); `npm run build:web` runs it by hand, `--force` rebuilds regardless.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src="$root/src/explorer"
out="$root/dist/explorer"
stamp="$out/.built"

if [ "${1:-}" != --force ] && [ -f "$stamp" ] &&
  [ -z "$(find "$src" "$root/package-lock.json" "${BASH_SOURCE[0]}" -newer "$stamp" -print -quit)" ]; then
  exit 0
fi
echo "build-web: bundling src/explorer into dist/explorer" >&2
tmp="$root/dist/.explorer-tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
"$root/node_modules/.bin/esbuild" "$src/main.ts" --bundle --format=esm --platform=browser --target=es2022 \
  --minify --sourcemap --legal-comments=eof --log-level=warning --outfile="$tmp/explorer.js"
cp "$src/index.html" "$src/explorer.css" "$tmp/"
# Swap the folder in whole, so a running server never serves half a build.
rm -rf "$out"
mv "$tmp" "$out"
touch "$stamp"
