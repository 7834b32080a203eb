#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh clone. Installs dependencies, starts local Neo4j and Redis
# unless NEO4J_URI / REDIS_URL are set (and stops only what it started), runs the static checks,
# then every test. The last lines are node's test-runner summary; the exit code is non-zero when
# any check or test fails.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# The run must leave the checkout as it found it (no tracked file rewritten, nothing untracked left behind):
# compared at the end, so a fresh clone stays clean and edits in progress do not fail the run.
in_git=$(git rev-parse --is-inside-work-tree 2>/dev/null || echo false)
status_before=""
[ "$in_git" = true ] && status_before=$(git status --porcelain)
bash scripts/install.sh
bash scripts/build-web.sh
# The explorer's browser tests (test/e2e/) drive Debian's Chromium.
bash scripts/chromium.sh
node="$root/node_modules/.bin/node"

started=()
cleanup() {
  for service in "${started[@]}"; do bash "scripts/$service.sh" stop >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
if [ -z "${REDIS_URL:-}" ]; then
  bash scripts/redis.sh status >/dev/null 2>&1 || started+=(redis)
  bash scripts/redis.sh start
  export REDIS_URL="redis://127.0.0.1:${REDIS_PORT:-6379}"
fi
if [ -z "${NEO4J_URI:-}" ]; then
  bash scripts/neo4j.sh status >/dev/null 2>&1 || started+=(neo4j)
  bash scripts/neo4j.sh start
  export NEO4J_URI="bolt://127.0.0.1:${NEO4J_BOLT_PORT:-7687}"
fi

echo "== static checks (types, lint, format, domain boundaries)"
npm run --silent lint

echo "== tests"
# Each file runs in its own process; integration tests own unique queue names and ids, so two run at once.
"$node" --test --test-reporter=spec --test-concurrency=2 --test-timeout=600000 \
  'test/unit/**/*.test.ts' 'test/conformance/**/*.test.ts' 'test/integration/**/*.test.ts' 'test/e2e/**/*.test.ts' || result=$?

if [ "$in_git" = true ]; then
  status_after=$(git status --porcelain)
  if [ "$status_after" != "$status_before" ]; then
    echo "" >&2
    echo "npm test FAILED: the run changed the checkout (git status --porcelain before / after):" >&2
    diff <(printf '%s\n' "$status_before") <(printf '%s\n' "$status_after") >&2 || true
    echo "Ignore what tests write in .gitignore, or stop rewriting tracked files." >&2
    result=1
  fi
fi
exit "${result:-0}"
