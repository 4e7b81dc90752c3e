"""The annual report (政府信息公开工作年度报告) as the report format fixes it (国办公开办函〔2021〕30号):
the rows and columns of table 三, the counts of table 四, the counting rules and the consistency checks
(勾稽关系). Pure: the database queries that fill the tables live in `reporting/compute.py`; this module says
what a number means, what one case contributes, and whether a table adds up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from operator import itemgetter
from typing import Any

from .codes import APPEAL_KINDS, APPEAL_RESULTS, OUTCOMES
from .errors import BadInput

# -- table 三 --------------------------------------------------------------------------------------------------

COLUMNS: dict[str, str] = {  # docs/report.md, "Table 三"
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "public_interest": "社会公益组织",
    "legal_service": "法律服务机构",
    "other": "其他",
    "total": "总计",
}
APPLICANT_COLUMNS = tuple(c for c in COLUMNS if c != "total")

# The 21 result rows, in the order of the format; each with the label printed in the official table.
RESULT_ROWS: dict[str, str] = {
    "disclosed": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld.state_secret": "1. 属于国家秘密",
    "withheld.prohibited_by_law": "2. 其他法律行政法规禁止公开",
    "withheld.three_security_one_stability": "3. 危及“三安全一稳定”",
    "withheld.third_party_rights": "4. 保护第三方合法权益",
    "withheld.internal_affairs": "5. 属于三类内部事务信息",
    "withheld.process_info": "6. 属于四类过程性信息",
    "withheld.enforcement_files": "7. 属于行政执法案卷",
    "withheld.administrative_query": "8. 属于行政查询事项",
    "unable.not_held": "1. 本机关不掌握相关政府信息",
    "unable.needs_creation": "2. 没有现成信息需要另行制作",
    "unable.unclear_after_correction": "3. 补正后申请内容仍不明确",
    "not_processed.petition_complaint": "1. 信访举报投诉类申请",
    "not_processed.duplicate": "2. 重复申请",
    "not_processed.publication": "3. 要求提供公开出版物",
    "not_processed.excessive": "4. 无正当理由大量反复申请",
    "not_processed.confirm_or_reissue": "5. 要求行政机关确认或重新出具已获取信息",
    "other.no_correction": "1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.fee_unpaid": "2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "3. 其他",
}
# The groups of result rows, (三)–(六), as the merged cells of the official table show them.
RESULT_GROUPS: dict[str, str] = {
    "withheld": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
ROWS: dict[str, str] = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_in": "二、上年结转政府信息公开申请数量",
    **RESULT_ROWS,
    "total_processed": "（七）总计",
    "carried_out": "四、结转下年度继续办理",
}
assert len(ROWS) == 25 and len(RESULT_ROWS) == 21


def row_label(row: str) -> str:
    """The row as a reader names it, with its group: 三(三)4「保护第三方合法权益」."""
    label = ROWS[row]
    group = row.split(".")[0] if "." in row else None
    if group in RESULT_GROUPS:
        return f"三{RESULT_GROUPS[group]}{label}"
    if row in RESULT_ROWS or row == "total_processed":
        return f"三{label}"
    return label


def row_of(outcome: str | None) -> str | None:
    """The report row of an outcome code (docs/outcomes.md); None for an unknown code."""
    o = OUTCOMES.get(outcome or "")
    return o.report_row if o else None


def outcomes_of_row(row: str) -> list[str]:
    return [code for code, o in OUTCOMES.items() if o.report_row == row]


# -- table 四 --------------------------------------------------------------------------------------------------

APPEAL_COLUMNS: dict[str, str] = {**APPEAL_RESULTS, "pending": "尚未审结", "total": "总计"}
APPEAL_ROWS: dict[str, str] = dict(APPEAL_KINDS)

# How table 四 picks its appeals (docs/report.md, "Table 四": `[report] appeals_counted_by`).
APPEALS_FILED = "filed"        # appeals filed in Y; the result if decided by 31 December, else pending
APPEALS_ACTIVITY = "activity"  # appeals decided in Y by result, plus those filed by 31 December still pending then


def empty_table3() -> dict[str, dict[str, int]]:
    return {r: {c: 0 for c in COLUMNS} for r in ROWS}


def empty_table4() -> dict[str, dict[str, int]]:
    return {k: {c: 0 for c in APPEAL_COLUMNS} for k in APPEAL_ROWS}


def with_totals(table3: dict[str, dict[str, int]], table4: dict[str, dict[str, int]]) -> None:
    """Fill the sums the format defines: every row's 总计, (七) 总计, table 四's 总计. In place."""
    for r in RESULT_ROWS:
        for c in APPLICANT_COLUMNS:
            table3["total_processed"][c] += table3[r][c]
    for cells in table3.values():
        cells["total"] = sum(cells[c] for c in APPLICANT_COLUMNS)
    for cells in table4.values():
        cells["total"] = sum(cells[c] for c in ("upheld", "corrected", "other", "pending"))


# -- what one case contributes (for locked years) ------------------------------------------------------------

Cell = tuple[int, str, str]  # (year, row, column) of table 三, or (year, appeal kind, result column) of table 四


@dataclass(frozen=True)
class CaseFacts:
    """What the counting rules read of a case: nothing else about it moves a number in table 三."""

    applicant_type: str
    received_on: date | None
    outcome: str | None
    concluded_on: date | None


def case_cells(f: CaseFacts, first_year: int, last_year: int) -> set[Cell]:
    """The cells of table 三 that one application counts in, for the years first_year..last_year."""
    cells: set[Cell] = set()
    r = f.received_on
    if r is None:  # no date of receipt: counts nowhere (docs/report.md)
        return cells
    c = f.concluded_on
    col = f.applicant_type
    last = last_year if c is None else min(last_year, c.year)
    for y in range(max(first_year, r.year), last + 1):
        if r.year == y:
            cells.add((y, "new", col))
        elif c is None or c >= date(y, 1, 1):
            cells.add((y, "carried_in", col))
        if c is not None and c.year == y:
            cells.add((y, row_of(f.outcome) or "?", col))
        elif c is None or c > date(y, 12, 31):
            cells.add((y, "carried_out", col))
    return cells


@dataclass(frozen=True)
class AppealFacts:
    kind: str
    filed_on: date
    result: str | None
    decided_on: date | None


def appeal_cells(a: AppealFacts, first_year: int, last_year: int, rule: str = APPEALS_FILED) -> set[Cell]:
    cells: set[Cell] = set()
    for y in range(first_year, last_year + 1):
        end = date(y, 12, 31)
        decided = a.result if a.decided_on is not None and a.decided_on <= end else None
        if rule == APPEALS_FILED:
            if a.filed_on.year == y:
                cells.add((y, a.kind, decided or "pending"))
        else:
            if a.decided_on is not None and a.decided_on.year == y and a.result:
                cells.add((y, a.kind, a.result))
            elif a.filed_on <= end and decided is None:
                cells.add((y, a.kind, "pending"))
    return cells


# -- the consistency checks (勾稽关系) ------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One cell (or column) that breaks a check: what is filled in, what the check expects, and the sentence."""

    check: str
    table: str            # "table3" or "table4"
    row: str | None       # row code (None: the whole column, check 1)
    col: str              # column code
    filled: int
    expected: int
    text: str

    @property
    def off(self) -> int:
        return self.filled - self.expected

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "table": self.table, "row": self.row, "col": self.col, "filled": self.filled,
                "expected": self.expected, "off": self.off, "text": self.text}


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


CHECK_TITLES = {
    "balance": "第一项加第二项之和等于第三项加第四项之和",
    "total_processed": "（七）总计等于21项办理结果之和",
    "row_totals": "每行总计等于六类申请人之和",
    "carried_over": "本年“上年结转”等于上年“结转下年度继续办理”",
    "table4_totals": "表四每项总计等于四种结果之和",
    "records": "没有申请被重复统计或遗漏",
}
FILE_CHECKS = ("balance", "total_processed", "row_totals", "carried_over", "table4_totals")  # checks 1–5


def _diff(actual: int, expected: int) -> str:
    d = actual - expected
    return f"多{d}" if d > 0 else f"少{-d}"


def _check(name: str, problems: list[Problem]) -> Check:
    return Check(name, not problems, "；".join(p.text for p in problems), problems)


_RESULT_ROW_LIST = tuple(RESULT_ROWS)
_ROW_LIST = tuple(ROWS)
_COLUMN_LIST = tuple(COLUMNS)
_BY_COLUMN = itemgetter(*_COLUMN_LIST)  # a row's cells in column order
_BY_APPLICANT = itemgetter(*APPLICANT_COLUMNS)
_BY_ROW = itemgetter(*_ROW_LIST)


def check_tables(table3: dict[str, dict[str, int]], table4: dict[str, dict[str, int]],
                 previous_carried_out: dict[str, int] | None = None, previous_label: str = "上年报表") -> list[Check]:
    """Checks 1–5 of docs/report.md on a table, whoever made it. Each failure names the cell and by how much."""
    checks: list[Check] = []
    new, cin, tp, cout = table3["new"], table3["carried_in"], table3["total_processed"], table3["carried_out"]

    problems = []
    for c, label in COLUMNS.items():
        left = new[c] + cin[c]
        right = tp[c] + cout[c]
        if left != right:
            problems.append(Problem("balance", "table3", None, c, left, right,
                                    f"「{label}」列：一、本年新收{new[c]}加二、上年结转{cin[c]}等于{left}，"
                                    f"而（七）总计{tp[c]}加四、结转下年度{cout[c]}等于{right}，相差{abs(left - right)}"))
    checks.append(_check("balance", problems))

    problems = []
    sums = dict(zip(_COLUMN_LIST, map(sum, zip(*(_BY_COLUMN(table3[r]) for r in _RESULT_ROW_LIST)))))
    for c, label in COLUMNS.items():
        s = sums[c]
        if tp[c] != s:
            problems.append(Problem("total_processed", "table3", "total_processed", c, tp[c], s,
                                    f"「{label}」列：（七）总计填{tp[c]}，21项办理结果之和为{s}，{_diff(tp[c], s)}"))
    checks.append(_check("total_processed", problems))

    problems = []
    for r, cells in zip(_ROW_LIST, _BY_ROW(table3)):
        s = sum(_BY_APPLICANT(cells))
        if cells["total"] != s:
            problems.append(Problem("row_totals", "table3", r, "total", cells["total"], s,
                                    f"{row_label(r)}行：总计填{cells['total']}，六类申请人之和为{s}，{_diff(cells['total'], s)}"))
    checks.append(_check("row_totals", problems))

    if previous_carried_out is None:
        checks.append(Check("carried_over", True, "没有上年数据，未核对"))
    else:
        problems = []
        for c, label in COLUMNS.items():
            if cin[c] != previous_carried_out[c]:
                problems.append(Problem("carried_over", "table3", "carried_in", c, cin[c], previous_carried_out[c],
                                        f"「{label}」列：二、上年结转填{cin[c]}，{previous_label}四、结转下年度继续办理为"
                                        f"{previous_carried_out[c]}，{_diff(cin[c], previous_carried_out[c])}"))
        checks.append(_check("carried_over", problems))

    problems = []
    for k, label in APPEAL_ROWS.items():
        cells = table4[k]
        s = cells["upheld"] + cells["corrected"] + cells["other"] + cells["pending"]
        if cells["total"] != s:
            problems.append(Problem("table4_totals", "table4", k, "total", cells["total"], s,
                                    f"表四「{label}」：总计填{cells['total']}，结果维持、结果纠正、其他结果、尚未审结之和为{s}，"
                                    f"{_diff(cells['total'], s)}"))
    checks.append(_check("table4_totals", problems))
    return checks


# -- a table from elsewhere (report check FILE.json) -----------------------------------------------------------

# No body's year comes near a billion applications: a larger number is a slip (or a hostile file), not a count.
MAX_COUNT = 999_999_999


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        shown = str(value) if isinstance(value, str | bool) or value is None else type(value).__name__
        if len(shown) > 40:
            shown = shown[:40] + "…"
        raise BadInput(f"{where}的值「{shown}」不是数字：表中每个单元格应为非负整数")
    if isinstance(value, float):
        if not value.is_integer():
            raise BadInput(f"{where}的值{value}不是整数：申请件数应为非负整数")
        value = int(value)
    if value < 0:
        raise BadInput(f"{where}的值{value if value > -MAX_COUNT else '（绝对值过大的负数）'}是负数：申请件数应为非负整数")
    if value > MAX_COUNT:
        raise BadInput(f"{where}的值过大（{len(str(value)) if value < 10 ** 4000 else '逾4000'}位数）：申请件数不应超过{MAX_COUNT}")
    return value


def _cells(cells: dict[str, Any], columns: tuple[str, ...], where) -> dict[str, int]:
    """The row's cells as counts; the message (built only on error) names the first bad one."""
    values = _GETTERS[columns](cells)
    if set(map(type, values)) == _INT_ONLY and min(values) >= 0 and max(values) <= MAX_COUNT:  # the common case
        return dict(zip(columns, values))
    out = {}
    for c in columns:
        v = cells[c]
        if type(v) is int and 0 <= v <= MAX_COUNT:  # the common case, without building the message
            out[c] = v
        else:
            out[c] = _count(v, where(c))
    return out


_APPEAL_COLUMN_LIST = tuple(APPEAL_COLUMNS)
_COLUMN_SET = frozenset(COLUMNS)
_GETTERS = {cols: itemgetter(*cols) for cols in (_COLUMN_LIST, _APPEAL_COLUMN_LIST)}
_INT_ONLY = {int}
_APPEAL_ROW_LIST = tuple(APPEAL_ROWS)
_BY_KIND = itemgetter(*_APPEAL_ROW_LIST)
_BY_APPEAL_COLUMN = itemgetter(*_APPEAL_COLUMN_LIST)


def _well_formed(t3: dict[str, Any], t4: dict[str, Any]) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]] | None:
    """The tables when every cell is a count, in a few passes at C speed (a supervisor checks thousands of
    reports); None sends the caller to the careful reading that names what is wrong."""
    try:
        rows3 = [_BY_COLUMN(cells) for cells in _BY_ROW(t3)]
        rows4 = [_BY_APPEAL_COLUMN(cells) for cells in _BY_KIND(t4)]
    except (KeyError, TypeError, IndexError):
        return None
    flat = [*chain.from_iterable(rows3), *chain.from_iterable(rows4)]
    if set(map(type, flat)) != _INT_ONLY or min(flat) < 0 or max(flat) > MAX_COUNT:
        return None
    return ({r: dict(zip(_COLUMN_LIST, row)) for r, row in zip(_ROW_LIST, rows3)},
            {k: dict(zip(_APPEAL_COLUMN_LIST, row)) for k, row in zip(_APPEAL_ROW_LIST, rows4)})


def parse_report(doc: Any) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """The tables of a report in the JSON shape of docs/report.md; BadInput naming the first thing missing."""
    if not isinstance(doc, dict):
        raise BadInput("报表 JSON 的顶层应为对象，含 table3 和 table4")
    t3, t4 = doc.get("table3"), doc.get("table4")
    if not isinstance(t3, dict):
        raise BadInput("报表缺少 table3（表三：收到和处理政府信息公开申请情况）")
    if not isinstance(t4, dict):
        raise BadInput("报表缺少 table4（表四：政府信息公开行政复议、行政诉讼情况）")
    fast = _well_formed(t3, t4)
    if fast is not None:
        return fast
    missing_rows = [r for r in ROWS if r not in t3]
    if missing_rows:
        raise BadInput(f"table3 缺少{len(missing_rows)}行：{'、'.join(missing_rows)}（25行均应列出，数为零的填0）")
    table3: dict[str, dict[str, int]] = {}
    for r in _ROW_LIST:
        cells = t3[r]
        if not isinstance(cells, dict):
            raise BadInput(f"table3.{r}（{row_label(r)}）应为对象，以7个列代码为键")
        if not cells.keys() >= _COLUMN_SET:
            missing = [c for c in COLUMNS if c not in cells]
            raise BadInput(f"table3.{r}（{row_label(r)}）缺少列：{'、'.join(missing)}")
        table3[r] = _cells(cells, _COLUMN_LIST, lambda c, r=r: f"table3.{r}.{c}（{row_label(r)}「{COLUMNS[c]}」）")
    table4: dict[str, dict[str, int]] = {}
    for k, label in APPEAL_ROWS.items():
        cells = t4.get(k)
        if not isinstance(cells, dict):
            raise BadInput(f"table4 缺少 {k}（{label}）")
        missing = [c for c in APPEAL_COLUMNS if c not in cells]
        if missing:
            raise BadInput(f"table4.{k}（{label}）缺少：{'、'.join(missing)}")
        table4[k] = _cells(cells, _APPEAL_COLUMN_LIST,
                           lambda c, k=k, label=label: f"table4.{k}.{c}（{label}「{APPEAL_COLUMNS[c]}」）")
    return table3, table4
