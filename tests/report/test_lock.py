"""A published year is locked: what would change its tables is refused, or recorded as a correction with a
reason that the next run of that year's report shows."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from .helpers import csv_file

HISTORY = """
ref,applicant_type,received_on,outcome,concluded_on
C1,natural_person,2024-03-01,disclosed,2024-03-20
C2,commercial,2024-12-20,,
"""
LATE = """
ref,applicant_type,received_on,outcome,concluded_on
L1,natural_person,2024-11-11,not_exist,2024-11-30
"""


def test_locked_year(rf_sqlite, tmp_path):
    rf = rf_sqlite
    rf.ok("import", "cases", csv_file(tmp_path / "history.csv", HISTORY))
    locked = rf.json("report", "lock", "--year", "2024")
    assert locked["locked"]["by"] == "测试员" and locked["locked"]["changed_cells"] == []
    assert "已于" in rf.refused("report", "lock", "--year", "2024")
    this_year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    assert "尚未结束" in rf.refused("report", "lock", "--year", str(this_year))

    c2 = rf.json("report", "cases", "--year", "2024", "--row", "carried_out", "--col", "commercial")[0]["id"]
    rf.ok("case", "decide", c2, "--outcome", "disclosed", "--provided", "电子版", "--on", "2024-12-27")
    # replying on 2024-12-30 would move C2 from 2024's carried_out to its results: refused, nothing written
    line = rf.refused("case", "reply", c2, "--on", "2024-12-30")
    assert "2024年度报告已于" in line and "锁定" in line and "report correct --year 2024" in line
    assert "四、结转下年度继续办理「商业企业」-1" in line
    assert rf.json("case", "show", c2)["state"] == "decided"
    # replying in 2025 leaves 2024 as published
    assert rf.json("case", "reply", c2, "--on", "2025-01-06")["concluded_on"] == "2025-01-06"

    late = csv_file(tmp_path / "late.csv", LATE)
    assert "2024年度报告已于" in rf.refused("import", "cases", late)
    r = rf("report", "correct", "--year", "2024", "--reason", "补录登记时遗漏的申请", "--", "import", "cases", late)
    assert r.returncode == 0, r.stderr
    assert "已记录为2024年度报告的更正" in r.stderr and "新增申请1件" in r.stdout

    rep = json.loads(rf.ok("report", "annual", "--year", "2024", "--format", "json").stdout)
    # by hand: new 2024 was 2 (C1, C2), now 3; L1 is a natural person's, not held, concluded in 2024
    assert rep["table3"]["new"]["total"] == 3 and rep["table3"]["unable.not_held"]["natural_person"] == 1
    assert [c["reason"] for c in rep["corrections"]] == ["补录登记时遗漏的申请"]
    changed = {(c["row"], c["col"]): (c["published"], c["now"]) for c in rep["locked"]["changed_cells"]}
    assert changed == {("new", "natural_person"): (1, 2), ("new", "total"): (2, 3),
                       ("unable.not_held", "natural_person"): (0, 1), ("unable.not_held", "total"): (0, 1),
                       ("total_processed", "natural_person"): (1, 2), ("total_processed", "total"): (1, 2)}
    shown = rf.ok("report", "annual", "--year", "2024").stdout
    assert "公布后的更正" in shown and "补录登记时遗漏的申请" in shown and "已公布1，更正后2" in shown
