#!/usr/bin/env bash
# Checks for the system tools the README's commands need and installs what is missing (Debian/Ubuntu packages).
#   deploy/prerequisites.sh run    what deploy/run-local.sh needs (JDK, PostgreSQL server, MariaDB server, Redis server)
#   deploy/prerequisites.sh test   what deploy/test.sh needs: the above plus every tool the tests drive
# Installs with apt-get as root, else with sudo; when neither is possible it prints one line per missing package
# with the command to install it, and exits 2. AUTOPILOT_INSTALL=no only checks (and fails the same way).
set -euo pipefail

mode="${1:-test}"
case "$mode" in run|test) ;; *) echo "usage: $0 run|test" >&2; exit 64 ;; esac

packages=()   # Debian package names, in order, without duplicates
reasons=()    # why each is needed
need() {      # need <package> <why>: adds a package once
  local p
  for p in "${packages[@]+"${packages[@]}"}"; do [ "$p" = "$1" ] && return 0; done
  packages+=("$1"); reasons+=("$2")
}
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" = 0 ]; }

# --- both commands: the JDK, PostgreSQL (state database, demo target), MariaDB (target 'shop') and Redis ('cache') ---
if ! have java; then
  need openjdk-17-jdk-headless "Java 17+ runs the build and the services"
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! have initdb; then
  need postgresql "PostgreSQL server binaries (initdb, pg_ctl), contrib (pg_stat_statements), pg_dump/pg_basebackup"
fi
if is_root && ! id -u postgres >/dev/null 2>&1; then
  need postgresql "the 'postgres' OS user clusters run as (initdb refuses root)"
fi
if ! have mariadb-install-db || { ! have mariadbd && [ ! -x /usr/sbin/mariadbd ]; }; then
  need mariadb-server "throwaway MariaDB servers (mariadb-install-db, mariadbd)"
fi
if is_root && ! id -u mysql >/dev/null 2>&1; then
  need mariadb-server "the 'mysql' OS user mariadbd runs as under root"
fi
have redis-server || need redis-server "a throwaway Redis server (target 'cache')"
have curl || have wget || need curl "the Maven wrapper downloads Maven with curl or wget"
have unzip || need unzip "the Maven wrapper unpacks Maven"
have setsid || need util-linux "setsid: throwaway servers run in their own process group"

if [ "$mode" = test ]; then
  # tools the features drive or are checked with (docs/testing.md lists which tests use them)
  have pgbackrest || need pgbackrest "backups with pgBackRest"
  ls /usr/share/postgresql/*/extension/hypopg.control >/dev/null 2>&1 \
    || need "postgresql-$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n1 | grep . || echo 15)-hypopg" \
            "HypoPG validates index advice"
  have promtool || need prometheus "promtool checks the Prometheus rules; Prometheus runs in RunningStackTest"
  have prometheus-alertmanager || need prometheus-alertmanager "Alertmanager push tests"
  have docker-compose || need docker-compose "docker-compose config checks of deploy/compose"
  have chromium || need chromium "headless-browser tests of the dashboard"
  have mariadb-backup || need mariadb-backup "MariaDB physical backups"
  # mariadb-client-core alone (a dependency of mariadb-server-core) has `mariadb` but not these two
  { have mariadb-dump && have mariadb-slap; } || need mariadb-client "MariaDB client tools (mariadb-dump, mariadb-slap)"
  have redis-server || need redis-server "throwaway Redis servers"
  have redis-cli || need redis-tools "Redis client tools (redis-cli, redis-check-rdb)"
  have sqlite3 || need sqlite3 "SQLite command-line tool"
fi

[ "${#packages[@]}" -eq 0 ] && exit 0

sudo_=""
if ! is_root; then
  if have sudo && sudo -n true 2>/dev/null; then sudo_="sudo"; elif have sudo && [ -t 0 ]; then sudo_="sudo"; fi
fi
if [ "${AUTOPILOT_INSTALL:-yes}" = no ] || ! have apt-get || { ! is_root && [ -z "$sudo_" ]; }; then
  echo "Missing system packages (install them, then run this again):" >&2
  for i in "${!packages[@]}"; do
    echo "  ${packages[$i]}: ${reasons[$i]}  ->  sudo apt-get install -y ${packages[$i]}" >&2
  done
  have apt-get || echo "  (no apt-get here: install the equivalent packages of your distribution)" >&2
  exit 2
fi

echo "==> Installing missing system packages: ${packages[*]}"
for i in "${!packages[@]}"; do echo "    ${packages[$i]}: ${reasons[$i]}"; done
export DEBIAN_FRONTEND=noninteractive
$sudo_ apt-get update -q
$sudo_ apt-get install -y -q --no-install-recommends "${packages[@]}"
