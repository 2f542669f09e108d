#!/usr/bin/env bash
# Debian packages the tests (and PDF builds) need: Chromium for browser tests, Noto CJK fonts and
# HarfBuzz subsetting for WeasyPrint, poppler-utils for checking PDFs, gettext (msgfmt) for checking
# exported translation PO files. Installs only what is missing.
set -euo pipefail
packages=(chromium fonts-noto-cjk libharfbuzz-subset0 poppler-utils gettext)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} — run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
