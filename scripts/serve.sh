#!/usr/bin/env bash
# One command for editors: set up, build the site and serve it with live reload on http://127.0.0.1:8000/
# It also sets up what `build.py build --pdf` needs (the pdf purpose of system-packages.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh pdf
bash scripts/setup.sh
bash scripts/system-packages.sh pdf   # again: the libraries the tools now in .venv load
exec .venv/bin/python build.py serve "$@"
