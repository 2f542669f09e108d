#!/usr/bin/env bash
# One command for the tests: set up everything they need, then run them (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
.venv/bin/python -m pytest -q "$@"
