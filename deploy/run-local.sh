#!/usr/bin/env bash
# Runs DB Autopilot on this machine: an embedded Kafka broker, a throwaway PostgreSQL cluster (state database
# and a demo target) and both services. Builds what it needs first. Ctrl-C stops everything and cleans up.
# The demo target comes with migrations, a backup schedule, a partitioned table and a small built-in workload.
#   deploy/run-local.sh                  run until Ctrl-C / SIGTERM
#   deploy/run-local.sh --no-workload    the same without the demo workload (quiet charts)
#   deploy/run-local.sh --check          start, wait until both services are UP, stop, exit 0 (smoke test; no workload)
# Environment: PERFORMANCE_PORT (8085), AUTOMATION_PORT (8086), AUTOPILOT_TOOLS_DIRECTORY (dir with initdb/pg_ctl
#              and the other PostgreSQL tools; PG_BIN is its deprecated alias),
#              SKIP_BUILD=1 (use what is already built).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing() { echo "ERROR: $1" >&2; exit 2; }

for arg in "$@"; do  # before the build: a typo should not cost one
  case "$arg" in
    --check|--no-workload) ;;
    *) missing "unknown option $arg (known: --check, --no-workload)" ;;
  esac
done

# the system tools the stack needs, installed when missing (apt-get as root or with sudo; else one line per package)
"$ROOT/deploy/prerequisites.sh" run || missing "system packages are missing (see above)."

command -v java >/dev/null 2>&1 || missing "Java 17 or newer is required and 'java' is not on the PATH. Install it (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jdk-headless) or set PATH to include \$JAVA_HOME/bin."
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)"
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || missing "Java 17 or newer is required; 'java' is version ${java_major:-unknown}. Install openjdk-17-jdk-headless or point JAVA_HOME/PATH at a newer JDK."

pg_found=""
tools_dir="${AUTOPILOT_TOOLS_DIRECTORY:-${PG_BIN:-}}"
# the same order as the services' lookup (ExternalTools): the tools directory, the newest /usr/lib/postgresql, the PATH
for d in ${tools_dir:+"$tools_dir"} $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) $(command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"); do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then pg_found="$d"; break; fi
done
[ -n "$pg_found" ] || missing "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them (Debian/Ubuntu: sudo apt-get install -y postgresql; Fedora: sudo dnf install postgresql-server) or set AUTOPILOT_TOOLS_DIRECTORY to the directory that holds initdb and pg_ctl."
if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
  missing "Running as root, but there is no 'postgres' OS user to run initdb as (initdb refuses root). Install the PostgreSQL server package (it creates the user) or: useradd --system postgres"
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "==> Building DB Autopilot (./mvnw -DskipTests package; the first build downloads dependencies)"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package) || missing "the build failed (see above). Fix it, or run with SKIP_BUILD=1 to use an earlier build."
fi

jar="$(ls "$ROOT"/deploy/local-stack/target/local-stack-*.jar 2>/dev/null | grep -v -e sources -e tests | head -n1 || true)"
[ -n "$jar" ] || missing "deploy/local-stack/target/local-stack-*.jar is missing: run without SKIP_BUILD=1 to build it."

exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.org.apache.kafka=error -Dorg.slf4j.simpleLogger.logFile=System.err \
  -cp "$jar:$ROOT/deploy/local-stack/target/lib/*" io.dbautopilot.localstack.LocalStack --root "$ROOT" "$@"
