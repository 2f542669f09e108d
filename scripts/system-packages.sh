#!/usr/bin/env bash
# The Debian packages the two commands need, installed when missing (as root), else a stop with the
# exact line to run. `serve` needs only Python's venv; `test` (the default) also needs Node/npm (axe,
# vnu), a Java 17 runtime (vnu), Chromium (browser tests), Noto CJK fonts and HarfBuzz subsetting
# (WeasyPrint PDFs), poppler-utils (checking PDFs) and gettext (msgfmt checks exported translation
# PO files). Each need is tested by what it provides, so equivalents installed another way (Node
# from another source, another JDK) count.
set -euo pipefail
purpose="${1:-test}"

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
if [ "$purpose" = test ]; then
  need npm command -v npm
  need default-jre-headless test "$(java_major)" -ge 17
  need chromium test -x /usr/bin/chromium
  need fonts-noto-cjk sh -c "fc-list | grep -q 'Noto Sans CJK'"
  need libharfbuzz-subset0 sh -c "ldconfig -p | grep -q libharfbuzz-subset.so.0"
  need poppler-utils command -v pdftotext
  need gettext command -v msgfmt
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${missing[*]}" >&2
  echo "run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]} (apt-get)" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ "$purpose" = test ] && ! [ "$(java_major)" -ge 17 ] 2>/dev/null; then
  echo "vnu needs Java 17 or later; this Debian's default-jre-headless is older: install openjdk-17-jre-headless" >&2
  exit 1
fi
