"""The official tables as grids of cells with their merges (国办公开办函〔2021〕30号, as in the seed report),
shared by the spreadsheet, the document and the web page, so that all three show the same layout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain import report as R


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    number: bool = False
    header: bool = False


@dataclass
class Grid:
    title: str
    rows: int
    cols: int
    cells: list[Cell]

    def at(self) -> dict[tuple[int, int], Cell]:
        return {(c.row, c.col): c for c in self.cells}


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table3(t3: dict[str, dict[str, int]]) -> Grid:
    cells = [
        Cell(0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3, header=True),
        Cell(0, 3, "申请人情况", colspan=7, header=True),
        Cell(1, 3, "自然人", rowspan=2, header=True),
        Cell(1, 4, "法人或其他组织", colspan=5, header=True),
        Cell(1, 9, "总计", rowspan=2, header=True),
    ]
    for i, col in enumerate(("commercial", "research", "public_interest", "legal_service", "other")):
        cells.append(Cell(2, 4 + i, R.COLUMNS[col], header=True))
    r = 3
    first_result = r + 2
    for row in R.ROWS:
        group = row.split(".")[0] if "." in row else None
        if row in ("new", "carried_in", "carried_out"):
            cells.append(Cell(r, 0, R.ROWS[row], colspan=3))
        elif group in R.RESULT_GROUPS:
            members = [x for x in R.RESULT_ROWS if x.startswith(group + ".")]
            if row == members[0]:
                cells.append(Cell(r, 1, R.RESULT_GROUPS[group], rowspan=len(members)))
            cells.append(Cell(r, 2, R.ROWS[row]))
        else:  # disclosed, partial, total_processed
            cells.append(Cell(r, 1, R.ROWS[row], colspan=2))
        for i, col in enumerate(R.COLUMNS):
            cells.append(Cell(r, 3 + i, _fmt(t3[row][col]), number=True))
        r += 1
    cells.append(Cell(first_result, 0, "三、本年度办理结果", rowspan=len(R.RESULT_ROWS) + 1))
    return Grid("三、收到和处理政府信息公开申请情况", r, 10, cells)


def table4(t4: dict[str, dict[str, int]]) -> Grid:
    cols = ("upheld", "corrected", "other", "pending", "total")
    cells = [Cell(0, 0, "行政复议", colspan=5, header=True), Cell(0, 5, "行政诉讼", colspan=10, header=True),
             Cell(1, 5, "未经复议直接起诉", colspan=5, header=True), Cell(1, 10, "复议后起诉", colspan=5, header=True)]
    for i, c in enumerate(cols):
        cells.append(Cell(1, i, R.APPEAL_COLUMNS[c], rowspan=2, header=True))
        cells.append(Cell(2, 5 + i, R.APPEAL_COLUMNS[c], header=True))
        cells.append(Cell(2, 10 + i, R.APPEAL_COLUMNS[c], header=True))
    for k, kind in enumerate(R.APPEAL_ROWS):
        for i, c in enumerate(cols):
            cells.append(Cell(3, 5 * k + i, _fmt(t4[kind][c]), number=True))
    return Grid("四、政府信息公开行政复议、行政诉讼情况", 4, 15, cells)


def table2(t2: Any) -> list[Grid]:
    """The four small tables of section 二, as the format lays them out."""
    docs = Grid("第二十条第（一）项", 4, 4, [
        Cell(0, 0, "第二十条第（一）项", colspan=4, header=True),
        Cell(1, 0, "信息内容", header=True), Cell(1, 1, "本年制发件数", header=True),
        Cell(1, 2, "本年废止件数", header=True), Cell(1, 3, "现行有效件数", header=True),
        Cell(2, 0, "规章"), Cell(2, 1, _fmt(t2.rules.issued), number=True), Cell(2, 2, _fmt(t2.rules.repealed), number=True),
        Cell(2, 3, _fmt(t2.rules.in_force), number=True),
        Cell(3, 0, "行政规范性文件"), Cell(3, 1, _fmt(t2.normative_documents.issued), number=True),
        Cell(3, 2, _fmt(t2.normative_documents.repealed), number=True),
        Cell(3, 3, _fmt(t2.normative_documents.in_force), number=True),
    ])
    licensing = Grid("第二十条第（五）项", 3, 2, [
        Cell(0, 0, "第二十条第（五）项", colspan=2, header=True),
        Cell(1, 0, "信息内容", header=True), Cell(1, 1, "本年处理决定数量", header=True),
        Cell(2, 0, "行政许可"), Cell(2, 1, _fmt(t2.decisions.licensing), number=True),
    ])
    enforcement = Grid("第二十条第（六）项", 4, 2, [
        Cell(0, 0, "第二十条第（六）项", colspan=2, header=True),
        Cell(1, 0, "信息内容", header=True), Cell(1, 1, "本年处理决定数量", header=True),
        Cell(2, 0, "行政处罚"), Cell(2, 1, _fmt(t2.decisions.penalty), number=True),
        Cell(3, 0, "行政强制"), Cell(3, 1, _fmt(t2.decisions.coercion), number=True),
    ])
    charges = Grid("第二十条第（八）项", 3, 2, [
        Cell(0, 0, "第二十条第（八）项", colspan=2, header=True),
        Cell(1, 0, "信息内容", header=True), Cell(1, 1, "本年收费金额（单位：万元）", header=True),
        Cell(2, 0, "行政事业性收费"), Cell(2, 1, _fmt(t2.charges.administrative_fees), number=True),
    ])
    return [docs, licensing, enforcement, charges]


def section_six(doc: dict[str, Any], other: list[str]) -> list[str]:
    """六、其他需要报告的事项: the staff's text, the fees collected, and corrections made after publication."""
    from .terminal import correction_lines

    paragraphs = [p for p in other if p.strip() and p.strip() != "无"]
    fees = doc.get("fees") or {}
    if fees.get("amount_yuan"):
        paragraphs.append(f"本年度依据《政府信息公开信息处理费管理办法》收取信息处理费{fees['amount_yuan']}元"
                          f"（{fees['cases']}件申请）。")
    else:
        paragraphs.append("本年度未收取信息处理费。")
    lines = correction_lines(doc)
    if lines:
        paragraphs.append("本年度报告公布后，对以下数据作了更正：")
        paragraphs.extend(lines)
    return paragraphs
