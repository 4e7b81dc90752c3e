"""Reading the State Council's holiday notice (docs/clocks.md, "Importing the State Council's notice").

The fixtures in notices/ are the notices for 2024, 2025 and 2026 typed in from their official wording, and a
made-up 2027-like notice. The independent check for the real ones is the installed `chinese-calendar` package:
parsing a notice must give exactly the package's schedule for that year, every day of it. The made-up one is
checked against dates typed in by hand from its text.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from chinese_calendar import constants

from request_flow.domain.errors import BadInput
from request_flow.domain.notice import parse_notice
from request_flow.domain.workdays import WorkCalendar

NOTICES = Path(__file__).parent / "notices"


def text(name: str) -> str:
    return (NOTICES / name).read_text(encoding="utf-8")


def D(s: str) -> date:
    return date.fromisoformat(s)


def days_of(year: int):
    d = date(year, 1, 1)
    while d.year == year:
        yield d
        d += timedelta(days=1)


@pytest.mark.parametrize("year, workdays", [(2024, 251), (2025, 248), (2026, 248)])
def test_a_real_notice_gives_exactly_the_packages_schedule(year, workdays):
    notice = parse_notice(text(f"{year}.txt"))
    assert notice.year == year
    off = {r.day for r in notice.rules() if not r.working and r.day.year == year}
    on = {r.day for r in notice.rules() if r.working}
    assert off == {d for d in constants.holidays if d.year == year}
    assert on == {d for d in constants.workdays if d.year == year}
    cal = WorkCalendar({year: notice.schedule()})
    assert [d for d in days_of(year) if cal.is_workday(d) != chinese_calendar.is_workday(d)] == []
    assert sum(map(cal.is_workday, days_of(year))) == workdays  # docs/clocks.md's table


def test_the_2025_notice_by_hand():
    n = parse_notice(text("2025.txt"))
    assert n.source == "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）"
    assert [(h.name, h.first, h.last, h.days, h.makeup) for h in n.holidays] == [
        ("元旦", D("2025-01-01"), D("2025-01-01"), 1, False),
        ("春节", D("2025-01-28"), D("2025-02-04"), 8, True),  # across two months
        ("清明节", D("2025-04-04"), D("2025-04-06"), 3, False),
        ("劳动节", D("2025-05-01"), D("2025-05-05"), 5, True),
        ("端午节", D("2025-05-31"), D("2025-06-02"), 3, False),
        ("国庆节、中秋节", D("2025-10-01"), D("2025-10-08"), 8, True),
    ]
    # Sun Jan 26 and Sat Feb 8 for the Spring Festival, Sun Apr 27 for Labour Day, Sun Sep 28 and Sat Oct 11
    assert [(w.name, w.day) for w in n.workdays] == [
        ("春节", D("2025-01-26")), ("春节", D("2025-02-08")), ("劳动节", D("2025-04-27")),
        ("国庆节、中秋节", D("2025-09-28")), ("国庆节、中秋节", D("2025-10-11"))]


def test_the_2024_notice_keeps_its_advice_apart():
    n = parse_notice(text("2024.txt"))
    # 除夕 Fri Feb 9 stays a working day: the notice only encourages giving it off
    assert len(n.advice) == 1 and "除夕" in n.advice[0]
    assert D("2024-02-09") not in {r.day for r in n.rules()}
    assert [h.first for h in n.holidays if h.name in ("元旦", "端午节")] == [D("2024-01-01"), D("2024-06-10")]


MADE_UP = "2027-made-up.txt"


def test_a_made_up_2027_notice():
    n = parse_notice(text(MADE_UP))
    assert n.year == 2027 and n.number is None and n.signed_on == D("2026-11-10")
    assert [(h.name, h.first.isoformat(), h.last.isoformat()) for h in n.holidays] == [
        ("元旦", "2027-01-01", "2027-01-03"), ("春节", "2027-02-05", "2027-02-13"),
        ("清明节", "2027-04-03", "2027-04-05"), ("劳动节", "2027-05-01", "2027-05-05"),
        ("端午节", "2027-06-09", "2027-06-09"), ("中秋节", "2027-09-15", "2027-09-15"),
        ("国庆节", "2027-10-01", "2027-10-07")]
    assert [w.day.isoformat() for w in n.workdays] == [
        "2027-02-14", "2027-02-20", "2027-04-25", "2027-05-08", "2027-09-26", "2027-10-09"]
    cal = WorkCalendar({2027: n.schedule()})
    # 365 days, 104 weekend days (Jan 1 2027 is a Friday: 52 Saturdays, 52 Sundays) → 261 weekdays; off on a
    # weekday: Jan 1; Feb 5, 8-12; Apr 5; May 3-5; Jun 9; Sep 15; Oct 1, 4-7 = 1+6+1+3+1+1+5 = 18; plus 6 make-up
    assert sum(map(cal.is_workday, days_of(2027))) == 261 - 18 + 6


def test_older_wording_and_the_new_year_across_two_years():
    """星期X in the brackets, a range into the next year with its years written out, a paragraph wrapped over
    two lines, full-width digits."""
    n = parse_notice("国务院办公厅关于2019年部分节假日安排的通知\n"
                     "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。\n"
                     "2018年12月29日（星期六）上班。\n"
                     "二、春节：２月４日至１０日放假调休，共７天。2月2日（星期六）、2月3日（星期日）上班。\n")
    assert [(h.first, h.last) for h in n.holidays] == [(D("2018-12-30"), D("2019-01-01")),
                                                        (D("2019-02-04"), D("2019-02-10"))]
    assert [w.day for w in n.workdays] == [D("2018-12-29"), D("2019-02-02"), D("2019-02-03")]
    n = parse_notice("国务院办公厅关于2028年部分节假日安排的通知\n一、元旦：2027年12月31日（周五）至1月2日（周日）放假，共3天。")
    assert (n.holidays[0].first, n.holidays[0].last) == (D("2027-12-31"), D("2028-01-02"))


# Each a change of the made-up notice's text, and a piece of the one line that refuses it.
BROKEN = [
    ("关于2027年部分节假日安排的通知", "关于部分节假日安排的通知", "找不到通知标题中的年份"),
    ("五、端午节：6月9日（周三）放假1天，不调休。", "五、端午节：农历五月初五放假。", "第五项（端午节）有一句无法识别"),
    ("五、端午节：6月9日（周三）放假1天", "五、端午节：6月31日放假1天", "6月31日不是实际存在的日期"),
    ("2月20日（周六）上班", "2月19日上班", "2月19日是周五，不是周末"),
    ("共9天", "共8天", "写明共8天，而2月5日至2月13日是9天"),
    ("1月1日（周五）", "1月1日（周四）", "1月1日是周五，不是通知所写的「周四」"),
    ("三、清明节：4月3日（周六）至5日（周一）放假，共3天。\n", "", "应有第三项"),
    ("4月25日（周日）、5月8日（周六）上班。", "", "第四项（劳动节）写明「放假调休」，却没有写明哪天上班"),
    ("六、中秋节：9月15日（周三）", "六、中秋节：10月1日（周五）", "10月1日在通知中出现两次"),
    ("2月20日（周六）上班", "2月13日（周六）上班", "2月13日既是放假日（春节）又是上班日"),
    ("六、中秋节：9月15日（周三）", "六、中秋节：2028年9月15日", "2028年9月15日不在2027年"),
    ("五、端午节：6月9日（周三）放假1天，不调休。", "五、端午节：6月9日（周三）放假1天，不调休。具体另行通知。",
     "有一句无法识别：「具体另行通知」"),
    ("一、元旦：1月1日（周五）至3日（周日）放假，共3天。", "一、元旦：1月1日（周五）至3日（周日）放假。",
     "放假多天应写明共几天"),
    ("五、端午节：6月9日（周三）放假1天，不调休。", "五、端午节：6月9日（周三）放假调休1天，不调休。", "既写「放假调休」又写「不调休」"),
    ("五、端午节：6月9日（周三）放假1天，不调休。", "五、端午节 6月9日放假。", "第五项无法识别"),
    ("现将2027年元旦", "现将2028年元旦", "与标题中的2027年不一致"),
    # two notices run together: the second's items restart the numbering
    ("节假日期间", "一、元旦：1月1日（周五）放假1天，不调休。\n节假日期间", "第一项出现两次"),
]


@pytest.mark.parametrize("old, new, message", BROKEN, ids=[b[2] for b in BROKEN])
def test_a_text_it_cannot_read_completely_is_refused_with_one_line(old, new, message):
    original = text(MADE_UP)
    assert old in original
    with pytest.raises(BadInput) as exc:
        parse_notice(original.replace(old, new, 1))
    line = str(exc.value)
    assert message in line and "\n" not in line and line.endswith("未写入任何内容")


@pytest.mark.parametrize("body", ["", "随便一段文字", "国务院办公厅关于2027年部分节假日安排的通知\n（正文缺失）"])
def test_a_text_that_is_no_notice_is_refused(body):
    with pytest.raises(BadInput):
        parse_notice(body)


def test_a_notice_copied_from_a_web_page_with_its_header_and_footer():
    page = ("首页 > 政策 > 国务院文件\n发布时间：2024-11-12 17:00 来源：国务院办公厅\n" + text("2025.txt")
            + "\n2024-11-12 17:00\n【我要纠错】 责任编辑：某某\n相关链接：国务院办公厅关于2024年部分节假日安排的通知\n")
    n = parse_notice(page)
    assert n.year == 2025 and len(n.holidays) == 6 and n.signed_on == D("2024-11-12")
