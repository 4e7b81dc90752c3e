"""The report in the terminal (Rich): table 三 in the official row order, table 四, the checks, the corrections."""

from __future__ import annotations

from typing import Any

from ..domain import report as R

# Below this width (in terminal columns) the tables take the compact layout: short column headings explained
# under the table, no box lines; a row label that does not fit wraps under itself and its numbers stay on its
# first line. The full layout needs about 150 columns and shrinks its label column down to this width.
COMPACT_BELOW = 120
SHORT_COLUMNS = {"natural_person": "自然人", "commercial": "商业", "research": "科研", "public_interest": "公益",
                 "legal_service": "法律", "other": "其他", "total": "总计"}
SHORT_APPEAL_COLUMNS = {"upheld": "维持", "corrected": "纠正", "other": "其他", "pending": "未结", "total": "总计"}


def print_report(doc: dict[str, Any], console=None) -> None:
    from rich import box
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from ..console import console as _console

    con = console or _console()
    compact = con.width < COMPACT_BELOW
    style = {"box": box.SIMPLE_HEAD, "show_edge": False, "padding": (0, 0, 0, 2), "pad_edge": False} if compact else {}
    con.print(f"[bold]{doc['body']} {doc['year']}年政府信息公开工作年度报告[/bold]", soft_wrap=False)
    if doc.get("locked"):
        con.print(f"已于{doc['locked']['at'][:10]}锁定（{doc['locked']['by']}）", soft_wrap=False)
    t = Table(title="三、收到和处理政府信息公开申请情况", show_lines=False, **style)
    t.add_column("", overflow="fold")
    for col, label in R.COLUMNS.items():
        t.add_column(SHORT_COLUMNS[col] if compact else label, justify="right", no_wrap=True)
    def label(text: str, indent: int):
        # indented as a block, so that a wrapped label's next lines keep the indent; in the compact layout without
        # the space after "1.", so that the label wraps at the column's edge and not after its number
        return Padding(Text(text.replace(". ", ".") if compact else text), (0, 0, 0, indent), expand=False)

    group_seen: set[str] = set()
    for row in R.ROWS:
        if row == "disclosed":
            t.add_row("三、本年度办理结果", *[""] * 7)
        group = row.split(".")[0] if "." in row else None
        if group in R.RESULT_GROUPS and group not in group_seen:
            group_seen.add(group)
            t.add_row(label(R.RESULT_GROUPS[group], 2), *[""] * 7)
        indent = 4 if group in R.RESULT_GROUPS else (2 if row in R.RESULT_ROWS or row == "total_processed" else 0)
        t.add_row(label(R.ROWS[row], indent), *[str(doc["table3"][row][c]) for c in R.COLUMNS])
    con.print(t)
    if compact:
        con.print("列：商业＝商业企业，科研＝科研机构，公益＝社会公益组织，法律＝法律服务机构"
                  "（以上四类和“其他”为法人或其他组织）", soft_wrap=False)
    t4 = Table(title="四、政府信息公开行政复议、行政诉讼情况", **style)
    t4.add_column("", overflow="fold")
    for col, label in R.APPEAL_COLUMNS.items():
        t4.add_column(SHORT_APPEAL_COLUMNS[col] if compact else label, justify="right", no_wrap=True)
    for kind, label in R.APPEAL_ROWS.items():
        t4.add_row(label, *[str(doc["table4"][kind][c]) for c in R.APPEAL_COLUMNS])
    con.print(t4)
    if compact:
        con.print("列：维持＝结果维持，纠正＝结果纠正，其他＝其他结果，未结＝尚未审结", soft_wrap=False)
    fees = doc.get("fees") or {}
    con.print(f"本年收取信息处理费：{fees.get('amount_yuan', 0)}元（{fees.get('cases', 0)}件）", soft_wrap=False)
    print_checks(doc["checks"], con)
    print_corrections(doc, con)


def print_checks(checks: list[dict[str, Any]], con) -> None:
    """One check a line, the mark in a column of its own: a detail longer than the terminal wraps under its text."""
    from rich.table import Table
    from rich.text import Text

    con.print("[bold]勾稽关系检查[/bold]")
    grid = Table.grid(padding=(0, 1), pad_edge=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for c in checks:
        title = R.CHECK_TITLES.get(c["name"], c["name"])
        if c["ok"]:
            grid.add_row(Text(" ✓", style="green"), Text(title + (f"（{c['detail']}）" if c["detail"] else "")))
        else:
            grid.add_row(Text(" ✗", style="red"), Text(f"{title}：{c['detail']}"))
    con.print(grid)


def correction_lines(doc: dict[str, Any]) -> list[str]:
    lines = []
    for c in doc.get("corrections") or []:
        lines.append(f"{c['recorded_at'][:10]} {c['actor']}：{c['what']}；理由：{c['reason']}")
    lock = doc.get("locked")
    for cell in (lock or {}).get("changed_cells", []):
        if cell["table"] == "table3":
            where = f"表三{R.row_label(cell['row'])}「{R.COLUMNS[cell['col']]}」"
        else:
            where = f"表四「{R.APPEAL_ROWS[cell['row']]}·{R.APPEAL_COLUMNS[cell['col']]}」"
        lines.append(f"{where}：已公布{cell['published']}，更正后{cell['now']}")
    return lines


def print_corrections(doc: dict[str, Any], con) -> None:
    lines = correction_lines(doc)
    if lines:
        con.print("[bold]公布后的更正[/bold]")
        for line in lines:
            con.print("  " + line, markup=False, soft_wrap=False)
