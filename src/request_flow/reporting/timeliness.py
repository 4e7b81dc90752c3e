"""Timeliness across bodies (`report timeliness`): for each body of the installation, how the applications of a
year were answered: on time, late, not at all yet. The supervision view that the national tables do not give.

For body B, year Y and D = the earlier of 31 December of Y and today (docs/report.md, "Timeliness"):

    concluded        concluded in Y (the applications of table 三's (七)总计)
    replied_on_time  of those, concluded by a reply dated within its reply deadline (case_reply.on_time)
    replied_late     of those, concluded by a reply dated after it
    without_reply    of those, concluded otherwise (withdrawal, closure on lapse, imported history)
    overdue          received by D, not concluded by D, and its reply deadline passed by D: a `deadline_missed`
                     recorded by D, or, for a case still open, its reply deadline before D
    median_workdays  the median of the working days from receipt to reply, over the replies counted above
    extensions       extensions of the reply period (Art. 33 ¶2) granted in Y

Voided registrations and applications never received count nowhere, as in table 三.
"""

from __future__ import annotations

import statistics
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.engine import Connection

from ..domain.lifecycle import VOID
from ..store.models import CaseEvent, CaseFile, CaseReply

C = CaseFile.__table__.c
E = CaseEvent.__table__.c
P = CaseReply.__table__.c

FIELDS = {
    "concluded": "办结",
    "replied_on_time": "按期答复",
    "replied_late": "逾期答复",
    "without_reply": "未经答复办结",
    "overdue": "逾期未答复",
    "median_workdays": "答复用时中位数（工作日）",
    "extensions": "延长答复期限",
}
SHORT = {"concluded": "办结", "replied_on_time": "按期", "replied_late": "逾期", "without_reply": "其他办结",
         "overdue": "逾期未结", "median_workdays": "用时中位", "extensions": "延期"}


def _median(values: list[int]) -> float | int | None:
    if not values:
        return None
    m = statistics.median(values)
    return int(m) if float(m).is_integer() else float(m)


def figures(conn: Connection, cal: Any, body: str, year: int, as_of: date) -> tuple[dict[str, Any], list[int]]:
    """One body's row, and the working days of each of its replies (for the median over several bodies)."""
    y0, y1 = date(year, 1, 1), date(year, 12, 31)
    live = and_(C.body == body, C.state != VOID, C.received_on.is_not(None))
    concluded = and_(live, C.concluded_on >= y0, C.concluded_on <= y1)
    n_concluded = conn.execute(select(func.count()).where(concluded)).scalar_one()
    replies = list(conn.execute(select(C.received_on, P.replied_on, P.on_time).select_from(
        CaseReply.__table__.join(CaseFile.__table__, C.id == P.case_id)).where(concluded, P.replied_on == C.concluded_on)))
    on_time = sum(1 for r in replies if r.on_time)
    days = sorted(cal.workdays_between(r.received_on, r.replied_on) for r in replies)
    missed = exists().where(E.case_id == C.id, E.kind == "deadline_missed", E.happened_on <= as_of)
    overdue = conn.execute(select(func.count()).where(
        live, C.received_on <= as_of, or_(C.concluded_on.is_(None), C.concluded_on > as_of),
        or_(missed, and_(C.concluded_on.is_(None), C.reply_due < as_of)))).scalar_one()
    extensions = conn.execute(select(func.count()).select_from(
        CaseEvent.__table__.join(CaseFile.__table__, C.id == E.case_id)).where(
        C.body == body, C.state != VOID, E.kind == "extend", E.happened_on >= y0, E.happened_on <= y1)).scalar_one()
    row = {"concluded": n_concluded, "replied_on_time": on_time, "replied_late": len(replies) - on_time,
           "without_reply": n_concluded - len(replies), "overdue": overdue, "median_workdays": _median(days),
           "extensions": extensions}
    return row, days


def build(ctx: Any, year: int, bodies: str | None) -> dict[str, Any]:
    from .annual import check_year, pick_bodies

    check_year(ctx, year)
    chosen = pick_bodies(ctx, bodies)
    as_of = min(date(year, 12, 31), ctx.today())
    rows, all_days = [], []
    with ctx.session() as s:
        conn = s.connection()
        for b in chosen:
            row, days = figures(conn, ctx.cal, b.code, year, as_of)
            rows.append({"body_code": b.code, "body": b.name, **row})
            all_days.extend(days)
    total: dict[str, Any] = {k: sum(r[k] for r in rows) for k in FIELDS if k != "median_workdays"}
    total["median_workdays"] = _median(sorted(all_days))
    return {"year": year, "as_of": as_of.isoformat(), "bodies": rows, "total": total}


def _fmt(value: Any) -> str:
    return "—" if value is None else str(value)


def print_table(doc: dict[str, Any], console=None) -> None:
    from rich import box
    from rich.table import Table

    from ..console import console as _console

    con = console or _console()
    compact = con.width < 120  # as the annual report's terminal view: short headings, explained under the table
    style = {"box": box.SIMPLE_HEAD, "show_edge": False, "padding": (0, 0, 0, 2), "pad_edge": False} if compact else {}
    t = Table(title=f"{doc['year']}年度各机关政府信息公开申请办理时效（截至{doc['as_of']}）", **style)
    t.add_column("机关", overflow="fold")
    for k, label in FIELDS.items():
        t.add_column(SHORT[k] if compact else label, justify="right", no_wrap=True)
    for r in doc["bodies"]:
        t.add_row(r["body"], *[_fmt(r[k]) for k in FIELDS])
    if len(doc["bodies"]) > 1:
        t.add_row("合计", *[_fmt(doc["total"][k]) for k in FIELDS], style="bold")
    con.print(t)
    if compact:
        con.print("列：" + "，".join(f"{SHORT[k]}＝{FIELDS[k]}" for k in FIELDS if SHORT[k] != FIELDS[k]), soft_wrap=False)
    con.print("按期答复、逾期答复、未经答复办结之和等于办结数；逾期未答复为截至上述日期已过答复期限仍未办结的申请；"
              "答复用时自收到申请之日起按工作日计算（含补正、征求意见等不计入答复期限的时间）。", soft_wrap=False)


def write_xlsx(doc: dict[str, Any], path) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    from .documents import TABLE_FONT, XLSX_LINE_PT, lines_needed

    wb = Workbook()
    ws = wb.active
    ws.title = "办理时效"
    ws.cell(1, 1, f"{doc['year']}年度各机关政府信息公开申请办理时效（截至{doc['as_of']}）").font = Font(
        name=TABLE_FONT, bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=1 + len(FIELDS))
    heads = ["机关", *FIELDS.values()]
    widths = [36.0, *([12.0] * len(FIELDS))]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    rows = [[r["body"], *[r[k] for k in FIELDS]] for r in doc["bodies"]]
    if len(doc["bodies"]) > 1:
        rows.append(["合计", *[doc["total"][k] for k in FIELDS]])
    for i, values in enumerate([heads, *rows]):
        need = 1
        for j, v in enumerate(values):
            cell = ws.cell(2 + i, 1 + j, v)
            cell.font = Font(name=TABLE_FONT, bold=i == 0 or (values[0] == "合计" and len(rows) > 1 and i == len(rows)),
                             size=10)
            cell.alignment = Alignment(horizontal="left" if j == 0 and i else "center", vertical="center", wrap_text=True)
            cell.border = border
            need = max(need, lines_needed(str(v if v is not None else ""), widths[j]))
        ws.row_dimensions[2 + i].height = XLSX_LINE_PT * need + 3
    for j, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(1 + j)].width = w
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "各机关申请的答复时效（件）"
    chart.y_axis.title = "件"
    n = len(doc["bodies"])
    for col in (3, 4, 5, 6):  # on time, late, without reply, overdue
        chart.add_data(Reference(ws, min_col=col, min_row=2, max_row=2 + n), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=2 + n))
    chart.height = max(7.5, 1.2 * n + 4)
    chart.width = 24
    ws.add_chart(chart, f"A{4 + len(rows)}")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "2:2"
    wb.save(path)
