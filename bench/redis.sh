#!/usr/bin/env bash
# Issue 16 benchmark: one collection cycle of a Redis server by performance-service vs one scrape of
# prometheus-redis-exporter on the same redis-server, same run, never at the same time (bench/RedisBench.java says how).
# Results: bench/results-redis/redis-bench.json (+ logs); write-up: docs/benchmarks.md ("Redis: one cycle vs
# redis_exporter"). Run it on an otherwise idle machine (load average below 1.5).
#
# Usage: bench/redis.sh [--rounds 12] [--interval 5] [--keys 100000] [--out bench/results-redis] [--build]
# Needs: Java 17, redis-server + redis-tools, prometheus-redis-exporter, PostgreSQL server binaries (the state
# database), a 'postgres' OS user when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=0
command -v java >/dev/null 2>&1 || { echo "missing: java -> apt-get install -y openjdk-17-jdk-headless" >&2; missing=1; }
command -v redis-server >/dev/null 2>&1 || { echo "missing: redis-server -> apt-get install -y redis-server redis-tools" >&2; missing=1; }
command -v prometheus-redis-exporter >/dev/null 2>&1 || { echo "missing: prometheus-redis-exporter -> apt-get install -y prometheus-redis-exporter" >&2; missing=1; }
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  echo "missing: PostgreSQL server binaries -> apt-get install -y postgresql" >&2; missing=1
fi
if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
  echo "missing: OS user 'postgres' (initdb refuses root) -> apt-get install -y postgresql, or useradd --system postgres" >&2
  missing=1
fi
[ $missing = 0 ] || { echo "install the above and re-run" >&2; exit 2; }
# the Debian package starts an exporter of its own on :9121; the benchmark starts its own on a free port
systemctl stop prometheus-redis-exporter 2>/dev/null || true

BUILD=0
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=1 ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done
if [ $BUILD = 1 ] || [ ! -f performance-service/target/quarkus-app/quarkus-run.jar ] || [ ! -d deploy/local-stack/target/lib ]; then
  echo "[redis.sh] building (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package
fi
echo "[redis.sh] load average: $(cut -d' ' -f1-3 /proc/loadavg) (run on an idle machine: below 1.5)"
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  bench/RedisBench.java "${ARGS[@]+"${ARGS[@]}"}"
