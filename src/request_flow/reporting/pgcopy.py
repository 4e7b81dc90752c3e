"""Bulk rows into PostgreSQL with COPY (about ten times executemany), in the caller's transaction.

COPY's CSV form: NULL is an unquoted empty field; text is quoted (so "" is an empty string, not NULL). Each
column gets one converter chosen by its type; dates and the import's moment repeat, so each is converted once.
"""

from __future__ import annotations

import io
import json
import operator
from typing import Any


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _converters(table, columns: list[str]) -> list[Any]:
    from sqlalchemy import JSON, Boolean, Date, DateTime, Integer

    memo: dict[Any, str] = {}

    def text(v):
        return "" if v is None else _quote(v if isinstance(v, str) else str(v))

    def number(v):
        return "" if v is None else str(v)

    def flag(v):
        return "" if v is None else ("t" if v else "f")

    def iso(v):
        if v is None:
            return ""
        if isinstance(v, str):  # already in ISO form
            return v
        out = memo.get(v)
        if out is None:
            out = memo[v] = v.isoformat()
        return out

    def as_json(v):
        if v is None:
            return ""
        if isinstance(v, str):  # already serialized (importer.RawJSON)
            return _quote(v)
        return '"{}"' if not v else _quote(json.dumps(v, ensure_ascii=False))

    out = []
    for name in columns:
        t = table.c[name].type
        t = getattr(t, "impl", t)
        out.append(as_json if isinstance(t, JSON) else flag if isinstance(t, Boolean) else
                   iso if isinstance(t, Date | DateTime) else number if isinstance(t, Integer) else text)
    return out


def copy_rows(conn, table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = [c.name for c in table.columns if c.name in rows[0]]
    convs = _converters(table, columns)
    get = operator.itemgetter(*columns)
    buf = io.StringIO()
    write = buf.write
    for r in rows:
        write(",".join([f(v) for f, v in zip(convs, get(r))]))
        write("\n")
    buf.seek(0)
    cols = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.copy_expert(f'COPY "{table.name}" ({cols}) FROM STDIN WITH (FORMAT csv)', buf)
    finally:
        cursor.close()
