"""Throughput of staff acts through the service layer, each act its own transaction, on SQLite.

With REQUEST_FLOW_BROKER_URL set (a Redis), the letters are queued for the Celery workers as in a deployment
with a broker (docs/letters.md, "Rendering by the workers"): the acts store the checked HTML, and afterwards two
worker processes (`celery -A workers.app worker --concurrency 2`) draw the PDFs and DOCX; their throughput is
printed beside the acts'. Without it the acts draw every letter themselves (the embedded default).

On a temporary SQLite database: `services.init_db`, an office head added with `services.add_staff`, 300 cases
registered with `services.register` (received on days in 2026), then 1,000 acts through `services.act`,
round-robin over the cases so that consecutive acts touch different cases:
    request_correction  ->  corrected  ->  extend 5 days (office head)  ->  extend 5 days
(4 acts a case, 250 cases; dated a few days after receipt, never after today). Each act loads the case, replays
its events, checks the act, writes the event, the reserved 文号 and the refreshed cache columns, and commits.
Prints registrations per second, acts per second (and per kind), and the cost of a bare `replay` of the
same cases as an in-process baseline.

Target (bench/README.md): >= 300 acts/s. Prints figures only; never fails on timing.

    .venv/bin/python bench/bench_acts.py [--cases 300] [--acts 1000] [--profile]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--acts", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--profile", action="store_true", help="also profile 200 more acts and print the top functions")
    args = ap.parse_args()

    broker = os.environ.get("REQUEST_FLOW_BROKER_URL")
    for k in [k for k in os.environ if k.startswith("REQUEST_FLOW_")]:
        del os.environ[k]

    from request_flow import services
    from request_flow.config import configure

    tmp = tempfile.TemporaryDirectory(prefix="rf-bench-acts-")
    url = f"sqlite:///{tmp.name}/acts.db"
    configure(database_url=url, user="bench", data_dir=tmp.name, broker_url=broker)
    if broker:
        purge(broker)
    ctx = services.context()
    services.init_db(ctx)
    services.add_staff(ctx, "李主任", "office_head", None)
    today = ctx.today()

    print("== bench_acts ==")
    print(f"database {url}; today {today}")
    print(f"letters: {'HTML in the act, PDF and DOCX queued to the workers on ' + broker if broker else 'drawn in the act (no broker)'}")

    # -- registrations ------------------------------------------------------------------------------------------
    rng = random.Random(args.seed)
    first, last = date(2026, 1, 5), min(date(2026, 10, 31), today - timedelta(days=10))
    received = [first + timedelta(days=rng.randint(0, (last - first).days)) for _ in range(args.cases)]
    t0 = time.perf_counter()
    ids = []
    for i, day in enumerate(received):
        row, _ = services.register(ctx, applicant=f"申请人{i:04d}", applicant_type="natural_person",
                                   channel="in_person", on=None, received_on=day)
        ids.append(row.id)
    t_reg = time.perf_counter() - t0
    print(f"registered {len(ids)} cases in {t_reg:.2f} s: {len(ids) / t_reg:,.0f} registrations/s")

    # -- the acts -----------------------------------------------------------------------------------------------
    steps = [
        ("request_correction", 1, lambda cid, on: services.request_correction(
            ctx, cid, "请写明所需信息的名称、文号或者便于查询的其他特征性描述", 15, "in_person", on)),
        ("corrected", 3, lambda cid, on: services.corrected(ctx, cid, None, on)),
        ("extend", 4, lambda cid, on: services.extend(ctx, cid, 5, "李主任", "需要调取档案", on)),
        ("extend", 5, lambda cid, on: services.extend(ctx, cid, 5, "李主任", "需要协调", on)),
    ]
    plan = []  # (kind, case_id, date, fn); round-robin: step k of every case before step k+1 of any
    per_case = len(steps)
    n_cases_needed = -(-args.acts // per_case)
    if n_cases_needed > len(ids):
        raise SystemExit(f"--acts {args.acts} needs {n_cases_needed} cases at {per_case} acts a case")
    for kind, offset, fn in steps:
        for cid, day in list(zip(ids, received))[:n_cases_needed]:
            plan.append((kind, cid, day + timedelta(days=offset), fn))
    plan = plan[: args.acts] if len(plan) > args.acts else plan
    # keep the order legal when --acts is not a multiple of 4: a truncated tail only drops later steps
    per_kind: dict[str, list[float]] = {}
    cpu_all = time.process_time()  # beside the wall clock: what this process itself spent (a shared machine steals)
    t_all = time.perf_counter()
    for kind, cid, on, fn in plan:
        t0 = time.perf_counter()
        fn(cid, on)
        per_kind.setdefault(kind, []).append(time.perf_counter() - t0)
    t_acts = time.perf_counter() - t_all
    cpu_acts = time.process_time() - cpu_all
    n = len(plan)
    print(f"ran {n} acts (each load + replay + check + write + commit) in {t_acts:.2f} s: "
          f"{n / t_acts:,.0f} acts/s, {t_acts / n * 1000:.2f} ms/act  (target >= 300 acts/s)")
    print(f"  CPU time of this process: {cpu_acts / n * 1000:.2f} ms/act, i.e. {n / cpu_acts:,.0f} acts per CPU-second")
    for kind, ts in per_kind.items():
        ts.sort()
        print(f"  {kind:<20} {len(ts):5d} acts  mean {sum(ts) / len(ts) * 1000:6.2f} ms  "
              f"median {ts[len(ts) // 2] * 1000:6.2f} ms  p95 {ts[int(len(ts) * 0.95)] * 1000:6.2f} ms")

    # -- check what was written, and the in-process baseline: replay alone ---------------------------------------
    from sqlalchemy import func, select

    from request_flow.domain.case import replay
    from request_flow.store.models import CaseEvent, CaseFile, Letter

    with ctx.session() as s:
        n_events = s.execute(select(func.count()).select_from(CaseEvent)).scalar_one()
        n_letters = s.execute(select(func.count()).select_from(Letter)).scalar_one()
        states = dict(s.execute(select(CaseFile.state, func.count()).group_by(CaseFile.state)).all())
    histories = [services.show(ctx, cid)[1] for cid in ids[:n_cases_needed]]  # each case's events
    print(f"written: {n_events} events, {n_letters} letters; states {states}")
    policy = ctx.settings.policy()
    reps = 5
    t0 = time.perf_counter()
    for _ in range(reps):
        for h in histories:
            replay(h, ctx.cal, policy)
    t_replay = (time.perf_counter() - t0) / (reps * len(histories))
    print(f"baseline: replay alone of a {len(histories[0])}-event case: {t_replay * 1e6:.0f} µs "
          f"({t_replay / (t_acts / n) * 100:.0f} % of one act; each act replays twice: before and after)")

    if args.profile:
        import cProfile
        import pstats

        extra = [(cid, day + timedelta(days=6)) for cid, day in zip(ids, received)][n_cases_needed:][:200]
        extra = extra or [(cid, day + timedelta(days=6)) for cid, day in zip(ids, received)][:200]
        pr = cProfile.Profile()
        pr.enable()
        for cid, on in extra:
            try:
                services.request_correction(ctx, cid, "补正", 15, "in_person", on)
            except Exception:
                pass
        pr.disable()
        print(f"\nprofile of {len(extra)} more acts (request_correction), top 15 by cumulative time:")
        pstats.Stats(pr, stream=sys.stdout).sort_stats("cumulative").print_stats(15)

    # Without a broker, acts that issue a letter draw it (PDF, DOCX, HTML) inside the act: that, not the engine,
    # sets their pace. With one, the workers draw them: their rate on both cores is measured here.
    plain = per_kind.get("corrected", [])
    plain_rate = f"{len(plain) / sum(plain):.0f}" if plain else "n/a"
    drawn = workers_rate(url, broker, tmp.name, n_letters) if broker else ""
    mode = "letters queued" if broker else "letters drawn in the act"
    print(f"\nSUMMARY acts: {n / t_acts:.0f} acts/s ({mode}; {t_acts / n * 1000:.2f} ms/act, CPU {cpu_acts / n * 1000:.2f} ms/act; "
          f"target >= 300/s), "
          f"{len(ids) / t_reg:.0f} registrations/s; acts without a letter (corrected): {plain_rate} acts/s{drawn}")
    tmp.cleanup()
    return 0


def purge(broker: str) -> None:
    """Start from an empty queue: messages of an earlier run name letters of a database that is gone."""
    from celery import Celery

    Celery(broker=broker, set_as_current=False).control.purge()


def workers_rate(url: str, broker: str, data_dir: str, n_letters: int) -> str:
    """Two worker processes draw every queued letter; the rate from the first PDF stored to the last."""
    import signal
    import subprocess

    from sqlalchemy import create_engine, text

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("REQUEST_FLOW_")},
           "REQUEST_FLOW_DATABASE_URL": url, "REQUEST_FLOW_BROKER_URL": broker, "REQUEST_FLOW_DATA_DIR": data_dir}
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "workers.app", "worker", "--concurrency", "2",
                             "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(data_dir, "worker.log"), "wb"),
                            start_new_session=True)
    engine = create_engine(url)
    stamps: list[float] = []
    try:
        deadline = time.monotonic() + 600
        done = 0
        while done < n_letters and time.monotonic() < deadline and proc.poll() is None:
            with engine.connect() as c:
                now_done = c.execute(text("select count(*) from letter_file where format = 'pdf'")).scalar_one()
            if now_done > done:
                stamps.append(time.perf_counter())
                done = now_done
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        engine.dispose()
    if done < n_letters:
        print(f"workers drew {done} of {n_letters} letters before giving up (worker exit {proc.returncode})")
        print(open(os.path.join(data_dir, "worker.log"), encoding="utf-8", errors="replace").read()[-3000:])
        return f"; workers: {done} of {n_letters} letters drawn"
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    rate = (n_letters - 1) / span if span else float("nan")
    print(f"workers (2 processes, both cores) drew {n_letters} letters (PDF + DOCX): {rate:.1f} letters/s "
          f"({1000 / rate:.0f} ms a letter per core pair)" if span else f"workers drew {n_letters} letters")
    return f"; workers drew {rate:.1f} letters/s (PDF + DOCX, 2 processes)"


if __name__ == "__main__":
    sys.exit(main())
