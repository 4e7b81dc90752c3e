"""The report as files people use: the tables as a spreadsheet in the official layout (openpyxl, merged header
cells), the whole report as a document staff can edit and publish (python-docx) and as a web page (Jinja2),
with a chart of the year (matplotlib, drawn off screen). Each heavy library is imported only here."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..domain import report as R
from ..domain.errors import BadInput
from . import layout, os_reason
from .compute import OUTCOME_GROUPS
from .staff_texts import StaffTexts

CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "SimHei", "Microsoft YaHei", "SimSun")
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"


def title_of(doc: dict[str, Any]) -> str:
    return f"{doc['year']}年政府信息公开工作年度报告"


def write(fmt: str, doc: dict[str, Any], staff: StaffTexts, months: dict[str, Any] | None, path: Path) -> None:
    """`months` None: no chart (a combined report has no records to draw it from)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            write_xlsx(doc, staff, path)
        elif fmt == "docx":
            write_docx(doc, staff, chart_png(doc, months, staff.warnings) if months is not None else None, path)
        elif fmt == "html":
            path.write_text(render_html(doc, staff, chart_png(doc, months, staff.warnings) if months is not None else None),
                            encoding="utf-8")
        else:  # pragma: no cover - the command checks the format
            raise BadInput(f"不支持的格式 {fmt}")
    except OSError as exc:
        raise BadInput(f"无法写入文件 {path}：{os_reason(exc)}") from None


# -- the chart --------------------------------------------------------------------------------------------------

def _cjk_font() -> str | None:
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in available), None)


def chart_png(doc: dict[str, Any], months: dict[str, Any], warnings: list[str]) -> bytes:
    """Applications received and concluded per month, by outcome; replies on time and late."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    font = _cjk_font()
    if font is None:
        warnings.append("未找到中文字体（如 Noto Sans CJK SC），图表中的中文可能无法显示；请安装 fonts-noto-cjk")
    else:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    x = list(range(1, 13))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=150, gridspec_kw={"width_ratios": [3, 2]})
    bottom = [0] * 12
    colors = ["#2e7d32", "#81c784", "#c62828", "#ef6c00", "#6d4c41", "#78909c"]
    for (group, label), color in zip(OUTCOME_GROUPS.items(), colors):
        values = months["concluded"][group]
        left.bar(x, values, bottom=bottom, label=label, color=color, width=0.7)
        bottom = [b + v for b, v in zip(bottom, values)]
    left.plot(x, months["received"], color="#1565c0", marker="o", linewidth=1.5, label="新收申请")
    left.set_title(f"{doc['year']}年各月新收和办结的申请（按办理结果）")
    left.set_xticks(x, [f"{m}月" for m in x])
    left.set_ylabel("件")
    left.legend(fontsize=7, ncol=4, loc="upper center", frameon=False)
    right.bar(x, months["on_time"], color="#2e7d32", label="按期答复", width=0.7)
    right.bar(x, months["late"], bottom=months["on_time"], color="#c62828", label="逾期答复", width=0.7)
    total_on, total_late = sum(months["on_time"]), sum(months["late"])
    share = f"（按期{total_on * 100 // (total_on + total_late)}%）" if total_on + total_late else ""
    right.set_title(f"各月在本系统中答复的申请：是否在法定期限内{share}")
    right.set_xticks(x, [f"{m}" for m in x])
    right.set_xlabel("月")
    right.legend(fontsize=7, ncol=2, loc="upper center", frameon=False)
    if not total_on + total_late:
        right.text(6.5, 0.5, "本年没有在本系统中答复的申请\n（导入的历史记录不含期限）", ha="center", va="center",
                   color="#666666", fontsize=9)
    heights = {left: max([*bottom, *months["received"], 0]), right: max([a + b for a, b in zip(months["on_time"], months["late"])])}
    for ax, top in heights.items():
        ax.set_ylim(0, max(top * 1.3, 1))
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


# -- the print layout -------------------------------------------------------------------------------------------
#
# Word, WPS and LibreOffice keep the widths and heights a file gives and guess the rest; the guesses are what made
# the labels wrap a character a line and the spreadsheet print on eight pages. So every column of every table has
# an explicit width, every row of the spreadsheet a height fitted to its wrapped text, and each sheet its print
# settings (docs/report.md, "The print layout").

# Table 三's columns in the document, in millimetres (A4 portrait between the margins of GB/T 9704: 156 mm):
# the vertical group label, the group labels, the row labels, the seven numbers.
DOCX_T3_MM = (11.0, 24.0, 49.6, *([10.2] * 7))
DOCX_T4_MM = tuple([10.4] * 15)
DOCX_T2_MM = {4: (48.0, 36.0, 36.0, 36.0), 2: (90.0, 66.0)}
# The spreadsheet's columns in Excel's width units (about one digit of the 11-point default font): table 三 on A4
# landscape, so that every row label stands on one line beside its numbers.
XLSX_T3_WIDTHS = {1: 19.0, 2: 15.0, 3: 70.0, **{k: 10.0 for k in range(4, 11)}}
XLSX_T4_WIDTHS = {k: 8.5 for k in range(1, 16)}
XLSX_T2_WIDTHS = {1: 22.0, 2: 26.0, 3: 18.0, 4: 18.0}
XLSX_FONT_PT = 10.0
XLSX_LINE_PT = 14.0


def text_width(text: str, font_pt: float = 11.0) -> float:
    """The width of a text in Excel's column units at a font size: a hanzi or full-width mark about two digits."""
    import unicodedata

    units = sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)
    return units * font_pt / 11.0


def lines_needed(text: str, width_units: float, font_pt: float = XLSX_FONT_PT) -> int:
    """How many lines a wrapped text takes in a column of that width (a little margin for the cell's padding)."""
    import math

    usable = max(width_units - 1.2, 1.0)
    return max(1, *(math.ceil(text_width(part, font_pt) / usable) for part in text.split("\n") or [""]))


# -- the spreadsheet --------------------------------------------------------------------------------------------

def write_xlsx(doc: dict[str, Any], staff: StaffTexts, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def print_setup(ws, landscape: bool, title_rows: str | None = None) -> None:
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as it takes, never a column on a page of its own
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        if title_rows:
            ws.print_title_rows = title_rows

    def sheet(ws, grid: layout.Grid, top: int, widths: dict[int, float]) -> int:
        ws.cell(top, 1, grid.title).font = Font(bold=True, size=12)
        ws.row_dimensions[top].height = 20
        base = top + 1
        lines = [1] * grid.rows
        for c in grid.cells:
            cell = ws.cell(base + c.row, 1 + c.col, int(c.text) if c.number and c.text.isdigit() else
                           (float(c.text) if c.number else c.text))
            # a label over several rows (三、本年度办理结果, （三）不予公开) stands on one line at the top, beside the
            # first row of its group: centred, its lines would fall between the rows and part them from their numbers
            cell.alignment = Alignment(horizontal="center" if (c.header or c.number) else "left",
                                       vertical="top" if c.rowspan > 1 and not c.header else "center", wrap_text=True)
            # one font for labels and numbers, so that a row's texts share a baseline (and a line of the PDF's text)
            cell.font = Font(name=TABLE_FONT, bold=c.header, size=XLSX_FONT_PT)
            if c.rowspan > 1 or c.colspan > 1:
                ws.merge_cells(start_row=base + c.row, start_column=1 + c.col, end_row=base + c.row + c.rowspan - 1,
                               end_column=1 + c.col + c.colspan - 1)
            width = sum(widths.get(1 + c.col + k, 8.43) for k in range(c.colspan))
            need = lines_needed(c.text, width)
            if c.rowspan == 1:
                lines[c.row] = max(lines[c.row], need)
            else:  # a merged label spreads its lines over its rows
                share = -(-need // c.rowspan)
                for k in range(c.rowspan):
                    lines[c.row + k] = max(lines[c.row + k], share)
        for r in range(grid.rows):
            ws.row_dimensions[base + r].height = XLSX_LINE_PT * lines[r] + 3
            for k in range(1, grid.cols + 1):
                ws.cell(base + r, k).border = border
        for k, w in widths.items():
            ws.column_dimensions[get_column_letter(k)].width = w
        return base + grid.rows + 1

    ws = wb.active
    ws.title = "表三 依申请公开"
    heading = ws.cell(1, 1, f"{doc['body']} {title_of(doc)}")
    heading.font = Font(bold=True, size=14)
    heading.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=10)
    ws.row_dimensions[1].height = 24
    sheet(ws, layout.table3(doc["table3"]), 2, XLSX_T3_WIDTHS)
    print_setup(ws, landscape=True, title_rows="3:5")  # the three header rows again on every page
    ws4 = wb.create_sheet("表四 复议诉讼")
    sheet(ws4, layout.table4(doc["table4"]), 1, XLSX_T4_WIDTHS)
    print_setup(ws4, landscape=True, title_rows="2:4")
    ws2 = wb.create_sheet("表二 主动公开")
    row = 1
    for grid in layout.table2(staff.table2):
        row = sheet(ws2, grid, row, XLSX_T2_WIDTHS)
    print_setup(ws2, landscape=False)
    wc = wb.create_sheet("勾稽关系检查")
    wc.append(["检查", "结果", "说明"])
    widths = {"A": 40.0, "B": 8.0, "C": 70.0}
    for c in doc["checks"]:
        wc.append([R.CHECK_TITLES.get(c["name"], c["name"]), "通过" if c["ok"] else "未通过", c["detail"]])
    for letter, w in widths.items():
        wc.column_dimensions[letter].width = w
    for r, cells in enumerate(wc.iter_rows(), start=1):
        need = 1
        for cell in cells:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.font = Font(name=TABLE_FONT, bold=r == 1, size=XLSX_FONT_PT)
            need = max(need, lines_needed(str(cell.value or ""), widths[cell.column_letter]))
        wc.row_dimensions[r].height = XLSX_LINE_PT * need + 4
    print_setup(wc, landscape=False, title_rows="1:1")
    wb.save(path)


# -- the document -----------------------------------------------------------------------------------------------

def _run_font(run, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), name)


def _fix_table(table, widths_mm: tuple[float, ...], header_rows: int = 0) -> None:
    """Fixed column widths (the grid and every cell, merged cells the sum of their columns), narrow cell margins,
    rows that do not break across pages, and the header rows repeated on each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    tbl = table._tbl
    table.autofit = False
    tbl_pr = tbl.tblPr
    for tag in ("w:tblLayout", "w:tblCellMar", "w:tblW"):
        for old in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(old)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    width.set(qn("w:type"), "dxa")
    tbl_pr.append(width)
    fixed = OxmlElement("w:tblLayout")
    fixed.set(qn("w:type"), "fixed")
    tbl_pr.append(fixed)
    margins = OxmlElement("w:tblCellMar")
    for side, mm in (("top", 0.3), ("left", 0.8), ("bottom", 0.3), ("right", 0.8)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(int(Mm(mm).twips)))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.append(margins)
    for col, mm in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(mm).twips)))
    for i, tr in enumerate(tbl.tr_lst):
        k = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Mm(sum(widths_mm[k:k + span]))
            k += span
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if i < header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))


def write_docx(doc: dict[str, Any], staff: StaffTexts, chart: bytes | None, path: Path) -> None:
    from docx import Document
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Mm, Pt

    d = Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)  # A4, margins of GB/T 9704
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)

    def para(text: str, font: str = BODY_FONT, size: float = 16, bold: bool = False, center: bool = False,
             indent: bool = True):
        p = d.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing = Pt(28)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif indent:
            fmt.first_line_indent = Pt(size * 2)
        _run_font(p.add_run(text), font, size, bold)
        return p

    def grid_table(grid: layout.Grid, widths_mm: tuple[float, ...], size: float = 9, header_rows: int = 0,
                   together: bool = False):
        t = d.add_table(rows=grid.rows, cols=grid.cols)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for c in grid.cells:
            cell = t.cell(c.row, c.col)
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(t.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
            cell.text = ""
            # a label that wraps keeps its numbers beside its first line, and a label over several rows starts
            # beside the first row of its group (its lines fall on the rows' lines); headers are centred
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER if c.header else WD_ALIGN_VERTICAL.TOP
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.line_spacing = 1.0
            # a table that fits on a page starts on a new page rather than leave its header and a row behind
            p.paragraph_format.keep_with_next = together and c.row + c.rowspan < grid.rows
            if c.header or c.number:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run_font(p.add_run(c.text), TABLE_FONT, size, c.header)
        _fix_table(t, widths_mm, header_rows)
        return t

    para(doc["body"], TITLE_FONT, 22, center=True)
    para(title_of(doc), TITLE_FONT, 22, center=True)
    failing = [c for c in doc["checks"] if not c["ok"]]
    for c in failing:
        para(f"【勾稽关系检查未通过：{R.CHECK_TITLES[c['name']]}。{c['detail']}】", BODY_FONT, 12, bold=True)
    para("一、总体情况", HEADING_FONT, 16, indent=True)
    for text in staff.overview:
        para(text)
    if chart:
        d.add_picture(io.BytesIO(chart), width=Cm(15.5))
        d.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    para("二、主动公开政府信息情况", HEADING_FONT, 16)
    for grid in layout.table2(staff.table2):
        grid_table(grid, DOCX_T2_MM[grid.cols], 10.5)
        d.add_paragraph()
    heading3 = para("三、收到和处理政府信息公开申请情况", HEADING_FONT, 16)
    heading3.paragraph_format.keep_with_next = True
    grid_table(layout.table3(doc["table3"]), DOCX_T3_MM, 9, header_rows=3, together=True)
    heading4 = para("四、政府信息公开行政复议、行政诉讼情况", HEADING_FONT, 16)
    heading4.paragraph_format.keep_with_next = True
    grid_table(layout.table4(doc["table4"]), DOCX_T4_MM, 9, header_rows=3, together=True)
    para("五、存在的主要问题及改进情况", HEADING_FONT, 16)
    for text in staff.problems:
        para(text)
    para("六、其他需要报告的事项", HEADING_FONT, 16)
    for text in layout.section_six(doc, staff.other):
        para(text)
    d.save(str(path))


# -- the web page -----------------------------------------------------------------------------------------------

def render_html(doc: dict[str, Any], staff: StaffTexts, chart: bytes | None) -> str:
    import base64

    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("request_flow.reporting", "templates"), autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("annual_report.html.j2")
    return template.render(
        doc=doc, title=title_of(doc), staff=staff, chart=base64.b64encode(chart).decode("ascii") if chart else None,
        table2=[_grid_rows(g) for g in layout.table2(staff.table2)], table3=_grid_rows(layout.table3(doc["table3"])),
        table4=_grid_rows(layout.table4(doc["table4"])), six=layout.section_six(doc, staff.other),
        failing=[(R.CHECK_TITLES[c["name"]], c["detail"]) for c in doc["checks"] if not c["ok"]])


def _grid_rows(grid: layout.Grid) -> dict[str, Any]:
    rows: list[list[layout.Cell]] = [[] for _ in range(grid.rows)]
    for c in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        rows[c.row].append(c)
    return {"title": grid.title, "rows": rows}
