#!/usr/bin/env bash
# One command for editors: set up, build the site and serve it with live reload on http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh serve
bash scripts/setup.sh
exec .venv/bin/python build.py serve "$@"
