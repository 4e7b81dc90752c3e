"""History import (docs/contract.md, "Importing history"): `import cases FILE.csv` and `import appeals FILE.csv`.

All or nothing: every row is checked before anything is written; a file with any bad row prints each one with
its line number and changes nothing. The same file imported twice creates nothing new: a case is known by
(body, ref), an appeal by (case, kind, filing date).

How an imported case lives in the database (docs/decisions.md):

- a `case_file` row with a registration number of the engine (`<BODY>-<YEAR>-<serial>`, the year of receipt,
  serials reserved from the same counter as live registrations), and a `case_ref` row holding the body's own
  reference and a digest of the imported facts;
- a `register` event on the date of receipt (data: channel, applicant type, received_on, `imported`, `ref`);
- for a concluded case, an `imported_conclusion` event on the conclusion date carrying the outcome.

The cached columns are written directly, as replay would give them: a concluded case replays to state
`concluded`, its outcome and conclusion date and no running deadline, which is what is written; an open case
(few in any file) is replayed, so its deadlines are those of a live case received that day, and it goes on
through the normal lifecycle. The rows are written by `bulk.Writer` (COPY on PostgreSQL, executemany on
SQLite), all in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ..domain import report as R
from ..domain.case import APPEAL, APPEAL_RESULT, IMPORTED_CONCLUSION, REGISTER, Event, replay
from ..domain.codes import APPEAL_KINDS, APPEAL_RESULTS, OUTCOMES, UNNAMED_APPLICANT, ApplicantType, Channel
from ..domain.errors import BadInput, Refused
from ..store import locks
from ..store.conflicts import is_conflict
from ..store.models import AppealRecord, CaseEvent, CaseFile, CaseRef
from . import MAX_LISTED_ERRORS, bulk, os_reason

CASE_REQUIRED = ("ref", "applicant_type", "received_on", "outcome", "concluded_on")
CASE_OPTIONAL = ("applicant_name", "channel", "content", "body")
APPEAL_REQUIRED = ("ref", "kind", "filed_on", "result", "decided_on")
APPEAL_OPTIONAL = ("body",)
NO_NAME = UNNAMED_APPLICANT
DEFAULT_CHANNEL = Channel.IN_PERSON.value


class RowError(Exception):
    pass


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    skipped: int = 0
    updated: int = 0
    open: int = 0
    encoding: str = "UTF-8"
    ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "rows": self.rows, "created": self.created, "skipped": self.skipped,
                "updated": self.updated, "open": self.open, "encoding": self.encoding}


# -- reading the file --------------------------------------------------------------------------------------------

def decode(raw: bytes, name: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM), or GBK as Excel saves "CSV (逗号分隔)" on Chinese Windows; never a mix."""
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    utf8_lines, other_lines = [], []
    for no, line in enumerate(raw.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines.append(no)
        except UnicodeDecodeError:
            other_lines.append(no)
    if utf8_lines:
        raise BadInput(f"{name} 的编码混杂：第{_lines(other_lines)}行不是 UTF-8 编码（可能是 GBK），第{_lines(utf8_lines)}行是 UTF-8；"
                       "请把整个文件另存为「CSV UTF-8（逗号分隔）」后再导入")
    try:
        return raw.decode("gb18030"), "GBK"
    except UnicodeDecodeError:
        raise BadInput(f"{name} 既不是 UTF-8 也不是 GBK 编码：请另存为「CSV UTF-8（逗号分隔）」后再导入") from None


def _lines(numbers: list[int]) -> str:
    shown = "、".join(map(str, numbers[:10]))
    return shown + (f"等{len(numbers)}" if len(numbers) > 10 else "")


def read_rows(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[list[tuple[int, dict[str, str]]], str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"无法读取文件 {path}：{os_reason(exc)}") from None
    text, encoding = decode(raw, path.name)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput(f"{path.name} 是空文件：第1行应为表头（{','.join(required)}）") from None
    except csv.Error as exc:
        raise BadInput(f"{path.name} 第1行不是有效的 CSV：{exc}") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required and c not in optional]
    if missing or unknown or len(set(header)) != len(header):
        parts = []
        if missing:
            parts.append(f"缺少列 {','.join(missing)}")
        if unknown:
            parts.append(f"不认识的列 {','.join(h or '（空）' for h in unknown)}")
        if len(set(header)) != len(header):
            parts.append("有重复的列")
        raise BadInput(f"{path.name} 的表头有误：{'；'.join(parts)}。应为：{','.join(required)}，"
                       f"可选 {','.join(optional)}")
    rows: list[tuple[int, dict[str, str]]] = []
    width = len(header)
    try:
        for cells in reader:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            no = reader.line_num
            if len(cells) != width:
                rows.append((no, {"__error__": f"有{len(cells)}个字段，表头有{width}列"}))
                continue
            rows.append((no, dict(zip(header, map(str.strip, cells)))))
    except csv.Error as exc:
        raise BadInput(f"{path.name} 第{reader.line_num}行不是有效的 CSV：{exc}") from None
    return rows, encoding


_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


def parse_day(value: str, what: str, today: date) -> date:
    """ISO dates (2025-03-07), and the forms Excel writes (2025/3/7)."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            d = date.fromisoformat(value)
        except ValueError:
            d = None
        if d is not None:
            if d > today:
                raise RowError(f"{what}{d.isoformat()}晚于今天（{today.isoformat()}），不能导入尚未发生的事")
            return d
    m = _DATE.match(value)
    if not m:
        raise RowError(f"{what}「{value}」不是日期，应为 YYYY-MM-DD")
    try:
        d = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise RowError(f"{what}「{value}」不是实际存在的日期") from None
    if d > today:
        raise RowError(f"{what}{d.isoformat()}晚于今天（{today.isoformat()}），不能导入尚未发生的事")
    return d


class _Days(dict):
    """parse_day with each written form parsed once: a file's dates repeat (three years are ~1,100 days).
    Gives the date and its ISO text (what the database stores)."""

    def __init__(self, today: date):
        super().__init__()
        self.today = today

    def __call__(self, value: str, what: str) -> tuple[date, str]:
        d = self.get(value)
        if d is None:
            day = parse_day(value, what, self.today)
            d = self[value] = (day, day.isoformat())
        return d


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # as acts.check_text: all but LF, CR, tab


def _text(value: str, what: str) -> str:
    if value.isprintable():  # the common case, checked in C; the rest (tabs, line breaks, ...) by the pattern
        return value
    m = _CONTROL.search(value)
    if m:
        raise RowError(f"{what}含有不可见的控制字符（U+{ord(m.group()):04X}）")
    return value


def _body_of(ctx: Any, cells: dict[str, str], bodies: set[str]) -> str:
    code = cells.get("body") or ctx.body.code
    if code not in bodies:
        raise RowError(f"机关代码「{code}」未配置（已配置：{'、'.join(sorted(bodies))}）")
    return code


def _report_errors(errors: list[tuple[int, str]], name: str, total: int) -> None:
    """Every bad row of the file with its line number and all its problems, in one run (up to MAX_LISTED_ERRORS
    rows), then the one line of the refusal."""
    import sys

    by_line: dict[int, list[str]] = defaultdict(list)
    for no, msg in errors:
        by_line[no].append(msg)
    lines = sorted(by_line)
    for no in lines[:MAX_LISTED_ERRORS]:
        sys.stderr.write(f"{name} 第{no}行：{'；'.join(by_line[no])}\n")
    if len(lines) > MAX_LISTED_ERRORS:
        sys.stderr.write(f"{name}：另有{len(lines) - MAX_LISTED_ERRORS}行有误，未逐一列出（第{lines[MAX_LISTED_ERRORS]}行起）\n")
    raise BadInput(f"{name} 共{total}行数据，其中{len(lines)}行有误（见上），未导入任何记录；改正后请重新导入整个文件")


# -- progress ---------------------------------------------------------------------------------------------------

class _Progress:
    def __init__(self, enabled: bool, total: int, what: str):
        self.bar = None
        if enabled and total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=False)
            self.task = self.bar.add_task(what, total=total)
            self.bar.start()

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def describe(self, what: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description=what)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


# -- cases ------------------------------------------------------------------------------------------------------

_TYPES = frozenset(t.value for t in ApplicantType)
_CHANNELS = frozenset(c.value for c in Channel)


def _ref_and_body(ctx: Any, cells: dict[str, str], bodies: set[str], label: str, problems: list[str]) -> tuple[str, Any]:
    """The row's reference and body, shared by both kinds of file; a problem with either is added to `problems`
    (a row reports all of its problems at once), and a body that cannot be told is None."""
    ref = cells["ref"]
    try:
        _text(ref, label)
        if not ref:
            problems.append(f"{label}不能为空")
    except RowError as exc:
        problems.append(str(exc))
    body = None
    try:
        body = _body_of(ctx, cells, bodies)
    except RowError as exc:
        problems.append(str(exc))
    return ref, body


def _parse_case(ctx: Any, cells: dict[str, str], bodies: set[str], day: _Days) -> dict[str, Any]:
    """One row of a cases file; RowError lists every problem of the row (each column checked), not the first."""
    problems: list[str] = []
    ref, body = _ref_and_body(ctx, cells, bodies, "参考号（ref）", problems)
    t = cells["applicant_type"]
    if t not in _TYPES:
        problems.append(f"申请人类型「{t}」不存在，应为：{'、'.join(sorted(_TYPES))}")
    received = concluded = None
    received_iso = concluded_iso = ""
    if not cells["received_on"]:
        problems.append("收到申请之日（received_on）不能为空")
    else:
        try:
            received, received_iso = day(cells["received_on"], "收到申请之日")
        except RowError as exc:
            problems.append(str(exc))
        first_year = ctx.cal.first_year
        if received is not None and received.year < first_year:  # its deadlines could not be counted
            problems.append(f"收到申请之日{received.isoformat()}早于工作日历的第一年（{first_year}年）："
                            "无法按工作日计算期限，不能导入")
    outcome = cells["outcome"] or None
    if outcome is not None and outcome not in OUTCOMES:
        problems.append(f"处理结果代码「{outcome}」不存在，应为：{'、'.join(OUTCOMES)}")
    if cells["concluded_on"]:
        try:
            concluded, concluded_iso = day(cells["concluded_on"], "办结日期")
        except RowError as exc:
            problems.append(str(exc))
    if (outcome is None) != (not cells["concluded_on"]):
        problems.append("处理结果（outcome）和办结日期（concluded_on）应同时填写（已办结）或同时留空（未办结）")
    if concluded is not None and received is not None and concluded < received:
        problems.append(f"办结日期{concluded.isoformat()}早于收到申请之日{received.isoformat()}")
    channel = cells.get("channel") or DEFAULT_CHANNEL
    if channel not in _CHANNELS:
        problems.append(f"申请渠道「{channel}」不存在，应为：{'、'.join(sorted(_CHANNELS))}")
    name = content = None
    try:
        name = _text(cells.get("applicant_name") or "", "申请人姓名") or NO_NAME
    except RowError as exc:
        problems.append(str(exc))
    try:
        content = _text(cells.get("content") or "", "申请内容") or None
    except RowError as exc:
        problems.append(str(exc))
    if problems:
        raise RowError("；".join(problems))
    assert received is not None
    return {"ref": ref, "body": body, "applicant_type": t, "received_on": received, "outcome": outcome,
            "concluded_on": concluded, "channel": channel, "applicant_name": name, "content": content,
            "received_iso": received_iso, "concluded_iso": concluded_iso or None,
            # the facts as imported, to tell the same row imported again from a changed one (do not change the
            # form: the digests of earlier imports are stored)
            "digest": hashlib.sha1(f"{t}\x1f{received_iso}\x1f{outcome or ''}\x1f{concluded_iso}\x1f{channel}\x1f{name}\x1f"
                                   f"{content or ''}".encode()).hexdigest()[:20]}


def import_cases(ctx: Any, path: Path, progress: bool = True) -> ImportResult:
    from ..store.counters import reserve_serials

    rows, encoding = read_rows(path, CASE_REQUIRED, CASE_OPTIONAL)
    result = ImportResult("cases", rows=len(rows), encoding=encoding)
    with ctx.session() as s:
        conn = s.connection()
        check = _CaseCheck(ctx, _known_refs(conn))
        new = check.check(rows)
        if check.errors:
            _report_errors(check.errors, path.name, len(rows))
        _guard_cases(ctx, conn, new, path.name)
        by_year: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
        for p in new:
            by_year[(p["body"], p["received_on"].year)].append(p)
        for (body, year), group in sorted(by_year.items()):  # numbered in the order of the file
            first = reserve_serials(conn, body, year, "case", len(group))
            for i, p in enumerate(group):
                p["id"], p["serial"] = f"{body}-{year}-{first + i:04d}", first + i
        # in the order of the registration numbers: the primary keys and the (case, seq) indexes then take each
        # row at their end instead of all over the tree (measured: the largest part of a big import's time)
        new.sort(key=operator.itemgetter("id"))
        rows_of = _CaseRows(ctx, _stamp(check.now, conn.dialect.name))
        bar = _Progress(progress, len(new), "写入")
        try:
            with bulk.Writer(conn, {CaseFile.__tablename__: len(new)}) as writer:
                for start in range(0, len(new), bulk.CHUNK):
                    chunk = new[start:start + bulk.CHUNK]
                    writer.write(rows_of.build(chunk))
                    bar.advance(len(chunk))
                writer.finish()
            s.commit()
        except Exception as exc:
            s.rollback()
            if not is_conflict(exc):
                raise
            raise Refused("导入时有其他工作人员同时导入或办理了相关案件，未导入任何记录，请重新导入") from None
        finally:
            bar.close()
    result.created, result.skipped, result.open = len(new), check.skipped, rows_of.open
    return result


def _known_refs(conn) -> dict[tuple[str, str], tuple[str, str]]:
    """(body, ref) -> (case, digest) of every case imported before."""
    refs = CaseRef.__table__
    return {(body, ref): (case_id, digest)
            for body, ref, case_id, digest in conn.execute(select(refs.c.body, refs.c.ref, refs.c.case_id, refs.c.digest))}


class _CaseCheck:
    """Every row of a cases file checked: the new cases, the rows imported before (skipped), the errors."""

    def __init__(self, ctx: Any, known: dict[tuple[str, str], tuple[str, str]]):
        self.ctx, self.known = ctx, known
        self.day, self.now = _Days(ctx.today()), datetime.now(ZoneInfo("UTC"))
        self.bodies = {b.code for b in ctx.settings.all_bodies()}
        self.errors: list[tuple[int, str]] = []
        self.skipped = 0

    def check(self, rows: list[tuple[int, dict[str, str]]]) -> list[dict[str, Any]]:
        new: list[dict[str, Any]] = []
        first_line: dict[tuple[str, str], int] = {}
        for no, cells in rows:
            if "__error__" in cells:
                self.errors.append((no, cells["__error__"]))
                continue
            try:
                p = _parse_case(self.ctx, cells, self.bodies, self.day)
            except RowError as exc:
                self.errors.append((no, str(exc)))
                continue
            key = (p["body"], p["ref"])
            if key in first_line:
                self.errors.append((no, f"参考号「{p['ref']}」与第{first_line[key]}行重复：同一机关的参考号应唯一"))
                continue
            first_line[key] = no
            hit = self.known.get(key)
            if hit is None:
                new.append(p)
            elif hit[1] == p["digest"]:
                self.skipped += 1
            else:
                self.errors.append((no, f"参考号「{p['ref']}」已导入为案件{hit[0]}，但本行内容与当时导入的不同；"
                                        "已导入的案件请在系统中继续办理，不能用导入修改"))
        return new


# The columns of an imported case that vary from row to row; the rest are shared (bulk.Rows.fixed).
_CASE_COLUMNS = ("id", "body", "year", "serial", "applicant_name", "applicant_type", "channel", "content",
                 "registered_on", "received_on")
_CACHED = ("state", "reply_due", "next_due", "correction_notice_due", "provisional", "deadlines",
           "deadlines_provisional")
_EVENT_COLUMNS = ("case_id", "happened_on", "data")
REASON = "导入历史记录"


class _CaseRows:
    """The rows of new cases, in the form the database stores them: for each chunk, [concluded cases, open
    cases, registrations, conclusions, references]."""

    def __init__(self, ctx: Any, stamp: str):
        cases, events, refs = CaseFile.__table__, CaseEvent.__table__, CaseRef.__table__
        shared = {"id_type": None, "id_number": None, "phone": None, "email": None, "address": None,
                  "handler": ctx.user, "created_at": stamp, "version": 1}
        event = {"actor": ctx.user, "reason": REASON, "recorded_at": stamp}
        self.kinds = (
            # what replay gives a concluded case: its outcome and date, and no running deadline
            bulk.Rows(cases, (*_CASE_COLUMNS, "outcome", "concluded_on"),
                      {**shared, "state": "concluded", "reply_due": None, "next_due": None,
                       "correction_notice_due": None, "provisional": 0, "deadlines": "{}", "deadlines_provisional": "[]"}),
            bulk.Rows(cases, (*_CASE_COLUMNS, *_CACHED), {**shared, "outcome": None, "concluded_on": None}),
            bulk.Rows(events, _EVENT_COLUMNS, {"seq": 1, "kind": REGISTER, **event}),
            bulk.Rows(events, _EVENT_COLUMNS, {"seq": 2, "kind": IMPORTED_CONCLUSION, **event}),
            bulk.Rows(refs, ("body", "ref", "case_id", "digest"), {"imported_at": stamp}),
        )
        self.ctx = ctx
        self.replayed: dict[tuple[str, str, date], tuple] = {}  # an open case's deadlines depend only on these
        self.open = 0  # open cases built so far

    def build(self, new: list[dict[str, Any]]) -> list[bulk.Rows]:
        from ..services import cache_values  # the cached columns exactly as an act writes them

        concluded, still_open, registered, conclusions, references = batches = [k.empty() for k in self.kinds]
        counting = self.ctx.settings.policy().counting
        for p in new:
            case_id, received = p["id"], p["received_iso"]
            # serialized here at a fraction of json.dumps's cost (codes and dates need no escaping)
            registration = (f'{{"channel": "{p["channel"]}", "applicant_type": "{p["applicant_type"]}", '
                            f'"counting": "{counting}", '  # the rule in force at import stays the case's
                            f'"received_on": "{received}", "imported": true, "ref": {_json_text(p["ref"])}}}')
            row = (case_id, p["body"], p["received_on"].year, p["serial"], p["applicant_name"], p["applicant_type"],
                   p["channel"], p["content"], received, received)
            if p["outcome"] is not None:
                concluded_on = p["concluded_iso"]
                concluded.rows.append((*row, p["outcome"], concluded_on))
                conclusions.rows.append((case_id, concluded_on, f'{{"outcome": "{p["outcome"]}", "imported": true}}'))
            else:
                key = (p["channel"], p["applicant_type"], p["received_on"])
                cached = self.replayed.get(key)
                if cached is None:
                    view = replay([Event(1, REGISTER, p["received_on"], json.loads(registration))], self.ctx.cal,
                                  self.ctx.settings.policy())
                    values = cache_values(view)
                    cached = self.replayed[key] = tuple(_stored(values[c]) for c in _CACHED)
                still_open.rows.append((*row, *cached))
            registered.rows.append((case_id, received, registration))
            references.rows.append((p["body"], p["ref"], case_id, p["digest"]))
        self.open += len(still_open.rows)
        return batches


def _stored(value: Any) -> Any:
    """A cached value as the database stores it."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _json_text(text: str) -> str:
    """A JSON string: most references need no escaping, and json.dumps costs more than the rest of the row."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text)


def _guard_cases(ctx: Any, conn, new: list[dict[str, Any]], name: str) -> None:
    by_body: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in new:
        by_body[p["body"]].append(p)
    for body, group in by_body.items():
        held = locks.locks_of(conn, body)
        if not held:
            continue
        first, last = min(held), max(held)
        after: set[R.Cell] = set()
        for p in group:
            after |= R.case_cells(R.CaseFacts(p["applicant_type"], p["received_on"], p["outcome"], p["concluded_on"]),
                                  first, last)
        locks.guard(conn, body, None, set(), after, f"导入{name}中的{len(group)}件申请", ctx.user, locks=held,
                    zone=ctx.settings.timezone)


def _stamp(moment: datetime, dialect: str) -> str:
    """A UTC moment as stored: SQLAlchemy writes SQLite datetimes naive with microseconds; PostgreSQL takes ISO."""
    utc = moment.astimezone(ZoneInfo("UTC"))
    return utc.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else utc.isoformat()


# -- appeals ----------------------------------------------------------------------------------------------------

def _parse_appeal(ctx: Any, cells: dict[str, str], bodies: set[str], today: date) -> dict[str, Any]:
    """One row of an appeals file; RowError lists every problem of the row, not the first."""
    problems: list[str] = []
    ref, body = _ref_and_body(ctx, cells, bodies, "案件参考号（ref）", problems)
    kind = cells["kind"]
    if kind not in APPEAL_KINDS:
        problems.append(f"救济类型「{kind}」不存在，应为：{'、'.join(APPEAL_KINDS)}")
    filed = decided = None
    if not cells["filed_on"]:
        problems.append("提起日期（filed_on）不能为空")
    else:
        try:
            filed = parse_day(cells["filed_on"], "提起日期", today)
        except RowError as exc:
            problems.append(str(exc))
    res = cells["result"] or None
    if res is not None and res not in APPEAL_RESULTS:
        problems.append(f"复议或诉讼结果「{res}」不存在，应为：{'、'.join(APPEAL_RESULTS)}，尚未审结的留空")
    if cells["decided_on"]:
        try:
            decided = parse_day(cells["decided_on"], "审结日期", today)
        except RowError as exc:
            problems.append(str(exc))
    if (res is None) != (not cells["decided_on"]):
        problems.append("结果（result）和审结日期（decided_on）应同时填写（已审结）或同时留空（尚未审结）")
    if decided is not None and filed is not None and decided < filed:
        problems.append(f"审结日期{decided.isoformat()}早于提起日期{filed.isoformat()}")
    if problems:
        raise RowError("；".join(problems))
    return {"ref": ref, "body": body, "kind": kind, "filed_on": filed, "result": res, "decided_on": decided}


def import_appeals(ctx: Any, path: Path, progress: bool = True) -> ImportResult:
    rows, encoding = read_rows(path, APPEAL_REQUIRED, APPEAL_OPTIONAL)
    result = ImportResult("appeals", rows=len(rows), encoding=encoding)
    today = ctx.today()
    bodies = {b.code for b in ctx.settings.all_bodies()}
    errors: list[tuple[int, str]] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    for no, cells in rows:
        if "__error__" in cells:
            errors.append((no, cells["__error__"]))
            continue
        try:
            parsed.append((no, _parse_appeal(ctx, cells, bodies, today)))
        except RowError as exc:
            errors.append((no, str(exc)))
    refs, cases, appeals, events = CaseRef.__table__, CaseFile.__table__, AppealRecord.__table__, CaseEvent.__table__
    now = datetime.now(ZoneInfo("UTC"))
    with ctx.session() as s:
        conn = s.connection()
        # resolve each ref: the body's own reference of an imported case, or a registration number
        lookup: dict[tuple[str, str], str] = {}
        wanted = defaultdict(set)
        for _, p in parsed:
            wanted[p["body"]].add(p["ref"])
        for body, names in wanted.items():
            names_l = sorted(names)
            for i in range(0, len(names_l), 500):
                part = names_l[i:i + 500]
                for ref, case_id in conn.execute(select(refs.c.ref, refs.c.case_id).where(refs.c.body == body, refs.c.ref.in_(part))):
                    lookup[(body, ref)] = case_id
                for (case_id,) in conn.execute(select(cases.c.id).where(cases.c.body == body, cases.c.id.in_(part))):
                    lookup.setdefault((body, case_id), case_id)
        case_ids = sorted(set(lookup.values()))
        facts: dict[str, Any] = {}
        existing: dict[str, list[Any]] = defaultdict(list)
        max_seq: dict[str, int] = {}
        for i in range(0, len(case_ids), 500):
            part = case_ids[i:i + 500]
            for r in conn.execute(select(cases.c.id, cases.c.received_on, cases.c.body).where(cases.c.id.in_(part))):
                facts[r.id] = r
            for r in conn.execute(select(appeals).where(appeals.c.case_id.in_(part)).order_by(appeals.c.no)):
                existing[r.case_id].append(r)
            for case_id, seq in conn.execute(select(events.c.case_id, func.max(events.c.seq)).where(events.c.case_id.in_(part))
                                             .group_by(events.c.case_id)):
                max_seq[case_id] = seq
        seen: dict[tuple[str, str, date], int] = {}
        plan: list[tuple[str, dict[str, Any], Any]] = []  # (action, row, existing appeal)
        for no, p in parsed:
            case_id = lookup.get((p["body"], p["ref"]))
            if case_id is None:
                errors.append((no, f"案件「{p['ref']}」不存在：应为已导入案件的参考号或本机关的案件编号"))
                continue
            received = facts[case_id].received_on
            if received is None:
                errors.append((no, f"案件{case_id}尚未确认收到申请，不能登记复议或诉讼"))
                continue
            if p["filed_on"] < received:
                errors.append((no, f"提起日期{p['filed_on'].isoformat()}早于案件{case_id}收到申请之日{received.isoformat()}"))
                continue
            key = (case_id, p["kind"], p["filed_on"])
            if key in seen:
                errors.append((no, f"与第{seen[key]}行是同一案件、同一类型、同一天提起的复议或诉讼（重复）"))
                continue
            seen[key] = no
            p["case_id"] = case_id
            old = next((a for a in existing[case_id] if a.kind == p["kind"] and a.filed_on == p["filed_on"]), None)
            if old is None:
                plan.append(("new", p, None))
            elif (old.result, old.decided_on) == (p["result"], p["decided_on"]):
                result.skipped += 1
            elif old.result is None and p["result"] is not None and p["decided_on"] >= old.filed_on:
                plan.append(("decide", p, old))
            else:
                was = APPEAL_RESULTS.get(old.result or "", "尚未审结")
                errors.append((no, f"案件{case_id}的这件{APPEAL_KINDS[p['kind']]}已记录为「{was}」"
                                   f"{('（' + old.decided_on.isoformat() + '）') if old.decided_on else ''}，与本行不同：已有的结果不能用导入修改"))
        if errors:
            _report_errors(errors, path.name, len(rows))
        _guard_appeals(ctx, conn, plan, existing, path.name)
        event_rows, appeal_rows, decided_rows = [], [], []
        next_no = {cid: (max((a.no for a in lst), default=0)) for cid, lst in existing.items()}
        for action, p, old in plan:
            cid = p["case_id"]
            if action == "new":
                next_no[cid] = next_no.get(cid, 0) + 1
                no = next_no[cid]
                max_seq[cid] = max_seq.get(cid, 0) + 1
                event_rows.append({"case_id": cid, "seq": max_seq[cid], "kind": APPEAL, "happened_on": p["filed_on"],
                                   "data": {"no": no, "kind": p["kind"], "imported": True}, "actor": ctx.user,
                                   "reason": "导入历史记录", "recorded_at": now})
                appeal_rows.append({"case_id": cid, "no": no, "body": p["body"], "kind": p["kind"], "filed_on": p["filed_on"],
                                    "result": p["result"], "decided_on": p["decided_on"]})
                result.created += 1
            else:
                no = old.no
                result.updated += 1
                decided_rows.append({"c": cid, "n": no, "r": p["result"], "d": p["decided_on"]})
            if p["result"] is not None:
                max_seq[cid] = max_seq.get(cid, 0) + 1
                event_rows.append({"case_id": cid, "seq": max_seq[cid], "kind": APPEAL_RESULT, "happened_on": p["decided_on"],
                                   "data": {"no": no, "result": p["result"], "imported": True}, "actor": ctx.user,
                                   "reason": "导入历史记录", "recorded_at": now})
        bar = _Progress(progress, len(plan), "写入")
        try:
            if event_rows:
                conn.execute(insert(events), event_rows)
            if appeal_rows:
                conn.execute(insert(appeals), appeal_rows)
            if decided_rows:
                conn.execute(update(appeals).where(appeals.c.case_id == bindparam("c"), appeals.c.no == bindparam("n"))
                             .values(result=bindparam("r"), decided_on=bindparam("d")), decided_rows)
            touched = sorted({p["case_id"] for _, p, _ in plan})
            for i in range(0, len(touched), 500):  # a live act that read these cases before us is told, not lost
                conn.execute(update(cases).where(cases.c.id.in_(touched[i:i + 500])).values(version=cases.c.version + 1))
            s.commit()
        except (IntegrityError, OperationalError) as exc:
            s.rollback()
            if not is_conflict(exc):
                raise
            raise Refused("导入时有其他工作人员同时办理了相关案件，未导入任何记录，请重新导入") from None
        finally:
            bar.advance(len(plan))
            bar.close()
    return result


def _guard_appeals(ctx: Any, conn, plan, existing, name: str) -> None:
    rule = locks.appeals_rule(ctx)
    by_body: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    for _action, p, old in plan:
        by_body[p["body"]].append((p, old))
    for body, items in by_body.items():
        held = locks.locks_of(conn, body)
        if not held:
            continue
        first, last = min(held), max(held)
        before: set[R.Cell] = set()
        after: set[R.Cell] = set()
        for p, old in items:
            if old is not None:
                before |= R.appeal_cells(R.AppealFacts(old.kind, old.filed_on, old.result, old.decided_on), first, last, rule)
            after |= R.appeal_cells(R.AppealFacts(p["kind"], p["filed_on"], p["result"], p["decided_on"]), first, last, rule)
        locks.guard(conn, body, None, before, after, f"导入{name}中的{len(items)}件复议或诉讼记录", ctx.user, locks=held,
                    zone=ctx.settings.timezone)


def run(ctx: Any, path: Path, kind: str, progress: bool = True) -> ImportResult:
    import gc

    # Hundreds of thousands of small dicts and tuples, none of them cyclic: the cycle collector would walk
    # them again and again as they accumulate (measured: a third of the import's time at 100,000 rows).
    was = gc.isenabled()
    gc.disable()
    try:
        return import_cases(ctx, path, progress) if kind == "cases" else import_appeals(ctx, path, progress)
    finally:
        if was:
            gc.enable()
