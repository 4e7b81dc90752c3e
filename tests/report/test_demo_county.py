"""The demonstration's last part, as a user reads it: the county office checks the four reports it received,
one township's slip is caught and named, the problems spreadsheet is written; after the correction the combined
report is written, and its tables are the sum of the four files (added up here)."""

from __future__ import annotations

import json

from rich.cells import cell_len

from .bodies import consistent_report, write_json
from .helpers import COLS, KINDS, ROWS


def test_the_county_catches_a_slip_and_writes_the_combined_report(tmp_path, capsys, monkeypatch):
    from openpyxl import load_workbook

    from request_flow.cli.demo import _demo_county
    from request_flow.console import console
    from request_flow.reporting import xlsx_read

    monkeypatch.setenv("COLUMNS", "120")
    own = write_json(tmp_path / "年度报告", "EXAMPLE-2025.json", consistent_report("示例县人民政府办公室", 2025, seed=5))
    _demo_county(console(), own, tmp_path, 2025)
    out = capsys.readouterr().out
    lines = out.splitlines()
    county = tmp_path / "县汇总" / "2025"
    assert f"报表文件夹：{county}" in lines
    # the table fits the terminal, each file by its name, whole, beside its body
    stripped = [line.strip() for line in lines]
    table = lines[stripped.index("勾稽关系检查"):stripped.index("问题清单")]
    assert max(cell_len(line) for line in table) <= 120
    for name, body in (("01-示例县东镇人民政府.json", "示例县东镇人民政府"), ("EXAMPLE-2025.json", "示例县人民政府办公室")):
        assert any(name in line and body in line for line in lines), name
    assert "共4份报表：3份通过，1份未通过" in lines
    assert "未核对：没有该机关的上年报表" in out
    # the slip: one more natural person in 予以公开, nowhere else: the column's (七) and the row's 总计 are short by 1
    slips = [line for line in lines if line.startswith(("1. ", "2. "))]
    assert len(slips) == 2 and all(line.startswith(("1. 02-示例县西镇人民政府.json（示例县西镇人民政府 2025年度）未通过「",
                                                     "2. 02-示例县西镇人民政府.json（示例县西镇人民政府 2025年度）未通过「"))
                                   for line in slips)
    assert "「（七）总计等于21项办理结果之和」：「自然人」列：（七）总计填" in slips[0] and slips[0].endswith("少1")
    assert "「每行总计等于六类申请人之和」：三（一）予以公开行：总计填" in slips[1] and slips[1].endswith("少1")
    problems = load_workbook(tmp_path / "县汇总" / "问题清单.xlsx")["问题清单"]
    assert [row[2].value for row in problems.iter_rows(min_row=2)] == ["示例县西镇人民政府"] * 2

    # corrected and combined: the written spreadsheet's tables are the sum of the four files now in the folder
    files = sorted(county.glob("*.json"))
    assert len(files) == 4
    docs = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    t3 = {r: {c: sum(d["table3"][r][c] for d in docs) for c in COLS} for r in ROWS}
    t4 = {k: {c: sum(d["table4"][k][c] for d in docs) for c in ("upheld", "corrected", "other", "pending", "total")}
          for k in KINDS}
    (combined,) = (tmp_path / "县汇总").glob("示例县-2025年*（汇总）.xlsx")
    back = xlsx_read.read(combined)
    assert (back["table3"], back["table4"], back["body"], back["year"]) == (t3, t4, "示例县", 2025)
    assert (f"  全县4个机关：本年新收{t3['new']['total']}件，上年结转{t3['carried_in']['total']}件，"
            f"办结{t3['total_processed']['total']}件，结转下年度{t3['carried_out']['total']}件；勾稽关系检查全部通过") in lines
    breakdown = [[c.value for c in row][1] for row in load_workbook(combined)["分机关明细"].iter_rows(min_row=2, max_row=6)]
    assert sorted(breakdown[:4]) == sorted(d["body"] for d in docs) and breakdown[4] == "合计（示例县）"
    assert f"汇总报告（含「分机关明细」表）：{combined}" in out
