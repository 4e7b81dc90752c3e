"""`report timeliness`: per body, the applications concluded in the year, replied on time, replied late, concluded
without a reply, still overdue at the year's end, the median working days to reply, the extensions granted.

Every figure below is counted by hand from the cases built here (2025 calendar: 劳动节 May 1–5 off, 端午节
May 31–Jun 2 off; the reply period is 20 working days from the day after receipt)."""

from __future__ import annotations

import json
from datetime import date

from openpyxl import load_workbook
from rich.cells import cell_len

from request_flow import services

from .helpers import csv_file, in_process, two_bodies

# TOWN:
#  A received Fri 2025-01-24, due 02-27 (README), replied 02-27: on time, 20 working days
#  B received Mon 2025-03-03, due 03-31 (Mar 4–7, 10–14, 17–21, 24–28: 19, Mar 31: 20), replied 04-02: late, 22
#  C received Tue 2025-05-06 (after 劳动节), due 06-04 (May 7–9, 12–16, 19–23, 26–30: 18; Jun 3, 4: 20), extended
#    on 05-20 (an extension granted in 2025), replied 06-20: on time; May 7 … Jun 20 = 18 + Jun 3–6 (4) + 9–13 (5)
#    + 16–20 (5) = 32 working days
#  D received 2025-06-10, withdrawn 06-12: concluded without a reply
#  E received Thu 2025-11-20, due 12-18 (Nov 21, 24–28, Dec 1–5, 8–12, 15–18: 20); the sweep records the missed
#    deadline on 12-19; replied only on 2026-01-06: overdue at the end of 2025 (and late in 2026)
#  F received 2025-12-10: open at the year's end, its deadline in 2026: not overdue in 2025
#  G received 2025-01-06, never answered, voided on 2025-12-01: counts nowhere
#  one imported application concluded 2025-04-30: concluded without a reply (history has no deadlines)
# DEPT:
#  H received Mon 2025-02-10, due 03-10 (Feb 11–14, 17–21, 24–28, Mar 3–7: 19; Mar 10: 20), replied 03-10: on time, 20
#  one imported application concluded 2025-08-01
TOWN_2025 = {"concluded": 5, "replied_on_time": 2, "replied_late": 1, "without_reply": 2, "overdue": 1,
             "median_workdays": 22, "extensions": 1}
DEPT_2025 = {"concluded": 2, "replied_on_time": 1, "replied_late": 0, "without_reply": 1, "overdue": 0,
             "median_workdays": 20, "extensions": 0}
# the median of 20, 20, 22, 32 is 21
TOTAL_2025 = {"concluded": 7, "replied_on_time": 3, "replied_late": 1, "without_reply": 3, "overdue": 1,
              "median_workdays": 21, "extensions": 1}


def _new(ctx, name: str, received: date) -> str:
    return services.register(ctx, applicant=name, applicant_type="natural_person", channel="in_person",
                             on=received, received_on=received)[0].id


def _answer(ctx, case_id: str, on: date) -> None:
    services.decide(ctx, case_id, "disclosed", {"provided": "复印件"}, on=on)
    services.reply(ctx, case_id, on)


def build_cases(rf, tmp_path):
    two_bodies(rf, tmp_path)
    rf.ok("staff", "add", "王主任", "--role", "office_head")
    town = in_process(rf, "TOWN")
    a = _new(town, "甲某", date(2025, 1, 24))
    _answer(town, a, date(2025, 2, 27))
    b = _new(town, "乙某", date(2025, 3, 3))
    _answer(town, b, date(2025, 4, 2))
    c = _new(town, "丙某", date(2025, 5, 6))
    services.extend(town, c, 20, "王主任", "需要调取档案", date(2025, 5, 20))
    _answer(town, c, date(2025, 6, 20))
    d = _new(town, "丁某", date(2025, 6, 10))
    services.withdraw(town, d, "申请人撤回", date(2025, 6, 12))
    e = _new(town, "戊某", date(2025, 11, 20))
    assert services.record_missed(town, e, date(2025, 12, 19)) is not None
    _answer(town, e, date(2026, 1, 6))
    _new(town, "己某", date(2025, 12, 10))
    g = _new(town, "庚某", date(2025, 1, 6))
    services.void(town, g, "重复登记", "王主任", date(2025, 12, 1))
    rf.ok("import", "cases", csv_file(tmp_path / "t.csv", "ref,applicant_type,received_on,outcome,concluded_on\n"
                                      "OLD-1,natural_person,2025-04-01,disclosed,2025-04-30"))
    dept = in_process(rf, "DEPT")
    h = _new(dept, "辛某", date(2025, 2, 10))
    _answer(dept, h, date(2025, 3, 10))
    rf.ok("import", "cases", csv_file(tmp_path / "d.csv", "ref,applicant_type,received_on,outcome,concluded_on\n"
                                      "OLD-2,commercial,2025-07-01,not_exist,2025-08-01"),
          env={"REQUEST_FLOW_BODY": "DEPT"})


def test_timeliness_per_body_and_in_total(rf, tmp_path):
    build_cases(rf, tmp_path)
    doc = rf.json("report", "timeliness", "--year", "2025", "--bodies", "all")
    assert doc["year"] == 2025 and doc["as_of"] == "2025-12-31"
    assert [(r["body_code"], r["body"]) for r in doc["bodies"]] == [("TOWN", "示例县某某镇人民政府"), ("DEPT", "示例县某某局")]
    assert {k: doc["bodies"][0][k] for k in TOWN_2025} == TOWN_2025
    assert {k: doc["bodies"][1][k] for k in DEPT_2025} == DEPT_2025
    assert doc["total"] == TOTAL_2025
    # the concluded are table 三's (七)总计 of each body
    for code, want in (("TOWN", 5), ("DEPT", 2)):
        t3 = json.loads(rf.ok("report", "annual", "--year", "2025", "--format", "json",
                              env={"REQUEST_FLOW_BODY": code}).stdout)["table3"]
        assert t3["total_processed"]["total"] == want

    # the current body alone by default; a list of codes in its order
    assert [r["body_code"] for r in rf.json("report", "timeliness", "--year", "2025")["bodies"]] == ["TOWN"]
    only = rf.json("report", "timeliness", "--year", "2025", "--bodies", "DEPT,TOWN")
    assert [r["body_code"] for r in only["bodies"]] == ["DEPT", "TOWN"] and only["total"] == TOTAL_2025

    # 2026 so far: E replied late; F, received 2025-12-10, is past its deadline and still open
    later = rf.json("report", "timeliness", "--year", "2026")["bodies"][0]
    assert {k: later[k] for k in ("concluded", "replied_on_time", "replied_late", "without_reply", "overdue")} == \
        {"concluded": 1, "replied_on_time": 0, "replied_late": 1, "without_reply": 0, "overdue": 1}

    # the table a supervisor reads
    out = rf.ok("report", "timeliness", "--year", "2025", "--bodies", "all", env={"COLUMNS": "160"}).stdout
    town_line = next(line for line in out.splitlines() if "示例县某某镇人民政府" in line)
    assert [x for x in town_line.replace("│", " ").split()][1:] == ["5", "2", "1", "2", "1", "22", "1"]
    total_line = next(line for line in out.splitlines() if "合计" in line)
    assert total_line.replace("│", " ").split()[1:] == ["7", "3", "1", "3", "1", "21", "1"]
    # in 80 columns: short headings, explained, and each body's numbers beside the first line of its name
    narrow = rf.ok("report", "timeliness", "--year", "2025", "--bodies", "all", env={"COLUMNS": "80"}).stdout
    assert max(cell_len(line) for line in narrow.splitlines()) <= 80
    dept_line = next(line for line in narrow.splitlines() if "示例县某某局" in line)
    assert dept_line.split() == ["示例县某某局", "2", "1", "0", "1", "0", "20", "0"]
    assert "逾期未结＝逾期未答复" in narrow


def test_timeliness_spreadsheet_with_its_chart(rf_sqlite, tmp_path):
    rf = rf_sqlite
    build_cases(rf, tmp_path)
    path = tmp_path / "out" / "时效.xlsx"
    path.parent.mkdir()  # --out names a file in a folder that exists (docs/contract.md, "Output files")
    assert "已写出" in rf.ok("report", "timeliness", "--year", "2025", "--bodies", "all", "--format", "xlsx",
                             "--out", path).stdout
    ws = load_workbook(path).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_row=5, max_col=8)]
    assert rows[0] == ["机关", "办结", "按期答复", "逾期答复", "未经答复办结", "逾期未答复", "答复用时中位数（工作日）",
                       "延长答复期限"]
    assert rows[1:] == [["示例县某某镇人民政府", 5, 2, 1, 2, 1, 22, 1], ["示例县某某局", 2, 1, 0, 1, 0, 20, 0],
                        ["合计", 7, 3, 1, 3, 1, 21, 1]]
    (chart,) = ws._charts
    assert chart.grouping == "stacked" and len(chart.series) == 4


def test_timeliness_bad_input(rf_sqlite, tmp_path):
    rf = rf_sqlite
    two_bodies(rf, tmp_path)
    assert "没有配置代码为「CITY」的机关（已配置：TOWN、DEPT）" in rf.refused(
        "report", "timeliness", "--year", "2025", "--bodies", "TOWN,CITY", code=2)
    assert "重复" in rf.refused("report", "timeliness", "--year", "2025", "--bodies", "TOWN,TOWN", code=2)
    assert "--bodies" in rf.refused("report", "timeliness", "--year", "2025", "--bodies", "TOWN,", code=2)
    assert "--format" in rf.refused("report", "timeliness", "--year", "2025", "--format", "docx", code=2)
    assert "--year 的值超出允许范围：应不小于 2000" in rf.refused("report", "timeliness", "--year", "1999", code=2)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert "不存在" in rf.refused("report", "timeliness", "--year", "2025", "--format", "xlsx",
                                  "--out", tmp_path / "file" / "t.xlsx", code=2)
