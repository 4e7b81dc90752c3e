"""Reports of several bodies, built by hand for the supervision tests: every total is added up here, in the test,
not by the program."""

from __future__ import annotations

import json
import random
from pathlib import Path

from conftest import Runner

from .helpers import COLS, KINDS, ROWS

APPLICANTS = COLS[:-1]
RESULTS = ROWS[2:23]  # the 21 result rows


def consistent_report(body: str, year: int, seed: int, carried_in: dict[str, int] | None = None) -> dict:
    """A report whose every identity holds: random results and carry-overs, the totals summed by hand."""
    rnd = random.Random(seed)
    t3 = {r: {c: 0 for c in COLS} for r in ROWS}
    for r in RESULTS:
        for c in APPLICANTS:
            t3[r][c] = rnd.choice([0, 0, 0, 1, 2, 5])
    for c in APPLICANTS:
        t3["carried_in"][c] = carried_in[c] if carried_in else rnd.randrange(4)
        t3["carried_out"][c] = rnd.randrange(4)
        t3["total_processed"][c] = sum(t3[r][c] for r in RESULTS)
        # new + carried_in = total_processed + carried_out
        t3["new"][c] = t3["total_processed"][c] + t3["carried_out"][c] - t3["carried_in"][c]
        if t3["new"][c] < 0:  # receive a few more, carry them out
            t3["carried_out"][c] -= t3["new"][c]
            t3["new"][c] = 0
    for r in ROWS:
        t3[r]["total"] = sum(t3[r][c] for c in APPLICANTS)
    t4 = {k: {c: rnd.randrange(3) for c in ("upheld", "corrected", "other", "pending")} for k in KINDS}
    for k in KINDS:
        t4[k]["total"] = sum(t4[k].values())
    return {"body": body, "year": year, "table3": t3, "table4": t4}


def write_json(folder: Path, name: str, doc) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def runner(tmp_path: Path) -> Runner:
    """The command in this process; these commands read files only, so the database is never created."""
    return Runner(f"sqlite:///{tmp_path / 'unused.db'}", tmp_path, in_process=True)
