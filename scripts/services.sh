#!/usr/bin/env bash
# Brings the local Neo4j and Redis up or down together (no Docker needed).
# Usage: npm run services -- up|down|status
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case "${1:-}" in
  up)
    bash "$here/redis.sh" start
    bash "$here/neo4j.sh" start
    echo "export NEO4J_URI=bolt://127.0.0.1:${NEO4J_BOLT_PORT:-7687} REDIS_URL=redis://127.0.0.1:${REDIS_PORT:-6379}"
    ;;
  down)
    bash "$here/neo4j.sh" stop
    bash "$here/redis.sh" stop
    ;;
  status)
    rc=0
    bash "$here/redis.sh" status || rc=3
    bash "$here/neo4j.sh" status || rc=3
    exit $rc
    ;;
  *)
    echo "usage: npm run services -- up|down|status" >&2
    echo "  up      start local Redis (port REDIS_PORT, default 6379) and Neo4j (NEO4J_BOLT_PORT, default 7687)" >&2
    echo "  down    stop them (data stays in .data/)" >&2
    echo "  status  exit 0 when both answer" >&2
    exit 2
    ;;
esac
