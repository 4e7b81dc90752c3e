"""Serial counters: registration numbers and letter serials, per body, year and series.

A serial is reserved atomically by one statement (an upsert that adds to the counter and returns it), so two
processes never get the same one, and a rolled-back transaction gives its serial back (docs/decisions.md,
"Lifecycle" and "Letters").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from .models import Counter


def reserve_serial(s: Session, body: str, year: int, kind: str) -> int:
    """Atomically take the next serial for (body, year, kind): never reused, safe across processes."""
    return reserve_serials(s.connection(), body, year, kind, 1)  # Core, one statement: the ORM adds only time


def reserve_serials(conn: Any, body: str, year: int, kind: str, n: int) -> int:
    """Reserve n consecutive serials at once (an import); returns the first."""
    stmt = _NEXT_SERIAL[conn.dialect.name == "postgresql"]
    return int(conn.execute(stmt, {"body": body, "year": year, "kind": kind, "n": n}).scalar_one()) - n + 1


def _next_serial(insert_fn):
    table = Counter.__table__
    ins = insert_fn(table).values(body=bindparam("body"), year=bindparam("year"), kind=bindparam("kind"),
                                  value=bindparam("n"))
    return ins.on_conflict_do_update(index_elements=[table.c.body, table.c.year, table.c.kind],
                                     set_={"value": table.c.value + ins.excluded.value}).returning(table.c.value)


_NEXT_SERIAL = {False: _next_serial(sqlite_insert), True: _next_serial(pg_insert)}


def peek_serial(s: Session, body: str, year: int, kind: str) -> int:
    """The serial `reserve_serial` would give now (a read: no lock; the reservation decides)."""
    row = s.get(Counter, (body, year, kind))
    return (row.value if row is not None else 0) + 1
