#!/usr/bin/env bash
# Engine benchmarks (issues 15, 16): one collection cycle of a Redis or MariaDB server by performance-service vs one
# scrape of the engine's Debian exporter (prometheus-redis-exporter, prometheus-mysqld-exporter) on the same throwaway
# server, same run, never at the same time (bench/EngineBench.java says how).
# Results: bench/results-<engine>/<engine>-bench.json (+ logs); write-up: docs/benchmarks.md. Run it on an otherwise
# idle machine (load average below 1.5).
#
# Usage: bench/engine.sh redis|mariadb [--rounds 12] [--interval 5] [--keys 100000] [--tables 500]
#                        [--out bench/results-<engine>] [--build]
# Needs: Java 17, the engine's server (redis-server + redis-tools, or mariadb-server + mariadb-client), its exporter,
# PostgreSQL server binaries (the state database), a 'postgres' OS user when run as root ('mysql' for MariaDB).
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE="${1:-}"
case "$ENGINE" in
  redis) SERVER=redis-server; PKG="redis-server redis-tools"; EXPORTER=prometheus-redis-exporter ;;
  mariadb) SERVER=mariadbd; PKG="mariadb-server mariadb-client"; EXPORTER=prometheus-mysqld-exporter ;;
  *) echo "usage: bench/engine.sh redis|mariadb [options] (see the header of this script)" >&2; exit 2 ;;
esac
shift

missing=0
command -v java >/dev/null 2>&1 || { echo "missing: java -> apt-get install -y openjdk-17-jdk-headless" >&2; missing=1; }
command -v "$SERVER" >/dev/null 2>&1 || [ -x "/usr/sbin/$SERVER" ] || { echo "missing: $SERVER -> apt-get install -y $PKG" >&2; missing=1; }
command -v "$EXPORTER" >/dev/null 2>&1 || { echo "missing: $EXPORTER -> apt-get install -y $EXPORTER" >&2; missing=1; }
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  echo "missing: PostgreSQL server binaries -> apt-get install -y postgresql" >&2; missing=1
fi
if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
  echo "missing: OS user 'postgres' (initdb refuses root) -> apt-get install -y postgresql, or useradd --system postgres" >&2
  missing=1
fi
[ $missing = 0 ] || { echo "install the above and re-run" >&2; exit 2; }
# the Debian packages start an exporter of their own (:9121, :9104); the benchmark starts its own on a free port
systemctl stop "$EXPORTER" 2>/dev/null || true
pkill -x "$EXPORTER" 2>/dev/null || true

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
  echo "[engine.sh] building (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package
fi
echo "[engine.sh] load average: $(cut -d' ' -f1-3 /proc/loadavg) (run on an idle machine: below 1.5)"
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  bench/EngineBench.java --engine "$ENGINE" "${ARGS[@]+"${ARGS[@]}"}"
