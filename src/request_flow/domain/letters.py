"""What the law puts in a letter: its legal basis, the remedy clause and its form, the way dates are written.

Pure rules (no I/O, nothing of the project outside domain/); the letters package fills the templates with them.
Described in docs/letters.md (elements, dates, remedies) and docs/outcomes.md (citations).
"""

from __future__ import annotations

from datetime import date

from .codes import OUTCOMES, REFUSAL_OUTCOMES
from .lifecycle import REGULATIONS

FEE_MEASURES = "《政府信息公开信息处理费管理办法》"
REVIEW_LAW = "《中华人民共和国行政复议法》"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》"

# Remedy forms (docs/letters.md, "Remedies").
NO_REMEDY = "none"  # correction notices, Art. 38 and Art. 39 ¶2 replies, procedural notices
ORDINARY = "ordinary"  # review within 60 days or a lawsuit within 6 months
REVIEW_FIRST = "review_first"  # refusals to disclose: review before court (行政复议法 Art. 23), no direct lawsuit
REMEDY_FORMS = (NO_REMEDY, ORDINARY, REVIEW_FIRST)

REVIEW_DAYS = 60  # 行政复议法 Art. 20: within 60 days of knowing of the act
LAWSUIT_MONTHS = 6  # 行政诉讼法 Art. 46

# Outcomes whose reply carries no remedy clause (practice, from the Supreme People's Court's 2011 provisions on
# OGI cases, Art. 2): Art. 39 ¶2 (where to obtain a publication) and Art. 38 (information to be created).
NO_REMEDY_OUTCOMES = frozenset({"publication", "needs_creation"})
# Partial disclosure: the withheld part is treated as a refusal (practice, docs/letters.md, "Remedies").
REVIEW_FIRST_OUTCOMES = REFUSAL_OUTCOMES | {"partial"}

# The legal basis of the letters other than replies (docs/letters.md, "The set").
LETTER_ARTICLES = {
    "receipt": "第二十九条、第三十一条",
    "correction": "第三十条",
    "reasons": "第三十五条",
    "extension": "第三十三条第二款",
    "set_deadline": "第三十五条",  # the Art. 35 set deadline is notified with the extension letter's number series
    "consultation.third_party": "第三十二条",
    "consultation.co_producer": "第三十四条",
    "consultation_notice": "第三十三条第三款",
    "override": "第三十二条",
    "fee": "第四十二条",
}

# Letters that are not replies and carry a remedy clause: decisions that bind their addressee. Procedural notices
# (receipt, correction, reasons, extension, consultation and its notice) carry none (practice).
ORDINARY_REMEDY_LETTERS = frozenset({"override", "fee", "closure"})


def cn_date(d: date) -> str:
    """Dates in letters: 2025年3月7日 (no leading zeros, docs/letters.md)."""
    return f"{d.year}年{d.month}月{d.day}日"


def statute_citation(articles: str) -> str:
    """'第三十六条第（四）项' -> '《中华人民共和国政府信息公开条例》第三十六条第（四）项'; a named measure stays as named."""
    if not articles:
        return ""
    return f"{REGULATIONS}{articles}" if articles.startswith("第") else articles


def according_to(*parts: str) -> str:
    """The recital of a legal basis: 根据《中华人民共和国政府信息公开条例》第三十六条第（四）项的规定."""
    cited = [statute_citation(p) for p in parts if p]
    if not cited:
        return ""
    return "根据" + "和".join(cited) + "的规定"


def outcome_articles(outcome: str, third_party_consulted: bool = False) -> str:
    """The articles an outcome's reply cites (docs/outcomes.md); 第三十二条 joins 第十五条 where the third party was consulted."""
    articles = OUTCOMES[outcome].citation
    if outcome == "withheld.third_party_rights" and third_party_consulted:
        articles += "、第三十二条"
    return articles


def reply_basis(outcome: str, third_party_consulted: bool = False) -> str:
    articles = outcome_articles(outcome, third_party_consulted)
    if outcome == "fee_unpaid":
        return according_to(FEE_MEASURES)
    return according_to(articles)


def letter_basis(kind: str, variant: str = "") -> str:
    """The basis of a letter that is not a reply; `variant` picks the consultation's party or the Art. 35 deadline."""
    if kind == "fee":
        return according_to(LETTER_ARTICLES["fee"], FEE_MEASURES)
    key = f"{kind}.{variant}" if f"{kind}.{variant}" in LETTER_ARTICLES else (variant if variant in LETTER_ARTICLES else kind)
    return according_to(LETTER_ARTICLES.get(key, ""))


def remedy_form(kind: str, outcome: str | None = None) -> str:
    """Which remedy clause a letter carries (docs/letters.md, "Remedies")."""
    if kind == "reply":
        if outcome is None or outcome in NO_REMEDY_OUTCOMES:
            return NO_REMEDY
        if outcome in REVIEW_FIRST_OUTCOMES:
            return REVIEW_FIRST
        return ORDINARY
    if kind in ORDINARY_REMEDY_LETTERS:
        return ORDINARY
    return NO_REMEDY


def closing(kind: str) -> str:
    """"特此答复。" for replies, "特此告知。" for notices; a consultation letter asks for an answer."""
    if kind == "reply":
        return "特此答复。"
    if kind == "consultation":
        return "请予函复。"
    if kind == "receipt":
        return ""
    return "特此告知。"


def remedy_form_with_grounds(kind: str, outcome: str | None, grounds: tuple[str, ...] | list[str]) -> str:
    """`remedy_form`, given the grounds of the withheld parts too (docs/outcomes.md: review first whenever
    any ground is a `withheld.*` one): a partial disclosure whose withheld parts only do not exist or would have
    to be created refuses nothing, and gets the ordinary form."""
    form = remedy_form(kind, outcome)
    if kind != "reply" or form == NO_REMEDY:
        return form
    if any(g in REFUSAL_OUTCOMES for g in grounds):
        return REVIEW_FIRST
    if outcome == "partial" and grounds:
        return ORDINARY
    return form


_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "(": "〔", "（": "〔", "【": "〔", "〖": "〔",
                           "]": "〕", "］": "〕", ")": "〕", "）": "〕", "】": "〕", "〗": "〕"})


def normalize_number(text: str) -> str:
    """A 文号 as typed, with whatever brackets around the year ([2025], (2025), 【2025】), as it is written:
    〔2025〕 (docs/letters.md, "Numbering"). Spaces typed around it are dropped."""
    return "".join(text.split()).translate(_BRACKETS)
