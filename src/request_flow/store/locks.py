"""Locked years and the report's caches, kept in the transaction of every act.

`on_act` is called by `services._append` for each act, before anything is written: it refuses an act that
would change the tables of a locked (published) year, unless it runs as a recorded correction
(`report correct --year Y --reason TEXT -- <command>`), and writes the appeal and reply caches that tables
四 and the chart are counted from. Raising here leaves nothing written: the act's transaction rolls back.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, text, update
from sqlalchemy.engine import Connection

from ..config import local_time
from ..domain import report as R
from ..domain.case import APPEAL, APPEAL_RESULT, CaseView, Event
from ..domain.errors import Refused
from ..store.models import AppealRecord, CaseReply, ReportCorrection, ReportLock

_LOCKS = ReportLock.__table__
_APPEALS = AppealRecord.__table__
_REPLIES = CaseReply.__table__
_CORRECTIONS = ReportCorrection.__table__


@dataclass
class Correction:
    """A change to a locked year that staff accept on purpose, with the reason the next report shows."""

    years: frozenset[int]
    reason: str
    recorded: list[dict[str, Any]] = field(default_factory=list)


CORRECTION: ContextVar[Correction | None] = ContextVar("report_correction", default=None)


@contextmanager
def correcting(years: set[int], reason: str):
    token = CORRECTION.set(Correction(frozenset(years), reason))
    try:
        yield CORRECTION.get()
    finally:
        CORRECTION.reset(token)


def locks_of(conn: Connection, body: str) -> dict[int, Any]:
    """The body's locked years, read under the shared side of the report lock (`hold_for_locking`): an act that
    found a year unlocked commits before that year's lock is taken, and so is in its snapshot."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": _lock_key(body)})
    return {r.year: r for r in conn.execute(select(_LOCKS).where(_LOCKS.c.body == body))}


def hold_for_locking(conn: Connection, body: str) -> None:
    """`report lock`: take the exclusive side before reading the tables, so that the snapshot and the lock are one
    transaction that no act can slip into (docs/report.md, "Locking and corrections"). PostgreSQL: a transaction-scoped
    advisory lock, which waits for the acts that read the locks as they were and holds back those that would
    read them now. SQLite: the database's one write lock, taken at once by a write that changes nothing; an act
    that read the locks before it cannot write after it (its snapshot is stale) and is told to try again."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(body)})
    else:
        conn.execute(update(_LOCKS).where(_LOCKS.c.body == body, text("0 = 1")).values(locked_by=_LOCKS.c.locked_by))


def _lock_key(body: str) -> int:
    import hashlib

    return int.from_bytes(hashlib.sha256(f"report_lock:{body}".encode()).digest()[:8], "big", signed=True)


def _cells_moved(before: set[R.Cell], after: set[R.Cell], years: set[int]) -> list[dict[str, Any]]:
    moved = [(cell, -1) for cell in before - after] + [(cell, +1) for cell in after - before]
    return [{"year": y, "table": "table4" if row in R.APPEAL_ROWS else "table3", "row": row, "col": col, "delta": d}
            for (y, row, col), d in sorted(moved) if y in years]


def _describe(cells: list[dict[str, Any]]) -> str:
    parts = []
    for c in cells:
        if c["table"] == "table3":
            where = f"表三{R.row_label(c['row'])}「{R.COLUMNS.get(c['col'], c['col'])}」"
        else:
            where = f"表四「{R.APPEAL_ROWS[c['row']]}·{R.APPEAL_COLUMNS[c['col']]}」"
        parts.append(f"{where}{'+1' if c['delta'] > 0 else '-1'}")
    return "、".join(parts)


def guard(conn: Connection, body: str, case_id: str | None, before: set[R.Cell] | None, after: set[R.Cell] | None,
          what: str, actor: str, locks: dict[int, Any] | None = None,
          cells_of=None, zone: str = "Asia/Shanghai") -> None:
    """Refuse, or record as a correction, a change of the cells a case counts in that touches a locked year.

    `before`/`after` are computed lazily by `cells_of(first, last)` when given, so that nothing is counted
    where no year is locked (the usual case)."""
    locks = locks_of(conn, body) if locks is None else locks
    if not locks:
        return
    first, last = min(locks), max(locks)
    if cells_of is not None:
        before, after = cells_of(first, last)
    moved = _cells_moved(before or set(), after or set(), set(locks))
    if not moved:
        return
    years = sorted({c["year"] for c in moved})
    corr = CORRECTION.get()
    uncovered = [y for y in years if corr is None or y not in corr.years]
    if uncovered:
        y = uncovered[0]
        cells = [c for c in moved if c["year"] == y]
        locked_on = local_time(locks[y].locked_at, zone).date().isoformat()  # type: ignore[union-attr]
        raise Refused(f"{y}年度报告已于{locked_on}锁定（已公布）：{what}将改变该年度的{_describe(cells)}，不能直接办理；"
                      f"确需更正的，请作为更正办理并写明理由：request-flow report correct --year {y} --reason 理由 -- <原命令>")
    assert corr is not None
    now = datetime.now(ZoneInfo("UTC"))
    for y in years:
        cells = [c for c in moved if c["year"] == y]
        conn.execute(insert(_CORRECTIONS), {"body": body, "year": y, "case_id": case_id, "what": what,
                                            "reason": corr.reason, "actor": actor, "recorded_at": now, "cells": cells})
        corr.recorded.append({"year": y, "case_id": case_id, "what": what, "cells": cells})


def case_facts(applicant_type: str, received_on: date | None, outcome: str | None, concluded_on: date | None) -> R.CaseFacts:
    return R.CaseFacts(applicant_type, received_on, outcome if concluded_on else None, concluded_on)


def appeal_facts_of_events(events: list[Event]) -> list[R.AppealFacts]:
    appeals: dict[int, R.AppealFacts] = {}
    for ev in events:
        if ev.kind == APPEAL:
            appeals[int(ev.data["no"])] = R.AppealFacts(ev.data["kind"], ev.on, None, None)
        elif ev.kind == APPEAL_RESULT:
            a = appeals[int(ev.data["no"])]
            appeals[int(ev.data["no"])] = R.AppealFacts(a.kind, a.filed_on, ev.data["result"], ev.on)
    return list(appeals.values())


def all_cells(facts: R.CaseFacts, appeals: list[R.AppealFacts], first: int, last: int, rule: str) -> set[R.Cell]:
    cells = R.case_cells(facts, first, last)
    for a in appeals:
        cells |= R.appeal_cells(a, first, last, rule)
    return cells


_EVENT_WORDS = {"appeal": "登记复议或诉讼", "appeal_result": "登记复议或诉讼结果", "reply": "答复办结", "withdraw": "撤回",
                "lapse_correction": "逾期不补正终止", "lapse_fee": "逾期未缴费终止", "confirm_receipt": "确认收到申请",
                "corrected": "收到补正", "reopen": "恢复办理", "void": "作废登记"}


def counted(row: Any) -> R.CaseFacts:
    """The facts a case row counts in the tables by (a voided registration counts nowhere)."""
    return case_facts(row.applicant_type, row.received_on if row.state != "void" else None, row.outcome,
                      row.concluded_on)


def on_act(ctx: Any, conn: Connection, row: Any, before: R.CaseFacts, events: list[Event], new_event: Event,
           view: CaseView) -> None:
    """Called by services._append within one act's transaction, `before` the facts the case counted in before
    it (see the module's docstring)."""
    rule = appeals_rule(ctx)
    counted = view.void is None  # a voided registration leaves every table (docs/decisions.md)
    after = case_facts(row.applicant_type, view.received_on if counted else None, view.outcome, view.concluded_on)
    old_appeals = appeal_facts_of_events(events)
    new_appeals = [R.AppealFacts(a.kind, a.filed_on, a.result, a.decided_on) for a in view.appeals]
    if before != after or old_appeals != new_appeals:
        what = f"案件{row.id}的「{_EVENT_WORDS.get(new_event.kind, new_event.kind)}」（{new_event.on.isoformat()}）"

        def check() -> None:
            guard(conn, row.body, row.id, None, None, what, ctx.user, zone=ctx.settings.timezone,
                  cells_of=lambda first, last: (all_cells(before, old_appeals, first, last, rule),
                                                all_cells(after, new_appeals, first, last, rule)))
        if new_event.kind == "reopen" and CORRECTION.get() is None:
            # a reopened case counts its eventual outcome: in a locked year the change is recorded as a correction
            # by itself, with the office head's reason (docs/procedure.md, "Reopening")
            with correcting(set(range(1900, 3000)), f"恢复办理：{new_event.reason}"):
                check()
        else:
            check()
    if new_event.kind == APPEAL:
        a = view.appeals[-1]
        conn.execute(insert(_APPEALS), {"case_id": row.id, "no": a.no, "body": row.body, "kind": a.kind,
                                        "filed_on": a.filed_on, "result": None, "decided_on": None})
    elif new_event.kind == APPEAL_RESULT:
        no = int(new_event.data["no"])
        conn.execute(update(_APPEALS).where(_APPEALS.c.case_id == row.id, _APPEALS.c.no == no)
                     .values(result=new_event.data["result"], decided_on=new_event.on))
    elif new_event.kind == "reply":
        conn.execute(insert(_REPLIES), {"case_id": row.id, "body": row.body, "replied_on": new_event.on,
                                        "reply_due": None, "on_time": bool(view.replied_on_time)})


def on_register(ctx: Any, conn: Connection, row: Any) -> None:
    """A registration with a date of receipt in a locked year changes that year's table 三."""
    facts = case_facts(row.applicant_type, row.received_on, None, None)
    if facts.received_on is None:
        return
    guard(conn, row.body, row.id, None, None, f"登记收到日期为{facts.received_on.isoformat()}的申请", ctx.user,
          zone=ctx.settings.timezone, cells_of=lambda first, last: (set(), R.case_cells(facts, first, last)))


def appeals_rule(ctx: Any) -> str:
    report = getattr(ctx.settings, "report", None)
    return getattr(report, "appeals_counted_by", R.APPEALS_FILED) if report is not None else R.APPEALS_FILED
