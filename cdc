#!/usr/bin/env bash
# The one entry point on a fresh machine:
#   ./cdc playground [flags]   install what is missing, build if stale, run the playground
#   ./cdc test                 install what is missing, run every test (mvn verify)
#   ./cdc server|cli ... [flags] run a capture / the TiCDC-style command line
#   ./cdc streams [flags]      run the changefeeds' Streams apps apart from the captures (with server --no-streams)
#   ./cdc chaos [flags]        kill captures under load against a running cluster and audit the sink
#   ./cdc bench [flags]        start a playground of its own and measure it against a plain Kafka producer
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

log() { printf '[cdc] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    log "need root to run: $*"; exit 1; fi
}

APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    log "missing $*, and there is no apt-get here: install it by hand"; exit 1
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_tools() {
  command -v java >/dev/null 2>&1 || apt_install openjdk-17-jdk-headless
  command -v mvn >/dev/null 2>&1 || apt_install maven
  command -v etcd >/dev/null 2>&1 || apt_install etcd-server etcd-client
}

# The tests drive the embedded TiDB with Debian's sysbench, and MetricsIT runs Debian's Prometheus
# against a capture (what `cdc playground --prometheus` starts); the playground's examples use the
# stock mysql client.
ensure_test_tools() {
  command -v sysbench >/dev/null 2>&1 || apt_install sysbench
  # optional: without it MetricsIT skips its Prometheus check, so a mirror without the package fails nothing
  [ -x /usr/bin/prometheus ] || ( apt_install prometheus ) || log "prometheus could not be installed; MetricsIT skips its Prometheus check"
}
ensure_client_tools() {
  command -v mysql >/dev/null 2>&1 || command -v mariadb >/dev/null 2>&1 || apt_install mariadb-client
}

STAMP="capture/target/.build-stamp"
build_if_stale() {
  local stale=0
  # two commands started together (the playground, then chaos in another terminal) build once, one after the other
  mkdir -p capture/target
  exec 9>capture/target/.build-lock
  flock 9
  if [ ! -f "$STAMP" ] || [ ! -f capture/target/classpath.txt ]; then
    stale=1
  elif [ -n "$(find . -path ./.git -prune -o \( -name pom.xml -o -path '*/src/main/*' \) -newer "$STAMP" -type f -print -quit)" ]; then
    stale=1
  fi
  if [ "$stale" -eq 1 ]; then
    log "building (mvn install -DskipTests)"
    mvn -B -q install -DskipTests
    touch "$STAMP"
  fi
  flock -u 9
}

run_main() {
  local heap="$1"; shift
  exec java "$heap" -cp "capture/target/classes:$(cat capture/target/classpath.txt)" io.kcdc.capture.CdcMain "$@"
}

cmd="${1:-help}"
case "$cmd" in
  playground)
    shift; ensure_tools; ensure_client_tools; build_if_stale
    run_main -Xmx3g playground "$@" ;;
  test)
    shift; ensure_tools; ensure_test_tools
    exec mvn -B verify "$@" ;;
  server)
    shift; ensure_tools; build_if_stale
    run_main -Xmx2g server "$@" ;;
  streams)
    shift; ensure_tools; build_if_stale
    run_main -Xmx2g streams "$@" ;;
  cli)
    shift; build_if_stale
    run_main -Xmx256m cli "$@" ;;
  chaos)
    shift; build_if_stale
    run_main -Xmx1g chaos "$@" ;;
  bench)
    shift; ensure_tools; build_if_stale
    run_main -Xmx3g bench "$@" ;;
  help|-h|--help)
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' ;;
  *)
    log "unknown command: $cmd (try ./cdc help)"; exit 2 ;;
esac
