"""The annual report's speed: history import (rows/s) and a year's tables over N cases, against a floor.

For each size N (default 20,000, 200,000 and 1,000,000 cases):
  * a CSV of N cases is generated (three years, 2023–2025; six applicant types; every outcome code; about 1 %
    still open; one body), and imported through `reporting.importer.run` (what `import cases` runs) into a fresh SQLite database
    made by `services.init_db`: rows/s, the whole import (read, check, write, commit) timed, the median of
    --import-runs imports (default 3), each into a database of its own, each followed by the load floor: the
    same file read with the csv module into one bare table (one row per case, no checks, no indexes), which
    shows how fast this machine is at that moment;
  * a year's tables (2025), median of --runs runs: `reporting.annual.tables` (the four GROUP BY queries of
    table 三 and the one of table 四), and `reporting.annual.build` (the whole JSON report: the year before for
    check 4, check 6's independent count, the fees, the lock);
  * the floor, in the same run: the same N rows (body, applicant_type, received_on, outcome, concluded_on) in a
    bare SQLite table through the `sqlite3` module, with an index on received_on and one on concluded_on, and
    the four GROUP BY queries a report needs (new, carried in, results by outcome and type, carried out).

Targets (issue 5): import >= 20,000 rows/s; a year's report over 200,000 cases within 3x the floor.
With --pg URL the import is also timed on PostgreSQL (COPY), in a database created and dropped for the run.
Prints figures only; never fails on timing.

    .venv/bin/python bench/bench_report.py [--sizes 20000,200000,1000000] [--runs 5] [--import-runs 3]
                                           [--pg postgresql+psycopg2://...]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

OUTCOMES = ["disclosed", "already_public", "partial", "withheld.state_secret", "withheld.third_party_rights",
            "withheld.process_info", "not_exist", "not_responsible", "needs_creation", "petition_complaint",
            "duplicate", "no_correction", "fee_unpaid", "withdrawn", "other", "withheld.administrative_query"]
TYPES = ["natural_person", "natural_person", "natural_person", "commercial", "research", "public_interest",
         "legal_service", "other"]

FLOOR_QUERIES = [
    "SELECT applicant_type, count(*) FROM c WHERE body=? AND received_on BETWEEN ? AND ? GROUP BY applicant_type",
    "SELECT applicant_type, count(*) FROM c WHERE body=? AND received_on < ? AND (concluded_on IS NULL OR concluded_on >= ?) "
    "GROUP BY applicant_type",
    "SELECT outcome, applicant_type, count(*) FROM c WHERE body=? AND concluded_on BETWEEN ? AND ? GROUP BY outcome, applicant_type",
    "SELECT applicant_type, count(*) FROM c WHERE body=? AND received_on <= ? AND (concluded_on IS NULL OR concluded_on > ?) "
    "GROUP BY applicant_type",
]


def generate(n: int, seed: int, path: Path) -> list[tuple]:
    rnd = random.Random(seed)
    start, span = date(2023, 1, 1), (date(2025, 12, 31) - date(2023, 1, 1)).days
    rows = []
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ref", "applicant_type", "received_on", "outcome", "concluded_on", "applicant_name"])
        for i in range(n):
            received = start + timedelta(days=rnd.randrange(span))
            t = rnd.choice(TYPES)
            if rnd.random() < 0.01:
                outcome, concluded = "", None
            else:
                outcome = rnd.choice(OUTCOMES)
                concluded = min(received + timedelta(days=rnd.randrange(1, 45)), date(2025, 12, 31))
            w.writerow([f"R{i:07d}", t, received.isoformat(), outcome, concluded.isoformat() if concluded else "",
                        f"申请人{i % 997}"])
            rows.append(("EXAMPLE", t, received.isoformat(), outcome or None, concluded.isoformat() if concluded else None))
    return rows


def floor(rows: list[tuple], folder: str, runs: int) -> tuple[float, list]:
    db = sqlite3.connect(f"{folder}/floor.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE c (body TEXT, applicant_type TEXT, received_on DATE, outcome TEXT, concluded_on DATE)")
    db.executemany("INSERT INTO c VALUES (?,?,?,?,?)", rows)
    db.execute("CREATE INDEX c_r ON c(received_on)")
    db.execute("CREATE INDEX c_c ON c(concluded_on)")
    db.commit()
    db.execute("ANALYZE")
    y0, y1 = "2025-01-01", "2025-12-31"
    params = [("EXAMPLE", y0, y1), ("EXAMPLE", y0, y0), ("EXAMPLE", y0, y1), ("EXAMPLE", y1, y1)]
    times, result = [], []
    for _ in range(runs):
        t = time.perf_counter()
        result = [db.execute(q, p).fetchall() for q, p in zip(FLOOR_QUERIES, params)]
        times.append(time.perf_counter() - t)
    db.close()
    return statistics.median(times), result


def load_floor(csv_path: Path, folder: str) -> float:
    """The least an import can cost: the file read with the csv module and its rows put as they are into one
    bare table (no checks, no indexes, one row per case instead of four), in one WAL transaction."""
    path = Path(folder) / "load-floor.db"
    t = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    with csv_path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        db.execute(f"CREATE TABLE h ({', '.join(header)})")
        db.executemany(f"INSERT INTO h VALUES ({', '.join('?' * len(header))})", reader)
    db.commit()
    db.close()
    elapsed = time.perf_counter() - t
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return elapsed


def median_time(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def run_size(n: int, args, pg_admin: str | None) -> dict:
    from request_flow import services
    from request_flow.config import configure
    from request_flow.reporting import annual, importer
    from request_flow.store.db import engine_for

    tmp = tempfile.TemporaryDirectory(prefix="rf-bench-report-")
    csv_path = Path(tmp.name) / "history.csv"
    t = time.perf_counter()
    rows = generate(n, args.seed, csv_path)
    gen = time.perf_counter() - t
    if args.pg_only:
        out = {"n": n, "pg": pg_import(None, csv_path, pg_admin, n, args.import_runs, args.pg_reader)}
        tmp.cleanup()
        return out
    # the import, --import-runs times into a fresh database each (this machine's speed varies by ±15 % from one
    # minute to the next): the median, and the fastest and slowest; the last database is kept for the report
    imports, loads = [], []
    for k in range(args.import_runs):
        url = f"sqlite:///{tmp.name}/report{k}.db"
        configure(database_url=url, user="bench", data_dir=tmp.name)
        ctx = services.context()
        services.init_db(ctx)
        t, c = time.perf_counter(), time.process_time()
        res = importer.run(ctx, csv_path, "cases", progress=False)  # what `import cases` runs
        imports.append((time.perf_counter() - t, time.process_time() - c))
        assert res.created == n, res
        loads.append(load_floor(csv_path, tmp.name))  # right after, on the machine as it is now
        if k + 1 < args.import_runs:
            engine_for(url).dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{tmp.name}/report{k}.db{suffix}").unlink(missing_ok=True)
    t_import = statistics.median(t for t, _ in imports)
    c_import = statistics.median(c for _, c in imports)
    t_load = statistics.median(loads)
    with ctx.session() as s:
        conn = s.connection()
        t_tables, (t3, t4, _) = median_time(lambda: annual.tables(conn, "EXAMPLE", 2025, "filed"), args.runs)
    t_build, doc = median_time(lambda: annual.build(ctx, 2025), args.runs)
    t_floor, floor_rows = floor(rows, tmp.name, args.runs)
    # the floor's numbers are the report's numbers (received in 2025, by type)
    floor_new = sum(n for _, n in floor_rows[0])
    out = {"n": n, "gen": gen, "import": t_import, "rows_s": n / t_import, "rows_cpu_s": n / c_import,
           "rows_s_range": (n / max(t for t, _ in imports), n / min(t for t, _ in imports)), "load": t_load,
           "tables": t_tables, "build": t_build,
           "floor": t_floor, "new_2025": doc["table3"]["new"]["total"], "floor_new": floor_new,
           "checks_ok": all(c["ok"] for c in doc["checks"])}
    engine_for(url).dispose()
    if pg_admin:
        out["pg"] = pg_import(ctx, csv_path, pg_admin, n, args.import_runs, args.pg_reader)
    tmp.cleanup()
    return out


READER = """
import subprocess, sys, time
cmd = [sys.argv[1], "case", "list", "--limit", "20", "--json"]
while True:
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    print(f"{time.time():.3f} {time.perf_counter() - t:.3f}", flush=True)
"""


def pg_import(ctx, csv_path: Path, admin_url: str, n: int, runs: int, reader: bool) -> dict:
    """The import on PostgreSQL, `runs` times, each into a database created for it and dropped after it (never
    another): wall time, with the load floor right after it in the same database (the file's rows as they are,
    COPY into one bare table: no checks, no indexes, one row per case). With `reader`, a second process runs
    `request-flow case list` in a loop during the import: its slowest call against its calls before."""
    import subprocess
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from request_flow import services
    from request_flow.config import configure
    from request_flow.reporting import importer
    from request_flow.store.db import engine_for

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    times, floors, waits = [], [], []
    try:
        for _ in range(runs):
            name = f"rf_bench_{uuid.uuid4().hex[:10]}"
            with admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
            proc = None
            try:
                configure(database_url=url, user="bench")
                pctx = services.context()
                services.init_db(pctx)
                if reader:
                    exe = str(Path(sys.executable).with_name("request-flow"))
                    proc = subprocess.Popen([sys.executable, "-c", READER, exe], stdout=subprocess.PIPE, text=True,
                                            env={**os.environ, "REQUEST_FLOW_DATABASE_URL": url})
                    lines: list[str] = []
                    threading.Thread(target=lambda out=proc.stdout, got=lines: got.extend(out), daemon=True).start()
                    deadline = time.time() + 120
                    while len(lines) < 3 and time.time() < deadline:  # the reader's own speed on the machine now
                        time.sleep(0.1)
                stop, blocked = threading.Event(), [0]
                if reader:  # every 50 ms: how many sessions of this database wait for a lock
                    threading.Thread(target=_lock_waits, args=(admin, name, stop, blocked), daemon=True).start()
                t0 = time.time()
                t = time.perf_counter()
                importer.run(pctx, csv_path, "cases", progress=False)
                times.append(time.perf_counter() - t)
                t1 = time.time()
                stop.set()
                if proc is not None:
                    while not any(float(line.split()[0]) > t1 for line in lines) and time.time() < t1 + 120:
                        time.sleep(0.1)  # the call running when the import ended has returned
                    proc.kill()
                    proc.wait()
                    calls = _pairs("".join(lines))
                    before = [d for end, d in calls if end < t0]
                    during = [d for end, d in calls if end - d < t1 and end > t0]
                    waits.append((statistics.median(before) if before else float("nan"),
                                  max(during) if during else float("nan"), len(during), blocked[0]))
                with engine_for(url).connect() as c:  # the load floor, in the same database, right after
                    raw = c.connection.dbapi_connection
                    t = time.perf_counter()
                    cur = raw.cursor()
                    with csv_path.open(encoding="utf-8") as f:
                        header = f.readline().strip().split(",")
                        cur.execute(f"CREATE TABLE load_floor ({', '.join(f'{h} text' for h in header)})")
                        cur.copy_expert("COPY load_floor FROM STDIN WITH (FORMAT csv)", f)
                    raw.commit()
                    floors.append(time.perf_counter() - t)
            finally:
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait()
                engine_for(url).dispose()
                with admin.connect() as c:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
    return {"import": statistics.median(times), "range": (n / max(times), n / min(times)),
            "floor": statistics.median(floors), "reader": waits}


def _lock_waits(admin, name: str, stop, seen: list[int]) -> None:
    from sqlalchemy import text

    with admin.connect() as c:
        while not stop.wait(0.05):
            n = c.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND wait_event_type = 'Lock'"),
                          {"d": name}).scalar()
            seen[0] = max(seen[0], n)


def _pairs(out: str) -> list[tuple[float, float]]:
    values = [float(v) for v in out.split()]
    return list(zip(values[::2], values[1::2]))


def pg_only(args) -> int:
    print(f"{'cases':>9} {'pg import s':>11} {'rows/s':>8} {'(slowest–fastest)':>17} {'floor s':>8} {'floor rows/s':>12} "
          f"{'x floor':>7}  load average" + ("  reader: before ms, slowest during ms (calls), most sessions waiting for a lock" if args.pg_reader else ""))
    last = None
    for n in [int(s) for s in args.sizes.split(",") if s]:
        r = last = run_size(n, args, args.pg)["pg"]
        low, high = r["range"]
        reader = "  " + "; ".join(f"{b * 1000:.0f}, {m * 1000:.0f} ({k}), {w}" for b, m, k, w in r["reader"]) if r["reader"] else ""
        print(f"{n:>9,} {r['import']:>11.2f} {n / r['import']:>8,.0f} {f'({low:,.0f}–{high:,.0f})':>17} {r['floor']:>8.2f} "
              f"{n / r['floor']:>12,.0f} {r['import'] / r['floor']:>7.1f}  {os.getloadavg()[0]:.1f}{reader}", flush=True)
    print(f"\n(PostgreSQL: the median of {args.import_runs} imports, each into a database created and dropped for it; "
          "floor = the same file COPY'd as it is into one bare table of text columns, right after, in that database; "
          f"load average on {os.cpu_count()} cores)")
    if last is not None:
        print(f"SUMMARY pg import: {n / last['import']:,.0f} rows/s at {n:,} ({last['import'] / last['floor']:.1f}x the "
              f"floor of {n / last['floor']:,.0f} rows/s; target >= 20,000)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000,200000,1000000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--import-runs", type=int, default=3, help="imports per size (median reported)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--pg", default=None, help="PostgreSQL admin URL: also time the import there")
    ap.add_argument("--pg-only", action="store_true", help="with --pg: the PostgreSQL import alone")
    ap.add_argument("--pg-reader", action="store_true",
                    help="with --pg: `request-flow case list` in a loop in another process during each import")
    args = ap.parse_args()
    if args.pg_only or args.pg_reader:
        if not args.pg:
            ap.error("--pg-only and --pg-reader need --pg URL")
    if args.pg_only:
        return pg_only(args)
    for k in [k for k in os.environ if k.startswith("REQUEST_FLOW_")]:
        del os.environ[k]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results = []
    print(f"{'cases':>9} {'import s':>9} {'rows/s':>8} {'(slowest–fastest)':>17} {'load s':>7} {'rows/cpu-s':>10} {'tables ms':>10} {'report ms':>10} {'floor ms':>9} "
          f"{'tables/floor':>12} {'report/floor':>12}" + ("  pg import rows/s" if args.pg else ""))
    for n in sizes:
        r = run_size(n, args, args.pg)
        results.append(r)
        pg = f"  {n / r['pg']['import']:>17,.0f}" if "pg" in r else ""
        low, high = r["rows_s_range"]
        print(f"{n:>9,} {r['import']:>9.2f} {r['rows_s']:>8,.0f} {f'({low:,.0f}–{high:,.0f})':>17} {r['load']:>7.2f} {r['rows_cpu_s']:>10,.0f} {r['tables'] * 1000:>10.1f} {r['build'] * 1000:>10.1f} "
              f"{r['floor'] * 1000:>9.1f} {r['tables'] / r['floor']:>12.2f} {r['build'] / r['floor']:>12.2f}{pg}", flush=True)
        if r["new_2025"] != r["floor_new"] or not r["checks_ok"]:
            print(f"  !! disagreement: report new={r['new_2025']} floor new={r['floor_new']} checks_ok={r['checks_ok']}")
    print("\n(load = the load floor: the file's rows as they are into one bare table, no checks, no indexes, timed"
          " after each import)")
    print("(tables = the five GROUP BY queries of tables 三 and 四 through SQLAlchemy; report = the whole JSON report:")
    print(" the year before for check 4, check 6's own count, fees, lock; floor = four GROUP BY on a bare sqlite3 table)")
    if len(results) > 1:
        a, b = results[0], results[-1]
        k = b["n"] / a["n"]
        print(f"growth x{k:.0f} cases: import time x{b['import'] / a['import']:.1f}, report time x{b['build'] / a['build']:.1f}, "
              f"floor x{b['floor'] / a['floor']:.1f}")
    mid = next((r for r in results if r["n"] == 200_000), results[-1])
    print(f"(rows/cpu-s: rows per second of this process's CPU time, less sensitive to other work on the machine; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    low, high = mid["rows_s_range"]
    print(f"\nSUMMARY report: import {mid['rows_s']:,.0f} rows/s (median of {args.import_runs}: {low:,.0f}–{high:,.0f}; "
          f"{mid['rows_cpu_s']:,.0f} per CPU-second; {mid['import'] / mid['load']:.1f}x the load floor of "
          f"{mid['n'] / mid['load']:,.0f} rows/s) at {mid['n']:,} (target >= 20,000); "
          f"report {mid['build'] * 1000:.0f} ms vs floor {mid['floor'] * 1000:.0f} ms = {mid['build'] / mid['floor']:.2f}x "
          f"(tables alone {mid['tables'] / mid['floor']:.2f}x; target <= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
