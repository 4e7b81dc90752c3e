"""Which database errors mean "someone else wrote first": the one place that tells (docs/decisions.md,
"Concurrency"). An act that loses such a race is refused with one friendly line and writes nothing.

Recognised by the driver's own error classes and codes, never by the English text of a message alone:
SQLite's busy/locked (the only way sqlite3 reports it is the message), PostgreSQL's lock timeout (55P03), query
cancelled by a lock or statement timeout (57014), serialization failure (40001), deadlock (40P01), and a unique
violation (23505) on a counter or an event's sequence number; SQLite's unique violation likewise.
"""

from __future__ import annotations

import sqlite3

PG_CONFLICT_CODES = frozenset({"55P03", "57014", "40001", "40P01", "23505"})


def is_conflict(exc: BaseException) -> bool:
    """A write that lost to another writer, as SQLAlchemy or the drivers themselves raise it."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig  # what the driver raised
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc)
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc)
        return "locked" in text or "busy" in text
    code = getattr(exc, "pgcode", None)
    return code in PG_CONFLICT_CODES
