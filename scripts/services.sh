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

# --- PostgreSQL: the server of REQUEST_FLOW_TEST_PG_URL (default postgres@127.0.0.1:5432, database "test") ---
# A server that answers is used as it is: its authentication (pg_hba.conf) is never touched. Only when nothing
# answers on a loopback address does this install and start the machine's own cluster, with trust on loopback.
pg_url="${REQUEST_FLOW_TEST_PG_URL:-postgresql+psycopg2://postgres@127.0.0.1:5432/test}"
read -r pg_host pg_port pg_user pg_db < <(
  python3 - "$pg_url" <<'PY'
import sys
from urllib.parse import unquote, urlsplit
u = urlsplit(sys.argv[1])
print(u.hostname or "127.0.0.1", u.port or 5432, unquote(u.username or "postgres"), (u.path or "/test").lstrip("/") or "test")
PY
)
export PGPASSWORD="${PGPASSWORD:-$(python3 -c 'import sys; from urllib.parse import urlsplit, unquote; p = urlsplit(sys.argv[1]).password; print(unquote(p) if p else "")' "$pg_url")}"
if ! pg_isready -q -h "$pg_host" -p "$pg_port" 2>/dev/null; then
  case "$pg_host" in
    127.0.0.1|localhost|::1) ;;
    *) echo "REQUEST_FLOW_TEST_PG_URL 指向的 PostgreSQL（$pg_host:$pg_port）无法连接；只有本机回环地址上的服务器才会自动启动" >&2; exit 1 ;;
  esac
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql postgresql-client
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q "request-flow tests" "$hba"; then
    # a cluster this script starts itself: trust on loopback only, for the test database of this machine
    sed -i "1i host all all 127.0.0.1/32 trust # request-flow tests\nhost all all ::1/128 trust # request-flow tests" "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  wait_for PostgreSQL pg_isready -q -h "$pg_host" -p "$pg_port"
fi
if ! psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" -c "select 1" >/dev/null 2>&1; then
  if ! psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -c "create database \"$pg_db\"" >/dev/null; then
    echo "无法以 $pg_user 连接 $pg_host:$pg_port 上的 PostgreSQL 并建立数据库 $pg_db（请检查 REQUEST_FLOW_TEST_PG_URL 的用户和密码；本脚本不修改已在运行的服务器的认证设置）" >&2
    exit 1
  fi
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
