#!/usr/bin/env bash
# Issue 7 benchmark: pgBackRest full backup orchestrated by database-automation-service vs the same pgbackrest
# command (same config file, same repository) by hand, alternating; plus a restore drill's RTO.
# Results: bench/results-backup/backup.json (+ backup-service.log); write-up: docs/benchmarks.md ("Backups").
#
# Usage: bench/backup.sh [--scale 134] [--rounds 3] [--build]
#   --scale: pgbench scale (~15 MB each; 134 ≈ 2 GB, the issue's size; use less on a loaded machine)
# Needs: Java 17, PostgreSQL 15 server binaries (initdb, pg_ctl, pgbench), pgbackrest, a 'postgres' OS user when root.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=134
ROUNDS=3
BUILD=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --build) BUILD=1 ;;
    *) echo "unknown option $1 (known: --scale N, --rounds N, --build)" >&2; exit 2 ;;
  esac
  shift
done
command -v pgbackrest >/dev/null || { echo "missing: pgbackrest -> sudo apt-get install -y pgbackrest" >&2; exit 2; }
JAR=database-automation-service/target/quarkus-app/quarkus-run.jar
if [ "$BUILD" = 1 ] || [ ! -f "$JAR" ] || [ ! -d deploy/local-stack/target/lib ]; then
  ./mvnw -B -q -pl database-automation-service -am package -DskipTests
fi
mkdir -p bench/results-backup
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" bench/BackupBench.java \
  "$SCALE" "$ROUNDS" bench/results-backup/backup.json
