"""Tables 三 and 四 from the records, by aggregate queries (GROUP BY) on the cached columns: no case is loaded
into Python. The counting rules are those of docs/report.md; `domain/report.py` says what each cell means.

The four queries of table 三, for body B and year Y (Y0 = 1 January, Y1 = 31 December):

    new          received_on in [Y0, Y1]                                   by applicant_type
    carried_in   received_on < Y0 and (concluded_on is null or >= Y0)      by applicant_type
    results      concluded_on in [Y0, Y1] and received_on is not null      by outcome, applicant_type
    carried_out  received_on <= Y1 and (concluded_on is null or > Y1)      by applicant_type

An application never received (an ordinary letter withdrawn before its receipt was confirmed) counts nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, extract, func, literal, or_, select, text
from sqlalchemy.engine import Connection

from ..domain import report as R
from ..domain.codes import OUTCOMES
from ..domain.lifecycle import VOID
from ..store.models import AppealRecord, CaseEvent, CaseFile, CaseRef, CaseReply

C = CaseFile.__table__.c
A = AppealRecord.__table__.c
E = CaseEvent.__table__.c


def _bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _where_row(body: str, year: int, row: str):
    """The WHERE clause of the cells of one row of table 三 (the results rows by their outcome codes)."""
    y0, y1 = _bounds(year)
    base = and_(C.body == body, C.state != VOID)  # a voided registration counts nowhere (docs/decisions.md)
    if row == "new":
        return and_(base, C.received_on >= y0, C.received_on <= y1)
    if row == "carried_in":
        return and_(base, C.received_on < y0, or_(C.concluded_on.is_(None), C.concluded_on >= y0))
    if row == "carried_out":
        return and_(base, C.received_on <= y1, or_(C.concluded_on.is_(None), C.concluded_on > y1))
    concluded = and_(base, C.concluded_on >= y0, C.concluded_on <= y1, C.received_on.is_not(None))
    if row == "total_processed":
        return concluded
    return and_(concluded, C.outcome.in_(R.outcomes_of_row(row)))


def table3(conn: Connection, body: str, year: int) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Table 三 with its totals, and the anomalies met (codes the format has no row or column for)."""
    t = R.empty_table3()
    anomalies: list[str] = []
    for row in ("new", "carried_in", "carried_out"):
        q = select(C.applicant_type, func.count()).where(_where_row(body, year, row)).group_by(C.applicant_type)
        for applicant_type, n in conn.execute(q):
            if applicant_type in t[row]:
                t[row][applicant_type] += n
            else:
                anomalies.append(f"{n}件申请人类型为「{applicant_type}」，表中没有这一列")
    q = (select(C.outcome, C.applicant_type, func.count()).where(_where_row(body, year, "total_processed"))
         .group_by(C.outcome, C.applicant_type))
    for outcome, applicant_type, n in conn.execute(q):
        row = R.row_of(outcome)
        if row is None or applicant_type not in t[row]:
            anomalies.append(f"{n}件办结案件的处理结果为「{outcome}」、申请人类型为「{applicant_type}」，无法归入表三")
            continue
        t[row][applicant_type] += n
    return t, anomalies


def table4(conn: Connection, body: str, year: int, rule: str = R.APPEALS_FILED) -> dict[str, dict[str, int]]:
    y0, y1 = _bounds(year)
    t = R.empty_table4()
    if rule == R.APPEALS_FILED:
        column = case((and_(A.decided_on.is_not(None), A.decided_on <= y1), A.result), else_=literal("pending"))
        q = (select(A.kind, column, func.count()).where(A.body == body, A.filed_on >= y0, A.filed_on <= y1)
             .group_by(A.kind, column))
        rows = list(conn.execute(q))
    else:
        decided = (select(A.kind, A.result, func.count()).where(A.body == body, A.decided_on >= y0, A.decided_on <= y1)
                   .group_by(A.kind, A.result))
        pending = (select(A.kind, literal("pending"), func.count())
                   .where(A.body == body, A.filed_on <= y1, or_(A.decided_on.is_(None), A.decided_on > y1))
                   .group_by(A.kind))
        rows = [*conn.execute(decided), *conn.execute(pending)]
    for kind, column, n in rows:
        if kind in t and column in t[kind]:
            t[kind][column] += n
    return t


def records_check(conn: Connection, body: str, year: int, t3: dict[str, dict[str, int]], anomalies: list[str]) -> R.Check:
    """Check 6: every application the year touches is counted once on each side of the balance, none lost.

    Counted independently of the four queries: the applications received by 31 December and not concluded
    before 1 January."""
    y0, y1 = _bounds(year)
    touching = conn.execute(select(func.count()).where(
        C.body == body, C.state != VOID, C.received_on <= y1, or_(C.concluded_on.is_(None), C.concluded_on >= y0))).scalar_one()
    backwards = conn.execute(select(func.count()).where(
        C.body == body, C.state != VOID, C.concluded_on < C.received_on,
        or_(and_(C.received_on >= y0, C.received_on <= y1), and_(C.concluded_on >= y0, C.concluded_on <= y1)))).scalar_one()
    problems = list(anomalies)
    came_in = t3["new"]["total"] + t3["carried_in"]["total"]
    went_out = t3["total_processed"]["total"] + t3["carried_out"]["total"]
    if came_in != touching:
        problems.append(f"本年涉及的申请共{touching}件，新收与上年结转合计{came_in}件，相差{abs(touching - came_in)}件")
    if went_out != touching:
        problems.append(f"本年涉及的申请共{touching}件，办结与结转下年合计{went_out}件，相差{abs(touching - went_out)}件")
    if backwards:
        problems.append(f"{backwards}件申请的办结日期早于收到日期")
    detail = "；".join(problems) or f"本年涉及的申请共{touching}件，每件在收到和办理两侧各计一次"
    return R.Check("records", not problems, detail)


def cases_behind(conn: Connection, body: str, year: int, row: str, col: str,
                 rule: str = R.APPEALS_FILED) -> list[dict[str, Any]]:
    """The cases (or appeals) behind one cell: the same predicates as the counts, so they always agree."""
    R_ = CaseRef.__table__.c
    if row in R.APPEAL_ROWS:
        y0, y1 = _bounds(year)
        q = select(A.case_id, A.no, A.kind, A.filed_on, A.result, A.decided_on, R_.ref).select_from(
            AppealRecord.__table__.outerjoin(CaseRef.__table__, R_.case_id == A.case_id)).where(A.body == body, A.kind == row)
        if rule == R.APPEALS_FILED:
            q = q.where(A.filed_on >= y0, A.filed_on <= y1)
            decided = and_(A.decided_on.is_not(None), A.decided_on <= y1)
            if col == "pending":
                q = q.where(~decided)
            elif col != "total":
                q = q.where(decided, A.result == col)
        else:
            decided_in = and_(A.decided_on >= y0, A.decided_on <= y1)
            pending = and_(A.filed_on <= y1, or_(A.decided_on.is_(None), A.decided_on > y1))
            q = q.where({"pending": pending, "total": or_(decided_in, pending)}.get(col, and_(decided_in, A.result == col)))
        return [{"id": r.case_id, "ref": r.ref, "appeal": r.no, "kind": r.kind, "filed_on": _iso(r.filed_on),
                 "result": r.result, "decided_on": _iso(r.decided_on)}
                for r in conn.execute(q.order_by(A.case_id, A.no))]
    q = select(C.id, R_.ref, C.applicant_type, C.received_on, C.outcome, C.concluded_on, C.state).select_from(
        CaseFile.__table__.outerjoin(CaseRef.__table__, R_.case_id == C.id)).where(_where_row(body, year, row))
    if col != "total":
        q = q.where(C.applicant_type == col)
    return [{"id": r.id, "ref": r.ref, "applicant_type": r.applicant_type, "received_on": _iso(r.received_on),
             "outcome": r.outcome, "concluded_on": _iso(r.concluded_on), "state": r.state}
            for r in conn.execute(q.order_by(C.received_on, C.id))]


@dataclass
class Fees:
    amount: int = 0  # yuan
    cases: int = 0


def fees_collected(conn: Connection, body: str, year: int) -> Fees:
    """Fees paid in the year: each `fee_paid` event with the amount of the fee notice it answers."""
    y0, y1 = _bounds(year)
    # literal kinds, so that the planner can use the partial index ix_case_event_fees
    paid_cases = select(E.case_id).where(text("kind IN ('fee_notice', 'fee_paid')"), E.kind == "fee_paid",
                                         E.happened_on >= y0, E.happened_on <= y1)
    q = (select(E.case_id, E.seq, E.kind, E.happened_on, E.data).select_from(
        CaseEvent.__table__.join(CaseFile.__table__, C.id == E.case_id))
         .where(C.body == body, text("case_event.kind IN ('fee_notice', 'fee_paid')"), E.case_id.in_(paid_cases))
         .order_by(E.case_id, E.seq))
    fees = Fees()
    notice: dict[str, int] = {}
    for r in conn.execute(q):
        if r.kind == "fee_notice":
            notice[r.case_id] = int(dict(r.data).get("amount", 0))
        elif y0 <= r.happened_on <= y1 and r.case_id in notice:
            fees.amount += notice.pop(r.case_id)
            fees.cases += 1
    return fees


OUTCOME_GROUPS = {"disclosed": "予以公开", "partial": "部分公开", "withheld": "不予公开", "unable": "无法提供",
                  "not_processed": "不予处理", "other": "其他处理"}


def by_month(conn: Connection, body: str, year: int) -> dict[str, Any]:
    """For the chart: applications received per month, concluded per month by outcome group, replies on time."""
    y0, y1 = _bounds(year)
    month = extract("month", C.received_on)
    received = [0] * 12
    for m, n in conn.execute(select(month, func.count()).where(_where_row(body, year, "new")).group_by(month)):
        received[int(m) - 1] = n
    cmonth = extract("month", C.concluded_on)
    concluded = {g: [0] * 12 for g in OUTCOME_GROUPS}
    q = select(cmonth, C.outcome, func.count()).where(_where_row(body, year, "total_processed")).group_by(cmonth, C.outcome)
    for m, outcome, n in conn.execute(q):
        if outcome in OUTCOMES:
            group = OUTCOMES[outcome].report_row.split(".")[0]
            concluded[group][int(m) - 1] += n
    P = CaseReply.__table__.c
    rmonth = extract("month", P.replied_on)
    on_time, late = [0] * 12, [0] * 12
    q = (select(rmonth, P.on_time, func.count()).where(P.body == body, P.replied_on >= y0, P.replied_on <= y1)
         .group_by(rmonth, P.on_time))
    for m, ok, n in conn.execute(q):
        (on_time if ok else late)[int(m) - 1] += n
    return {"received": received, "concluded": concluded, "on_time": on_time, "late": late}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
