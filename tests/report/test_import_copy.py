"""The rows as written by the bulk writer, on both databases: on PostgreSQL they go through COPY (quoted with a
control character no imported text may hold, run by a thread of its own one chunk behind), so texts with the
characters CSV and COPY treat specially must come back exactly as they were in the file, and a COPY that fails
in a later chunk must leave nothing written."""

from __future__ import annotations

import csv

import pytest

from request_flow.reporting import bulk

# each text as a clerk's spreadsheet may hold it: CSV's own delimiter and quote, COPY's escape and NULL marker,
# a tab, line breaks (LF and CRLF), leading and trailing spaces inside the content, Chinese punctuation
AWKWARD = ["甲,乙", '“某”"局"', "C:\\档案\\2024", "\\N", "制表\t符", "第一行\n第二行", "甲\r\n乙", "（某某）、《某》；"]


def test_awkward_texts_come_back_exactly(rf, tmp_path):
    path = tmp_path / "awkward.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ref", "applicant_type", "received_on", "outcome", "concluded_on", "applicant_name", "content"])
        for i, text in enumerate(AWKWARD):
            # row 0 still open (its deadlines are replayed), the rest concluded; the content of row 1 empty
            outcome, concluded = ("", "") if i == 0 else ("disclosed", "2025-03-20")
            w.writerow([f"A-{i}", "natural_person", "2025-03-03", outcome, concluded, text, "" if i == 1 else text])
    out = rf.json("import", "cases", path)
    assert (out["created"], out["open"]) == (len(AWKWARD), 1)
    for i, text in enumerate(AWKWARD):
        case = rf.json("case", "show", f"EXAMPLE-2025-{i + 1:04d}")  # numbered in the order of the file
        assert case["applicant"] == text
        assert case["content"] == (None if i == 1 else text)
    assert rf.json("import", "cases", path)["skipped"] == len(AWKWARD)  # the digests were stored as computed


def _rows(n: int, bad_last: bool):
    from request_flow.store.models import CaseFile

    rows = bulk.Rows(CaseFile.__table__, ("id", "serial", "applicant_name"),
                     {"body": "EXAMPLE", "year": 2024, "applicant_type": "natural_person", "channel": "in_person",
                      "registered_on": "2024-01-02", "state": "concluded", "deadlines": "{}",
                      "deadlines_provisional": "[]", "provisional": 0, "version": 1,
                      "created_at": "2024-01-02 00:00:00.000000"})
    # a name holding COPY's quote character itself (refused by the import, taken by the writer all the same)
    rows.rows = [(f"EXAMPLE-2024-{i:05d}", i, "某\x1e某" if i == 2 else "某") for i in range(1, n + 1)]
    if bad_last:
        rows.rows.append(("EXAMPLE-2024-00001", n + 1, "某"))  # the first number again
    return rows


@pytest.mark.parametrize("bad_last", [False, True])
def test_a_failed_later_chunk_leaves_nothing(db_url, bad_last):
    from sqlalchemy import text

    from request_flow import services
    from request_flow.config import configure
    from request_flow.store.conflicts import is_conflict
    from request_flow.store.db import engine_for

    configure(database_url=db_url, user="测试员")
    services.init_db(services.context())
    engine = engine_for(db_url)
    first, second = _rows(10, False), _rows(20, bad_last)
    second.rows = second.rows[10:]
    with engine.connect() as conn:
        try:
            with bulk.Writer(conn, {"case_file": 20}) as writer:
                writer.write([first])
                writer.write([second])
                writer.finish()
            conn.connection.dbapi_connection.commit()  # the writer works on the driver's connection
            assert not bad_last, "a duplicate registration number was written"
        except Exception as exc:
            assert bad_last and is_conflict(exc)  # told as a lost race (store/conflicts.py)
            conn.connection.dbapi_connection.rollback()
    with engine.connect() as conn:
        names = dict(conn.execute(text("SELECT id, applicant_name FROM case_file")).all())
    engine.dispose()
    if bad_last:
        assert names == {}
    else:
        assert len(names) == 20 and names["EXAMPLE-2024-00002"] == "某\x1e某" and names["EXAMPLE-2024-00020"] == "某"
