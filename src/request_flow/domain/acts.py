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
from .case import APPEAL, APPEAL_RESULT, DEADLINE_MISSED, DELIVER, CaseView
from .clocks import DELIVERY_METHODS, MAX_EXTENSION_DAYS, PAYMENT_DAYS, STRICT
from .codes import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    CONSULT_KINDS,
    DELIVERY_LABELS,
    FACT_LABELS,
    FEE_METHODS,
    OPINION_RESULTS,
    OUTCOMES,
    WITHHELD_PART_CODES,
    ApplicantType,
    Channel,
)
from .errors import BadInput, Refused
from .letters import normalize_number
from .lifecycle import (
    AWAITING_REASONS,
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


def _delivery(method: str | None, default: str) -> str:
    """How a notice with a period running from its receipt is sent (docs/clocks.md, "Periods that run from a notice's delivery")."""
    return parse_choice(method or default, {m: DELIVERY_LABELS[m] for m in DELIVERY_METHODS}, "送达方式")


def _reply_not_passed(view: CaseView, on: date, what: str, article: str) -> None:
    """No act may cure an overdue case (docs/decisions.md, "No cure for an overdue case")."""
    due = view.due("reply_due")
    if due and on > due:
        raise Refused(f"答复期限已于{due.isoformat()}届满：{what}（{REGULATIONS}{article}）")


def parse_choice(value: str, choices: Any, what: str) -> str:
    """The code a clerk meant. `choices`: a dict of codes to Chinese labels, or a StrEnum with `.label`.

    Every code option also takes its Chinese label (docs/contract.md, "Codes and their labels"): an exact label,
    or a part of exactly one label (当面 -> in_person). A part of several labels is refused, naming them; the
    codes themselves keep working unchanged."""
    if isinstance(choices, EnumMeta):
        members: list[Any] = list(choices.__members__.values())
        options = {str(m.value): str(getattr(m, "label", "")) for m in members}
    else:
        options = {str(code): str(label or "") for code, label in choices.items()}
    if value in options:
        return value
    typed = value.strip()
    exact = [code for code, label in options.items() if label and label == typed]
    if len(exact) == 1:
        return exact[0]
    partial = [code for code, label in options.items() if label and typed and typed in label]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise BadInput(f"{what}「{value}」不明确，可能是：{'、'.join(f'{c}（{options[c]}）' for c in partial)}")
    listed = "、".join(f"{c}（{label}）" if label else c for c, label in options.items())
    raise BadInput(f"{what}「{value}」不存在，应为：{listed}")


# -- registration -------------------------------------------------------------------------------------------

def register(
    *, applicant: str, applicant_type: str, channel: str, on: date, received_on: date | None,
    content: str | None = None, counting: str = STRICT,
) -> Draft:
    check_text(applicant, "申请人姓名或名称", required=True)
    check_text(content, "申请内容")
    applicant_type = parse_choice(applicant_type, ApplicantType, "申请人类型")
    ch = Channel(parse_choice(channel, Channel, "申请渠道"))
    if received_on is None and not ch.needs_confirmation:
        raise BadInput(f"{ch.label}的申请必须给出收到申请之日 --received（{REGULATIONS}第三十一条）")
    if received_on is not None and received_on > on:
        raise BadInput(f"收到申请之日{received_on.isoformat()}晚于登记日期{on.isoformat()}")
    # The counting rule in force when the case is registered stays the case's (docs/decisions.md).
    data: dict[str, Any] = {"channel": ch.value, "applicant_type": applicant_type, "counting": counting}
    if received_on is not None:
        data["received_on"] = received_on.isoformat()
    return Draft("register", on, data)


def confirm_receipt(view: CaseView, on: date) -> Draft:
    _state(view, "confirm_receipt")
    _chronology(view, on)
    return Draft("confirm_receipt", on, {})


# -- correction (Art. 30) -----------------------------------------------------------------------------------

def request_correction(view: CaseView, on: date, items: str, period: int, delivery: str | None = None,
                       default_delivery: str = "post") -> Draft:
    if view.correction_notice_on is not None:
        raise Refused(f"本案已于{view.correction_notice_on.isoformat()}发出补正告知：补正应当一次性告知，不能再次要求补正（{REGULATIONS}第三十条）")
    _state(view, "request_correction")
    _chronology(view, on)
    check_text(items, "需要补正的事项", required=True)
    if period < 1:
        raise BadInput("补正期限应为正整数个工作日")
    method = _delivery(delivery, default_delivery)
    _reply_not_passed(view, on, "补正告知应在答复期限内发出，逾期后不能再要求补正", "第三十条、第三十三条")
    late = bool(view.correction_notice_due and on > view.correction_notice_due)
    return Draft("request_correction", on, {"items": items, "period": period, "late": late, "delivery": method},
                 letter_kind="correction")


def corrected(view: CaseView, on: date, content: str | None = None) -> Draft:
    check_text(content, "补正后的申请内容")
    _state(view, "corrected")
    _chronology(view, on)
    due = view.due("correction_due")
    data: dict[str, Any] = {"late": bool(due and on > due)}
    if content and content.strip():
        data["content"] = content
    return Draft("corrected", on, data)


# -- consultation (Art. 32, 34) -----------------------------------------------------------------------------

# What the consultation letter says of the information when staff give no `--about`: it never quotes the
# applicant's request, which may hold the applicant's own personal data (docs/decisions.md).
DEFAULT_ABOUT = {
    "third_party": "申请公开的政府信息中涉及贵方的部分",
    "co_producer": "申请公开的由本机关与贵单位共同制作的政府信息",
}


def consult(view: CaseView, on: date, party: str, kind: str, about: str | None = None) -> Draft:
    _state(view, "consult")
    _chronology(view, on)
    check_text(party, "被征求意见方", required=True)
    kind = parse_choice(kind, CONSULT_KINDS, "征求意见类型")
    check_text(about, "征求意见涉及的信息")
    if any(c.open and c.party == party for c in view.consultations):
        raise Refused(f"已在征求{party}的意见，尚未答复：同一方不能重复征求")
    text = about if about and about.strip() else DEFAULT_ABOUT[kind]
    return Draft("consult", on, {"party": party, "kind": kind, "about": text}, letter_kind="consultation")


def opinion(view: CaseView, on: date, result: str, reason: str | None, party: str | None) -> Draft:
    _state(view, "opinion")
    _chronology(view, on)
    result = parse_choice(result, OPINION_RESULTS, "意见结果")
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

def fee_notice(view: CaseView, on: date, method: str, quantity: int, earlier_items_this_month: int = 0,
               delivery: str | None = None, default_delivery: str = "post") -> Draft:
    """`earlier_items_this_month`: per item, the applicant's earlier applications received in the same calendar
    month, charged or not (docs/procedure.md, "Fees"); `quantity`: the 件 this notice covers (normally 1), or the pages."""
    _state(view, "fee_notice")
    _chronology(view, on)
    method = parse_choice(method, FEE_METHODS, "计费方式")
    if quantity < 1:
        raise BadInput("件数或页数应为正整数")
    how = _delivery(delivery, default_delivery)
    fee = fees.per_item(quantity, earlier_items_this_month) if method == "per_item" else fees.per_volume(quantity)
    if fee.amount == 0:
        raise Refused(f"{FEE_METHODS[method]}未超出免费范围（{fee.explain()}），不应收费（{REGULATIONS}第四十二条、《政府信息公开信息处理费管理办法》）")
    return Draft("fee_notice", on, {"method": method, "quantity": quantity, "earlier_items": earlier_items_this_month,
                                    "amount": fee.amount, "computation": fee.explain(), "delivery": how},
                 letter_kind="fee")


def fee_paid(view: CaseView, on: date) -> Draft:
    _state(view, "fee_paid")
    _chronology(view, on)
    return Draft("fee_paid", on, {})


# -- Art. 35 --------------------------------------------------------------------------------------------------

def request_reasons(view: CaseView, on: date, period: int, delivery: str | None = None,
                    default_delivery: str = "post") -> Draft:
    _state(view, "request_reasons")
    _chronology(view, on)
    if period < 1:
        raise BadInput("说明理由的期限应为正整数个工作日")
    method = _delivery(delivery, default_delivery)
    return Draft("request_reasons", on, {"period": period, "delivery": method}, letter_kind="reasons")


def _art35_deadline(view: CaseView, on: date, due: date) -> None:
    """Art. 35 in order: a set deadline follows an explanation found reasonable, is set while the running reply
    deadline has not passed, lies after it, and is set once (docs/decisions.md, "Art. 35")."""
    if view.set_due is not None:
        raise Refused(f"本案已依第三十五条确定答复期限{view.set_due.isoformat()}，不能再次确定（{REGULATIONS}第三十五条）")
    current = view.due("reply_due")
    if current and on > current:
        raise Refused(f"答复期限已于{current.isoformat()}届满：确定合理期限应在答复期限届满前作出（{REGULATIONS}第三十五条）")
    if due <= on:
        raise Refused(f"确定的答复期限{due.isoformat()}应晚于办理日期{on.isoformat()}（{REGULATIONS}第三十五条）")
    if current and due <= current:
        raise Refused(f"依第三十五条确定的答复期限{due.isoformat()}应晚于现行答复期限{current.isoformat()}（{REGULATIONS}第三十五条）")


def reasons_received(view: CaseView, on: date, set_due: date | None) -> Draft:
    _state(view, "reasons_received")
    _chronology(view, on)
    data: dict[str, Any] = {}
    if set_due is not None:
        _art35_deadline(view, on, set_due)
        data["set_due"] = set_due.isoformat()
    return Draft("reasons_received", on, data, letter_kind="extension" if set_due is not None else None)


def set_deadline(view: CaseView, on: date, due: date) -> Draft:
    if view.reasons_requested_on is None:
        raise Refused(f"本案没有要求申请人说明理由：只有申请人说明的理由经审查合理的，才能确定合理的答复期限（{REGULATIONS}第三十五条）")
    _state(view, "set_deadline")
    if view.reasons_received_on is None:
        raise Refused(f"尚未收到申请人的说明：只有申请理由经审查合理的，才能确定合理的答复期限（{REGULATIONS}第三十五条）")
    _chronology(view, on)
    _art35_deadline(view, on, due)
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
    if view.set_due is not None:
        raise Refused(f"本案已依第三十五条确定答复期限{view.set_due.isoformat()}，不再适用延长答复期限（{REGULATIONS}第三十三条第二款、第三十五条）")
    _chronology(view, on)
    check_text(reason, "延期理由")
    due = view.due("reply_due")
    if due and on > due:
        raise Refused(f"答复期限已于{due.isoformat()}届满：延期应在答复期限内决定并告知申请人（{REGULATIONS}第三十三条第二款）")
    return Draft("extend", on, {"days": days, "approver": approver}, letter_kind="extension", reason=reason or "")


# -- decision and reply (Art. 36–39) ---------------------------------------------------------------------------

@dataclass(frozen=True)
class WithheldPart:
    """One withheld part of a partial disclosure or a multi-ground refusal, with its own ground (Art. 37)."""

    part: str
    code: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"part": self.part, "code": self.code, "reason": self.reason}


OUTCOME_LABELS = {code: o.label for code, o in OUTCOMES.items()}


def parse_withheld(value: str) -> WithheldPart:
    """`PART:CODE:REASON` (docs/contract.md, "The facts of a decision"): split at the first two colons; REASON may hold more."""
    check_text(value, "不予公开的部分")
    pieces = value.split(":", 2)
    if len(pieces) != 3 or not all(p.strip() for p in pieces):
        hint = "（请使用半角冒号“:”）" if "：" in value else ""
        raise BadInput(f"--withheld「{value}」应写成“部分:理由代码:具体理由”{hint}")
    part, code, reason = (p.strip() for p in pieces)
    code = parse_choice(code, {c: OUTCOMES[c].label for c in WITHHELD_PART_CODES}, "--withheld 的理由代码")
    return WithheldPart(part, code, reason)


def decide(view: CaseView, on: date, outcome: str, facts: dict[str, str | None], public_interest: str | None = None,
           withheld: list[str] | None = None, objection_unfounded: str | None = None,
           override_wait_days: int = 0, override_delivery: str = "post") -> Draft:
    outcome = parse_choice(outcome, OUTCOME_LABELS, "处理结果代码")
    o = OUTCOMES[outcome]
    if not o.by_staff:
        how = {"withdrawn": "case withdraw", "no_correction": "case close", "fee_unpaid": "case close"}[outcome]
        raise Refused(f"「{o.label}」不是答复决定，应使用 request-flow {how} 办理")
    parts = [parse_withheld(w) for w in withheld or []]
    if facts.get("earlier_reply"):  # a 文号, whatever brackets were typed around its year
        facts = {**facts, "earlier_reply": normalize_number(str(facts["earlier_reply"]))}
    for key, value in facts.items():
        check_text(value, FACT_LABELS.get(key, key))
    check_text(public_interest, "公共利益理由")
    check_text(objection_unfounded, "第三方异议不成立的理由")
    explanation = _art35_explanation(view, on, outcome)
    _state(view, "decide")
    _chronology(view, on)
    missing = [FACT_LABELS[k] for k in o.needs if not (facts.get(k) or "").strip()]
    if missing:
        opts = "、".join("--" + k.replace("_", "-") for k in o.needs if not (facts.get(k) or "").strip())
        raise Refused(f"「{o.label}」的答复书需要写明{'、'.join(missing)}（{opts}）：缺少决定所需的事实（{_art(o.citation) if o.citation else o.letter}）")
    _withheld_parts(outcome, parts)
    if outcome == "unclear_after_correction" and view.corrected_on is None:
        raise Refused(f"只有经补正后申请内容仍不明确的，才能作出该决定；本案未经补正（{REGULATIONS}第三十条）")
    _objection(view, outcome, public_interest, objection_unfounded)
    data: dict[str, Any] = {"outcome": outcome, **{k: v for k, v in facts.items() if v}}
    if parts:
        data["withheld"] = [p.to_json() for p in parts]
    if explanation:
        data["explanation"] = explanation
    if objection_unfounded:
        data["objection_unfounded"] = objection_unfounded
    letter = None
    if public_interest:
        data["public_interest"] = public_interest  # only after an objection (_objection): the override notice
        letter = "override"
        data["wait_days"] = override_wait_days
        data["delivery"] = override_delivery
    return Draft("decide", on, data, letter_kind=letter)


def _art35_explanation(view: CaseView, on: date, outcome: str) -> str | None:
    """`excessive` follows a request for reasons (Art. 35): the explanation was found unreasonable, or none came
    within the period. A case waiting for the explanation may only be decided `excessive`, once it has run out."""
    if view.state == AWAITING_REASONS:
        due = view.deadlines.get("reasons_due")
        if outcome != "excessive":
            raise Refused(f"正在等待申请人说明理由：收到说明后再作决定；期限届满未说明的，可以作出不予处理决定（excessive）（{REGULATIONS}第三十五条）")
        if due is None or on <= due.due:
            when = f"到{due.due.isoformat()}届满" if due else "尚未届满"
            raise Refused(f"申请人说明理由的期限{when}，期满前不能以未说明理由为由不予处理（{REGULATIONS}第三十五条）")
        if due.start_unknown:
            raise Refused(f"说明理由告知书的送达日期尚未记录，无法确定说明期限是否届满，请先记录送达（case delivered）（{REGULATIONS}第三十五条）")
        return "not_given"
    if outcome != "excessive":
        return None
    if view.reasons_requested_on is None:
        raise Refused(f"作出不予处理决定前，应先要求申请人说明理由（case request-reasons）（{REGULATIONS}第三十五条）")
    return "unreasonable"


def _withheld_parts(outcome: str, parts: list[WithheldPart]) -> None:
    if outcome == "partial" and not parts:
        raise Refused(f"部分公开应逐项写明不予公开的部分及其理由（--withheld \"部分:理由代码:具体理由\"，至少一项）（{REGULATIONS}第三十七条）")
    if parts and outcome != "partial" and not outcome.startswith("withheld."):
        raise Refused(f"「{OUTCOMES[outcome].label}」没有不予公开的部分：部分公开的应作出部分公开决定（partial）（{REGULATIONS}第三十七条）")
    if outcome.startswith("withheld."):
        for p in parts:
            if p.code == outcome:
                raise Refused(f"主要理由已由 --outcome 和 --reason 写明，--withheld 只写其他理由（「{p.part}」重复了{outcome}）")
    seen: set[str] = set()
    for p in parts:
        if p.part in seen:
            raise Refused(f"不予公开的部分「{p.part}」写了两次：每一部分写明一个理由（{REGULATIONS}第三十七条）")
        seen.add(p.part)


def _objection(view: CaseView, outcome: str, public_interest: str | None, objection_unfounded: str | None) -> None:
    """Art. 32: an objection binds the information concerning the third party. Withholding it needs nothing more;
    disclosing it needs a finding that the objection is unfounded, or the public-interest override."""
    if objection_unfounded and not view.third_party_objected:
        raise Refused(f"本案没有第三方提出不同意公开的意见，无需认定异议理由不成立（{REGULATIONS}第三十二条）")
    if public_interest and not view.third_party_objected:
        raise Refused(f"本案没有第三方提出不同意公开的意见，无需以公共利益为由决定公开（--public-interest 只用于第三方反对的情形）（{REGULATIONS}第三十二条）")
    if objection_unfounded and public_interest:
        raise Refused(f"--objection-unfounded（异议理由不成立）与 --public-interest（因公共利益决定公开）只能择一（{REGULATIONS}第三十二条）")
    if outcome == "disclosed" and view.third_party_objected and not (objection_unfounded or public_interest):
        raise Refused("第三方不同意公开：公开涉及其的信息，应认定其异议没有合理理由（--objection-unfounded 理由），"
                      f"或者认为不公开可能对公共利益造成重大影响（--public-interest 理由）；否则应作出部分公开或不予公开决定（{REGULATIONS}第三十二条）")


def reply(view: CaseView, on: date) -> Draft:
    """A disclosing reply after the Art. 32 override waits out the period a body may configure after the notice
    reaches the third party (docs/decisions.md)."""
    _state(view, "reply")
    _chronology(view, on)
    if view.override_letter and view.override_wait is not None:
        override_wait_end, known = view.override_wait
        if not known:
            raise Refused(f"决定公开告知书（{view.override_letter}）的送达日期尚未记录，本机关配置的公开前等待期无法计算，"
                          f"请先记录送达（case delivered）（{REGULATIONS}第三十二条）")
        if on <= override_wait_end:
            raise Refused(f"决定公开告知书告知第三方的等待期到{override_wait_end.isoformat()}届满，届满后方可答复公开（{REGULATIONS}第三十二条）")
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
        _start_known(view, "correction_due", "补正告知书", "第三十条")
        kind = "lapse_correction"
    elif outcome == "fee_unpaid":
        _state(view, "lapse_fee")
        due = view.due("payment_due")
        if due and on <= due:
            raise Refused(f"缴费期限到{due.isoformat()}届满，期满前不能按逾期未缴费终止办理（《政府信息公开信息处理费管理办法》）")
        _start_known(view, "payment_due", "收费通知书", "《政府信息公开信息处理费管理办法》")
        kind = "lapse_fee"
    else:
        raise BadInput(f"终止办理只适用于 no_correction 或 fee_unpaid，不适用于「{outcome}」")
    _chronology(view, on)
    return Draft(kind, on, {"outcome": outcome}, letter_kind="closure")


def deadline_missed(view: CaseView, today: date) -> Draft | None:
    """The reply deadline passed with no reply: recorded once, and it stays (no cure, docs/decisions.md)."""
    due = view.due("reply_due")
    if not view.is_open or due is None or due >= today or due in view.missed:
        return None
    return Draft(DEADLINE_MISSED, today, {"deadline": "reply_due", "due": due.isoformat()},
                 reason=f"答复期限{due.isoformat()}届满，尚未答复（期限检查自动记录）")


def _start_known(view: CaseView, name: str, letter: str, basis: str) -> None:
    d = view.deadlines.get(name)
    if d is not None and d.start_unknown:
        raise Refused(f"{letter}的送达日期尚未记录，期限无从起算，不能按视为放弃申请终止办理；请先记录送达（case delivered）（{_art(basis)}）")


# -- the office head's corrections of the record ----------------------------------------------------------------

ABANDONED = {"no_correction": "逾期不补正", "fee_unpaid": "逾期未缴费"}


def reopen(view: CaseView, on: date, reason: str, approver: str, approver_is_head: bool,
           delivery: str | None = None, default_delivery: str = "post") -> Draft:
    """A case closed as abandoned returns to where it was; the lapsed period (the one its notice gave) runs again
    in full from the reopen notice's receipt (docs/procedure.md, "Reopening")."""
    check_text(reason, "恢复办理的理由", required=True)
    if view.state not in CONCLUDED_STATES or view.outcome not in ABANDONED:
        raise Refused("只有以逾期不补正（no_correction）或逾期未缴费（fee_unpaid）终止办理的案件才能恢复办理")
    if not approver_is_head:
        raise Refused(f"「{approver}」不是登记的政府信息公开工作机构负责人：恢复办理须经机构负责人决定")
    _chronology(view, on)
    method = _delivery(delivery, default_delivery)
    period = (view.correction_period or 0) if view.outcome == "no_correction" else PAYMENT_DAYS
    closure = next((n for n, ref in reversed(view.letters.items()) if ref.kind == "closure"), "")
    data = {"reopened": view.outcome, "approver": approver, "period": period, "delivery": method,
            "closure_number": closure, "closed_on": view.concluded_on.isoformat() if view.concluded_on else ""}
    return Draft("reopen", on, data, letter_kind="reopen", reason=reason)


def void(view: CaseView, on: date, reason: str, approver: str, approver_is_head: bool) -> Draft:
    """A registration entered in error (a duplicate entry, a wrong body): kept, marked void, counted nowhere."""
    check_text(reason, "作废的理由", required=True)
    if view.state == "void":
        raise Refused("本案已经作废")
    if not approver_is_head:
        raise Refused(f"「{approver}」不是登记的政府信息公开工作机构负责人：作废登记须经机构负责人决定")
    if view.outcome is not None or view.state not in allowed_states("void"):
        raise Refused("只有尚未作出处理决定的登记才能作废；已作出决定或已办结的案件不能作废")
    _chronology(view, on)
    return Draft("void", on, {"approver": approver}, reason=reason)


AMENDABLE = {"applicant_name": "申请人姓名或名称", "phone": "联系电话", "email": "电子邮箱", "address": "通信地址",
             "id_number": "证件号码"}


def amend(view: CaseView, on: date, changes: dict[str, str | None], current: dict[str, str | None],
          reason: str) -> Draft:
    """A slip in the registration data, corrected; never what is asked (that is Art. 30 or a new application).
    The event records which fields changed, not their values (personal data stays in the case file)."""
    check_text(reason, "更正的理由", required=True)
    if view.state == "void":
        raise Refused("本案已经作废，不能更正")
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        raise BadInput("请写明要更正的登记信息（--applicant、--phone、--email、--address、--id-number）")
    for key, value in given.items():
        check_text(value, AMENDABLE[key], required=key == "applicant_name")
    changed = sorted(k for k, v in given.items() if (current.get(k) or "") != v)
    if not changed:
        raise Refused("更正后的登记信息与原登记相同，无需更正")
    _chronology(view, on)
    return Draft("amend", on, {"fields": changed}, reason=reason)


# -- records that do not move the lifecycle ---------------------------------------------------------------------

def deliver(view: CaseView, on: date, letter: str, method: str | None, proof: str | None = None) -> Draft:
    letter = normalize_number(letter)
    ref = view.letters.get(letter)
    if ref is None:
        known = "、".join(view.letters) or "无"
        raise Refused(f"本案没有文号为「{letter}」的文书（本案文书：{known}）")
    if on < ref.issued_on:
        raise Refused(f"送达日期{on.isoformat()}早于文书出具日期{ref.issued_on.isoformat()}：送达只能在出具之后")
    if method:
        method = parse_choice(method, DELIVERY_LABELS, "送达方式")
    check_text(proof, "送达凭证")
    data = {"letter": letter, "method": method or ""}
    if proof:
        data["proof"] = proof
    return Draft(DELIVER, on, data)


def appeal(view: CaseView, on: date, kind: str) -> Draft:
    if view.received_on is None:
        raise Refused("申请尚未确认收到，不能登记行政复议或行政诉讼")
    kind = parse_choice(kind, APPEAL_KINDS, "救济类型")
    if on < view.received_on:
        raise Refused(f"提起日期{on.isoformat()}早于收到申请之日{view.received_on.isoformat()}")
    return Draft(APPEAL, on, {"no": len(view.appeals) + 1, "kind": kind})


def appeal_result(view: CaseView, on: date, no: int | None, result: str) -> Draft:
    result = parse_choice(result, APPEAL_RESULTS, "复议或诉讼结果")
    pending = [a for a in view.appeals if a.result is None and (no is None or a.no == no)]
    if not pending:
        raise Refused("本案没有尚未审结的行政复议或行政诉讼" + (f"（编号{no}）" if no else ""))
    a = pending[0]
    if on < a.filed_on:
        raise Refused(f"审结日期{on.isoformat()}早于提起日期{a.filed_on.isoformat()}")
    return Draft(APPEAL_RESULT, on, {"no": a.no, "result": result})


def allowed_states(trigger: str) -> set[str]:
    return {src for step in STEPS_BY_TRIGGER[trigger] for src in step.sources}


def allowed_labels(state: str) -> list[str]:
    return [STEPS_BY_TRIGGER[t][0].label for t in allowed_acts(state)]


__all__ = ["Draft", "STATE_LABELS"]
