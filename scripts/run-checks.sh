#!/usr/bin/env bash
# Every check CI runs: lint, layer contracts, types, then the whole test suite (slow tests included).
# One command per line: under `set -e`, a failure on the left of `&&` would not stop the script.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
step "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
step "lint-imports"
.venv/bin/lint-imports --no-cache
step "mypy"
.venv/bin/mypy
step "pytest"
.venv/bin/python -m pytest "$@"
