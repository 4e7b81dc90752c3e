"""Supervision across bodies (Art. 3: the office of a government at county level or above): the reports of the
bodies below it, as files (the JSON exchange shape or the official-layout spreadsheet), checked one by one
(checks 1–5, check 4 against the previous year's reports) and added up cell by cell into the combined report of
the whole area, itself checked.

Pure file work: no database. `read_all` never stops at a bad file (it is one more row of the results);
`combine` refuses to add anything up when a file could not be read, when two reports are of one body, when a
report is of another year, or (unless asked to leave them out) when a report fails a check.
"""

from __future__ import annotations

import gc
import json
import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..domain import report as R
from ..domain.errors import BadInput, Refused
from . import os_reason

SUFFIXES = (".json", ".xlsx")
SHORT_TITLES = {"balance": "1 收支平衡", "total_processed": "2（七）总计", "row_totals": "3 行总计",
                "carried_over": "4 上年结转", "table4_totals": "5 表四总计"}


@dataclass
class Report:
    file: str                 # as the user named it (the folder's path joined with the file's name)
    body: str | None
    year: int | None
    table3: dict[str, dict[str, int]]
    table4: dict[str, dict[str, int]]
    doc: dict[str, Any] = field(default_factory=dict)
    checks: list[R.Check] = field(default_factory=list)
    previous_file: str | None = None
    previous_carried_out: dict[str, int] | None = None

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failing(self) -> list[R.Check]:
        return [c for c in self.checks if not c.ok]

    def who(self) -> str:
        return " ".join(str(x) for x in (self.body, f"{self.year}年度" if self.year else None) if x) or self.file


@dataclass
class Unreadable:
    file: str
    error: str
    previous: bool = False  # one of the previous year's files


@dataclass
class Result:
    reports: list[Report]
    unreadable: list[Unreadable]
    duplicates: list[list[Report]]
    skipped: list[str]  # files in the folders that are neither JSON nor XLSX

    @property
    def ok(self) -> bool:
        return not self.unreadable and not self.duplicates and all(r.ok for r in self.reports)


def body_key(name: str | None) -> str:
    return "".join((name or "").split())  # str.split() splits at every Unicode space, the ideographic one too


# -- finding and reading the files --------------------------------------------------------------------------------

def expand(paths: list[str]) -> tuple[list[tuple[Path, str]], list[str]]:
    """The report files named, each with the name it is shown by; folders give their JSON and XLSX files (not
    their sub-folders), in name order. A path that does not exist is the command's error, not a file's."""
    found: list[tuple[Path, str]] = []
    skipped: list[str] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            try:
                entries = sorted(p.iterdir(), key=lambda e: e.name)
            except OSError as exc:
                raise BadInput(f"无法读取文件夹 {given}：{os_reason(exc)}") from None
            for e in entries:
                if e.name.startswith((".", "~$")) or not e.is_file():
                    continue
                shown = str(Path(given) / e.name)
                if e.suffix.lower() in SUFFIXES:
                    found.append((e, shown))
                else:
                    skipped.append(shown)
        elif p.exists():
            found.append((p, given))
        else:
            raise BadInput(f"找不到 {given}：文件或文件夹不存在")
    return found, skipped


def load(path: Path, shown: str, body: str | None = None, year: int | None = None, named: bool = True) -> Report:
    """One report file (JSON or XLSX, told apart by content). BadInput naming the file (unless `named` is False:
    the one-file `report check` keeps its messages) and the cell."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
            if head.startswith(b"PK\x03\x04") or path.suffix.lower() == ".xlsx":
                doc = _read_xlsx(path, shown, head)
            elif head.startswith(b"\xd0\xcf\x11\xe0"):
                raise BadInput(f"{shown} 是旧的 .xls 格式：请在 Excel 或 WPS 中另存为 .xlsx，或报送 JSON")
            else:
                doc = _parse_json(head + f.read(), shown)
    except OSError as exc:
        raise BadInput(f"无法读取文件 {shown}：{os_reason(exc)}") from None
    try:
        t3, t4 = R.parse_report(doc)
    except BadInput as exc:
        raise BadInput(f"{shown}：{exc}" if named else str(exc)) from None
    b = doc.get("body")
    y = doc.get("year")
    if b is not None and not isinstance(b, str):
        raise BadInput(f"{shown}：body（机关名称）应为文字")
    if y is not None and (isinstance(y, bool) or not isinstance(y, int) or not 1900 < y < 2200):
        shown_y = y if isinstance(y, int | str) and len(str(y)) < 20 else "…"
        raise BadInput(f"{shown}：year（年度）应为四位数的年份，不是「{shown_y}」")
    return Report(shown, (b or "").strip() or body, y or year, t3, t4, doc)


def _read_xlsx(path: Path, shown: str, head: bytes) -> dict[str, Any]:
    from . import xlsx_read

    if not head.startswith(b"PK\x03\x04"):
        raise BadInput(f"{shown} 不是有效的 XLSX 文件（旧的 .xls 格式请在 Excel 或 WPS 中另存为 .xlsx）")
    return xlsx_read.read(path, shown)


def _parse_json(raw: bytes, shown: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BadInput(f"{shown} 不是 UTF-8 编码的 JSON 文件") from None
    except json.JSONDecodeError as exc:
        raise BadInput(f"{shown} 不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}") from None
    except RecursionError:
        raise BadInput(f"{shown} 的 JSON 嵌套层数过深：不是年度报表") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise BadInput(f"{shown} 中有位数过多的数字（超过4300位）：申请件数应为非负整数") from None


@contextmanager
def _no_cycle_collector():
    """Thousands of small tables make no reference cycles; the collector's passes over them took half of the
    combination's time here (the history import does the same, docs/decisions.md)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_all(paths: list[str], body: str | None = None, year: int | None = None,
             previous: list[str] | None = None) -> Result:
    with _no_cycle_collector():
        return _read_all(paths, body, year, previous)


def _read_all(paths: list[str], body: str | None, year: int | None, previous: list[str] | None) -> Result:
    """Every report in `paths` read (a bad file is one more `unreadable`), checked (checks 1–5; check 4 against
    the report of the same body for the year before among `previous`), and bodies reported twice found."""
    files, skipped = expand(paths)
    if not files:
        raise BadInput(f"{'、'.join(paths)} 中没有 JSON 或 XLSX 报表" + (f"（另有{len(skipped)}个其他文件）" if skipped else ""))
    reports: list[Report] = []
    unreadable: list[Unreadable] = []
    for path, shown in files:
        try:
            reports.append(load(path, shown, body, year))
        except BadInput as exc:
            unreadable.append(Unreadable(shown, str(exc)))
    before: dict[str, list[Report]] = {}
    if previous:
        prev_files, _ = expand(previous)
        for path, shown in prev_files:
            try:
                p = load(path, shown)
            except BadInput as exc:
                unreadable.append(Unreadable(shown, str(exc), previous=True))
                continue
            before.setdefault(body_key(p.body), []).append(p)
    single_previous = None
    if previous and len(files) == 1 and sum(map(len, before.values())) == 1:
        single_previous = next(iter(before.values()))[0]  # one file against one file: no need to match names
    for r in reports:
        prev = single_previous or _previous_of(r, before)
        label = "上年报表"
        if prev is not None:
            r.previous_file = prev.file
            r.previous_carried_out = prev.table3["carried_out"]
            label = f"上年报表（{Path(prev.file).name}）"
        r.checks = R.check_tables(r.table3, r.table4, prev.table3["carried_out"] if prev else None, label)
    return Result(reports, unreadable, duplicates(reports), skipped)


def _previous_of(r: Report, before: dict[str, list[Report]]) -> Report | None:
    same = before.get(body_key(r.body), []) if r.body else []
    matching = [p for p in same if r.year is None or p.year is None or p.year == r.year - 1]
    return matching[0] if len(matching) == 1 else None


def duplicates(reports: list[Report]) -> list[list[Report]]:
    groups: dict[tuple[str, int | None], list[Report]] = {}
    for r in reports:
        if r.body:
            groups.setdefault((body_key(r.body), r.year), []).append(r)
    return [g for g in groups.values() if len(g) > 1]


# -- what failed, one problem a row ---------------------------------------------------------------------------------

def cell_name(p: R.Problem) -> str:
    if p.table == "table4":
        return f"表四「{R.APPEAL_ROWS[p.row or '']}·{R.APPEAL_COLUMNS[p.col]}」"
    if p.row is None:
        return f"表三「{R.COLUMNS[p.col]}」列"
    return f"表三{R.row_label(p.row)}「{R.COLUMNS[p.col]}」"


def problem_rows(result: Result) -> list[dict[str, Any]]:
    """One row per problem: a failing cell (with what is filled, what it should be and the difference), an
    unreadable file, a body reported twice."""
    rows: list[dict[str, Any]] = []
    for u in result.unreadable:
        rows.append({"file": u.file, "body": None, "year": None, "check": "unreadable",
                     "check_title": "上年报表无法读取" if u.previous else "无法读取", "cell": None, "filled": None,
                     "expected": None, "off": None, "text": u.error})
    for group in result.duplicates:
        for r in group:
            others = "、".join(o.file for o in group if o is not r)
            rows.append({"file": r.file, "body": r.body, "year": r.year, "check": "duplicate", "check_title": "重复报送",
                         "cell": None, "filled": None, "expected": None, "off": None,
                         "text": f"与 {others} 是同一机关同一年度的报表"})
    for r in result.reports:
        for c in r.failing:
            for p in c.problems:
                rows.append({"file": r.file, "body": r.body, "year": r.year, "check": c.name,
                             "check_title": R.CHECK_TITLES[c.name], "cell": cell_name(p), "filled": p.filled,
                             "expected": p.expected, "off": p.off, "text": p.text})
    return rows


def to_json(result: Result) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "reports": [{"file": r.file, "body": r.body, "year": r.year, "ok": r.ok, "previous": r.previous_file,
                     "checks": [{**c.to_json(), "problems": [p.to_json() for p in c.problems]} for c in r.checks]}
                    for r in result.reports],
        "unreadable": [{"file": u.file, "error": u.error, "previous": u.previous} for u in result.unreadable],
        "duplicates": [[r.file for r in g] for g in result.duplicates],
        "skipped": result.skipped,
        "problems": problem_rows(result),
    }


def write_problems_xlsx(result: Result, path: Path, title: str = "年度报告勾稽关系检查") -> None:
    """The problems as a spreadsheet a supervisor can send back: one row per problem, and a second sheet with
    every report's result per check. A4 landscape, fitted to the page width, the header row on every page."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    head_fill = PatternFill("solid", fgColor="DDDDDD")

    def sheet(ws, headers: list[tuple[str, float]], rows: list[list[Any]]) -> None:
        ws.append([h for h, _ in headers])
        for row in rows:
            ws.append(row)
        for i, (_, width) in enumerate(headers, 1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = width
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(headers)):
            for cell in row:
                cell.border = border
                cell.alignment = wrap
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        _fit_row_heights(ws, [w for _, w in headers])
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"

    ws = wb.active
    ws.title = "问题清单"
    problems = problem_rows(result)
    sheet(ws, [("序号", 6), ("报表文件", 28), ("机关", 24), ("年度", 7), ("检查", 22), ("单元格", 30), ("填报数", 9),
               ("应为", 9), ("差额", 8), ("说明", 60)],
          [[i, p["file"], p["body"] or "", p["year"] or "", p["check_title"], p["cell"] or "", p["filled"],
            p["expected"], p["off"], p["text"]] for i, p in enumerate(problems, 1)])
    if not problems:
        ws.append(["", "", "", "", "", "", "", "", "", "全部报表勾稽关系检查通过"])
    ws2 = wb.create_sheet("检查结果")
    rows = []
    for r in result.reports:
        marks = []
        for c in r.checks:
            if not c.ok:
                marks.append(f"✗ {len(c.problems)}处")
            elif c.name == "carried_over" and r.previous_file is None:
                marks.append("未核对")
            else:
                marks.append("✓")
        rows.append([r.file, r.body or "", r.year or "", *marks, "通过" if r.ok else "未通过"])
    for u in result.unreadable:
        rows.append([u.file, "", "", *["—"] * 5, "上年报表无法读取" if u.previous else "无法读取"])
    sheet(ws2, [("报表文件", 28), ("机关", 24), ("年度", 7), *[(t, 11) for t in SHORT_TITLES.values()], ("结论", 12)], rows)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    except OSError as exc:
        raise BadInput(f"无法写入文件 {path}：{os_reason(exc)}") from None


def _text_width(text: str) -> int:
    """Width in the units of a column's width: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _fit_row_heights(ws, widths: list[float], line: float = 15.0) -> None:
    """Row heights that show every line of wrapped text: spreadsheet programs do not grow a row by themselves
    when the file was written by a program, so the text would be cut off on screen and on paper."""
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(widths)):
        lines = 1
        for cell, width in zip(row, widths):
            if cell.value is not None:
                lines = max(lines, math.ceil(_text_width(str(cell.value)) / max(width - 1, 1)))
        ws.row_dimensions[row[0].row].height = line * lines + 3


# -- the combined report -------------------------------------------------------------------------------------------

@dataclass
class Combined:
    doc: dict[str, Any]
    included: list[Report]
    left_out: list[Report]
    not_expected: list[str]


def read_expected(file: str) -> list[str]:
    """The bodies expected, one name a line (blank lines and lines starting with # are ignored)."""
    try:
        text = Path(file).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise BadInput(f"无法读取文件 {file}：{os_reason(exc)}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{file} 不是 UTF-8 编码的文本文件（每行一个机关名称）") from None
    names = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    if not names:
        raise BadInput(f"{file} 中没有机关名称（每行一个）")
    seen: dict[str, int] = {}
    for i, n in enumerate(names, 1):
        if body_key(n) in seen:
            raise BadInput(f"{file}：「{n}」出现了两次")
        seen[body_key(n)] = i
    return names


def combine(result: Result, year: int, name: str, allow_failing: bool = False,
            expected: list[str] | None = None, warn=None) -> Combined:
    with _no_cycle_collector():
        return _combine(result, year, name, allow_failing, expected, warn)


def _combine(result: Result, year: int, name: str, allow_failing: bool, expected: list[str] | None,
             warn) -> Combined:
    """The cell-wise sum of the reports of `year`, checked. Refuses (naming every file) when any file could not
    be read, a body is reported twice, a report is of another year or has no body's name, a report fails a check
    (unless `allow_failing`: it is left out and listed), or an expected body has no report."""
    from ..domain.acts import check_text

    check_text(name, "--name（汇总报告的机关或地区名称）", required=True)
    say = warn or (lambda line: None)
    if result.unreadable:
        if len(result.unreadable) == 1:
            raise BadInput(f"{result.unreadable[0].error}；未汇总")
        for u in result.unreadable:
            say(u.error)
        raise BadInput(f"{len(result.unreadable)}个文件无法读取，未汇总：" + "、".join(u.file for u in result.unreadable))
    bad: list[str] = []
    for r in result.reports:
        if r.year is None:
            r.year = year
        if r.year != year:
            bad.append(f"{r.file} 是{r.year}年度的报表，不是{year}年度")
        if not r.body:
            bad.append(f"{r.file} 没有机关名称（JSON 的 body，或表格的标题行「××镇人民政府{year}年政府信息公开工作年度报告」；表格没有标题行时用 --body-name 指定）")
    for group in duplicates(result.reports):
        bad.append(f"{group[0].body}{year}年度的报表有{len(group)}份：" + "、".join(r.file for r in group))
    if len(bad) == 1:
        raise BadInput(f"{bad[0]}；未汇总")
    if bad:
        for line in bad:
            say(line)
        raise BadInput(f"{len(bad)}处问题，未汇总（见上）")
    if not result.reports:
        raise BadInput("没有找到可汇总的报表（JSON 或 XLSX 文件）")
    present = {body_key(r.body): r for r in result.reports}
    not_expected: list[str] = []
    if expected is not None:
        keys = {body_key(n) for n in expected}
        missing = [n for n in expected if body_key(n) not in present]
        not_expected = [r.body or "" for r in result.reports if body_key(r.body) not in keys]
        if missing:
            extra = f"；另有不在名单中的：{'、'.join(not_expected)}" if not_expected else ""
            raise Refused(f"名单中有{len(missing)}个机关没有报表：{'、'.join(missing)}{extra}；未汇总")
    passed, failing = [], []
    for r in result.reports:
        (passed if r.ok else failing).append(r)
    if failing and not allow_failing:
        raise Refused(f"{len(failing)}份报表未通过勾稽关系检查，未汇总：" + "、".join(f"{r.body}（{r.file}）" for r in failing)
                      + "。请下级机关更正后重新报送，或使用 --allow-failing 将其排除在汇总之外")
    included = passed
    if not included:
        raise Refused("所有报表都未通过勾稽关系检查，没有可汇总的报表")
    # cell by cell: every report's cells as one flat tuple, the tuples zipped and summed (C loops, not Python's)
    rows3, rows4, cols3, cols4 = tuple(R.ROWS), tuple(R.APPEAL_ROWS), tuple(R.COLUMNS), tuple(R.APPEAL_COLUMNS)
    by_row3, by_row4, get3, get4 = itemgetter(*rows3), itemgetter(*rows4), itemgetter(*cols3), itemgetter(*cols4)
    sums3 = list(map(sum, zip(*[tuple(chain.from_iterable(map(get3, by_row3(r.table3)))) for r in included])))
    sums4 = list(map(sum, zip(*[tuple(chain.from_iterable(map(get4, by_row4(r.table4)))) for r in included])))
    n3, n4 = len(cols3), len(cols4)
    t3 = {row: dict(zip(cols3, sums3[i * n3:(i + 1) * n3])) for i, row in enumerate(rows3)}
    t4 = {k: dict(zip(cols4, sums4[i * n4:(i + 1) * n4])) for i, k in enumerate(rows4)}
    previous = None
    if all(r.previous_carried_out for r in included):  # check 4 of the whole: the previous year's reports added up
        previous = {c: sum((r.previous_carried_out or {})[c] for r in included) for c in R.COLUMNS}
    checks = R.check_tables(t3, t4, previous, "各机关上年报表之和")
    fees = {"amount_yuan": 0, "cases": 0}
    for r in included:
        f = r.doc.get("fees")
        if isinstance(f, dict):
            for k in fees:
                v = f.get(k)
                if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= R.MAX_COUNT:
                    fees[k] += v
    rules = {r.doc.get("appeals_counted_by") for r in included}
    doc: dict[str, Any] = {
        "body": name.strip(),
        "year": year,
        "table3": t3,
        "table4": t4,
        "checks": [c.to_json() for c in checks],
        "fees": fees,
        "appeals_counted_by": rules.pop() if len(rules) == 1 else None,
        "locked": None,
        "corrections": [],
        "combined": {
            "bodies": [{"body": r.body, "file": r.file} for r in included],
            "left_out": [{"body": r.body, "file": r.file, "failing": [c.name for c in r.failing]} for r in failing],
            "not_expected": not_expected,
        },
    }
    return Combined(doc, included, failing, not_expected)


def combined_paragraphs(combined: Combined) -> list[str]:
    """For section 六 of the combined report: which reports it adds up, and which were left out."""
    lines = [f"本报告表三、表四由以下{len(combined.included)}个机关{combined.doc['year']}年度报告的数据逐项相加汇总："
             + "、".join(r.body or r.file for r in combined.included) + "。"]
    if combined.left_out:
        lines.append(f"以下{len(combined.left_out)}份报表未通过勾稽关系检查，未计入汇总："
                     + "；".join(f"{r.body}（" + "、".join(R.CHECK_TITLES[c.name] for c in r.failing) + "）"
                                for r in combined.left_out) + "。")
    return lines


def add_breakdown_sheet(path: Path, combined: Combined) -> None:
    """The per-body breakdown in the combined spreadsheet: one row per body with the 总计 of every row of table 三
    and of table 四, and the sum, which equals the combined tables."""
    import warnings

    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    ws = wb.create_sheet("分机关明细")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    headers = ["序号", "机关", *[R.row_label(r) for r in R.ROWS], *[f"表四{label}总计" for label in R.APPEAL_ROWS.values()]]
    ws.append(headers)
    for i, r in enumerate(combined.included, 1):
        ws.append([i, r.body, *[r.table3[row]["total"] for row in R.ROWS],
                   *[r.table4[k]["total"] for k in R.APPEAL_ROWS]])
    doc = combined.doc
    ws.append(["", f"合计（{doc['body']}）", *[doc["table3"][row]["total"] for row in R.ROWS],
               *[doc["table4"][k]["total"] for k in R.APPEAL_ROWS]])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(headers)):
        for cell in row:
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center" if cell.column != 2 else "left")
    for cell in ws[1]:
        cell.font = Font(bold=True, size=8)
    widths = [5.0, 24.0, *[7.0] * (len(headers) - 2)]
    for k, w in enumerate(widths, 1):
        ws.column_dimensions[ws.cell(1, k).column_letter].width = w
    _fit_row_heights(ws, widths)
    ws.row_dimensions[1].height = max(11.0 * math.ceil(max(_text_width(h) for h in headers[2:]) / 6) + 4, 30.0)
    ws.freeze_panes = "C2"
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:B"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    note = ws.max_row + 2
    ws.cell(note, 2, "各列为表三各行（及表四各项）的「总计」列；合计行等于汇总报告的表三、表四。").alignment = Alignment(wrap_text=False)
    try:
        wb.save(path)
    except OSError as exc:
        raise BadInput(f"无法写入文件 {path}：{os_reason(exc)}") from None
