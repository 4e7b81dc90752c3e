"""What the law puts in letters (docs/letters.md, docs/outcomes.md): remedy forms, citations, dates.

Expected values are typed from the spec's tables, not taken from the code."""

from __future__ import annotations

from datetime import date

from request_flow.domain import letters as law
from request_flow.domain.codes import OUTCOMES

# docs/letters.md, "Remedies": refusals (and partial, practice) go to review first; Art. 38 and Art. 39 ¶2 replies carry none;
# every other reply, already_public and withheld.administrative_query included, the ordinary form.
REMEDY = {
    "disclosed": "ordinary", "already_public": "ordinary", "partial": "review_first",
    "withheld.state_secret": "review_first", "withheld.prohibited_by_law": "review_first",
    "withheld.three_security_one_stability": "review_first", "withheld.third_party_rights": "review_first",
    "withheld.internal_affairs": "review_first", "withheld.process_info": "review_first",
    "withheld.enforcement_files": "review_first", "withheld.administrative_query": "ordinary",
    "not_exist": "ordinary", "not_responsible": "ordinary", "needs_creation": "none",
    "unclear_after_correction": "ordinary", "petition_complaint": "ordinary", "duplicate": "ordinary",
    "publication": "none", "excessive": "ordinary", "confirm_or_reissue": "ordinary", "other": "ordinary",
}

R = "根据《中华人民共和国政府信息公开条例》"
BASIS = {
    "disclosed": R + "第三十六条第（二）项的规定",
    "already_public": R + "第三十六条第（一）项的规定",
    "partial": R + "第三十七条的规定",
    "withheld.state_secret": R + "第三十六条第（三）项、第十四条的规定",
    "withheld.third_party_rights": R + "第三十六条第（三）项、第十五条的规定",
    "withheld.internal_affairs": R + "第三十六条第（三）项、第十六条第一款的规定",
    "withheld.process_info": R + "第三十六条第（三）项、第十六条第二款的规定",
    "withheld.administrative_query": R + "第三十六条第（七）项的规定",
    "not_exist": R + "第三十六条第（四）项的规定",
    "not_responsible": R + "第三十六条第（五）项的规定",
    "needs_creation": R + "第三十八条的规定",
    "unclear_after_correction": R + "第三十条的规定",
    "petition_complaint": R + "第三十九条第一款的规定",
    "duplicate": R + "第三十六条第（六）项的规定",
    "publication": R + "第三十九条第二款的规定",
    "excessive": R + "第三十五条的规定",
    "no_correction": R + "第三十条的规定",
    "fee_unpaid": "根据《政府信息公开信息处理费管理办法》的规定",
}


def test_remedy_form_of_every_reply():
    assert {code: law.remedy_form("reply", code) for code, o in OUTCOMES.items() if o.by_staff} == REMEDY


def test_remedy_form_of_notices():
    # correction notices carry none (docs/letters.md); procedural notices none; binding decisions the ordinary form
    assert [law.remedy_form(k) for k in ("receipt", "correction", "reasons", "extension", "consultation",
                                         "consultation_notice")] == ["none"] * 6
    assert [law.remedy_form(k) for k in ("override", "fee", "closure")] == ["ordinary"] * 3


def test_citations_exactly_as_outcomes_md():
    assert {code: law.reply_basis(code) for code in BASIS} == BASIS
    assert law.reply_basis("withheld.third_party_rights", third_party_consulted=True) == (
        R + "第三十六条第（三）项、第十五条、第三十二条的规定")
    assert law.reply_basis("confirm_or_reissue") == ""
    assert law.letter_basis("correction") == R + "第三十条的规定"
    assert law.letter_basis("extension") == R + "第三十三条第二款的规定"
    assert law.letter_basis("consultation", "third_party") == R + "第三十二条的规定"
    assert law.letter_basis("consultation", "co_producer") == R + "第三十四条的规定"
    assert law.letter_basis("consultation_notice") == R + "第三十三条第三款的规定"
    assert law.letter_basis("reasons") == R + "第三十五条的规定"
    assert law.letter_basis("fee") == R + "第四十二条和《政府信息公开信息处理费管理办法》的规定"


def test_dates_are_written_without_leading_zeros():
    assert law.cn_date(date(2025, 3, 7)) == "2025年3月7日"
    assert law.cn_date(date(2025, 12, 31)) == "2025年12月31日"
