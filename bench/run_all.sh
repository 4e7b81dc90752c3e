#!/usr/bin/env bash
# Run every benchmark with the project's venv python and print a summary of their SUMMARY lines.
# Benchmarks print figures; they never fail on timing. A non-zero exit means a benchmark could not run.
#   bench/run_all.sh            (from anywhere; about 2 minutes on 2 cores)
set -u -o pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
py="${PYTHON:-$root/.venv/bin/python}"
[ -x "$py" ] || { echo "no python at $py (set PYTHON=...)" >&2; exit 2; }

log="$(mktemp -t rf-bench.XXXXXX)"
trap 'rm -f "$log"' EXIT
status=0
for b in bench_workdays bench_cli_latency bench_acts bench_due_list bench_sweep; do
for b in bench_workdays bench_cli_latency bench_acts bench_due_list bench_report; do
for b in bench_workdays bench_cli_latency bench_acts bench_due_list bench_letters; do
    echo
    start=$(date +%s)
    args=()
    [ "$b" = bench_report ] && args=(--sizes 20000,200000)  # 1,000,000 takes minutes: run it by hand
    if ! "$py" "$here/$b.py" "${args[@]}" 2>&1 | tee -a "$log"; then status=1; echo "!! $b failed" | tee -a "$log"; fi
    echo "($b took $(( $(date +%s) - start )) s)"
done

echo
echo "================ summary ================"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$py" -c 'import sys; print(sys.version.split()[0])')"
grep '^SUMMARY' "$log" | sed 's/^SUMMARY /  /'
echo "targets: add_workdays >= 20x holidays with 100% agreement; case show <= 1.5x 'import sqlmodel, typer';"
echo "         >= 300 acts/s; due-within-3 among 100k open cases < 100 ms; sweep finds and queues 1,000 of 100k < 2 s"
echo "         >= 300 acts/s; due-within-3 among 100k open cases < 100 ms;"
echo "         import >= 20,000 rows/s; a year's report over 200k cases <= 3x the floor"
echo "         >= 300 acts/s; due-within-3 among 100k open cases < 100 ms;"
echo "         letters: HTML >= 500/s, DOCX >= 50/s, PDF ~130 ms a letter (batch on both cores)"
exit $status
