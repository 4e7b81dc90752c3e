"""Working days (docs/clocks.md): the official schedules 2024–2026, the counting rule, missing years, override files.

Every expected date below was counted by hand on the official schedules (docs/clocks.md's table); the comment next to
each case lists the counted days ("(n)" = the n-th working day after the start). The code's output was never
used as an oracle.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from request_flow.calendar import CalendarFileError, MissingScheduleError, load_calendar, parse_file
from request_flow.domain.case import Event, replay

CJK = re.compile(r"[\u4e00-\u9fff]")


def D(s: str) -> date:
    return date.fromisoformat(s)


# -- the official schedules (docs/clocks.md), typed in by hand --------------------------------------------------------------

# "off" ranges (weekend days inside them included), per docs/clocks.md
OFF_RANGES = [
    ("2024-01-01", "2024-01-01"), ("2024-02-10", "2024-02-17"), ("2024-04-04", "2024-04-06"),
    ("2024-05-01", "2024-05-05"), ("2024-06-10", "2024-06-10"), ("2024-09-15", "2024-09-17"),
    ("2024-10-01", "2024-10-07"),
    ("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
    ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08"),
    ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
]
MAKEUP_DAYS = [
    "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12",
    "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
]


def _off_days() -> list[date]:
    out = []
    for a, b in OFF_RANGES:
        d = D(a)
        while d <= D(b):
            out.append(d)
            d += timedelta(days=1)
    return out


OFF_WEEKDAYS = [d for d in _off_days() if d.weekday() < 5]


def test_the_typed_table_is_consistent_with_the_stated_counts():
    # a self-check of the hand-typed table: make-up days are weekend days, holidays and make-up days are disjoint
    assert all(D(m).weekday() >= 5 for m in MAKEUP_DAYS)
    assert not {D(m) for m in MAKEUP_DAYS} & set(_off_days())


@pytest.mark.parametrize("day", MAKEUP_DAYS)
def test_makeup_weekend_days_are_working_days(cal, day):
    d = D(day)
    assert d.weekday() >= 5, "the table lists only weekend days as make-up days"
    assert cal.is_workday(d)
    rule = cal.rule(d)
    assert rule is not None and rule.working


@pytest.mark.parametrize("day", [d.isoformat() for d in OFF_WEEKDAYS])
def test_holidays_on_weekdays_are_not_working_days(cal, day):
    assert not cal.is_workday(D(day))


def test_every_day_2024_to_2026_matches_the_table(cal):
    off, makeup = set(_off_days()), {D(m) for m in MAKEUP_DAYS}
    d = date(2024, 1, 1)
    wrong = []
    while d <= date(2026, 12, 31):
        expected = d in makeup or (d.weekday() < 5 and d not in off)
        if cal.is_workday(d) != expected:
            wrong.append(d.isoformat())
        d += timedelta(days=1)
    assert wrong == []


def test_new_years_eve_2024_was_a_working_day(cal):
    # docs/clocks.md: 除夕 Feb 9 2024 (a Friday) was a working day
    assert cal.is_workday(date(2024, 2, 9))
    assert not cal.is_workday(date(2024, 2, 12))


@pytest.mark.parametrize(("year", "count"), [(2024, 251), (2025, 248), (2026, 248)])
def test_working_days_per_year(cal, year, count):
    # 2024: 262 weekdays − 19 holidays on weekdays + 8 make-up days = 251
    # 2025: 261 − 18 + 5 = 248;  2026: 261 − 19 + 6 = 248
    assert cal.workdays_in_year(year) == count
    assert cal.workdays_between(date(year - 1, 12, 31), date(year, 12, 31)) == count


# -- worked examples (docs/clocks.md) --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("received", "seventh", "twentieth", "fortieth"),
    [
        ("2025-01-24", "2025-02-10", "2025-02-27", "2025-03-27"),
        ("2026-02-13", "2026-03-02", "2026-03-19", "2026-04-17"),
    ],
)
def test_worked_examples(cal, received, seventh, twentieth, fortieth):
    r = D(received)
    assert cal.add_workdays(r, 7) == D(seventh)
    assert cal.add_workdays(r, 20) == D(twentieth)
    assert cal.add_workdays(r, 40) == D(fortieth)


def test_first_worked_example_counts_the_makeup_days(cal):
    # Fri 2025-01-24: Sun Jan 26 (1) Mon 27 (2) | Jan 28–Feb 4 off | Feb 5 (3) 6 (4) 7 (5) Sat Feb 8 (6) Mon 10 (7)
    counted = [d for d in (date(2025, 1, 24) + timedelta(days=i) for i in range(1, 18)) if cal.is_workday(d)]
    assert counted[:7] == [D("2025-01-26"), D("2025-01-27"), D("2025-02-05"), D("2025-02-06"), D("2025-02-07"),
                           D("2025-02-08"), D("2025-02-10")]


# -- deadlines counted by hand ----------------------------------------------------------------------------------

HAND = [
    # Thu 2025-01-23 → 7th lands ON make-up Sat 2025-02-08:
    #   Fri Jan 24 (1) Sun Jan 26 (2) Mon Jan 27 (3) | Jan 28–Feb 4 off | Feb 5 (4) 6 (5) 7 (6) Sat Feb 8 (7)
    ("2025-01-23", 7, "2025-02-08"),
    #   …then Feb 10 (8) 11 12 13 14 (12) 17–21 (17) 24 (18) 25 (19) Wed Feb 26 (20)
    ("2025-01-23", 20, "2025-02-26"),
    # Mon 2025-01-06 → 20th lands ON Sat 2025-02-08:
    #   Jan 7–10 (4) 13–17 (9) 20–24 (14) Sun 26 (15) Mon 27 (16) | off | Feb 5 (17) 6 (18) 7 (19) Sat 8 (20)
    ("2025-01-06", 20, "2025-02-08"),
    ("2025-01-06", 7, "2025-01-15"),  # Jan 7 8 9 10 (4) 13 14 15 (7)
    # Thu 2026-02-12 → 7th lands ON make-up Sat 2026-02-28:
    #   Fri Feb 13 (1) Sat Feb 14 (2) | Feb 15–23 off | Feb 24 (3) 25 (4) 26 (5) 27 (6) Sat Feb 28 (7)
    ("2026-02-12", 7, "2026-02-28"),
    #   …Mar 2–6 (12) 9–13 (17) 16 (18) 17 (19) Wed Mar 18 (20)
    ("2026-02-12", 20, "2026-03-18"),
    # Thu 2025-09-18 → 7th lands ON make-up Sun 2025-09-28:
    #   Fri Sep 19 (1) Sep 22–26 (6) Sun Sep 28 (7)
    ("2025-09-18", 7, "2025-09-28"),
    # …and the 20th crosses 国庆+中秋 Oct 1–8: Mon Sep 29 (8) Tue 30 (9) | off | Thu Oct 9 (10) Fri 10 (11)
    #   Sat Oct 11 make-up (12) Oct 13–17 (17) 20 (18) 21 (19) Wed Oct 22 (20)
    ("2025-09-18", 20, "2025-10-22"),
    # Mon 2026-09-07 → 20th lands ON make-up Sat 2026-10-10:
    #   Sep 8–11 (4) 14–18 (9) Sun Sep 20 (10) 21–24 (14) | 中秋 Fri Sep 25 off | 28 29 30 (17)
    #   | 国庆 Oct 1–7 off | Thu Oct 8 (18) Fri 9 (19) Sat Oct 10 (20)
    ("2026-09-07", 20, "2026-10-10"),
    ("2026-09-07", 7, "2026-09-16"),  # Sep 8 9 10 11 (4) 14 15 16 (7)
    # …and a full extension: Oct 12–16 (25) 19–23 (30) 26–30 (35) Nov 2–6 (40)
    ("2026-09-07", 40, "2026-11-06"),
    # Spring Festival 2024: Thu 2024-02-01 → Fri Feb 2 (1) Sun Feb 4 make-up (2) Feb 5–8 (6) Fri Feb 9 除夕 (7)
    ("2024-02-01", 7, "2024-02-09"),
    #   | Feb 10–17 off | Sun Feb 18 make-up (8) Feb 19–23 (13) 26–29 (17) Mar 1 (18) Mon 4 (19) Tue Mar 5 (20)
    ("2024-02-01", 20, "2024-03-05"),
    # National Day 2024: Mon 2024-09-23 → Sep 24–27 (4) Sun Sep 29 (5) Mon 30 (6) | Oct 1–7 off | Tue Oct 8 (7)
    ("2024-09-23", 7, "2024-10-08"),
    #   Oct 9 10 11 (10) Sat Oct 12 make-up (11) 14–18 (16) 21 22 23 24 (20)
    ("2024-09-23", 20, "2024-10-24"),
    # Mid-Autumn 2024: Fri 2024-09-13 → Sat Sep 14 make-up (1) | Sep 15–17 off | Sep 18 19 20 (4) 23 24 25 (7)
    ("2024-09-13", 7, "2024-09-25"),
    # New Year 2026 across the year end: Wed 2025-12-24 → Dec 25 26 (2) 29 30 31 (5) | Jan 1–3 off |
    #   Sun Jan 4 make-up (6) Mon Jan 5 (7)
    ("2025-12-24", 7, "2026-01-05"),
    #   Jan 6–9 (11) 12–16 (16) 19 20 21 22 (20)
    ("2025-12-24", 20, "2026-01-22"),
    # Labour Day 2026: Tue 2026-04-28 → Apr 29 30 (2) | May 1–5 off | May 6 7 8 (5) Sat May 9 (6) Mon May 11 (7)
    ("2026-04-28", 7, "2026-05-11"),
    # Labour Day 2025: Fri 2025-04-25 → Sun Apr 27 make-up (1) 28 29 30 (4) | May 1–5 off | May 6 7 8 (7)
    ("2025-04-25", 7, "2025-05-08"),
    # Dragon Boat 2025: Thu 2025-05-29 → Fri May 30 (1) | May 31–Jun 2 off | Jun 3–6 (5) 9 10 (7)
    ("2025-05-29", 7, "2025-06-10"),
    # receipt on the make-up Sunday itself (a working day, so it is the start): Sun 2025-01-26 →
    #   Mon 27 (1) | off | Feb 5 6 7 (4) Sat 8 (5) Mon 10 (6) Tue Feb 11 (7)
    ("2025-01-26", 7, "2025-02-11"),
]


@pytest.mark.parametrize(("start", "n", "due"), HAND, ids=[f"{s}+{n}" for s, n, _ in HAND])
def test_hand_counted_deadlines(cal, start, n, due):
    assert cal.add_workdays(D(start), n) == D(due)
    assert cal.workdays_between(D(start), D(due)) == n
    assert cal.is_workday(D(due))


def test_deadline_backwards(cal):
    # the 7th working day before Mon 2025-02-10 is Fri 2025-01-24 (the worked example read backwards)
    assert cal.add_workdays(date(2025, 2, 10), -7) == date(2025, 1, 24)


def test_exceptions_between_names_skipped_holidays_and_makeup_days(cal):
    ex = cal.exceptions_between(date(2025, 1, 24), date(2025, 2, 10))
    makeup = sorted(r.day for r in ex if r.working)
    skipped = sorted(r.day for r in ex if not r.working)
    assert makeup == [date(2025, 1, 26), date(2025, 2, 8)]
    # weekday holidays in Jan 28–Feb 4: Tue 28, Wed 29, Thu 30, Fri 31, Mon Feb 3, Tue Feb 4
    assert skipped == [date(2025, 1, d) for d in (28, 29, 30, 31)] + [date(2025, 2, 3), date(2025, 2, 4)]


# -- receipt on a non-working day (docs/clocks.md) ----------------------------------------------------------------

def _register(received: str) -> list[Event]:
    return [Event(1, "register", D(received),
                  {"channel": "in_person", "applicant_type": "natural_person", "received_on": received})]


def test_receipt_on_a_saturday_runs_from_the_next_working_day(cal, policy):
    view = replay(_register("2025-03-01"), cal, policy)
    assert view.received_on == date(2025, 3, 1)  # the date of receipt stays the actual day
    assert view.clock_start == date(2025, 3, 3)
    # from Mon Mar 3: Mar 4–7 (4) 10 11 12 (7) → 12; 13 14 (9) 17–21 (14) 24–28 (19) Mon Mar 31 (20)
    assert view.due("correction_notice_due") == date(2025, 3, 12)
    assert view.due("reply_due") == date(2025, 3, 31)


def test_receipt_on_a_saturday_before_a_makeup_sunday(cal, policy):
    # Sat 2025-01-25 is not a working day; the next working day is the make-up Sunday Jan 26, so the clocks run
    # from Jan 26: 7th = Tue Feb 11 (see HAND); 20th after Jan 26 = 21st after Fri Jan 24 = Feb 27 + 1 = Fri Feb 28
    view = replay(_register("2025-01-25"), cal, policy)
    assert view.received_on == date(2025, 1, 25)
    assert view.clock_start == date(2025, 1, 26)
    assert view.due("correction_notice_due") == date(2025, 2, 11)
    assert view.due("reply_due") == date(2025, 2, 28)


def test_receipt_on_a_makeup_sunday_is_receipt_on_a_working_day(cal, policy):
    # Sun 2025-01-26 is a working day: no shift; 7th = Tue Feb 11, 20th = Fri Feb 28 (as above)
    view = replay(_register("2025-01-26"), cal, policy)
    assert view.clock_start == date(2025, 1, 26)
    assert view.due("correction_notice_due") == date(2025, 2, 11)
    assert view.due("reply_due") == date(2025, 2, 28)


def test_receipt_inside_spring_festival(cal, policy):
    # received Sat 2026-02-21 (inside Feb 15–23): clocks from Tue Feb 24;
    # 7th: Feb 25 26 27 (3) Sat Feb 28 (4) Mar 2 3 4 (7) → Wed Mar 4
    view = replay(_register("2026-02-21"), cal, policy)
    assert view.clock_start == date(2026, 2, 24)
    assert view.due("correction_notice_due") == date(2026, 3, 4)


# -- a year without a schedule --------------------------------------------------------------------------------

def test_missing_year_is_an_error_naming_it(cal):
    with pytest.raises(MissingScheduleError) as exc:
        cal.add_workdays(date(2026, 12, 15), 20)
    assert isinstance(exc.value, ValueError)
    assert "2027" in str(exc.value)
    assert CJK.search(str(exc.value))
    with pytest.raises(MissingScheduleError, match="2027"):
        cal.is_workday(date(2027, 3, 1))
    with pytest.raises(MissingScheduleError, match="2027"):
        cal.workdays_in_year(2027)
    with pytest.raises(MissingScheduleError, match="2027"):
        cal.workdays_between(date(2026, 12, 1), date(2027, 1, 20))


def test_with_assumption_counts_2027_as_monday_to_friday(cal):
    assumed = cal.with_assumption()
    # 2027 starts on a Friday and has 365 days: 52 weeks + 1 Friday → 261 weekdays
    assert assumed.workdays_in_year(2027) == 261
    assert assumed.is_workday(date(2027, 1, 1))  # a Friday; 元旦 is not known yet
    assert not assumed.is_workday(date(2027, 1, 2))
    # Tue 2026-12-15: Dec 16 17 18 (3) 21–25 (8) 28–31 (12) | 2027 as Mon–Fri: Fri Jan 1 (13) 4–8 (18) 11 12 (20)
    assert assumed.add_workdays(date(2026, 12, 15), 20) == date(2027, 1, 12)
    assert assumed.assumed_years(date(2026, 12, 15), date(2027, 1, 12)) == [2027]
    assert assumed.assumed_years(date(2025, 1, 1), date(2026, 12, 31)) == []
    # the original calendar is unchanged
    with pytest.raises(MissingScheduleError):
        cal.add_workdays(date(2026, 12, 15), 20)


# -- override files ---------------------------------------------------------------------------------------------

YEAR_2027 = """\
version = 1

[[history]]
date = 2026-11-01
version = 1
source = "国务院办公厅关于2027年部分节假日安排的通知（测试用虚构内容）"

[[year]]
year = 2027
source = "国务院办公厅关于2027年部分节假日安排的通知（测试用虚构内容）"
holidays = [
  { name = "元旦", from = "2027-01-01", to = "2027-01-03", source = "国办发明电〔2026〕X号" },
  { name = "春节", from = "2027-02-05", to = "2027-02-11", source = "国办发明电〔2026〕X号" },
]
workdays = [
  { name = "春节调休上班", date = "2027-01-31", source = "国办发明电〔2026〕X号" },
  { name = "春节调休上班", date = "2027-02-13", source = "国办发明电〔2026〕X号" },
]
"""

LOCAL_DAY = """\
version = 2

[[history]]
date = 2026-11-01
version = 1
source = "自治区人民政府关于壮族三月三放假的通知（测试用）"

[[history]]
date = 2026-11-01
version = 2
source = "更正日期"

[[day]]
name = "壮族三月三"
date = "2025-03-31"
source = "自治区人民政府关于壮族三月三放假的通知（测试用）"
kind = "holiday"
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "calendar"
    folder.mkdir(exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_published_year_in_a_file_makes_2027_known(tmp_path):
    path = _write(tmp_path, "2027.toml", YEAR_2027)
    years, days, label = parse_file(path)
    assert [y.year for y in years] == [2027] and days == []
    assert label == "2027.toml v1"
    cal27 = load_calendar([path.parent])
    assert 2027 in cal27.known_years
    assert "2027.toml v1" in cal27.version
    assert not cal27.is_workday(date(2027, 1, 1))
    assert not cal27.is_workday(date(2027, 2, 8))  # Monday inside 春节 Feb 5–11
    assert cal27.is_workday(date(2027, 1, 31))  # make-up Sunday
    assert cal27.is_workday(date(2027, 2, 13))  # make-up Saturday
    # 261 weekdays − (Fri Jan 1, Fri Feb 5, Mon–Thu Feb 8–11) + 2 make-up days = 257
    assert cal27.workdays_in_year(2027) == 257
    # Thu 2026-12-31 → Jan 1–3 off → Mon 2027-01-04 is the 1st working day
    assert cal27.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal27.assumed_years(date(2026, 12, 1), date(2027, 3, 1)) == []


def test_a_case_reaching_a_published_2027_is_not_provisional(tmp_path, policy):
    cal27 = load_calendar([_write(tmp_path, "2027.toml", YEAR_2027).parent])
    view = replay(_register("2026-12-15"), cal27, policy)
    # Dec 16–31 (12) | Jan 1–3 off | Jan 4–8 (17) 11 12 13 (20) → Wed 2027-01-13
    assert view.due("reply_due") == date(2027, 1, 13)
    assert view.provisional == []


def test_a_local_holiday_is_added(tmp_path, cal):
    path = _write(tmp_path, "local.toml", LOCAL_DAY)
    years, days, label = parse_file(path)
    assert years == [] and [d.day for d in days] == [date(2025, 3, 31)] and label == "local.toml v2"
    local = load_calendar([path.parent])
    assert cal.is_workday(date(2025, 3, 31))
    assert not local.is_workday(date(2025, 3, 31))
    assert local.workdays_in_year(2025) == 247
    # Fri Mar 28 → Mon Mar 31 is now a holiday → Tue Apr 1
    assert local.add_workdays(date(2025, 3, 28), 1) == date(2025, 4, 1)
    # received Mon 2025-03-03: the 20th was Mon Mar 31, now Tue Apr 1
    assert local.add_workdays(date(2025, 3, 3), 20) == date(2025, 4, 1)
    assert "local.toml v2" in local.version


def test_a_local_workday_is_added(tmp_path):
    text = LOCAL_DAY.replace('kind = "holiday"', 'kind = "workday"').replace("2025-03-31", "2025-03-29")
    local = load_calendar([_write(tmp_path, "local.toml", text).parent])
    assert local.is_workday(date(2025, 3, 29))  # a Saturday made a working day


HEAD = 'version = 1\n\n[[history]]\ndate = 2026-11-01\nversion = 1\nsource = "通知"\n\n'

BAD_FILES = {
    "bad_toml": "version = \n[[year]\n",
    "missing_version": '[[history]]\ndate = 2026-11-01\nversion = 1\nsource = "通知"\n',
    "missing_history": 'version = 1\n\n[[day]]\nname = "节"\ndate = "2025-03-31"\nsource = "通知"\n',
    "history_without_source": 'version = 1\n\n[[history]]\ndate = 2026-11-01\nversion = 1\n',
    "history_without_date": 'version = 1\n\n[[history]]\nversion = 1\nsource = "通知"\n',
    "missing_source": HEAD + '[[day]]\nname = "节"\ndate = "2025-03-31"\n',
    "year_missing_source": HEAD + '[[year]]\nyear = 2027\nholidays = []\n',
    "bad_date": HEAD + '[[day]]\nname = "节"\ndate = "2027-02-30"\nsource = "通知"\n',
    "makeup_on_weekday": HEAD + (
        '[[year]]\nyear = 2027\nsource = "通知"\n'
        'workdays = [{ name = "调休", date = "2027-02-10", source = "通知" }]\n'),
    "unknown_key": 'version = 1\nholiday = "2027-01-01"\n\n[[history]]\ndate = 2026-11-01\nversion = 1\nsource = "通知"\n',
    # a misspelt key inside an entry must not be dropped silently: "workday" for "workdays" would lose the
    # make-up days, "too" for "to" would shorten a holiday to its first day
    "unknown_key_in_year": HEAD + (
        '[[year]]\nyear = 2027\nsource = "通知"\n'
        'workday = [{ name = "调休", date = "2027-01-31", source = "通知" }]\n'),
    "unknown_key_in_range": HEAD + (
        '[[year]]\nyear = 2027\nsource = "通知"\n'
        'holidays = [{ name = "春节", from = "2027-02-05", too = "2027-02-11", source = "通知" }]\n'),
    "bad_kind": HEAD + '[[day]]\nname = "节"\ndate = "2025-03-31"\nsource = "通知"\nkind = "halfday"\n',
}

BAD_MESSAGES = {
    "bad_toml": "格式错误",
    "missing_version": "版本号",
    "missing_history": "history",
    "history_without_source": "history",
    "history_without_date": "date",
    "missing_source": "source",
    "year_missing_source": "source",
    "bad_date": "2027-02-30",
    "makeup_on_weekday": "2027-02-10",
    "unknown_key": "holiday",
    "unknown_key_in_year": "workday",
    "unknown_key_in_range": "too",
    "bad_kind": "kind",
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_malformed_calendar_files_are_refused_in_chinese(tmp_path, case):
    path = _write(tmp_path, f"{case}.toml", BAD_FILES[case])
    with pytest.raises(CalendarFileError) as exc:
        parse_file(path)
    msg = str(exc.value)
    assert isinstance(exc.value, ValueError)
    assert CJK.search(msg), msg
    assert path.name in msg  # the message names the file
    assert BAD_MESSAGES[case] in msg
    with pytest.raises(CalendarFileError):
        load_calendar([path.parent])


def test_a_published_year_replaces_the_packages_data(tmp_path, cal):
    # a correction of 2025 that (for the test) lists only New Year's Day: the package's Spring Festival is gone
    text = HEAD + ('[[year]]\nyear = 2025\nsource = "更正通知"\n'
                   'holidays = [{ name = "元旦", date = "2025-01-01", source = "更正通知" }]\n')
    corrected = load_calendar([_write(tmp_path, "fix2025.toml", text).parent])
    assert cal.is_workday(date(2025, 1, 26)) and not cal.is_workday(date(2025, 1, 28))
    assert not corrected.is_workday(date(2025, 1, 26))  # no longer a make-up Sunday
    assert corrected.is_workday(date(2025, 1, 28))  # an ordinary Tuesday now
    assert not corrected.is_workday(date(2025, 1, 1))
    assert cal.is_workday(date(2024, 2, 4)) and corrected.is_workday(date(2024, 2, 4))  # other years untouched


def test_a_year_entry_must_not_hold_another_years_dates(tmp_path):
    # last year's file copied for 2027 without changing a date: 元旦 2026-01-01..03 inside year = 2027.
    # Only the neighbouring December/January (a holiday spanning the year end) belongs in a year's entry.
    text = HEAD + ('[[year]]\nyear = 2027\nsource = "通知"\n'
                   'holidays = [{ name = "元旦", from = "2026-01-01", to = "2026-01-03", source = "通知" }]\n')
    path = _write(tmp_path, "copied.toml", text)
    with pytest.raises(CalendarFileError, match="2026-01-01"):
        parse_file(path)


def test_a_year_entry_may_reach_into_the_neighbouring_december_and_january(tmp_path):
    # e.g. a New Year's holiday Dec 31 – Jan 2, published in the later year's notice
    text = HEAD + ('[[year]]\nyear = 2027\nsource = "通知"\n'
                   'holidays = [{ name = "元旦", from = "2026-12-31", to = "2027-01-02", source = "通知" }]\n')
    years, _, _ = parse_file(_write(tmp_path, "span.toml", text))
    assert [r.day for r in years[0].rules] == [date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)]


@pytest.mark.parametrize("rng", ['from = "2027-02-11", to = "2027-02-05"', 'from = "2027-01-01", to = "2027-03-01"'])
def test_implausible_holiday_ranges_are_refused(tmp_path, rng):
    text = HEAD + f'[[year]]\nyear = 2027\nsource = "通知"\nholidays = [{{ name = "春节", {rng}, source = "通知" }}]\n'
    with pytest.raises(CalendarFileError) as exc:
        parse_file(_write(tmp_path, "range.toml", text))
    assert CJK.search(str(exc.value))


def test_default_calendar_reads_the_config_folder(tmp_path, monkeypatch):
    from request_flow import config
    from request_flow.calendar import WorkCalendar

    for var in ("REQUEST_FLOW_CONFIG", "REQUEST_FLOW_CALENDAR_DIRS", "calendar_dirs", "CALENDAR_DIRS"):
        monkeypatch.delenv(var, raising=False)
    cfg = tmp_path / "config.toml"
    cfg.write_text("", encoding="utf-8")
    _write(tmp_path, "2027.toml", YEAR_2027)  # tmp_path/calendar/, beside the config file
    config.configure(config=str(cfg))
    try:
        default = WorkCalendar.default()
        assert default.add_workdays(date(2025, 1, 24), 20) == date(2025, 2, 27)
        assert default.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)  # the file's 2027 is used
    finally:
        config.configure()


# -- calendar-day periods (60-day review, 6-month lawsuit): a last day on a holiday moves on ----------------------

@pytest.mark.parametrize(("start", "days", "months", "end"), [
    # Aug 2 + 60 days = Oct 1 2025 (国庆 Oct 1–8 off) → Thu 2025-10-09
    ("2025-08-02", 60, 0, "2025-10-09"),
    # Mar 3 + 60 days = May 2 2025 (劳动节 May 1–5 off) → Tue 2025-05-06
    ("2025-03-03", 60, 0, "2025-05-06"),
    # Mar 10 + 60 days = Fri May 9 2025, a plain working day → unchanged
    ("2025-03-10", 60, 0, "2025-05-09"),
    # Apr 1 2025 + 6 months = Oct 1 → Thu 2025-10-09
    ("2025-04-01", 0, 6, "2025-10-09"),
    # Jul 31 2025 + 6 months = Jan 31 2026, a Saturday → Mon 2026-02-02
    ("2025-07-31", 0, 6, "2026-02-02"),
    # Aug 31 2025 + 6 months: no Feb 31 → Feb 28 2026, a make-up Saturday (a working day) → unchanged
    ("2025-08-31", 0, 6, "2026-02-28"),
])
def test_calendar_day_periods(cal, start, days, months, end):
    from request_flow.domain.workdays import add_calendar_period

    assert add_calendar_period(cal, D(start), days=days, months=months) == D(end)
