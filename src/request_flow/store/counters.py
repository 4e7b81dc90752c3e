"""Serial counters: registration numbers and letter serials, per body, year and series.

A serial is reserved atomically by one statement (an upsert that adds to the counter and returns it), so two
processes never get the same one, and a rolled-back transaction gives its serial back (docs/decisions.md,
"Lifecycle" and "Letters").
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import Session

from .models import Counter


def reserve_serial(s: Session, body: str, year: int, kind: str) -> int:
    """Atomically take the next serial for (body, year, kind): never reused, safe across processes."""
    return reserve_serials(s.connection(), body, year, kind, 1)  # Core, one statement: the ORM adds only time


def reserve_serials(conn: Any, body: str, year: int, kind: str, n: int) -> int:
    """Reserve n consecutive serials at once (an import); returns the first."""
    stmt = _next_serial(conn.dialect.name)
    return int(conn.execute(stmt, {"body": body, "year": year, "kind": kind, "n": n}).scalar_one()) - n + 1


@cache
def _next_serial(dialect: str):
    """INSERT … ON CONFLICT DO UPDATE … RETURNING, built once per dialect (on first use: importing the PostgreSQL
    dialect costs every SQLite command start-up time)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = Counter.__table__
    ins = insert(table).values(body=bindparam("body"), year=bindparam("year"), kind=bindparam("kind"),
                               value=bindparam("n"))
    return ins.on_conflict_do_update(index_elements=[table.c.body, table.c.year, table.c.kind],
                                     set_={"value": table.c.value + ins.excluded.value}).returning(table.c.value)


def peek_serial(s: Session, body: str, year: int, kind: str) -> int:
    """The serial `reserve_serial` would give now (a read: no lock; the reservation decides)."""
    value = s.connection().execute(_PEEK, {"body": body, "year": year, "kind": kind}).scalar()  # Core: no ORM object
    return (value or 0) + 1


_PEEK = select(Counter.value).where(Counter.body == bindparam("body"), Counter.year == bindparam("year"),
                                    Counter.kind == bindparam("kind"))
