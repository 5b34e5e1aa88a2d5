#!/usr/bin/env bash
# README command 2: set up with the test tools (idempotent), then run every check and the whole suite.
# Extra arguments go to pytest.
set -euo pipefail
# Stop when interrupted, even if the interrupted step (apt-get, say) exits as if nothing happened.
trap 'echo "interrupted" >&2; exit 130' INT TERM
cd "$(dirname "$0")"
scripts/setup.sh test
exec scripts/run-checks.sh "$@"
