#!/usr/bin/env bash
# Local Redis for dev and CI, from Debian's redis-server package: loopback only, AOF on,
# noeviction (BullMQ must never lose a job to eviction). Data under <repo>/.data/redis.
# Usage: scripts/redis.sh start|stop|status
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=${REDIS_PORT:-6379}
dir="$root/.data/redis"
pidfile="$root/.data/redis.pid"

ensure_installed() {
  command -v redis-server >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "redis: installing redis-server from Debian packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis: redis-server is not installed; install it (Debian: sudo apt-get install redis-server) or set REDIS_URL" >&2
    exit 1
  fi
}

answering() { redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; }

case "${1:-}" in
  start)
    ensure_installed
    if answering; then
      echo "redis: already answering on 127.0.0.1:$port"
      exit 0
    fi
    mkdir -p "$dir"
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" \
      --appendonly yes --appendfsync everysec \
      --maxmemory "${REDIS_MAXMEMORY:-1gb}" --maxmemory-policy noeviction \
      --save "" --daemonize yes --pidfile "$pidfile" --logfile "$root/.data/redis.log"
    for _ in $(seq 1 100); do
      answering && { echo "redis: ready redis://127.0.0.1:$port"; exit 0; }
      sleep 0.1
    done
    echo "redis: did not start; see $root/.data/redis.log" >&2
    tail -n 20 "$root/.data/redis.log" >&2 || true
    exit 1
    ;;
  stop)
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      pid=$(cat "$pidfile")
      # SHUTDOWN flushes the AOF before exiting.
      redis-cli -h 127.0.0.1 -p "$port" shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      echo "redis: stopped"
    else
      echo "redis: not running (started by this project)"
    fi
    rm -f "$pidfile"
    ;;
  status)
    if answering; then echo "redis: running on 127.0.0.1:$port"; else echo "redis: stopped"; exit 3; fi
    ;;
  *)
    echo "usage: scripts/redis.sh start|stop|status   (REDIS_PORT, default 6379)" >&2
    exit 2
    ;;
esac
