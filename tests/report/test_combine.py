"""`report combine`: the combined report of a county from its townships' reports, every cell checked against a
sum computed here; refusals (a failing report, a missing body, two reports of one body, another year, a file
that cannot be read) write nothing."""

from __future__ import annotations

import json

import pytest

from .bodies import APPLICANTS, consistent_report, runner, write_json
from .helpers import COLS, KINDS, ROWS

TOWNS = ["示例县甲镇人民政府", "示例县乙镇人民政府", "示例县丙镇人民政府", "示例县丁镇人民政府"]
RESULTS4 = ["upheld", "corrected", "other", "pending", "total"]


def townships(tmp_path, n=4):
    folder = tmp_path / "2025"
    docs = [consistent_report(body, 2025, seed=100 + i) for i, body in enumerate(TOWNS[:n])]
    for i, doc in enumerate(docs):
        write_json(folder, f"{i + 1:02d}.json", doc)
    return folder, docs


def summed(docs):
    """The independent sum: cell by cell, over the given reports."""
    t3 = {r: {c: sum(d["table3"][r][c] for d in docs) for c in COLS} for r in ROWS}
    t4 = {k: {c: sum(d["table4"][k][c] for d in docs) for c in RESULTS4} for k in KINDS}
    return t3, t4


def test_every_cell_is_the_sum_of_the_townships(tmp_path):
    from openpyxl import load_workbook

    from request_flow.reporting import documents, staff_texts

    rf = runner(tmp_path)
    folder, docs = townships(tmp_path, 3)
    # the fourth township sends the official-layout spreadsheet, as written by `report annual --format xlsx`
    fourth = consistent_report(TOWNS[3], 2025, seed=103)
    documents.write_xlsx({**fourth, "checks": []}, staff_texts.load(None, 2025), folder / "04.xlsx")
    everyone = [*docs, fourth]
    r = rf("report", "combine", folder, "--year", "2025", "--name", "示例县", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    t3, t4 = summed(everyone)
    for row in ROWS:
        for col in COLS:
            assert doc["table3"][row][col] == t3[row][col], (row, col)
    for kind in KINDS:
        for col in RESULTS4:
            assert doc["table4"][kind][col] == t4[kind][col], (kind, col)
    assert doc["body"] == "示例县" and doc["year"] == 2025
    assert all(c["ok"] for c in doc["checks"]) and {c["name"] for c in doc["checks"]} == {
        "balance", "total_processed", "row_totals", "carried_over", "table4_totals"}
    assert [b["body"] for b in doc["combined"]["bodies"]] == TOWNS
    assert "已汇总4份报表" in r.stderr

    # the spreadsheet: the official layout read back gives the same tables, and the per-body breakdown
    out = tmp_path / "示例县.xlsx"
    r = rf("report", "combine", folder, "--year", "2025", "--name", "示例县", "--out", out)
    assert r.returncode == 0, r.stderr
    from request_flow.reporting import xlsx_read

    back = xlsx_read.read(out)
    assert back["table3"] == t3 and back["table4"] == t4 and back["body"] == "示例县" and back["year"] == 2025
    ws = load_workbook(out)["分机关明细"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=6)]
    for i, d in enumerate(everyone):
        assert rows[i][1] == d["body"]
        assert rows[i][2:27] == [d["table3"][row]["total"] for row in ROWS]
        assert rows[i][27:30] == [d["table4"][k]["total"] for k in KINDS]
    assert rows[4][1] == "合计（示例县）" and rows[4][2:27] == [t3[row]["total"] for row in ROWS]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"

    # the document and the web page say what was added up
    for fmt in ("docx", "html"):
        path = tmp_path / f"示例县.{fmt}"
        rf.ok("report", "combine", folder, "--year", "2025", "--name", "示例县", "--out", path)
        if fmt == "docx":
            from docx import Document

            d = Document(str(path))
            text = "\n".join(p.text for p in d.paragraphs)
            cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
            assert str(t3["new"]["total"]) in cells and str(t3["total_processed"]["total"]) in cells
        else:
            text = path.read_text(encoding="utf-8")
        assert "示例县" in text and "2025年政府信息公开工作年度报告" in text
        assert "本报告表三、表四由以下4个机关2025年度报告的数据逐项相加汇总：" + "、".join(TOWNS) + "。" in text


def test_a_failing_report_stops_the_combination_unless_left_out(tmp_path):
    rf = runner(tmp_path)
    folder, docs = townships(tmp_path)
    bad = docs[1]
    bad["table3"]["partial"]["research"] += 2  # (七) of 科研机构 short by 2, the row's total short by 2
    write_json(folder, "02.json", bad)
    out = tmp_path / "c.json"
    r = rf("report", "combine", folder, "--year", "2025", "--name", "示例县", "--out", out)
    assert r.returncode == 1 and not out.exists()
    tp = bad["table3"]["total_processed"]["research"]
    assert f"「科研机构」列：（七）总计填{tp}，21项办理结果之和为{tp + 2}，少2" in r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "1份报表未通过勾稽关系检查，未汇总：示例县乙镇人民政府" in lines[0] and "--allow-failing" in lines[0]

    r = rf("report", "combine", folder, "--year", "2025", "--name", "示例县", "--out", out, "--allow-failing")
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    t3, t4 = summed([docs[0], docs[2], docs[3]])
    assert doc["table3"] == t3 and doc["table4"] == t4
    assert doc["combined"]["left_out"] == [{"body": "示例县乙镇人民政府", "file": str(folder / "02.json"),
                                            "failing": ["total_processed", "row_totals"]}]
    assert "未计入（未通过勾稽关系检查）：示例县乙镇人民政府" in r.stderr


def test_expected_bodies(tmp_path):
    rf = runner(tmp_path)
    folder, docs = townships(tmp_path, 3)
    names = tmp_path / "名单.txt"
    names.write_text("# 示例县应报送的乡镇\n" + "\n".join(TOWNS) + "\n", encoding="utf-8")
    out = tmp_path / "c.json"
    line = rf.refused("report", "combine", folder, "--year", "2025", "--name", "示例县", "--expect", names, "--out", out)
    assert line == "错误：名单中有1个机关没有报表：示例县丁镇人民政府；未汇总" and not out.exists()
    names.write_text("\n".join(TOWNS[:2]) + "\n", encoding="utf-8")
    r = rf("report", "combine", folder, "--year", "2025", "--name", "示例县", "--expect", names, "--out", out)
    assert r.returncode == 0 and "不在应报送名单中（已计入）：示例县丙镇人民政府" in r.stderr


def _huge(doc):
    return json.dumps(doc, ensure_ascii=False).replace('"research": 0', '"research": ' + "9" * 5000, 1)


def _set(row, col, value):
    def change(doc):
        doc["table3"][row][col] = value
        return doc
    return change


def _drop(doc):
    del doc["table3"]["other.fee_unpaid"]
    return doc


def _shape(doc):
    doc["table3"]["new"] = [1, 2, 3]
    return doc


def _year(doc):
    doc["year"] = 2024
    return doc


BAD = {
    # name: (what the file holds, what the one line must say besides the file's name)
    "not a report": (lambda d: "这不是报表", "不是有效的 JSON"),
    "not an object": (lambda d: [d], "顶层应为对象"),
    "wrong shape": (_shape, "table3.new（一、本年新收政府信息公开申请数量）应为对象"),
    "missing row": (_drop, "table3 缺少1行：other.fee_unpaid"),
    "negative": (_set("disclosed", "commercial", -3), "table3.disclosed.commercial（三（一）予以公开「商业企业」）的值-3是负数"),
    "fraction": (_set("partial", "other", 1.5), "table3.partial.other（三（二）部分公开（区分处理的，只计这一情形，不计其他情形）「其他」）的值1.5不是整数"),
    "text": (_set("new", "natural_person", "三"), "table3.new.natural_person（一、本年新收政府信息公开申请数量「自然人」）的值「三」不是数字"),
    "too large": (_set("new", "research", 10 ** 12), "table3.new.research（一、本年新收政府信息公开申请数量「科研机构」）的值过大（13位数）"),
    "5,000 digits": (_huge, "位数过多的数字（超过4300位）"),
    "deeply nested": (lambda d: "[" * 100_000 + "]" * 100_000, "嵌套层数过深"),
    "another year": (_year, "是2024年度的报表，不是2025年度"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_report_in_the_folder_combines_nothing(tmp_path, case):
    rf = runner(tmp_path)
    folder, docs = townships(tmp_path, 2)
    make, says = BAD[case]
    content = make(json.loads(json.dumps(docs[1])))
    write_json(folder, "02.json", content if isinstance(content, str) else json.dumps(content, ensure_ascii=False))
    out = tmp_path / "c.xlsx"
    line = rf.refused("report", "combine", folder, "--year", "2025", "--name", "示例县", "--out", out, code=2)
    assert str(folder / "02.json") in line and says in line and "未汇总" in line, line
    assert not out.exists()
    # the folder check names it too, as a row, and checks the rest
    r = rf("report", "check", folder)
    if case == "another year":
        assert r.returncode == 0  # checking a report of another year is fine; only adding it up is not
    else:
        assert r.returncode == 2 and says in r.stdout and "Traceback" not in r.stderr


def test_two_reports_of_one_body_and_unrecognisable_spreadsheet(tmp_path):
    from openpyxl import Workbook

    rf = runner(tmp_path)
    folder, docs = townships(tmp_path, 2)
    write_json(folder, "03.json", docs[0])
    out = tmp_path / "c.json"
    line = rf.refused("report", "combine", folder, "--year", "2025", "--name", "示例县", "--out", out, code=2)
    assert line == (f"错误：示例县甲镇人民政府2025年度的报表有2份：{folder / '01.json'}、{folder / '03.json'}；未汇总")
    (folder / "03.json").unlink()
    wb = Workbook()
    wb.active.append(["序号", "事项", "数量"])
    wb.active.append([1, "收到申请", 3])
    wb.save(folder / "03.xlsx")
    line = rf.refused("report", "combine", folder, "--year", "2025", "--name", "示例县", "--out", out, code=2)
    assert str(folder / "03.xlsx") in line and "找不到表三" in line and not out.exists()
    (folder / "03.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    line = rf.refused("report", "combine", folder, "--year", "2025", "--name", "示例县", "--out", out, code=2)
    assert str(folder / "03.xlsx") in line and "不是有效的 XLSX 文件" in line and not out.exists()


def test_applicants_only_add_up(tmp_path):
    """A body's report with every result in one column: the combined column is the plain sum (no re-sorting)."""
    rf = runner(tmp_path)
    folder, docs = townships(tmp_path, 2)
    doc = json.loads(rf("report", "combine", folder, "--year", "2025", "--name", "示例县", "--format", "json").stdout)
    for col in APPLICANTS:
        assert doc["table3"]["new"][col] == docs[0]["table3"]["new"][col] + docs[1]["table3"]["new"][col]


def test_previous_year_checks_the_combined_carry_over(tmp_path):
    """With every township's 2024 report, check 4 of the combined report compares the sum of their carry-overs; a
    township whose 上年结转 does not match its 2024 report fails, and is named."""
    rf = runner(tmp_path)
    prev = [consistent_report(body, 2024, seed=200 + i) for i, body in enumerate(TOWNS[:2])]
    for i, doc in enumerate(prev):
        write_json(tmp_path / "2024", f"{i}.json", doc)
    now = [consistent_report(body, 2025, seed=300 + i, carried_in=prev[i]["table3"]["carried_out"])
           for i, body in enumerate(TOWNS[:2])]
    for i, doc in enumerate(now):
        write_json(tmp_path / "2025", f"{i}.json", doc)
    doc = json.loads(rf.ok("report", "combine", tmp_path / "2025", "--year", "2025", "--name", "示例县", "--format",
                           "json", "--previous", tmp_path / "2024").stdout)
    c4 = next(c for c in doc["checks"] if c["name"] == "carried_over")
    assert c4 == {"name": "carried_over", "ok": True, "detail": ""}
    assert doc["table3"]["carried_in"]["total"] == sum(p["table3"]["carried_out"]["total"] for p in prev)

    # 乙镇 carries in two more commercial applications than its 2024 report carried out (and balances otherwise)
    bad = now[1]
    for row in ("carried_in", "carried_out"):
        bad["table3"][row]["commercial"] += 2
        bad["table3"][row]["total"] += 2
    write_json(tmp_path / "2025", "1.json", bad)
    r = rf("report", "combine", tmp_path / "2025", "--year", "2025", "--name", "示例县", "--format", "json",
           "--previous", tmp_path / "2024")
    assert r.returncode == 1 and "示例县乙镇人民政府" in r.stderr
    want = prev[1]["table3"]["carried_out"]["commercial"]
    assert f"「商业企业」列：二、上年结转填{want + 2}，上年报表（1.json）四、结转下年度继续办理为{want}，多2" in r.stdout


def test_usage_errors_write_nothing(tmp_path):
    rf = runner(tmp_path)
    folder, _ = townships(tmp_path, 2)
    base = ("report", "combine", folder, "--year", "2025", "--name", "示例县")
    assert "无法从 --out 的扩展名「.pdf」判断格式" in rf.refused(*base, "--out", tmp_path / "c.pdf", code=2)
    assert "--format 应为" in rf.refused(*base, "--format", "pdf", code=2)
    assert "找不到" in rf.refused("report", "combine", tmp_path / "无", "--year", "2025", "--name", "示例县", code=2)
    assert "--name（汇总报告的机关或地区名称）不能为空" in rf.refused(
        "report", "combine", folder, "--year", "2025", "--name", " ", "--format", "json", code=2)
    empty = tmp_path / "名单.txt"
    empty.write_text("# 无\n\n", encoding="utf-8")
    assert "中没有机关名称" in rf.refused(*base, "--expect", empty, code=2)
    assert "--out 应为 .xlsx 文件" in rf.refused("report", "check", folder, "--out", tmp_path / "p.csv", code=2)
    assert not list(tmp_path.glob("c.*")) and not (tmp_path / "p.csv").exists()
    # the terminal form prints the combined tables and its checks
    r = rf(*base)
    assert r.returncode == 0 and "示例县 2025年政府信息公开工作年度报告" in r.stdout and "已汇总2份报表" in r.stderr


def test_bad_spreadsheet_cell_bad_previous_file_and_mixed_years_combine_nothing(tmp_path):
    """The other ways in: a township's spreadsheet with a cell that is not a number, an unreadable report among last
    year's, two reports of another year in the folder. Each is named (file and cell, or file and year) and nothing
    is written."""
    from .test_xlsx_read import variant

    rf = runner(tmp_path)
    folder, docs = townships(tmp_path, 2)
    out = tmp_path / "c.xlsx"
    base = ("report", "combine", folder, "--year", "2025", "--name", "示例县", "--out", out)
    title = ("示例县丙镇人民政府2025年政府信息公开工作年度报告",)
    sheet = variant(consistent_report(TOWNS[2], 2025, seed=9), folder / "03.xlsx", title_rows=title,
                    cell=("unable.not_held", "legal_service", "约3"))
    # rows: 1 title, 2 table title, 3–4 header, 5 new … 17 unable.not_held; columns B natural_person … F legal_service
    line = rf.refused(*base, code=2)
    assert line == (f"错误：{sheet}：工作表「报表」F17（三（四）无法提供1. 本机关不掌握相关政府信息「法律服务机构」）的值「约3」不是数字："
                    "表中每个单元格应为非负整数；未汇总") and not out.exists()
    r = rf("report", "check", folder)  # the folder check names it as a row and checks the two others
    assert r.returncode == 2 and "F17" in r.stdout and "共3份报表：2份通过，0份未通过，1个文件无法读取" in r.stdout
    sheet.unlink()

    # last year's folder holds a file that cannot be read: check 4 cannot be trusted, nothing is combined
    write_json(tmp_path / "2024", "01.json", consistent_report(TOWNS[0], 2024, seed=1))
    last = consistent_report(TOWNS[1], 2024, seed=2)
    last["table3"]["carried_out"]["research"] = -1
    bad = write_json(tmp_path / "2024", "02.json", last)
    line = rf.refused(*base, "--previous", tmp_path / "2024", code=2)
    assert line == (f"错误：{bad}：table3.carried_out.research（四、结转下年度继续办理「科研机构」）的值-1是负数"
                    "：申请件数应为非负整数；未汇总") and not out.exists()

    # two reports of 2024 in the 2025 folder: each named on its own line, then the refusal
    for i, town in enumerate(TOWNS[2:]):
        write_json(folder, f"旧{i}.json", consistent_report(town, 2024, seed=50 + i))
    r = rf(*base)
    assert r.returncode == 2 and not out.exists()
    assert r.stderr.strip().splitlines() == [f"{folder / '旧0.json'} 是2024年度的报表，不是2025年度",
                                             f"{folder / '旧1.json'} 是2024年度的报表，不是2025年度",
                                             "错误：2处问题，未汇总（见上）"]
