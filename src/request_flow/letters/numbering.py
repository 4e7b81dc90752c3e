"""The 文号 of a letter: the body's short code, the letter type's code, the year in 〔〕, the serial and 号
(docs/decisions.md, "Letters"), e.g. 示县政办公开复〔2025〕12号. Serials come from the store's counters, one series
per letter type, or one for all of a body's letters when configured (`[letters] shared_series`).
"""

from __future__ import annotations

from typing import Any

from ..domain.codes import LETTER_KINDS


def series(kind: str, shared: bool = False) -> str:
    """The counter a letter's serial comes from: one per type (default), or one for all the body's letters."""
    return "letter" if shared else f"letter:{kind}"


def letter_number(body: Any, kind: str, year: int, serial: int) -> str:
    """文号: no leading zeros, a four-digit year, the year being that of the letter's date."""
    code = body.letter_codes.get(kind) or "公开" + LETTER_KINDS[kind][1]
    return f"{body.short_name}{code}〔{year}〕{serial}号"
