#!/usr/bin/env bash
# Issue 21 benchmark: start time (JVM start -> UP), idle RSS, and /health against /api/targets of the same running
# performance-service in the same run (wrk, 32 connections: saturating and paced at 2,000 requests/s), plus the
# automation service's /health. Results: bench/results-health/health-bench.json (+ wrk outputs, service logs);
# write-up: docs/benchmarks.md ("/health, start time and footprint").
#
# Usage: bench/health.sh [--jvm-opts "..."] [--auto-jvm-opts "..."] [--perf-app DIR] [--auto-app DIR] [--idle-seconds 60] [--duration 20]
#                        [--rate 2000] [--connections 32] [--threads 2] [--out bench/results-health] [--build]
#   --jvm-opts: JVM options of performance-service (default: the documented ones, HEALTH_BENCH_JVM_OPTS overrides);
#   --auto-jvm-opts: those of database-automation-service (default: the documented ones, HEALTH_BENCH_AUTO_JVM_OPTS).
#   --perf-app / --auto-app: a quarkus-app directory (a copy of target/quarkus-app, so rebuilding cannot disturb a run).
# Needs: Java 17, wrk (apt-get install -y wrk), PostgreSQL server binaries, a 'postgres' OS user when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

# The JVM options docs/deployment.md documents (compose and Kubernetes set them in JAVA_OPTS), and the setting that
# keeps the fleet join off the start path (AUTOPILOT_FLEET_ASSIGNMENT_TIMEOUT=0s there).
COMMON_JVM_OPTS="-XX:+UseSerialGC -Xms32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=160m -Xss512k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+ExitOnOutOfMemoryError"
DOCUMENTED_JVM_OPTS="$COMMON_JVM_OPTS -Xmx640m -Dautopilot.fleet.assignment-timeout=0s"
DOCUMENTED_AUTO_JVM_OPTS="$COMMON_JVM_OPTS -Xmx384m"

missing=0
command -v java >/dev/null 2>&1 || { echo "missing: java -> apt-get install -y openjdk-17-jdk-headless" >&2; missing=1; }
command -v wrk >/dev/null 2>&1 || { echo "missing: wrk -> apt-get install -y wrk" >&2; missing=1; }
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  echo "missing: PostgreSQL server binaries -> apt-get install -y postgresql" >&2; missing=1
fi
if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
  echo "missing: OS user 'postgres' (initdb refuses root) -> apt-get install -y postgresql, or useradd --system postgres" >&2
  missing=1
fi
[ $missing = 0 ] || { echo "install the above and re-run" >&2; exit 2; }

BUILD=0
JVM_OPTS="${HEALTH_BENCH_JVM_OPTS:-$DOCUMENTED_JVM_OPTS}"
AUTO_JVM_OPTS="${HEALTH_BENCH_AUTO_JVM_OPTS:-$DOCUMENTED_AUTO_JVM_OPTS}"
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=1 ;;
    --jvm-opts) JVM_OPTS="$2"; shift ;;
    --auto-jvm-opts) AUTO_JVM_OPTS="$2"; shift ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done

if [ $BUILD = 1 ] || [ ! -f performance-service/target/quarkus-app/quarkus-run.jar ] \
    || [ ! -f database-automation-service/target/quarkus-app/quarkus-run.jar ] || [ ! -d deploy/local-stack/target/lib ]; then
  echo "[health.sh] building (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package
fi

exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" \
  bench/HealthBench.java --jvm-opts "$JVM_OPTS" --auto-jvm-opts "$AUTO_JVM_OPTS" "${ARGS[@]}"
