#!/usr/bin/env bash
# One command for the tests: set up everything they need (Debian packages, .venv), then run them.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh test
bash scripts/setup.sh --dev
bash scripts/system-packages.sh test   # again: the libraries the tools now in .venv load (Playwright's Node)
(cd node && npm ci --no-audit --no-fund --loglevel=error)   # axe-core and vnu.jar, from package-lock.json
.venv/bin/python -m pytest -q -n auto --dist loadfile --durations=15 "$@"   # fast tier: -m "not browser and not pdf and not slow"
