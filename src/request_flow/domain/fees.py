"""Information-processing fees (《政府信息公开信息处理费管理办法》, 国办函〔2020〕109号).

A fee may be charged only where volume or frequency exceeds a reasonable range (Art. 42). One method per
application, never both; each is progressive on the excess.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeeLine:
    first: int
    last: int
    unit_price: int  # yuan

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    @property
    def amount(self) -> int:
        return self.count * self.unit_price


@dataclass(frozen=True)
class Fee:
    method: str  # "per_item" | "per_volume"
    lines: tuple[FeeLine, ...]

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)

    def explain(self) -> str:
        unit = "件" if self.method == "per_item" else "页"
        if not self.lines:
            return "未超出免费范围，不收费（0元）"
        parts = [f"第{ln.first}–{ln.last}{unit} {ln.count}×{ln.unit_price}元" for ln in self.lines]
        return "；".join(parts) + f"；合计{self.amount}元"


def _item_price(n: int) -> int:
    """Price of the n-th item of one applicant in one calendar month (按件计收)."""
    if n <= 10:
        return 0
    if n <= 30:
        return 100
    return 100 * (2 + (n - 31) // 10)  # 31–40: 200, 41–50: 300, …


def _page_price(n: int) -> int:
    """Price of the n-th page of one application (按量计收)."""
    if n <= 30:
        return 0
    if n <= 100:
        return 10
    if n <= 200:
        return 20
    return 40


def _lines(first: int, last: int, price) -> tuple[FeeLine, ...]:
    lines: list[FeeLine] = []
    for n in range(first, last + 1):
        p = price(n)
        if p == 0:
            continue
        if lines and lines[-1].unit_price == p and lines[-1].last == n - 1:
            lines[-1] = FeeLine(lines[-1].first, n, p)
        else:
            lines.append(FeeLine(n, n, p))
    return tuple(lines)


def per_item(items: int, earlier_items_this_month: int = 0) -> Fee:
    """按件计收: the applicant's items are counted across the calendar month; this application pays for its own."""
    if items < 1 or earlier_items_this_month < 0:
        raise ValueError("件数必须为正整数")
    first = earlier_items_this_month + 1
    return Fee("per_item", _lines(first, first + items - 1, _item_price))


def per_volume(pages: int) -> Fee:
    """按量计收: pages of one application."""
    if pages < 1:
        raise ValueError("页数必须为正整数")
    return Fee("per_volume", _lines(1, pages, _page_price))
