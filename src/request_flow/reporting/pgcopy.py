"""Bulk rows into PostgreSQL with COPY (about ten times executemany), in the caller's transaction."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any


def _cell(value: Any) -> str:
    """COPY's CSV form: NULL is an unquoted empty field, every value is quoted (so "" is an empty string)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "t" if value else "f"
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, str):
        text = value  # text, or a JSON document already serialized (importer.RawJSON)
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return '"' + text.replace('"', '""') + '"'


def copy_rows(conn, table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = [c.name for c in table.columns if c.name in rows[0]]
    buf = io.StringIO("".join(",".join([_cell(r[c]) for c in columns]) + "\n" for r in rows))
    cols = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.copy_expert(f'COPY "{table.name}" ({cols}) FROM STDIN WITH (FORMAT csv)', buf)
    finally:
        cursor.close()
