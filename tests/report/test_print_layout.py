"""The report as it prints: the DOCX and the XLSX converted to PDF by LibreOffice (headless, the nearest stand-in
here for Word and WPS) and read back with pdftotext; and the terminal view at the width of the terminal.

What a reader of the printed page must see: every row of table 三 with its label and its seven numbers on one line
(not a label wrapped a character a line, not the numbers on a page of their own), table 三 on at most two pages,
with its header rows again on the second page when it runs over."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from rich.cells import cell_len

from request_flow.domain import report as R
from request_flow.reporting import documents, staff_texts

from .helpers import csv_file

BODY = "示例县某某镇人民政府"


def hand_doc() -> dict:
    """Every cell of table 三 a different number (row i: 10(i+1) … 10(i+1)+6), so a line of the PDF's text can
    only hold the numbers of one row; table 四 likewise (kind k: 100(k+1) … 100(k+1)+4)."""
    t3 = {r: {c: 10 * (i + 1) + j for j, c in enumerate(R.COLUMNS)} for i, r in enumerate(R.ROWS)}
    t4 = {k: {c: 100 * (i + 1) + j for j, c in enumerate(R.APPEAL_COLUMNS)} for i, k in enumerate(R.APPEAL_ROWS)}
    return {"body": BODY, "body_code": "TOWN", "year": 2025, "table3": t3, "table4": t4, "checks": [],
            "fees": {"amount_yuan": 0, "cases": 0}, "locked": None, "corrections": []}


MONTHS = {"received": [0] * 12, "concluded": {g: [0] * 12 for g in ("disclosed", "partial", "withheld", "unable",
                                                                    "not_processed", "other")},
          "on_time": [0] * 12, "late": [0] * 12}


def to_pdf(src: Path, tmp_path: Path) -> list[str]:
    """LibreOffice converts the file (a profile of its own, so that parallel runs do not share one); the pages'
    text as pdftotext -layout lays it out."""
    out = tmp_path / f"pdf-{src.suffix[1:]}"
    r = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out), str(src)], capture_output=True, text=True, timeout=300)
    pdf = out / (src.stem + ".pdf")
    assert r.returncode == 0 and pdf.is_file(), r.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


NUMBERS_AT_END = re.compile(r"^(.*?)((?:\s+\d+){7})\s*$")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def row_lines(pages: list[str], t3: dict) -> dict[str, tuple[int, str]]:
    """For each row of table 三: the page and the line on which its label (the first 8 characters, spaces aside)
    and its seven numbers, in order, stand together."""
    found: dict[str, tuple[int, str]] = {}
    for row, label in R.ROWS.items():
        want, numbers = squeeze(label)[:8], [str(t3[row][c]) for c in R.COLUMNS]
        for p, page in enumerate(pages):
            for line in page.splitlines():
                m = NUMBERS_AT_END.match(line)
                if m and want in squeeze(m.group(1)) and m.group(2).split() == numbers:
                    found[row] = (p, line)
    return found


def check_table3(pages: list[str], doc: dict) -> set[int]:
    found = row_lines(pages, doc["table3"])
    assert set(found) == set(R.ROWS), f"rows whose label and numbers are not on one line: {set(R.ROWS) - set(found)}"
    return {p for p, _ in found.values()}


def test_docx_prints_in_the_official_layout(tmp_path):
    doc = hand_doc()
    staff = staff_texts.load(None, 2025)
    documents.write("docx", doc, staff, MONTHS, tmp_path / "report.docx")
    pages = to_pdf(tmp_path / "report.docx", tmp_path)
    assert len(check_table3(pages, doc)) == 1  # on one page: it fits one, so it starts on a new one
    table4 = " ".join(str(doc["table4"][k][c]) for k in R.APPEAL_ROWS for c in R.APPEAL_COLUMNS)
    assert any(table4 == " ".join(line.split()) for page in pages for line in page.splitlines())

    # after a long overview the table starts low on a page: it moves to the next page whole, the headings with it
    staff.overview = ["全年主动公开政府信息153条，依申请公开工作进一步规范，办理流程逐步完善。" * 3] * 3
    documents.write("docx", doc, staff, MONTHS, tmp_path / "long.docx")
    pages = to_pdf(tmp_path / "long.docx", tmp_path)
    (page,) = check_table3(pages, doc)
    assert "三、收到和处理政府信息公开申请情况" in pages[page] and "申请人情况" in pages[page]
    # taller than a page (it cannot be here), it would run over with its three header rows again on the next page
    import docx
    from docx.oxml.ns import qn

    t3 = docx.Document(str(tmp_path / "long.docx")).tables[4]
    assert [r._tr.trPr.find(qn("w:tblHeader")) is not None for r in t3.rows][:4] == [True, True, True, False]


def test_xlsx_prints_on_few_pages_with_labels_beside_their_numbers(tmp_path):
    doc = hand_doc()
    documents.write("xlsx", doc, staff_texts.load(None, 2025), MONTHS, tmp_path / "tables.xlsx")
    pages = to_pdf(tmp_path / "tables.xlsx", tmp_path)
    assert check_table3(pages, doc) == {0}  # table 三 on the first page, landscape, fitted to its width
    assert f"{BODY}2025年政府信息公开工作年度报告" in squeeze(pages[0])
    table4 = " ".join(str(doc["table4"][k][c]) for k in R.APPEAL_ROWS for c in R.APPEAL_COLUMNS)
    assert [p for p, page in enumerate(pages) if any(" ".join(ln.split()) == table4 for ln in page.splitlines())] == [1]
    # the long labels of （六） stand whole on their own line, not over the next rows
    for row in ("other.no_correction", "other.fee_unpaid"):
        assert any(squeeze(R.ROWS[row]) in squeeze(line) for line in pages[0].splitlines())
    assert len([p for p in pages if p.strip()]) <= 4  # 表三, 表四, 表二, the checks: a page each

    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "tables.xlsx").worksheets[0]
    assert ws.print_title_rows == "$3:$5" and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


# -- the terminal --------------------------------------------------------------------------------------------

CASES = "ref,applicant_type,received_on,outcome,concluded_on\n" + "\n".join(
    f"T{i:02d},{kind},2025-0{1 + i % 9}-10,{outcome},{'2025-11-20' if outcome else ''}"
    for i, (kind, outcome) in enumerate([
        ("natural_person", "disclosed"), ("natural_person", "disclosed"), ("commercial", "partial"),
        ("research", "withheld.state_secret"), ("public_interest", "not_exist"), ("legal_service", "duplicate"),
        ("other", "no_correction"), ("natural_person", "fee_unpaid"), ("natural_person", "withdrawn"),
        ("commercial", ""), ("natural_person", ""), ("natural_person", "needs_creation")]))


def test_terminal_view_fits_the_terminal(rf_sqlite, tmp_path):
    rf = rf_sqlite
    rf.ok("import", "cases", csv_file(tmp_path / "c.csv", CASES))
    t3 = json.loads(rf.ok("report", "annual", "--year", "2025", "--format", "json").stdout)["table3"]
    assert t3["new"]["total"] == 12 and t3["carried_out"]["total"] == 2
    for columns, compact in ((160, False), (100, True), (80, True)):
        out = rf.ok("report", "annual", "--year", "2025", env={"COLUMNS": str(columns)}).stdout
        lines = out.splitlines()
        assert max(cell_len(line) for line in lines) <= columns, columns
        for row, label in R.ROWS.items():
            want, numbers = squeeze(label)[:8], [str(t3[row][c]) for c in R.COLUMNS]
            assert any(want in squeeze(line) and re.sub("[│┃]", " ", line).split()[-7:] == numbers
                       for line in lines), (columns, row)
        headings = re.sub("[│┃]", " ", next(line for line in lines if "自然人" in line)).split()
        assert headings == (["自然人", "商业", "科研", "公益", "法律", "其他", "总计"] if compact else
                            ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"])
        if compact:
            assert "公益＝社会公益组织" in out and "未结＝尚未审结" in out


def test_timeliness_sheet_prints_on_one_page_with_its_chart(tmp_path):
    from request_flow.reporting import timeliness

    names = ["示例县某某镇人民政府", "示例县某某局", "示例县某某街道办事处"]
    rows = [{"body_code": f"B{i}", "body": name, "concluded": 100 + i, "replied_on_time": 80 + i, "replied_late": 10 + i,
             "without_reply": 10, "overdue": 3 + i, "median_workdays": 12 + i, "extensions": 5 + i}
            for i, name in enumerate(names)]
    total = {"concluded": 303, "replied_on_time": 243, "replied_late": 33, "without_reply": 30, "overdue": 12,
             "median_workdays": 13, "extensions": 18}
    timeliness.write_xlsx({"year": 2025, "as_of": "2025-12-31", "bodies": rows, "total": total}, tmp_path / "t.xlsx")
    (page,) = [p for p in to_pdf(tmp_path / "t.xlsx", tmp_path) if p.strip()]
    lines = [" ".join(line.split()) for line in page.splitlines()]
    for r in rows:
        assert f"{r['body']} {r['concluded']} {r['replied_on_time']} {r['replied_late']} 10 {r['overdue']} " \
               f"{r['median_workdays']} {r['extensions']}" in lines
    assert "合计 303 243 33 30 12 13 18" in lines
    assert "各机关申请的答复时效（件）" in squeeze(page)  # the chart's title
