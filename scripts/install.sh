#!/usr/bin/env bash
# Installs the npm dependencies (and with them Node 24, the `node` devDependency) when the lock file
# changed since the last install. Sourced by start.sh and test.sh so both commands work on a fresh clone.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
stamp="$root/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ] || [ ! -x "$root/node_modules/.bin/node" ]; then
  echo "install: npm ci (from package-lock.json)" >&2
  # `npm ci` installs exactly the lock and never writes it, so a fresh clone stays clean (`npm install` may
  # rewrite the lock, e.g. adding other platforms' optional msgpackr-extract entries when they are missing). The
  # lock lists every platform's optional binaries, as npm 11 writes it; after changing dependencies, commit the
  # lock `npm install` writes, then check that `npm ci` accepts it.
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
version=$("$root/node_modules/.bin/node" --version)
case "$version" in
  v24.*) ;;
  *) echo "install: expected Node 24 from node_modules/.bin/node, got $version" >&2; exit 1 ;;
esac
