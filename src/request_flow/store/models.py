"""The tables. `case_event` is the record (append-only); the state and deadline columns of `case_file` are a
cache of what the events and the calendar give, rewritten on every act and by `calendar recompute`, so that
due cases are found with an indexed query."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class CaseFile(SQLModel, table=True):
    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("body", "year", "serial", name="uq_case_body_year_serial"),
        # partial: a concluded case (most of any database, nearly all of an imported history) has no running
        # deadline and stays out of them; every due query compares the date, which implies IS NOT NULL
        *(Index(f"ix_case_state_{name}", "state", column, sqlite_where=text(f"{column} IS NOT NULL"))
          for name, column in (("next_due", "next_due"), ("notice_due", "correction_notice_due"),
                               ("reply_due", "reply_due"))),
        Index("ix_case_body_state", "body", "state"),
    )

    id: str = Field(primary_key=True)  # the registration number, with the body's code
    body: str
    year: int
    serial: int
    applicant_name: str
    applicant_type: str
    channel: str
    id_type: str | None = None
    id_number: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    content: str | None = None
    handler: str | None = None
    registered_on: date
    received_on: date | None = None  # indexed with the body first (ix_case_body_received, below)
    # cached from the events
    state: str
    outcome: str | None = None
    concluded_on: date | None = None  # likewise (ix_case_body_concluded)
    reply_due: date | None = None
    next_due: date | None = None  # the earliest running deadline, the optional correction notice aside
    correction_notice_due: date | None = None  # until the notice is issued; passing it is not "overdue"
    deadlines: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    deadlines_provisional: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    provisional: bool = False
    version: int = 1  # optimistic lock: two staff acting at once, one is told
    created_at: datetime


class CaseEvent(SQLModel, table=True):
    __tablename__ = "case_event"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_event_case_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case_file.id")  # indexed by uq_event_case_seq
    seq: int
    kind: str
    happened_on: date
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    actor: str
    reason: str = ""
    recorded_at: datetime


class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("body", "name", name="uq_staff_body_name"),)

    id: int | None = Field(default=None, primary_key=True)
    body: str
    name: str
    role: str
    email: str | None = None


class Counter(SQLModel, table=True):
    """Serial numbers (registration numbers, 文号), reserved atomically, never reused."""

    __tablename__ = "counter"

    body: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    value: int = 0


class Letter(SQLModel, table=True):
    """A letter the law ties to an act, under its reserved 文号."""

    __tablename__ = "letter"

    number: str = Field(primary_key=True)
    body: str
    case_id: str = Field(foreign_key="case_file.id", index=True)
    kind: str
    issued_on: date
    event_seq: int
    issued_by: str
    issued_at: datetime
    delivered_on: date | None = None
    delivery_method: str | None = None
    delivery_proof: str | None = None  # added by 0002_letters: what proves the delivery (receipt no., signature)


class Meta(SQLModel, table=True):
    """Installation facts, such as the fingerprint of the calendar files the cached deadlines were computed on."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str


class Reminder(SQLModel, table=True):
    """The outbox of the deadline workers: one row per reminder, unique per (case, kind, deadline, offset).

    Written in the same transaction that decides to send it; the sending task claims it, sends it and marks it
    sent. `case_id` is the case's number, or `*<BODY>` for a body's morning digest (hence no foreign key).
    `offset` is the working days left before the deadline (5, 3, 1, 0), or minus the working days overdue.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "due_on", "offset", name="uq_reminder_key"),
        Index("ix_reminder_status_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    body: str
    case_id: str
    kind: str  # a deadline name (reply_due, correction_due, ...) or "digest"
    due_on: date
    offset: int
    decided_on: date  # the sweep's day
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    subject: str
    text: str
    html: str
    message_id: str
    status: str = "queued"  # queued, sending, sent, failing, failed, printed, cancelled
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    enqueued_at: datetime | None = None
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    created_at: datetime


class OutboxLease(SQLModel, table=True):
    """One sender at a time, across workers and machines: whoever holds the lease sends, in queue order."""

    __tablename__ = "outbox_lease"

    name: str = Field(primary_key=True)
    holder: str = ""
    expires_at: datetime | None = None
# -- the annual report (issue 5) ----------------------------------------------------------------------------------

class CaseRef(SQLModel, table=True):
    """The body's own reference of an imported case (`import cases`): unique per body, the key that makes
    importing the same file twice create nothing new."""

    __tablename__ = "case_ref"

    body: str = Field(primary_key=True)
    ref: str = Field(primary_key=True)
    case_id: str = Field(foreign_key="case_file.id", unique=True)
    digest: str  # of the imported row: the same ref with other facts is a conflict, not a duplicate
    imported_at: datetime


class AppealRecord(SQLModel, table=True):
    """Cache of the appeals recorded as case events ('appeal', 'appeal_result'), written in the same transaction
    as the event, so that table 四 is an indexed GROUP BY."""

    __tablename__ = "appeal"
    __table_args__ = (Index("ix_appeal_body_filed", "body", "filed_on"),
                      Index("ix_appeal_body_decided", "body", "decided_on"))

    case_id: str = Field(foreign_key="case_file.id", primary_key=True)
    no: int = Field(primary_key=True)
    body: str
    kind: str
    filed_on: date
    result: str | None = None
    decided_on: date | None = None


class CaseReply(SQLModel, table=True):
    """Cache of each reply: its date and whether it came within the reply deadline (for the report's chart)."""

    __tablename__ = "case_reply"
    __table_args__ = (Index("ix_case_reply_body_on", "body", "replied_on"),)

    case_id: str = Field(foreign_key="case_file.id", primary_key=True)
    body: str
    replied_on: date
    reply_due: date | None = None
    on_time: bool


class ReportLock(SQLModel, table=True):
    """A published year: its tables as published, after which a change to them needs a recorded correction."""

    __tablename__ = "report_lock"

    body: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    locked_at: datetime
    locked_by: str
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ReportCorrection(SQLModel, table=True):
    """A change accepted into a locked year, with its reason and the cells it moved."""

    __tablename__ = "report_correction"
    __table_args__ = (Index("ix_report_correction_body_year", "body", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    body: str
    year: int
    case_id: str | None = None
    what: str
    reason: str
    actor: str
    recorded_at: datetime
    cells: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# Indexes the report's GROUP BY queries run on (body first: several bodies share one installation).
Index("ix_case_body_received", CaseFile.__table__.c.body, CaseFile.__table__.c.received_on,
      CaseFile.__table__.c.concluded_on, CaseFile.__table__.c.applicant_type)
Index("ix_case_body_concluded", CaseFile.__table__.c.body, CaseFile.__table__.c.concluded_on,
      CaseFile.__table__.c.outcome, CaseFile.__table__.c.applicant_type, CaseFile.__table__.c.received_on)
# Partial: only the fee events the report sums, so that bulk imports of other events do not maintain it.
_FEE_EVENTS = text("kind IN ('fee_notice', 'fee_paid')")
Index("ix_case_event_fees", CaseEvent.__table__.c.kind, CaseEvent.__table__.c.happened_on, sqlite_where=_FEE_EVENTS)


def partial_indexes_for_postgresql() -> None:
    """Give the partial indexes their PostgreSQL WHERE (the same as SQLite's). Done when a PostgreSQL engine is made,
    not above: naming a `postgresql_` option imports SQLAlchemy's PostgreSQL dialect (about a quarter of this
    module's import time), which every command on SQLite would pay, `case show` included (bench_cli_latency)."""
    for index in (*CaseFile.__table__.indexes, *CaseEvent.__table__.indexes):
        where = index.dialect_options["sqlite"]["where"]
        if where is not None and index.dialect_options["postgresql"]["where"] is None:
            index.dialect_kwargs["postgresql_where"] = where
# -- the letters archive (issue 4; migration 0002_letters) -----------------------------------------------------------

class LetterRender(SQLModel, table=True):
    """How an issued letter was made: the template and its version, the data, the fonts; written once with the act
    (append-only, like the events: database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "letter_render"

    number: str = Field(primary_key=True, foreign_key="letter.number")
    variant: str = ""
    addressee: str
    template: str  # e.g. reply/not_exist.html
    template_sha256: str  # of the template and every template it extends or includes
    sources: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    fonts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    engine: str  # renderer versions
    rendered_by: str
    rendered_at: datetime


class LetterFile(SQLModel, table=True):
    """The rendered files of an issued letter, kept as sent (bytes and SHA-256; append-only). Copies under the
    data folder are written from these and checked against the hash."""

    __tablename__ = "letter_file"

    number: str = Field(primary_key=True, foreign_key="letter.number")
    format: str = Field(primary_key=True)  # pdf, docx, html
    sha256: str
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class LetterRenderTry(SQLModel, table=True):
    """Where the workers draw the PDF and DOCX (docs/letters.md, "Rendering by the workers"): one row when a try
    starts (`error` empty) and one when it fails (`error` the reason). Append-only like the rest of the record:
    a letter is pending while it has no PDF, failed once it has used up its tries, never rewritten."""

    __tablename__ = "letter_render_try"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(foreign_key="letter.number", index=True)
    at: datetime
    worker: str
    error: str | None = None
