"""Supervision across bodies: checking and combining a folder of N body reports (JSON, as `report annual --format
json` writes them), against `json.load` of the same files in the same run.

  * the floor: every file opened and read with `json.load`, nothing else;
  * check: `supervision.read_all` on the folder (read, parse and validate every cell, checks 1–5, duplicates);
  * check + combine: the same, then `supervision.combine` (the cell-wise sum and the combined report's checks).

Each the median of --runs runs, the floor measured between them so that both see the machine in the same state.
Target (issue 12): check and combine within 5x the floor for 1,000 reports. Prints figures; never fails on timing.

    .venv/bin/python bench/bench_supervision.py [--reports 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from request_flow.domain import report as R
from request_flow.reporting import supervision as S


def make_report(body: str, seed: int) -> dict:
    rnd = random.Random(seed)
    t3, t4 = R.empty_table3(), R.empty_table4()
    for r in R.RESULT_ROWS:
        for c in R.APPLICANT_COLUMNS:
            t3[r][c] = rnd.choice([0, 0, 1, 3, 12])
    for c in R.APPLICANT_COLUMNS:
        t3["carried_in"][c] = rnd.randrange(5)
        t3["carried_out"][c] = rnd.randrange(5)
    for k in R.APPEAL_ROWS:
        for c in ("upheld", "corrected", "other", "pending"):
            t4[k][c] = rnd.randrange(3)
    R.with_totals(t3, t4)
    for c in R.COLUMNS:
        t3["new"][c] = t3["total_processed"][c] + t3["carried_out"][c] - t3["carried_in"][c]
        t3["carried_out"][c] -= min(t3["new"][c], 0)
        t3["new"][c] = max(t3["new"][c], 0)
    for r in ("new", "carried_out"):  # the row totals again, after the adjustment above
        t3[r]["total"] = sum(t3[r][c] for c in R.APPLICANT_COLUMNS)
    return {"body": body, "body_code": f"B{seed}", "year": 2025, "table3": t3, "table4": t4,
            "checks": [c.to_json() for c in R.check_tables(t3, t4)], "fees": {"amount_yuan": 0, "cases": 0},
            "appeals_counted_by": "filed", "locked": None, "corrections": []}


def floor(files: list[Path]) -> float:
    start = time.perf_counter()
    for p in files:
        with p.open("rb") as f:
            json.load(f)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="rf-bench-supervision-") as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        for i in range(args.reports):
            doc = make_report(f"示例市第{i + 1}号机关", i)
            (folder / f"{i + 1:05d}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        files = sorted(folder.iterdir())
        size = sum(p.stat().st_size for p in files)
        floor(files)  # warm the page cache and the imports
        result = S.read_all([str(folder)])
        assert not result.unreadable and result.ok, "the generated reports must pass"
        floors, checks, combines = [], [], []
        for _ in range(args.runs):
            floors.append(floor(files))
            start = time.perf_counter()
            S.read_all([str(folder)])
            checks.append(time.perf_counter() - start)
            floors.append(floor(files))
            start = time.perf_counter()
            combined = S.combine(S.read_all([str(folder)]), 2025, "示例市")
            combines.append(time.perf_counter() - start)
        assert len(combined.included) == args.reports and all(c["ok"] for c in combined.doc["checks"])
    f, c, k = statistics.median(floors), statistics.median(checks), statistics.median(combines)
    print(f"supervision: {args.reports} body reports ({size / args.reports / 1024:.1f} KiB each), median of {args.runs} runs")
    print(f"  json.load of every file (floor)   {f * 1000:8.1f} ms")
    print(f"  report check of the folder        {c * 1000:8.1f} ms  ({c / f:.2f}x the floor)")
    print(f"  check and combine                 {k * 1000:8.1f} ms  ({k / f:.2f}x the floor)")
    print(f"SUMMARY supervision: check+combine {args.reports} reports {k * 1000:.0f} ms = {k / f:.2f}x json.load "
          f"(target <= 5x); check alone {c / f:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
