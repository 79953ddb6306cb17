#!/usr/bin/env bash
# Issue 3 benchmark: performance-service full cycle vs prometheus-postgres-exporter on the same throwaway cluster,
# then the capacity of one instance on a 15 s tick. Results: bench/results/*.json|txt, write-up: docs/benchmarks.md.
#
# Usage: bench/run.sh [--phase all|compare|capacity] [--tables-per-db 500] [--cycles 5]
#                     [--capacity 100,500,1000] [--capacity-seconds 240] [--churn-percent 0] [--cache-max-age 1h] [--vacuum-before] [--warmup-cycles 1] [--build]
# Builds with the Maven wrapper when the service jar is missing (or always with --build).
# Needs: Java 17, PostgreSQL server binaries (15+, with pg_stat_statements), prometheus-postgres-exporter,
#        a 'postgres' OS user when run as root. Takes ~16-20 min with the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

say() { echo "[run.sh $(date +%H:%M:%S)] $*"; }
missing=0
need() { # need CMD HOW-TO-INSTALL
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
    echo "missing: $1 -> $2" >&2; missing=1
  fi
}

BUILD=0
OUT=bench/results
ARGS=()
ALL_ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=1 ;;
    --out) OUT="$2"; ARGS+=("$1" "$2"); shift ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done

EXPORTER=${EXPORTER:-/usr/bin/prometheus-postgres-exporter}
# Third exporter variant (auto-discovery + the Debian example queries.yaml adapted to PG 13+: per-table stats,
# pg_stat_statements);
# off by default (EXPORTER_QUERIES=bench/exporter-queries-pg13.yaml to try it: with 0.11.1 its scrapes did not
# answer within 30 s in our runs, see docs/benchmarks.md).
EXPORTER_QUERIES=${EXPORTER_QUERIES-}
need java "install a JDK 17 (apt-get install -y openjdk-17-jdk-headless)"
need "$EXPORTER" "apt-get update && apt-get install -y prometheus-postgres-exporter (or set EXPORTER=/path/to/postgres_exporter)"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1 && [ -z "${PG_BIN:-}" ]; then
  echo "missing: PostgreSQL server binaries -> apt-get install -y postgresql (any version >= 14)" >&2; missing=1
fi
if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
  echo "missing: OS user 'postgres' (initdb refuses root) -> apt-get install -y postgresql, or useradd --system postgres" >&2
  missing=1
fi
[ $missing = 0 ] || { echo "install the above and re-run" >&2; exit 2; }
java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' || { echo "Java 17+ required" >&2; exit 2; }

JAR=performance-service/target/quarkus-app/quarkus-run.jar
if [ $BUILD = 1 ] || [ ! -f "$JAR" ] || [ ! -d deploy/local-stack/target/lib ]; then
  say "building (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package
fi

BENCH_PID=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2>/dev/null; then
    say "stopping the benchmark (pid $BENCH_PID): services, exporter, Kafka, PostgreSQL"
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$BENCH_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL "$BENCH_PID" 2>/dev/null || true # the cluster's own watchdog then stops PostgreSQL
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "versions: $(java -version 2>&1 | head -1); $("$EXPORTER" --version 2>&1 | head -1); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
mkdir -p "$OUT" bench/logs
{
  echo "date: $(date -u +%FT%TZ)"
  echo "command: bench/run.sh $ALL_ARGS"
  echo "host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "exporter: $("$EXPORTER" --version 2>&1 | head -1)"
  echo "exporter queries.yaml variant: ${EXPORTER_QUERIES:-none}"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "uncommitted changes in the tree at run time (git status --short, bench/ excluded):"
  git status --short 2>/dev/null | grep -v ' bench/' | sed 's/^/  /' || true
  echo "service jar built: $(date -u -r "$JAR" +%FT%TZ)"
} > "$OUT/run-info.txt"
cat "$OUT/run-info.txt"
# The single-file launcher compiles bench/CollectorBench.java in memory; the local-stack classpath brings the
# embedded Kafka broker, the throwaway PostgreSQL cluster, the JDBC driver and Jackson.
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" bench/CollectorBench.java \
  --root "$ROOT" --exporter "$EXPORTER" ${EXPORTER_QUERIES:+--exporter-queries "$EXPORTER_QUERIES"} ${ARGS[@]+"${ARGS[@]}"} &
BENCH_PID=$!
rc=0
wait "$BENCH_PID" || rc=$?
BENCH_PID=""
say "finished (exit $rc); results in $OUT/ (capacity summary: python3 bench/summarize.py $OUT)"
exit $rc
