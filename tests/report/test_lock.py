"""A published year is locked: what would change its tables is refused, or recorded as a correction with a
reason that the next run of that year's report shows."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from request_flow import services
from request_flow.domain.errors import Refused
from request_flow.reporting import annual

from .helpers import csv_file, in_process

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
    ctx = in_process(rf)
    with pytest.raises(Refused, match="已于"):
        annual.lock(ctx, 2024)
    with pytest.raises(Refused, match="尚未结束"):
        annual.lock(ctx, datetime.now(ZoneInfo("Asia/Shanghai")).year)

    c2 = annual.behind(ctx, 2024, "carried_out", "commercial")[0]["id"]
    services.decide(ctx, c2, "disclosed", {"provided": "电子版"}, on=date(2024, 12, 27))
    # replying on 2024-12-30 would move C2 from 2024's carried_out to its results: refused, nothing written
    line = rf.refused("case", "reply", c2, "--on", "2024-12-30")
    assert "2024年度报告已于" in line and "锁定" in line and "report correct --year 2024" in line
    assert "四、结转下年度继续办理「商业企业」-1" in line
    assert services.show(ctx, c2)[2].state == "decided"
    # replying in 2025 leaves 2024 as published
    assert services.reply(ctx, c2, date(2025, 1, 6))[1].concluded_on == date(2025, 1, 6)

    late = csv_file(tmp_path / "late.csv", LATE)
    assert "2024年度报告已于" in rf.refused("import", "cases", late)
    r = rf("report", "correct", "--year", "2024", "--reason", "补录登记时遗漏的申请", "--", "import", "cases", late)
    assert r.returncode == 0, r.stderr
    assert "已记录为2024年度报告的更正" in r.stderr and "新增申请1件" in r.stdout

    rep = annual.build(ctx, 2024)
    # by hand: new 2024 was 2 (C1, C2), now 3; L1 is a natural person's, not held, concluded in 2024
    assert rep["table3"]["new"]["total"] == 3 and rep["table3"]["unable.not_held"]["natural_person"] == 1
    assert [c["reason"] for c in rep["corrections"]] == ["补录登记时遗漏的申请"]
    changed = {(c["row"], c["col"]): (c["published"], c["now"]) for c in rep["locked"]["changed_cells"]}
    assert changed == {("new", "natural_person"): (1, 2), ("new", "total"): (2, 3),
                       ("unable.not_held", "natural_person"): (0, 1), ("unable.not_held", "total"): (0, 1),
                       ("total_processed", "natural_person"): (1, 2), ("total_processed", "total"): (1, 2)}
    from rich.console import Console

    from request_flow.reporting.terminal import print_report

    con = Console(record=True, width=200)
    print_report(rep, con)
    shown = con.export_text()
    assert "公布后的更正" in shown and "补录登记时遗漏的申请" in shown and "已公布1，更正后2" in shown


def test_a_reopened_case_counts_its_eventual_outcome_as_a_correction(rf_sqlite):
    # a case closed in 2024 as no_correction (a published year) and reopened in 2025 by the office head: the
    # reopen is recorded as a correction of 2024 by itself, with the reopen's reason (docs/procedure.md, "Reopening")
    rf = rf_sqlite
    c = rf.json("case", "new", "--applicant", "张某", "--type", "natural_person", "--channel", "in_person",
                "--received", "2024-11-04")["id"]
    rf.ok("case", "request-correction", c, "--items", "写明文号", "--period", "10", "--on", "2024-11-05",
          "--delivery", "in_person")
    # 10 working days after Tue 11-05: Nov 6-8 (3), 11-15 (8), 18, 19 (10) → closed on 11-20
    assert rf.json("case", "close", c, "--outcome", "no_correction", "--on", "2024-11-20")["outcome"] == "no_correction"
    ctx = in_process(rf)
    assert annual.build(ctx, 2024)["table3"]["other.no_correction"]["natural_person"] == 1
    rf.ok("report", "lock", "--year", "2024")
    assert "负责人" in rf.refused("case", "reopen", c, "--reason", "告知书未交本人", "--approver", "测试员",
                                  "--on", "2025-01-06")
    r = rf.json("case", "reopen", c, "--reason", "告知书未交本人", "--approver", "王主任", "--on", "2025-01-06",
                "--delivery", "in_person")
    # the period runs again in full from the reopen notice (in person, Mon 2025-01-06): Jan 7-10 (4), 13-17 (9), 20 (10)
    assert r["state"] == "awaiting_correction" and r["outcome"] is None and r["deadlines"] == {"correction_due": "2025-01-20"}
    kinds = [x["kind"] for x in r["letters"]]
    assert kinds.count("closure") == 1 and kinds[-1] == "reopen"  # the closure letter stays in the archive
    rep = annual.build(ctx, 2024)
    assert [x["reason"] for x in rep["corrections"]] == ["恢复办理：告知书未交本人"]
    assert rep["table3"]["other.no_correction"]["natural_person"] == 0 and rep["table3"]["carried_out"]["total"] == 1
