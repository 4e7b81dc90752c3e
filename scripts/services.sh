#!/usr/bin/env bash
# Start the servers the tests talk to, on loopback, installing them from the OS packages when absent.
# On a machine where they already run, this does nothing.
set -euo pipefail

# shellcheck source=apt-install.sh
source "$(dirname "$0")/apt-install.sh"

wait_for() {  # wait_for "what" command...
  local what="$1"; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "$what 未能启动" >&2; exit 1
}

# --- PostgreSQL on 127.0.0.1:5432, database "test", user postgres without a password (loopback only) ---
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql postgresql-client
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q "request-flow tests" "$hba"; then
    # trust on loopback only, for the test database of this machine
    sed -i "1i host all all 127.0.0.1/32 trust # request-flow tests\nhost all all ::1/128 trust # request-flow tests" "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  wait_for PostgreSQL pg_isready -q -h 127.0.0.1 -p 5432
fi
if ! psql -h 127.0.0.1 -U postgres -d test -c "select 1" >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d postgres -c "create database test" >/dev/null
fi

# --- Redis on 127.0.0.1:6379 (the deadline workers' broker) ---
if ! (command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG); then
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis-cli -h 127.0.0.1 -p 6379 ping
fi

# --- a Chinese font for the annual report's chart (matplotlib) and documents ---
if ! (command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh family 2>/dev/null | grep -q .); then
  apt_install fonts-noto-cjk fontconfig
  rm -rf "${HOME:-/root}/.cache/matplotlib"  # matplotlib's font list predates the new font
fi

# --- Letters: fonts, HarfBuzz subsetter, poppler-utils (also needed by ./run demo) ---
"$(dirname "$0")/letters-packages.sh"

# --- The report's print layout: LibreOffice (headless) converts the DOCX and XLSX to PDF in the tests ---
"$(dirname "$0")/report-packages.sh"
