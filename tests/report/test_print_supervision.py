"""The supervision's spreadsheets as they print: the problems spreadsheet of `report check --out` and the combined
report of `report combine --out X.xlsx` (table 三 and the per-body breakdown sheet), converted to PDF by LibreOffice
and read back with pdftotext, as tests/report/test_print_layout.py does for a body's own report.

What a reader of the printed page must see: each problem on one line with its body, check, filled-in figure, what
it should be and the difference, its explanation whole; each body's row of the breakdown with its name and its 28
totals on one line; nothing cut off at the foot of a row."""

from __future__ import annotations

import re

from .bodies import consistent_report, runner, write_json
from .helpers import KINDS, ROWS
from .test_combine import TOWNS, summed
from .test_print_layout import check_table3, squeeze, to_pdf
from .test_supervision_check import county


def lines_of(pages: list[str]) -> list[tuple[int, str]]:
    return [(p, " ".join(line.split())) for p, page in enumerate(pages) for line in page.splitlines() if line.strip()]


def in_order(text: str, page: str) -> bool:
    """Whether the characters of `text` stand in `page` in their order (other text may come between them)."""
    chars = iter(page)
    return all(ch in chars for ch in text)


def test_problems_spreadsheet_prints_a_problem_a_line(tmp_path):
    from openpyxl import load_workbook

    rf = runner(tmp_path)
    y24, y25, docs, prev = county(tmp_path)
    out = tmp_path / "问题清单.xlsx"
    r = rf("report", "check", y25, "--previous", y24, "--out", out)
    assert r.returncode == 1 and out.exists(), r.stderr
    problems = [[c.value for c in row] for row in load_workbook(out)["问题清单"].iter_rows(min_row=2)]
    # 乙镇: (七) of 商业企业, the 予以公开 row's total, table 四's 行政复议; 丙镇: balance and carry-over, each in
    # 自然人 and 总计 (counted by hand in test_supervision_check.py)
    assert len(problems) == 7
    pages = to_pdf(out, tmp_path)
    lines = lines_of(pages)
    for seq, file, body, year, check, cell, filled, expected, off, text in problems:
        # the row's first line: its number, its body, its year, the three figures and the explanation's start
        figures = f" {filled} {expected} {off} "
        assert any(line.startswith(f"{seq} ") and body in line and f" {year} " in line and figures in line
                   and text[:10] in squeeze(line) for _, line in lines), (seq, body, figures)
        # every wrapped text of the row is printed whole, from the row's first line on (the row is high enough for
        # all its lines: nothing cut off below it): its characters follow in order in the page's text, the other
        # columns' lines in between
        start = next(i for i, (_, line) in enumerate(lines) if line.startswith(f"{seq} ") and body in line)
        rest = squeeze("".join(line for _, line in lines[start:]))
        for whole in (file, check, cell, text):
            assert in_order(squeeze(whole), rest[:400]), (seq, whole)
    assert len([p for p in pages if p.strip()]) == 2  # the problems on one page, the table of checks on the next

    # the second sheet: one report a line, its body, year, a mark per check and the verdict
    want = {"示例县甲镇人民政府": "2025 ✓ ✓ ✓ ✓ ✓ 通过", "示例县乙镇人民政府": "2025 ✓ ✗ 1处 ✗ 1处 ✓ ✗ 1处 未通过",
            "示例县丙镇人民政府": "2025 ✗ 2处 ✓ ✓ ✗ 2处 ✓ 未通过"}
    for body, marks in want.items():
        assert any(p == 1 and body in line and line.endswith(marks) for p, line in lines), (body, marks)


def test_combined_spreadsheet_prints_its_tables_and_the_breakdown(tmp_path):
    rf = runner(tmp_path)
    folder = tmp_path / "2025"
    docs = [consistent_report(body, 2025, seed=400 + i) for i, body in enumerate(TOWNS)]
    for i, doc in enumerate(docs):
        write_json(folder, f"{i + 1:02d}.json", doc)
    out = tmp_path / "示例县.xlsx"
    r = rf("report", "combine", folder, "--year", "2025", "--name", "示例县", "--out", out)
    assert r.returncode == 0, r.stderr
    t3, t4 = summed(docs)
    pages = to_pdf(out, tmp_path)

    # table 三 of the combined report: every row's label beside its seven sums, on the first page
    assert check_table3(pages, {"table3": t3}) == {0}
    assert "示例县2025年政府信息公开工作年度报告" in squeeze(pages[0])
    table4 = " ".join(str(t4[k][c]) for k in KINDS for c in ("upheld", "corrected", "other", "pending", "total"))
    assert any(line == table4 for _, line in lines_of(pages))

    # the breakdown sheet: each body's row, its name and its 28 totals standing together on one line, on one page
    breakdown = set()
    for i, doc in enumerate(docs, 1):
        numbers = [doc["table3"][row]["total"] for row in ROWS] + [doc["table4"][k]["total"] for k in KINDS]
        want = f"{i} {doc['body']} " + " ".join(map(str, numbers))
        found = [p for p, line in lines_of(pages) if line == want]
        assert found, want
        breakdown.add(found[0])
    sums = " ".join(str(t3[row]["total"]) for row in ROWS) + " " + " ".join(str(t4[k]["total"]) for k in KINDS)
    assert [p for p, line in lines_of(pages) if line == f"合计（示例县） {sums}"] == list(breakdown)
    # its column headings are the rows' labels, wrapped in a tall header row: the longest one is printed whole
    page = squeeze(pages[breakdown.pop()])
    assert re.search("各列为表三各行.*合计行等于汇总报告的表三、表四", page)
    assert all(ch in page for ch in "申请人逾期未按收费通知要求缴纳费用")

    # the combined DOCX of the same files prints as a body's report does, and says which bodies it adds up
    docx = tmp_path / "示例县.docx"
    rf.ok("report", "combine", folder, "--year", "2025", "--name", "示例县", "--out", docx)
    pages = to_pdf(docx, tmp_path)
    assert len(check_table3(pages, {"table3": t3})) == 1
    text = "".join(squeeze(page) for page in pages)
    assert "本报告表三、表四由以下4个机关2025年度报告的数据逐项相加汇总：" + "、".join(TOWNS) + "。" in text
