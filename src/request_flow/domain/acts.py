"""Each staff act checked against the statute before it is recorded.

An act takes the case as replayed (`CaseView`) and the facts given, and returns the event to append, or
raises `Refused` (a rule forbids it, exit 1) or `BadInput` (malformed, exit 2). Every refusal names its rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import EnumMeta
from typing import Any

from . import fees
from .case import APPEAL, APPEAL_RESULT, DELIVER, CaseView
from .clocks import MAX_EXTENSION_DAYS
from .codes import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    CONSULT_KINDS,
    DISCLOSING_OUTCOMES,
    FACT_LABELS,
    FEE_METHODS,
    OPINION_RESULTS,
    OUTCOMES,
    ApplicantType,
    Channel,
)
from .errors import BadInput, Refused
from .lifecycle import (
    CONCLUDED_STATES,
    REGISTERED,
    REGULATIONS,
    STATE_LABELS,
    STEPS_BY_TRIGGER,
    WrongState,
    allowed_acts,
)


@dataclass
class Draft:
    """An event ready to be written, and the letter the law ties to it (its 文号 is reserved on write)."""

    kind: str
    on: date
    data: dict[str, Any] = field(default_factory=dict)
    letter_kind: str | None = None
    reason: str = ""


def _art(article: str) -> str:
    return f"{REGULATIONS}{article}" if article.startswith("第") else article


def check_text(value: str | None, what: str, required: bool = False) -> str | None:
    """Applicant text is data: any Unicode is fine except control characters other than LF, CR and tab."""
    if value is None or value == "":
        if required:
            raise BadInput(f"{what}不能为空")
        return value
    for ch in value:
        if (ord(ch) < 32 and ch not in "\n\r\t") or 0x7F <= ord(ch) < 0xA0:
            raise BadInput(f"{what}含有不可见的控制字符（U+{ord(ch):04X}），请删除后重试")
    if required and not value.strip():
        raise BadInput(f"{what}不能为空")
    return value


def _state(view: CaseView, trigger: str) -> None:
    if trigger not in allowed_acts(view.state):
        raise Refused(str(WrongState(trigger, view.state)))


def _chronology(view: CaseView, on: date) -> None:
    if view.last_on and on < view.last_on:
        raise Refused(f"办理日期{on.isoformat()}早于本案上一次办理的日期{view.last_on.isoformat()}：案件记录只能按时间顺序追加")


def parse_choice(value: str, choices: Any, what: str) -> str:
    """`choices`: a dict of codes, or a StrEnum."""
    if isinstance(choices, EnumMeta):
        members: list[Any] = list(choices.__members__.values())
        options = [str(m.value) for m in members]
    else:
        options = list(choices)
    if value not in options:
        raise BadInput(f"{what}「{value}」不存在，应为：{'、'.join(options)}")
    return value


# -- registration -------------------------------------------------------------------------------------------

def register(
    *, applicant: str, applicant_type: str, channel: str, on: date, received_on: date | None,
    content: str | None = None,
) -> Draft:
    check_text(applicant, "申请人姓名或名称", required=True)
    check_text(content, "申请内容")
    parse_choice(applicant_type, ApplicantType, "申请人类型")
    ch = Channel(parse_choice(channel, Channel, "申请渠道"))
    if received_on is None and not ch.needs_confirmation:
        raise BadInput(f"{ch.label}的申请必须给出收到申请之日 --received（{REGULATIONS}第三十一条）")
    if received_on is not None and received_on > on:
        raise BadInput(f"收到申请之日{received_on.isoformat()}晚于登记日期{on.isoformat()}")
    data: dict[str, Any] = {"channel": ch.value, "applicant_type": applicant_type}
    if received_on is not None:
        data["received_on"] = received_on.isoformat()
    return Draft("register", on, data)


def confirm_receipt(view: CaseView, on: date) -> Draft:
    _state(view, "confirm_receipt")
    _chronology(view, on)
    return Draft("confirm_receipt", on, {})


# -- correction (Art. 30) -----------------------------------------------------------------------------------

def request_correction(view: CaseView, on: date, items: str, period: int) -> Draft:
    if view.correction_notice_on is not None:
        raise Refused(f"本案已于{view.correction_notice_on.isoformat()}发出补正告知：补正应当一次性告知，不能再次要求补正（{REGULATIONS}第三十条）")
    _state(view, "request_correction")
    _chronology(view, on)
    check_text(items, "需要补正的事项", required=True)
    if period < 1:
        raise BadInput("补正期限应为正整数个工作日")
    late = bool(view.correction_notice_due and on > view.correction_notice_due)
    return Draft("request_correction", on, {"items": items, "period": period, "late": late}, letter_kind="correction")


def corrected(view: CaseView, on: date) -> Draft:
    _state(view, "corrected")
    _chronology(view, on)
    due = view.due("correction_due")
    return Draft("corrected", on, {"late": bool(due and on > due)})


# -- consultation (Art. 32, 34) -----------------------------------------------------------------------------

def consult(view: CaseView, on: date, party: str, kind: str) -> Draft:
    _state(view, "consult")
    _chronology(view, on)
    check_text(party, "被征求意见方", required=True)
    parse_choice(kind, CONSULT_KINDS, "征求意见类型")
    if any(c.open and c.party == party for c in view.consultations):
        raise Refused(f"已在征求{party}的意见，尚未答复：同一方不能重复征求")
    return Draft("consult", on, {"party": party, "kind": kind}, letter_kind="consultation")


def opinion(view: CaseView, on: date, result: str, reason: str | None, party: str | None) -> Draft:
    _state(view, "opinion")
    _chronology(view, on)
    parse_choice(result, OPINION_RESULTS, "意见结果")
    check_text(reason, "意见理由")
    open_ = view.open_consultations()
    if party:
        matching = [c for c in open_ if c.party == party]
        if not matching:
            raise Refused(f"没有向「{party}」发出且尚未答复的征求意见")
        c = matching[0]
    else:
        c = min(open_, key=lambda c: c.sent_on)
    if result == "none" and on <= c.due:
        raise Refused(f"征求{c.party}意见的期限到{c.due.isoformat()}届满，期满前不能记录为逾期未答复（{REGULATIONS}第三十二条、第三十四条）")
    if result == "object" and c.kind == "third_party" and not reason:
        raise BadInput(f"第三方不同意公开的，应记录其理由 --reason（{REGULATIONS}第三十二条）")
    data = {"party": c.party, "kind": c.kind, "result": result}
    if reason:
        data["reason"] = reason
    if result == "none" and c.kind == "co_producer":
        data["effect"] = "视为同意公开（第三十四条）"
    elif result == "none":
        data["effect"] = "第三方逾期未提出意见，由行政机关依照条例规定决定（第三十二条）"
    return Draft("opinion", on, data)


# -- fees (Art. 42 and the fee measures) --------------------------------------------------------------------

def fee_notice(view: CaseView, on: date, method: str, quantity: int, earlier_items_this_month: int = 0) -> Draft:
    _state(view, "fee_notice")
    _chronology(view, on)
    parse_choice(method, FEE_METHODS, "计费方式")
    if quantity < 1:
        raise BadInput("件数或页数应为正整数")
    fee = fees.per_item(quantity, earlier_items_this_month) if method == "per_item" else fees.per_volume(quantity)
    if fee.amount == 0:
        raise Refused(f"按{FEE_METHODS[method]}未超出免费范围（{fee.explain()}），不应收费（{REGULATIONS}第四十二条、《政府信息公开信息处理费管理办法》）")
    return Draft("fee_notice", on, {"method": method, "quantity": quantity, "earlier_items": earlier_items_this_month,
                                    "amount": fee.amount, "computation": fee.explain()}, letter_kind="fee")


def fee_paid(view: CaseView, on: date) -> Draft:
    _state(view, "fee_paid")
    _chronology(view, on)
    return Draft("fee_paid", on, {})


# -- Art. 35 --------------------------------------------------------------------------------------------------

def request_reasons(view: CaseView, on: date, period: int) -> Draft:
    _state(view, "request_reasons")
    _chronology(view, on)
    if period < 1:
        raise BadInput("说明理由的期限应为正整数个工作日")
    return Draft("request_reasons", on, {"period": period}, letter_kind="reasons")


def _later_than_reply_due(view: CaseView, due: date) -> None:
    current = view.due("reply_due")
    if current and due <= current:
        raise Refused(f"依第三十五条确定的答复期限应晚于现行答复期限{current.isoformat()}（{REGULATIONS}第三十五条）")


def reasons_received(view: CaseView, on: date, set_due: date | None) -> Draft:
    _state(view, "reasons_received")
    _chronology(view, on)
    data: dict[str, Any] = {}
    if set_due is not None:
        if set_due <= on:
            raise Refused("确定的答复期限应晚于办理日期")
        _later_than_reply_due(view, set_due)
        data["set_due"] = set_due.isoformat()
    return Draft("reasons_received", on, data)


def set_deadline(view: CaseView, on: date, due: date) -> Draft:
    _state(view, "set_deadline")
    _chronology(view, on)
    if due <= on:
        raise Refused("确定的答复期限应晚于办理日期")
    _later_than_reply_due(view, due)
    return Draft("set_deadline", on, {"due": due.isoformat()}, letter_kind="extension")


# -- extension (Art. 33 ¶2) ----------------------------------------------------------------------------------

def extend(view: CaseView, on: date, days: int, approver: str, approver_is_head: bool, reason: str | None) -> Draft:
    if view.state in CONCLUDED_STATES or view.state == REGISTERED:
        _state(view, "extend")
    if days < 1:
        raise BadInput("延长的工作日数应为正整数")
    if view.extension_total + days > MAX_EXTENSION_DAYS:
        already = f"已延长{view.extension_total}个工作日，" if view.extension_total else ""
        raise Refused(f"{already}再延长{days}个工作日将累计超过{MAX_EXTENSION_DAYS}个工作日：延长答复期限最长不得超过20个工作日（{REGULATIONS}第三十三条第二款）")
    if not approver_is_head:
        raise Refused(f"「{approver}」不是登记的政府信息公开工作机构负责人：延长答复期限须经机构负责人同意（{REGULATIONS}第三十三条第二款）")
    _state(view, "extend")
    _chronology(view, on)
    check_text(reason, "延期理由")
    due = view.due("reply_due")
    if due and on > due:
        raise Refused(f"答复期限已于{due.isoformat()}届满：延期应在答复期限内决定并告知申请人（{REGULATIONS}第三十三条第二款）")
    return Draft("extend", on, {"days": days, "approver": approver}, letter_kind="extension", reason=reason or "")


# -- decision and reply (Art. 36–39) ---------------------------------------------------------------------------

def decide(view: CaseView, on: date, outcome: str, facts: dict[str, str | None], public_interest: str | None = None,
           secondary: list[str] | None = None) -> Draft:
    if outcome not in OUTCOMES:
        raise BadInput(f"处理结果代码「{outcome}」不存在，应为：{'、'.join(OUTCOMES)}")
    o = OUTCOMES[outcome]
    if not o.by_staff:
        how = {"withdrawn": "case withdraw", "no_correction": "case close", "fee_unpaid": "case close"}[outcome]
        raise Refused(f"「{o.label}」不是答复决定，应使用 request-flow {how} 办理")
    _state(view, "decide")
    _chronology(view, on)
    for key, value in facts.items():
        check_text(value, FACT_LABELS.get(key, key))
    missing = [FACT_LABELS[k] for k in o.needs if not (facts.get(k) or "").strip()]
    if missing:
        opts = "、".join("--" + k.replace("_", "-") for k in o.needs if not (facts.get(k) or "").strip())
        raise Refused(f"「{o.label}」的答复书需要写明{'、'.join(missing)}（{opts}）：缺少决定所需的事实（{_art(o.citation) if o.citation else o.letter}）")
    if outcome == "unclear_after_correction" and view.corrected_on is None:
        raise Refused(f"只有经补正后申请内容仍不明确的，才能作出该决定；本案未经补正（{REGULATIONS}第三十条）")
    if outcome in DISCLOSING_OUTCOMES and view.third_party_objected and not public_interest:
        raise Refused(f"第三方不同意公开且有合理理由的，不予公开；认为不公开可能对公共利益造成重大影响的，应以 --public-interest 写明理由并书面告知第三方（{REGULATIONS}第三十二条）")
    for code in secondary or []:
        if code not in OUTCOMES:
            raise BadInput(f"次要理由代码「{code}」不存在")
    data: dict[str, Any] = {"outcome": outcome, **{k: v for k, v in facts.items() if v}}
    if secondary:
        data["secondary"] = list(secondary)
    letter = None
    if public_interest:
        check_text(public_interest, "公共利益理由")
        data["public_interest"] = public_interest
        letter = "override" if view.third_party_objected else None
    return Draft("decide", on, data, letter_kind=letter)


def reply(view: CaseView, on: date) -> Draft:
    _state(view, "reply")
    _chronology(view, on)
    return Draft("reply", on, {"outcome": view.outcome}, letter_kind="reply")


def withdraw(view: CaseView, on: date, reason: str | None) -> Draft:
    _state(view, "withdraw")
    _chronology(view, on)
    check_text(reason, "撤回说明")
    return Draft("withdraw", on, {"outcome": "withdrawn"}, reason=reason or "")


def close_lapsed(view: CaseView, on: date, outcome: str) -> Draft:
    """Art. 30 / the fee measures: a period ran out; the application is deemed abandoned."""
    if outcome == "no_correction":
        _state(view, "lapse_correction")
        due = view.due("correction_due")
        if due and on <= due:
            raise Refused(f"补正期限到{due.isoformat()}届满，期满前不能按逾期不补正终止办理（{REGULATIONS}第三十条）")
        kind = "lapse_correction"
    elif outcome == "fee_unpaid":
        _state(view, "lapse_fee")
        due = view.due("payment_due")
        if due and on <= due:
            raise Refused(f"缴费期限到{due.isoformat()}届满，期满前不能按逾期未缴费终止办理（《政府信息公开信息处理费管理办法》）")
        kind = "lapse_fee"
    else:
        raise BadInput(f"终止办理只适用于 no_correction 或 fee_unpaid，不适用于「{outcome}」")
    _chronology(view, on)
    return Draft(kind, on, {"outcome": outcome}, letter_kind="closure")


# -- records that do not move the lifecycle ---------------------------------------------------------------------

def deliver(view: CaseView, on: date, letter: str, method: str | None, proof: str | None = None) -> Draft:
    ref = view.letters.get(letter)
    if ref is None:
        known = "、".join(view.letters) or "无"
        raise Refused(f"本案没有文号为「{letter}」的文书（本案文书：{known}）")
    if on < ref.issued_on:
        raise Refused(f"送达日期{on.isoformat()}早于文书出具日期{ref.issued_on.isoformat()}")
    check_text(method, "送达方式")
    check_text(proof, "送达凭证")
    data = {"letter": letter, "method": method or ""}
    if proof:
        data["proof"] = proof
    return Draft(DELIVER, on, data)


def appeal(view: CaseView, on: date, kind: str) -> Draft:
    if view.received_on is None:
        raise Refused("申请尚未确认收到，不能登记行政复议或行政诉讼")
    parse_choice(kind, APPEAL_KINDS, "救济类型")
    if on < view.received_on:
        raise Refused(f"提起日期{on.isoformat()}早于收到申请之日{view.received_on.isoformat()}")
    return Draft(APPEAL, on, {"no": len(view.appeals) + 1, "kind": kind})


def appeal_result(view: CaseView, on: date, no: int | None, result: str) -> Draft:
    parse_choice(result, APPEAL_RESULTS, "复议或诉讼结果")
    pending = [a for a in view.appeals if a.result is None and (no is None or a.no == no)]
    if not pending:
        raise Refused("本案没有尚未审结的行政复议或行政诉讼" + (f"（编号{no}）" if no else ""))
    a = pending[0]
    if on < a.filed_on:
        raise Refused(f"审结日期{on.isoformat()}早于提起日期{a.filed_on.isoformat()}")
    return Draft(APPEAL_RESULT, on, {"no": a.no, "result": result})


def allowed_labels(state: str) -> list[str]:
    return [STEPS_BY_TRIGGER[t][0].label for t in allowed_acts(state)]


__all__ = ["Draft", "STATE_LABELS"]
