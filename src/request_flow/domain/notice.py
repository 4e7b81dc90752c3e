"""Reading the State Council's yearly holiday notice (国务院办公厅关于××年部分节假日安排的通知).

The notice has a standard wording, kept from year to year: a title naming the year, then numbered items, one per
holiday, each a name, a colon and sentences of three kinds:

    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
    一、元旦：1月1日（周三）放假1天，不调休。
    一、元旦：1月1日放假，与周末连休。
    一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。

a holiday (a day or a range, within a month, across months or across the New Year, 放假 or 放假调休, with its
count 共N天 or N天), the make-up weekend days (…上班), and advice that changes no day (鼓励各单位…). Everything
else of the text (the addressees, the preamble, the closing paragraph, the signature) is not part of any item.

`parse_notice` reads the whole text or refuses it with one line (BadInput) naming the item and the rule: an
item it cannot read, a date that does not exist or whose weekday in brackets is wrong, a 上班 day that is not a
Saturday or Sunday, a range that does not cover the days its count says, 放假调休 without a make-up day (or
make-up days without 调休), two items giving the same day, items missing from the numbering, a title without a
year. It never guesses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import BadInput
from .workdays import DayRule, YearSchedule

__all__ = ["Notice", "NoticeHoliday", "NoticeWorkday", "parse_notice", "WEEKDAYS"]

WEEKDAYS = "一二三四五六日"
_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_MAX_RANGE = 31  # no holiday of the notice runs longer; the calendar files refuse longer ones too

# After NFKC: full-width brackets, colons, commas and digits are ASCII; 、 and 。 stay as they are.
_DATE = r"(?:(?P<{p}y>\d{{4}})年)?(?:(?P<{p}m>\d{{1,2}})月)?(?P<{p}d>\d{{1,2}})日(?:\((?P<{p}w>[^()]*)\))?"
_ONE_DATE = re.compile(_DATE.format(p=""))
_HOLIDAY = re.compile(
    _DATE.format(p="a") + r"(?:至" + _DATE.format(p="b") + r")?"
    r"放假(?P<tx>调休)?(?P<n>\d+)?(?(n)天)(?P<rest>(?:,(?:共\d+天|与周末连休|不调休))*)"
)
_WORKDAYS = re.compile(r"(?P<days>.+)上班")
_ITEM = re.compile(r"^(?P<no>[一二三四五六七八九十]{1,3})、(?P<text>.*)$")
_TITLE = re.compile(r"关于(\d{4})年部分节假日安排的通知")
_NUMBER = re.compile(r"国办发明电[〔\[(]?(\d{4})[〕\])]?(\d{1,4})号")
_SIGNED = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_PREAMBLE_YEAR = re.compile(r"现将(\d{4})年")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff \t"), None)


@dataclass(frozen=True)
class NoticeHoliday:
    item: int
    name: str
    first: date
    last: date
    makeup: bool  # 放假调休: weekdays off that are made up on the item's 上班 days

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class NoticeWorkday:
    item: int
    name: str  # the holiday it makes up for
    day: date


@dataclass(frozen=True)
class Notice:
    year: int
    title: str
    number: str | None  # 文号, e.g. 国办发明电〔2024〕12号
    signed_on: date | None
    holidays: tuple[NoticeHoliday, ...]
    workdays: tuple[NoticeWorkday, ...]
    advice: tuple[str, ...]  # sentences that change no day (鼓励各单位…)

    @property
    def source(self) -> str:
        parts = [p for p in (self.number, _cn_date(self.signed_on) if self.signed_on else None) if p]
        return self.title + (f"（{'，'.join(parts)}）" if parts else "")

    def rules(self) -> list[DayRule]:
        out = []
        for h in self.holidays:
            d = h.first
            while d <= h.last:
                out.append(DayRule(d, False, h.name, self.source))
                d += timedelta(days=1)
        out += [DayRule(w.day, True, f"{w.name}调休上班", self.source) for w in self.workdays]
        return sorted(out, key=lambda r: r.day)

    def schedule(self) -> YearSchedule:
        return YearSchedule(self.year, self.source, tuple(self.rules()))


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _numeral(text: str) -> int:
    """一 … 九十九 (the items of a notice number seven or so)."""
    if len(text) == 1:
        return _NUMERALS[text] if text != "十" else 10
    if text[0] == "十":
        return 10 + _NUMERALS[text[1]]
    if text[-1] == "十":
        return _NUMERALS[text[0]] * 10
    return _NUMERALS[text[0]] * 10 + _NUMERALS[text[2]] if len(text) == 3 and text[1] == "十" else -1


def _lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text)
    return [line.translate(_INVISIBLE) for line in text.splitlines()]


def parse_notice(text: str) -> Notice:
    """The notice's year, holidays and make-up days, or BadInput naming what could not be read."""
    lines = _lines(text)
    compact = "".join(lines)
    title = _TITLE.search(compact)  # the first: a page saved from the web may link other years' notices below
    if not title:
        raise BadInput("找不到通知标题中的年份：标题应为「国务院办公厅关于××××年部分节假日安排的通知」，未写入任何内容")
    year = int(title[1])
    if not 2000 <= year <= 2100:
        raise BadInput(f"通知标题中的年份{year}不在2000至2100年之间，未写入任何内容")
    for y in _PREAMBLE_YEAR.findall(compact):
        if int(y) != year:
            raise BadInput(f"通知正文「现将{y}年……」与标题中的{year}年不一致，未写入任何内容")
    number = None
    m = _NUMBER.search(compact)
    if m:
        number = f"国办发明电〔{m[1]}〕{int(m[2])}号"
    signed_on = None
    for line in lines:
        s = _SIGNED.match(line)
        if s:
            signed_on = _real_date(int(s[1]), int(s[2]), int(s[3]), "通知的成文日期")

    items = _items(lines)
    if not items:
        raise BadInput("通知中没有找到编号的放假安排（如「一、元旦：1月1日放假1天。」），未写入任何内容")
    numbers = [no for no, _ in items]
    if numbers != list(range(1, len(items) + 1)):
        expected, got = next((i, n) for i, n in enumerate(numbers, 1) if n != i)
        if got < expected:
            raise BadInput(f"通知的编号不连续：第{_cn_numeral(got)}项出现两次，可能是两份通知连在一起，未写入任何内容")
        raise BadInput(f"通知的编号不连续：应有第{_cn_numeral(expected)}项，文本可能不完整，未写入任何内容")

    holidays: list[NoticeHoliday] = []
    workdays: list[NoticeWorkday] = []
    advice: list[str] = []
    for no, body in items:
        h, w, a = _item(year, no, body)
        holidays += h
        workdays += w
        advice += a
    _check_whole(holidays, workdays)
    return Notice(year, f"国务院办公厅关于{year}年部分节假日安排的通知", number, signed_on, tuple(holidays),
                  tuple(sorted(workdays, key=lambda w: w.day)), tuple(advice))


def _cn_numeral(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 10:
        return "十" if n == 10 else digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _items(lines: list[str]) -> list[tuple[int, str]]:
    """The numbered paragraphs; a paragraph wrapped over several lines runs on until its full stop, and a
    sentence of its own kinds on the next line is still part of it. The first other line after an item (the
    closing paragraph) ends the list: what follows the signature (a web page's footer) is no part of any item."""
    items: list[tuple[int, str]] = []
    open_item = in_items = False
    for line in lines:
        m = _ITEM.match(line)
        if m:
            no = _numeral(m["no"])
            if no < 1:
                raise BadInput(f"通知中的编号「{m['no']}、」无法识别，未写入任何内容")
            items.append((no, m["text"]))
            open_item, in_items = not m["text"].endswith("。"), True
        elif in_items and line and (open_item or _continues(line)):
            no, text = items[-1]
            items[-1] = (no, text + line)
            open_item = not line.endswith("。")
        elif line:
            in_items = False
    return items


def _continues(line: str) -> bool:
    """A line after a finished paragraph that still belongs to its item: a sentence of make-up days or of
    advice wrapped onto a line of its own (the signature's date is not one)."""
    return (line[0].isdigit() and not _SIGNED.match(line)) or line.startswith("鼓励")


def _item(year: int, no: int, body: str) -> tuple[list[NoticeHoliday], list[NoticeWorkday], list[str]]:
    label = f"通知第{_cn_numeral(no)}项"
    name, colon, rest = body.partition(":")
    if not colon or not name or len(name) > 20 or not name.isprintable():
        raise BadInput(f"{label}无法识别：应为「节日名称：日期放假……」，未写入任何内容")
    label = f"{label}（{name}）"
    holidays: list[NoticeHoliday] = []
    workdays: list[NoticeWorkday] = []
    advice: list[str] = []
    tiaoxiu: bool | None = None
    for sentence in (s for s in rest.split("。") if s):
        if sentence.startswith("鼓励"):
            advice.append(sentence + "。")
            continue
        m = _HOLIDAY.fullmatch(sentence)
        if m:
            h, makeup = _holiday(year, no, name, label, m)
            holidays.append(h)
            tiaoxiu = bool(tiaoxiu) or makeup
            continue
        m = _WORKDAYS.fullmatch(sentence)
        if m:
            workdays += _workdays(year, no, name, label, m["days"])
            continue
        shown = sentence if len(sentence) <= 40 else sentence[:40] + "……"
        raise BadInput(f"{label}有一句无法识别：「{shown}」，未写入任何内容")
    if not holidays:
        raise BadInput(f"{label}没有写明放假日期，未写入任何内容")
    if tiaoxiu and not workdays:
        raise BadInput(f"{label}写明「放假调休」，却没有写明哪天上班，文本可能不完整，未写入任何内容")
    if workdays and not tiaoxiu:
        raise BadInput(f"{label}写明了上班日，却没有写「放假调休」，未写入任何内容")
    return holidays, workdays, advice


def _real_date(y: int, m: int, d: int, what: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise BadInput(f"{what}：{y}年{m}月{d}日不是实际存在的日期，未写入任何内容") from None


def _date(groups: dict[str, str | None], p: str, year: int, month: int | None, label: str, check: bool = True) -> date:
    given_y, given_m = groups[p + "y"], groups[p + "m"]
    y = int(given_y) if given_y else year
    if given_m:
        m = int(given_m)
    elif month is not None:
        m = month
    else:
        raise BadInput(f"{label}：「{groups[p + 'd']}日」没有写月份，未写入任何内容")
    d = _real_date(y, m, int(groups[p + "d"] or 0), label)
    if check:
        _check_weekday(d, groups[p + "w"], label)
    return d


def _check_weekday(d: date, note: str | None, label: str) -> None:
    """The bracket after a date: (周四), (星期六), (农历除夕、周二): the weekday, when given, must be the date's."""
    for part in (note or "").split("、"):
        m = re.fullmatch(r"(?:周|星期)([一二三四五六日天])", part)
        if m:
            given = WEEKDAYS.index("日" if m[1] == "天" else m[1])
            if given != d.weekday():
                raise BadInput(f"{label}：{d.month}月{d.day}日是周{WEEKDAYS[d.weekday()]}，不是通知所写的「{part}」，"
                               "未写入任何内容")


def _in_reach(d: date, year: int, label: str) -> None:
    # a New Year range may begin in December of the year before or end in January of the year after
    if not (d.year == year or (d.year == year - 1 and d.month == 12) or (d.year == year + 1 and d.month == 1)):
        raise BadInput(f"{label}：{d.year}年{d.month}月{d.day}日不在{year}年的放假安排之内，未写入任何内容")


def _holiday(year: int, no: int, name: str, label: str, m: re.Match) -> tuple[NoticeHoliday, bool]:
    g = m.groupdict()
    if not g["am"]:
        raise BadInput(f"{label}：放假的第一天「{g['ad']}日」没有写月份，未写入任何内容")
    first = _date(g, "a", year, None, label)
    if g["bd"] is not None:
        last = _date(g, "b", first.year, first.month, label, check=False)
        if last < first and not g["by"] and g["bm"]:  # 12月31日至1月2日: into the next year
            last = _date(g, "b", first.year + 1, first.month, label, check=False)
        if last < first:
            raise BadInput(f"{label}：放假的最后一天早于第一天，未写入任何内容")
        _check_weekday(last, g["bw"], label)
    else:
        last = first
    for d in (first, last):
        _in_reach(d, year, label)
    span = (last - first).days + 1
    if span > _MAX_RANGE:
        raise BadInput(f"{label}：放假{span}天，超过{_MAX_RANGE}天，未写入任何内容")
    rest = [r for r in (g["rest"] or "").split(",") if r]
    counts = [int(g["n"])] if g["n"] else []
    counts += [int(r[1:-1]) for r in rest if r.startswith("共")]
    for n in counts:
        if n != span:
            raise BadInput(f"{label}：写明共{n}天，而{first.month}月{first.day}日至{last.month}月{last.day}日是{span}天，"
                           "未写入任何内容")
    makeup = bool(g["tx"])
    if makeup and "不调休" in rest:
        raise BadInput(f"{label}：既写「放假调休」又写「不调休」，未写入任何内容")
    if "与周末连休" in rest:
        before, after = first - timedelta(days=1), last + timedelta(days=1)
        if before.weekday() != 6 and after.weekday() != 5:
            raise BadInput(f"{label}：写明「与周末连休」，但{first.month}月{first.day}日至{last.month}月{last.day}日"
                           "前后都不是周末，未写入任何内容")
    if not counts and "与周末连休" not in rest and span > 1:
        raise BadInput(f"{label}：放假多天应写明共几天（共N天），未写入任何内容")
    return NoticeHoliday(no, name, first, last, makeup), makeup


def _workdays(year: int, no: int, name: str, label: str, text: str) -> list[NoticeWorkday]:
    out: list[NoticeWorkday] = []
    pos = 0
    while True:
        m = _ONE_DATE.match(text, pos)
        if not m or not m["m"]:
            part = text[pos:].split("、")[0]
            shown = part if len(part) <= 40 else part[:40] + "……"
            raise BadInput(f"{label}：上班日「{shown}」无法识别（应为「2月14日（周六）」），未写入任何内容")
        d = _date(m.groupdict(), "", year, None, label)
        _in_reach(d, year, label)
        if d.weekday() < 5:
            raise BadInput(f"{label}：上班日{d.month}月{d.day}日是周{WEEKDAYS[d.weekday()]}，不是周末，"
                           "调休上班日只能是周六或周日，未写入任何内容")
        out.append(NoticeWorkday(no, name, d))
        pos = m.end()
        if pos == len(text):
            return out
        if text[pos] != "、":
            part = text[pos:]
            shown = part if len(part) <= 40 else part[:40] + "……"
            raise BadInput(f"{label}：上班日之后的「{shown}」无法识别，未写入任何内容")
        pos += 1


def _check_whole(holidays: list[NoticeHoliday], workdays: list[NoticeWorkday]) -> None:
    seen: dict[date, str] = {}
    for h in holidays:
        d = h.first
        while d <= h.last:
            if d in seen:
                raise BadInput(f"{d.month}月{d.day}日在通知中出现两次（{seen[d]}、{h.name}），未写入任何内容")
            seen[d] = h.name
            d += timedelta(days=1)
    for w in workdays:
        if w.day in seen:
            raise BadInput(f"{w.day.month}月{w.day.day}日既是放假日（{seen[w.day]}）又是上班日（{w.name}），未写入任何内容")
        seen[w.day] = w.name
