"""Bulk inserts for the history import, in the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

A `Rows` holds one table's rows in the form the database stores them (dates as ISO text, JSON serialized, the
import's moment as the dialect writes it), as tuples in the order of `columns`. The values that every row of
the batch shares (`fixed`: the importing user, the moment, a concluded case's empty deadlines) are written
into the statement once rather than bound row by row: binding case_file's 27 columns was a third of SQLite's
insert time (measured, bench/bench_report.py).

On PostgreSQL the COPY statements run in a thread of their own, one batch behind: while the server takes one
chunk's rows, this thread builds and formats the next (the client's work, a third of the whole, then overlaps
the server's). The thread is the connection's only user until `finish()` or `__exit__` has waited for it.

On SQLite a large import into a table smaller than itself also rebuilds the table's secondary indexes once
instead of updating them row by row (measured: half the cost), within the same transaction, so a failed
import leaves them as they were. The triggers that refuse a REPLACE into the record are set aside and put back
the same way (the import's own INSERTs are refused on a duplicate key by the unique indexes).
"""

from __future__ import annotations

import io
import json
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Table, literal

CHUNK = 5000  # cases written at a time: the progress bar moves between them
REBUILD_FROM = 10_000  # rows: below this, updating the indexes as rows arrive costs less than rebuilding them


@dataclass
class Rows:
    table: Table
    columns: tuple[str, ...]
    fixed: dict[str, Any] = field(default_factory=dict)
    rows: list[tuple] = field(default_factory=list)

    def empty(self) -> Rows:
        """The same table, columns and shared values, without rows."""
        return replace(self, rows=[])


class Writer:
    """Writes batches of rows in the caller's transaction. On SQLite, `finish()` puts back the indexes set
    aside for a large import; a writer left without `finish()` must be followed by a rollback."""

    def __init__(self, conn, incoming: dict[str, int]):
        self.conn, self.incoming = conn, incoming
        self.sqlite = conn.dialect.name == "sqlite"
        self.raw = conn.connection.dbapi_connection
        self.statements: dict[tuple, str] = {}
        self.set_aside: list[str] = []  # CREATE INDEX and CREATE TRIGGER statements, run again by finish()
        self.guarded: set[str] = set()  # tables whose REPLACE guard is set aside
        self.pipe: _CopyPipe | None = None

    def __enter__(self) -> Writer:
        if self.sqlite:
            # The sqlite3 module opens a transaction only before a data change, and runs DDL on its own: the
            # indexes must be dropped inside the caller's transaction, or a failure would leave them dropped.
            if not self.raw.in_transaction:
                self.raw.execute("BEGIN")
            self.raw.execute("PRAGMA cache_size=-262144")  # 256 MiB while the indexes take the new rows
            self._set_indexes_aside()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.sqlite:
            self.raw.execute("PRAGMA cache_size=-2000")
        if self.pipe is not None:  # after a failure: the thread must be done with the connection before a rollback
            self.pipe.close(raise_error=False)
            self.pipe = None

    def write(self, batches: list[Rows]) -> None:
        if not self.sqlite:
            if self.pipe is None:
                self.pipe = _CopyPipe(self.raw)
            self.pipe.put([_copy_statement(b) for b in batches if b.rows])
            return
        for b in batches:
            if not b.rows:
                continue
            self._set_guard_aside(b.table.name)
            key = (b.table.name, b.columns, tuple(b.fixed.items()))
            sql = self.statements.get(key)
            if sql is None:
                sql = self.statements[key] = _sqlite_insert(self.conn.dialect, b)
            self.raw.executemany(sql, b.rows)

    def finish(self) -> None:
        if self.pipe is not None:
            pipe, self.pipe = self.pipe, None
            pipe.close()  # waits for the last COPY; raises its error, if any
        if self.set_aside:
            # CREATE INDEX sorts the table; SQLite can share the sort with helper threads on the other cores
            self.raw.execute(f"PRAGMA threads={max(0, (os.cpu_count() or 1) - 1)}")
            for sql in self.set_aside:
                self.raw.execute(sql)
            self.raw.execute("PRAGMA threads=0")
        self.set_aside = []

    def _set_indexes_aside(self) -> None:
        """Drop the non-unique indexes of each table about to receive at least as many rows as it holds:
        building an index once at the end costs half of updating it row by row (measured).

        Unique indexes stay: they are checks (a duplicate registration number fails the insert). Partial
        indexes stay too: rebuilding one reads the whole table, while most imported rows do not enter them."""
        for table, n in self.incoming.items():
            self._set_guard_aside(table)
            if n < REBUILD_FROM or self.raw.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] > n:
                continue
            for name, sql in self.raw.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
                    "AND sql NOT LIKE 'CREATE UNIQUE%' AND sql NOT LIKE '% WHERE %'", (table,)).fetchall():
                self.raw.execute(f'DROP INDEX "{name}"')
                self.set_aside.append(sql)


    def _set_guard_aside(self, table: str) -> None:
        """The guard against REPLACE (migration 0007_record_sealed) costs a lookup per row. These statements are plain INSERTs,
        which the unique indexes refuse on a duplicate key, so it is set aside with the indexes and put back by
        finish() in the same transaction (a rollback puts it back too)."""
        if table in self.guarded:
            return
        self.guarded.add(table)
        for sql, in self.raw.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
                                     "AND name = ?", (table, f"{table}_no_replace")).fetchall():
            self.raw.execute(f'DROP TRIGGER "{table}_no_replace"')
            self.set_aside.append(sql)


def _sqlite_insert(dialect, b: Rows) -> str:
    literals = [str(literal(v).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
                for v in b.fixed.values()]
    names = ", ".join(f'"{c}"' for c in (*b.columns, *b.fixed))
    return f'INSERT INTO "{b.table.name}" ({names}) VALUES ({", ".join(["?"] * len(b.columns) + literals)})'


# -- PostgreSQL: COPY in its CSV form (about ten times executemany) ---------------------------------------------
# NULL is an unquoted empty field. The quote is U+001E and the delimiter U+001F: control characters that no
# imported text may hold (the import refuses them, as every act does), so a text is quoted without escaping.
# A value that holds the quote after all is found by counting, and that batch is written the slow, escaping way.

QUOTE, DELIMITER = "\x1e", "\x1f"


class _CopyPipe:
    """COPY statements run in order by one thread; `put` blocks while two batches wait (memory stays bounded).
    After an error the thread takes and drops what is put until `close`, which raises it."""

    def __init__(self, raw):
        self.raw = raw
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="rf-import-copy", daemon=True)
        self.thread.start()

    def put(self, statements: list[tuple[str, str]]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(statements)

    def close(self, raise_error: bool = True) -> None:
        self.queue.put(None)
        self.thread.join()
        if raise_error and self.error is not None:
            raise self.error

    def _run(self) -> None:
        while (statements := self.queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                cursor = self.raw.cursor()
                try:
                    for sql, data in statements:
                        # in large pieces: the interpreter lock is taken once per piece
                        cursor.copy_expert(sql, io.BytesIO(data.encode()), size=1 << 20)
                finally:
                    cursor.close()
            except BaseException as exc:  # handed to the importing thread
                self.error = exc


def _copy_statement(b: Rows) -> tuple[str, str]:
    cols = ", ".join(f'"{c}"' for c in (*b.columns, *b.fixed))
    sql = (f'COPY "{b.table.name}" ({cols}) FROM STDIN WITH (FORMAT csv, DELIMITER E\'\\x1f\', '
           f'QUOTE E\'\\x1e\')')
    return sql, _copy_text(b)


def _copy_text(b: Rows) -> str:
    kinds = tuple(_kind(b.table, c) for c in b.columns)
    tail = "".join(DELIMITER + _converter(b.table, c)(v) for c, v in b.fixed.items()) + "\n"
    fast = _formatter(kinds)
    try:
        text = fast(b.rows, tail)
    except TypeError:  # a value not yet in stored form (a JSON object, a number as text column)
        text = None
    if text is not None:
        texts = [i for i, k in enumerate(kinds) if k == "text"]
        quoted = sum(1 for r in b.rows for i in texts if r[i] is not None)
        if text.count(QUOTE) == 2 * quoted + tail.count(QUOTE) * len(b.rows):
            return text
    convs = [_converter(b.table, c) for c in b.columns]
    buf = io.StringIO()
    write = buf.write
    for r in b.rows:
        write(DELIMITER.join([f(v) for f, v in zip(convs, r)]))
        write(tail)
    return buf.getvalue()


_FORMATTERS: dict[tuple[str, ...], Callable[[list[tuple], str], str]] = {}


def _formatter(kinds: tuple[str, ...]) -> Callable[[list[tuple], str], str]:
    """One f-string per row for these column kinds, compiled once: a function call per value was most of the
    client's share of the import (measured). Text (and JSON already serialized) is quoted as it is; numbers and
    ISO dates are written as they are; a boolean as t or f."""
    fn = _FORMATTERS.get(kinds)
    if fn is None:
        parts = []
        for i, k in enumerate(kinds):
            v = f"r[{i}]"
            if k == "text":
                parts.append(f"{{'' if {v} is None else Q + {v} + Q}}")
            elif k == "flag":
                parts.append(f"{{'' if {v} is None else ('t' if {v} else 'f')}}")
            else:
                parts.append(f"{{'' if {v} is None else {v}}}")
        code = f'def fmt(rows, tail, Q=Q):\n    return "".join([f"{DELIMITER.join(parts)}" + tail for r in rows])\n'
        scope: dict[str, Any] = {"Q": QUOTE}
        exec(code, scope)  # the source is built from the fixed kinds above: no data in it
        fn = _FORMATTERS[kinds] = scope["fmt"]
    return fn


def _kind(table: Table, column: str) -> str:
    t = table.c[column].type
    t = getattr(t, "impl", t)
    if isinstance(t, Boolean):
        return "flag"
    if isinstance(t, Integer | Date | DateTime):
        return "plain"
    return "text"  # text, and JSON: the import hands it over serialized (a str); anything else fails the fast way


def _quote(text: str) -> str:
    return QUOTE + text.replace(QUOTE, QUOTE + QUOTE) + QUOTE


def _text(v: Any) -> str:
    return "" if v is None else _quote(v if isinstance(v, str) else str(v))


def _plain(v: Any) -> str:  # numbers, and dates already in ISO form
    return "" if v is None else str(v)


def _flag(v: Any) -> str:
    return "" if v is None else ("t" if v else "f")


def _as_json(v: Any) -> str:
    if v is None:
        return ""
    return _quote(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))  # a str is already serialized


def _converter(table: Table, column: str) -> Callable[[Any], str]:
    t = table.c[column].type
    t = getattr(t, "impl", t)
    if isinstance(t, JSON):
        return _as_json
    if isinstance(t, Boolean):
        return _flag
    if isinstance(t, Integer | Date | DateTime):
        return _plain
    return _text
