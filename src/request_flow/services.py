"""One function per staff act: load the case, ask the domain, write the event, the reserved letter number and the
refreshed cache columns in ONE transaction.

Concurrency: each act updates its case row `WHERE version = <the version it read>` before appending its
event (whose (case, seq) is unique). Of two staff acting on one case at once, the second finds no row to
update, or a taken sequence number, and is told so plainly; nothing of its act is written.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, case, func, insert, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from .config import BodyProfile, Settings, check_email, get_settings
from .domain import acts
from .domain.acts import Draft
from .domain.case import CaseView, Event, replay
from .domain.codes import UNNAMED_APPLICANT
from .domain.errors import BadInput, Refused
from .domain.letters import normalize_number
from .domain.lifecycle import CONCLUDED_STATES, OPEN_STATES, VOID
from .domain.workdays import WorkCalendar
from .letters import numbering
from .letters.numbering import letter_number
from .store import locks as report_locks
from .store.conflicts import is_conflict
from .store.counters import peek_serial, reserve_serial
from .store.db import session as open_session
from .store.models import CaseEvent, CaseFile, Letter, Meta, Staff


class Conflict(Refused):
    """Someone else changed the case between our read and our write."""


CONFLICT_MESSAGE = "案件{case}刚刚被其他工作人员办理（并发修改），本次操作未保存任何内容，请重新查看案件后再办理"


# -- context ---------------------------------------------------------------------------------------------------

@dataclass
class Context:
    settings: Settings
    body: BodyProfile
    user: str
    cal: WorkCalendar

    @property
    def url(self) -> str:
        return self.settings.db_url()

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.settings.timezone)).date()

    def session(self) -> Session:
        return open_session(self.url)


def context() -> Context:
    from .calendar import WorkCalendar as PublicCalendar

    s = get_settings()
    return Context(s, s.current_body(), s.acting_user(), PublicCalendar.default())


def check_act_date(ctx: Context, on: date, what: str = "办理日期") -> date:
    if on > ctx.today():
        raise BadInput(f"{what}{on.isoformat()}晚于今天（{ctx.today().isoformat()}），不能登记尚未发生的事")
    return on


# -- setup -----------------------------------------------------------------------------------------------------

def init_db(ctx: Context) -> None:
    from .calendar import fingerprint
    from .store.migrate import upgrade

    upgrade(ctx.url)
    with ctx.session() as s:
        _set_meta(s, "calendar_fingerprint", fingerprint(ctx.settings.calendar_dirs()))
        s.commit()


def _set_meta(s: Session, key: str, value: str) -> None:
    row = s.get(Meta, key)
    if row is None:
        s.add(Meta(key=key, value=value))
    else:
        row.value = value


def calendar_changed(ctx: Context) -> bool:
    from .calendar import fingerprint

    with ctx.session() as s:
        row = s.get(Meta, "calendar_fingerprint")
        return row is not None and row.value != fingerprint(ctx.settings.calendar_dirs())


# -- serial numbers: the counters live in the store, the 文号 and its series in the letters package ------------

def _series(ctx: Context, kind: str) -> str:
    return numbering.series(kind, ctx.settings.letters.shared_series)


# -- staff -----------------------------------------------------------------------------------------------------

def add_staff(ctx: Context, name: str, role: str, email: str | None) -> Staff:
    acts.check_text(name, "姓名", required=True)
    acts.parse_choice(role, {"clerk": "", "office_head": ""}, "角色")
    if email:  # checked where it enters: reminders are sent to it (docs/decisions.md, "E-mail addresses")
        try:
            email = check_email(email, "电子邮箱")
        except ValueError as exc:
            raise BadInput(str(exc)) from None
    with ctx.session() as s:
        row = s.exec(select(Staff).where(Staff.body == ctx.body.code, Staff.name == name)).scalars().first()  # type: ignore[call-overload]
        if row is None:
            row = Staff(body=ctx.body.code, name=name, role=role, email=email)
            s.add(row)
        else:
            row.role, row.email = role, email or row.email
        s.commit()
        return row


def list_staff(ctx: Context) -> list[dict[str, Any]]:
    people = {p.name: {"name": p.name, "role": p.role, "email": p.email, "from": "config"} for p in ctx.body.staff}
    with ctx.session() as s:
        for row in s.execute(select(Staff).where(Staff.body == ctx.body.code)).scalars():
            people[row.name] = {"name": row.name, "role": row.role, "email": row.email, "from": "database"}
    return sorted(people.values(), key=lambda p: p["name"])


_STAFF = Staff.__table__
_ROLE_OF = select(_STAFF.c.role).where(_STAFF.c.body == bindparam("body"), _STAFF.c.name == bindparam("name")).limit(1)


def role_of(ctx: Context, s: Session, name: str) -> str | None:
    """The role of a member of staff: registered in the database, else named in the configuration file. One column
    on the connection (every approval and, where staff must be registered, every act asks)."""
    role = s.connection().execute(_ROLE_OF, {"body": ctx.body.code, "name": name}).scalar()
    if role is not None:
        return role
    for p in ctx.body.staff:
        if p.name == name:
            return p.role
    return None


def _check_actor(ctx: Context, s: Session, handler: str | None = None) -> None:
    """The acting name, and a case's handler (承办人) named at registration, must be registered staff where the
    body requires it: a typo in either would otherwise put the case in nobody's list and nobody's reminders."""
    if ctx.body.require_registered_staff and role_of(ctx, s, ctx.user) is None:
        raise Refused(f"本机关要求由登记的工作人员办理：「{ctx.user}」未登记（request-flow staff add）")
    if handler and ctx.body.require_registered_staff and role_of(ctx, s, handler) is None:
        raise Refused(f"本机关要求承办人是登记的工作人员：承办人「{handler}」未登记（request-flow staff add；"
                      "request-flow staff list 列出已登记的人员），未登记本申请")


# -- loading and writing ---------------------------------------------------------------------------------------

# Statements built once: an act runs a handful of them, and building them anew costs more than running them.
_EVENTS = CaseEvent.__table__
_CASES = CaseFile.__table__
_LETTERS = Letter.__table__
_SELECT_EVENTS = (select(_EVENTS.c.seq, _EVENTS.c.kind, _EVENTS.c.happened_on, _EVENTS.c.data, _EVENTS.c.actor,
                         _EVENTS.c.reason).where(_EVENTS.c.case_id == bindparam("case_id")).order_by(_EVENTS.c.seq))
_CACHE_COLUMNS = ("state", "received_on", "outcome", "concluded_on", "reply_due", "next_due", "correction_notice_due",
                  "provisional", "deadlines_provisional", "deadlines", "version")
_UPDATE_CASE = (update(_CASES).where(_CASES.c.id == bindparam("case_id"), _CASES.c.version == bindparam("read_version"))
                .values({c: bindparam(c) for c in _CACHE_COLUMNS}))
_INSERT_EVENT = insert(_EVENTS)
_INSERT_LETTER = insert(_LETTERS)


def _events(s: Session, case_id: str) -> list[Event]:
    rows = s.connection().execute(_SELECT_EVENTS, {"case_id": case_id})
    return [Event(r.seq, r.kind, r.happened_on, dict(r.data), r.actor, r.reason) for r in rows]


def load(ctx: Context, s: Session, case_id: str) -> tuple[CaseFile, list[Event], CaseView]:
    row = s.get(CaseFile, case_id)
    if row is None or row.body not in {b.code for b in ctx.settings.all_bodies()}:
        raise BadInput(f"没有编号为「{case_id}」的案件")
    if row.body != ctx.body.code:
        raise BadInput(f"案件「{case_id}」属于机关 {row.body}，不属于当前机关 {ctx.body.code}（用 --body 选择）")
    events = _events(s, case_id)
    return row, events, replay(events, ctx.cal, ctx.settings.policy())


def cache_values(view: CaseView) -> dict[str, Any]:
    """The columns of case_file that cache what the events and the calendar give."""
    # The correction notice is optional: its day passing makes a later notice "late", not the case overdue.
    dues = [d.due for name, d in view.deadlines.items() if name != "correction_notice_due"]
    return {"state": view.state, "received_on": view.received_on, "outcome": view.outcome,
            "concluded_on": view.concluded_on, "reply_due": view.due("reply_due"),
            "next_due": min(dues) if dues else None, "correction_notice_due": view.due("correction_notice_due"),
            "provisional": bool(view.provisional), "deadlines_provisional": view.provisional,
            "deadlines": {name: d.due.isoformat() for name, d in view.deadlines.items()}}


def _write_cache(s: Session, row: CaseFile, view: CaseView) -> bool:
    """Version-checked: False when someone else changed the case since `row` was read."""
    values = {**cache_values(view), "version": row.version + 1}
    result = s.connection().execute(_UPDATE_CASE, {**values, "case_id": row.id, "read_version": row.version})
    if result.rowcount != 1:
        return False
    for key, value in values.items():  # mirror the statement on the loaded row, without another SELECT
        set_committed_value(row, key, value)
    return True


def _hold_for_tests(variable: str = "REQUEST_FLOW_TEST_HOLD_BEFORE_WRITE") -> None:
    # Lets the concurrency tests put two processes between read and write at the same moment (and the worker
    # tests kill a worker in the middle of a render).
    hold = os.environ.get(variable)
    if hold and hold.startswith("barrier:"):  # "barrier:<folder>:<n>": wait until n processes have got here
        from pathlib import Path

        _, folder, n = hold.split(":", 2)
        (Path(folder) / str(os.getpid())).touch()
        end = time.monotonic() + 300
        while len(os.listdir(folder)) < int(n) and time.monotonic() < end:
            time.sleep(0.05)
    elif hold:
        time.sleep(float(hold))


def _append(ctx: Context, uow: UnitOfWork, row: CaseFile, events: list[Event], draft: Draft,
            before: CaseView | None = None) -> CaseView:
    """Write one act: the version-checked case row, the event, its letters (numbered, rendered, archived); then
    commit. All or nothing: a letter that cannot be rendered refuses the act and takes its number back."""
    s = uow.session
    _hold_for_tests()  # the concurrency tests: every process has read its case, none has written yet
    seq = (events[-1].seq + 1) if events else 1
    kinds = letters_for(ctx, draft, before)
    year = draft.on.year  # the year in a 文号 is the year of the letter's date

    def compose(numbers: list[str]) -> tuple[dict[str, Any], Event, CaseView]:
        data = dict(draft.data)
        if numbers:
            data["letter"], data["letter_kind"] = numbers[0], kinds[0]
            if len(numbers) > 1:
                data["also_letters"] = [{"number": n, "kind": k} for k, n in zip(kinds[1:], numbers[1:])]
        event = Event(seq, draft.kind, draft.on, data, ctx.user, draft.reason)
        return data, event, replay([*events, event], ctx.cal, ctx.settings.policy())

    # Letters are rendered with the numbers the counters will most likely give, before the write lock is taken
    # (SQLite locks the whole database from the first write to the commit); the numbers are then reserved, and
    # if someone took one meanwhile, the letters are rendered again under the reserved numbers.
    numbers, taken = [], {}  # two letters of one act from a shared series take consecutive serials
    for k in kinds:
        series = _series(ctx, k)
        taken[series] = taken.get(series, -1) + 1
        numbers.append(letter_number(ctx.body, k, year, peek_serial(s, ctx.body.code, year, series) + taken[series]))
    data, new_event, view = compose(numbers)
    rendered = _render_letters(ctx, s, row, [*events, new_event], before, view, list(zip(kinds, numbers)))
    reserved = [letter_number(ctx.body, k, year, reserve_serial(s, ctx.body.code, year, _series(ctx, k))) for k in kinds]
    if reserved != numbers:
        numbers = reserved
        data, new_event, view = compose(numbers)
        rendered = _render_letters(ctx, s, row, [*events, new_event], before, view, list(zip(kinds, numbers)))
    counted_before = report_locks.counted(row)  # what the case counts in now, before the cache is rewritten
    if not _write_cache(s, row, view):
        raise uow.conflict()
    # Locked years (and the appeal and reply caches), checked after the first write: SQLite's one write lock is
    # held from here to the commit, so no `report lock` can commit in between; on PostgreSQL the check takes the
    # shared side of the report lock until the commit (store/locks.py, docs/report.md "Locking and corrections").
    report_locks.on_act(ctx, s.connection(), row, counted_before, events, new_event, view)
    conn, now = s.connection(), datetime.now(ZoneInfo("UTC"))
    conn.execute(_INSERT_EVENT, {"case_id": row.id, "seq": seq, "kind": draft.kind, "happened_on": draft.on,
                                 "data": data, "actor": ctx.user, "reason": draft.reason, "recorded_at": now})
    for kind, number in zip(kinds, numbers):
        conn.execute(_INSERT_LETTER, {"number": number, "body": ctx.body.code, "case_id": row.id,
                                      "kind": kind, "issued_on": draft.on, "event_seq": seq,
                                      "issued_by": ctx.user, "issued_at": now, "delivered_on": None,
                                      "delivery_method": None})
    _store_letters(ctx, conn, rendered)
    if draft.kind == "deliver":
        conn.execute(update(_LETTERS).where(_LETTERS.c.number == data["letter"], _LETTERS.c.case_id == row.id)
                     .values(delivered_on=draft.on, delivery_method=data.get("method") or None,
                             delivery_proof=data.get("proof") or None))
    uow.after_commit(lambda: _copy_letters(ctx, rendered, draft.on.year))
    return view


# -- letters (rendering, the archive: request_flow.letters, imported only when a letter is issued) ---------------

def letters_for(ctx: Context, draft: Draft, before: CaseView | None) -> list[str]:
    """The letters an act issues: the one the law ties to it, and those the body's configuration adds (the
    receipt on confirmation of receipt, the applicant's notice that a consultation pauses the clock)."""
    conf = ctx.settings.letters
    if draft.kind == "confirm_receipt":
        return ["receipt"] if conf.receipt else []
    if draft.letter_kind == "closure" and not conf.closure:
        return []
    kinds = [draft.letter_kind] if draft.letter_kind else []
    if draft.letter_kind == "override" and before is not None:  # Art. 32: each objecting third party is told
        kinds = ["override"] * max(1, len(objectors(before)))
    if draft.kind == "consult" and conf.consultation_notice and (before is None or before.state != "consulting"):
        kinds.append("consultation_notice")
    return kinds


def objectors(view: CaseView) -> list[str]:
    """The third parties that objected, each once, in the order consulted (each gets its override notice)."""
    return list(dict.fromkeys(c.party for c in view.consultations if c.kind == "third_party" and c.result == "object"))


def _render_letters(ctx: Context, s: Session, row: CaseFile, events: list[Event], before: CaseView | None,
                    after: CaseView, letters: list[tuple[str, str]]) -> list[Any]:
    if not letters:
        return []
    from .letters import LetterError
    from .letters.fields import Applicant, Issue
    from .letters.issue import render_issue

    applicant = Applicant(row.id, row.applicant_name, row.applicant_type, row.channel, row.content, row.registered_on)
    parties = iter(objectors(after))
    formats = _letter_formats(ctx)
    try:
        return [render_issue(ctx.settings, ctx.body, Issue(kind, number, events[-1].on, applicant, events, before, after,
                                                           next(parties, "") if kind == "override" else ""), formats)
                for kind, number in letters]
    except LetterError as exc:
        raise Refused(f"{exc}；本次办理未保存任何内容（文号未占用）") from None


def _store_letters(ctx: Context, conn: Any, rendered: list[Any]) -> None:
    if rendered:
        from .letters.archive import store

        for r in rendered:
            store(conn, r, ctx.user)


def _copy_letters(ctx: Context, rendered: list[Any], year: int) -> None:
    """After the commit: the copies under the data folder, and the letters handed to the workers to draw."""
    if not rendered:
        return
    if _workers_render(ctx):  # the worker writes the copies once it has drawn the rest (`letters list` would too)
        if ctx.settings.broker_url:
            from .letters.queue import enqueue

            enqueue(ctx.settings.broker_url, [r.number for r in rendered])
        return
    from .letters.archive import materialize

    for r in rendered:
        materialize(ctx.settings, ctx.body.code, year, r.number, r.files)


def _workers_render(ctx: Context) -> bool:
    return ctx.settings.letters.renders_in_workers(ctx.settings.broker_url)


def _letter_formats(ctx: Context) -> tuple[str, ...]:
    # where the workers draw the PDF and DOCX, the act fills, checks and keeps the HTML only
    return ("html",) if _workers_render(ctx) else ("pdf", "docx", "html")


class UnitOfWork:
    """One transaction: it begins, commits or rolls back, and tells every lost race (a version moved, SQLite busy
    or locked, a PostgreSQL lock timeout, serialization failure or deadlock, a unique key taken on a counter or an
    event) as the one friendly refusal. Work to do only once the transaction is durable (copies of the letters
    under the data folder) is registered with `after_commit`. The one place where conflicts are translated."""

    def __init__(self, ctx: Context, case_id: str | None = None):
        self.ctx, self.case_id = ctx, case_id
        self._after: list[Any] = []

    def __enter__(self) -> UnitOfWork:
        self.session = self.ctx.session()
        return self

    def after_commit(self, fn) -> None:
        self._after.append(fn)

    def conflict(self) -> Conflict:
        if self.case_id:
            return Conflict(CONFLICT_MESSAGE.format(case=self.case_id))
        return Conflict("其他工作人员正在同时办理（并发修改），本次操作未保存任何内容，请稍后重试")

    def __exit__(self, kind, exc, tb) -> bool:
        s = self.session
        try:
            if exc is None:
                try:
                    s.commit()
                except Exception as error:
                    s.rollback()
                    if is_conflict(error):
                        raise self.conflict() from None
                    raise
                for fn in self._after:
                    fn()
                return False
            s.rollback()
            if isinstance(exc, Exception) and not isinstance(exc, Refused | BadInput) and is_conflict(exc):
                raise self.conflict() from None
            return False
        finally:
            s.close()


# -- acts ------------------------------------------------------------------------------------------------------

def register(ctx: Context, *, applicant: str, applicant_type: str, channel: str, on: date | None,
             received_on: date | None, content: str | None = None, id_type: str | None = None,
             id_number: str | None = None, phone: str | None = None, email: str | None = None,
             address: str | None = None, handler: str | None = None) -> tuple[CaseFile, CaseView]:
    if received_on is not None:
        check_act_date(ctx, received_on, "收到申请之日")
    on = check_act_date(ctx, on or received_on or ctx.today(), "登记日期")
    draft = acts.register(applicant=applicant, applicant_type=applicant_type, channel=channel, on=on,
                          received_on=received_on, content=content, counting=ctx.settings.policy().counting)
    for value, what in ((id_type, "证件类型"), (id_number, "证件号码"), (phone, "联系电话"), (email, "电子邮箱"),
                        (address, "通信地址"), (handler, "承办人")):
        acts.check_text(value, what)
    check_printable(ctx, {"申请人姓名或名称": applicant, "申请内容": content})
    with UnitOfWork(ctx) as uow:
        s = uow.session
        _check_actor(ctx, s, handler)
        receipt = received_on is not None and ctx.settings.letters.receipt  # else issued on confirmation

        def compose(serial: int, number: str | None) -> tuple[CaseFile, dict[str, Any], Event, CaseView]:
            case_id = f"{ctx.body.code}-{on.year}-{serial:04d}"
            data = dict(draft.data)
            if number:
                data["letter"], data["letter_kind"] = number, "receipt"
            event = Event(1, draft.kind, draft.on, data, ctx.user)
            view = replay([event], ctx.cal, ctx.settings.policy())
            row = CaseFile(id=case_id, body=ctx.body.code, year=on.year, serial=serial, applicant_name=applicant,
                           applicant_type=draft.data["applicant_type"], channel=draft.data["channel"], id_type=id_type, id_number=id_number,
                           phone=phone, email=email, address=address, content=content, handler=handler or ctx.user,
                           registered_on=on, created_at=datetime.now(ZoneInfo("UTC")), **cache_values(view))
            return row, data, event, view

        def receipt_number(serial: int) -> str | None:
            return letter_number(ctx.body, "receipt", on.year, serial) if receipt else None

        # Render with the numbers the counters will most likely give, before taking the write lock (SQLite has
        # one for the whole database); if another registration took them meanwhile, render again.
        guess = (peek_serial(s, ctx.body.code, on.year, "case"), peek_serial(s, ctx.body.code, on.year, _series(ctx, "receipt")))
        row, data, event, view = compose(guess[0], receipt_number(guess[1]))
        letters = [("receipt", data["letter"])] if receipt else []
        rendered = _render_letters(ctx, s, row, [event], None, view, letters)
        got = (reserve_serial(s, ctx.body.code, on.year, "case"),
               reserve_serial(s, ctx.body.code, on.year, _series(ctx, "receipt")) if receipt else guess[1])
        if got != guess:
            row, data, event, view = compose(got[0], receipt_number(got[1]))
            letters = [("receipt", data["letter"])] if receipt else []
            rendered = _render_letters(ctx, s, row, [event], None, view, letters)
        case_id = row.id
        s.add(row)
        s.flush()
        now = datetime.now(ZoneInfo("UTC"))
        s.add(CaseEvent(case_id=case_id, seq=1, kind=draft.kind, happened_on=on, data=data, actor=ctx.user,
                        recorded_at=now))
        s.flush()
        conn = s.connection()
        for kind, number in letters:
            conn.execute(_INSERT_LETTER, {"number": number, "body": ctx.body.code, "case_id": case_id, "kind": kind,
                                          "issued_on": on, "event_seq": 1, "issued_by": ctx.user, "issued_at": now,
                                          "delivered_on": None, "delivery_method": None})
        _store_letters(ctx, conn, rendered)
        report_locks.on_register(ctx, s.connection(), row)  # a receipt dated in a locked year
        uow.after_commit(lambda: _copy_letters(ctx, rendered, on.year))
    return row, view


def act(ctx: Context, case_id: str, make_draft, on: date | None = None) -> tuple[CaseFile, CaseView]:
    """Run one act: `make_draft(view, on, session)` returns the Draft or raises Refused/BadInput."""
    on = check_act_date(ctx, on or ctx.today())
    with UnitOfWork(ctx, case_id) as uow:
        _check_actor(ctx, uow.session)
        row, events, view = load(ctx, uow.session, case_id)
        draft = make_draft(view, on, uow.session)
        after = _append(ctx, uow, row, events, draft, before=view)
    return row, after


def earlier_applications_this_month(s: Session, row: CaseFile) -> int:
    """The applicant's applications received earlier in the same calendar month, charged or not (按件计收,
    docs/procedure.md, "Fees"): ordered by date of receipt, then registration number. Matched by name (and ID number where one
    is recorded); an applicant without a recorded name is never matched; voided registrations count nowhere."""
    if row.received_on is None or not (row.applicant_name or "").strip() or row.applicant_name == UNNAMED_APPLICANT:
        return 0
    first = row.received_on.replace(day=1)
    earlier = or_(CaseFile.received_on < row.received_on,
                  and_(CaseFile.received_on == row.received_on,
                       or_(CaseFile.year < row.year, and_(CaseFile.year == row.year, CaseFile.serial < row.serial))))
    q = (select(func.count()).select_from(CaseFile)
         .where(CaseFile.body == row.body, CaseFile.applicant_name == row.applicant_name, CaseFile.id != row.id,
                CaseFile.received_on >= first, CaseFile.received_on <= row.received_on, CaseFile.state != VOID, earlier))
    if row.id_number:
        q = q.where(CaseFile.id_number == row.id_number)
    return int(s.execute(q).scalar_one())


def check_printable(ctx: Context, texts: dict[str, str | None]) -> None:
    """Every text a letter will print is checked against the configured fonts when it is entered, so that a case
    can never become unprintable (docs/decisions.md). Imports the font tables only for acts that enter text."""
    given = {what: text for what, text in texts.items() if text}
    if not given:
        return
    from .letters import LetterError, fonts

    stack = [*ctx.settings.letters.body_fonts, *ctx.settings.letters.symbol_fonts]
    for what, text in given.items():
        try:
            fonts.check(text, stack, what)
        except LetterError as exc:
            raise Refused(f"{exc}；本次办理未保存任何内容") from None


def _head(ctx: Context, s: Session, name: str) -> bool:
    return role_of(ctx, s, name) == "office_head"


# One named function per staff act: what the command line, the sweep, tests and benchmarks call.

def confirm(ctx: Context, case_id: str, on: date | None = None):
    return act(ctx, case_id, lambda v, d, s: acts.confirm_receipt(v, d), on)


# Dates and periods a member of staff sets are bounded (docs/decisions.md, "Bounded dates"): a period given on
# the command line within the caps its configured default has; a deadline set under Art. 35 within a year.
MAX_PERIOD = 60  # working days: the cap of [policy] correction_period and reasons_period
SET_DUE_HORIZON_YEARS = 1


def check_period(period: int | None, what: str) -> int | None:
    if period is not None and not 1 <= period <= MAX_PERIOD:
        raise BadInput(f"{what}应为1至{MAX_PERIOD}个工作日（与配置中默认期限的上限相同），不是{period}")
    return period


def check_set_due(ctx: Context, due: date | None, on: date | None) -> date | None:
    """A deadline set under Art. 35 lies within a year of the day it is set, and within the calendar's reach."""
    if due is None:
        return None
    start = on or ctx.today()
    try:
        limit = start.replace(year=start.year + SET_DUE_HORIZON_YEARS)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + SET_DUE_HORIZON_YEARS, day=28)
    reach = date(ctx.cal.last_year - 1, 12, 31)
    limit = min(limit, reach)
    if due > limit:
        raise BadInput(f"确定的答复期限{due.isoformat()}太远：应在办理之日（{start.isoformat()}）起一年以内，"
                       f"最晚{limit.isoformat()}（请检查日期是否输错）")
    return due


def request_correction(ctx: Context, case_id: str, items: str, period: int | None = None,
                       delivery: str | None = None, on: date | None = None):
    check_printable(ctx, {"需要补正的事项": items})
    policy = ctx.settings.policy()
    p = policy.correction_period if check_period(period, "补正期限（--period）") is None else period
    return act(ctx, case_id, lambda v, d, s: acts.request_correction(v, d, items, p, delivery, policy.default_delivery), on)


def corrected(ctx: Context, case_id: str, content: str | None = None, on: date | None = None):
    check_printable(ctx, {"补正后的申请内容": content})
    return act(ctx, case_id, lambda v, d, s: acts.corrected(v, d, content), on)


def consult(ctx: Context, case_id: str, party: str, kind: str = "third_party", about: str | None = None,
            on: date | None = None):
    check_printable(ctx, {"被征求意见方": party, "征求意见涉及的信息": about})
    return act(ctx, case_id, lambda v, d, s: acts.consult(v, d, party, kind, about), on)


def opinion(ctx: Context, case_id: str, result: str, reason: str | None = None, party: str | None = None,
            on: date | None = None):
    check_printable(ctx, {"意见理由": reason})
    return act(ctx, case_id, lambda v, d, s: acts.opinion(v, d, result, reason, party), on)


def fee_notice(ctx: Context, case_id: str, method: str, quantity: int, on: date | None = None,
               delivery: str | None = None):
    default = ctx.settings.policy().default_delivery

    def draft(view, on, s):
        row = s.get(CaseFile, case_id)
        earlier = earlier_applications_this_month(s, row) if method == "per_item" else 0
        return acts.fee_notice(view, on, method, quantity, earlier, delivery, default)
    return act(ctx, case_id, draft, on)


def paid(ctx: Context, case_id: str, on: date | None = None):
    return act(ctx, case_id, lambda v, d, s: acts.fee_paid(v, d), on)


def request_reasons(ctx: Context, case_id: str, period: int | None = None, delivery: str | None = None,
                    on: date | None = None):
    policy = ctx.settings.policy()
    p = policy.reasons_period if check_period(period, "说明理由的期限（--period）") is None else period
    return act(ctx, case_id, lambda v, d, s: acts.request_reasons(v, d, p, delivery, policy.default_delivery), on)


def reasons_received(ctx: Context, case_id: str, set_due: date | None = None, on: date | None = None):
    check_set_due(ctx, set_due, on)
    return act(ctx, case_id, lambda v, d, s: acts.reasons_received(v, d, set_due), on)


def set_deadline(ctx: Context, case_id: str, due: date, on: date | None = None):
    check_set_due(ctx, due, on)
    return act(ctx, case_id, lambda v, d, s: acts.set_deadline(v, d, due), on)


def extend(ctx: Context, case_id: str, days: int, approver: str, reason: str | None, on: date | None):
    check_printable(ctx, {"延期理由": reason})

    def draft(view, on, s):
        return acts.extend(view, on, days, approver, _head(ctx, s, approver), reason)
    return act(ctx, case_id, draft, on)


def decide(ctx: Context, case_id: str, outcome: str, facts: dict[str, str | None], *,
           withheld: list[str] | None = None, public_interest: str | None = None,
           objection_unfounded: str | None = None, on: date | None = None):
    from .domain.codes import FACT_LABELS

    check_printable(ctx, {**{FACT_LABELS.get(k, k): v for k, v in facts.items()}, "不予公开的部分": "".join(withheld or []),
                          "公共利益理由": public_interest, "第三方异议不成立的理由": objection_unfounded})
    policy = ctx.settings.policy()
    return act(ctx, case_id, lambda v, d, s: acts.decide(
        v, d, outcome, facts, public_interest, withheld, objection_unfounded, policy.override_wait_days,
        policy.default_delivery), on)


def reply(ctx: Context, case_id: str, on: date | None = None):
    return act(ctx, case_id, lambda v, d, s: acts.reply(v, d), on)


def delivered(ctx: Context, case_id: str, letter: str, method: str | None = None, proof: str | None = None,
              on: date | None = None):
    return act(ctx, case_id, lambda v, d, s: acts.deliver(v, d, letter, method, proof), on)


def withdraw(ctx: Context, case_id: str, reason: str | None = None, on: date | None = None):
    return act(ctx, case_id, lambda v, d, s: acts.withdraw(v, d, reason), on)


def close(ctx: Context, case_id: str, outcome: str, on: date | None = None):
    return act(ctx, case_id, lambda v, d, s: acts.close_lapsed(v, d, outcome), on)


def reopen(ctx: Context, case_id: str, reason: str, approver: str, delivery: str | None = None,
           on: date | None = None):
    check_printable(ctx, {"恢复办理的理由": reason})
    policy = ctx.settings.policy()

    def draft(view, on, s):
        return acts.reopen(view, on, reason, approver, _head(ctx, s, approver), delivery, policy.default_delivery)
    return act(ctx, case_id, draft, on)


def void(ctx: Context, case_id: str, reason: str, approver: str, on: date | None = None):
    return act(ctx, case_id, lambda v, d, s: acts.void(v, d, reason, approver, _head(ctx, s, approver)), on)


def appeal(ctx: Context, case_id: str, kind: str, on: date | None = None):
    return act(ctx, case_id, lambda v, d, s: acts.appeal(v, d, kind), on)


def appeal_result(ctx: Context, case_id: str, result: str, no: int | None = None, on: date | None = None):
    return act(ctx, case_id, lambda v, d, s: acts.appeal_result(v, d, no, result), on)


# Letters addressed to the applicant: those re-issued when the applicant's name is corrected (`case amend`).
APPLICANT_LETTERS = frozenset({"receipt", "correction", "reasons", "extension", "consultation_notice", "fee", "reply",
                               "closure", "reopen"})


def amend(ctx: Context, case_id: str, *, reason: str, applicant: str | None = None, phone: str | None = None,
          email: str | None = None, address: str | None = None, id_number: str | None = None, on: date | None = None):
    """Correct a slip in the registration data. Letters already issued that print the corrected data (the
    applicant's name) are re-issued under new 文号, dated today; the old ones stay, marked superseded; no period
    restarts (docs/procedure.md, "Amendment")."""
    on = check_act_date(ctx, on or ctx.today())
    changes = {"applicant_name": applicant, "phone": phone, "email": email, "address": address, "id_number": id_number}
    check_printable(ctx, {"申请人姓名或名称": applicant})
    with UnitOfWork(ctx, case_id) as uow:
        s = uow.session
        _check_actor(ctx, s)
        row, events, view = load(ctx, s, case_id)
        current = {k: getattr(row, k) for k in changes}
        draft = acts.amend(view, on, changes, current, reason)
        seq = events[-1].seq + 1
        reissued: dict[str, str] = {}
        new_kinds: dict[str, str] = {}
        rendered = []
        if "applicant_name" in draft.data["fields"]:
            rendered = _reissue(ctx, s, row, events, view, on, str(applicant), reissued, new_kinds)
        data = {**draft.data, "reissued": reissued, "new_letters": new_kinds}
        event = Event(seq, draft.kind, on, data, ctx.user, draft.reason)
        after = replay([*events, event], ctx.cal, ctx.settings.policy())
        _hold_for_tests()
        if not _write_cache(s, row, after):
            raise uow.conflict()
        conn, now = s.connection(), datetime.now(ZoneInfo("UTC"))
        conn.execute(update(_CASES).where(_CASES.c.id == row.id).values({k: changes[k] for k in draft.data["fields"]}))
        conn.execute(_INSERT_EVENT, {"case_id": row.id, "seq": seq, "kind": draft.kind, "happened_on": on,
                                     "data": data, "actor": ctx.user, "reason": draft.reason, "recorded_at": now})
        for number, kind in new_kinds.items():
            conn.execute(_INSERT_LETTER, {"number": number, "body": ctx.body.code, "case_id": row.id, "kind": kind,
                                          "issued_on": on, "event_seq": seq, "issued_by": ctx.user,
                                          "issued_at": now, "delivered_on": None, "delivery_method": None})
        _store_letters(ctx, conn, rendered)
        uow.after_commit(lambda: _copy_letters(ctx, rendered, on.year))
    for key in draft.data["fields"]:
        set_committed_value(row, key, changes[key])
    return row, after


def _reissue(ctx: Context, s: Session, row: CaseFile, events: list[Event], view: CaseView, on: date, name: str,
             reissued: dict[str, str], new_kinds: dict[str, str]) -> list[Any]:
    """Render again, under new numbers, each live letter to the applicant, as it was issued but with the
    corrected name. Each is filled from the events up to the act that issued it, as the original was."""
    from .letters import LetterError
    from .letters.fields import Applicant, Issue
    from .letters.issue import render_issue

    applicant = Applicant(row.id, name, row.applicant_type, row.channel, row.content, row.registered_on)
    out = []
    policy = ctx.settings.policy()
    for i, ev in enumerate(events):
        issued = [(ev.data["letter"], ev.data.get("letter_kind", ev.kind))] if ev.data.get("letter") and ev.kind != "deliver" else []
        issued += [(x["number"], x["kind"]) for x in ev.data.get("also_letters", ())]
        for number, kind in issued:
            ref = view.letters.get(number)
            if kind not in APPLICANT_LETTERS or ref is None or ref.superseded_by:
                continue
            new = letter_number(ctx.body, kind, on.year, reserve_serial(s, ctx.body.code, on.year, _series(ctx, kind)))
            before = replay(events[:i], ctx.cal, policy) if i else None
            after = replay(events[: i + 1], ctx.cal, policy)
            try:
                out.append(render_issue(ctx.settings, ctx.body, Issue(kind, new, on, applicant, events[: i + 1], before, after),
                                        _letter_formats(ctx)))
            except LetterError as exc:
                raise Refused(f"{exc}；本次办理未保存任何内容（文号未占用）") from None
            reissued[number] = new
            new_kinds[new] = kind
    return out


def automatic_act(ctx: Context, case_id: str, make_draft) -> tuple[Draft, CaseView] | None:
    """An act the deadline sweep takes by itself: `make_draft(view)` returns the Draft the replayed case calls
    for, or None (nothing to do; an earlier sweep or staff acted already). Through the same path as staff acts."""
    with UnitOfWork(ctx, case_id) as uow:
        row, events, view = load(ctx, uow.session, case_id)
        draft = make_draft(view)
        if draft is None:
            return None
        after = _append(ctx, uow, row, events, draft, before=view)
    return draft, after


def record_missed(ctx: Context, case_id: str, today: date) -> tuple[Draft, CaseView] | None:
    """The sweep's record that the reply deadline passed unanswered (None when nothing is to record)."""
    return automatic_act(ctx, case_id, lambda view: acts.deadline_missed(view, today))


def registration_warnings(ctx: Context, view: CaseView, today: date | None = None) -> list[str]:
    """A registration entered late says so: deadlines already passed, or within three working days."""
    today = today or ctx.today()
    labels = {"reply_due": "答复期限", "correction_notice_due": "补正告知期限"}
    out = []
    cal = ctx.cal.with_assumption(True)
    for name, label in labels.items():
        due = view.due(name)
        if due is None:
            continue
        if due < today:
            out.append(f"注意：本申请的{label}{due.isoformat()}已经届满（收到申请之日{view.received_on}，登记时已逾期）")
        elif cal.workdays_between(today, due) <= 3:
            out.append(f"注意：本申请的{label}{due.isoformat()}仅剩{cal.workdays_between(today, due)}个工作日")
    return out


# -- reading ---------------------------------------------------------------------------------------------------

def show(ctx: Context, case_id: str) -> tuple[CaseFile, list[Event], CaseView]:
    with ctx.session() as s:
        return load(ctx, s, case_id)


@dataclass
class ListFilter:
    state: str | None = None
    due_within: int | None = None  # working days
    overdue: bool = False
    open_only: bool = False
    applicant_type: str | None = None
    year: int | None = None
    limit: int | None = None
    today: date | None = None  # the day the listing is as of (default: today in the configured time zone)


LIST_COLUMNS = ("id", "body", "state", "applicant_name", "applicant_type", "channel", "content", "registered_on",
                "received_on", "outcome", "concluded_on", "reply_due", "next_due", "deadlines", "deadlines_provisional",
                "provisional", "handler")


def list_cases(ctx: Context, f: ListFilter) -> list[Any]:
    """An indexed query on the cached columns; no case is replayed, and only the listed columns are read
    (plain rows, not ORM objects: a busy office can have thousands due in a week)."""
    q = select(*(getattr(CaseFile, c) for c in LIST_COLUMNS)).where(CaseFile.body == ctx.body.code)
    if f.state:
        acts.parse_choice(f.state, {s: "" for s in (*OPEN_STATES, *CONCLUDED_STATES, VOID)}, "状态")
        q = q.where(CaseFile.state == f.state)
    if f.open_only or f.due_within is not None or f.overdue:
        q = q.where(CaseFile.state.in_(OPEN_STATES))
    today = f.today or ctx.today()
    if f.due_within is not None:
        if f.due_within < 0:
            raise BadInput("--due-within 应为非负整数个工作日")
        cutoff = ctx.cal.with_assumption(True).add_workdays(today, f.due_within)
        # any running deadline in the window: the reply's too, when an earlier one (an opinion due) has passed
        q = q.where(or_(CaseFile.next_due.between(today, cutoff), CaseFile.reply_due.between(today, cutoff),
                        CaseFile.correction_notice_due.between(today, cutoff)))
    if f.overdue:
        q = q.where(CaseFile.next_due < today)
    if f.applicant_type:
        q = q.where(CaseFile.applicant_type == f.applicant_type)
    if f.year:
        q = q.where(CaseFile.year == f.year)
    q = q.order_by(CaseFile.next_due.is_(None), CaseFile.next_due, CaseFile.id)
    if f.limit:
        q = q.limit(f.limit)
    with ctx.session() as s:  # Core rows: the ORM's result machinery doubled the time of a long list (bench_due_list)
        return list(s.connection().execute(q).all())


def superseded_letters(ctx: Context, case_id: str) -> dict[str, str]:
    """The case's letters re-issued by `case amend`: old number -> new number."""
    with ctx.session() as s:
        rows = s.execute(select(CaseEvent.data).where(CaseEvent.case_id == case_id, CaseEvent.kind == "amend")).scalars()
        return {old: new for data in rows for old, new in (data.get("reissued") or {}).items()}


def find_cases(ctx: Context, text: str, limit: int = 50) -> list[Any]:
    """Cases of the body whose applicant, request, registration number or a letter's 文号 contains `text` (a 文号
    typed with any brackets around its year is found too), newest first."""
    acts.check_text(text, "查找内容", required=True)
    typed = text.strip()
    number = normalize_number(typed)
    by_letter = select(Letter.case_id).where(Letter.body == ctx.body.code, Letter.number.contains(number, autoescape=True))
    q = (select(*(getattr(CaseFile, c) for c in LIST_COLUMNS)).where(CaseFile.body == ctx.body.code)
         .where(or_(CaseFile.applicant_name.contains(typed, autoescape=True),
                    CaseFile.content.contains(typed, autoescape=True),
                    CaseFile.id.contains(typed, autoescape=True),
                    CaseFile.id.in_(by_letter)))
         .order_by(CaseFile.registered_on.desc(), CaseFile.id.desc()).limit(max(1, limit)))
    with ctx.session() as s:
        return list(s.execute(q).all())


def case_ids_starting(ctx: Context, prefix: str, limit: int = 50) -> list[tuple[str, str, date | None]]:
    """The body's registration numbers that start with `prefix` (shell completion), open cases first, newest
    first: (id, state, next deadline). No names: what completion shows may stay in a terminal's scrollback."""
    open_first = case((CaseFile.state.in_(OPEN_STATES), 0), else_=1)
    q = (select(CaseFile.id, CaseFile.state, CaseFile.next_due)
         .where(CaseFile.body == ctx.body.code, CaseFile.id.startswith(prefix, autoescape=True))
         .order_by(open_first, CaseFile.id.desc()).limit(limit))
    with ctx.session() as s:
        return [(r.id, r.state, r.next_due) for r in s.connection().execute(q)]


def letter_numbers_starting(ctx: Context, prefix: str, case_id: str | None = None,
                            limit: int = 50) -> list[tuple[str, str, date]]:
    """The body's 文号 that start with `prefix` (shell completion), of one case when given, newest first:
    (number, kind, issue day). As written, 〔〕 included: the shells match what is offered against what was typed."""
    q = select(Letter.number, Letter.kind, Letter.issued_on).where(
        Letter.body == ctx.body.code, Letter.number.startswith(prefix, autoescape=True))
    if case_id:
        q = q.where(Letter.case_id == case_id)
    q = q.order_by(Letter.issued_on.desc(), Letter.number.desc()).limit(limit)
    with ctx.session() as s:
        return [(r.number, r.kind, r.issued_on) for r in s.connection().execute(q)]


def letters_of(ctx: Context, case_id: str) -> list[Letter]:
    with ctx.session() as s:
        load(ctx, s, case_id)
        return list(s.execute(select(Letter).where(Letter.case_id == case_id).order_by(Letter.issued_at, Letter.number)).scalars())


def archived_letters(ctx: Context, case_id: str | None = None, number: str | None = None,
                     period: tuple[date, date] | None = None, kind: str | None = None,
                     copies: bool = True) -> list[tuple[Any, dict[str, Any]]]:
    """Issued letters with their archive record and the paths of their checked copies under the data folder."""
    from .letters import archive

    q = select(Letter).where(Letter.body == ctx.body.code)
    if case_id is not None:
        q = q.where(Letter.case_id == case_id)
    if number is not None:
        number = normalize_number(number)
        q = q.where(Letter.number == number)
    if period is not None:
        q = q.where(Letter.issued_on >= period[0], Letter.issued_on <= period[1])
    if kind is not None:
        q = q.where(Letter.kind == kind)
    with ctx.session() as s:
        if case_id is not None:
            load(ctx, s, case_id)
        rows = list(s.execute(q.order_by(Letter.issued_on, Letter.issued_at, Letter.number)).scalars())
        if number is not None and not rows:
            raise BadInput(f"没有文号为「{number}」的文书（当前机关：{ctx.body.code}）")
        out = []
        for a in archive.load(s, rows):
            out.append((a, archive.ensure_copies(ctx.settings, s, a) if copies else {}))
        return out


def letter_content(ctx: Context, number: str, fmt: str) -> bytes:
    """The archived bytes of one file of an issued letter, checked against its hash (a re-print is byte-identical)."""
    from .letters import archive

    number = normalize_number(number)
    with ctx.session() as s:
        row = s.get(Letter, number)
        if row is None or row.body != ctx.body.code:
            raise BadInput(f"没有文号为「{number}」的文书（当前机关：{ctx.body.code}）")
        (a,) = archive.load(s, [row])
        waiting = fmt != "html" and a.render is not None and not a.drawn
    if waiting:  # not drawn by the workers yet (or failed): draw it now, for the person waiting for it
        draw_now(ctx, number)
    with ctx.session() as s:
        return archive.content_of(s, number, fmt)


def draw_now(ctx: Context, number: str) -> None:
    """`letters print` of a letter the workers have not drawn: draw it in this process (the first drawing stored
    is the letter's, whoever made it); a letter that cannot be drawn is refused with the reason."""
    from .letters import archive

    if render_letter(ctx, number, worker=ctx.user, force=True) in ("failed", "retry"):
        with ctx.session() as s:
            (a,) = archive.load(s, [s.get(Letter, number)])
        raise Refused(f"文书 {number} 的 PDF 和 DOCX 未能生成：{a.tries.last_error or '原因不明'}")


def render_letter(ctx: Context, number: str, worker: str = "", force: bool = False) -> str:
    """Draw the PDF and DOCX of a letter whose act stored its HTML only (docs/letters.md, "Rendering by the workers").

    Idempotent: a letter already drawn is left as it is ("done"); two renders at once both draw, the first to
    commit is kept and the other finds its rows taken ("done"). Each try is recorded before it starts, so a
    worker killed mid-render has used one; once `render_tries` are used up the letter is "failed", with the
    reason, and only `force` (`letters print`, a person waiting for it) tries again. Returns "rendered", "done",
    "failed" or "retry" (this try failed, tries remain)."""
    from .letters import LetterError, archive
    from .letters.issue import finish

    allowed, stale = ctx.settings.letters.render_tries, ctx.settings.letters.render_timeout_seconds
    with ctx.session() as s:
        letter = s.get(Letter, number)
        if letter is None:
            raise BadInput(f"没有文号为「{number}」的文书")
        (a,) = archive.load(s, [letter])
        if a.drawn or a.render is None:
            return "done"
        if a.tries.started >= allowed and not force:  # used up (or the last one is still under way)
            return "failed" if a.failed(allowed, stale) else "retry"
        html = archive.content_of(s, number, "html").decode("utf-8")
        data = a.render.data
        title = f"{data['body']['name']}{data['letter']['title']}"
        archive.record_try(s.connection(), number, worker or ctx.user)
        s.commit()
    try:
        _hold_for_tests("REQUEST_FLOW_TEST_HOLD_IN_RENDER")
        files = finish(ctx.settings, html, title)
    except Exception as exc:  # noqa: BLE001 - any failure of this try is recorded, with its reason, for staff
        reason = str(exc) if isinstance(exc, LetterError) else f"生成时出错（{type(exc).__name__}）"
        with ctx.session() as s:
            archive.record_try(s.connection(), number, worker or ctx.user, reason[:500])
            s.commit()
            (a,) = archive.load(s, [s.get(Letter, number)])
        return "failed" if a.failed(allowed, stale) else "retry"
    with ctx.session() as s:
        try:
            archive.store_files(s.connection(), number, files)
            s.commit()
        except Exception as exc:  # another render committed first: its files are the letter's, these are dropped
            s.rollback()
            (a,) = archive.load(s, [s.get(Letter, number)])
            if a.drawn:
                return "done"
            raise exc
    archive.materialize(ctx.settings, letter.body, letter.issued_on.year, number, {**files, "html": html.encode("utf-8")})
    return "rendered"


def letters_to_render(ctx: Context, limit: int = 500) -> list[str]:
    """Letters still waiting for the workers whose last try (or issue) is older than `render_retry_seconds`: a
    message lost with a restarted broker, or a render that failed and has tries left. Oldest first."""
    from datetime import timedelta

    from .store.models import LetterFile, LetterRender, LetterRenderTry

    conf = ctx.settings.letters
    cutoff = datetime.now(ZoneInfo("UTC")) - timedelta(seconds=conf.render_retry_seconds)
    drawn = select(LetterFile.number).where(LetterFile.format == "pdf")
    tries = (select(LetterRenderTry.number, func.count().label("n"), func.max(LetterRenderTry.at).label("last"))
             .where(LetterRenderTry.error.is_(None)).group_by(LetterRenderTry.number).subquery())
    q = (select(Letter.number)
         .join(LetterRender, LetterRender.number == Letter.number)
         .outerjoin(tries, tries.c.number == Letter.number)
         .where(Letter.number.not_in(drawn), Letter.issued_at <= cutoff,
                or_(tries.c.n.is_(None), and_(tries.c.n < conf.render_tries, tries.c.last <= cutoff)))
         .order_by(Letter.issued_at, Letter.number).limit(limit))
    with ctx.session() as s:
        return list(s.execute(q).scalars())


def queue_pending_letters(ctx: Context) -> list[str]:
    """The beat's catch-up: hand the letters `letters_to_render` finds to the workers again."""
    numbers = letters_to_render(ctx)
    if numbers and ctx.settings.broker_url:
        from .letters.queue import enqueue

        enqueue(ctx.settings.broker_url, numbers)
    return numbers


# -- the calendar changed ------------------------------------------------------------------------------------------

def recompute(ctx: Context, cal: WorkCalendar | None = None, write: bool = True) -> list[dict[str, Any]]:
    """Replay every open case on the calendar in force (or on `cal`, the calendar a change would give); rewrite
    the cache; list the deadlines that moved. With `write=False` nothing is written: what a change would move."""
    from .calendar import fingerprint

    moved: list[dict[str, Any]] = []
    policy = ctx.settings.policy()
    cal = cal or ctx.cal
    with ctx.session() as s:
        rows = list(s.execute(select(CaseFile).where(CaseFile.state.in_(OPEN_STATES)).order_by(CaseFile.id)).scalars())
        for row in rows:
            view = replay(_events(s, row.id), cal, policy)
            after = cache_values(view)
            if (after["reply_due"], after["next_due"], after["provisional"]) != (row.reply_due, row.next_due, row.provisional):
                moved.append({"id": row.id, "reply_due_before": _iso(row.reply_due), "reply_due": _iso(after["reply_due"]),
                              "next_due_before": _iso(row.next_due), "next_due": _iso(after["next_due"]),
                              "provisional": after["provisional"]})
                if write:
                    _write_cache(s, row, view)  # a case acted on meanwhile was written on the new calendar already
        if not write:
            s.rollback()
            return moved
        _set_meta(s, "calendar_fingerprint", fingerprint(ctx.settings.calendar_dirs()))
        s.commit()
    return moved


NOTICE_MAX_BYTES = 1_000_000  # a notice is a few kilobytes


def body_calendar_dir(ctx: Context) -> Path:
    """Where the body's own calendar files are written: the folder `calendar` beside its configuration file, or
    else the last folder of its `calendar_dirs` setting."""
    dirs = ctx.settings.calendar_dirs()
    if ctx.settings.config or ctx.settings.calendar_dirs_extra:
        return dirs[1] if ctx.settings.config else dirs[-1]
    raise Refused("没有本机关的日历文件夹：请用 --config（或 REQUEST_FLOW_CONFIG）指定配置文件，通知将写入其旁边的 calendar "
                  "文件夹；未写入任何内容")


def import_notice(ctx: Context, path: Path, dry_run: bool = False) -> dict[str, Any]:
    """Read a State Council holiday notice into the body's calendar file for its year (docs/clocks.md): the
    whole text or nothing; the same notice again changes nothing; a changed one is a new version. Lists the
    open cases whose deadlines move. `dry_run`: all of it, but nothing written."""
    from .calendar import plan_notice, write_atomic
    from .domain.notice import parse_notice

    notice = parse_notice(_notice_text(path))
    plan = plan_notice(ctx.settings.calendar_dirs(), body_calendar_dir(ctx), notice, ctx.today(), by=ctx.user)
    moved = recompute(ctx, plan.calendar, write=False)  # the database is read before the file is written
    if not dry_run:
        if plan.changed:
            write_atomic(plan.path, plan.text)
        moved = recompute(ctx, plan.calendar)
    return {"year": notice.year, "source": notice.source, "file": str(plan.path), "version": plan.version,
            "previous_version": plan.previous, "changed": plan.changed, "dry_run": dry_run,
            "holidays": [{"name": h.name, "from": h.first.isoformat(), "to": h.last.isoformat(), "days": h.days,
                          "makeup": h.makeup} for h in notice.holidays],
            "workdays": [{"name": w.name, "date": w.day.isoformat()} for w in notice.workdays],
            "advice": list(notice.advice), "moved": moved}


def _notice_text(path: Path) -> str:
    """UTF-8 (with or without BOM), or GB18030 as a notice saved from a browser on Chinese Windows may be."""
    try:
        if path.is_dir():
            raise BadInput(f"{path} 是文件夹，应为通知的文本文件")
        with open(path, "rb") as f:
            raw = f.read(NOTICE_MAX_BYTES + 1)
    except OSError as exc:
        raise BadInput(f"无法读取通知文件 {path}：{exc.strerror or type(exc).__name__}") from None
    if len(raw) > NOTICE_MAX_BYTES:
        raise BadInput(f"通知文件 {path.name} 超过1 MB，不像是一份放假通知的文本")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadInput(f"通知文件 {path.name} 既不是 UTF-8 也不是 GBK 编码的文本")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


