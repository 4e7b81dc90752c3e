"""Every outcome code reaches its row (docs/outcomes.md), the fees collected reach section 六, and the whole report
comes out as DOCX, XLSX and HTML in the official layout with the staff's texts and a chart."""

from __future__ import annotations

from datetime import date

from request_flow import services
from request_flow.reporting import annual, documents, staff_texts

from .helpers import csv_file, in_process

OUTCOME_CODES = ["disclosed", "already_public", "partial", "withheld.state_secret", "withheld.prohibited_by_law",
                 "withheld.three_security_one_stability", "withheld.third_party_rights", "withheld.internal_affairs",
                 "withheld.process_info", "withheld.enforcement_files", "withheld.administrative_query", "not_exist",
                 "not_responsible", "needs_creation", "unclear_after_correction", "petition_complaint", "duplicate",
                 "publication", "excessive", "confirm_or_reissue", "no_correction", "fee_unpaid", "withdrawn", "other"]

# docs/outcomes.md's report-row column, by hand; the live fee case below adds one more `disclosed`
EXPECTED_ROWS = {
    "disclosed": 2 + 1, "partial": 1, "withheld.state_secret": 1, "withheld.prohibited_by_law": 1,
    "withheld.three_security_one_stability": 1, "withheld.third_party_rights": 1, "withheld.internal_affairs": 1,
    "withheld.process_info": 1, "withheld.enforcement_files": 1, "withheld.administrative_query": 1,
    "unable.not_held": 2, "unable.needs_creation": 1, "unable.unclear_after_correction": 1,
    "not_processed.petition_complaint": 1, "not_processed.duplicate": 1, "not_processed.publication": 1,
    "not_processed.excessive": 1, "not_processed.confirm_or_reissue": 1, "other.no_correction": 1,
    "other.fee_unpaid": 1, "other.other": 2,
}

TABLE2 = """
[rules]
issued = 3
repealed = 1
in_force = 12
[normative_documents]
issued = 0
repealed = 0
in_force = 4
[decisions]
licensing = 57
penalty = 2
coercion = 0
[charges]
administrative_fees = 1.25
"""


def test_outcomes_fees_and_the_whole_report(rf_sqlite, tmp_path):
    rf = rf_sqlite
    rows = "\n".join(f"O{i:02d},natural_person,2025-02-{i + 1:02d},{code},2025-03-{i + 1:02d}"
                     for i, code in enumerate(OUTCOME_CODES))
    rf.ok("import", "cases", csv_file(tmp_path / "all.csv", "ref,applicant_type,received_on,outcome,concluded_on\n" + rows))
    # a live application with a fee: 150 pages, 31–100 at 10 yuan (700) and 101–150 at 20 yuan (1,000) = 1,700
    ctx = in_process(rf)
    fee_case = services.register(ctx, applicant="周某", applicant_type="natural_person", channel="in_person",
                                 on=date(2025, 3, 3), received_on=date(2025, 3, 3))[0].id
    services.fee_notice(ctx, fee_case, "per_volume", 150, date(2025, 3, 5))
    services.paid(ctx, fee_case, date(2025, 3, 10))
    services.decide(ctx, fee_case, "disclosed", {"provided": "复印件150页"}, on=date(2025, 3, 18))
    services.reply(ctx, fee_case, date(2025, 3, 20))

    doc = annual.build(ctx, 2025)
    t3 = doc["table3"]
    for row, n in EXPECTED_ROWS.items():
        assert t3[row] == {**dict.fromkeys(t3[row], 0), "natural_person": n, "total": n}, row
    assert t3["new"]["total"] == 25 and t3["total_processed"]["total"] == 25 and t3["carried_out"]["total"] == 0
    assert doc["fees"] == {"amount_yuan": 1700, "cases": 1}
    assert all(c["ok"] for c in doc["checks"])

    texts = tmp_path / "texts"
    assert rf.ok("report", "texts", texts, "--year", "2025").stdout.count("已写出") == 4
    (texts / "overview.txt").write_text("全年主动公开政府信息153条。\n\n<b>依申请公开</b>进一步规范。\n", encoding="utf-8")
    (texts / "problems.txt").write_text("公开渠道覆盖不均。\n", encoding="utf-8")
    (texts / "table2.toml").write_text(TABLE2, encoding="utf-8")
    for fmt in ("docx", "html"):
        rf.ok("report", "annual", "--year", "2025", "--format", fmt, "--texts", texts, "--out", tmp_path / f"r.{fmt}")
    documents.write("xlsx", doc, staff_texts.load(texts, 2025), {}, tmp_path / "r.xlsx")  # the same path, in process

    import docx

    d = docx.Document(str(tmp_path / "r.docx"))
    text = [p.text for p in d.paragraphs]
    assert text[:2] == ["示例县人民政府办公室（示例机关，请配置本机关信息）", "2025年政府信息公开工作年度报告"]
    headings = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert [t for t in text if t in headings] == headings
    assert "全年主动公开政府信息153条。" in text and "<b>依申请公开</b>进一步规范。" in text
    assert "本年度依据《政府信息公开信息处理费管理办法》收取信息处理费1700元（1件申请）。" in text
    assert len(d.inline_shapes) == 1  # the chart
    shapes = [(len(t.rows), len(t.columns)) for t in d.tables]
    assert shapes == [(4, 4), (3, 2), (4, 2), (3, 2), (28, 10), (4, 15)]
    rules, t3_doc, t4_doc = d.tables[0], d.tables[4], d.tables[5]
    assert [c.text for c in rules.rows[2].cells] == ["规章", "3", "1", "12"]
    assert t3_doc.cell(0, 0)._tc is t3_doc.cell(2, 2)._tc  # the merged corner of the official table
    assert t3_doc.cell(0, 3)._tc is t3_doc.cell(0, 9)._tc and t3_doc.cell(0, 3).text == "申请人情况"
    assert t3_doc.cell(5, 0).text == "三、本年度办理结果" and t3_doc.cell(5, 0)._tc is t3_doc.cell(26, 0)._tc
    assert [c.text for c in t3_doc.rows[5].cells][1:] == ["（一）予以公开"] * 2 + ["3", "0", "0", "0", "0", "0", "3"]
    assert t4_doc.cell(0, 5).text == "行政诉讼" and t4_doc.cell(0, 5)._tc is t4_doc.cell(0, 14)._tc

    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "r.xlsx")
    ws = wb.worksheets[0]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:C5", "D3:J3", "E4:I4", "A8:A29", "B10:B17", "B18:B20", "B21:B25", "B26:B28"} <= merged
    assert ws["A8"].value == "三、本年度办理结果" and ws["D8"].value == 3 and ws["J8"].value == 3
    assert {"A2:E2", "F2:O2", "F3:J3", "K3:O3"} <= {str(r) for r in wb.worksheets[1].merged_cells.ranges}

    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "&lt;b&gt;依申请公开&lt;/b&gt;" in html and "<b>依申请" not in html
    assert 'rowspan="22"' in html and 'colspan="7"' in html and "1.25" in html

    (texts / "table2.toml").write_text(TABLE2.replace("issued = 3", "issued = -3"), encoding="utf-8")
    line = rf.refused("report", "annual", "--year", "2025", "--format", "docx", "--texts", texts, code=2)
    assert "rules.issued" in line and "不能为负数" in line
