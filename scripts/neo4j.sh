#!/usr/bin/env bash
# Dev/CI Neo4j 5.26 Community without Docker: an embedded DBMS with Bolt on,
# built from Maven Central jars (see scripts/neo4j/).
#
#   scripts/neo4j.sh build|start|stop|status|wait
#
# Environment: NEO4J_BOLT_PORT (7687), NEO4J_HEAP (768m), NEO4J_PAGECACHE (256m),
# NEO4J_HOME_DIR (<repo>/.data/neo4j), NEO4J_READY_TIMEOUT (120 seconds).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd)"
PROJECT_DIR="$SCRIPT_DIR/neo4j"
TARGET_DIR="$PROJECT_DIR/target"
DATA_DIR="$REPO_ROOT/.data"

PORT="${NEO4J_BOLT_PORT:-7687}"
HOME_DIR="${NEO4J_HOME_DIR:-$DATA_DIR/neo4j}"
[[ "$HOME_DIR" == /* ]] || HOME_DIR="$REPO_ROOT/$HOME_DIR"
READY_FILE="$HOME_DIR/ready"
# Beside the home directory (.data/neo4j.log and .data/neo4j.pid by default), so a second instance
# with its own NEO4J_HOME_DIR (a test's private server) never overwrites the first one's pid or log.
LOG_FILE="$HOME_DIR.log"
PID_FILE="$HOME_DIR.pid"
READY_TIMEOUT="${NEO4J_READY_TIMEOUT:-120}"
STOP_TIMEOUT=60

# The flags Neo4j's own server scripts add: its page cache and Netty reach into
# NIO internals that Java 17 otherwise keeps closed.
JVM_FLAGS=(
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
  # A dev server should die loudly rather than limp on after running out of heap.
  -XX:+ExitOnOutOfMemoryError
)

log() { printf 'neo4j.sh: %s\n' "$*" >&2; }

ensure_toolchain() {
  if command -v java >/dev/null && command -v mvn >/dev/null; then
    return
  fi
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "java/mvn missing; installing openjdk-17-jdk-headless and maven"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jdk-headless maven
  else
    log "java 17 and mvn are required (apt-get install openjdk-17-jdk-headless maven)"
    exit 1
  fi
}

needs_build() {
  [[ -f "$TARGET_DIR/classes/dev/provenance/neo4j/Launcher.class" && -d "$TARGET_DIR/lib" ]] || return 0
  # Any source or the pom newer than the compiled launcher means a rebuild.
  [[ -n $(find "$PROJECT_DIR/pom.xml" "$PROJECT_DIR/src" -type f \
            -newer "$TARGET_DIR/classes/dev/provenance/neo4j/Launcher.class" -print -quit) ]]
}

cmd_build() {
  ensure_toolchain
  needs_build || return 0
  log "building launcher (mvn package)"
  local out
  out="$(mktemp)"
  # Maven 3.8's -q still emits stray ANSI resets, so keep its output for failures only.
  if ! mvn -B -q -f "$PROJECT_DIR/pom.xml" package -DskipTests >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    log "build failed"
    exit 1
  fi
  rm -f "$out"
  # A failed or interrupted earlier build could leave the class older than the
  # sources; touching it keeps needs_build from rebuilding on every start.
  touch "$TARGET_DIR/classes/dev/provenance/neo4j/Launcher.class"
}

port_open() {
  # bash's /dev/tcp avoids depending on nc/ss being installed.
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(<"$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # After a reboot the pid may belong to something else entirely.
  if [[ -r "/proc/$pid/cmdline" ]]; then
    grep -qa 'dev\.provenance\.neo4j\.Launcher' "/proc/$pid/cmdline" || return 1
  fi
  printf '%s\n' "$pid"
}

cmd_wait() {
  local deadline=$((SECONDS + READY_TIMEOUT)) pid
  while ((SECONDS < deadline)); do
    if [[ -f "$READY_FILE" ]] && port_open; then
      log "ready on bolt://127.0.0.1:$PORT"
      return 0
    fi
    # Fail fast when the JVM we started has died. Plain kill -0 here: just
    # after the fork the pid is still a shell, not yet the launcher.
    if [[ -f "$PID_FILE" ]] && pid="$(<"$PID_FILE")" && ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      log "neo4j exited before becoming ready; log tail ($LOG_FILE):"
      tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.5
  done
  log "not ready after ${READY_TIMEOUT}s; log tail ($LOG_FILE):"
  tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
  exit 1
}

cmd_start() {
  if port_open; then
    log "something already listens on 127.0.0.1:$PORT; not starting another"
    return 0
  fi
  cmd_build
  mkdir -p "$DATA_DIR" "$HOME_DIR"
  rm -f "$READY_FILE"
  # setsid + nohup: the JVM must outlive the shell (or CI step) that started it,
  # and must not get that shell's SIGHUP/SIGINT. Run from the repo root so the
  # JVM never holds on to whatever directory the caller happened to be in.
  cd "$REPO_ROOT"
  NEO4J_HOME_DIR="$HOME_DIR" NEO4J_BOLT_PORT="$PORT" \
    setsid nohup java "-Xmx${NEO4J_HEAP:-768m}" -Xms64m "${JVM_FLAGS[@]}" \
      -cp "$TARGET_DIR/classes:$TARGET_DIR/lib/*" dev.provenance.neo4j.Launcher \
      >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  log "started pid $(<"$PID_FILE"), log $LOG_FILE"
  cmd_wait
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still alive after ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  # A killed JVM cannot remove its own marker.
  rm -f "$PID_FILE" "$READY_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running (pid $pid, bolt://127.0.0.1:$PORT)"
    return 0
  fi
  echo "stopped"
  return 3
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  wait) cmd_wait ;;
  *)
    echo "usage: $0 build|start|stop|status|wait" >&2
    exit 2
    ;;
esac
