"""The engine: SQLite (WAL, a 5 s busy timeout, foreign keys) by default, PostgreSQL by URL."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import orjson
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # 16 KiB pages for a database created now (an existing one keeps its own; WAL fixes the size, so this comes
    # first): a history import of 200,000 cases measured 6-11 % faster than with 4 KiB in six paired runs
    cur.execute("PRAGMA page_size=16384")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    # read pages through a memory map instead of copying each into SQLite's cache: a due list of fifteen
    # thousand cases among 100,000 was 15 % faster (bench_due_list); the map only reserves address space
    cur.execute("PRAGMA mmap_size=268435456")
    cur.close()


def _json_loads(text: str | bytes):
    """The JSON columns (events' data, the cached deadlines) as orjson reads them: a long due list spent a third
    of its time in the standard decoder. orjson refuses what json.dumps may have written for a lone surrogate
    ("\\ud800"); the standard decoder reads that."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url, connect_args={"timeout": 5}, json_deserializer=_json_loads)
        event.listen(eng, "connect", _sqlite_pragmas)
        return eng
    from .models import partial_indexes_for_postgresql

    partial_indexes_for_postgresql()
    return create_engine(url, pool_pre_ping=True, json_deserializer=_json_loads)


def session(url: str) -> Session:
    return Session(engine_for(url), expire_on_commit=False)
