"""Working days (工作日): Monday–Friday, less the State Council's holidays, plus its make-up weekend days (调休).

Counting convention (docs/clocks.md, "Counting"): a period of N working days "from" a day ends on the N-th working day
*after* that day; the day itself is not counted (民事诉讼法 Art. 85 by analogy; the fee measures: "次日起").

The calendar is built once into a day index, so that every question is a couple of list look-ups:
  _work[i]  1 if day base+i is a working day
  _cum[i]   how many working days fall on base .. base+i
  _wd[k]    the ordinal of the (k+1)-th working day
A year with no published schedule is an error (MissingScheduleError), unless the calendar was made with
`assume_unknown=True`: then such a year counts as plain Monday–Friday and callers mark the result provisional.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

# How far past the last published year an assumed (provisional) year may reach.
ASSUMED_YEARS_AHEAD = 10


class MissingScheduleError(ValueError):
    """A computation reached into a year for which no holiday schedule is known."""

    def __init__(self, years: Iterable[int]):
        self.years = sorted(set(years))
        listed = "、".join(f"{y}年" for y in self.years)
        super().__init__(
            f"{listed}的节假日安排尚未公布或未配置，无法计算工作日（请在日历配置文件中加入国务院办公厅的放假通知）"
        )


@dataclass(frozen=True)
class DayRule:
    """One exception to Monday–Friday: a holiday on a weekday (or inside a holiday range), or a make-up day."""

    day: date
    working: bool
    name: str
    source: str


@dataclass(frozen=True)
class YearSchedule:
    """The published schedule of one year: the days that differ from plain Monday–Friday, with their source."""

    year: int
    source: str
    rules: tuple[DayRule, ...] = field(default=())


def _weekday_rule(d: date) -> bool:
    return d.weekday() < 5


class WorkCalendar:
    """Working-day arithmetic over the official schedules and a body's overrides."""

    def __init__(
        self,
        schedules: Mapping[int, YearSchedule],
        local: Iterable[DayRule] = (),
        version: str = "",
        assume_unknown: bool = False,
    ):
        if not schedules:
            raise ValueError("日历中没有任何年份的节假日安排")
        self.schedules = dict(schedules)
        self.local = tuple(local)
        self.version = version
        self.assume_unknown = assume_unknown
        self.known_years = frozenset(self.schedules)
        self.first_year = min(self.known_years)
        self.last_year = max(self.known_years) + ASSUMED_YEARS_AHEAD
        self._rules: dict[date, DayRule] = {}
        for sched in self.schedules.values():
            for rule in sched.rules:
                self._rules[rule.day] = rule
        for rule in self.local:  # a local holiday (少数民族节日) comes on top of the national schedule
            self._rules[rule.day] = rule
        self._build_index()

    def _build_index(self) -> None:
        start = date(self.first_year, 1, 1)
        self._base = start.toordinal()
        self._end = date(self.last_year, 12, 31).toordinal()
        work = bytearray()
        cum = array("l")
        wd = array("l")
        count = 0
        for ordinal in range(self._base, self._end + 1):
            d = date.fromordinal(ordinal)
            rule = self._rules.get(d)
            is_work = rule.working if rule is not None else _weekday_rule(d)
            work.append(is_work)
            if is_work:
                count += 1
                wd.append(ordinal)
            cum.append(count)
        self._work, self._cum, self._wd = work, cum, wd
        # the days that differ from plain Monday–Friday, sorted: every clock asks for those inside its period
        self._odd_days = sorted(d for d, r in self._rules.items() if r.working != _weekday_rule(d))

    def with_assumption(self, assume_unknown: bool = True) -> WorkCalendar:
        """The same calendar, but a year without a schedule counts as plain Monday–Friday (provisional)."""
        clone = object.__new__(WorkCalendar)
        clone.__dict__.update(self.__dict__)
        clone.assume_unknown = assume_unknown
        return clone

    # -- guards -------------------------------------------------------------------------------------------

    def _index(self, d: date) -> int:
        i = d.toordinal() - self._base
        if i < 0 or d.toordinal() > self._end:
            raise MissingScheduleError([d.year])
        return i

    def _require(self, first_year: int, last_year: int) -> None:
        if self.assume_unknown:
            return
        missing = [y for y in range(first_year, last_year + 1) if y not in self.known_years]
        if missing:
            raise MissingScheduleError(missing)

    def assumed_years(self, a: date, b: date) -> list[int]:
        """The years between a and b (inclusive) that have no published schedule."""
        lo, hi = min(a, b).year, max(a, b).year
        return [y for y in range(lo, hi + 1) if y not in self.known_years]

    # -- the API --------------------------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        i = self._index(d)
        if d.year not in self.known_years:
            self._require(d.year, d.year)
        return bool(self._work[i])

    def add_workdays(self, d: date, n: int) -> date:
        """The n-th working day after d (n > 0), or before d (n < 0); d itself is never counted."""
        i = self._index(d)
        if n >= 0:
            if n == 0:
                return d
            k = self._cum[i] + n - 1
        else:
            before = self._cum[i] - self._work[i]  # working days strictly before d
            k = before + n
            if k < 0:
                raise MissingScheduleError([self.first_year - 1])
        if k >= len(self._wd):
            raise MissingScheduleError([self.last_year + 1])
        result = date.fromordinal(self._wd[k])
        lo, hi = (d, result) if result >= d else (result, d)
        if lo.year not in self.known_years or hi.year not in self.known_years or hi.year - lo.year > 1:
            self._require(lo.year, hi.year)
        return result

    def workdays_between(self, a: date, b: date) -> int:
        """Working days after a, up to and including b (negative when b is before a)."""
        if b < a:
            return -self.workdays_between(b, a)
        ia, ib = self._index(a), self._index(b)
        self._require(a.year, b.year)
        return self._cum[ib] - self._cum[ia]

    def next_workday(self, d: date) -> date:
        """d itself if it is a working day, else the first working day after it."""
        return d if self.is_workday(d) else self.add_workdays(d, 1)

    def rule(self, d: date) -> DayRule | None:
        """Why d differs from plain Monday–Friday, if it does."""
        return self._rules.get(d)

    def exceptions_between(self, a: date, b: date) -> list[DayRule]:
        """The holidays on weekdays and the make-up days after a, up to and including b."""
        days = self._odd_days
        return [self._rules[d] for d in days[bisect_right(days, a):bisect_right(days, b)]]

    def workdays_in_year(self, year: int) -> int:
        self._require(year, year)
        return self.workdays_between(date(year - 1, 12, 31), date(year, 12, 31))


def add_calendar_period(cal: WorkCalendar, start: date, *, days: int = 0, months: int = 0) -> date:
    """A calendar-day or calendar-month period (the 60-day review, the 6-month lawsuit window).

    Ends `days` days or `months` months after start; one that ends on a non-working day moves to the next
    working day (docs/clocks.md, "Calendar-day periods").
    """
    end = start + timedelta(days=days)
    if months:
        m = end.month - 1 + months
        year, month = end.year + m // 12, m % 12 + 1
        # the same day of the month, or the last day of a shorter month
        for day in (end.day, 30, 29, 28):
            try:
                end = date(year, month, min(day, end.day))
                break
            except ValueError:
                continue
    return cal.next_workday(end)
