"""The due list among 100,000 open cases: the indexed query on the cached columns, against replaying every case.

Builds a temporary SQLite database (`services.init_db`) holding 100,000 open cases, inserted in bulk with
SQLAlchemy Core (not the ORM). Each case is a registration, sometimes followed by a correction notice, a
consultation or an extension; its cached columns (state, reply_due, next_due, deadlines ...) are exactly what
`services.cache_values(replay(events))` gives, computed once per distinct (scenario, day of receipt) and reused,
so they come from our calendar and our replay. Receipt days fall in 2026, most of them in the last 60 days
before today, so that deadlines cluster around today.

Then:
  * `services.list_cases(ctx, ListFilter(due_within=3))`, median of 20 runs: ms and number of cases;
  * EXPLAIN QUERY PLAN of the SQL that call ran (captured from the engine): is ix_case_state_next_due used?
  * the baseline, in the same run: a full scan without the cache, which loads the events of 2,000 cases and
    replays each through `request_flow.domain.case.replay`; its per-case µs is extrapolated to 100,000.

Target (bench/README.md): due-within-3 among 100k open cases < 100 ms. Prints figures only; never fails on timing.

    .venv/bin/python bench/bench_due_list.py [--cases 100000] [--runs 20] [--replay 2000]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

TODAY = date(2026, 6, 15)  # a Monday of a year whose holiday schedule is published


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--replay", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()

    for k in [k for k in os.environ if k.startswith("REQUEST_FLOW_")]:
        del os.environ[k]

    from sqlalchemy import event, insert, select

    from request_flow import services
    from request_flow.config import configure
    from request_flow.domain.case import Event, replay
    from request_flow.domain.lifecycle import OPEN_STATES
    from request_flow.store.db import engine_for
    from request_flow.store.models import CaseEvent, CaseFile

    tmp = tempfile.TemporaryDirectory(prefix="rf-bench-due-")
    path = f"{tmp.name}/due.db"
    url = f"sqlite:///{path}"
    configure(database_url=url, user="bench", data_dir=tmp.name)
    ctx = services.context()
    services.init_db(ctx)
    # a fixed day in a year the calendar knows, so that the benchmark runs the same in any year
    cal, policy, body, today = ctx.cal, ctx.settings.policy(), ctx.body.code, TODAY
    print("== bench_due_list ==")
    print(f"database {url}; today {today}; {args.cases:,} open cases")

    # -- the cases: scenarios of events, replayed once per (scenario, day of receipt) ---------------------------
    def events_for(scenario: str, rec: date, serial: int) -> list[Event]:
        reg = Event(1, "register", rec, {"channel": "in_person", "applicant_type": "natural_person",
                                         "received_on": rec.isoformat()}, "bench")
        letter = f"示县政办公开B〔2026〕{serial}号"
        if scenario == "in_progress":
            return [reg]
        if scenario == "awaiting_correction":
            return [reg, Event(2, "request_correction", rec + timedelta(days=3),
                               {"items": "补正事项", "period": 15, "late": False, "letter": letter,
                                "letter_kind": "correction"}, "bench")]
        if scenario == "consulting":
            return [reg, Event(2, "consult", rec + timedelta(days=2),
                               {"party": "第三方", "kind": "third_party", "letter": letter,
                                "letter_kind": "consultation"}, "bench")]
        if scenario == "extended":
            return [reg, Event(2, "extend", rec + timedelta(days=10), {"days": 10, "approver": "李主任",
                                                                        "letter": letter, "letter_kind": "extension"},
                               "bench", "需要调取档案")]
        raise ValueError(scenario)

    offsets = {"in_progress": 0, "awaiting_correction": 3, "consulting": 2, "extended": 10}
    scenarios = ["in_progress"] * 60 + ["awaiting_correction"] * 15 + ["consulting"] * 10 + ["extended"] * 15
    rng = random.Random(args.seed)
    year_start = date(2026, 1, 5)
    cache: dict[tuple[str, date], dict] = {}
    columns = {c.name for c in CaseFile.__table__.columns}
    created = datetime.now(UTC)
    t0 = time.perf_counter()
    case_rows, event_rows = [], []
    for i in range(1, args.cases + 1):
        sc = rng.choice(scenarios)
        if rng.random() < 0.7:  # recent: the bulk of what is open
            rec = today - timedelta(days=rng.randint(offsets[sc], 60))
        else:
            rec = year_start + timedelta(days=rng.randint(0, (today - year_start).days - offsets[sc]))
        evs = events_for(sc, rec, i)
        key = (sc, rec)
        if key not in cache:
            cache[key] = {k: v for k, v in services.cache_values(replay(evs, cal, policy)).items() if k in columns}
        case_id = f"{body}-2026-{i:06d}"
        case_rows.append({"id": case_id, "body": body, "year": 2026, "serial": i, "applicant_name": f"申请人{i}",
                          "applicant_type": "natural_person", "channel": "in_person", "registered_on": rec,
                          "handler": "bench", "created_at": created, "version": len(evs), **cache[key]})
        for ev in evs:
            event_rows.append({"case_id": case_id, "seq": ev.seq, "kind": ev.kind, "happened_on": ev.on,
                               "data": ev.data, "actor": ev.actor, "reason": ev.reason, "recorded_at": created})
    t_build = time.perf_counter() - t0
    eng = engine_for(url)
    t0 = time.perf_counter()
    with eng.begin() as conn:
        conn.execute(insert(CaseFile.__table__), case_rows)
        conn.execute(insert(CaseEvent.__table__), event_rows)
    t_insert = time.perf_counter() - t0
    with sqlite3.connect(path) as raw:
        raw.execute("ANALYZE")
        states = dict(raw.execute("SELECT state, count(*) FROM case_file GROUP BY state").fetchall())
    print(f"built {len(case_rows):,} case rows + {len(event_rows):,} events in {t_build:.1f} s "
          f"({len(cache):,} distinct replays); Core insert {t_insert:.1f} s; ANALYZE run")
    print(f"states: {states}")

    # -- the indexed query ---------------------------------------------------------------------------------------
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "case_file" in statement:
            captured.append((statement, parameters))

    f = services.ListFilter(due_within=3, today=today)
    event.listen(eng, "before_cursor_execute", capture)
    rows = services.list_cases(ctx, f)
    event.remove(eng, "before_cursor_execute", capture)
    cutoff = cal.with_assumption(True).add_workdays(today, 3)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        rows = services.list_cases(ctx, f)
        times.append(time.perf_counter() - t0)
    med, low = statistics.median(times) * 1000, min(times) * 1000
    print(f"\nlist_cases(ListFilter(due_within=3)): today {today}, cutoff {cutoff} (3 working days)")
    print(f"  {len(rows):,} cases; median {med:.1f} ms, min {low:.1f} ms over {args.runs} runs  (target < 100 ms)")

    if captured:
        sql, params = captured[-1]
        with sqlite3.connect(path) as raw:
            plan = raw.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            t0 = time.perf_counter()
            n_raw = len(raw.execute(sql, params).fetchall())
            t_raw = (time.perf_counter() - t0) * 1000
        print("  EXPLAIN QUERY PLAN of the SQL list_cases ran:")
        for row in plan:
            print(f"    {row[-1]}")
        used = [name for name in ("ix_case_state_next_due", "ix_case_state_notice_due", "ix_case_body_state")
                if any(name in str(r[-1]) for r in plan)]
        print(f"  ix_case_state_next_due used: {'yes' if 'ix_case_state_next_due' in used else 'NO'}"
              f" (indexes in the plan: {', '.join(used) or 'none'})")
        print(f"  the same SQL through raw sqlite3 (no ORM objects): {n_raw:,} rows in {t_raw:.1f} ms")
        m = re.search(r"\sFROM case_file\b", sql)
        if m:  # the same WHERE and ORDER BY, only the columns a due list shows
            narrow = "SELECT case_file.id, case_file.state, case_file.next_due, case_file.reply_due" + sql[m.start():]
            with sqlite3.connect(path) as raw:
                t_n = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    raw.execute(narrow, params).fetchall()
                    t_n.append(time.perf_counter() - t0)
            print(f"  the same WHERE/ORDER BY selecting 4 columns, raw sqlite3: median {statistics.median(t_n) * 1000:.1f} ms")
    else:
        print("  (could not capture the SQL list_cases ran)")

    # the answer checked against the cached deadlines (every running deadline in the window)
    import json

    listed = {r.id for r in rows}
    missing: dict[str, int] = {}
    with sqlite3.connect(path) as raw:
        expect = 0
        lo, hi = today.isoformat(), cutoff.isoformat()
        for cid, state, nd, dl in raw.execute(
                f"SELECT id, state, next_due, deadlines FROM case_file WHERE state IN ({','.join('?' * len(OPEN_STATES))})",
                OPEN_STATES):
            in_window = sorted(k for k, d in json.loads(dl).items() if lo <= d <= hi)
            if in_window:
                expect += 1
                if cid not in listed:
                    why = "next_due overdue" if nd and nd < lo else f"next_due {nd}"
                    key = f"{state}: {'+'.join(in_window)} in window, {why}"
                    missing[key] = missing.get(key, 0) + 1
    print(f"  check: {expect:,} open cases have some running deadline (any kind) in [{lo}, {hi}]; "
          f"list_cases returned {len(rows):,}")
    for key, count in sorted(missing.items(), key=lambda kv: -kv[1])[:6]:
        print(f"    not listed: {count:,} x {key}")

    lim = services.ListFilter(due_within=3, limit=50)
    t_lim = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        services.list_cases(ctx, lim)
        t_lim.append(time.perf_counter() - t0)
    print(f"  the same with limit=50 (index lookup + sort, 50 ORM rows): median "
          f"{statistics.median(t_lim) * 1000:.1f} ms -> the {len(rows):,}-row listing is dominated by building rows")

    # -- the baseline: no cache, load the events and replay every case -------------------------------------------
    ids = [r["id"] for r in rng.sample(case_rows, min(args.replay, len(case_rows)))]
    del case_rows, event_rows
    t0 = time.perf_counter()
    histories: dict[str, list[Event]] = {i: [] for i in ids}
    with ctx.session() as s:
        for chunk in range(0, len(ids), 500):
            q = (select(CaseEvent).where(CaseEvent.case_id.in_(ids[chunk:chunk + 500]))
                 .order_by(CaseEvent.case_id, CaseEvent.seq))
            for r in s.execute(q).scalars():
                histories[r.case_id].append(Event(r.seq, r.kind, r.happened_on, dict(r.data), r.actor, r.reason))
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    hits = 0
    for evs in histories.values():
        view = replay(evs, cal, policy)
        if view.is_open and any(today <= d.due <= cutoff for d in view.deadlines.values()):
            hits += 1
    t_replay = time.perf_counter() - t0
    n = len(ids)
    per_case = (t_load + t_replay) / n
    print(f"\nbaseline: full scan without the cache, {n:,} cases: load events {t_load * 1000:.0f} ms + "
          f"replay {t_replay * 1000:.0f} ms = {per_case * 1e6:.0f} µs/case (replay alone {t_replay / n * 1e6:.0f} µs)")
    print(f"  {hits} of {n:,} due within 3 working days; extrapolated to {args.cases:,} cases: "
          f"{per_case * args.cases:.1f} s, i.e. {per_case * args.cases * 1000 / med:,.0f}x the indexed query")

    print(f"\nSUMMARY due_list: {len(rows)} cases due within 3 working days among {args.cases:,} open; "
          f"median {med:.1f} ms (target < 100 ms); replay scan ~{per_case * args.cases:.1f} s extrapolated")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
