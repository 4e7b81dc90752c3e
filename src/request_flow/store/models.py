"""The tables. `case_event` is the record (append-only); the state and deadline columns of `case_file` are a
cache of what the events and the calendar give, rewritten on every act and by `calendar recompute`, so that
due cases are found with an indexed query."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


class CaseFile(SQLModel, table=True):
    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("body", "year", "serial", name="uq_case_body_year_serial"),
        Index("ix_case_state_next_due", "state", "next_due"),
        Index("ix_case_state_notice_due", "state", "correction_notice_due"),
        Index("ix_case_state_reply_due", "state", "reply_due"),
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
    received_on: date | None = Field(default=None, index=True)
    # cached from the events
    state: str
    outcome: str | None = None
    concluded_on: date | None = Field(default=None, index=True)
    reply_due: date | None = None
    next_due: date | None = None  # the earliest running deadline, the optional correction notice aside
    correction_notice_due: date | None = None  # until the notice is issued; passing it is not "overdue"
    deadlines: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    provisional: bool = False
    version: int = 1  # optimistic lock: two staff acting at once, one is told
    created_at: datetime


class CaseEvent(SQLModel, table=True):
    __tablename__ = "case_event"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_event_case_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case_file.id", index=True)
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
