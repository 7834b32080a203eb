#!/usr/bin/env bash
# Debian's Chromium for the explorer's browser tests (test/e2e/). Playwright's own browser downloads
# need the internet beyond the package registries, so the tests drive the distribution's build instead.
# Installs it with apt-get when missing and this runs as root; otherwise says how, and fails.
# Usage: scripts/chromium.sh [path]   (prints the executable's path)
set -euo pipefail
bin=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$bin" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "chromium: installing Debian's chromium package" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "chromium: $bin is missing; install it (Debian: sudo apt-get install --no-install-recommends chromium) or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
[ -x "$bin" ] || { echo "chromium: $bin still missing after the install" >&2; exit 1; }
[ "${1:-}" = path ] && echo "$bin"
exit 0
