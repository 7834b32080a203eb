#!/usr/bin/env bash
# Installs the npm dependencies (and with them Node 24, the `node` devDependency) when the lock file
# changed since the last install. Sourced by start.sh and test.sh so both commands work on a fresh clone.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
stamp="$root/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ] || [ ! -x "$root/node_modules/.bin/node" ]; then
  echo "install: npm install (from package-lock.json)" >&2
  # Not `npm ci`: npm 11 rejects this lock file as out of sync because it omits other platforms' optional
  # msgpackr-extract binaries, although `npm install` resolves the same tree from it without changing it.
  (cd "$root" && npm install --no-audit --no-fund --loglevel=error)
fi
version=$("$root/node_modules/.bin/node" --version)
case "$version" in
  v24.*) ;;
  *) echo "install: expected Node 24 from node_modules/.bin/node, got $version" >&2; exit 1 ;;
esac
