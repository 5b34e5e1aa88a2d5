#!/usr/bin/env bash
# Collect the studio's strings into the translation file (existing translations are kept).
# Then translate the new entries (Qt Linguist: .venv/bin/pyside6-linguist) and run the setup.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pyside6-lupdate ui/*.py ui/panels/*.py -ts assets/translations/shopcast_zh_CN.ts
