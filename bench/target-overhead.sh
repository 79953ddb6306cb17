#!/usr/bin/env bash
# Collector overhead on a target's throughput: the benchmark suite's 16-client TPS step (pgbench TPC-B-like, scale 1,
# 16 clients, 2 threads) against a throwaway PostgreSQL cluster, alternately WITHOUT any target of that cluster being
# collected and WITH performance-service collecting it every 15 s (all families at their default intervals).
# Everything runs from the local stack (deploy/run-local.sh: embedded Kafka, throwaway cluster, both services);
# "without" removes the stack's demo target and the bench target from the registry, "with" registers the bench target.
# Result: mean TPS per phase and the overhead (without - with) / without; raw numbers in --out.
#
# Usage: bench/target-overhead.sh [--rounds 3] [--seconds 60] [--out bench/results-target-overhead] [--wait-minutes 0] [--force]
# Needs: a build (SKIP_BUILD=0 builds it: ./mvnw -DskipTests package), Java 17, PostgreSQL binaries with pgbench.
# Holds the machine: writes its pid to /tmp/bench.hold (other builds wait) and removes it at exit; waits up to
# --wait-minutes while another benchmark holds it. Then waits up to --wait-minutes for running builds to end and the 1-minute load average
# to fall below 1.5, and refuses to measure otherwise (--force measures anyway; the result is then not comparable).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROUNDS=3
SECONDS_PER_ROUND=60
OUT=bench/results-target-overhead
FORCE=0
WAIT_MINUTES=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECONDS_PER_ROUND=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --force) FORCE=1; shift ;;
    --wait-minutes) WAIT_MINUTES=$2; shift 2 ;;
    *) echo "unknown option $1 (known: --rounds N, --seconds S, --out DIR, --wait-minutes N, --force)" >&2; exit 2 ;;
  esac
done
say() { echo "[target-overhead.sh $(date +%H:%M:%S)] $*"; }


PGBIN=""
for d in ${AUTOPILOT_TOOLS_DIRECTORY:+"$AUTOPILOT_TOOLS_DIRECTORY"} $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$d/pgbench" ]; then PGBIN=$d; break; fi
done
[ -n "$PGBIN" ] || { command -v pgbench >/dev/null && PGBIN=$(dirname "$(command -v pgbench)"); }
[ -n "$PGBIN" ] || { echo "missing: pgbench -> apt-get install -y postgresql-client" >&2; exit 2; }

held_by_other() { [ -s /tmp/bench.hold ] && [ "$(cat /tmp/bench.hold)" != "$$" ] && kill -0 "$(cat /tmp/bench.hold)" 2>/dev/null; }
for _ in $(seq 1 $((WAIT_MINUTES * 30))); do
  held_by_other || break
  sleep 2
done
if held_by_other; then
  echo "another benchmark holds the machine (/tmp/bench.hold: pid $(cat /tmp/bench.hold)); not measured (try later or --wait-minutes N)" >&2
  exit 3
fi
echo $$ > /tmp/bench.hold
trap '[ "$(cat /tmp/bench.hold 2>/dev/null)" = "$$" ] && rm -f /tmp/bench.hold' EXIT
# with the hold taken no new build starts; wait (up to --wait-minutes) for running ones and an idle machine
for i in $(seq 0 $((WAIT_MINUTES * 4))); do
  busy=$( (ls -d /tmp/mvn-slot-*.d 2>/dev/null || true) | wc -l)
  load=$(cut -d' ' -f1 /proc/loadavg)
  if [ "$busy" = 0 ] && awk -v l="$load" 'BEGIN { exit !(l < 1.5) }'; then break; fi
  [ "$i" -lt $((WAIT_MINUTES * 4)) ] && { say "waiting: builds running $busy, load $load"; sleep 15; }
done
if [ "$FORCE" != 1 ] && awk -v l="$load" 'BEGIN { exit !(l >= 1.5) }'; then
  rm -f /tmp/bench.hold
  echo "load average is $load (>= 1.5): the machine is busy, the result would not be comparable; not measured (try later, --wait-minutes N, or --force)" >&2
  exit 3
fi
STACK_PID=""
PGBENCH_PID=""
cleanup() {
  [ -n "$PGBENCH_PID" ] && kill -TERM "$PGBENCH_PID" 2>/dev/null
  if [ -n "$STACK_PID" ] && kill -0 "$STACK_PID" 2>/dev/null; then
    kill -TERM "$STACK_PID" 2>/dev/null || true # a background job ignores SIGINT; the stack stops on TERM too
    for _ in $(seq 1 60); do kill -0 "$STACK_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL "$STACK_PID" 2>/dev/null || true
  fi
  [ "$(cat /tmp/bench.hold 2>/dev/null)" = "$$" ] && rm -f /tmp/bench.hold
  return 0
}
trap cleanup EXIT
trap 'exit 143' INT TERM # exit runs the cleanup

mkdir -p "$OUT"
STACK_LOG="$OUT/local-stack.log"
export PERFORMANCE_PORT=${PERFORMANCE_PORT:-18085} AUTOMATION_PORT=${AUTOMATION_PORT:-18086}
say "starting the local stack (log $STACK_LOG)"
SKIP_BUILD=${SKIP_BUILD:-1} deploy/run-local.sh > "$STACK_LOG" 2>&1 &
STACK_PID=$!
for _ in $(seq 1 300); do
  grep -q "DB Autopilot is running" "$STACK_LOG" && break
  kill -0 "$STACK_PID" 2>/dev/null || { echo "the local stack stopped; see $STACK_LOG" >&2; exit 1; }
  sleep 1
done
grep -q "DB Autopilot is running" "$STACK_LOG" || { echo "the local stack did not start in 300 s; see $STACK_LOG" >&2; exit 1; }
JDBC=$(sed -n 's/^ *PostgreSQL *\(jdbc:postgresql:[^ ]*\).*/\1/p' "$STACK_LOG" | head -n1)
HOSTPORT=${JDBC#jdbc:postgresql://}; HOSTPORT=${HOSTPORT%%/*}
PGHOST=${HOSTPORT%:*}; PGPORT=${HOSTPORT##*:}
KEY=$(sed -n 's/^ *API keys (both services) *X-API-Key: \([^ ]*\).*/\1/p' "$STACK_LOG" | head -n1)
API="http://localhost:$PERFORMANCE_PORT/api/targets"
export PGHOST PGPORT PGUSER=postgres PGPASSWORD=postgres
say "cluster $PGHOST:$PGPORT, performance-service :$PERFORMANCE_PORT, pgbench $PGBIN/pgbench"

# the performance-service process (its CPU is the collector's client-side cost) and the cluster's statement
# statistics (the server time of everything that is not pgbench: the collector's queries in "with" rounds)
PERF_PID=$(ss -ltnpH "sport = :$PERFORMANCE_PORT" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)
[ -n "$PERF_PID" ] || { echo "cannot find the process listening on :$PERFORMANCE_PORT (needs ss from iproute2)" >&2; exit 1; }
TICKS=$(getconf CLK_TCK)
cpu_seconds() { awk -v t="$TICKS" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$PERF_PID/stat"; }
"$PGBIN/psql" -qAt -d postgres -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" > /dev/null
other_server_ms() {
  "$PGBIN/psql" -qAt -d postgres -c "SELECT round(coalesce(sum(total_exec_time), 0)::numeric, 1)
    FROM pg_stat_statements WHERE query NOT ILIKE '%pgbench_%'"
}

"$PGBIN/createdb" overhead_bench
"$PGBIN/pgbench" -i -q -s 1 overhead_bench > "$OUT/init.log" 2>&1

curl -fsS -X DELETE -H "X-API-Key: $KEY" "$API/demo" > /dev/null || say "demo target not removed (already gone?)"
TARGET='{"id":"overhead","engine":"postgresql","url":"postgresql://'"$PGHOST:$PGPORT"'/overhead_bench","username":"postgres",
 "credentials_ref":"env:AUTOPILOT_STATE_PASSWORD","collection":{"interval":"15s"}}'

with() {
  curl -fsS -X POST -H "X-API-Key: $KEY" -H 'Content-Type: application/json' -d "$TARGET" "$API" > /dev/null
  sleep 20 # the first (heaviest) cycle passes before the round, so it measures steady collection
}
without() {
  curl -fsS -X DELETE -H "X-API-Key: $KEY" "$API/overhead" > /dev/null 2>&1 || true
  sleep 20 # a cycle in flight ends within its budget
}
measure() { # $1 = phase name, $2 = round
  # in the background and waited for, so a TERM or Ctrl-C runs the cleanup at once, not after the round
  local cpu0 srv0 t0 tps cpu srv wall
  cpu0=$(cpu_seconds); srv0=$(other_server_ms); t0=$(date +%s.%N)
  "$PGBIN/pgbench" -n -c 16 -j 2 -T "$SECONDS_PER_ROUND" overhead_bench > "$OUT/$1-$2.log" 2>&1 &
  PGBENCH_PID=$!
  wait "$PGBENCH_PID"
  PGBENCH_PID=""
  wall=$(echo "$(date +%s.%N) - $t0" | bc)
  cpu=$(echo "$(cpu_seconds) - $cpu0" | bc); srv=$(echo "$(other_server_ms) - $srv0" | bc)
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$OUT/$1-$2.log")
  # columns: phase round tps service-cpu-seconds non-pgbench-server-ms wall-seconds
  echo "$1 $2 $tps $cpu $srv $wall" >> "$OUT/tps.txt"
  say "$1 round $2: $tps tps; performance-service CPU ${cpu} s, non-pgbench server time ${srv} ms (load $(cut -d' ' -f1-3 /proc/loadavg))"
}

: > "$OUT/tps.txt"
{
  echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (dirty)')"
  echo "command bench/target-overhead.sh --rounds $ROUNDS --seconds $SECONDS_PER_ROUND"
  echo "load before $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "pgbench $("$PGBIN/pgbench" --version)"
  echo "cpus $(nproc)"
} > "$OUT/run-info.txt"
for r in $(seq 1 "$ROUNDS"); do
  without; measure without "$r"
  with; measure with "$r"
done
without
awk -v cores="$(nproc)" '{ s[$1] += $3; q[$1] += $3 * $3; n[$1]++; cpu[$1] += $4; srv[$1] += $5; wall[$1] += $6 } END {
  w = s["without"] / n["without"]; c = s["with"] / n["with"];
  sw = sqrt(q["without"] / n["without"] - w * w); sc = sqrt(q["with"] / n["with"] - c * c);
  printf "without collection: %.1f tps (mean of %d, sd %.1f)\nwith collection every 15 s: %.1f tps (mean of %d, sd %.1f)\n",
    w, n["without"], sw, c, n["with"], sc
  printf "TPS overhead (without - with) / without: %.2f %%\n", (w - c) / w * 100
  printf "performance-service CPU: %.3f cores without, %.3f cores with (%.2f %% of the machine'"'"'s %d cores)\n",
    cpu["without"] / wall["without"], cpu["with"] / wall["with"], (cpu["with"] / wall["with"] - cpu["without"] / wall["without"]) / cores * 100, cores
  printf "server time of non-pgbench statements: %.1f ms/s without, %.1f ms/s with (collection: %.2f %% of one core)\n",
    srv["without"] / wall["without"], srv["with"] / wall["with"], (srv["with"] / wall["with"] - srv["without"] / wall["without"]) / 10 }' \
  "$OUT/tps.txt" | tee "$OUT/summary.txt"
echo "load after $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/run-info.txt"
