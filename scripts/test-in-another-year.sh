#!/usr/bin/env bash
# Runs tests with the wall clock set into a year the installed holiday schedules do not cover (libfaketime), to
# show that the suite passes on any date: every test that uses the real date fixes the clock or brings a
# calendar that knows the year (docs/decisions.md, "Tests on any date").
#   scripts/test-in-another-year.sh                         the whole suite on 2027-03-01 (as ./run test would)
#   scripts/test-in-another-year.sh tests/report -x         pytest arguments as usual
#   REQUEST_FLOW_FAKE_NOW="2031-07-15 09:00:00" scripts/test-in-another-year.sh
# The clock starts at that moment and runs on. Every process the tests start (the installed command, Celery
# workers) inherits it; servers already running (PostgreSQL, Redis) keep the real time, as a real office's would.
# The monotonic clock is shifted with the rest: with FAKETIME_DONT_FAKE_MONOTONIC, libfaketime 0.9.10 makes
# Python's time.sleep fail with EINVAL (it sleeps until an absolute monotonic time).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=apt-install.sh
source scripts/apt-install.sh
command -v faketime >/dev/null 2>&1 || apt_install faketime
[ -x .venv/bin/python ] || { echo "先运行 ./run test 建立 .venv" >&2; exit 2; }
when="${REQUEST_FLOW_FAKE_NOW:-2027-03-01 10:00:00}"
export REQUEST_FLOW_TEST_PG_URL="${REQUEST_FLOW_TEST_PG_URL:-postgresql+psycopg2://postgres@127.0.0.1:5432/test}"
# Servers a test starts itself keep the real clock too: redis-server (jemalloc) cannot even start with
# libfaketime loaded. A shim first on PATH starts the real one without it.
shims="$(mktemp -d -t rf-realtime.XXXXXX)"
trap 'rm -rf "$shims"' EXIT
for cmd in redis-server; do
  if real="$(command -v "$cmd")"; then
    printf '#!/bin/sh\nunset LD_PRELOAD FAKETIME\nexec %s "$@"\n' "$real" > "$shims/$cmd"
    chmod +x "$shims/$cmd"
  fi
done
export PATH="$shims:$PATH"
echo "以 $when 为当前时间运行测试" >&2
if [ $# -eq 0 ]; then set -- tests -n 2; fi
status=0
faketime "$when" .venv/bin/python -m pytest "$@" || status=$?
exit "$status"
