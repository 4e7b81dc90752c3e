"""Upgrading a database that already holds appeals: the appeal cache is filled from the recorded events."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import create_engine, text

from request_flow.store.migrate import alembic_config


def test_upgrade_fills_the_appeal_cache_from_the_events(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0001")  # the case engine's schema, before the report's revision
    now = datetime.now(UTC).isoformat(sep=" ")
    eng = create_engine(url)
    with eng.begin() as c:
        c.execute(text("INSERT INTO case_file (id, body, year, serial, applicant_name, applicant_type, channel, "
                       "registered_on, received_on, state, deadlines, deadlines_provisional, provisional, version, created_at) VALUES "
                       "('EXAMPLE-2025-0001', 'EXAMPLE', 2025, 1, '张某', 'natural_person', 'in_person', '2025-01-24', "
                       "'2025-01-24', 'concluded', '{}', '[]', 0, 1, :now)"), {"now": now})
        events = [(1, "register", "2025-01-24", {"channel": "in_person", "received_on": "2025-01-24"}),
                  (2, "appeal", "2025-03-01", {"no": 1, "kind": "reconsideration"}),
                  (3, "appeal", "2025-04-01", {"no": 2, "kind": "litigation_direct"}),
                  (4, "appeal_result", "2025-05-20", {"no": 1, "result": "upheld"})]
        for seq, kind, on, data in events:
            c.execute(text("INSERT INTO case_event (case_id, seq, kind, happened_on, data, actor, reason, recorded_at) "
                           "VALUES ('EXAMPLE-2025-0001', :seq, :kind, :on, :data, '测试员', '', :now)"),
                      {"seq": seq, "kind": kind, "on": on, "data": json.dumps(data), "now": now})
    command.upgrade(alembic_config(url), "head")
    with eng.connect() as c:
        rows = c.execute(text("SELECT no, body, kind, filed_on, result, decided_on FROM appeal ORDER BY no")).all()
    eng.dispose()
    assert [tuple(r) for r in rows] == [(1, "EXAMPLE", "reconsideration", "2025-03-01", "upheld", "2025-05-20"),
                                        (2, "EXAMPLE", "litigation_direct", "2025-04-01", None, None)]
