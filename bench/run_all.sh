#!/usr/bin/env bash
# Run every benchmark with the project's venv python and print a summary of their SUMMARY lines.
# Benchmarks print figures; they never fail on timing. A non-zero exit means a benchmark could not run.
#   bench/run_all.sh            (from anywhere; several minutes on 2 cores)
#   bench/run_all.sh --quick    small sizes, a minute or so: ./run test runs this, so that no benchmark breaks
#                               unnoticed (its figures mean little at these sizes)
set -u -o pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
py="${PYTHON:-$root/.venv/bin/python}"
[ -x "$py" ] || { echo "no python at $py (set PYTHON=...)" >&2; exit 2; }
quick=0
[ "${1:-}" = "--quick" ] && quick=1

args_for() {  # the arguments of one benchmark, full or quick
  local b="$1"
  if [ "$quick" = 1 ]; then
    case "$b" in
      bench_workdays) echo "--queries 2000" ;;
      bench_cli_latency) echo "-n 3" ;;
      bench_acts) echo "--cases 20 --acts 40" ;;
      bench_due_list) echo "--cases 2000 --runs 3 --replay 50" ;;
      bench_sweep) echo "--cases 2000 --due 40 --mails 20" ;;
      bench_report) echo "--sizes 2000 --runs 1 --import-runs 1" ;;
      bench_letters) echo "--html 20 --docx 4 --pdf 2" ;;
      bench_supervision) echo "--reports 100 --runs 1" ;;
    esac
  else
    [ "$b" = bench_report ] && echo "--sizes 20000,200000"  # 1,000,000 takes minutes: run it by hand
  fi
}

log="$(mktemp -t rf-bench.XXXXXX)"
trap 'rm -f "$log"' EXIT
status=0
for b in bench_workdays bench_cli_latency bench_acts bench_due_list bench_sweep bench_report bench_letters bench_supervision; do
    echo
    start=$(date +%s)
    read -r -a args <<< "$(args_for "$b")"
    env=()
    # bench_acts measures acts with the letters queued to the workers (as deployed with a broker) when a Redis
    # answers: REQUEST_FLOW_BENCH_BROKER_URL, or database 15 of the local one (which ./run test starts)
    if [ "$b" = bench_acts ]; then
      broker="${REQUEST_FLOW_BENCH_BROKER_URL:-redis://127.0.0.1:6379/15}"
      if "$py" -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()" "$broker" 2>/dev/null; then
        env=(REQUEST_FLOW_BROKER_URL="$broker")
      else
        echo "(no Redis at $broker: bench_acts draws the letters in the act)"
      fi
    fi
    if ! env "${env[@]}" "$py" "$here/$b.py" "${args[@]}" 2>&1 | tee -a "$log"; then status=1; echo "!! $b failed" | tee -a "$log"; fi
    echo "($b took $(( $(date +%s) - start )) s)"
done

echo
echo "================ summary ================"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$py" -c 'import sys; print(sys.version.split()[0])')"
[ "$quick" = 1 ] && echo "(quick mode: small sizes, figures not comparable with the targets)"
grep '^SUMMARY' "$log" | sed 's/^SUMMARY /  /'
echo "targets: add_workdays >= 20x holidays with 100% agreement; case show <= 1.5x 'import sqlmodel, typer';"
echo "         >= 300 acts/s; due-within-3 among 100k open cases < 100 ms; sweep finds and queues 1,000 of 100k < 2 s;"
echo "         import >= 20,000 rows/s; a year's report over 200k cases <= 3x the floor;"
echo "         letters: HTML >= 500/s, DOCX >= 50/s, PDF ~130 ms a letter (batch on both cores)"
echo "         supervision: check and combine 1,000 body reports <= 5x json.load of the same files"
exit $status
