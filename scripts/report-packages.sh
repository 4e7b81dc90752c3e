#!/usr/bin/env bash
# OS packages the report's print-layout tests need, installed from Debian's packages when absent (idempotent;
# does nothing when they are there). Called by scripts/services.sh (./run test). LibreOffice without its GUI is
# the nearest stand-in here for Word and WPS: the tests convert the report's DOCX and XLSX to PDF with
# `soffice --headless --convert-to pdf` and read the pages back with pdftotext (poppler-utils, letters-packages.sh).
set -euo pipefail

# shellcheck source=apt-install.sh
source "$(dirname "$0")/apt-install.sh"

report_missing=()
command -v soffice >/dev/null 2>&1 || report_missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
if [ ${#report_missing[@]} -gt 0 ]; then
  apt_install "${report_missing[@]}"
fi
