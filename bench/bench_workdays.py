"""Working-day arithmetic: our precomputed index against the `holidays` package (China) and `chinese_calendar`.

The same 100,000 random queries (a day in 2024-01-01..2026-06-30, n in 1..60: "the n-th working day after
that day") are answered by `WorkCalendar.add_workdays` and by `holidays.China().get_nth_working_day`, which
counts the same way (the start day is never counted; weekend make-up days come from `weekend_workdays`).
Prints the agreement, µs per call for each, the speed-up; then `is_workday` against
`chinese_calendar.is_workday` (and `holidays`' `is_working_day`) per call.

Target (bench/README.md): add_workdays >= 20x faster than `holidays`, with 100 % agreement.
Prints figures only; never fails on timing.

    .venv/bin/python bench/bench_workdays.py [--queries 100000] [--seed 20260101]
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from datetime import date, timedelta

FIRST = date(2024, 1, 1)
LAST = date(2026, 6, 30)


def best_of(fn, repeat: int) -> float:
    """Best wall time of `repeat` runs of fn() (seconds); the GC is off while timing."""
    best = float("inf")
    for _ in range(repeat):
        gc.disable()
        try:
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        finally:
            gc.enable()
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20260101)
    args = ap.parse_args()

    import chinese_calendar
    import holidays

    from request_flow.calendar import WorkCalendar

    t0 = time.perf_counter()
    cal = WorkCalendar.default()
    build_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    cn = holidays.China(years=range(2024, 2028))  # populated up front, so lazy expansion is not timed
    hol_build_ms = (time.perf_counter() - t0) * 1000

    print("== bench_workdays ==")
    print(f"python {sys.version.split()[0]}; holidays {holidays.__version__}; chinese_calendar {chinese_calendar.__version__}")
    print(f"our calendar: {cal.version!r}, built in {build_ms:.1f} ms; holidays.China built in {hol_build_ms:.1f} ms")
    makeup = sorted(d for d in cn.weekend_workdays if 2024 <= d.year <= 2026)
    print(f"holidays.China models make-up workdays (weekend_workdays): {len(makeup)} in 2024-2026")

    rng = random.Random(args.seed)
    span = (LAST - FIRST).days
    queries = [(FIRST + timedelta(days=rng.randint(0, span)), rng.randint(1, 60)) for _ in range(args.queries)]
    n_q = len(queries)

    # -- correctness: the same queries, both answers -------------------------------------------------------
    ours = [cal.add_workdays(d, n) for d, n in queries]
    theirs = [cn.get_nth_working_day(d, n) for d, n in queries]
    diffs = [(d, n, a, b) for (d, n), a, b in zip(queries, ours, theirs) if a != b]
    agree = 100.0 * (n_q - len(diffs)) / n_q
    print(f"\nadd_workdays vs holidays.get_nth_working_day: {n_q:,} queries, agreement {agree:.3f} %"
          f" ({len(diffs)} disagreements)")
    for d, n, a, b in diffs[:10]:
        print(f"  {d} +{n}: ours {a} ({a:%a}), holidays {b} ({b:%a})")

    # the worked examples of docs/clocks.md
    examples = [(date(2025, 1, 24), 7, date(2025, 2, 10)), (date(2025, 1, 24), 20, date(2025, 2, 27)),
                (date(2025, 1, 24), 40, date(2025, 3, 27)), (date(2026, 2, 13), 7, date(2026, 3, 2)),
                (date(2026, 2, 13), 20, date(2026, 3, 19)), (date(2026, 2, 13), 40, date(2026, 4, 17))]
    bad = [(d, n, want, cal.add_workdays(d, n)) for d, n, want in examples if cal.add_workdays(d, n) != want]
    print(f"worked examples of docs/clocks.md: {len(examples) - len(bad)}/{len(examples)} right"
          + "".join(f"; {d} +{n}: want {w}, got {g}" for d, n, w, g in bad))

    # day-by-day cross-check of is_workday over the whole span the queries touch
    day_diffs = []
    d = date(2024, 1, 1)
    while d <= date(2026, 12, 31):
        a, b, c = cal.is_workday(d), cn.is_working_day(d), chinese_calendar.is_workday(d)
        if not (a == b == c):
            day_diffs.append((d, a, b, c))
        d += timedelta(days=1)
    print(f"is_workday day by day 2024-01-01..2026-12-31 (ours / holidays / chinese_calendar): "
          f"{len(day_diffs)} days differ")
    for d, a, b, c in day_diffs[:10]:
        print(f"  {d} ({d:%a}): ours {a}, holidays {b}, chinese_calendar {c}")

    # -- speed ------------------------------------------------------------------------------------------------
    add = cal.add_workdays
    nth = cn.get_nth_working_day

    def noop(d, n):
        return d

    t_noop = best_of(lambda: [noop(d, n) for d, n in queries], 5)
    t_ours = best_of(lambda: [add(d, n) for d, n in queries], 5)
    t_hol = best_of(lambda: [nth(d, n) for d, n in queries], 1)
    us = lambda t: t / n_q * 1e6  # noqa: E731
    print(f"\nadd_workdays, {n_q:,} calls (best of 5 / 1 run; loop+call overhead of a no-op function"
          f" {us(t_noop):.3f} µs is included in both):")
    print(f"  ours     WorkCalendar.add_workdays      {us(t_ours):9.3f} µs/call")
    print(f"  holidays China.get_nth_working_day    {us(t_hol):9.3f} µs/call")
    print(f"  speed-up: {t_hol / t_ours:,.0f}x  (target >= 20x)")

    days = [d for d, _ in queries]
    is_wd = cal.is_workday
    cc_wd = chinese_calendar.is_workday
    hol_wd = cn.is_working_day

    def noop1(d):
        return d

    t_noop1 = best_of(lambda: [noop1(d) for d in days], 5)
    t_is = best_of(lambda: [is_wd(d) for d in days], 5)
    t_cc = best_of(lambda: [cc_wd(d) for d in days], 3)
    t_hw = best_of(lambda: [hol_wd(d) for d in days], 3)
    print(f"\nis_workday, {n_q:,} calls (no-op baseline {us(t_noop1):.3f} µs/call):")
    print(f"  ours             WorkCalendar.is_workday  {us(t_is):8.3f} µs/call")
    print(f"  chinese_calendar is_workday               {us(t_cc):8.3f} µs/call  ({t_cc / t_is:.0f}x ours)")
    print(f"  holidays         China.is_working_day     {us(t_hw):8.3f} µs/call  ({t_hw / t_is:.0f}x ours)")

    print(f"\nSUMMARY workdays: agreement={agree:.3f}% ours={us(t_ours):.3f}us holidays={us(t_hol):.1f}us "
          f"speedup={t_hol / t_ours:.0f}x is_workday ours={us(t_is):.3f}us chinese_calendar={us(t_cc):.2f}us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
