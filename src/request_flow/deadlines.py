"""The deadline workers' services: the sweep, the automatic acts, the reminder outbox and its sender.

The same functions run in-process (`request-flow deadlines sweep`, no broker) and inside Celery tasks
(`workers/`), which only call them. Deadlines live in the database: every sweep reads the cached deadline
columns of `case_file` (indexed), so a lost broker message, a dead worker or a Redis restart loses nothing;
the next sweep finds the same work again.

Exactly once, and where it is only at least once:

* a reminder is a row of `reminder`, unique per (case, kind, deadline date, offset), inserted with
  ON CONFLICT DO NOTHING in the transaction that decides it: a second sweep, a duplicated task or two sweeps at
  once insert nothing twice, and only the sweep whose insert won reports it;
* one sender at a time holds the outbox lease (`outbox_lease`, renewed per message, expiring after
  `lease_seconds`) and sends in queue order: it claims a row (`sending`), sends it, marks it `sent`;
* a sender killed before the SMTP server accepted the message leaves the row `sending`: the next lease holder
  sends it again, and the server has not got it, so it arrives once;
* a sender killed in the instant between the server's 250 and the UPDATE that marks the row leaves it
  `sending` too, and it is sent again: at least once, on purpose (a lost statutory reminder is worse than a
  second copy). The copy carries the same Message-ID, which mail stores and clients use to drop duplicates.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from . import services
from .config import BodyProfile, ConfigError, email_problem, iso_time, shown_text
from .domain import acts
from .domain.errors import BadInput, Refused
from .domain.lifecycle import AWAITING_CORRECTION, AWAITING_FEE, CONSULTING, OPEN_STATES
from .domain.workdays import MissingScheduleError
from .notify import message, policy
from .store.models import CaseFile, OutboxLease, Reminder, Staff

log = logging.getLogger("request_flow.deadlines")

SYSTEM_ACTOR = "系统（期限检查）"
HEAD_COPY = "+head"  # the kind of the office head's copy of a reminder: "reply_due+head"
PENDING = ("queued", "failing", "sending")
STATUSES = ("queued", "sending", "failing", "sent", "failed", "printed", "cancelled")
_REM = Reminder.__table__
_CASES = CaseFile.__table__
_LEASE = OutboxLease.__table__


def now() -> datetime:
    return datetime.now(UTC)


# -- settings ----------------------------------------------------------------------------------------------------

def notify_to(ctx: services.Context) -> list[str]:
    raw = ctx.settings.notify_to or ""
    out = []
    for addr in (a.strip(" \t") for a in raw.split(",")):
        if not addr:
            continue
        problem = email_problem(addr)
        if problem:
            raise ConfigError(f"REQUEST_FLOW_NOTIFY_TO 中的地址「{shown_text(addr)}」无效：{problem}（应为以逗号分隔的电子邮箱地址）")
        out.append(addr)
    return out


def smtp_target(ctx: services.Context):
    from .notify.smtp import parse_url

    url = ctx.settings.smtp_url
    return parse_url(url) if url else None


def check_settings(ctx: services.Context) -> None:
    """Bad settings are refused before anything is written (exit 2, one line)."""
    notify_to(ctx)
    smtp_target(ctx)


def horizon(ctx: services.Context) -> tuple[date, date]:
    """The days a sweep or digest may be run as: from the calendar's first year to 31 December nine years after
    the last year with a published holiday schedule (docs/decisions.md, "The sweep's horizon"). The calendar
    assumes plain Monday to Friday for up to ten years past its last schedule; the last of those years is kept
    free for the reminder window and the periods that start on the last day."""
    return date(ctx.cal.first_year, 1, 1), date(ctx.cal.last_year - 1, 12, 31)


def check_today(ctx: services.Context, today: date) -> date:
    """A day outside the horizon is refused before anything is read or written (exit 2, one line)."""
    first, last = horizon(ctx)
    if today > last:
        published = max(ctx.cal.known_years)
        raise BadInput(f"--today {today.isoformat()} 超出期限检查的范围：最晚为{last.isoformat()}（已公布节假日安排的最后一年"
                       f"{published}年之后九年；更远的日子无法计算工作日），本次未办理任何事项")
    if today < first:
        raise BadInput(f"--today {today.isoformat()} 早于日历的第一年（{first.year}年），本次未办理任何事项")
    return today


def _why(exc: BaseException) -> str:
    """What a case-by-case failure says: the rule's own words for our errors, only the kind for anything else
    (whose text may quote the database's parameters, personal data among them)."""
    if isinstance(exc, Refused | BadInput | MissingScheduleError):
        return str(exc)
    return f"内部错误（{type(exc).__name__}），本案本次未处理，其他案件不受影响"


def fresh_calendar(ctx: services.Context) -> services.Context:
    """The calendar read again from its files (a long-running worker must not keep a corrected year's old days)."""
    from . import calendar

    calendar._cached.cache_clear()
    return replace(ctx, cal=calendar.WorkCalendar.default())


def _body_contexts(ctx: services.Context) -> dict[str, services.Context]:
    return {b.code: replace(ctx, body=b, user=SYSTEM_ACTOR) for b in ctx.settings.all_bodies()}


# -- the directory: who gets what ----------------------------------------------------------------------------------

@dataclass
class Directory:
    emails: dict[tuple[str, str], str] = field(default_factory=dict)  # (body, name) -> e-mail
    heads: dict[str, list[str]] = field(default_factory=dict)  # body -> the office heads' e-mails

    @classmethod
    def load(cls, s: Session, bodies: list[BodyProfile]) -> Directory:
        d = cls()
        for b in bodies:
            for p in b.staff:
                if p.email:
                    d.emails[(b.code, p.name)] = p.email
                    if p.role == "office_head":
                        d.heads.setdefault(b.code, []).append(p.email)
        for row in s.execute(select(Staff.body, Staff.name, Staff.role, Staff.email)).all():
            if row.email:
                d.emails[(row.body, row.name)] = row.email
                if row.role == "office_head" and row.email not in d.heads.get(row.body, []):
                    d.heads.setdefault(row.body, []).append(row.email)
        return d


def _unique(addresses: list[str | None]) -> list[str]:
    seen: list[str] = []
    for a in addresses:
        if a and a not in seen:
            seen.append(a)
    return seen


# -- the sweep ---------------------------------------------------------------------------------------------------

@dataclass
class SweepResult:
    today: date
    reminders: list[dict[str, Any]] = field(default_factory=list)
    closed: list[dict[str, Any]] = field(default_factory=list)
    acts: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    moved: list[dict[str, Any]] = field(default_factory=list)
    delivery: dict[str, Any] = field(default_factory=dict)
    missed: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "reminders": self.reminders, "closed": self.closed,
                "acts": self.acts, "skipped": self.skipped, "recomputed": self.moved, "delivery": self.delivery,
                "missed": self.missed}


def sweep(ctx: services.Context, today: date | None = None, *, on_case: Callable[[str], Any] | None = None,
          deliver: Callable[[], Any] | None = None, printer: Callable[[dict], Any] | None = None) -> SweepResult:
    """One pass: recompute after a calendar change, act on lapsed periods, queue due reminders, deliver.

    In-process (the defaults) each lapsed case is acted on here and the outbox is flushed here. The Celery
    sweep passes `on_case` (enqueue a task per case) and `deliver` (enqueue the sender) instead.
    """
    check_settings(ctx)
    today = check_today(ctx, today or ctx.today())
    result = SweepResult(today)
    if services.calendar_changed(ctx):  # a calendar file changed: deadlines move before anything is decided
        ctx = fresh_calendar(ctx)
        result.moved = services.recompute(ctx)
    for case_id in find_lapsed(ctx, today):
        if on_case is not None:
            on_case(case_id)
            continue
        done = act_on_case(ctx, case_id, today)
        for item in done:
            (result.closed if "outcome" in item else result.skipped if "skipped" in item else result.acts).append(item)
    result.missed = record_missed(ctx, today, problems=result.skipped)
    result.reminders = queue_reminders(ctx, today, problems=result.skipped)
    result.skipped = list({(x["id"], x["skipped"]): x for x in result.skipped}.values())  # each reason once
    if deliver is not None:
        if result.reminders or ready_count(ctx):
            deliver()
    else:
        result.delivery = flush(ctx, printer=printer).to_json()
    return result


def find_lapsed(ctx: services.Context, today: date) -> list[str]:
    """Cases whose correction period, payment period or consultation window has run out (indexed)."""
    q = (select(CaseFile.id).where(CaseFile.state.in_((AWAITING_CORRECTION, AWAITING_FEE, CONSULTING)),
                                   CaseFile.next_due < today)
         .where(CaseFile.body.in_([b.code for b in ctx.settings.all_bodies()])).order_by(CaseFile.next_due, CaseFile.id))
    with ctx.session() as s:
        return list(s.execute(q).scalars())


def record_missed(ctx: services.Context, today: date, problems: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Record, once, each reply deadline that passed unanswered: the overdue mark stays in the case's record
    whatever happens later (docs/decisions.md, "No cure for an overdue case")."""
    q = (select(CaseFile.id, CaseFile.body, CaseFile.reply_due).where(CaseFile.state.in_(OPEN_STATES),
                                                                      CaseFile.reply_due < today)
         .where(CaseFile.body.in_([b.code for b in ctx.settings.all_bodies()])).order_by(CaseFile.reply_due, CaseFile.id))
    with ctx.session() as s:
        rows = list(s.execute(q).all())
    out: list[dict[str, Any]] = []
    contexts = _body_contexts(ctx)
    for r in rows:
        bctx = contexts.get(r.body)
        if bctx is None:
            continue
        try:
            done = services.record_missed(bctx, r.id, today)
        except (services.Conflict, Refused, BadInput) as exc:
            log.info("case %s: missed deadline not recorded now (%s)", r.id, type(exc).__name__)
            continue
        except Exception as exc:  # one case that cannot be computed never stops the others
            log.warning("case %s: missed deadline not recorded (%s)", r.id, type(exc).__name__)
            if problems is not None:
                problems.append({"id": r.id, "skipped": _why(exc)})
            continue
        if done is not None:
            out.append({"id": r.id, "kind": "reply_missed", "due": r.reply_due.isoformat()})
    return out


def _lapse_draft(view, today: date):
    """The automatic act a replayed case calls for on `today`, or None."""
    if view.state == AWAITING_CORRECTION:
        due = view.due("correction_due")
        if due and due < today:
            return acts.close_lapsed(view, today, "no_correction")
    elif view.state == AWAITING_FEE:
        due = view.due("payment_due")
        if due and due < today:
            return acts.close_lapsed(view, today, "fee_unpaid")
    elif view.state == CONSULTING:
        lapsed = sorted((c for c in view.open_consultations() if c.due < today), key=lambda c: (c.due, c.sent_on))
        if lapsed:
            return acts.opinion(view, today, "none", None, lapsed[0].party)
    return None


def act_on_case(ctx: services.Context, case_id: str, today: date) -> list[dict[str, Any]]:
    """The automatic acts one case calls for, each through the normal act path (replay, rules, one
    transaction, version-checked), recorded under SYSTEM_ACTOR and dated `today`. Idempotent: a case already
    acted on (by an earlier sweep, a concurrent one, or staff) calls for nothing more.

    `today` may lie after the real today (`deadlines sweep --today`): the sweep acts as that day, which is
    what it was asked; services.check_act_date (which refuses acts dated in the future) is for staff."""
    done: list[dict[str, Any]] = []
    with ctx.session() as s:
        body = s.execute(select(CaseFile.body).where(CaseFile.id == case_id)).scalar_one_or_none()
    bctx = _body_contexts(ctx).get(body or "")
    if bctx is None:
        return done
    for _ in range(8):  # a case with several lapsed consultations takes one act each
        def lapse(view):
            draft = _lapse_draft(view, today)
            if draft is not None and not draft.reason:
                draft.reason = _reason(draft, view)
            return draft

        try:
            out = services.automatic_act(bctx, case_id, lapse)
        except services.Conflict:
            continue  # someone else acted meanwhile: look again
        except (Refused, BadInput) as exc:  # e.g. a --today before the case's last act
            done.append({"id": case_id, "skipped": str(exc)})
            return done
        except Exception as exc:  # rolled back whole (act and letter); reported for this case alone
            log.warning("case %s: automatic act not taken (%s)", case_id, type(exc).__name__)
            done.append({"id": case_id, "skipped": _why(exc)})
            return done
        if out is None:
            return done
        draft, view = out
        item: dict[str, Any] = {"id": case_id, "on": today.isoformat(), "actor": SYSTEM_ACTOR}
        if draft.kind in ("lapse_correction", "lapse_fee"):
            item.update(outcome=draft.data["outcome"], kind=draft.kind,
                        letter=next((n for n, ref in view.letters.items() if ref.kind == "closure"
                                     and ref.issued_on == today), None))
        else:
            item.update(kind="opinion_lapsed", party=draft.data["party"], party_kind=draft.data["kind"],
                        effect=draft.data.get("effect"))
        done.append(item)
        log.info("case %s: %s", case_id, item.get("outcome") or item["kind"])
    return done


def _reason(draft, view) -> str:
    if draft.kind == "lapse_correction":
        return f"补正期限{view.due('correction_due').isoformat()}届满，申请人未补正（期限检查自动办理）"
    if draft.kind == "lapse_fee":
        return f"缴费期限{view.due('payment_due').isoformat()}届满，申请人未缴费（期限检查自动办理）"
    return f"征求意见期限届满未收到{draft.data['party']}的意见（期限检查自动记录）"


# -- reminders: decided and queued in one transaction -----------------------------------------------------------

_CANDIDATE_COLUMNS = (CaseFile.id, CaseFile.body, CaseFile.state, CaseFile.deadlines, CaseFile.handler,
                      CaseFile.applicant_name, CaseFile.applicant_type, CaseFile.provisional,
                      CaseFile.deadlines_provisional)


def candidates(ctx: services.Context, today: date) -> list[Any]:
    """Open cases with a running deadline inside the reminder window or already passed (indexed on
    (state, next_due) and (state, correction_notice_due); next_due is the earliest running deadline
    other than the optional correction notice)."""
    cal = ctx.cal.with_assumption(True)
    cutoff = cal.add_workdays(today, max(ctx.settings.reminders.offsets))
    q = (select(*_CANDIDATE_COLUMNS).where(CaseFile.state.in_(OPEN_STATES))
         .where(or_(CaseFile.next_due <= cutoff, CaseFile.correction_notice_due.between(today, cutoff))))
    with ctx.session() as s:
        return list(s.execute(q).all())


def _insert_ignore(conn):
    fn = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    return (fn(_REM).on_conflict_do_nothing(index_elements=[_REM.c.case_id, _REM.c.kind, _REM.c.due_on, _REM.c.offset])
            .returning(_REM.c.id, _REM.c.case_id, _REM.c.kind, _REM.c.due_on, _REM.c.offset, _REM.c.recipients,
                       _REM.c.subject))


def queue_reminders(ctx: services.Context, today: date, problems: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Decide the reminders due on `today` and write them to the outbox; return those this call inserted.
    A case whose deadlines cannot be counted on `today` is logged, added to `problems` and skipped."""
    cfg = ctx.settings.reminders
    cal = ctx.cal.with_assumption(True)
    bodies = {b.code: b for b in ctx.settings.all_bodies()}
    office = notify_to(ctx)
    rows = [r for r in candidates(ctx, today) if r.body in bodies]
    wanted: list[tuple[Any, policy.Due]] = []
    for r in rows:
        failed: BaseException | None = None
        for kind, iso in (r.deadlines or {}).items():  # each deadline on its own: one that cannot be counted
            try:                                        # leaves the others of the case reminded
                wanted += [(r, d) for d in policy.due_reminders({kind: iso}, today, cal, cfg.offsets,
                                                                 cfg.overdue_daily, r.deadlines_provisional or ())]
            except Exception as exc:
                failed = exc
        if failed is not None:
            log.warning("case %s: reminders not decided (%s)", r.id, type(failed).__name__)
            if problems is not None:
                problems.append({"id": r.id, "skipped": _why(failed)})
    if not wanted:
        return []
    created = now()
    with ctx.session() as s:
        existing: set[tuple] = set()
        ids = sorted({r.id for r, _ in wanted})
        for i in range(0, len(ids), 500):
            q = select(_REM.c.case_id, _REM.c.kind, _REM.c.due_on, _REM.c.offset).where(_REM.c.case_id.in_(ids[i:i + 500]))
            existing.update(tuple(x) for x in s.connection().execute(q))
        directory = Directory.load(s, list(bodies.values()))
        values = []
        for r, d in wanted:
            if (r.id, d.kind, d.due_on, d.offset) in existing:
                continue
            head = policy.head_is_told(d, cfg.head_offsets) and bool(directory.heads.get(r.body))
            provisional = bool(r.provisional) and d.kind in (r.deadlines or {})
            try:
                m = message.reminder(case_id=r.id, body_name=bodies[r.body].name, applicant_name=r.applicant_name,
                                     applicant_type=r.applicant_type, state=r.state, due=d, head=head,
                                     provisional=provisional)
                copies = [(d.kind, _unique([directory.emails.get((r.body, r.handler or "")), *office]), m)]
                if head:  # the head's own copy: the handler and the decision in plain words, no commands
                    h = message.head_reminder(case_id=r.id, body_name=bodies[r.body].name, handler=r.handler,
                                              applicant_name=r.applicant_name, applicant_type=r.applicant_type,
                                              state=r.state, due=d, provisional=provisional)
                    copies.append((d.kind + HEAD_COPY, _unique(directory.heads.get(r.body, [])), h))
            except Exception as exc:
                log.warning("case %s: reminder not composed (%s)", r.id, type(exc).__name__)
                if problems is not None:
                    problems.append({"id": r.id, "skipped": _why(exc)})
                continue
            for kind, recipients, c in copies:
                values.append({"body": r.body, "case_id": r.id, "kind": kind, "due_on": d.due_on, "offset": d.offset,
                               "decided_on": today, "recipients": recipients, "subject": c.subject, "text": c.text,
                               "html": c.html, "message_id": message.message_id(r.id, kind, d.due_on, d.offset),
                               "status": "queued", "attempts": 0, "created_at": created, "enqueued_at": created})
        out = _insert(s, values)
        s.commit()
    # One item per reminder, as the contract has it: the head's copy is folded into the clerk's (its `to`).
    items: dict[tuple, dict[str, Any]] = {}
    for x in out:
        kind = x.kind.removesuffix(HEAD_COPY)
        key = (x.case_id, kind, x.due_on, x.offset)
        if key in items:
            items[key]["to"] = _unique([*items[key]["to"], *x.recipients])
            continue
        items[key] = {"id": x.case_id, "kind": kind, "due": x.due_on.isoformat(), "offset": x.offset,
                      "days_left": _days_left(cal, today, x.due_on), "to": list(x.recipients), "subject": x.subject,
                      "reminder": x.id}
    return list(items.values())


def _days_left(cal, today: date, due_on: date) -> int:
    return cal.workdays_between(today, due_on) if today <= due_on else -cal.workdays_between(due_on, today)


def _insert(s: Session, values: list[dict[str, Any]]) -> list[Any]:
    if not values:
        return []
    conn = s.connection()
    stmt = _insert_ignore(conn)
    out: list[Any] = []
    for i in range(0, len(values), 500):
        out += list(conn.execute(stmt, values[i:i + 500]))
    return sorted(out, key=lambda x: x.id)


# -- the morning digest ---------------------------------------------------------------------------------------------

def queue_digest(ctx: services.Context, today: date | None = None) -> list[dict[str, Any]]:
    """On a working day (the official calendar), one digest per body to the office mailbox and the heads."""
    check_settings(ctx)
    today = check_today(ctx, today or ctx.today())
    cal = ctx.cal.with_assumption(True)
    if not cal.is_workday(today):
        return []
    cfg = ctx.settings.reminders
    window = max(cfg.offsets)
    bodies = {b.code: b for b in ctx.settings.all_bodies()}
    per_body: dict[str, list[tuple[str, str, date, int]]] = {code: [] for code in bodies}
    unreadable: dict[str, list[str]] = {code: [] for code in bodies}
    for r in candidates(ctx, today):
        if r.body not in bodies:
            continue
        for kind, iso in (r.deadlines or {}).items():
            if kind not in policy.REMINDED:
                continue
            try:
                due_on = date.fromisoformat(iso)
                left = _days_left(cal, today, due_on)
            except Exception as exc:  # named as "cannot be counted", never fatal for the others
                log.warning("case %s: a deadline not in the digest's count (%s)", r.id, type(exc).__name__)
                if r.id not in unreadable[r.body]:
                    unreadable[r.body].append(r.id)
                continue
            if 0 <= left <= window or (left < 0 and kind in policy.OVERDUE_REMINDED):
                per_body[r.body].append((r.id, kind, due_on, left))
    office = notify_to(ctx)
    created = now()
    with ctx.session() as s:
        directory = Directory.load(s, list(bodies.values()))
        values = []
        for code, items in per_body.items():
            items.sort(key=lambda i: (i[3], i[0]))
            m = message.digest(body_name=bodies[code].name, body_code=code, today=today, items=items,
                               unreadable=sorted(unreadable[code]))
            values.append({"body": code, "case_id": f"*{code}", "kind": "digest", "due_on": today, "offset": 0,
                           "decided_on": today, "recipients": _unique([*office, *directory.heads.get(code, [])]),
                           "subject": m.subject, "text": m.text, "html": m.html,
                           "message_id": message.message_id(f"*{code}", "digest", today, 0), "status": "queued",
                           "attempts": 0, "created_at": created, "enqueued_at": created})
        out = _insert(s, values)
        s.commit()
    return [{"id": x.case_id, "kind": "digest", "due": x.due_on.isoformat(), "to": list(x.recipients),
             "subject": x.subject, "reminder": x.id} for x in out]


# -- the sender ------------------------------------------------------------------------------------------------------

@dataclass
class FlushResult:
    sent: list[dict[str, Any]] = field(default_factory=list)
    printed: list[dict[str, Any]] = field(default_factory=list)
    failing: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    cancelled: list[dict[str, Any]] = field(default_factory=list)
    busy: bool = False  # another sender holds the lease

    def to_json(self) -> dict[str, Any]:
        return {"sent": len(self.sent), "printed": len(self.printed), "failing": len(self.failing),
                "failed": len(self.failed), "cancelled": len(self.cancelled), "busy": self.busy,
                "errors": [x["error"] for x in self.failing + self.failed][:5]}


def _ready(t: datetime):
    return and_(_REM.c.status.in_(PENDING), or_(_REM.c.next_attempt_at.is_(None), _REM.c.next_attempt_at <= t))


def ready_count(ctx: services.Context) -> int:
    with ctx.session() as s:
        return int(s.connection().execute(select(func.count()).select_from(_REM).where(_ready(now()))).scalar_one())


def _take_lease(ctx: services.Context, me: str) -> bool:
    t = now()
    exp = t + timedelta(seconds=ctx.settings.reminders.lease_seconds)
    with ctx.session() as s:
        conn = s.connection()
        res = conn.execute(update(_LEASE).where(_LEASE.c.name == "smtp", or_(
            _LEASE.c.expires_at.is_(None), _LEASE.c.expires_at < t, _LEASE.c.holder == me))
            .values(holder=me, expires_at=exp))
        if res.rowcount == 0 and conn.execute(select(_LEASE.c.name).where(_LEASE.c.name == "smtp")).first() is None:
            conn.execute(insert(_LEASE).values(name="smtp", holder=me, expires_at=exp))
            res = None
        s.commit()
        return res is None or res.rowcount == 1


def _release_lease(ctx: services.Context, me: str) -> None:
    with ctx.session() as s:
        s.connection().execute(update(_LEASE).where(_LEASE.c.name == "smtp", _LEASE.c.holder == me)
                               .values(holder="", expires_at=None))
        s.commit()


def _mark(ctx: services.Context, rid: int, **values: Any) -> None:
    with ctx.session() as s:
        s.connection().execute(update(_REM).where(_REM.c.id == rid).values(**values))
        s.commit()


def _still_due(s: Session, row: Any) -> bool:
    """A reminder for a deadline that moved (a calendar correction), or of a case since concluded, is not sent."""
    if row.kind == "digest":
        return True
    case = s.execute(select(_CASES.c.state, _CASES.c.deadlines).where(_CASES.c.id == row.case_id)).first()
    kind = row.kind.removesuffix(HEAD_COPY)
    return bool(case and case.state in OPEN_STATES and (case.deadlines or {}).get(kind) == row.due_on.isoformat())


def _test_crash_after_send(count: int) -> None:
    # Lets the fault tests kill a sender between the SMTP server's acceptance and the row being marked sent.
    after = os.environ.get("REQUEST_FLOW_TEST_CRASH_AFTER_SEND")
    if after and count >= int(after):
        os._exit(137)


def flush(ctx: services.Context, *, printer: Callable[[dict], Any] | None = None, limit: int | None = None) -> FlushResult:
    """Send what the outbox holds, in queue order, under the lease; print it when no SMTP is configured."""
    from .notify.smtp import Mailer, SendError

    cfg = ctx.settings.reminders
    target = smtp_target(ctx)
    result = FlushResult()
    if not ready_count(ctx):
        return result
    me = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    if not _take_lease(ctx, me):
        result.busy = True
        return result
    mailer = Mailer(target, timeout=cfg.smtp_timeout) if target else None
    count = 0
    renewed = time.monotonic()
    try:
        while limit is None or count < limit:
            # renewed once a third of the lease has gone (not per message: a commit less per e-mail);
            # lost only if one message stalled past lease_seconds
            if time.monotonic() - renewed > cfg.lease_seconds / 3:
                if not _take_lease(ctx, me):
                    result.busy = True
                    break
                renewed = time.monotonic()
            t = now()
            with ctx.session() as s:
                row = s.connection().execute(select(_REM).where(_ready(t)).order_by(_REM.c.id).limit(1)).first()
                if row is None:
                    break
                claimed = s.connection().execute(
                    update(_REM).where(_REM.c.id == row.id, _REM.c.status == row.status)
                    .values(status="sending", attempts=row.attempts + 1, claimed_at=t))
                if claimed.rowcount != 1:
                    s.rollback()
                    continue
                s.commit()
                due = _still_due(s, row)
            item = {"reminder": row.id, "id": row.case_id, "kind": row.kind, "due": row.due_on.isoformat(),
                    "offset": row.offset, "to": list(row.recipients), "subject": row.subject}
            count += 1
            if not due:
                _mark(ctx, row.id, status="cancelled", last_error="期限已变更或案件已办结，提醒不再发送")
                result.cancelled.append(item)
                continue
            if mailer is None:
                if printer:
                    printer({**item, "text": row.text})
                else:
                    log.info("reminder %s (no SMTP configured): %s", row.id, row.subject)
                _mark(ctx, row.id, status="printed", sent_at=now(), last_error=None)
                result.printed.append(item)
                continue
            if not row.recipients:
                err = "没有收件人：请为承办人登记邮箱（staff add --email）或设置 REQUEST_FLOW_NOTIFY_TO"
                _mark(ctx, row.id, status="failed", last_error=err)
                result.failed.append({**item, "error": err})
                continue
            # A recipient recorded before addresses were checked where they enter, or a header the encoder
            # refuses: this reminder fails with its reason, and the next one goes out (no poison record).
            bad = [a for a in row.recipients if email_problem(a)]
            good = [a for a in row.recipients if a not in bad]
            unusable = "；".join(f"「{shown_text(a)}」{email_problem(a)}" for a in bad)
            if not good:
                err = f"收件人地址无效，无法发送：{unusable}"[:500]
                _mark(ctx, row.id, status="failed", last_error=err)
                result.failed.append({**item, "error": err})
                log.warning("reminder %s failed: no usable recipient address", row.id)
                continue
            try:
                msg = message.email(sender=cfg.sender, recipients=good, subject=row.subject,
                                    text=row.text, html=row.html, msg_id=row.message_id)
                refused = mailer.send(msg)
            except (ValueError, TypeError, UnicodeError) as exc:
                err = f"邮件无法生成：{type(exc).__name__}"
                _mark(ctx, row.id, status="failed", last_error=err)
                result.failed.append({**item, "error": err})
                log.warning("reminder %s failed: the message could not be built (%s)", row.id, type(exc).__name__)
                continue
            except SendError as exc:
                err = str(exc)[:500]
                if exc.permanent:
                    _mark(ctx, row.id, status="failed", last_error=err)
                    result.failed.append({**item, "error": err})
                    log.warning("reminder %s failed permanently: %s", row.id, err)
                    continue
                delay = min(cfg.retry_base_seconds * 2 ** row.attempts, cfg.retry_max_seconds)
                again = now() + timedelta(seconds=delay)
                _mark(ctx, row.id, status="failing", last_error=err, next_attempt_at=again)
                result.failing.append({**item, "error": err})
                log.warning("reminder %s: %s; retry after %.0f s", row.id, err, delay)
                if exc.connection:  # the server is away: everything waits, and goes out in order when it is back
                    with ctx.session() as s:
                        s.connection().execute(update(_REM).where(_REM.c.status.in_(("queued", "failing")), or_(
                            _REM.c.next_attempt_at.is_(None), _REM.c.next_attempt_at < again))
                            .values(next_attempt_at=again))
                        s.commit()
                    break
                continue
            _test_crash_after_send(len(result.sent) + 1)
            notes = ([f"部分收件人被拒绝：{'、'.join(refused)}"] if refused else []) + \
                ([f"未发给无效地址：{unusable}"] if unusable else [])
            note = "；".join(notes)[:500] or None
            _mark(ctx, row.id, status="sent", sent_at=now(), last_error=note)
            result.sent.append(item)
    finally:
        if mailer is not None:
            mailer.close()
        _release_lease(ctx, me)
    return result


# -- operations: re-queue what failed, catch up a missed digest -------------------------------------------------

def retry(ctx: services.Context, case_id: str | None = None) -> list[dict[str, Any]]:
    """Put the failed reminders (all, or one case's) back in the queue, and the failing ones due now: after the
    cause was fixed (a staff address corrected, the server's 5xx cleared). The recipients are read again from
    the staff directory and REQUEST_FLOW_NOTIFY_TO, so a corrected address is used. Each goes out again in queue
    order with the same Message-ID; returns the rows re-queued."""
    where = [_REM.c.status.in_(("failed", "failing"))]
    if case_id is not None:
        with ctx.session() as s:
            services.load(ctx, s, case_id)  # an unknown number, or another body's case: one line, exit 2
        where.append(_REM.c.case_id == case_id)
    bodies = ctx.settings.all_bodies()
    office = notify_to(ctx)
    with ctx.session() as s:
        conn = s.connection()
        rows = conn.execute(select(_REM.c.id, _REM.c.body, _REM.c.case_id, _REM.c.kind, _REM.c.due_on, _REM.c.status,
                                   _REM.c.recipients, _REM.c.last_error).where(*where).order_by(_REM.c.id)).all()
        directory = Directory.load(s, bodies)
        ids = sorted({r.case_id for r in rows if not r.case_id.startswith("*")})
        handlers = dict(conn.execute(select(_CASES.c.id, _CASES.c.handler).where(_CASES.c.id.in_(ids))).all()) if ids else {}
        for r in rows:
            heads = directory.heads.get(r.body, [])
            if r.kind == "digest":
                to = _unique([*office, *heads])
            elif r.kind.endswith(HEAD_COPY):
                to = _unique(heads)
            else:
                to = _unique([directory.emails.get((r.body, handlers.get(r.case_id) or "")), *office])
            conn.execute(update(_REM).where(_REM.c.id == r.id, _REM.c.status.in_(("failed", "failing")))
                         .values(status="queued", next_attempt_at=None, enqueued_at=now(), recipients=to or list(r.recipients)))
        s.commit()
    for r in rows:
        log.info("reminder %s re-queued (was %s)", r.id, r.status)
    return [{"reminder": r.id, "id": r.case_id, "kind": r.kind.removesuffix(HEAD_COPY), "due": r.due_on.isoformat(),
             "was": r.status, "last_error": r.last_error} for r in rows]


def digest_missed(ctx: services.Context, at: datetime | None = None) -> bool:
    """Whether this morning's digest time has passed (Asia/Shanghai, or the configured zone) on a working day."""
    from zoneinfo import ZoneInfo

    local = (at or now()).astimezone(ZoneInfo(ctx.settings.timezone))
    hour, minute = (int(x) for x in ctx.settings.reminders.digest_time.split(":"))
    return (local.hour, local.minute) >= (hour, minute) and ctx.cal.with_assumption(True).is_workday(local.date())


def catch_up_digest(ctx: services.Context, at: datetime | None = None) -> list[dict[str, Any]]:
    """A worker that was away at the digest time (stopped, crashed, the broker down) sends this morning's digest
    when it is back, at its first sweep: once, because a digest is a row unique per (body, day) in the outbox
    and the one the schedule made, or an earlier catch-up, is already there. Only today's: a digest of a
    day gone by would be stale (the next one lists the same deadlines, counted afresh)."""
    if not ctx.settings.reminders.digest or not digest_missed(ctx, at):
        return []
    from zoneinfo import ZoneInfo

    today = (at or now()).astimezone(ZoneInfo(ctx.settings.timezone)).date()
    wanted = [f"*{b.code}" for b in ctx.settings.all_bodies()]
    with ctx.session() as s:  # the usual case, checked on the unique key: every digest of today is there
        have = set(s.connection().execute(select(_REM.c.case_id).where(
            _REM.c.case_id.in_(wanted), _REM.c.kind == "digest", _REM.c.due_on == today)).scalars())
    if have >= set(wanted):
        return []
    made = queue_digest(ctx, today)
    for m in made:
        log.info("digest of %s for %s queued late (catch-up)", m["due"], m["id"].lstrip("*"))
    return made


# -- status ---------------------------------------------------------------------------------------------------------

def outbox_status(ctx: services.Context, limit: int = 50) -> dict[str, Any]:
    zone = ctx.settings.timezone
    with ctx.session() as s:
        conn = s.connection()
        counts = {k: 0 for k in STATUSES}
        for st, n in conn.execute(select(_REM.c.status, func.count()).group_by(_REM.c.status)):
            counts[st] = int(n)
        rows = conn.execute(select(_REM).where(_REM.c.status.in_(("queued", "sending", "failing", "failed")))
                            .order_by(_REM.c.id).limit(limit)).all()
        last = conn.execute(select(_REM.c.sent_at).where(_REM.c.status == "sent")
                            .order_by(_REM.c.sent_at.desc()).limit(1)).scalar_one_or_none()
    items = [{"reminder": r.id, "id": r.case_id, "kind": r.kind, "due": r.due_on.isoformat(), "offset": r.offset,
              "status": r.status, "attempts": r.attempts, "last_error": r.last_error,
              "next_attempt_at": iso_time(r.next_attempt_at, zone)} for r in rows]
    return {"counts": counts, "pending": items, "last_sent_at": iso_time(last, zone),
            "smtp": smtp_target(ctx).shown if ctx.settings.smtp_url else None}
