"""The working-day calendar as a library: the official schedules plus a body's override files.

    from request_flow.calendar import WorkCalendar
    cal = WorkCalendar.default()
    cal.add_workdays(date(2025, 1, 24), 20)   # date(2025, 2, 27)

Sources, in order: the `chinese-calendar` package (State Council schedules 2004–2026 at the time of writing),
then every `*.toml` file in the configured calendar folders, in name order. A file can publish a whole year
(`[[year]]`, which replaces the package's data for that year: a correction) and add single days
(`[[day]]`: a local holiday or a make-up day). Every entry names its source document; each file carries a
`version` and a `[[history]]` of its changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from .domain.errors import Refused
from .domain.notice import Notice
from .domain.workdays import DayRule, MissingScheduleError, YearSchedule
from .domain.workdays import WorkCalendar as _WorkCalendar

__all__ = ["WorkCalendar", "MissingScheduleError", "CalendarFileError", "load_calendar"]

OFFICIAL_SOURCE = "国务院办公厅关于{year}年部分节假日安排的通知"


class CalendarFileError(ValueError):
    """A calendar override file that cannot be trusted; the message names the file and the rule."""


def _official() -> tuple[dict[int, YearSchedule], str]:
    import chinese_calendar
    from chinese_calendar import constants

    chinese = {h.value: h.chinese for h in constants.Holiday}
    rules: dict[int, list[DayRule]] = {}
    for day, name in constants.holidays.items():
        rules.setdefault(day.year, []).append(DayRule(day, False, chinese.get(name, name), OFFICIAL_SOURCE.format(year=day.year)))
    for day, name in constants.workdays.items():
        rules.setdefault(day.year, []).append(
            DayRule(day, True, f"{chinese.get(name, name)}调休上班", OFFICIAL_SOURCE.format(year=day.year)))
    schedules = {
        y: YearSchedule(y, OFFICIAL_SOURCE.format(year=y), tuple(sorted(r, key=lambda r: r.day)))
        for y, r in rules.items()
    }
    return schedules, f"chinese-calendar {chinese_calendar.__version__}"


def _as_date(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CalendarFileError(f"{where}：日期「{value}」无效，应为 YYYY-MM-DD") from None


def _require(entry: dict, key: str, where: str) -> object:
    if key not in entry or entry[key] in ("", None):
        raise CalendarFileError(f"{where}：缺少「{key}」（每一项都必须写明{ {'source': '依据的文件', 'name': '名称'}.get(key, key) }）")
    return entry[key]


def _no_unknown_keys(entry: dict, allowed: set[str], where: str) -> None:
    """A misspelt key must not silently drop a holiday or a make-up day."""
    unknown = set(entry) - allowed
    if unknown:
        raise CalendarFileError(f"{where}：不认识的项目 {'、'.join(sorted(unknown))}（可用：{'、'.join(sorted(allowed))}）")


def _day_rules(entry: dict, where: str, working: bool) -> list[DayRule]:
    if not isinstance(entry, dict):
        raise CalendarFileError(f"{where}：应为一个表，如 {{ name = \"…\", date = 2027-01-01, source = \"…\" }}")
    _no_unknown_keys(entry, {"name", "date", "from", "to", "source", "kind", "note"}, where)
    name = str(_require(entry, "name", where))
    source = str(_require(entry, "source", where))
    if "date" in entry:
        first = last = _as_date(entry["date"], where)
    else:
        first = _as_date(_require(entry, "from", where), where)
        last = _as_date(entry.get("to", first), where)
        if last < first:
            raise CalendarFileError(f"{where}：结束日期早于开始日期")
        if (last - first).days > 31:
            raise CalendarFileError(f"{where}：一段假期不应超过31天")
    out = []
    d = first
    while d <= last:
        out.append(DayRule(d, working, name, source))
        d += timedelta(days=1)
    return out


def parse_file(path: Path) -> tuple[list[YearSchedule], list[DayRule], str]:
    """Read one override file. Raises CalendarFileError naming the file, the entry and the rule."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CalendarFileError(f"日历文件 {path.name} 格式错误（应为 UTF-8 编码的 TOML）：{exc}") from None
    return parse_text(text, path)


def parse_text(text: str, path: Path) -> tuple[list[YearSchedule], list[DayRule], str]:
    """As parse_file, for the text of a file (one about to be written)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarFileError(f"日历文件 {path.name} 格式错误（应为 UTF-8 编码的 TOML）：{exc}") from None
    version = doc.get("version")
    if not isinstance(version, int) or version < 1:
        raise CalendarFileError(f"日历文件 {path.name}：缺少版本号 version（正整数，每次修改加一）")
    history = doc.get("history") or []
    if not history or not all(isinstance(h, dict) and h.get("version") and h.get("source") and h.get("date")
                              for h in history):
        raise CalendarFileError(f"日历文件 {path.name}：每次修改都要在 [[history]] 中记录 version、date（修改日期）和 source（依据的文件）")
    unknown = set(doc) - {"version", "history", "year", "day", "description"}
    if unknown:
        raise CalendarFileError(f"日历文件 {path.name}：不认识的项目 {'、'.join(sorted(unknown))}（可用 year、day、history）")
    years: list[YearSchedule] = []
    for i, y in enumerate(doc.get("year") or [], 1):
        where = f"日历文件 {path.name} 第{i}个 [[year]]"
        if not isinstance(y, dict):
            raise CalendarFileError(f"{where}：应为一个表")
        _no_unknown_keys(y, {"year", "source", "holidays", "workdays", "note"}, where)
        year = y.get("year")
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise CalendarFileError(f"{where}：年份 year 无效")
        source = str(_require(y, "source", where))
        rules: list[DayRule] = []
        for j, h in enumerate(y.get("holidays") or [], 1):
            rules += _day_rules(h, f"{where} 的第{j}个假期", working=False)
        for j, w in enumerate(y.get("workdays") or [], 1):
            rules += _day_rules(w, f"{where} 的第{j}个调休上班日", working=True)
        for r in rules:
            # a holiday range may run over New Year: December of the year before, January of the year after
            if not (r.day.year == year or (r.day.year == year - 1 and r.day.month == 12)
                    or (r.day.year == year + 1 and r.day.month == 1)):
                raise CalendarFileError(f"{where}：{r.day.isoformat()} 不在 {year} 年")
            if r.working and r.day.weekday() < 5:
                raise CalendarFileError(f"{where}：{r.day.isoformat()} 是工作日（周一至周五），不能列为调休上班日")
        years.append(YearSchedule(year, source, tuple(sorted(rules, key=lambda r: r.day))))
    days: list[DayRule] = []
    for i, d in enumerate(doc.get("day") or [], 1):
        where = f"日历文件 {path.name} 第{i}个 [[day]]"
        kind = d.get("kind", "holiday") if isinstance(d, dict) else None
        if kind not in ("holiday", "workday"):
            raise CalendarFileError(f"{where}：kind 应为 holiday（放假）或 workday（上班）")
        days += _day_rules(d, where, working=kind == "workday")
    return years, days, f"{path.name} v{version}"


def calendar_files(dirs: Iterable[Path], adding: Path | None = None) -> list[Path]:
    """The override files in the order they are read; `adding`, a file about to be written, in its place."""
    files: list[Path] = []
    for d in dirs:
        found = set(d.glob("*.toml")) if d.is_dir() else set()
        if adding is not None and adding.parent == d:
            found.add(adding)
        files += sorted(found)
    return files


def load_calendar(dirs: Iterable[Path] = (), replacing: tuple[Path, str] | None = None) -> _WorkCalendar:
    """The calendar of the package and the files in `dirs`; `replacing` (a path and its text) is read as if
    that file were already written: the calendar a change would give, before anything is written."""
    schedules, version = _official()
    local: list[DayRule] = []
    parts = [version]
    for path in calendar_files(dirs, replacing[0] if replacing else None):
        years, days, label = parse_text(replacing[1], path) if replacing and path == replacing[0] else parse_file(path)
        for y in years:
            schedules[y.year] = y  # a published or corrected year replaces the package's data
        local += days
        parts.append(label)
    return WorkCalendar(schedules, local, version="; ".join(parts))


def fingerprint(dirs: Iterable[Path]) -> str:
    """Changes whenever a calendar file changes: the cue to recompute open cases."""
    h = hashlib.sha256()
    for path in calendar_files(dirs):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


class WorkCalendar(_WorkCalendar):
    """The public calendar API (docs/clocks.md, "The Python API")."""

    @classmethod
    def default(cls) -> _WorkCalendar:
        """The official schedules plus the body's configured overrides."""
        from .config import get_settings

        dirs = tuple(get_settings().calendar_dirs())
        return _cached(dirs, _stamp(dirs))


def _stamp(dirs: tuple[Path, ...]) -> tuple:
    """Cheap: names, sizes and modification times. A long-running worker sees a changed calendar file."""
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in calendar_files(dirs))


@lru_cache(maxsize=4)
def _cached(dirs: tuple[Path, ...], stamp: tuple) -> _WorkCalendar:
    return load_calendar(dirs)


# -- a State Council notice into the body's calendar file for its year ----------------------------------------------

NOTICE_HEADER = ("# 由 request-flow calendar import-notice 根据国务院办公厅的放假通知写入。\n"
                 "# 通知更正后请重新导入；手工修改时 version 加一，并在 [[history]] 中记录。\n")


@dataclass(frozen=True)
class NoticePlan:
    """What importing a notice does to the body's calendar file for its year, worked out before writing."""

    path: Path
    text: str  # the file as it will be (the present file when nothing changes)
    version: int
    previous: int | None  # the version it replaces; None for a new file
    changed: bool
    calendar: _WorkCalendar  # the calendar in force once the file is written


def plan_notice(dirs: list[Path], target_dir: Path, notice: Notice, today: date, by: str = "") -> NoticePlan:
    """The file `<year>.toml` in `target_dir` with the notice's year in it, every other entry of a file already
    there kept. The same notice imported again changes nothing; a changed one makes a new version with its
    history. Raises Refused when the result would not be what the calendar reads for that year."""
    path = target_dir / f"{notice.year}.toml"
    schedule = notice.schedule()
    doc: dict = {}
    if path.exists():
        parse_file(path)  # an unreadable file is refused as such, never overwritten
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        mine = [y for y in doc.get("year") or [] if y.get("year") == notice.year]
        if mine and _same(path, notice.year, schedule):
            cal = load_calendar(dirs)
            _check_in_force(cal, schedule, path)
            return NoticePlan(path, path.read_text(encoding="utf-8"), doc["version"], doc["version"], False, cal)
    previous = doc.get("version") if doc else None
    version = (previous or 0) + 1
    history = list(doc.get("history") or []) + [{
        "version": version, "date": today, "source": notice.source, **({"by": by} if by else {}),
        "note": ("导入国务院办公厅的放假通知" if previous is None else f"重新导入国务院办公厅的放假通知，取代第{previous}版中{notice.year}年的安排")}]
    entry = {"year": notice.year, "source": notice.source,
             "holidays": [{"name": h.name, "from": h.first, "to": h.last, "source": notice.source} for h in notice.holidays],
             "workdays": [{"name": f"{w.name}调休上班", "date": w.day, "source": notice.source} for w in notice.workdays]}
    years = [y for y in doc.get("year") or [] if y.get("year") != notice.year] + [entry]
    new = {k: v for k, v in doc.items() if k not in ("version", "history", "year", "day")}
    text = NOTICE_HEADER + _toml_doc({**new, "version": version, "history": history, "year": years, "day": doc.get("day") or []})
    got = [y for y in parse_text(text, path)[0] if y.year == notice.year]
    if len(got) != 1 or got[0] != schedule:  # the file must read back as exactly the notice
        raise CalendarFileError(f"日历文件 {path.name} 无法准确写入{notice.year}年的安排，未写入任何内容")
    cal = load_calendar(dirs, replacing=(path, text))
    _check_in_force(cal, schedule, path)
    return NoticePlan(path, text, version, previous, True, cal)


def _same(path: Path, year: int, schedule: YearSchedule) -> bool:
    years = [y for y in parse_file(path)[0] if y.year == year]
    return len(years) == 1 and years[0] == schedule


def _check_in_force(cal: _WorkCalendar, schedule: YearSchedule, path: Path) -> None:
    if cal.schedules.get(schedule.year) != schedule:
        raise Refused(f"另一个日历文件也写了{schedule.year}年的安排，且排在 {path.name} 之后，会取代导入的通知；"
                      f"请先删去那里的 [[year]] {schedule.year}，未写入任何内容")


def write_atomic(path: Path, text: str) -> None:
    """Written whole or not at all: a reader (a worker's sweep) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # not *.toml: never read as a calendar file
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(v, date | datetime | time):
        return v.isoformat()
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        if any(isinstance(x, dict) for x in v):
            return "[\n" + "".join(f"  {_toml_value(x)},\n" for x in v) + "]"
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise CalendarFileError(f"日历文件中的值「{v!r}」无法写回")


def _toml_doc(doc: dict) -> str:
    """A calendar file: its plain keys, then the tables of each array ([[history]], [[year]], [[day]])."""
    out = [f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in doc.items()
           if not (isinstance(v, list) and v and all(isinstance(x, dict) for x in v)) and v != []]
    for k, v in doc.items():
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for table in v:
                out.append(f"\n[[{_toml_key(k)}]]\n")
                out += [f"{_toml_key(tk)} = {_toml_value(tv)}\n" for tk, tv in table.items()]
    return "".join(out)
