"""Properties of working-day arithmetic, and agreement with the `holidays` package (a cross-check, docs/clocks.md).

`holidays.China` (0.109) carries the statutory holidays *and* the make-up weekend working days for published
years: `weekend_workdays` lists them and `is_working_day` / `get_nth_working_day` take them into account.
It is only a cross-check: for an unpublished year it silently returns no make-up days (docs/clocks.md).
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

FIRST, LAST = date(2024, 1, 1), date(2026, 12, 31)
# start days from which 100 working days (about five months) stay inside 2024–2026
starts = st.dates(min_value=FIRST, max_value=date(2026, 6, 30))
small = st.integers(min_value=1, max_value=100)
fast = settings(max_examples=150, deadline=None)

CHINA = holidays.China(years=range(2023, 2028))


@fast
@given(d=starts, n=small)
def test_result_is_a_working_day(cal, d, n):
    assert cal.is_workday(cal.add_workdays(d, n))


@fast
@given(d=starts, n=st.integers(min_value=0, max_value=100))
def test_counting_back_gives_n(cal, d, n):
    assert cal.workdays_between(d, cal.add_workdays(d, n)) == n


@fast
@given(d=starts, a=small, b=small)
def test_monotonic_in_n(cal, d, a, b):
    if a < b:
        assert cal.add_workdays(d, a) < cal.add_workdays(d, b)
    assert cal.add_workdays(d, a) > d


@fast
@given(d=starts, a=st.integers(min_value=0, max_value=50), b=st.integers(min_value=0, max_value=50))
def test_additive(cal, d, a, b):
    assert cal.add_workdays(cal.add_workdays(d, a), b) == cal.add_workdays(d, a + b)


@fast
@given(d=starts, n=small)
def test_only_working_days_are_counted_between(cal, d, n):
    due = cal.add_workdays(d, n)
    days = [d + timedelta(days=i) for i in range(1, (due - d).days + 1)]
    assert sum(cal.is_workday(x) for x in days) == n


@fast
@given(d=st.dates(min_value=date(2024, 6, 1), max_value=LAST), n=small)
def test_backwards_inverts_forwards_on_a_working_day(cal, d, n):
    d = cal.next_workday(d)  # Thu 2026-12-31 is a working day, so this stays in 2026
    back = cal.add_workdays(d, -n)
    assert back < d and cal.is_workday(back)
    assert cal.add_workdays(back, n) == d


# -- the `holidays` package as a cross-check ------------------------------------------------------------------

def test_holidays_package_knows_the_makeup_days():
    listed = {d for d in CHINA.weekend_workdays if 2024 <= d.year <= 2026}
    assert date(2025, 1, 26) in listed and date(2026, 2, 28) in listed and date(2024, 10, 12) in listed
    assert len(listed) == 8 + 5 + 6  # docs/clocks.md: 2024: 8, 2025: 5, 2026: 6


def test_every_day_agrees_with_the_holidays_package(cal):
    d, wrong = FIRST, []
    while d <= LAST:
        if cal.is_workday(d) != CHINA.is_working_day(d):
            wrong.append(d.isoformat())
        d += timedelta(days=1)
    assert wrong == []


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_year_counts_agree_with_the_holidays_package(cal, year):
    assert cal.workdays_in_year(year) == CHINA.get_working_days_count(date(year, 1, 1), date(year, 12, 31))


@fast
@given(d=starts, n=small)
def test_add_workdays_agrees_with_holidays_get_nth_working_day(cal, d, n):
    assert cal.add_workdays(d, n) == CHINA.get_nth_working_day(d, n)


@fast
@given(d=st.dates(min_value=date(2024, 6, 1), max_value=LAST), n=small)
def test_backwards_agrees_with_holidays_get_nth_working_day(cal, d, n):
    assert cal.add_workdays(d, -n) == CHINA.get_nth_working_day(d, -n)
