"""The procedure as the statute words it (issue 9, docs/decisions.md): receipt on a non-working day, no cure for
an overdue case, Art. 35 in order, Art. 32 findings, periods from delivery, reopening, voiding, withheld parts.

Every expected date is counted by hand in the comment beside it, on the 2025 schedule (docs/clocks.md: 清明 Fri
Apr 4 off; 劳动节 May 1–5 off with Sun Apr 27 a make-up working day).
"""

from __future__ import annotations

from datetime import date

import pytest

from request_flow.domain import acts
from request_flow.domain.case import Event, replay
from request_flow.domain.clocks import Policy
from request_flow.domain.errors import BadInput, Refused
from request_flow.domain.lifecycle import AWAITING_CORRECTION, AWAITING_FEE, DECIDED, IN_PROGRESS, VOID


def D(s: str) -> date:
    return date.fromisoformat(s)


def events_of(*steps, received: str = "2025-03-03", counting: str | None = "strict") -> list[Event]:
    reg = {"channel": "in_person", "applicant_type": "natural_person", "received_on": received}
    if counting:
        reg["counting"] = counting
    events = [Event(1, "register", D(received), reg)]
    for i, (kind, on, data) in enumerate(steps, 2):
        events.append(Event(i, kind, D(on), data))
    return events


@pytest.fixture
def v(cal):
    def build(*steps, received: str = "2025-03-03", counting: str | None = "strict", policy: Policy | None = None):
        return replay(events_of(*steps, received=received, counting=counting), cal, policy or Policy())
    return build


def add(view_events, draft, seq=None):
    """The events with an act's draft appended, as the services write it."""
    data = dict(draft.data)
    if draft.letter_kind:
        data.setdefault("letter", f"{draft.letter_kind}-{len(view_events) + 1}")
        data["letter_kind"] = draft.letter_kind
    return [*view_events, Event(seq or len(view_events) + 1, draft.kind, draft.on, data, "测试员", draft.reason)]


# -- receipt on a non-working day (docs/clocks.md) -------------------------------------------------------------------

def test_saturday_receipt_is_counted_from_the_actual_day_by_default(v):
    # received Sat 2025-03-01, strict: notice due 7th working day after it: Mar 3,4,5,6,7,10,11 → 03-11;
    # reply 20th: Mar 3–7 (5), 10–14 (10), 17–21 (15), 24–28 (20) → 03-28 (the spec's example)
    view = v(received="2025-03-01")
    assert view.counting == "strict" and view.received_on_workday is False
    assert view.due("correction_notice_due") == D("2025-03-11")
    assert view.due("reply_due") == D("2025-03-28")
    assert "非工作日" in view.deadlines["reply_due"].start_label


def test_shifted_count_is_a_body_option_recorded_on_the_case(v, cal):
    # shifted: as if received Mon 03-03: notice 03-12; reply Mar 4–7 (4), 10–14 (9), 17–21 (14), 24–28 (19), 31 (20)
    view = v(received="2025-03-01", counting="shifted")
    assert (view.due("correction_notice_due"), view.due("reply_due")) == (D("2025-03-12"), D("2025-03-31"))
    # the rule recorded at registration wins over the configuration in force today
    strict_case = replay(events_of(received="2025-03-01", counting="strict"), cal, Policy(shift_nonworking_receipt=True))
    assert strict_case.due("reply_due") == D("2025-03-28")
    # cases registered before the rule was recorded keep the count they were given then (shifted)
    assert v(received="2025-03-01", counting=None).due("reply_due") == D("2025-03-31")


def test_register_records_the_rule_in_force():
    draft = acts.register(applicant="张某", applicant_type="natural_person", channel="in_person", on=D("2025-03-03"),
                          received_on=D("2025-03-01"), counting=Policy().counting)
    assert draft.data["counting"] == "strict"
    assert Policy(shift_nonworking_receipt=True).counting == "shifted"


# -- no cure for an overdue case ---------------------------------------------------------------------------------------

def test_correction_notice_after_the_reply_deadline_is_refused(v):
    view = v()  # received Mon 03-03: reply due 03-31 (Mar 4–7, 10–14, 17–21, 24–28, 31)
    with pytest.raises(Refused, match="第三十条") as exc:
        acts.request_correction(view, D("2025-04-01"), "写明文号", 15, "in_person")
    assert "2025-03-31" in str(exc.value)
    # after the 7th working day (03-12) but before the reply deadline: accepted, recorded as late
    draft = acts.request_correction(view, D("2025-03-20"), "写明文号", 15, "in_person")
    assert draft.data["late"] is True


def test_a_missed_reply_deadline_stays_in_the_record(v, cal):
    events = events_of()
    view = replay(events, cal, Policy())
    assert acts.deadline_missed(view, D("2025-03-31")) is None  # the last day itself is still in time
    draft = acts.deadline_missed(view, D("2025-04-01"))
    assert draft.data == {"deadline": "reply_due", "due": "2025-03-31"}
    events = add(events, draft)
    view = replay(events, cal, Policy())
    assert view.missed == [D("2025-03-31")] and any("2025-03-31" in note for note in view.late)
    assert acts.deadline_missed(view, D("2025-04-02")) is None  # recorded once
    assert view.last_on == D("2025-03-03")  # the sweep's record does not move the date order
    # nothing later cures it: a consultation begun after the deadline does not move it
    events = add(events, acts.consult(view, D("2025-04-02"), "某公司", "third_party"))
    view = replay(events, cal, Policy())
    assert view.due("reply_due") == D("2025-03-31") and view.missed == [D("2025-03-31")]


def test_a_reply_recorded_late_but_dated_in_time_clears_the_sweeps_mark(v, cal):
    events = add(events_of(), acts.deadline_missed(replay(events_of(), cal, Policy()), D("2025-04-01")))
    events = add(events, acts.decide(replay(events, cal, Policy()), D("2025-03-28"), "not_exist", {"search": "档案"}))
    events = add(events, acts.reply(replay(events, cal, Policy()), D("2025-03-31")))
    view = replay(events, cal, Policy())
    assert view.replied_on_time is True and view.missed == [] and view.late == []


def test_acts_after_the_deadline_are_recorded_as_missed_without_the_sweep(v):
    view = v(("decide", "2025-04-03", {"outcome": "not_exist", "search": "档案"}),
             ("reply", "2025-04-03", {"outcome": "not_exist", "letter": "复1"}))
    assert view.replied_on_time is False and view.missed == [D("2025-03-31")]


# -- Art. 35 in order ------------------------------------------------------------------------------------------------------

REASONS = ("request_reasons", "2025-03-05", {"period": 15, "delivery": "in_person", "letter": "说1"})
RECEIVED = ("reasons_received", "2025-03-12", {})


def test_set_deadline_needs_a_request_and_an_explanation(v):
    with pytest.raises(Refused, match="第三十五条") as exc:
        acts.set_deadline(v(), D("2025-03-10"), D("2025-05-30"))
    assert "说明理由" in str(exc.value)
    with pytest.raises(Refused):  # still waiting for the explanation
        acts.set_deadline(v(REASONS), D("2025-03-10"), D("2025-05-30"))


def test_set_deadline_is_later_than_the_running_one_and_set_before_it_passes(v):
    # the explanation pause excludes Mar 6, 7, 10, 11, 12 (after 03-05 up to 03-12): reply due
    # Mar 4, 5 (2), 13, 14 (4), 17–21 (9), 24–28 (14), 31 (15), Apr 1–3 (18), Apr 4 清明, 7 (19), 8 (20) → 04-08
    view = v(REASONS, RECEIVED)
    assert view.state == IN_PROGRESS and view.due("reply_due") == D("2025-04-08")
    with pytest.raises(Refused, match="2025-04-08"):
        acts.set_deadline(view, D("2025-03-13"), D("2025-04-08"))  # not later than the running deadline
    with pytest.raises(Refused, match="届满"):
        acts.set_deadline(view, D("2025-04-09"), D("2025-05-30"))  # the running one has passed
    draft = acts.set_deadline(view, D("2025-03-13"), D("2025-05-30"))
    assert draft.letter_kind == "extension"
    view = v(REASONS, RECEIVED, ("set_deadline", "2025-03-13", {"due": "2025-05-30", "letter": "延1"}))
    assert view.due("reply_due") == D("2025-05-30")
    with pytest.raises(Refused, match="第三十五条"):  # the set deadline already departs from Art. 33
        acts.extend(view, D("2025-03-14"), 10, "主任", True, "材料多")
    with pytest.raises(Refused, match="不能再次"):
        acts.set_deadline(view, D("2025-03-14"), D("2025-06-30"))


def test_reasons_received_with_a_set_deadline_issues_the_notice(v):
    draft = acts.reasons_received(v(REASONS), D("2025-03-12"), D("2025-05-30"))
    assert draft.data["set_due"] == "2025-05-30" and draft.letter_kind == "extension"
    assert acts.reasons_received(v(REASONS), D("2025-03-12"), None).letter_kind is None


def test_excessive_needs_a_request_for_reasons(v):
    with pytest.raises(Refused, match="第三十五条") as exc:
        acts.decide(v(), D("2025-03-10"), "excessive", {"reason": "一月内申请四十次"})
    assert "request-reasons" in str(exc.value)
    draft = acts.decide(v(REASONS, RECEIVED), D("2025-03-13"), "excessive", {"reason": "所述理由与申请内容无关"})
    assert draft.data["explanation"] == "unreasonable"


def test_no_explanation_within_the_period_allows_excessive(v):
    # request delivered in person 03-05: 15 working days: Mar 6, 7 (2), 10–14 (7), 17–21 (12), 24, 25, 26 (15) → 03-26
    view = v(REASONS)
    assert view.due("reasons_due") == D("2025-03-26")
    with pytest.raises(Refused, match="2025-03-26"):
        acts.decide(view, D("2025-03-26"), "excessive", {"reason": "未说明理由"})
    with pytest.raises(Refused, match="第三十五条"):
        acts.decide(view, D("2025-03-27"), "disclosed", {"provided": "全部"})
    draft = acts.decide(view, D("2025-03-27"), "excessive", {"reason": "申请人未在期限内说明理由"})
    assert draft.data["explanation"] == "not_given"
    after = v(REASONS, ("decide", "2025-03-27", draft.data))
    assert after.state == DECIDED


def test_no_explanation_period_without_a_known_delivery_decides_nothing(v):
    view = v(("request_reasons", "2025-03-05", {"period": 15, "delivery": "post", "letter": "说1"}))
    assert view.deadlines["reasons_due"].start_unknown and "reasons_due" in view.provisional
    with pytest.raises(Refused, match="送达"):
        acts.decide(view, D("2025-04-30"), "excessive", {"reason": "未说明"})


# -- periods from delivery, and reopening (docs/clocks.md, docs/procedure.md) ------------------------------------------------------------

def test_a_period_from_an_unrecorded_posted_notice_never_closes(v):
    view = v(("request_correction", "2025-03-05", {"items": "写明文号", "period": 15, "delivery": "post", "letter": "补1"}))
    assert view.state == AWAITING_CORRECTION and "correction_due" in view.provisional
    with pytest.raises(Refused, match="送达"):
        acts.close_lapsed(view, D("2025-06-30"), "no_correction")
    # delivered 03-10: Mar 11–14 (4), 17–21 (9), 24–28 (14), 31 (15) → 03-31
    view = v(("request_correction", "2025-03-05", {"items": "写明文号", "period": 15, "delivery": "post", "letter": "补1"}),
             ("deliver", "2025-03-10", {"letter": "补1", "method": "post"}))
    assert view.due("correction_due") == D("2025-03-31") and view.provisional == []
    with pytest.raises(Refused, match="2025-03-31"):
        acts.close_lapsed(view, D("2025-03-31"), "no_correction")
    assert acts.close_lapsed(view, D("2025-04-01"), "no_correction").kind == "lapse_correction"


def test_in_person_and_electronic_delivery_are_deemed_that_day(v):
    for method in ("in_person", "electronic"):
        view = v(("request_correction", "2025-03-05", {"items": "写明文号", "period": 15, "delivery": method, "letter": "补1"}))
        # 15 working days after 03-05: Mar 6, 7 (2), 10–14 (7), 17–21 (12), 24, 25, 26 (15)
        assert view.due("correction_due") == D("2025-03-26") and view.provisional == []


def test_a_delivery_is_ordered_against_its_letter_and_does_not_move_the_date_order(v):
    view = v(("request_correction", "2025-03-05", {"items": "写明文号", "period": 15, "delivery": "post", "letter": "补1"}),
             ("corrected", "2025-03-20", {}),
             ("deliver", "2025-03-06", {"letter": "补1", "method": "post"}))
    assert view.last_on == D("2025-03-20")
    assert view.letters["补1"].issued_on == D("2025-03-05") and view.letters["补1"].kind == "request_correction"
    assert view.letters["补1"].delivered_on == D("2025-03-06")
    with pytest.raises(Refused, match="2025-03-20"):
        acts.decide(view, D("2025-03-19"), "not_exist", {"search": "档案"})
    with pytest.raises(Refused, match="早于文书出具日期"):
        acts.deliver(view, D("2025-03-04"), "补1", "post")
    with pytest.raises(BadInput, match="送达方式"):
        acts.deliver(view, D("2025-03-06"), "补1", "pigeon")


NOTICE_IN_PERSON = ("request_correction", "2025-03-05", {"items": "写明文号", "period": 15, "delivery": "in_person",
                                                         "letter": "补1"})
LAPSED = ("lapse_correction", "2025-03-27", {"outcome": "no_correction", "letter": "终1", "letter_kind": "closure"})


def test_reopen_a_case_closed_for_no_correction(v):
    view = v(NOTICE_IN_PERSON, LAPSED)
    assert view.outcome == "no_correction"
    with pytest.raises(Refused, match="负责人"):
        acts.reopen(view, D("2025-04-07"), "告知书未送达申请人", "张三", False, "in_person")
    draft = acts.reopen(view, D("2025-04-07"), "告知书未送达申请人", "王主任", True, "in_person")
    assert draft.letter_kind == "reopen" and draft.data["closure_number"] == "终1"
    assert draft.data["period"] == 15  # the period the correction notice gave
    # the period runs again in full from the reopen notice (in person, 04-07): Apr 8–11 (4), 14–18 (9),
    # 21–25 (14), Sun Apr 27, a make-up working day (15) → 2025-04-27
    after = v(NOTICE_IN_PERSON, LAPSED, ("reopen", "2025-04-07", {**draft.data, "letter": "恢1"}))
    assert after.state == AWAITING_CORRECTION and after.outcome is None and after.concluded_on is None
    assert after.due("correction_due") == D("2025-04-27")
    assert after.letters["终1"].kind == "closure"  # the closure letter stays in the record


def test_reopen_a_case_closed_for_an_unpaid_fee(v):
    fee = ("fee_notice", "2025-03-05", {"method": "per_volume", "quantity": 250, "amount": 4700, "delivery": "in_person",
                                        "letter": "费1"})
    # payment: 20 working days after 03-05: Mar 6, 7 (2), 10–14 (7), 17–21 (12), 24–28 (17), 31, Apr 1, 2 (20)
    assert v(fee).due("payment_due") == D("2025-04-02")
    lapsed = ("lapse_fee", "2025-04-03", {"outcome": "fee_unpaid"})
    draft = acts.reopen(v(fee, lapsed), D("2025-04-07"), "申请人已于期限内汇款，银行延误", "王主任", True, "in_person")
    after = v(fee, lapsed, ("reopen", "2025-04-07", {**draft.data, "letter": "恢1"}))
    # 20 working days after 04-07: Apr 8–11 (4), 14–18 (9), 21–25 (14), Sun 27 (15), 28–30 (18), May 1–5 off, 6, 7 (20)
    assert after.state == AWAITING_FEE and after.due("payment_due") == D("2025-05-07")


def test_only_abandoned_cases_reopen(v):
    view = v(("decide", "2025-03-10", {"outcome": "not_exist", "search": "档案"}),
             ("reply", "2025-03-11", {"outcome": "not_exist", "letter": "复1"}))
    with pytest.raises(Refused, match="no_correction"):
        acts.reopen(view, D("2025-04-07"), "理由", "王主任", True)


def test_void_a_registration_entered_in_error(v):
    with pytest.raises(Refused, match="负责人"):
        acts.void(v(), D("2025-03-04"), "重复登记", "张三", False)
    draft = acts.void(v(), D("2025-03-04"), "重复登记", "王主任", True)
    view = v(("void", "2025-03-04", draft.data))
    assert view.state == VOID and view.deadlines == {} and not view.is_open
    decided = v(("decide", "2025-03-10", {"outcome": "not_exist", "search": "档案"}))
    with pytest.raises(Refused, match="决定"):
        acts.void(decided, D("2025-03-11"), "重复登记", "王主任", True)


# -- Art. 37: a ground for every withheld part -----------------------------------------------------------------------------

def test_partial_needs_each_withheld_part_with_its_ground(v):
    with pytest.raises(Refused, match="第三十七条"):
        acts.decide(v(), D("2025-03-10"), "partial", {"provided": "合同正文"})
    draft = acts.decide(v(), D("2025-03-10"), "partial", {"provided": "合同正文"},
                        withheld=["第3项:withheld.third_party_rights:涉及个人隐私: 身份证号",
                                  "会议纪要:withheld.process_info:讨论记录"])
    assert draft.data["withheld"] == [
        {"part": "第3项", "code": "withheld.third_party_rights", "reason": "涉及个人隐私: 身份证号"},  # split at the first two
        {"part": "会议纪要", "code": "withheld.process_info", "reason": "讨论记录"}]


@pytest.mark.parametrize("value", ["第3项", "第3项:withheld.third_party_rights", "第3项::理由", ":withheld.state_secret:理由",
                                   "第3项:secret:理由", "第3项：withheld.state_secret：理由"])
def test_malformed_withheld_parts_are_bad_input(v, value):
    with pytest.raises(BadInput, match="--withheld"):
        acts.decide(v(), D("2025-03-10"), "partial", {"provided": "合同正文"}, withheld=[value])


def test_withheld_parts_belong_to_partial_and_refusals(v):
    with pytest.raises(Refused, match="partial"):
        acts.decide(v(), D("2025-03-10"), "disclosed", {"provided": "全部"}, withheld=["第3项:withheld.state_secret:涉密"])
    with pytest.raises(Refused, match="重复"):
        acts.decide(v(), D("2025-03-10"), "withheld.state_secret", {"reason": "涉密"},
                    withheld=["附件:withheld.state_secret:涉密"])
    draft = acts.decide(v(), D("2025-03-10"), "withheld.state_secret", {"reason": "涉密"},
                        withheld=["附件2:withheld.process_info:过程稿"])
    assert draft.data["withheld"][0]["code"] == "withheld.process_info"


# -- consultations and the override ---------------------------------------------------------------------------------------

def test_the_consultation_letter_never_quotes_the_request_by_default(v):
    draft = acts.consult(v(), D("2025-03-05"), "某公司", "third_party")
    assert draft.data["about"] == acts.DEFAULT_ABOUT["third_party"]
    assert acts.consult(v(), D("2025-03-05"), "某公司", "third_party", "2024年道路维修合同的报价单").data["about"] == \
        "2024年道路维修合同的报价单"


def test_the_override_is_for_an_objection_only(v):
    with pytest.raises(Refused, match="第三十二条"):
        acts.decide(v(), D("2025-03-10"), "disclosed", {"provided": "全文"}, public_interest="涉及公共安全")
    with pytest.raises(Refused, match="第三十二条"):
        acts.decide(v(), D("2025-03-10"), "disclosed", {"provided": "全文"}, objection_unfounded="不成立")


def test_a_configured_wait_after_the_override_holds_the_reply(v, cal):
    consult = ("consult", "2025-03-05", {"party": "某公司", "kind": "third_party", "letter": "征1"})
    objected = ("opinion", "2025-03-10", {"party": "某公司", "kind": "third_party", "result": "object", "reason": "商业秘密"})
    policy = Policy(override_wait_days=5)
    view = v(consult, objected, policy=policy)
    draft = acts.decide(view, D("2025-03-17"), "disclosed", {"provided": "电子版"}, public_interest="涉及公共安全",
                        override_wait_days=5, override_delivery="post")
    decided = ("decide", "2025-03-17", {**draft.data, "letter": "决1", "letter_kind": "override"})
    view = v(consult, objected, decided, policy=policy)
    with pytest.raises(Refused, match="送达"):
        acts.reply(view, D("2025-04-30"))
    # received 03-20: 5 working days: Mar 21, 24, 25, 26, 27 → the wait ends 03-27; the reply comes after it
    view = v(consult, objected, decided, ("deliver", "2025-03-20", {"letter": "决1", "method": "post"}), policy=policy)
    with pytest.raises(Refused, match="2025-03-27"):
        acts.reply(view, D("2025-03-27"))
    assert acts.reply(view, D("2025-03-28")).kind == "reply"


def test_the_fee_refusal_reads_right(v):
    with pytest.raises(Refused) as exc:
        acts.fee_notice(v(), D("2025-03-05"), "per_item", 1, 3, "in_person")
    assert "按件计收未超出免费范围" in str(exc.value) and "按按" not in str(exc.value)
    # the 11th application of the month is item 11: 100 yuan (docs/procedure.md, "Fees")
    assert acts.fee_notice(v(), D("2025-03-05"), "per_item", 1, 10, "in_person").data["amount"] == 100


# -- the clerk's language (issue 10): codes or their Chinese labels ---------------------------------------------------

def test_code_options_take_their_chinese_labels():
    from request_flow.domain.codes import ApplicantType, Channel

    assert acts.parse_choice("自然人", ApplicantType, "申请人类型") == "natural_person"
    assert acts.parse_choice("当面", Channel, "申请渠道") == "in_person"  # a part of exactly one label
    assert acts.parse_choice("in_person", Channel, "申请渠道") == "in_person"  # the codes keep working
    assert acts.parse_choice("予以公开", acts.OUTCOME_LABELS, "处理结果") == "disclosed"  # exact beats a part
    with pytest.raises(BadInput, match="不明确") as exc:  # not_exist and not_responsible share these words
        acts.parse_choice("本机关不掌握相关政府信息", acts.OUTCOME_LABELS, "处理结果")
    assert "not_exist" in str(exc.value) and "not_responsible" in str(exc.value)
    with pytest.raises(BadInput, match="当面提交"):  # an unknown value lists the codes with their labels
        acts.parse_choice("飞鸽", Channel, "申请渠道")


def test_a_letter_number_is_found_whatever_brackets_are_typed(v):
    from request_flow.domain.letters import normalize_number

    for typed in ("示县政办公开补[2025]1号", "示县政办公开补(2025)1号", "示县政办公开补（2025）1号", " 示县政办公开补【2025】1号"):
        assert normalize_number(typed) == "示县政办公开补〔2025〕1号"
    view = v(("request_correction", "2025-03-05", {"items": "写明文号", "period": 15, "delivery": "post",
                                                   "letter": "示县政办公开补〔2025〕1号"}))
    assert acts.deliver(view, D("2025-03-06"), "示县政办公开补[2025]1号", "邮寄").data == {
        "letter": "示县政办公开补〔2025〕1号", "method": "post"}
