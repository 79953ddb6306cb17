#!/usr/bin/env bash
# The reliability suite of issue 19 (docs/reliability.md): starts the real pieces (the Kafka broker in its own JVM,
# throwaway PostgreSQL clusters, both packaged services), injects each scenario's fault and prints what was measured
# as a table, which it also writes to deploy/checks/target/reliability/results.md (and .tsv).
#
#   reliability/run.sh           every scenario at full size (< 30 min on 2 cores)
#   reliability/run.sh --quick   the CI subset (shorter outages, fewer records and requests; <= 5 min)
#   reliability/run.sh --build   package the services first (else only when their quarkus-run.jar is missing)
#
# The suite runs the services' packaged jars as they are: after a source change, package them (--build, or
# deploy/test.sh, which CI runs first). Exit status: 0 when every criterion held, 1 when one did not (the table says
# which), 2 when the suite could not run. Maven runs through mvn-slot when it exists (at most two builds at once).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=full
build=0
for arg in "$@"; do
  case "$arg" in
    --quick) mode=quick ;;
    --build) build=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option $arg (known: --quick, --build)" >&2; exit 2 ;;
  esac
done

slot=()
command -v mvn-slot >/dev/null 2>&1 && slot=(mvn-slot)
offline=()
[[ "${RELIABILITY_OFFLINE:-1}" == 1 ]] && offline=(-o)

if [[ $build == 1 || ! -f performance-service/target/quarkus-app/quarkus-run.jar \
   || ! -f database-automation-service/target/quarkus-app/quarkus-run.jar ]]; then
  echo "==> packaging the services"
  "${slot[@]}" ./mvnw -B "${offline[@]}" -q -DskipTests package -pl performance-service,database-automation-service -am \
    || exit 2
fi

command=reliability/run.sh
[[ $mode == quick ]] && command+=" --quick"
out=deploy/checks/target/reliability
rm -f "$out/results.tsv" "$out/results.md"
mkdir -p "$out"
started=$(date +%s)
echo "==> reliability suite ($mode)"
"${slot[@]}" ./mvnw -B "${offline[@]}" test -Preliability -Dreliability.mode="$mode" \
  -pl deploy/checks -am -Dtest='Reliability*Test' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dreliability.results="$PWD/$out/results.tsv" > "$out/maven.log" 2>&1
maven=$?
grep -E '^\[reliability\]|Tests run:|FAIL|ERROR\]' "$out/maven.log" | grep -v '^\[INFO\] *$' | tail -60
elapsed=$(( $(date +%s) - started ))

if [[ ! -s "$out/results.tsv" ]]; then
  echo "no results: the suite did not run (Maven exit $maven); see $out/maven.log" >&2
  exit 2
fi
{
  echo "# Reliability suite results ($mode, $(date -u +%Y-%m-%dT%H:%MZ), ${elapsed} s)"
  echo
  echo "Command: \`$command\`"
  echo
  echo "| scenario | criterion | measured | result |"
  echo "|---|---|---|---|"
  awk -F'\t' '{ gsub(/\|/, "\\|"); printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$out/results.tsv"
} > "$out/results.md"
echo
cat "$out/results.md"
echo
echo "results: $out/results.md (Maven log: $out/maven.log)"
if grep -q $'\tFAIL$' "$out/results.tsv" || [[ $maven -ne 0 ]]; then
  exit 1
fi
exit 0
