"""Several bodies sharing one installation: `report annual --bodies` gives the combined report straight from the
records, with the same checks, and `report cases --bodies` names the body and the case behind any combined cell."""

from __future__ import annotations

import json

from .helpers import COLS, ROWS, csv_file, two_bodies
from .test_print_layout import check_table3, to_pdf

HEAD = "ref,applicant_type,received_on,outcome,concluded_on\n"
TOWN = HEAD + """T1,natural_person,2024-11-05,disclosed,2025-01-10
T2,natural_person,2025-02-01,disclosed,2025-03-01
T3,commercial,2025-03-01,not_exist,2025-04-01
T4,natural_person,2025-12-01,,"""
DEPT = HEAD + """D1,natural_person,2025-01-15,disclosed,2025-02-10
D2,research,2025-05-01,partial,2025-06-01
D3,natural_person,2024-12-20,,"""

# The combined 2025 table 三, counted by hand from the two files (cells not named are 0)
EXPECTED = {
    ("new", "natural_person"): 3, ("new", "commercial"): 1, ("new", "research"): 1, ("new", "total"): 5,   # T2 T4 D1, T3, D2
    ("carried_in", "natural_person"): 2, ("carried_in", "total"): 2,                                       # T1, D3
    ("disclosed", "natural_person"): 3, ("disclosed", "total"): 3,                                         # T1 T2 D1
    ("partial", "research"): 1, ("partial", "total"): 1,                                                   # D2
    ("unable.not_held", "commercial"): 1, ("unable.not_held", "total"): 1,                                 # T3
    ("total_processed", "natural_person"): 3, ("total_processed", "commercial"): 1,
    ("total_processed", "research"): 1, ("total_processed", "total"): 5,
    ("carried_out", "natural_person"): 2, ("carried_out", "total"): 2,                                     # T4, D3
}


def setup(rf, tmp_path):
    two_bodies(rf, tmp_path)
    rf.ok("import", "cases", csv_file(tmp_path / "town.csv", TOWN))
    rf.ok("import", "cases", csv_file(tmp_path / "dept.csv", DEPT), env={"REQUEST_FLOW_BODY": "DEPT"})


def annual_json(rf, *args, body: str = "TOWN") -> dict:
    return json.loads(rf.ok("report", "annual", "--year", "2025", "--format", "json", *args,
                            env={"REQUEST_FLOW_BODY": body}).stdout)


def test_combined_report_from_the_records(rf, tmp_path):
    setup(rf, tmp_path)
    doc = annual_json(rf, "--bodies", "all", "--name", "示例县")
    assert doc["body"] == "示例县" and doc["body_code"] == "TOWN+DEPT" and doc["year"] == 2025
    assert [(b["body_code"], b["body"]) for b in doc["bodies"]] == [("TOWN", "示例县某某镇人民政府"), ("DEPT", "示例县某某局")]
    assert doc["table3"] == {r: {c: EXPECTED.get((r, c), 0) for c in COLS} for r in ROWS}
    # every cell equals the sum of the two bodies' own reports, added here independently
    town, dept = annual_json(rf, body="TOWN"), annual_json(rf, body="DEPT")
    for table in ("table3", "table4"):
        for row, cells in doc[table].items():
            assert cells == {c: town[table][row][c] + dept[table][row][c] for c in cells}, row
    # the same six checks, all passing; check 4 against the sum of 2024 (T1 and D3 carried out of 2024)
    assert [(c["name"], c["ok"]) for c in doc["checks"]] == [
        ("balance", True), ("total_processed", True), ("row_totals", True), ("carried_over", True),
        ("table4_totals", True), ("records", True)]
    assert "2个机关本年涉及的申请共7件" in next(c["detail"] for c in doc["checks"] if c["name"] == "records")
    # a supervisor's `report check` accepts it
    (tmp_path / "combined.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    rf.ok("report", "check", tmp_path / "combined.json")
    # a list of codes, in its order, and the default name
    listed = annual_json(rf, "--bodies", "DEPT,TOWN")
    assert listed["body"] == "示例县某某局、示例县某某镇人民政府（汇总）" and listed["table3"] == doc["table3"]
    # without --bodies the report is the current body's, as before
    assert town["body_code"] == "TOWN" and "bodies" not in town and town["table3"]["new"]["total"] == 3  # T2 T3 T4


def test_drill_down_to_the_body_and_the_case(rf, tmp_path):
    setup(rf, tmp_path)
    items = rf.json("report", "cases", "--year", "2025", "--row", "disclosed", "--col", "natural_person",
                    "--bodies", "all")
    assert sorted((it["body"], it["ref"]) for it in items) == [("DEPT", "D1"), ("TOWN", "T1"), ("TOWN", "T2")]
    assert all(it["id"].startswith(it["body"] + "-") for it in items)
    # every non-zero cell of the combined table 三 is the number of cases listed behind it
    for (row, col), n in EXPECTED.items():
        behind = rf.json("report", "cases", "--year", "2025", "--row", row, "--col", col, "--bodies", "TOWN,DEPT")
        assert len(behind) == n, (row, col)
    out = rf.ok("report", "cases", "--year", "2025", "--row", "carried_out", "--bodies", "all").stdout.splitlines()
    assert out[0] == "2025年度表三四、结转下年度继续办理「总计」：2件"
    assert out[1] == "其中：TOWN 1件，DEPT 1件"
    assert [line.split()[0] for line in out[2:]] == ["TOWN", "DEPT"]  # body by body, as configured
    assert "（原编号 T4）  收到2025-12-01" in out[2] and "（原编号 D3）  收到2024-12-20" in out[3]


def test_combined_documents_and_bad_input(rf_sqlite, tmp_path):
    rf = rf_sqlite
    setup(rf, tmp_path)
    out = tmp_path / "县.xlsx"
    rf.ok("report", "annual", "--year", "2025", "--bodies", "all", "--name", "示例县", "--format", "xlsx", "--out", out)
    from openpyxl import load_workbook

    ws = load_workbook(out).worksheets[0]
    assert ws["A1"].value == "示例县 2025年政府信息公开工作年度报告"
    assert ws["D8"].value == 3 and ws["J8"].value == 3  # （一）予以公开: 3 natural persons, 3 in all

    # the combined DOCX prints as a body's does: each row's label with its seven numbers, table 三 on one page
    rf.ok("report", "annual", "--year", "2025", "--bodies", "all", "--name", "示例县", "--format", "docx",
          "--out", tmp_path / "县.docx")
    pages = to_pdf(tmp_path / "县.docx", tmp_path)
    doc = annual_json(rf, "--bodies", "all", "--name", "示例县")
    assert len(check_table3(pages, doc)) == 1 and "示例县" in pages[0]

    assert "没有配置代码为「CITY」的机关（已配置：TOWN、DEPT）" in rf.refused(
        "report", "annual", "--year", "2025", "--bodies", "CITY", code=2)
    assert "--name 只用于汇总报告" in rf.refused("report", "annual", "--year", "2025", "--name", "示例县", code=2)
    assert "--name 不能为空" in rf.refused("report", "annual", "--year", "2025", "--bodies", "all", "--name", " ", code=2)
    assert "重复" in rf.refused("report", "cases", "--year", "2025", "--row", "new", "--bodies", "TOWN,TOWN", code=2)
    assert "行代码「nope」不存在" in rf.refused("report", "cases", "--year", "2025", "--row", "nope", "--bodies", "all",
                                           code=2)
