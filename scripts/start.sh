#!/usr/bin/env bash
# `npm start`: install what is missing, start local Neo4j and Redis unless NEO4J_URI / REDIS_URL
# point elsewhere, then run the API and the worker in the foreground (Ctrl-C stops it gracefully).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/install.sh
# The lineage explorer the API serves at /explorer/ (rebuilt only when its sources changed).
bash scripts/build-web.sh
if [ -z "${REDIS_URL:-}" ]; then
  bash scripts/redis.sh start
  export REDIS_URL="redis://127.0.0.1:${REDIS_PORT:-6379}"
fi
if [ -z "${NEO4J_URI:-}" ]; then
  bash scripts/neo4j.sh start
  export NEO4J_URI="bolt://127.0.0.1:${NEO4J_BOLT_PORT:-7687}"
fi
if [ -z "${TRUST_POLICY_FILE:-}" ] && [ -f config/trust-policy.json ]; then
  export TRUST_POLICY_FILE="$root/config/trust-policy.json"
fi
echo "(local Neo4j and Redis keep running after the service stops: 'npm run services -- down' stops them)"
exec "$root/node_modules/.bin/node" src/main.ts
