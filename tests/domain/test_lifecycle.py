"""The procedure as states (docs/procedure.md) and the statutory guards on each act (acts.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from request_flow.domain import acts
from request_flow.domain.case import Event, replay
from request_flow.domain.errors import BadInput, Refused
from request_flow.domain.lifecycle import (
    AWAITING_CORRECTION,
    AWAITING_FEE,
    AWAITING_REASONS,
    CLOSED,
    CONCLUDED,
    CONSULTING,
    DECIDED,
    IN_PROGRESS,
    LIFECYCLE,
    OPEN_STATES,
    REGISTERED,
    STATE_LABELS,
    STATES,
    STEPS_BY_TRIGGER,
    CaseAdapter,
    WrongState,
    allowed_acts,
    fire,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


def D(s: str) -> date:
    return date.fromisoformat(s)


# -- the table ----------------------------------------------------------------------------------------------------

ROWS = [(s.trigger, src, s.dest, s.condition) for s in LIFECYCLE for src in s.sources]


@pytest.mark.parametrize(("trigger", "source", "dest", "condition"), ROWS,
                         ids=[f"{t}:{s}" + (f":{c}" if c else "") for t, s, _, c in ROWS])
def test_every_allowed_transition_fires(trigger, source, dest, condition):
    outcome = {"lapsed_correction": "no_correction", "lapsed_fee": "fee_unpaid"}.get(condition or "")
    adapter = CaseAdapter(source, open_consultations=1 if condition == "others_open" else 0, outcome=outcome)
    assert fire(adapter, trigger) == (source if dest == "=" else dest)
    assert adapter.state == (source if dest == "=" else dest)
    assert trigger in allowed_acts(source)


FORBIDDEN = [(t, st) for t in STEPS_BY_TRIGGER for st in STATES
             if st not in {src for s in STEPS_BY_TRIGGER[t] for src in s.sources}]


@pytest.mark.parametrize(("trigger", "state"), FORBIDDEN, ids=[f"{t}@{s}" for t, s in FORBIDDEN])
def test_every_other_pair_is_refused_in_chinese(trigger, state):
    adapter = CaseAdapter(state)
    with pytest.raises(WrongState) as exc:
        fire(adapter, trigger)
    msg = str(exc.value)
    assert CJK.search(msg)
    assert STATE_LABELS[state] in msg  # names the state the case is in
    assert adapter.state == state  # nothing moved
    assert trigger not in allowed_acts(state)


def test_forbidden_pairs_are_not_empty():
    assert len(FORBIDDEN) > 100


# the procedure as the statute sets it out, read off the diagram (independently of the code's table)
SPEC_EDGES = [
    ("confirm_receipt", REGISTERED, IN_PROGRESS),
    ("request_correction", IN_PROGRESS, AWAITING_CORRECTION),
    ("corrected", AWAITING_CORRECTION, IN_PROGRESS),
    ("lapse_correction", AWAITING_CORRECTION, CONCLUDED),
    ("consult", IN_PROGRESS, CONSULTING),
    ("fee_notice", IN_PROGRESS, AWAITING_FEE),
    ("fee_paid", AWAITING_FEE, IN_PROGRESS),
    ("lapse_fee", AWAITING_FEE, CONCLUDED),
    ("request_reasons", IN_PROGRESS, AWAITING_REASONS),
    ("reasons_received", AWAITING_REASONS, IN_PROGRESS),
    ("extend", IN_PROGRESS, IN_PROGRESS),
    ("decide", IN_PROGRESS, DECIDED),
    ("reply", DECIDED, CONCLUDED),
    ("deliver_reply", CONCLUDED, CLOSED),
] + [("withdraw", s, CONCLUDED) for s in OPEN_STATES]


@pytest.mark.parametrize(("trigger", "source", "dest"), SPEC_EDGES)
def test_the_spec_diagram_is_in_the_table(trigger, source, dest):
    assert fire(CaseAdapter(source), trigger) == dest


def test_last_opinion_returns_to_in_progress_others_keep_consulting():
    assert fire(CaseAdapter(CONSULTING, open_consultations=0), "opinion") == IN_PROGRESS
    assert fire(CaseAdapter(CONSULTING, open_consultations=2), "opinion") == CONSULTING


def test_concluded_and_closed_cases_cannot_be_withdrawn():
    for state in (CONCLUDED, CLOSED):
        with pytest.raises(WrongState):
            fire(CaseAdapter(state), "withdraw")


# -- acts: guards with the article they apply ---------------------------------------------------------------------

def view_of(*steps, received: str = "2025-03-03"):
    events = [Event(1, "register", D(received),
                    {"channel": "in_person", "applicant_type": "natural_person", "received_on": received})]
    for i, (kind, on, data) in enumerate(steps, 2):
        events.append(Event(i, kind, D(on), data))
    return events


@pytest.fixture
def v(cal, policy):
    def build(*steps, received: str = "2025-03-03"):
        return replay(view_of(*steps, received=received), cal, policy)
    return build


NOTICE = ("request_correction", "2025-03-05", {"items": "写明文号", "period": 15, "letter": "补1"})
CORRECTED = ("corrected", "2025-03-17", {})


def test_second_correction_notice_refused(v):
    for view in (v(NOTICE), v(NOTICE, CORRECTED)):
        with pytest.raises(Refused, match="第三十条") as exc:
            acts.request_correction(view, D("2025-03-20"), "再补正", 15)
        assert "一次性" in str(exc.value)


def test_first_correction_notice_late_is_allowed_and_marked(v):
    # notice due Wed 2025-03-12 (7th working day after Mon Mar 3)
    assert acts.request_correction(v(), D("2025-03-12"), "写明文号", 15).data["late"] is False
    draft = acts.request_correction(v(), D("2025-03-13"), "写明文号", 15)
    assert draft.data["late"] is True and draft.letter_kind == "correction"


@pytest.mark.parametrize("split", [(21,), (10, 11), (5, 5, 5, 6), (20, 1)])
def test_extension_beyond_20_in_total_refused_however_split(v, split):
    steps = [("extend", "2025-03-10", {"days": d, "approver": "主任"}) for d in split[:-1]]
    view = v(*steps)
    with pytest.raises(Refused, match="第三十三条第二款") as exc:
        acts.extend(view, D("2025-03-11"), split[-1], "主任", True, "材料多")
    assert "20" in str(exc.value)


@pytest.mark.parametrize("split", [(20,), (10, 10), (5, 5, 5, 5)])
def test_extensions_up_to_20_in_total_allowed(v, split):
    steps = [("extend", "2025-03-10", {"days": d, "approver": "主任"}) for d in split[:-1]]
    draft = acts.extend(v(*steps), D("2025-03-11"), split[-1], "主任", True, "材料多")
    assert draft.data == {"days": split[-1], "approver": "主任"} and draft.letter_kind == "extension"


def test_extension_needs_the_office_head(v):
    with pytest.raises(Refused, match="第三十三条第二款") as exc:
        acts.extend(v(), D("2025-03-10"), 5, "张三", False, None)
    assert "张三" in str(exc.value) and "负责人" in str(exc.value)


@pytest.mark.parametrize(("outcome", "facts", "option"), [
    ("disclosed", {}, "--provided"),
    ("not_exist", {"search": "  "}, "--search"),
    ("not_responsible", {"responsible_body": "市住建局"}, "--reason"),  # issue 9 (docs/outcomes.md): the reason, always
    ("duplicate", {}, "--earlier-reply"),
    ("withheld.administrative_query", {"reason": "不动产登记"}, "--where"),
])
def test_decision_without_required_facts_names_the_option(v, outcome, facts, option):
    with pytest.raises(Refused) as exc:
        acts.decide(v(), D("2025-03-10"), outcome, facts)
    assert option in str(exc.value)
    assert CJK.search(str(exc.value))


def test_decision_with_facts_is_accepted(v):
    draft = acts.decide(v(), D("2025-03-10"), "not_responsible",
                        {"reason": "该信息由市住建局制作并保存", "responsible_body": "市住建局",
                         "responsible_contact": "0771-1234567"})
    assert draft.data["outcome"] == "not_responsible"
    # Art. 36(5) names the responsible body only "能够确定的": a reason alone is enough
    draft = acts.decide(v(), D("2025-03-10"), "not_responsible", {"reason": "经查无法确定负责公开的机关"})
    assert "responsible_body" not in draft.data


def test_unclear_after_correction_needs_a_correction(v):
    with pytest.raises(Refused, match="第三十条"):
        acts.decide(v(), D("2025-03-10"), "unclear_after_correction", {})
    draft = acts.decide(v(NOTICE, CORRECTED), D("2025-03-18"), "unclear_after_correction", {})
    assert draft.data["outcome"] == "unclear_after_correction"


def test_disclosure_over_a_third_party_objection(v):
    # Art. 32 as written (docs/procedure.md, "Decision"): an objection binds the information concerning the third party
    view = v(("consult", "2025-03-10", {"party": "某公司", "kind": "third_party", "letter": "征1"}),
             ("opinion", "2025-03-14", {"party": "某公司", "result": "object", "reason": "商业秘密"}))
    assert view.state == IN_PROGRESS and view.third_party_objected
    with pytest.raises(Refused, match="第三十二条") as exc:
        acts.decide(view, D("2025-03-17"), "disclosed", {"provided": "电子版"})
    assert "--objection-unfounded" in str(exc.value) and "--public-interest" in str(exc.value)
    # withholding the objected part needs nothing more: partial and withheld.* as usual, no letter to the party
    draft = acts.decide(view, D("2025-03-17"), "partial", {"provided": "合同正文"},
                        withheld=["报价单:withheld.third_party_rights:涉及某公司的商业秘密"])
    assert draft.letter_kind is None
    assert draft.data["withheld"] == [{"part": "报价单", "code": "withheld.third_party_rights", "reason": "涉及某公司的商业秘密"}]
    assert acts.decide(view, D("2025-03-17"), "withheld.third_party_rights", {"reason": "商业秘密"}).letter_kind is None
    # disclosing it: a recorded finding that the objection is unfounded (no override notice) ...
    draft = acts.decide(view, D("2025-03-17"), "disclosed", {"provided": "电子版"},
                        objection_unfounded="所称商业秘密已在招标公告中公开")
    assert draft.data["objection_unfounded"] == "所称商业秘密已在招标公告中公开" and draft.letter_kind is None
    # ... or the public-interest override, which alone issues the 决定公开告知书
    draft = acts.decide(view, D("2025-03-17"), "disclosed", {"provided": "电子版"}, public_interest="涉及公共安全")
    assert draft.data["public_interest"] == "涉及公共安全"
    assert draft.letter_kind == "override"
    with pytest.raises(Refused, match="择一"):
        acts.decide(view, D("2025-03-17"), "disclosed", {"provided": "电子版"}, public_interest="涉及公共安全",
                    objection_unfounded="理由")


def test_third_party_objection_needs_its_reasons(v):
    view = v(("consult", "2025-03-10", {"party": "某公司", "kind": "third_party", "letter": "征1"}))
    with pytest.raises(BadInput, match="第三十二条"):
        acts.opinion(view, D("2025-03-14"), "object", None, "某公司")


def test_no_answer_cannot_be_recorded_before_the_window_ends(v):
    # window: 15 working days after Mon 2025-03-10 → Mon 2025-03-31
    view = v(("consult", "2025-03-10", {"party": "市财政局", "kind": "co_producer", "letter": "征1"}))
    for day in ("2025-03-14", "2025-03-31"):
        with pytest.raises(Refused, match="2025-03-31"):
            acts.opinion(view, D(day), "none", None, None)
    draft = acts.opinion(view, D("2025-04-01"), "none", None, None)
    assert "第三十四条" in draft.data["effect"] and "同意" in draft.data["effect"]


def test_close_lapsed_correction_only_after_the_period(v):
    # correction period: 15 working days after Wed Mar 5 → Wed 2025-03-26
    view = v(NOTICE)
    with pytest.raises(Refused, match="第三十条"):
        acts.close_lapsed(view, D("2025-03-26"), "no_correction")
    draft = acts.close_lapsed(view, D("2025-03-27"), "no_correction")
    assert draft.kind == "lapse_correction" and draft.data["outcome"] == "no_correction"


def test_close_lapsed_fee_only_after_the_period(v):
    # payment: 20 working days after Mon Mar 10 → Tue 2025-04-08 (see test_clocks)
    view = v(("fee_notice", "2025-03-10", {"method": "per_volume", "quantity": 250, "amount": 4700, "letter": "费1"}))
    with pytest.raises(Refused, match="2025-04-08"):
        acts.close_lapsed(view, D("2025-04-08"), "fee_unpaid")
    assert acts.close_lapsed(view, D("2025-04-09"), "fee_unpaid").kind == "lapse_fee"


def test_close_lapsed_in_the_wrong_state(v):
    with pytest.raises(Refused) as exc:
        acts.close_lapsed(v(), D("2025-04-30"), "no_correction")
    assert STATE_LABELS[IN_PROGRESS] in str(exc.value)


def test_fee_within_the_free_range_refused(v):
    with pytest.raises(Refused, match="第四十二条"):
        acts.fee_notice(v(), D("2025-03-10"), "per_volume", 30)
    with pytest.raises(Refused):
        acts.fee_notice(v(), D("2025-03-10"), "per_item", 10)
    draft = acts.fee_notice(v(), D("2025-03-10"), "per_item", 5, earlier_items_this_month=8)
    assert draft.data["amount"] == 300  # items 9–13 of the month: 9, 10 free; 11, 12, 13 at 100


def test_acts_must_follow_the_chronology(v):
    view = v(NOTICE)  # last act Wed 2025-03-05
    with pytest.raises(Refused, match="2025-03-05"):
        acts.corrected(view, D("2025-03-04"))
    with pytest.raises(Refused, match="早于"):
        acts.withdraw(view, D("2025-03-01"), None)
    assert acts.corrected(view, D("2025-03-05")).kind == "corrected"


def test_acts_in_the_wrong_state_are_refused_in_chinese(v):
    with pytest.raises(Refused) as exc:
        acts.reply(v(), D("2025-03-10"))
    assert STATE_LABELS[IN_PROGRESS] in str(exc.value)
    with pytest.raises(Refused):
        acts.fee_paid(v(), D("2025-03-10"))


def test_outcomes_reached_by_closing_acts_are_not_decisions(v):
    for code in ("withdrawn", "no_correction", "fee_unpaid"):
        with pytest.raises(Refused):
            acts.decide(v(), D("2025-03-10"), code, {})
    with pytest.raises(BadInput):
        acts.decide(v(), D("2025-03-10"), "nonsense", {})


# -- applicant text is data --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["{{ x }}", "<script>alert(1)</script>", "𠀀", "申请😀人", "第一行\n第二行\t\r",
                                  "O'Brien; DROP TABLE cases;--", "{% if %}"])
def test_check_text_accepts_any_printable_unicode(text):
    assert acts.check_text(text, "申请内容", required=True) == text


@pytest.mark.parametrize("text", ["a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f", "c1\x85"])
def test_check_text_rejects_control_characters(text):
    with pytest.raises(BadInput) as exc:
        acts.check_text(text, "申请内容")
    assert "控制字符" in str(exc.value)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_required_text_may_not_be_empty(text):
    with pytest.raises(BadInput, match="不能为空"):
        acts.check_text(text, "申请人姓名或名称", required=True)


def test_register_accepts_odd_names_and_needs_receipt_for_in_person():
    draft = acts.register(applicant="{{ 张三 }}😀𠀀", applicant_type="natural_person", channel="online",
                          on=D("2025-03-03"), received_on=None)
    assert draft.kind == "register" and "received_on" not in draft.data
    with pytest.raises(BadInput, match="第三十一条"):
        acts.register(applicant="张三", applicant_type="natural_person", channel="in_person",
                      on=D("2025-03-03"), received_on=None)


def test_art35_deadline_fixed_with_the_explanation_must_be_later(v):
    # Art. 35: where the reasons are found reasonable but the office cannot answer within the Art. 33 periods,
    # it fixes a reasonable LATER deadline. set_deadline enforces this; the same decision recorded together with
    # the applicant's explanation must too. Here the plain reply deadline is Mon 2025-03-31 (received Mar 3).
    view = v(("request_reasons", "2025-03-10", {"period": 15, "letter": "说1"}))
    with pytest.raises(Refused, match="第三十五条"):
        acts.set_deadline(v(), D("2025-03-14"), D("2025-03-20"))
    with pytest.raises(Refused, match="第三十五条"):
        acts.reasons_received(view, D("2025-03-14"), D("2025-03-20"))
    assert acts.reasons_received(view, D("2025-03-14"), D("2025-06-30")).data["set_due"] == "2025-06-30"


def test_every_event_kind_has_its_replay_handler():
    from request_flow.domain.case import HANDLERS
    from request_flow.domain.lifecycle import EVENT_KINDS

    assert set(HANDLERS) == set(EVENT_KINDS)
    assert {s.trigger for s in LIFECYCLE} - {"deliver_reply"} <= set(EVENT_KINDS)
