#!/usr/bin/env bash
# Issue 20 scale-out benchmark: two performance-service instances in one collector group over 1,000 databases in
# 10 targets on one throwaway PostgreSQL cluster; coverage (table statistics per database at the 60 s interval, read
# from autopilot.metrics.v1), CPU and RSS per instance; then SIGKILL of one and the survivor alone.
# Results: bench/results-scaleout/scaleout.json; write-up: docs/benchmarks.md. Run on an otherwise idle machine.
#
# Usage: bench/scaleout.sh [--databases 1000] [--targets 10] [--window-seconds 180] [--max-connections 3]
#                          [--server-setting 'shared_buffers = 2GB' ...] [--out bench/results-scaleout] [--build]
# --max-connections sets each target's collection.max_connections (one server-wide connection, the rest kept per database);
# --server-setting adds a postgresql.conf line to the throwaway cluster (repeatable).
# Needs: Java 17, PostgreSQL server binaries (15+), a 'postgres' OS user when run as root. Takes ~15 min.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
say() { echo "[scaleout.sh $(date +%H:%M:%S)] $*"; }
BUILD=0
ARGS=()
for a in "$@"; do
  if [ "$a" = --build ]; then BUILD=1; else ARGS+=("$a"); fi
done
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  echo "missing: PostgreSQL server binaries -> apt-get install -y postgresql" >&2; exit 2
fi
JAR=performance-service/target/quarkus-app/quarkus-run.jar
if [ $BUILD = 1 ] || [ ! -f "$JAR" ] || [ ! -d deploy/local-stack/target/lib ]; then
  say "building (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package
fi
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (run on an idle machine: < 1.5)"
mkdir -p bench/logs
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" bench/ScaleOutBench.java \
  --root "$ROOT" ${ARGS[@]+"${ARGS[@]}"}
