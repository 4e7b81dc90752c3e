"""The schema: the migrations build exactly what the models declare, and the deadline sweep's query finds due
cases through the partial due-date indexes (which leave concluded cases out), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event
from sqlmodel import SQLModel

from request_flow import deadlines, services
from request_flow.config import configure
from request_flow.store.db import engine_for


def _context(url: str) -> services.Context:
    configure(database_url=url, user="测试员")
    ctx = services.context()
    services.init_db(ctx)
    return ctx


def test_the_migrations_build_what_the_models_declare(db_url):
    _context(db_url)
    with engine_for(db_url).connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert differences == []


def test_the_sweep_finds_due_cases_through_the_due_date_indexes(db_url):
    ctx = _context(db_url)
    engine = engine_for(db_url)
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM case_file" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        deadlines.candidates(ctx, date(2026, 11, 27))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(seen) == 1
    statement, parameters = seen[0]
    with engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()
        if db_url.startswith("sqlite"):
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            plan = " ".join(str(row[3]) for row in cursor.fetchall())
        else:  # on an empty table PostgreSQL would rather scan it: ask whether the indexes can serve the query
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + statement, parameters)
            plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.close()
    assert "ix_case_state_next_due" in plan and "ix_case_state_notice_due" in plan, plan
    assert "SCAN case_file" not in plan and "Seq Scan" not in plan, plan
