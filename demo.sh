#!/usr/bin/env bash
# README command 1: set up (idempotent), then run the demo. Extra arguments go to `shopcast demo`.
set -euo pipefail
# Stop when interrupted, even if the interrupted step (apt-get, say) exits as if nothing happened.
trap 'echo "interrupted" >&2; exit 130' INT TERM
cd "$(dirname "$0")"
scripts/setup.sh demo
exec .venv/bin/python -m app demo "$@"
