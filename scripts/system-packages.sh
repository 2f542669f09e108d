#!/usr/bin/env bash
# The Debian packages a purpose needs, installed when missing (as root), else a stop with the exact
# line to run. Purposes:
#   pdf (serve.sh): Python's venv, and what `build.py build --pdf` needs: Noto CJK fonts and the
#       libraries WeasyPrint opens (Pango, GObject, HarfBuzz with subsetting, fontconfig), so that a PDF
#       build works after `scripts/serve.sh` as after `scripts/test.sh`;
#   test (the default): pdf's, and Node/npm (axe, vnu), a Java 17 runtime (vnu), Chromium (browser
#       tests), poppler-utils (checking PDFs) and gettext (msgfmt checks exported PO files).
# Commands are tested by what they provide, so equivalents installed another way count. Shared
# libraries are found by what the tools load (scripts/libraries.py): WeasyPrint's always, and, once
# scripts/setup.sh has made .venv, those of every program in it (Playwright's bundled Node needs
# libatomic1). serve.sh and test.sh therefore run this again after setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-test}"
case "$purpose" in
  pdf|test) ;;
  *) echo "scripts/system-packages.sh: unknown purpose '$purpose' (pdf or test)" >&2; exit 2 ;;
esac

java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

missing=()
need() {  # need PACKAGE CHECK…: PACKAGE is missing unless the check succeeds
  local package="$1"
  shift
  "$@" >/dev/null 2>&1 || missing+=("$package")
}
need python3-venv python3 -c "import ensurepip, venv"
need fontconfig command -v fc-list
need fonts-noto-cjk sh -c "fc-list | grep -q 'Noto Sans CJK'"
if [ "$purpose" = test ]; then
  need npm command -v npm
  need default-jre-headless test "$(java_major)" -ge 17
  need chromium test -x /usr/bin/chromium
  need poppler-utils command -v pdftotext
  need gettext command -v msgfmt
fi
libraries=$(python3 scripts/libraries.py .venv)
missing+=($libraries)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${missing[*]}" >&2
  echo "run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]} (apt-get)" >&2
# Progress on a terminal; elsewhere (a log) apt-get's plain lines: each package fetched, unpacked, set up.
progress=(-q)
[ -t 1 ] && progress=(-o Dpkg::Progress-Fancy=1)
apt-get update "${progress[@]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y "${progress[@]}" --no-install-recommends "${missing[@]}"
if [ "$purpose" = test ] && ! [ "$(java_major)" -ge 17 ] 2>/dev/null; then
  echo "vnu needs Java 17 or later; this Debian's default-jre-headless is older: install openjdk-17-jre-headless" >&2
  exit 1
fi
