#!/usr/bin/env bash
# OS packages the letters need, installed from Debian's packages when absent (idempotent; does nothing when all
# are there). Called by scripts/services.sh (./run test) and by ./run demo.
set -euo pipefail

# shellcheck source=apt-install.sh
source "$(dirname "$0")/apt-install.sh"

# Fonts that cover every hanzi (Noto CJK; HanaMin for Extension B and beyond, e.g. 𠀀), emoji,
# HarfBuzz's subsetter (without it WeasyPrint subsets CJK fonts with fontTools: about 15 s a PDF instead of
# 0.2 s), and poppler-utils (pdftotext, pdftoppm) with which the tests read the PDFs back
letters_missing=()
fc-list : file 2>/dev/null | grep "NotoSerifCJK-Regular" >/dev/null || letters_missing+=(fonts-noto-cjk)
fc-list : file 2>/dev/null | grep "HanaMinB" >/dev/null || letters_missing+=(fonts-hanazono)
fc-list : file 2>/dev/null | grep "NotoColorEmoji" >/dev/null || letters_missing+=(fonts-noto-color-emoji)
fc-list : file 2>/dev/null | grep "Symbola" >/dev/null || letters_missing+=(fonts-symbola)
ldconfig -p 2>/dev/null | grep "libharfbuzz-subset.so.0" >/dev/null || letters_missing+=(libharfbuzz-subset0)
command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || letters_missing+=(poppler-utils)
command -v fc-list >/dev/null 2>&1 || letters_missing+=(fontconfig)
if [ ${#letters_missing[@]} -gt 0 ]; then
  apt_install "${letters_missing[@]}"
fi
