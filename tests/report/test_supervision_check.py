"""`report check FOLDER`: a county office checking every township's report at once. The table of bodies × checks,
each failing cell with its difference in words, an unreadable file as one more row, check 4 against last year's
folder, the JSON, and the problems spreadsheet it sends back."""

from __future__ import annotations

import json

from .bodies import consistent_report, runner, write_json


def county(tmp_path):
    """Three townships for 2025 (乙镇 with two slips) and their 2024 reports (丙镇's carry-over does not match)."""
    y24, y25 = tmp_path / "2024", tmp_path / "2025"
    prev = {}
    for i, town in enumerate(["甲镇", "乙镇", "丙镇"]):
        prev[town] = consistent_report(f"示例县{town}人民政府", 2024, seed=10 + i)
        write_json(y24, f"{town}.json", prev[town])
    docs = {}
    for i, town in enumerate(["甲镇", "乙镇", "丙镇"]):
        docs[town] = consistent_report(f"示例县{town}人民政府", 2025, seed=20 + i,
                                       carried_in={c: prev[town]["table3"]["carried_out"][c] for c in
                                                   ("natural_person", "commercial", "research", "public_interest",
                                                    "legal_service", "other")})
    b = docs["乙镇"]
    # slip 1: one more 予以公开 for a 商业企业, nothing else changed: (七) of that column and the row's 总计 are off by 1
    b["table3"]["disclosed"]["commercial"] += 1
    # slip 2: table 四's 行政复议 total one short
    b["table4"]["reconsideration"]["total"] -= 1
    # 丙镇 says it carried in one natural person more than its 2024 report carried out: checks 1 and 4 see it, in
    # the 自然人 and the 总计 columns
    c = docs["丙镇"]
    c["table3"]["carried_in"]["natural_person"] += 1
    c["table3"]["carried_in"]["total"] += 1
    for town, doc in docs.items():
        write_json(y25, f"{town}.json", doc)
    return y24, y25, docs, prev


def test_folder_table_names_each_failing_cell(tmp_path):
    rf = runner(tmp_path)
    y24, y25, docs, prev = county(tmp_path)
    r = rf("report", "check", y25, "--previous", y24, env={"COLUMNS": "160"})
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    # the table: one row per body, a column per check
    assert "示例县甲镇人民政府" in out and "示例县乙镇人民政府" in out and "示例县丙镇人民政府" in out
    for title in ("1 收支平衡", "2（七）总计", "3 行总计", "4 上年结转", "5 表四总计"):
        assert title in out
    tp = docs["乙镇"]["table3"]["total_processed"]["commercial"]
    # 乙镇: the 商业企业 column's (七) says tp, its 21 results add to tp + 1
    assert f"「商业企业」列：（七）总计填{tp}，21项办理结果之和为{tp + 1}，少1" in out
    disclosed = docs["乙镇"]["table3"]["disclosed"]
    assert (f"三（一）予以公开行：总计填{disclosed['total']}，六类申请人之和为{disclosed['total'] + 1}，少1") in out
    rec = docs["乙镇"]["table4"]["reconsideration"]
    assert f"表四「行政复议」：总计填{rec['total']}，结果维持、结果纠正、其他结果、尚未审结之和为{rec['total'] + 1}，少1" in out
    # 丙镇: carried in one more than 2024 carried out
    cin = docs["丙镇"]["table3"]["carried_in"]["natural_person"]
    assert (f"「自然人」列：二、上年结转填{cin}，上年报表（丙镇.json）四、结转下年度继续办理为{cin - 1}，多1") in out
    assert "共3份报表：1份通过，2份未通过" in out
    assert "2份报表未通过勾稽关系检查" in r.stderr and len(r.stderr.strip().splitlines()) == 1

    # without last year's folder, check 4 is not run ("未核对") and 丙镇 still fails check 1
    data = json.loads(rf("report", "check", y25, "--json").stdout)
    assert data["ok"] is False
    by_body = {x["body"]: x for x in data["reports"]}
    assert by_body["示例县甲镇人民政府"]["ok"] is True
    c4 = next(c for c in by_body["示例县丙镇人民政府"]["checks"] if c["name"] == "carried_over")
    assert c4["ok"] is True and c4["detail"] == "没有上年数据，未核对"
    failing = {c["name"] for c in by_body["示例县乙镇人民政府"]["checks"] if not c["ok"]}
    assert failing == {"total_processed", "row_totals", "table4_totals"}
    p = next(p for p in data["problems"] if p["check"] == "total_processed")
    assert (p["cell"], p["filled"], p["expected"], p["off"]) == ("表三三（七）总计「商业企业」", tp, tp + 1, -1)


def test_consistent_folder_passes(tmp_path):
    rf = runner(tmp_path)
    folder = tmp_path / "ok"
    prev = consistent_report("示例县甲镇人民政府", 2024, seed=1)
    write_json(tmp_path / "prev", "甲.json", prev)
    write_json(folder, "甲.json", consistent_report("示例县甲镇人民政府", 2025, seed=2,
                                                    carried_in=prev["table3"]["carried_out"]))
    write_json(folder, "乙.json", consistent_report("示例县乙镇人民政府", 2025, seed=3))
    r = rf("report", "check", folder, "--previous", tmp_path / "prev")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "共2份报表：2份通过，0份未通过" in r.stdout
    data = json.loads(rf("report", "check", folder / "甲.json", folder / "乙.json", "--json").stdout)
    assert data["ok"] is True and len(data["reports"]) == 2 and data["problems"] == []


def test_unreadable_file_is_a_row_and_the_rest_is_checked(tmp_path):
    rf = runner(tmp_path)
    folder = tmp_path / "in"
    write_json(folder, "甲.json", consistent_report("示例县甲镇人民政府", 2025, seed=1))
    write_json(folder, "乙.json", '{"body": "示例县乙镇人民政府", "table3": ')
    (folder / "说明.docx").write_bytes(b"not a report")
    r = rf("report", "check", folder)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "无法读取" in r.stdout and "乙.json 不是有效的 JSON：第1行" in r.stdout
    assert "示例县甲镇人民政府" in r.stdout  # the readable one is still checked
    assert "另有1个文件不是 JSON 或 XLSX，未检查" in r.stdout and "说明.docx" in r.stdout
    assert r.stderr.strip() == f"错误：1个文件无法读取：{folder / '乙.json'}"
    data = json.loads(rf("report", "check", folder, "--json").stdout)
    assert data["unreadable"][0]["file"].endswith("乙.json") and data["reports"][0]["ok"] is True


def test_two_reports_of_one_body_are_named(tmp_path):
    rf = runner(tmp_path)
    folder = tmp_path / "in"
    doc = consistent_report("示例县甲镇人民政府", 2025, seed=1)
    write_json(folder, "甲.json", doc)
    write_json(folder, "甲（修改稿）.json", doc)
    r = rf("report", "check", folder)
    assert r.returncode == 1
    assert "重复报送" in r.stdout and "是同一机关同一年度的报表" in r.stdout
    assert "重复报送：示例县甲镇人民政府" in r.stderr


def test_problems_spreadsheet_one_row_per_problem(tmp_path):
    from openpyxl import load_workbook

    rf = runner(tmp_path)
    y24, y25, docs, prev = county(tmp_path)
    write_json(y25, "坏.json", "[1, 2]")
    out = tmp_path / "问题清单.xlsx"
    r = rf("report", "check", y25, "--previous", y24, "--out", out)
    assert r.returncode == 2 and out.exists()
    wb = load_workbook(out)
    ws = wb["问题清单"]
    header = [c.value for c in ws[1]]
    assert header == ["序号", "报表文件", "机关", "年度", "检查", "单元格", "填报数", "应为", "差额", "说明"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    # 乙镇: (七) of 商业企业, the 予以公开 row's total, table 四; 丙镇: balance in 自然人 and 总计, carry-over in
    # 自然人 and 总计; the unreadable file: 3 + 4 + 1 rows
    assert len(rows) == 8, rows
    assert rows[0][1].endswith("坏.json") and rows[0][4] == "无法读取" and "顶层应为对象" in rows[0][9]
    tp = docs["乙镇"]["table3"]["total_processed"]["commercial"]
    assert ["示例县乙镇人民政府", 2025, "（七）总计等于21项办理结果之和", "表三三（七）总计「商业企业」", tp, tp + 1, -1] in [
        row[2:9] for row in rows]
    cin = docs["丙镇"]["table3"]["carried_in"]["natural_person"]
    assert ["示例县丙镇人民政府", 2025, "本年“上年结转”等于上年“结转下年度继续办理”", "表三二、上年结转政府信息公开申请数量「自然人」",
            cin, cin - 1, 1] in [row[2:9] for row in rows]
    # print settings for sending it back on paper
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True and ws.print_title_rows == "$1:$1"
    assert ws.column_dimensions["J"].width == 60 and ws["J2"].alignment.wrap_text is True
    # the check's title (e.g. 「（七）总计等于21项办理结果之和」, 30 units in a column of 22) needs two lines: the row is
    # high enough for them, since spreadsheet programs do not grow a row of a written file by themselves
    second = next(i for i, row in enumerate(rows, 2) if row[4] == "（七）总计等于21项办理结果之和")
    assert ws.row_dimensions[second].height >= 30
    matrix = wb["检查结果"]
    assert [c.value for c in matrix[1]][3:8] == ["1 收支平衡", "2（七）总计", "3 行总计", "4 上年结转", "5 表四总计"]


def test_one_file_keeps_its_output(tmp_path):
    """The one-file form prints what it always printed (tests/report/test_check_file.py has the rest)."""
    rf = runner(tmp_path)
    path = write_json(tmp_path, "甲.json", consistent_report("示例县甲镇人民政府", 2025, seed=1))
    r = rf("report", "check", path)
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "示例县甲镇人民政府 2025：勾稽关系检查全部通过"
    assert json.loads(rf("report", "check", path, "--json").stdout).keys() == {"body", "year", "ok", "checks"}
    line = rf.refused("report", "check", tmp_path / "无.json", code=2)
    assert "无.json" in line and "不存在" in line
    # hostile files: one line each, no traceback (a RecursionError or Python's digit limit used to escape)
    deep = write_json(tmp_path, "深.json", "[" * 100_000 + "]" * 100_000)
    assert rf.refused("report", "check", deep, code=2) == f"错误：{deep} 的 JSON 嵌套层数过深：不是年度报表"
    huge = write_json(tmp_path, "大.json", '{"table3": ' + "7" * 5000 + "}")
    assert "位数过多的数字（超过4300位）" in rf.refused("report", "check", huge, code=2)


def test_mixed_years_are_pointed_out_and_an_empty_folder_is_bad_input(tmp_path):
    rf = runner(tmp_path)
    folder = tmp_path / "in"
    write_json(folder, "甲.json", consistent_report("示例县甲镇人民政府", 2025, seed=1))
    write_json(folder, "乙.json", consistent_report("示例县乙镇人民政府", 2024, seed=2))
    r = rf("report", "check", folder)
    assert r.returncode == 0 and "提示：报表的年度不一：2024年度1份，2025年度1份" in r.stdout
    (tmp_path / "空").mkdir()
    (tmp_path / "空" / "说明.txt").write_text("x", encoding="utf-8")
    line = rf.refused("report", "check", tmp_path / "空", code=2)
    assert line == f"错误：{tmp_path / '空'} 中没有 JSON 或 XLSX 报表（另有1个其他文件）"
