"""The data each letter is filled with: built from the case as the act leaves it, never typed in by hand.

Every letter receives the same top-level fields (`letter`, `body`, `applicant`, `case`, `remedy`, `preview`) and
one of its own, named after its kind (`receipt`, `correction`, `reply`, ...). The set of fields does not depend
on the case: a field that does not apply is an empty string, so that `letters check` can hold a body's
templates against this exact shape. Sample data for previews and checks comes from the same builder
run on a made-up case replayed through the domain, so it cannot drift from what real letters receive.

Applicant text (names, the request, the facts of a decision) goes in as plain strings: Jinja2 escapes it in
HTML and python-docx writes it as text; it is never compiled as a template.

Issue 9 ("letters say exactly what happened", docs/decisions.md): the recital quotes the corrected request where
there is one; an organisation is addressed as 贵单位 (`applicant.you`); the channel is named in public words;
the remedy clause names the letter by its own title (`remedy.document`); withheld parts carry one ground each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain import letters as law
from ..domain.case import CaseView, Event, replay
from ..domain.codes import (
    APPLICANT_TYPE_LABELS,
    CHANNEL_PUBLIC_LABELS,
    CONSULT_KINDS,
    FEE_METHODS,
    LETTER_KINDS,
    OUTCOMES,
    REFUSAL_OUTCOMES,
    ApplicantType,
    Channel,
)

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


@dataclass
class Applicant:
    """What a letter may say about the case file (personal data only where a letter needs it: none does yet)."""

    case_id: str
    name: str
    applicant_type: str
    channel: str
    content: str | None  # as registered; a correction's content is read from its event
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
    party: str = ""  # the override notice: which objecting third party it goes to (default: the last one)


def _d(d: date | None) -> str:
    return law.cn_date(d) if d else ""


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def variant_of(kind: str, act: Event, after: CaseView) -> str:
    """The form of a letter that has several: the outcome of a reply or closure, the party of a consultation,
    the article of a deadline notice, the abandonment a reopening undoes."""
    if kind in ("reply", "closure"):
        return str(after.outcome or act.data.get("outcome") or "")
    if kind == "consultation":
        return str(act.data.get("kind", "third_party"))
    if kind == "extension":  # the Art. 35 deadline is set with `set-deadline` or `reasons-received --set-due`
        return "art35" if act.kind in ("set_deadline", "reasons_received") else "art33"
    if kind == "reopen":
        return str(act.data.get("reopened", ""))
    return ""


def template_name(kind: str, variant: str) -> str:
    """The template file of a letter, under templates/replies/: one per letter, one per outcome for replies."""
    if kind == "reply":
        return f"reply/{variant}.html"
    return f"{kind}.html"


def build(issue: Issue, body: Any, *, override_wait_days: int = 0) -> dict[str, Any]:
    """The fields of one letter. `body` is the issuing body's profile (config.BodyProfile).

    `override_wait_days`: the working days a body waits, after the third party receives the override notice,
    before it discloses (0: none); the wait recorded with the decision (`wait_days`) takes precedence."""
    act = issue.events[-1]
    after, before = issue.after, issue.before
    kind = issue.kind
    variant = variant_of(kind, act, after)
    a = issue.applicant
    third_party = kind in ("consultation", "override")
    party = str(act.data.get("party", "")) if kind == "consultation" else (issue.party or _objector(after))
    outcome = variant if kind in ("reply", "closure") else ""
    title = _title(kind, outcome)
    grounds = [w["code"] for w in _withheld(after.decision)] if kind == "reply" else []
    form = law.remedy_form_with_grounds(kind, outcome or None, grounds)
    organisation = a.applicant_type != ApplicantType.NATURAL_PERSON.value
    corrected = _last(issue.events, "corrected")
    corrected_content = _s(corrected.data.get("content")) if corrected else ""
    if kind == "override" and "wait_days" in act.data:  # the wait recorded with the decision is the one that binds
        override_wait_days = int(act.data["wait_days"])
    data: dict[str, Any] = {
        "letter": {
            "kind": kind,
            "variant": variant,
            "title": title,
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
        "applicant": {
            "name": a.name,
            "type": APPLICANT_TYPE_LABELS[ApplicantType(a.applicant_type)],
            "organisation": organisation,
            "you": "贵单位" if organisation else "您",  # how a letter addresses the applicant
        },
        "case": {
            "id": a.case_id,
            "received_on": _d(after.received_on),
            "received_on_iso": _iso(after.received_on),
            "channel": CHANNEL_PUBLIC_LABELS[Channel(a.channel)],
            "content": corrected_content or a.content or "",  # what the application asks for now
            "original_content": a.content or "",
            "corrected_content": corrected_content,
            "registered_on": _d(a.registered_on),
            "corrected_on": _d(after.corrected_on),
            "corrected_on_iso": _iso(after.corrected_on),
        },
        "remedy": {
            "form": form,
            "review_body": body.review_body,
            "court": body.court,
            "document": "本" + title,  # "如对本不予公开告知书不服": the letter by its own name
            "review_days": law.REVIEW_DAYS,
            "lawsuit_months": law.LAWSUIT_MONTHS,
        },
        "preview": False,
    }
    data[kind] = _SPECIFIC[kind](issue, act, before, after, variant)
    if kind == "override":
        data[kind]["wait_days"] = int(override_wait_days)
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


def _objection(view: CaseView, party: str = "") -> Any:
    objected = [c for c in view.consultations if c.kind == "third_party" and c.result == "object"
                and (not party or c.party == party)]
    return objected[-1] if objected else None


def _objector(view: CaseView) -> str:
    c = _objection(view)
    return c.party if c else ""


def _last(events: list[Event], kind: str, **match: Any) -> Event | None:
    for e in reversed(events):
        if e.kind == kind and all(e.data.get(k) == v for k, v in match.items()):
            return e
    return None


def _withheld(decision: dict[str, Any]) -> list[dict[str, str]]:
    """The withheld parts of a decision, each {part, code, reason}. A decision recorded before issue 9 named its
    further grounds as `secondary` codes only: they are read as parts without a label or reason of their own."""
    parts = [{"part": _s(w.get("part")), "code": _s(w.get("code")), "reason": _s(w.get("reason"))}
             for w in decision.get("withheld") or [] if isinstance(w, dict)]
    if not parts:
        parts = [{"part": "", "code": str(code), "reason": ""} for code in decision.get("secondary") or []]
    return [p for p in parts if p["code"] in OUTCOMES]


# -- each letter's own fields ------------------------------------------------------------------------------------

def _receipt(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    """How the reply period was counted (docs/clocks.md, "Receipt on a non-working day"): plainly from the day of receipt ("strict"), or,
    where a body's rule says so, from the next working day when it arrived on a non-working day ("shifted")."""
    received, start = after.received_on, after.clock_start
    counting = after.counting  # the rule recorded on the case at registration
    workday = after.received_on_workday is not False  # not received yet: nothing to explain
    count_from = start if (counting == "shifted" and start) else received
    due = after.due("reply_due")
    return {
        "reply_due": _d(due),
        "reply_due_iso": _iso(due),
        "reply_days": 20,
        "confirmed": act.kind == "confirm_receipt",
        "counting": counting,
        "nonworking_day": not workday,
        "weekday": WEEKDAYS[received.weekday()] if received else "",
        "count_from": _d(count_from),
        "count_from_iso": _iso(count_from),
    }


def _correction(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    return {"items": _s(act.data.get("items")), "period": int(act.data.get("period", 0)),
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
        "approver": _s(act.data.get("approver")),
        "original_due": _d(original),
        "original_due_iso": _iso(original),
        "new_due": _d(after.due("reply_due")),
        "new_due_iso": _iso(after.due("reply_due")),
    }


def _consultation(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    return {
        "party": _s(act.data.get("party")),
        "party_kind": variant,
        "party_kind_label": CONSULT_KINDS.get(variant, ""),
        "about": _s(act.data.get("about")),  # the information concerned, as staff word it for the party
        "period_days": 15,
        "co_producer": variant == "co_producer",
    }


def _consultation_notice(issue: Issue, act: Event, before: CaseView | None, after: CaseView,
                         variant: str) -> dict[str, Any]:
    return {"consulted_on": law.cn_date(act.on), "period_days": 15,
            "reply_due": _d(after.due("reply_due")), "reply_due_iso": _iso(after.due("reply_due"))}


def _override(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    """The decision to disclose over a third party's objection (Art. 32): the content and the reasons. Each
    objecting third party gets its own notice (`issue.party`)."""
    c = _objection(after, issue.party)
    consult = _last(issue.events, "consult", party=c.party) if c else None
    return {
        "party": c.party if c else "",
        "consulted_on": _d(c.sent_on) if c else "",
        "consulted_on_iso": _iso(c.sent_on) if c else "",
        "consultation_number": c.letter if c else "",
        "about": _s(consult.data.get("about")) if consult else "",
        "objection": c.reason if c else "",
        "provided": _s(act.data.get("provided")),
        "public_interest": _s(act.data.get("public_interest")),
        "outcome_label": OUTCOMES[act.data["outcome"]].label if act.data.get("outcome") in OUTCOMES else "",
        "wait_days": 0,  # set by build(): the body's setting
    }


def _fee(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    method = _s(act.data.get("method"))
    return {
        "method": method,
        "method_label": FEE_METHODS.get(method, ""),
        "quantity": int(act.data.get("quantity", 0)),
        "unit": "件" if method == "per_item" else "页",
        "earlier_items": int(act.data.get("earlier_items", 0)),
        "amount": int(act.data.get("amount", 0)),
        "computation": _s(act.data.get("computation")),
        "payment_days": 20,
    }


def _part(w: dict[str, str], consulted: bool) -> dict[str, str]:
    code = w["code"]
    return {
        "part": w["part"],
        "code": code,
        "label": OUTCOMES[code].label,
        "basis": law.according_to(law.outcome_articles(code, consulted)),
        "reason": w["reason"],
        # how the part is answered: withheld (不予公开), does not exist, or would have to be created (不予提供)
        "kind": code if code in ("not_exist", "needs_creation") else "withheld",
    }


def _reply(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    d = after.decision
    consulted = _third_party_consulted(after)
    decided = _last(issue.events, "decide")
    objection = _objection(after)
    reasons = _last(issue.events, "request_reasons")
    explained = _last(issue.events, "reasons_received")
    notice = _last(issue.events, "request_correction")
    withheld = [_part(w, consulted) for w in _withheld(d)]
    return {
        "outcome": variant,
        "outcome_label": OUTCOMES[variant].label if variant in OUTCOMES else "",
        "decided_on": _d(decided.on) if decided else "",
        "reason": _s(d.get("reason")),
        "provided": _s(d.get("provided")),
        "where": _s(d.get("where")),
        "search": _s(d.get("search")),
        "responsible_body": _s(d.get("responsible_body")),
        "responsible_contact": _s(d.get("responsible_contact")),
        "earlier_reply": _s(d.get("earlier_reply")),
        "public_interest": _s(d.get("public_interest")),
        # each withheld part with its own ground; for a withheld.* refusal, the grounds after the lead one
        "withheld": withheld,
        "third_party_consulted": consulted,
        "third_party_objected": objection is not None,
        "consulted_on": _d(objection.sent_on) if objection else "",
        "objection_unfounded": _s(d.get("objection_unfounded")),  # Art. 32: the finding and its reason
        # excessive (Art. 35): the request for reasons, and the explanation received and found unreasonable
        # ("unreasonable") or none received within the period ("not_given")
        "explanation": _s(d.get("explanation")),
        "reasons_number": _s(reasons.data.get("letter")) if reasons else "",
        "reasons_on": _d(reasons.on) if reasons else "",
        "explanation_on": _d(explained.on) if explained and d.get("explanation") != "not_given" else "",
        # unclear_after_correction (Art. 30): the correction notice
        "correction_number": _s(notice.data.get("letter")) if notice else "",
        "correction_on": _d(notice.on) if notice else "",
        "replied_on_time": bool(after.replied_on_time),
    }


def _closure(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    notice_kind = "request_correction" if variant == "no_correction" else "fee_notice"
    notice = _last(issue.events, notice_kind)
    period_end = (before.due("correction_due") if variant == "no_correction" else before.due("payment_due")) if before else None
    return {
        "outcome": variant,
        "outcome_label": OUTCOMES[variant].label if variant in OUTCOMES else "",
        "notice_number": _s(notice.data.get("letter")) if notice else "",
        "notice_date": _d(notice.on) if notice else "",
        "period_end": _d(period_end),
        "period_end_iso": _iso(period_end),
        "amount": int(notice.data.get("amount", 0)) if notice and variant == "fee_unpaid" else 0,
    }


def _reopen(issue: Issue, act: Event, before: CaseView | None, after: CaseView, variant: str) -> dict[str, Any]:
    """The office head reopens a case concluded as abandoned; the lapsed period runs again in full from this
    notice. Read from the events only (the closure, the notice whose period lapsed, the reopening)."""
    lapse = _last(issue.events[:-1], "lapse_correction" if variant == "no_correction" else "lapse_fee")
    notice = _last(issue.events, "request_correction" if variant == "no_correction" else "fee_notice")
    closure_number = _s(act.data.get("closure_number")) or (_s(lapse.data.get("letter")) if lapse else "")
    return {
        "reopened": variant,
        "reopened_label": {"no_correction": "逾期不补正", "fee_unpaid": "逾期未缴费"}.get(variant, ""),
        "reason": _s(act.data.get("reason") or act.reason),
        "approver": _s(act.data.get("approver")),
        "closed_on": _d(lapse.on) if lapse else "",
        "closed_on_iso": _iso(lapse.on) if lapse else "",
        "closure_number": closure_number,
        "notice_number": _s(notice.data.get("letter")) if notice else "",
        "notice_date": _d(notice.on) if notice else "",
        "period": int(act.data.get("period") or 0),  # working days, from the receipt of this notice
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
    "reopen": _reopen,
}

LETTER_ORDER = tuple(_SPECIFIC)


# -- the letters there are, and sample data for each ------------------------------------------------------------------

def variants(kind: str) -> list[str]:
    if kind == "reply":
        return [code for code, o in OUTCOMES.items() if o.by_staff]
    if kind in ("closure", "reopen"):
        return ["no_correction", "fee_unpaid"]
    if kind == "consultation":
        return list(CONSULT_KINDS)
    if kind == "extension":
        return ["art33", "art35"]
    return [""]


def forms(kind: str, variant: str) -> list[str]:
    """The forms one template takes with different facts, each with its own sample (the first is the default)."""
    if kind != "reply":
        return [""]
    if variant == "excessive":
        return ["unreasonable", "not_given"]
    if variant == "not_responsible":
        return ["", "unidentified"]
    if variant in ("disclosed", "partial"):
        return ["", "objection_unfounded"]
    if variant in REFUSAL_OUTCOMES:
        return ["", "more_grounds"]
    return [""]


def all_letters() -> list[tuple[str, str]]:
    """Every (kind, variant) with its own text: what `letters check` and `letters preview --all` go through."""
    return [(k, v) for k in LETTER_ORDER for v in variants(k)]


def all_samples() -> list[tuple[str, str, str]]:
    """Every (kind, variant, form): each form of each letter, for the tests."""
    return [(k, v, f) for k in LETTER_ORDER for v in variants(k) for f in forms(k, v)]


SAMPLE_FACTS = {
    "reason": "该信息涉及第三方的商业秘密，公开后可能损害其合法权益",
    "provided": "《2024年本县道路维修项目招标文件》电子版1份（共12页），通过电子邮件发送至您预留的邮箱",
    "where": "本县人民政府门户网站“政府信息公开”栏目（2024年5月8日发布）",
    "search": "检索了本机关2019年至2024年的收文、发文登记簿和电子公文系统",
    "responsible_body": "示例县自然资源局",
    "responsible_contact": "地址：示例县人民路1号；电话：0000-0000001",
    "earlier_reply": "示县政办公开复〔2025〕3号",
}
SAMPLE_REASONS = {
    "not_responsible": "道路维修项目的招标由县自然资源局组织，相关文件由该局制作并保存",
    "needs_creation": "本机关没有汇总各年度维修费用的现成信息，需要对多份档案进行统计、分析才能形成",
    "excessive": "您在2025年1月至3月间提出同类申请200余件，要求逐一提供全县各路段的维修记录",
    "other": "申请人在答复前已通过其他途径获取了所需信息，经与其确认，不再提供",
    "withheld.administrative_query": "不动产登记资料的查询，《不动产登记暂行条例》另有规定",
    "withheld.state_secret": "该文件已依法定密为秘密级国家秘密，保密期限尚未届满",
    "withheld.prohibited_by_law": "《中华人民共和国统计法》规定，统计调查中获得的单个调查对象的资料不得对外提供",
    "withheld.three_security_one_stability": "该信息涉及尚未处置完毕的群体性事件的应急处置方案，公开后可能影响社会稳定",
    "withheld.third_party_rights": "该信息涉及第三方的商业秘密，公开后可能损害其合法权益",
    "withheld.internal_affairs": "该信息为本机关内部的人员考勤和车辆使用管理记录",
    "withheld.process_info": "该信息为项目论证过程中的讨论记录，尚未形成正式决定",
    "withheld.enforcement_files": "该信息为行政处罚案件的调查询问笔录，属于行政执法案卷",
}
SAMPLE_ABOUT = "2024年本县道路维修项目中标单位的投标报价单"
SAMPLE_WITHHELD = [
    {"part": "第3项（投标报价单）", "code": "withheld.third_party_rights", "reason": "报价单载有投标人的成本构成，属于其商业秘密"},
    {"part": "第5项（验收影像资料）", "code": "not_exist", "reason": "经检索，本机关未制作、未获取该项资料"},
]
SAMPLE_FURTHER = [{"part": "第2项（评标委员会讨论记录）", "code": "withheld.process_info",
                   "reason": "评标委员会的讨论记录属于过程性信息"}]
SAMPLE_CONTENT = "2024年本县道路维修项目的招标文件及中标结果"


def _sample_number(body: Any) -> Callable[[str, int], str]:
    codes = getattr(body, "letter_codes", None) or {}
    return lambda kind, n: f"{body.short_name}{codes.get(kind) or '公开' + LETTER_KINDS[kind][1]}〔2025〕{n}号"


def sample(kind: str, variant: str, body: Any, cal: Any, policy: Any, number: str, form: str = "",
           numbering: Callable[[str, int], str] | None = None) -> dict[str, Any]:
    """Sample data for a letter: a made-up case (received Monday 2025-03-03) replayed through the domain."""
    ev = sample_events(kind, variant, form, numbering or _sample_number(body))
    issue = sample_issue(kind, ev, cal, policy, number, applicant=sample_applicant())
    data = build(issue, body, override_wait_days=getattr(policy, "override_wait_days", None))
    data["preview"] = True
    return data


def sample_applicant(name: str = "张某某", applicant_type: str = "natural_person", channel: str = "in_person",
                     content: str = SAMPLE_CONTENT) -> Applicant:
    return Applicant("EXAMPLE-2025-0001", name, applicant_type, channel, content, date(2025, 3, 3))


def sample_issue(kind: str, events: list[Event], cal: Any, policy: Any, number: str, applicant: Applicant) -> Issue:
    """The letter of the last event, with the case replayed before and after it."""
    views = [replay(events[: i + 1], cal, policy) for i in range(len(events))]
    before = views[-2] if len(views) > 1 else None
    after = views[-1]
    return Issue(kind, number, events[-1].on, applicant, events, before, after)


def sample_events(kind: str, variant: str, form: str = "",
                  number: Callable[[str, int], str] = lambda kind, n: f"示县政办公开{LETTER_KINDS[kind][1]}〔2025〕{n}号",
                  ) -> list[Event]:
    """The events of the made-up case behind each letter, as the acts record them (letters' 文号 included)."""
    seq = iter(range(1, 100))

    def e(kind_: str, on: str, why: str = "", letter: str = "", serial: int = 1, **data: Any) -> Event:
        if letter:
            data["letter"], data["letter_kind"] = number(letter, serial), letter
        return Event(next(seq), kind_, date.fromisoformat(on), data, "示例工作人员", why)

    reg = e("register", "2025-03-03", channel="in_person", applicant_type="natural_person", received_on="2025-03-03",
            letter="receipt")
    correction = e("request_correction", "2025-03-05", letter="correction", period=15, late=False,
                   items="请写明所需文件的名称、文号或者便于查询的其他特征性描述")
    fee = e("fee_notice", "2025-03-10", letter="fee", method="per_volume", quantity=250, earlier_items=0, amount=4700,
            computation="第31至100页70页×10元＝700元；第101至200页100页×20元＝2000元；第201至250页50页×40元＝2000元；合计4700元")
    party = "某某建设集团有限公司"
    if kind == "receipt":
        return [reg]
    if kind == "correction":
        return [reg, correction]
    if kind == "reasons":
        return [reg, e("request_reasons", "2025-03-05", letter="reasons", period=15)]
    if kind == "extension":
        if variant == "art35":
            return [reg, e("set_deadline", "2025-03-20", letter="extension", due="2025-05-30")]
        return [reg, e("extend", "2025-03-25", "需要调取多个科室的档案", letter="extension", days=15, approver="王主任")]
    if kind in ("consultation", "consultation_notice"):
        if variant == "co_producer":
            return [reg, e("consult", "2025-03-10", letter="consultation", party="示例县财政局", kind="co_producer",
                           about="2024年本县道路维修项目的资金拨付文件（由本机关与贵单位共同制作）")]
        return [reg, e("consult", "2025-03-10", letter="consultation", party=party, kind="third_party", about=SAMPLE_ABOUT)]
    if kind == "fee":
        return [reg, fee]
    if kind == "override":
        return [reg, e("consult", "2025-03-05", letter="consultation", party=party, kind="third_party", about=SAMPLE_ABOUT),
                e("opinion", "2025-03-12", party=party, kind="third_party", result="object", reason="涉及本公司的报价策略"),
                e("decide", "2025-03-20", letter="override", outcome="disclosed",
                  provided="2024年本县道路维修项目中标单位的投标报价单（总价及分项报价）",
                  public_interest="该项目涉及全县道路安全，公开中标结果有利于公众监督")]
    if kind in ("closure", "reopen"):
        if variant == "fee_unpaid":
            events = [reg, fee, e("lapse_fee", "2025-04-09", letter="closure", outcome="fee_unpaid")]
        else:
            events = [reg, correction, e("lapse_correction", "2025-03-27", letter="closure", outcome="no_correction")]
        if kind == "closure":
            return events
        period = 20 if variant == "fee_unpaid" else 15
        return events + [e("reopen", "2025-04-14", letter="reopen", reopened=variant, approver="王主任", period=period,
                           closure_number=events[-1].data["letter"],
                           reason="申请人提供了银行的缴费凭证，证明已在缴费期限内缴纳" if variant == "fee_unpaid"
                           else "申请人提供了邮政部门的证明，补正告知书因投递错误未能送达")]
    # reply
    events = [reg]
    facts: dict[str, Any] = {}
    if variant in ("disclosed", "partial"):
        facts["provided"] = SAMPLE_FACTS["provided"]
    if variant in ("already_public", "publication", "withheld.administrative_query"):
        facts["where"] = SAMPLE_FACTS["where"]
    if variant in SAMPLE_REASONS:
        facts["reason"] = SAMPLE_REASONS[variant]
    if variant == "partial":
        facts["withheld"] = [dict(w) for w in SAMPLE_WITHHELD]
    if variant in REFUSAL_OUTCOMES and form == "more_grounds":
        facts["withheld"] = [dict(w) for w in SAMPLE_FURTHER]
    if variant == "not_exist":
        facts["search"] = SAMPLE_FACTS["search"]
    if variant == "not_responsible" and form != "unidentified":
        facts["responsible_body"] = SAMPLE_FACTS["responsible_body"]
        facts["responsible_contact"] = SAMPLE_FACTS["responsible_contact"]
    if variant == "duplicate":
        facts["earlier_reply"] = SAMPLE_FACTS["earlier_reply"]
    if variant == "unclear_after_correction":
        events += [correction, e("corrected", "2025-03-12", content="2024年本县道路维修的有关文件")]
    if form == "objection_unfounded":
        events += [e("consult", "2025-03-05", letter="consultation", party=party, kind="third_party", about=SAMPLE_ABOUT),
                   e("opinion", "2025-03-12", party=party, kind="third_party", result="object", reason="涉及本公司的报价策略")]
        facts["objection_unfounded"] = "中标价格已在中标公告中公布，报价单总价不构成商业秘密"
    if variant == "excessive":
        facts["explanation"] = form or "unreasonable"
        events.append(e("request_reasons", "2025-03-05", letter="reasons", period=15))
        if form != "not_given":
            events.append(e("reasons_received", "2025-03-14"))
    events += [e("decide", "2025-03-24", outcome=variant, **facts), e("reply", "2025-03-25", letter="reply", outcome=variant)]
    return events
