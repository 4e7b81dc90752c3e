"""The record cannot be rewritten by direct SQL, on SQLite and on PostgreSQL (migration 0007_record_sealed): the
events, the letters, their renders and files, the report's locks and corrections refuse REPLACE (SQLite's
INSERT OR REPLACE deletes the old row without firing delete triggers), DELETE and TRUNCATE; an UPDATE of what a
letter is (its number, case, kind, date) is refused too, while its delivery can still be recorded."""

from __future__ import annotations

import sqlite3

import pytest

RECORD = ("case_event", "letter", "letter_render", "letter_file", "report_lock", "report_correction")


@pytest.fixture
def rf(rf):
    rf.env.pop("REQUEST_FLOW_LETTERS", None)  # the registration receipt: a letter with its render and files
    return rf


def _with_record(rf) -> str:
    c = rf.json("case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
                "--received", "2025-01-24", "--content", "某文件")
    return c["id"]


class _Db:
    """Direct SQL as someone with the database's password would type it, autocommitting each statement."""

    def __init__(self, url: str):
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            self.conn = sqlite3.connect(url.split("///", 1)[1], isolation_level=None)
        else:
            import psycopg2

            self.conn = psycopg2.connect(url.replace("postgresql+psycopg2", "postgresql"))
            self.conn.autocommit = True
        self.errors = (sqlite3.DatabaseError,) if self.sqlite else (__import__("psycopg2").DatabaseError,)

    def rows(self, sql: str) -> list[tuple]:
        cur = self.conn.cursor()
        cur.execute(sql)
        return [tuple(r) for r in cur.fetchall()]

    def refused(self, sql: str) -> str:
        cur = self.conn.cursor()
        with pytest.raises(self.errors) as exc:
            cur.execute(sql)
        return str(exc.value)

    def count(self, table: str) -> int:
        return self.rows(f"SELECT count(*) FROM {table}")[0][0]


def _seed_report_rows(db: _Db) -> None:
    """A published year and one correction, written as the program writes them (INSERT is allowed)."""
    cur = db.conn.cursor()
    cur.execute("INSERT INTO report_lock (body, year, locked_at, locked_by, snapshot) "
                "VALUES ('EXAMPLE', 2024, '2025-01-10 00:00:00', '王主任', '{}')")
    cur.execute("INSERT INTO report_correction (body, year, case_id, what, reason, actor, recorded_at, cells) "
                "VALUES ('EXAMPLE', 2024, NULL, '更正', '笔误', '王主任', '2025-02-01 00:00:00', '[]')")


def test_no_table_of_the_record_can_be_replaced_deleted_or_emptied(rf, db_url):
    case_id = _with_record(rf)
    db = _Db(db_url)
    _seed_report_rows(db)
    before = {t: db.rows(f"SELECT * FROM {t} ORDER BY 1") for t in RECORD}
    assert all(before[t] for t in RECORD), {t: len(v) for t, v in before.items()}

    for table in RECORD:
        message = db.refused(f"DELETE FROM {table}")
        assert "append-only" in message or "part of the record" in message, message
        if db.sqlite:
            # the same row again, under its own key: REPLACE would delete it and insert the copy
            db.refused(f"INSERT OR REPLACE INTO {table} SELECT * FROM {table}")
            db.refused(f"REPLACE INTO {table} SELECT * FROM {table}")
        else:
            db.refused(f"TRUNCATE {table}")
            db.refused(f"TRUNCATE {table} CASCADE")
    # an UPDATE of an event, a render, a file, a lock or a correction, as 0001/0002 already refused
    db.refused("UPDATE case_event SET kind = 'withdrawn'")
    db.refused("UPDATE letter_file SET sha256 = 'x'")
    db.refused("UPDATE report_lock SET locked_by = '某人'")
    db.refused("UPDATE report_correction SET reason = '另一个理由'")
    # what a letter is cannot change; its delivery can be recorded
    db.refused("UPDATE letter SET kind = 'reply'")
    db.refused("UPDATE letter SET issued_on = '2025-01-01'")
    if not db.sqlite:  # an upsert is an UPDATE on PostgreSQL
        db.refused("INSERT INTO case_event SELECT * FROM case_event ON CONFLICT (id) DO UPDATE SET kind = 'withdrawn'")

    after = {t: db.rows(f"SELECT * FROM {t} ORDER BY 1") for t in RECORD}
    assert after == before
    rf.ok("case", "show", case_id)
    db.conn.close()


def test_a_letter_s_delivery_can_still_be_recorded(rf, db_url):
    case_id = _with_record(rf)
    db = _Db(db_url)
    number = db.rows("SELECT number FROM letter")[0][0]
    rf.ok("case", "delivered", case_id, "--letter", number, "--method", "in_person", "--on", "2025-01-24")
    assert db.rows(f"SELECT delivered_on, delivery_method FROM letter WHERE number = '{number}'")[0][1] == "in_person"
    db.conn.close()


def test_a_lost_race_for_an_event_number_is_still_told_as_a_conflict(sqlite_url, tmp_path):
    """The REPLACE guard says UNIQUE, so the unit of work still reads a plain duplicate insert as another writer
    having been first (store/conflicts.py) rather than as an unexpected error."""
    from request_flow import services
    from request_flow.config import configure
    from request_flow.store.conflicts import is_conflict

    configure(database_url=sqlite_url, user="测试员")
    services.init_db(services.context())
    db = sqlite3.connect(sqlite_url.split("///", 1)[1], isolation_level=None)
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("INSERT INTO case_event (case_id, seq, kind, happened_on, data, actor, reason, recorded_at) "
               "VALUES ('X-1', 1, 'registered', '2025-01-24', '{}', 'a', '', '2025-01-24 00:00:00')")
    with pytest.raises(sqlite3.IntegrityError) as exc:
        db.execute("INSERT INTO case_event (case_id, seq, kind, happened_on, data, actor, reason, recorded_at) "
                   "VALUES ('X-1', 1, 'withdrawn', '2025-01-24', '{}', 'b', '', '2025-01-24 00:00:00')")
    assert is_conflict(exc.value)
    assert db.execute("SELECT kind FROM case_event").fetchall() == [("registered",)]
    db.close()


def test_the_history_import_puts_the_guard_back(sqlite_url):
    """The bulk writer sets the REPLACE guard aside while it inserts (its INSERTs meet the unique indexes) and
    puts it back in the same transaction: after finish(), and after a rollback of a failed import."""
    from request_flow import services
    from request_flow.config import configure
    from request_flow.reporting import bulk
    from request_flow.store.db import engine_for

    configure(database_url=sqlite_url, user="测试员")
    services.init_db(services.context())
    path = sqlite_url.split("///", 1)[1]

    def triggers() -> list[tuple]:
        db = sqlite3.connect(path)
        try:
            return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()
        finally:
            db.close()

    before = triggers()
    assert ("case_event_no_replace",) in [(n,) for n, _ in before]
    engine = engine_for(sqlite_url)
    with engine.connect() as conn:
        with bulk.Writer(conn, {"case_event": 1, "letter": 1}) as writer:
            raw = conn.connection.dbapi_connection
            names = {n for n, in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            assert "case_event_no_replace" not in names and "letter_no_replace" not in names
            writer.finish()
        conn.connection.dbapi_connection.commit()
    assert triggers() == before
    with engine.connect() as conn:
        with bulk.Writer(conn, {"case_event": 1}):
            pass
        conn.connection.dbapi_connection.rollback()  # a failed import
    engine.dispose()
    assert triggers() == before
