"""A large history file (more rows than bulk.REBUILD_FROM, several chunks): on SQLite the case indexes are set
aside during the import and built again in the same transaction; a bad last row leaves the database as it was.

The expected figures are counted from how the file is written, not from the program's output."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from request_flow.reporting import bulk

from .helpers import build

N = 12_000
assert N > bulk.REBUILD_FROM and N > 2 * bulk.CHUNK


def history(path, n: int, last: str | None = None):
    """Row i: received on day i % 300 of 2024 (at the latest 2024-10-26), concluded ("disclosed") ten days later,
    still in 2024; every fourth applicant (i % 4 == 0) a company, the rest natural persons."""
    lines = ["ref,applicant_type,received_on,outcome,concluded_on"]
    for i in range(n):
        received = date(2024, 1, 1) + timedelta(days=i % 300)
        kind = "commercial" if i % 4 == 0 else "natural_person"
        lines.append(f"L{i:06d},{kind},{received},disclosed,{received + timedelta(days=10)}")
    if last:
        lines.append(last)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def indexes(url: str) -> list[tuple[str, str]]:
    db = sqlite3.connect(url.split("///", 1)[1])
    try:
        return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'case_file' "
                          "ORDER BY name").fetchall()
    finally:
        db.close()


def test_a_large_import(rf, tmp_path):
    before = indexes(rf.url) if rf.url.startswith("sqlite") else None
    out = rf.json("import", "cases", history(tmp_path / "large.csv", N))
    assert (out["created"], out["skipped"], out["open"]) == (N, 0, 0)
    if before is not None:
        assert indexes(rf.url) == before and len(before) >= 6  # every index back, as it was declared
    t3 = build(rf, 2024)["table3"]
    assert t3["new"] == {"natural_person": 9000, "commercial": 3000, "research": 0, "public_interest": 0,
                         "legal_service": 0, "other": 0, "total": N}
    assert t3["disclosed"]["total"] == N and t3["carried_out"]["total"] == 0
    # numbered in the order of the file: the first row is 0001, the last 12000
    first = rf.json("case", "list", "--limit", "1")  # sorted by deadline, then number: none is running
    assert first[0]["id"] == "EXAMPLE-2024-0001" and first[0]["received_on"] == "2024-01-01"
    again = rf.json("import", "cases", tmp_path / "large.csv")
    assert (again["created"], again["skipped"]) == (0, N)


def test_a_bad_last_row_of_a_large_file_changes_nothing(rf_sqlite, tmp_path):
    rf = rf_sqlite
    before = indexes(rf.url)
    r = rf("import", "cases", history(tmp_path / "large.csv", N, last="L999999,natural_person,2024-02-30,,"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [f"large.csv 第{N + 2}行：收到申请之日「2024-02-30」不是实际存在的日期",  # header: line 1
                                     f"错误：large.csv 共{N + 1}行数据，其中1行有误（见上），未导入任何记录；改正后请重新导入整个文件"]
    assert indexes(rf.url) == before
    assert rf.json("case", "list") == []
    # the serials reserved for the file went back with it: the next registration is the year's first
    new = rf.json("case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
                  "--content", "某文件", "--received", "2024-03-01")
    assert new["id"] == "EXAMPLE-2024-0001"


def test_a_write_that_fails_puts_the_indexes_back(sqlite_url):
    """The indexes are dropped inside the import's transaction: a failure rolls the drop back with the rows."""
    from request_flow import services
    from request_flow.config import configure
    from request_flow.store.conflicts import is_conflict
    from request_flow.store.db import engine_for
    from request_flow.store.models import CaseFile

    configure(database_url=sqlite_url, user="测试员")
    services.init_db(services.context())
    before = indexes(sqlite_url)
    rows = bulk.Rows(CaseFile.__table__, ("id", "serial"),
                     {"body": "EXAMPLE", "year": 2024, "applicant_name": "某", "applicant_type": "natural_person",
                      "channel": "in_person", "registered_on": "2024-01-02", "state": "concluded", "deadlines": "{}",
                      "deadlines_provisional": "[]", "provisional": 0, "version": 1,
                      "created_at": "2024-01-02 00:00:00.000000"})
    rows.rows = [(f"EXAMPLE-2024-{i:05d}", i) for i in range(1, N + 1)] + [("EXAMPLE-2024-00001", N + 1)]
    engine = engine_for(sqlite_url)
    with engine.connect() as conn:
        try:
            with bulk.Writer(conn, {"case_file": len(rows.rows)}) as writer:
                writer.write([rows])
                writer.finish()
            raise AssertionError("a duplicate registration number was written")
        except sqlite3.IntegrityError as exc:
            assert is_conflict(exc)  # told as a lost race (store/conflicts.py)
            conn.connection.dbapi_connection.rollback()
    engine.dispose()
    assert indexes(sqlite_url) == before
    db = sqlite3.connect(sqlite_url.split("///", 1)[1])
    assert db.execute("SELECT count(*) FROM case_file").fetchone() == (0,)
    db.close()


def test_a_row_imported_by_an_earlier_version_is_still_known(rf_sqlite, tmp_path):
    """The digest that tells a re-imported row from a changed one is stored, so its form must not change between
    versions: here it is computed by hand from that form (type, dates as YYYY-MM-DD, outcome, channel, name,
    content, separated by U+001F) and compared with what the import stored."""
    import hashlib

    rf = rf_sqlite
    row = "R-1,natural_person,2025/3/7,disclosed,2025/3/20,张三,某文件,online"
    path = tmp_path / "one.csv"
    path.write_text("ref,applicant_type,received_on,outcome,concluded_on,applicant_name,content,channel\n" + row + "\n",
                    encoding="utf-8")
    assert rf.json("import", "cases", path)["created"] == 1
    form = "\x1f".join(["natural_person", "2025-03-07", "disclosed", "2025-03-20", "online", "张三", "某文件"])
    db = sqlite3.connect(rf.url.split("///", 1)[1])
    assert db.execute("SELECT digest FROM case_ref").fetchone() == (hashlib.sha1(form.encode()).hexdigest()[:20],)
    db.close()
    again = rf.json("import", "cases", path)
    assert (again["created"], again["skipped"]) == (0, 1)
