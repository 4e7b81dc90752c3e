"""The data each letter is filled with: built from the case as the act leaves it, never typed in by hand.

Every letter receives the same top-level fields (`letter`, `body`, `applicant`, `case`, `remedy`, `preview`) and
one of its own, named after its kind (`receipt`, `correction`, `reply`, ...). The set of fields does not depend
on the case: a field that does not apply is an empty string, so that `letters check` can hold a body's
templates against this exact shape. Sample data for previews and checks comes from the same builder
run on a made-up case replayed through the domain, so it cannot drift from what real letters receive.

Applicant text (names, the request, the facts of a decision) goes in as plain strings: Jinja2 escapes it in
HTML and python-docx writes it as text; it is never compiled as a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain import letters as law
from ..domain.case import CaseView, Event, replay
from ..domain.codes import (
    APPLICANT_TYPE_LABELS,
    CHANNEL_LABELS,
    CONSULT_KINDS,
    FEE_METHODS,
    LETTER_KINDS,
    OUTCOMES,
    ApplicantType,
    Channel,
)


@dataclass
class Applicant:
    """What a letter may say about the case file (personal data only where a letter needs it: none does yet)."""

    case_id: str
    name: str
    applicant_type: str
    channel: str
    content: str | None
    registered_on: date


@dataclass
class Issue:
    """One letter to fill: the act that issues it and the case before and after."""

    kind: str
    number: str
    on: date
    applicant: Applicant
    events: list[Event]  # every event of the case, the act's own last
    before: CaseView | None  # the case before the act (None on registration)
    after: CaseView


def _d(d: date | None) -> str:
    return law.cn_date(d) if d else ""


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def variant_of(kind: str, act: Event, after: CaseView) -> str:
    """The form of a letter that has several: the outcome of a reply or closure, the party of a consultation,
    the article of a deadline notice."""
    if kind in ("reply", "closure"):
        return str(after.outcome or act.data.get("outcome") or "")
    if kind == "consultation":
        return str(act.data.get("kind", "third_party"))
    if kind == "extension":
        return "art35" if act.kind == "set_deadline" else "art33"
    return ""


def template_name(kind: str, variant: str) -> str:
    """The template file of a letter, under templates/replies/: one per letter, one per outcome for replies."""
    if kind == "reply":
        return f"reply/{variant}.html"
    return f"{kind}.html"


def build(issue: Issue, body: Any) -> dict[str, Any]:
    """The fields of one letter. `body` is the issuing body's profile (config.BodyProfile)."""
    act = issue.events[-1]
    after, before = issue.after, issue.before
    kind = issue.kind
    variant = variant_of(kind, act, after)
    a = issue.applicant
    third_party = kind in ("consultation", "override")
    party = str(act.data.get("party", "")) if kind == "consultation" else _objector(after)
    document = {"reply": "本答复书", "consultation": "本征求意见书", "fee": "本通知书", "receipt": "本回执"}.get(kind, "本告知书")
    outcome = variant if kind in ("reply", "closure") else ""
    form = law.remedy_form(kind, outcome or None)
    data: dict[str, Any] = {
        "letter": {
            "kind": kind,
            "variant": variant,
            "title": _title(kind, outcome),
            "number": issue.number,
            "date": law.cn_date(issue.on),
            "date_iso": issue.on.isoformat(),
            "addressee": party if third_party else a.name,
            "closing": law.closing(kind),
            "basis": _basis(kind, variant, after),
        },
        "body": {
            "name": body.name,
            "short_name": body.short_name,
            "contact": body.contact,
            "phone": body.phone,
            "review_body": body.review_body,
            "court": body.court,
            "example": bool(body.example),
            "payment": body.payment,
        },
        "applicant": {"name": a.name, "type": APPLICANT_TYPE_LABELS[ApplicantType(a.applicant_type)]},
        "case": {
            "id": a.case_id,
            "received_on": _d(after.received_on),
            "received_on_iso": _iso(after.received_on),
            "channel": CHANNEL_LABELS[Channel(a.channel)],
            "content": a.content or "",
            "registered_on": _d(a.registered_on),
            "corrected_on": _d(after.corrected_on),
            "corrected_on_iso": _iso(after.corrected_on),
        },
        "remedy": {
            "form": form,
            "review_body": body.review_body,
            "court": body.court,
            "document": document,
            "review_days": law.REVIEW_DAYS,
            "lawsuit_months": law.LAWSUIT_MONTHS,
        },
        "preview": False,
    }
    data[kind] = _SPECIFIC[kind](issue, act, before, after, variant)
    return data


def _title(kind: str, outcome: str) -> str:
    if kind == "reply" and outcome in OUTCOMES and OUTCOMES[outcome].letter:
        letter = OUTCOMES[outcome].letter
        return letter if letter != "告知书" else "政府信息公开申请告知书"
    return LETTER_KINDS[kind][0]


def _basis(kind: str, variant: str, after: CaseView) -> str:
    if kind in ("reply", "closure"):
        if variant not in OUTCOMES or not OUTCOMES[variant].citation:
            return ""
        return law.reply_basis(variant, _third_party_consulted(after))
    if kind == "extension":
        return law.letter_basis("set_deadline" if variant == "art35" else "extension")
    return law.letter_basis(kind, variant)


def _third_party_consulted(view: CaseView) -> bool:
    return any(c.kind == "third_party" for c in view.consultations)


def _objector(view: CaseView) -> str:
    objected = [c for c in view.consultations if c.kind == "third_party" and c.result == "object"]
    return objected[-1].party if objected else ""


def _last(events: list[Event], kind: str) -> Event | None:
    for e in reversed(events):
        if e.kind == kind:
            return e
    return None


# -- each letter's own fields ------------------------------------------------------------------------------------

def _receipt(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    return {
        "reply_due": _d(after.due("reply_due")),
        "reply_due_iso": _iso(after.due("reply_due")),
        "reply_days": 20,
        "confirmed": act.kind == "confirm_receipt",
    }


def _correction(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    return {"items": str(act.data.get("items", "")), "period": int(act.data.get("period", 0)),
            "late": bool(act.data.get("late", False))}


def _reasons(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    return {"period": int(act.data.get("period", 0))}


def _extension(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    original = before.due("reply_due") if before else None
    return {
        "article": variant,
        "days": int(act.data.get("days", 0)),
        "total_days": after.extension_total,
        "reason": act.reason or "",
        "approver": str(act.data.get("approver", "")),
        "original_due": _d(original),
        "original_due_iso": _iso(original),
        "new_due": _d(after.due("reply_due")),
        "new_due_iso": _iso(after.due("reply_due")),
    }


def _consultation(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    return {
        "party": str(act.data.get("party", "")),
        "party_kind": variant,
        "party_kind_label": CONSULT_KINDS.get(variant, ""),
        "period_days": 15,
        "co_producer": variant == "co_producer",
    }


def _consultation_notice(issue: Issue, act: Event, before: CaseView | None, after: CaseView,
                         variant: str) -> dict[str, Any]:
    return {"consulted_on": law.cn_date(act.on), "period_days": 15,
            "reply_due": _d(after.due("reply_due")), "reply_due_iso": _iso(after.due("reply_due"))}


def _override(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    objected = [c for c in after.consultations if c.kind == "third_party" and c.result == "object"]
    c = objected[-1] if objected else None
    return {
        "party": c.party if c else "",
        "consulted_on": _d(c.sent_on) if c else "",
        "objection": c.reason if c else "",
        "public_interest": str(act.data.get("public_interest", "")),
        "outcome_label": OUTCOMES[act.data["outcome"]].label if act.data.get("outcome") in OUTCOMES else "",
    }


def _fee(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    method = str(act.data.get("method", ""))
    return {
        "method": method,
        "method_label": FEE_METHODS.get(method, ""),
        "quantity": int(act.data.get("quantity", 0)),
        "unit": "件" if method == "per_item" else "页",
        "earlier_items": int(act.data.get("earlier_items", 0)),
        "amount": int(act.data.get("amount", 0)),
        "computation": str(act.data.get("computation", "")),
        "payment_days": 20,
    }


def _reply(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    d = after.decision
    secondary = [{"code": code, "label": OUTCOMES[code].label,
                  "basis": law.according_to(law.outcome_articles(code, _third_party_consulted(after)))}
                 for code in d.get("secondary", []) if code in OUTCOMES]
    decided = _last(issue.events, "decide")
    return {
        "outcome": variant,
        "outcome_label": OUTCOMES[variant].label if variant in OUTCOMES else "",
        "decided_on": _d(decided.on) if decided else "",
        "reason": str(d.get("reason", "")),
        "provided": str(d.get("provided", "")),
        "where": str(d.get("where", "")),
        "search": str(d.get("search", "")),
        "responsible_body": str(d.get("responsible_body", "")),
        "responsible_contact": str(d.get("responsible_contact", "")),
        "earlier_reply": str(d.get("earlier_reply", "")),
        "public_interest": str(d.get("public_interest", "")),
        "secondary": secondary,
        "third_party_consulted": _third_party_consulted(after),
        "replied_on_time": bool(after.replied_on_time),
    }


def _closure(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    notice_kind = "request_correction" if variant == "no_correction" else "fee_notice"
    notice = _last(issue.events, notice_kind)
    period_end = (before.due("correction_due") if variant == "no_correction" else before.due("payment_due")) if before else None
    return {
        "outcome": variant,
        "outcome_label": OUTCOMES[variant].label if variant in OUTCOMES else "",
        "notice_number": str(notice.data.get("letter", "")) if notice else "",
        "notice_date": _d(notice.on) if notice else "",
        "period_end": _d(period_end),
        "period_end_iso": _iso(period_end),
        "amount": int(notice.data.get("amount", 0)) if notice and variant == "fee_unpaid" else 0,
    }


_SPECIFIC = {
    "receipt": _receipt,
    "correction": _correction,
    "reasons": _reasons,
    "extension": _extension,
    "consultation": _consultation,
    "consultation_notice": _consultation_notice,
    "override": _override,
    "fee": _fee,
    "reply": _reply,
    "closure": _closure,
}

LETTER_ORDER = tuple(_SPECIFIC)


# -- the letters there are, and sample data for each ------------------------------------------------------------------

def variants(kind: str) -> list[str]:
    if kind == "reply":
        return [code for code, o in OUTCOMES.items() if o.by_staff]
    if kind == "closure":
        return ["no_correction", "fee_unpaid"]
    if kind == "consultation":
        return list(CONSULT_KINDS)
    if kind == "extension":
        return ["art33", "art35"]
    return [""]


def all_letters() -> list[tuple[str, str]]:
    """Every (kind, variant) with its own text: what `letters check` and `letters preview --all` go through."""
    return [(k, v) for k in LETTER_ORDER for v in variants(k)]


SAMPLE_FACTS = {
    "reason": "该信息涉及第三方的商业秘密，公开后可能损害其合法权益",
    "provided": "《2024年本县道路维修项目招标文件》电子版1份（共12页），通过电子邮件发送至您预留的邮箱",
    "where": "本县人民政府门户网站“政府信息公开”栏目（2024年5月8日发布）",
    "search": "检索了本机关2019年至2024年的收文、发文登记簿和电子公文系统",
    "responsible_body": "示例县自然资源局",
    "responsible_contact": "地址：示例县人民路1号；电话：0000-0000001",
    "earlier_reply": "示县政办公开复〔2025〕3号",
}


def sample(kind: str, variant: str, body: Any, cal: Any, policy: Any, number: str) -> dict[str, Any]:
    """Sample data for a letter: a made-up case (received Monday 2025-03-03) replayed through the domain."""
    ev = _sample_events(kind, variant)
    views = [replay(ev[: i + 1], cal, policy) for i in range(len(ev))]
    applicant = Applicant("EXAMPLE-2025-0001", "张某某", "natural_person", "in_person",
                          "2024年本县道路维修项目的招标文件及中标结果", date(2025, 3, 3))
    issue = Issue(kind, number, ev[-1].on, applicant, ev, views[-2] if len(views) > 1 else None, views[-1])
    data = build(issue, body)
    data["preview"] = True
    return data


def _sample_events(kind: str, variant: str) -> list[Event]:
    seq = iter(range(1, 100))

    def e(kind_: str, on: str, why: str = "", **data: Any) -> Event:
        return Event(next(seq), kind_, date.fromisoformat(on), data, "示例工作人员", why)

    reg = e("register", "2025-03-03", channel="in_person", applicant_type="natural_person", received_on="2025-03-03")
    if kind == "receipt":
        return [reg]
    if kind == "correction":
        return [reg, e("request_correction", "2025-03-05", items="请写明所需文件的名称、文号或者便于查询的其他特征性描述",
                       period=15, late=False)]
    if kind == "reasons":
        return [reg, e("request_reasons", "2025-03-05", period=15)]
    if kind == "extension":
        if variant == "art35":
            return [reg, e("set_deadline", "2025-03-20", due="2025-05-30")]
        return [reg, e("extend", "2025-03-25", "需要调取多个科室的档案", days=15, approver="王主任")]
    if kind in ("consultation", "consultation_notice"):
        party = "某某建设集团有限公司" if variant != "co_producer" else "示例县财政局"
        return [reg, e("consult", "2025-03-10", party=party, kind=variant or "third_party")]
    if kind == "fee":
        return [reg, e("fee_notice", "2025-03-10", method="per_volume", quantity=250, earlier_items=0, amount=4700,
                       computation="第31至100页70页×10元＝700元；第101至200页100页×20元＝2000元；第201至250页50页×40元＝2000元；合计4700元")]
    if kind == "override":
        return [reg, e("consult", "2025-03-05", party="某某建设集团有限公司", kind="third_party"),
                e("opinion", "2025-03-12", party="某某建设集团有限公司", kind="third_party", result="object",
                  reason="涉及本公司的报价策略"),
                e("decide", "2025-03-20", outcome="disclosed", provided=SAMPLE_FACTS["provided"],
                  public_interest="该项目涉及全县道路安全，公开中标结果有利于公众监督")]
    if kind == "closure":
        if variant == "fee_unpaid":
            return [reg, e("fee_notice", "2025-03-10", method="per_volume", quantity=250, earlier_items=0, amount=4700,
                           computation="合计4700元"),
                    e("lapse_fee", "2025-04-09", outcome="fee_unpaid")]
        return [reg, e("request_correction", "2025-03-05", items="请写明所需文件的名称", period=15, late=False),
                e("lapse_correction", "2025-03-27", outcome="no_correction")]
    # reply
    events = [reg]
    if variant == "unclear_after_correction":
        events += [e("request_correction", "2025-03-05", items="请写明所需文件的名称", period=15, late=False),
                   e("corrected", "2025-03-12")]
    facts = {k: SAMPLE_FACTS[k] for k in OUTCOMES[variant].needs}
    if variant == "partial":
        facts["secondary"] = ["withheld.third_party_rights"]
    if variant == "other":
        facts["reason"] = "申请人在答复前已通过其他途径获取了所需信息，经与其确认，不再提供"
    events += [e("decide", "2025-03-24", outcome=variant, **facts), e("reply", "2025-03-25", outcome=variant)]
    return events

