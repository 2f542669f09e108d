#!/usr/bin/env bash
# Create .venv and install the pinned Python packages (runtime, or runtime + test tools with --dev).
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=requirements.txt
[ "${1:-}" = "--dev" ] && requirements=requirements-dev.txt
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
# The engine's bytecode, compiled once as pip compiles an installed package's: every build then loads it,
# even where PYTHONDONTWRITEBYTECODE keeps Python from writing it (about 0.1 s of each start: 75 modules).
.venv/bin/python -m compileall -q portal >/dev/null
