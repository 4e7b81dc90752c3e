"""The report in the terminal (Rich): table 三 in the official row order, table 四, the checks, the corrections."""

from __future__ import annotations

from typing import Any

from ..domain import report as R


def print_report(doc: dict[str, Any], console=None) -> None:
    from rich.table import Table

    from ..console import console as _console

    con = console or _console()
    con.print(f"[bold]{doc['body']} {doc['year']}年政府信息公开工作年度报告[/bold]")
    if doc.get("locked"):
        con.print(f"已于{doc['locked']['at'][:10]}锁定（{doc['locked']['by']}）")
    t = Table(title="三、收到和处理政府信息公开申请情况", show_lines=False)
    t.add_column("")
    for label in R.COLUMNS.values():
        t.add_column(label, justify="right")
    group_seen: set[str] = set()
    for row in R.ROWS:
        if row == "disclosed":
            t.add_row("三、本年度办理结果", *[""] * 7)
        group = row.split(".")[0] if "." in row else None
        if group in R.RESULT_GROUPS and group not in group_seen:
            group_seen.add(group)
            t.add_row("  " + R.RESULT_GROUPS[group], *[""] * 7)
        indent = "    " if group in R.RESULT_GROUPS else ("  " if row in R.RESULT_ROWS or row == "total_processed" else "")
        t.add_row(indent + R.ROWS[row], *[str(doc["table3"][row][c]) for c in R.COLUMNS])
    con.print(t)
    t4 = Table(title="四、政府信息公开行政复议、行政诉讼情况")
    t4.add_column("")
    for label in R.APPEAL_COLUMNS.values():
        t4.add_column(label, justify="right")
    for kind, label in R.APPEAL_ROWS.items():
        t4.add_row(label, *[str(doc["table4"][kind][c]) for c in R.APPEAL_COLUMNS])
    con.print(t4)
    fees = doc.get("fees") or {}
    con.print(f"本年收取信息处理费：{fees.get('amount_yuan', 0)}元（{fees.get('cases', 0)}件）")
    print_checks(doc["checks"], con)
    print_corrections(doc, con)


def print_checks(checks: list[dict[str, Any]], con) -> None:
    con.print("[bold]勾稽关系检查[/bold]")
    for c in checks:
        title = R.CHECK_TITLES.get(c["name"], c["name"])
        if c["ok"]:
            note = f"（{c['detail']}）" if c["detail"] else ""
            con.print(f"  [green]✓[/green] {title}{note}", markup=True)
        else:
            con.print(f"  [red]✗[/red] {title}：{c['detail']}", markup=True)


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
            con.print("  " + line, markup=False)
