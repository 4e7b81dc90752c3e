"""The larger office's deployment as deployed, in the suite (docs/decisions.md, "The deployment in the suite"):
PostgreSQL (a cluster of the test's own), Redis, three `celery -A workers.app worker` processes and one
`celery beat`, each in its own process group, against aiosmtpd on loopback; reminders sent, lapsed cases closed
with their letters, letters drawn by the workers, end to end, through a short fault campaign
(scripts/fault-campaign.py; the long run is a documented command)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_fault_campaign_loses_nothing_and_doubles_nothing():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "fault-campaign.py"), "--rounds", "6", "--seed", "7",
                          "--settle", "240"], capture_output=True, text=True, timeout=900)
    result = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))[7:])
    assert out.returncode == 0 and result["ok"], out.stdout + out.stderr[-3000:]
    table = result["table"]
    # the work arrived and was done: four rounds of new cases (2 each of two kinds, and the first batch)
    assert table["reminders"]["expected"] >= 8 and table["closures"]["expected"] == 8
    assert table["letters"]["expected"] >= 24  # a correction notice and a closure per lapsed case, at least
    for row in table.values():
        assert row["lost"] == 0 and row["doubled"] == 0
    assert sum(result["faults"].values()) == 6
