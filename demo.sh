#!/usr/bin/env bash
# README command 1: set up (idempotent), then run the demo. Extra arguments go to `shopcast demo`.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh demo
exec .venv/bin/python -m app demo "$@"
