"""Reports sent as spreadsheets: the official layout written by `report annual --format xlsx` reads back equal to
the JSON, and the variants bodies send (a title over two rows under an extra row, 总计 first, tables 三 and 四 on
one sheet, the group written into the row's label, no title at all) read the same; a cell that cannot be read is
named by its sheet and address."""

from __future__ import annotations

import json

from openpyxl import Workbook

from .bodies import consistent_report, runner, write_json
from .helpers import COLS, KINDS, ROWS, csv_file

LABELS = {  # the row labels as a township's own spreadsheet might print them, with the group in the same cell
    "new": "一、本年新收政府信息公开申请数量", "carried_in": "二、上年结转政府信息公开申请数量",
    "disclosed": "三、本年度办理结果（一）予以公开", "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld.state_secret": "（三）不予公开 1．属于国家秘密", "withheld.prohibited_by_law": "2．其他法律行政法规禁止公开",
    "withheld.three_security_one_stability": "3．危及\"三安全一稳定\"", "withheld.third_party_rights": "4．保护第三方合法权益",
    "withheld.internal_affairs": "5．属于三类内部事务信息", "withheld.process_info": "6．属于四类过程性信息",
    "withheld.enforcement_files": "7．属于行政执法案卷", "withheld.administrative_query": "8．属于行政查询事项",
    "unable.not_held": "（四）无法提供 1．本机关不掌握相关政府信息", "unable.needs_creation": "2．没有现成信息需要另行制作",
    "unable.unclear_after_correction": "3．补正后申请内容仍不明确",
    "not_processed.petition_complaint": "（五）不予处理 1．信访举报投诉类申请", "not_processed.duplicate": "2．重复申请",
    "not_processed.publication": "3．要求提供公开出版物", "not_processed.excessive": "4．无正当理由大量反复申请",
    "not_processed.confirm_or_reissue": "5．要求行政机关确认或重新出具已获取信息",
    "other.no_correction": "（六）其他处理 1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.fee_unpaid": "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "3．其他", "total_processed": "（七）总计", "carried_out": "四、结转下年度继续办理",
}
HEAD = {"natural_person": "自然人", "commercial": "商业企业", "research": "科研机构", "public_interest": "社会公益组织",
        "legal_service": "法律服务机构", "other": "其他", "total": "总计"}
HEAD4 = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}


def variant(doc, path, title_rows=(), total_first=False, skip_row=None, cell=None):
    """Tables 三 and 四 on one sheet, one header row each, the labels in column A; `cell` = (row code, column
    code, value) puts a value of our choosing in one cell."""
    wb = Workbook()
    ws = wb.active
    ws.title = "报表"
    for text in title_rows:
        ws.append([text])
    ws.append(["三、收到和处理政府信息公开申请情况"])
    cols = ["total", *COLS[:-1]] if total_first else COLS
    ws.append(["", "申请人情况"])
    ws.append(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", *[HEAD[c] for c in cols]])
    for row in ROWS:
        if row == skip_row:
            continue
        values = [doc["table3"][row][c] for c in cols]
        if cell and cell[0] == row:
            values[cols.index(cell[1])] = cell[2]
        ws.append([LABELS[row], *values])
    ws.append([])
    ws.append(["四、政府信息公开行政复议、行政诉讼情况"])
    order = ["total", "upheld", "corrected", "other", "pending"] if total_first else ["upheld", "corrected", "other", "pending", "total"]
    ws.append(["行政复议", "", "", "", "", "行政诉讼"])
    ws.append(["", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉"])
    ws.merge_cells(start_row=ws.max_row - 1, start_column=1, end_row=ws.max_row - 1, end_column=5)
    ws.merge_cells(start_row=ws.max_row, start_column=6, end_row=ws.max_row, end_column=10)
    ws.merge_cells(start_row=ws.max_row, start_column=11, end_row=ws.max_row, end_column=15)
    ws.append([HEAD4[c] for c in order] * 3)
    ws.append([doc["table4"][k][c] for k in KINDS for c in order])
    wb.save(path)
    return path


def test_annual_xlsx_reads_back_equal_to_the_json(rf_sqlite, tmp_path):
    rf = rf_sqlite
    cases = csv_file(tmp_path / "cases.csv", """
ref,applicant_type,received_on,outcome,concluded_on
A1,natural_person,2024-12-20,,
A2,natural_person,2024-12-22,disclosed,2025-01-10
A3,commercial,2025-02-03,partial,2025-02-25
A4,research,2025-03-10,not_exist,2025-03-31
A5,natural_person,2025-06-02,petition_complaint,2025-06-10
A6,legal_service,2025-12-15,,
A7,public_interest,2025-05-06,withdrawn,2025-05-20
A8,other,2025-07-01,fee_unpaid,2025-08-15
""")
    rf.ok("import", "cases", cases)
    rf.ok("report", "annual", "--year", "2025", "--format", "json", "--out", tmp_path / "r.json")
    rf.ok("report", "annual", "--year", "2025", "--format", "xlsx", "--out", tmp_path / "r.xlsx")
    want = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert want["table3"]["new"]["total"] == 6 and want["table3"]["carried_out"]["total"] == 2  # by hand: A3–A8; A1, A6
    got = json.loads(rf.ok("report", "read", tmp_path / "r.xlsx").stdout)
    assert got["table3"] == want["table3"] and got["table4"] == want["table4"]
    assert (got["body"], got["year"]) == (want["body"], 2025)
    r = rf("report", "check", tmp_path / "r.xlsx")
    assert r.returncode == 0 and r.stdout.startswith(f"{want['body']} 2025：勾稽关系检查全部通过"), r.stdout + r.stderr


def test_variants_read_the_same(tmp_path):
    rf = runner(tmp_path)
    doc = consistent_report("示例县戊镇人民政府", 2025, seed=7)
    for name, kw in {
        "two-row title": {"title_rows": ("附件2", "示例县戊镇人民政府", "2025年政府信息公开工作年度报告"), "total_first": True},
        "one-row title": {"title_rows": ("示例县戊镇人民政府2025年政府信息公开工作年度报告",)},
    }.items():
        path = variant(doc, tmp_path / f"{name}.xlsx", **kw)
        got = json.loads(rf.ok("report", "read", path).stdout)
        assert got["table3"] == doc["table3"] and got["table4"] == doc["table4"], name
        assert (got["body"], got["year"]) == ("示例县戊镇人民政府", 2025), name

    # no title: the body and the year from the options; without them it cannot be combined
    path = variant(doc, tmp_path / "无标题.xlsx")
    got = json.loads(rf.ok("report", "read", path, "--body-name", "示例县戊镇人民政府", "--year", "2025").stdout)
    assert (got["body"], got["year"], got["table3"]) == ("示例县戊镇人民政府", 2025, doc["table3"])
    folder = tmp_path / "in"
    write_json(folder, "甲.json", consistent_report("示例县甲镇人民政府", 2025, seed=1))
    variant(doc, folder / "戊.xlsx")
    line = rf.refused("report", "combine", folder, "--year", "2025", "--name", "示例县", "--format", "json", code=2)
    assert str(folder / "戊.xlsx") in line and "没有机关名称" in line
    r = rf("report", "combine", folder, "--year", "2025", "--name", "示例县", "--format", "json", "--body-name", "示例县戊镇人民政府")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["table3"]["new"]["total"] == doc["table3"]["new"]["total"] + json.loads(
        (folder / "甲.json").read_text(encoding="utf-8"))["table3"]["new"]["total"]


def test_a_cell_that_cannot_be_read_is_named(tmp_path):
    rf = runner(tmp_path)
    doc = consistent_report("示例县戊镇人民政府", 2025, seed=7)
    title = ("示例县戊镇人民政府2025年政府信息公开工作年度报告",)
    # rows: 1 title, 2 table title, 3–4 header, 5 new, 6 carried_in, 7 disclosed …; columns B.. natural_person ..
    path = variant(doc, tmp_path / "字.xlsx", title_rows=title, cell=("disclosed", "commercial", "两件"))
    line = rf.refused("report", "read", path, code=2)
    assert line == (f"错误：{path}：工作表「报表」C7（三（一）予以公开「商业企业」）的值「两件」不是数字：表中每个单元格应为非负整数")
    path = variant(doc, tmp_path / "负.xlsx", title_rows=title, cell=("new", "total", -2))
    assert "工作表「报表」H5（一、本年新收政府信息公开申请数量「总计」）的值-2是负数" in rf.refused("report", "read", path, code=2)
    path = variant(doc, tmp_path / "小数.xlsx", title_rows=title, cell=("carried_out", "research", 2.5))
    assert "D29（四、结转下年度继续办理「科研机构」）的值2.5不是整数" in rf.refused("report", "read", path, code=2)
    path = variant(doc, tmp_path / "公式.xlsx", title_rows=title, cell=("partial", "natural_person", "=1+1"))
    assert "B8（三（二）部分公开（区分处理的，只计这一情形，不计其他情形）「自然人」）是公式「=1+1」，文件中没有保存计算结果" in rf.refused(
        "report", "read", path, code=2)
    path = variant(doc, tmp_path / "过大.xlsx", title_rows=title, cell=("new", "research", 10 ** 12))
    assert "D5（一、本年新收政府信息公开申请数量「科研机构」）的值过大（13位数）：申请件数不应超过999999999" in rf.refused(
        "report", "read", path, code=2)
    path = variant(doc, tmp_path / "5000位.xlsx", title_rows=title, cell=("new", "research", "9" * 5000))
    assert "D5（一、本年新收政府信息公开申请数量「科研机构」）的值过大（5000位数）" in rf.refused("report", "read", path, code=2)
    path = variant(doc, tmp_path / "缺行.xlsx", title_rows=title, skip_row="unable.needs_creation")
    assert "工作表「报表」的表三缺少1行：2. 没有现成信息需要另行制作" in rf.refused("report", "read", path, code=2)
    # an unknown label on a row with numbers
    wb_path = variant(doc, tmp_path / "行名.xlsx", title_rows=title)
    from openpyxl import load_workbook

    wb = load_workbook(wb_path)
    wb["报表"]["A9"] = "不予公开的其他情形"
    wb.save(wb_path)
    assert "工作表「报表」A9的行名「不予公开的其他情形」无法识别" in rf.refused("report", "read", wb_path, code=2)
    # not a spreadsheet at all, and the old binary format
    (tmp_path / "旧.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert "不是有效的 XLSX 文件" in rf.refused("report", "read", tmp_path / "旧.xlsx", code=2)
    (tmp_path / "x.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert "是旧的 .xls 格式" in rf.refused("report", "read", tmp_path / "x.xls", code=2)
    assert len(COLS) == 7


def test_any_table_survives_the_spreadsheet(tmp_path):
    """Property: whatever the counts (consistent or not, large or zero), the official layout written by the
    program reads back to the same tables."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from request_flow.reporting import documents, staff_texts, xlsx_read

    counts = st.integers(min_value=0, max_value=999_999_999)
    staff = staff_texts.load(None, 2025)

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(counts, min_size=25 * 7, max_size=25 * 7), st.lists(counts, min_size=15, max_size=15))
    def roundtrip(cells3, cells4):
        t3 = {r: {c: cells3[i * 7 + j] for j, c in enumerate(COLS)} for i, r in enumerate(ROWS)}
        t4 = {k: {c: cells4[i * 5 + j] for j, c in enumerate(["upheld", "corrected", "other", "pending", "total"])}
              for i, k in enumerate(KINDS)}
        path = tmp_path / "r.xlsx"
        documents.write_xlsx({"body": "示例县某镇人民政府", "year": 2025, "table3": t3, "table4": t4, "checks": []},
                             staff, path)
        got = xlsx_read.read(path)
        assert (got["table3"], got["table4"], got["body"], got["year"]) == (t3, t4, "示例县某镇人民政府", 2025)

    roundtrip()
