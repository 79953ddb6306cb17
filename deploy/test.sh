#!/usr/bin/env bash
# The README's test command: installs the system tools the tests need when missing (deploy/prerequisites.sh test),
# then builds everything and runs every test against a real broker and real database servers (./mvnw verify).
# Extra arguments go to Maven, e.g. deploy/test.sh -pl performance-service -am.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
deploy/prerequisites.sh test
echo "==> ./mvnw -B verify $*"
exec ./mvnw -B verify "$@"
