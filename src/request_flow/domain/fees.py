"""Information-processing fees (《政府信息公开信息处理费管理办法》, 国办函〔2020〕109号).

A fee may be charged only where volume or frequency exceeds a reasonable range (Art. 42). One method per
application, never both; each is progressive on the excess.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import BadInput


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


# The ranges a fee notice accepts (docs/contract.md, "Numeric options"). Above them the office is not charging a
# fee but describing a different request; they also keep the work of one notice bounded.
MAX_ITEMS = 1000  # 件 one notice covers (normally 1)
MAX_PAGES = 1_000_000  # 页 of one application
MAX_EARLIER_ITEMS = 10_000_000  # the applicant's earlier 件 this month, as counted from the register


def _item_band(n: int) -> tuple[int, int, int]:
    """The band the n-th item of one applicant in one calendar month falls in (按件计收): (first, last, price).
    Items 1–10 are free, 11–30 cost 100 yuan each; from the 31st, every further 10 items cost 100 more."""
    if n <= 10:
        return 1, 10, 0
    if n <= 30:
        return 11, 30, 100
    k = (n - 31) // 10
    return 31 + 10 * k, 40 + 10 * k, 100 * (2 + k)


def _page_band(n: int) -> tuple[int, int | None, int]:
    """The band the n-th page of one application falls in (按量计收): (first, last or None for no end, price)."""
    if n <= 30:
        return 1, 30, 0
    if n <= 100:
        return 31, 100, 10
    if n <= 200:
        return 101, 200, 20
    return 201, None, 40


def _lines(first: int, last: int, band) -> tuple[FeeLine, ...]:
    """The lines from item (or page) `first` to `last`, one per price band: the work is one step per band, never
    one per item, so that a large quantity costs no more than its bands."""
    lines: list[FeeLine] = []
    n = first
    while n <= last:
        _, band_last, price = band(n)
        end = last if band_last is None else min(last, band_last)
        if price:
            lines.append(FeeLine(n, end, price))
        n = end + 1
    return tuple(lines)


def per_item(items: int, earlier_items_this_month: int = 0) -> Fee:
    """按件计收: the applicant's items are counted across the calendar month; this application pays for its own."""
    if not 1 <= items <= MAX_ITEMS:
        raise BadInput(f"件数应为 1 到 {MAX_ITEMS} 之间的整数")
    if not 0 <= earlier_items_this_month <= MAX_EARLIER_ITEMS:
        raise BadInput(f"本月此前的件数应为 0 到 {MAX_EARLIER_ITEMS} 之间的整数")
    first = earlier_items_this_month + 1
    return Fee("per_item", _lines(first, first + items - 1, _item_band))


def per_volume(pages: int) -> Fee:
    """按量计收: pages of one application."""
    if not 1 <= pages <= MAX_PAGES:
        raise BadInput(f"页数应为 1 到 {MAX_PAGES} 之间的整数")
    return Fee("per_volume", _lines(1, pages, _page_band))
