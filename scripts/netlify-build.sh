#!/usr/bin/env bash
# Netlify's build command: the site with its PDFs. Netlify's build image has Python and Node but no
# CJK font and no apt-get, so the PDFs' Chinese font comes from npm (@embedpdf/fonts-sc: Noto Sans SC,
# SIL OFL) through a private fontconfig file. The build fails (and Netlify keeps the previous deploy)
# if WeasyPrint cannot load or any glyph is missing: it never publishes PDFs with empty boxes.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet -r requirements.txt
if [ -n "${FORCE_NPM_FONT:-}" ] || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK SC"; then
  fonts="$PWD/.cache/fonts"
  mkdir -p "$fonts"
  if [ ! -d "$fonts/package/fonts" ]; then
    (cd "$fonts" && npm pack --silent @embedpdf/fonts-sc@1.0.0 >/dev/null && tar xzf embedpdf-fonts-sc-1.0.0.tgz)
  fi
  cat > "$fonts/fonts.conf" <<CONF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>$fonts/package/fonts</dir>
  <cachedir>$fonts/cache</cachedir>
</fontconfig>
CONF
  export FONTCONFIG_FILE="$fonts/fonts.conf"
fi
python3 build.py build --pdf
