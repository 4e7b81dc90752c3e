"""Reading a report from the spreadsheet bodies actually send: the official layout as `report annual --format xlsx`
writes it (merged header cells), and the common variants (a title over one or two rows, an extra row above it,
the 总计 column first or last, tables 三 and 四 on one sheet or on two).

Nothing is found by position: table 三 is found by its column headers (自然人 … 总计) and its rows by their labels,
table 四 by its headers (行政复议, 未经复议直接起诉, 复议后起诉, and the five results under each). A blank number cell
counts as 0 (docs/decisions.md); anything else that is not a non-negative whole number is an error naming the
sheet and the cell. The result is the exchange JSON of docs/report.md (`body`, `year`, `table3`, `table4`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..domain import report as R
from ..domain.errors import BadInput

MAX_ROWS, MAX_COLS = 400, 80  # a report's tables fit well inside; a larger sheet is not scanned beyond this

_TRANS = str.maketrans({"（": "(", "）": ")", "“": "", "”": "", '"': "", "‘": "", "’": "", "．": ".", "，": ",",
                        "：": ":", "　": ""})
_NUMBERING = re.compile(r"^(?:\d+[.、]|\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}[、.])+")
TITLE = re.compile(r"((?:19|20)\d{2})\s*年度?\s*政府信息公开工作年度报告")


def norm(text: Any) -> str:
    return re.sub(r"\s+", "", str(text)).translate(_TRANS)


def _key(text: Any) -> str:
    return _NUMBERING.sub("", norm(text))


def _row_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for code, label in R.ROWS.items():
        k = _key(label)
        keys[k] = code
        short = re.sub(r"\(.*\)$", "", k)  # 部分公开 without its parenthesis
        keys.setdefault(short, code)
    return keys


ROW_KEYS = _row_keys()
HEADINGS = {_key(x) for x in ("三、本年度办理结果", *R.RESULT_GROUPS.values())}
_HEADINGS_LONGEST_FIRST = sorted(HEADINGS, key=len, reverse=True)
COLUMN_KEYS = {norm(label): code for code, label in R.COLUMNS.items()}
APPEAL_KEYS = {norm(label): code for code, label in R.APPEAL_ROWS.items()}
RESULT_KEYS = {norm(label): code for code, label in R.APPEAL_COLUMNS.items()}


def row_code(label: str) -> str | None:
    """The row code of a label as printed, also when the group is written in the same cell
    (「（三）不予公开 1. 属于国家秘密」, 「三、本年度办理结果（一）予以公开」)."""
    k = _key(label)
    if k in ROW_KEYS:
        return ROW_KEYS[k]
    for h in _HEADINGS_LONGEST_FIRST:
        if k.startswith(h) and len(k) > len(h):
            return row_code(k[len(h):])
    return None


class _Sheet:
    """The cells of one sheet as a grid of values (1-based), with its merged ranges."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.title = ws.title
        self.rows = min(ws.max_row or 0, MAX_ROWS)
        self.cols = min(ws.max_column or 0, MAX_COLS)
        self.values: dict[tuple[int, int], Any] = {}
        if self.rows and self.cols:
            for r, row in enumerate(ws.iter_rows(min_row=1, max_row=self.rows, max_col=self.cols, values_only=True), 1):
                for c, v in enumerate(row, 1):
                    if v is not None and v != "":
                        self.values[(r, c)] = v
        self.extent: dict[tuple[int, int], tuple[int, int]] = {}  # top-left → (last row, last column)
        for rng in getattr(ws, "merged_cells", None) or []:
            self.extent[(rng.min_row, rng.min_col)] = (rng.max_row, rng.max_col)

    def text(self, r: int, c: int) -> str | None:
        v = self.values.get((r, c))
        return v if isinstance(v, str) and v.strip() else None

    def find(self, keys: dict[str, str]) -> list[tuple[int, int, str]]:
        return [(r, c, keys[norm(v)]) for (r, c), v in sorted(self.values.items())
                if isinstance(v, str) and norm(v) in keys]

    def end(self, r: int, c: int) -> tuple[int, int]:
        return self.extent.get((r, c), (r, c))

    def where(self, r: int, c: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"工作表「{self.title}」{get_column_letter(c)}{r}"


def _number(sheet: _Sheet, r: int, c: int, what: str, formulas: Any) -> int:
    v = sheet.values.get((r, c))
    where = f"{sheet.where(r, c)}（{what}）"
    if v is None:
        if formulas is not None:
            f = formulas()[sheet.title].cell(r, c).value
            if isinstance(f, str) and f.startswith("="):
                raise BadInput(f"{where}是公式「{f[:40]}」，文件中没有保存计算结果：请在 Excel 或 WPS 中打开、保存后再报送")
        return 0
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise BadInput(f"{where}的值「{v}」不是数字：表中每个单元格应为非负整数")
    if isinstance(v, str):
        s = v.strip().replace(",", "")
        if not re.fullmatch(r"[+-]?\d+(\.0+)?", s):
            shown = v if len(v) <= 40 else v[:40] + "…"
            raise BadInput(f"{where}的值「{shown}」不是数字：表中每个单元格应为非负整数")
        if len(s) > 12:
            raise BadInput(f"{where}的值过大（{len(s)}位数）：申请件数不应超过{R.MAX_COUNT}")
        v = int(float(s)) if "." in s else int(s)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")) or not v.is_integer():
            raise BadInput(f"{where}的值{v}不是整数：申请件数应为非负整数")
        v = int(v)
    if v < 0:
        raise BadInput(f"{where}的值{v}是负数：申请件数应为非负整数")
    if v > R.MAX_COUNT:
        raise BadInput(f"{where}的值过大（{len(str(v))}位数）：申请件数不应超过{R.MAX_COUNT}")
    return v


def _table3(sheets: list[_Sheet], formulas: Any) -> tuple[_Sheet, int, dict[str, dict[str, int]]]:
    """Table 三 and the sheet and top row of its header."""
    for sheet in sheets:
        starts = [(r, c) for r, c, code in sheet.find(COLUMN_KEYS) if code == "natural_person"]
        if not starts:
            continue
        r0, c0 = starts[0]
        columns: dict[str, int] = {}
        header_end = r0
        for r, c, code in sheet.find(COLUMN_KEYS):
            if r0 - 1 <= r <= r0 + 2 and code not in columns:
                columns[code] = c
                header_end = max(header_end, sheet.end(r, c)[0])
        missing = [R.COLUMNS[c] for c in R.COLUMNS if c not in columns]
        if missing:
            raise BadInput(f"{sheet.where(r0, c0)}附近找到表三的「自然人」列，但找不到{'、'.join(f'「{m}」' for m in missing)}列的表头")
        first_num = min(columns.values())
        table: dict[str, dict[str, int]] = {}
        seen: dict[str, int] = {}
        top = next((r for r, c, code in sheet.find({"申请人情况": "x"}) if r < r0), r0)
        for r in range(header_end + 1, sheet.rows + 1):
            label_col = next((c for c in range(first_num - 1, 0, -1) if sheet.text(r, c)), None)
            label = sheet.text(r, label_col) if label_col else None
            has_numbers = any((r, c) in sheet.values for c in columns.values())
            code = row_code(label) if label else None
            if code is None:
                if has_numbers and label_col is not None and _key(label) not in HEADINGS:
                    raise BadInput(f"{sheet.where(r, label_col)}的行名「{label}」无法识别：应为表三的25行之一（如「（一）予以公开」）")
                if has_numbers and label_col is None:
                    raise BadInput(f"{sheet.where(r, first_num)}所在的行有数字，但没有行名：无法确定是表三的哪一行")
                continue
            if code in seen:
                raise BadInput(f"{sheet.where(r, label_col or 1)}：表三的「{R.ROWS[code]}」行出现了两次（另见第{seen[code]}行）")
            seen[code] = r
            table[code] = {col: _number(sheet, r, c, f"{R.row_label(code)}「{R.COLUMNS[col]}」", formulas)
                           for col, c in columns.items()}
            if code == "carried_out":
                break
        missing_rows = [R.ROWS[x] for x in R.ROWS if x not in table]
        if missing_rows:
            raise BadInput(f"工作表「{sheet.title}」的表三缺少{len(missing_rows)}行：{'、'.join(missing_rows[:5])}"
                           + ("等" if len(missing_rows) > 5 else "") + "（25行均应列出，数为零的填0）")
        return sheet, top, {x: table[x] for x in R.ROWS}
    raise BadInput("找不到表三「收到和处理政府信息公开申请情况」（没有「自然人」「商业企业」……「总计」的表头）："
                   "不是年度报告格式的表格")


def _table4(sheets: list[_Sheet], formulas: Any) -> dict[str, dict[str, int]]:
    for sheet in sheets:
        found = {code: (r, c) for r, c, code in reversed(sheet.find(APPEAL_KEYS))}
        if not found:
            continue
        missing = [R.APPEAL_ROWS[k] for k in R.APPEAL_ROWS if k not in found]
        if missing:
            r, c = next(iter(found.values()))
            raise BadInput(f"{sheet.where(r, c)}附近找到表四，但找不到{'、'.join(f'「{m}」' for m in missing)}的表头")
        table: dict[str, dict[str, int]] = {}
        results = sheet.find(RESULT_KEYS)
        for kind, (r, c) in found.items():
            last_col = sheet.end(r, c)[1]
            if last_col == c:  # not merged: up to the next kind's header, at most five columns
                others = [cc for rr, cc in found.values() if rr == r and cc > c]
                last_col = min([*others, c + 5]) - 1
            columns: dict[str, int] = {}
            header_end = sheet.end(r, c)[0]
            for rr, cc, code in results:
                if r < rr <= r + 3 and c <= cc <= last_col and code not in columns:
                    columns[code] = cc
                    header_end = max(header_end, sheet.end(rr, cc)[0])
            missing = [R.APPEAL_COLUMNS[x] for x in R.APPEAL_COLUMNS if x not in columns]
            if missing:
                raise BadInput(f"{sheet.where(r, c)}「{R.APPEAL_ROWS[kind]}」下找不到{'、'.join(f'「{m}」' for m in missing)}列")
            data = header_end + 1
            table[kind] = {col: _number(sheet, data, cc, f"表四「{R.APPEAL_ROWS[kind]}·{R.APPEAL_COLUMNS[col]}」", formulas)
                           for col, cc in columns.items()}
        return {k: table[k] for k in R.APPEAL_ROWS}
    raise BadInput("找不到表四「政府信息公开行政复议、行政诉讼情况」（没有「行政复议」「未经复议直接起诉」「复议后起诉」的表头）")


def _title(sheets: list[_Sheet], table_sheet: _Sheet, top: int) -> tuple[str | None, int | None]:
    """Body and year from a title such as 「××镇人民政府 2025年政府信息公开工作年度报告」, over one or two rows."""
    candidates = [(table_sheet, r, c) for (r, c) in sorted(table_sheet.values) if r < top]
    for s in sheets:
        if s is not table_sheet:
            candidates += [(s, r, c) for (r, c) in sorted(s.values) if r <= 3]
    texts = [(s, r, c, norm_space(s.values[(r, c)])) for s, r, c in candidates if isinstance(s.values[(r, c)], str)]
    for i, (s, _r, _c, text) in enumerate(texts):
        m = TITLE.search(text)
        if not m:
            continue
        body = _clean_body(text[:m.start()])
        if not body:  # the body's name on the row above
            before = [t for ss, rr, cc, t in texts[:i] if ss is s and not TITLE.search(t) and _clean_body(t)]
            body = _clean_body(before[-1]) if before else ""
        return body or None, int(m.group(1))
    return None, None


def norm_space(v: str) -> str:
    return re.sub(r"\s+", " ", v.replace("\u3000", " ")).strip()


def _clean_body(text: str) -> str:
    text = re.sub(r"^附件\s*\d*\s*[:：]?", "", text.strip()).strip(" ：:-—")
    if text.startswith(("三、", "四、", "二、", "表")) or len(text) > 60:
        return ""
    return text


def read(path: Path, name: str | None = None) -> dict[str, Any]:
    """The report in the spreadsheet at `path` as the exchange JSON; `body`/`year` are None when the title has none.
    BadInput (naming the sheet and the cell) for anything that cannot be read."""
    import warnings
    import zipfile

    from openpyxl import load_workbook

    shown = name or str(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not know
            wb = load_workbook(path, data_only=True)
    except OSError as exc:
        from . import os_reason

        raise BadInput(f"无法读取文件 {shown}：{os_reason(exc)}") from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, AttributeError, EOFError,
            zipfile.LargeZipFile, NotImplementedError, RecursionError):
        raise BadInput(f"{shown} 不是有效的 XLSX 文件（旧的 .xls 格式请在 Excel 或 WPS 中另存为 .xlsx）") from None
    except Exception as exc:  # openpyxl's own InvalidFileException and the XML parser's errors
        raise BadInput(f"{shown} 不是有效的 XLSX 文件：{type(exc).__name__}") from None

    formula_book: list[Any] = []

    def formulas() -> Any:
        if not formula_book:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                formula_book.append(load_workbook(path, data_only=False))
        return formula_book[0]

    try:
        sheets = [_Sheet(ws) for ws in wb.worksheets]
        sheet, top, t3 = _table3(sheets, formulas)
        t4 = _table4([sheet, *[s for s in sheets if s is not sheet]], formulas)
        body, year = _title(sheets, sheet, top)
    except BadInput as exc:
        raise BadInput(f"{shown}：{exc}") from None
    return {"body": body, "year": year, "table3": t3, "table4": t4}
