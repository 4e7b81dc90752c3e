"""The reply clock's four behaviours and the other statutory clocks (docs/clocks.md), through `replay`.

Every expected date was counted by hand on the official schedule (docs/clocks.md); "(n)" marks the n-th counted working day.
Most cases start from an application received in person on Mon 2025-03-03, whose plain deadlines are:
  correction notice: Mar 4 5 6 7 (4) 10 11 12 (7)                           → Wed 2025-03-12
  reply:             … 13 14 (9) 17–21 (14) 24–28 (19) Mon Mar 31 (20)       → Mon 2025-03-31
March–April 2025 has 清明 Fri Apr 4 (Apr 4–6 off) and the make-up Sunday Apr 27.
"""

from __future__ import annotations

from datetime import date

import pytest

from request_flow.domain.case import Event, replay
from request_flow.domain.clocks import Policy
from request_flow.domain.lifecycle import (
    AWAITING_CORRECTION,
    AWAITING_FEE,
    AWAITING_REASONS,
    CLOSED,
    CONCLUDED,
    CONSULTING,
    IN_PROGRESS,
    REGISTERED,
)


def D(s: str) -> date:
    return date.fromisoformat(s)


def run(cal, policy, received: str | None, *steps, channel: str = "in_person", registered: str | None = None):
    """Replay a registration followed by (kind, on, data) steps."""
    reg = {"channel": channel, "applicant_type": "natural_person"}
    if received:
        reg["received_on"] = received
    events = [Event(1, "register", D(registered or received), reg)]
    for i, (kind, on, data) in enumerate(steps, 2):
        events.append(Event(i, kind, D(on), data))
    return replay(events, cal, policy)


MAR3 = "2025-03-03"
NOTICE = ("request_correction", "2025-03-05", {"items": "请写明文件名称", "period": 15, "letter": "补1"})


def test_plain_deadlines(cal, policy):
    view = run(cal, policy, MAR3)
    assert view.state == IN_PROGRESS
    assert view.due("correction_notice_due") == D("2025-03-12")
    assert view.due("reply_due") == D("2025-03-31")


def test_worked_example_explains_skipped_holidays_and_makeup_days(cal, policy):
    view = run(cal, policy, "2025-01-24")
    rd = view.deadlines["reply_due"]
    assert rd.due == D("2025-02-27")
    assert [r.day for r in rd.makeup] == [D("2025-01-26"), D("2025-02-08")]
    assert D("2025-01-28") in [r.day for r in rd.skipped]
    text = "\n".join(rd.lines())
    assert "2025-01-26" in text and "2025-02-08" in text and "2025-02-27" in text


# -- restart (Art. 30) ---------------------------------------------------------------------------------------------

def test_no_reply_deadline_while_awaiting_correction(cal, policy):
    view = run(cal, policy, MAR3, NOTICE)
    assert view.state == AWAITING_CORRECTION
    assert "reply_due" not in view.deadlines
    assert "correction_notice_due" not in view.deadlines  # the notice was issued
    # 15 working days from the notice deemed received on the day of issue, Wed Mar 5:
    #   Mar 6 7 (2) 10–14 (7) 17–21 (12) 24 25 26 (15) → Wed 2025-03-26
    assert view.due("correction_due") == D("2025-03-26")


def test_correction_period_runs_from_deemed_receipt(cal):
    # deemed delivery 3 calendar days: issued Wed Mar 5 → deemed received Sat Mar 8;
    #   Mar 10–14 (5) 17–21 (10) 24–28 (15) → Fri 2025-03-28
    view = run(cal, Policy(deemed_delivery_days=3), MAR3, NOTICE)
    assert view.due("correction_due") == D("2025-03-28")


def test_recorded_delivery_recomputes_the_correction_period(cal, policy):
    # the applicant actually received it Mon Mar 10: Mar 11–14 (4) 17–21 (9) 24–28 (14) Mon Mar 31 (15)
    view = run(cal, policy, MAR3, NOTICE, ("deliver", "2025-03-10", {"letter": "补1"}))
    assert view.state == AWAITING_CORRECTION
    assert view.due("correction_due") == D("2025-03-31")
    view = run(cal, Policy(deemed_delivery_days=3), MAR3, NOTICE, ("deliver", "2025-03-10", {"letter": "补1"}))
    assert view.due("correction_due") == D("2025-03-31")


def test_restart_after_correction(cal, policy):
    # corrected application arrives Mon Mar 17 (C): a fresh 20 working days after C, not a resumption:
    #   Mar 18–21 (4) 24–28 (9) Mar 31–Apr 3 (13) | 清明 Fri Apr 4 off | Apr 7–11 (18) 14 15 (20) → Tue 2025-04-15
    view = run(cal, policy, MAR3, NOTICE, ("corrected", "2025-03-17", {}))
    assert view.state == IN_PROGRESS
    assert view.corrected_on == D("2025-03-17")
    assert view.due("reply_due") == D("2025-04-15")
    assert view.deadlines["reply_due"].start == D("2025-03-17")
    assert "correction_due" not in view.deadlines
    assert "correction_notice_due" not in view.deadlines
    assert view.late == []


def test_late_correction_is_accepted_and_recorded_as_late(cal, policy):
    # correction period ended Wed Mar 26; corrected Thu Mar 27 →
    #   Mar 28 (1) 31 (2) Apr 1 2 3 (5) | Apr 4 off | 7–11 (10) 14–18 (15) 21–25 (20) → Fri 2025-04-25
    view = run(cal, policy, MAR3, NOTICE, ("corrected", "2025-03-27", {}))
    assert view.state == IN_PROGRESS
    assert view.due("reply_due") == D("2025-04-25")
    assert any("2025-03-27" in line and "2025-03-26" in line for line in view.late)


def test_correction_notice_recorded_late(cal, policy):
    # the 7th working day was Wed Mar 12; a notice on Thu Mar 13 is allowed but recorded as late
    late = run(cal, policy, MAR3, ("request_correction", "2025-03-13", {"items": "x", "period": 15, "letter": "补1"}))
    assert late.state == AWAITING_CORRECTION
    assert late.correction_notice_due == D("2025-03-12")
    assert any("2025-03-13" in line and "2025-03-12" in line for line in late.late)
    on_time = run(cal, policy, MAR3, ("request_correction", "2025-03-12", {"items": "x", "period": 15, "letter": "补1"}))
    assert on_time.late == []


# -- pause (Art. 33 para. 3) ------------------------------------------------------------------------------------

CONSULT_A = ("consult", "2025-03-10", {"party": "某公司", "kind": "third_party", "letter": "征1"})


def test_pause_by_consultation(cal, policy):
    # letter sent Mon Mar 10 (A), opinion Fri Mar 14 (B): working days Mar 11–14 are not counted.
    #   Mar 4–7 (4) Mar 10 (5) | 11–14 paused | 17–21 (10) 24–28 (15) Mar 31 (16) Apr 1 2 3 (19) | Apr 4 off |
    #   Mon Apr 7 (20)
    view = run(cal, policy, MAR3, CONSULT_A,
               ("opinion", "2025-03-14", {"party": "某公司", "result": "agree"}))
    assert view.state == IN_PROGRESS
    assert view.due("reply_due") == D("2025-04-07")
    (p,) = view.deadlines["reply_due"].pauses
    assert (p.start, p.end) == (D("2025-03-10"), D("2025-03-14"))


def test_open_consultation_pauses_to_the_end_of_its_window(cal, policy):
    # no answer yet: the window is 15 working days from receipt of the letter (deemed Mar 10):
    #   Mar 11–14 (4) 17–21 (9) 24–28 (14) Mon Mar 31 (15) → opinion due Mon 2025-03-31
    # reply: Mar 4–7 (4) Mar 10 (5) | Mar 11–31 paused | Apr 1 2 3 (8) | Apr 4 off | 7–11 (13) 14–18 (18)
    #   21 22 (20) → Tue 2025-04-22
    view = run(cal, policy, MAR3, CONSULT_A)
    assert view.state == CONSULTING
    assert view.due("opinion_due") == D("2025-03-31")
    assert view.due("reply_due") == D("2025-04-22")
    assert view.deadlines["reply_due"].pauses[0].ends_by_window


def test_open_consultation_window_runs_from_actual_receipt_of_the_letter(cal, policy):
    # the third party received the letter Wed Mar 12: Mar 13 14 (2) 17–21 (7) 24–28 (12) 31 Apr 1 2 (15)
    #   → opinion due Wed Apr 2; the pause still starts on the day the letter was sent (Mar 10):
    # reply: Mar 4–7 (4) Mar 10 (5) | paused to Apr 2 | Apr 3 (6) | Apr 4 off | 7–11 (11) 14–18 (16)
    #   21 22 23 24 (20) → Thu 2025-04-24
    view = run(cal, policy, MAR3, CONSULT_A, ("deliver", "2025-03-12", {"letter": "征1"}))
    assert view.due("opinion_due") == D("2025-04-02")
    assert view.due("reply_due") == D("2025-04-24")


def test_co_producer_silence(cal, policy):
    # Art. 34: the co-producing body does not answer by Mon Mar 31; silence recorded Tue Apr 1.
    # The pause ends at the window end (Mar 31), not on the day silence was recorded → reply Tue Apr 22
    view = run(cal, policy, MAR3,
               ("consult", "2025-03-10", {"party": "市财政局", "kind": "co_producer", "letter": "征1"}),
               ("opinion", "2025-04-01", {"party": "市财政局", "kind": "co_producer", "result": "none"}))
    assert view.state == IN_PROGRESS
    assert view.due("reply_due") == D("2025-04-22")
    assert not view.third_party_objected


def test_overlapping_consultations_are_one_pause(cal, policy):
    # A sent Mar 10, B sent Wed Mar 12; A answers Fri Mar 14, B answers Wed Mar 19.
    # Excluded: (Mar 10, Mar 14] ∪ (Mar 12, Mar 19] = Mar 11–14, 17–19: 7 working days.
    # Mar 31 + 7: Apr 1 2 3 (3) | Apr 4 off | 7 8 9 10 (7) → Thu 2025-04-10
    view = run(cal, policy, MAR3, CONSULT_A,
               ("consult", "2025-03-12", {"party": "另一公司", "kind": "third_party", "letter": "征2"}),
               ("opinion", "2025-03-14", {"party": "某公司", "result": "agree"}),
               ("opinion", "2025-03-19", {"party": "另一公司", "result": "agree"}))
    assert view.state == IN_PROGRESS
    assert view.due("reply_due") == D("2025-04-10")


def test_still_consulting_after_one_of_two_answers(cal, policy):
    view = run(cal, policy, MAR3, CONSULT_A,
               ("consult", "2025-03-12", {"party": "另一公司", "kind": "third_party", "letter": "征2"}),
               ("opinion", "2025-03-14", {"party": "某公司", "result": "agree"}))
    assert view.state == CONSULTING
    # B's window: 15 working days after Wed Mar 12 → Wed Apr 2 (see above)
    assert view.due("opinion_due") == D("2025-04-02")


# -- pause while waiting for a fee (practice) -------------------------------------------------------------------

FEE = ("fee_notice", "2025-03-10", {"method": "per_volume", "quantity": 250, "amount": 4700, "letter": "费1"})


def test_fee_notice_pauses_until_payment_due(cal, policy):
    # payment: 20th working day after Mon Mar 10: Mar 11–14 (4) 17–21 (9) 24–28 (14) 31 (15) Apr 1 2 3 (18)
    #   | Apr 4 off | Apr 7 8 (20) → Tue 2025-04-08
    # reply: Mar 4–7 (4) 10 (5) | paused to Apr 8 | Apr 9 10 11 (8) 14–18 (13) 21–25 (18) Sun Apr 27 (19)
    #   Mon Apr 28 (20)
    view = run(cal, policy, MAR3, FEE)
    assert view.state == AWAITING_FEE
    assert view.due("payment_due") == D("2025-04-08")
    assert view.due("reply_due") == D("2025-04-28")


def test_fee_paid_ends_the_pause(cal, policy):
    # paid Fri Mar 14: Mar 11–14 excluded, as for the consultation above → Mon Apr 7
    view = run(cal, policy, MAR3, FEE, ("fee_paid", "2025-03-14", {}))
    assert view.state == IN_PROGRESS
    assert view.due("reply_due") == D("2025-04-07")


def test_fee_pause_is_configurable(cal):
    view = run(cal, Policy(fee_pauses_reply=False), MAR3, FEE)
    assert view.due("reply_due") == D("2025-03-31")


# -- extend (Art. 33 para. 2) ---------------------------------------------------------------------------------------

EXTEND = ("extend", "2025-03-20", {"days": 10, "approver": "主任"})


def test_extension_lands_n_working_days_after_the_original_deadline(cal, policy):
    # Mar 31 + 10: Apr 1 2 3 (3) | Apr 4 off | 7–11 (8) 14 15 (10) → Tue 2025-04-15
    view = run(cal, policy, MAR3, EXTEND)
    assert view.due("reply_due") == D("2025-04-15")
    assert view.extension_total == 10


def test_full_extension_counts_a_makeup_sunday(cal, policy):
    # Mar 31 + 20: Apr 1 2 3 (3) 7–11 (8) 14–18 (13) 21–25 (18) Sun Apr 27 make-up (19) Mon Apr 28 (20)
    one = run(cal, policy, MAR3, ("extend", "2025-03-20", {"days": 20, "approver": "主任"}))
    two = run(cal, policy, MAR3, EXTEND, ("extend", "2025-03-25", {"days": 10, "approver": "主任"}))
    assert one.due("reply_due") == two.due("reply_due") == D("2025-04-28")
    assert two.extension_total == 20


@pytest.mark.parametrize(("received", "due"), [("2025-01-24", "2025-03-27"), ("2026-02-13", "2026-04-17")])
def test_worked_examples_with_a_full_extension(cal, policy, received, due):
    view = run(cal, policy, received, ("extend", received, {"days": 20, "approver": "主任"}))
    assert view.due("reply_due") == D(due)


def test_extension_after_a_pause(cal, policy):
    # paused deadline Mon Apr 7 (see test_pause_by_consultation) + 10: Apr 8–11 (4) 14–18 (9) 21 (10)
    view = run(cal, policy, MAR3, CONSULT_A,
               ("opinion", "2025-03-14", {"party": "某公司", "result": "agree"}),
               ("extend", "2025-03-20", {"days": 10, "approver": "主任"}))
    assert view.due("reply_due") == D("2025-04-21")


def test_extension_during_an_open_consultation(cal, policy):
    # paused to the window end → Tue Apr 22 (see above); + 10: Apr 23 24 25 (3) Sun Apr 27 make-up (4)
    #   28 29 30 (7) | 劳动节 May 1–5 off | May 6 7 8 (10) → Thu 2025-05-08
    view = run(cal, policy, MAR3, CONSULT_A, ("extend", "2025-03-12", {"days": 10, "approver": "主任"}))
    assert view.state == CONSULTING
    assert view.due("reply_due") == D("2025-05-08")


# -- set (Art. 35) ------------------------------------------------------------------------------------------------

def test_art35_set_deadline(cal, policy):
    view = run(cal, policy, MAR3, ("set_deadline", "2025-03-20", {"due": "2025-05-30"}))
    rd = view.deadlines["reply_due"]
    assert rd.due == D("2025-05-30")
    assert rd.set_by
    assert any("第三十五条" in line for line in rd.lines())


def test_waiting_for_reasons_pauses_the_reply_clock(cal, policy):
    req = ("request_reasons", "2025-03-10", {"period": 15, "letter": "说1"})
    waiting = run(cal, policy, MAR3, req)
    assert waiting.state == AWAITING_REASONS
    # 15 working days after Mon Mar 10 → Mon Mar 31; the reply clock is paused to then → Tue Apr 22
    assert waiting.due("reasons_due") == D("2025-03-31")
    assert waiting.due("reply_due") == D("2025-04-22")
    # explanation received Fri Mar 14: Mar 11–14 excluded → Mon Apr 7
    answered = run(cal, policy, MAR3, req, ("reasons_received", "2025-03-14", {}))
    assert answered.state == IN_PROGRESS
    assert answered.due("reply_due") == D("2025-04-07")
    # with a reasonable later deadline fixed on receipt of the explanation
    fixed = run(cal, policy, MAR3, req, ("reasons_received", "2025-03-14", {"set_due": "2025-06-30"}))
    assert fixed.due("reply_due") == D("2025-06-30")
    assert fixed.deadlines["reply_due"].set_by


# -- confirmation, conclusion --------------------------------------------------------------------------------------

def test_no_clock_before_confirmation(cal, policy):
    view = run(cal, policy, None, channel="online", registered=MAR3)
    assert view.state == REGISTERED
    assert view.deadlines == {}
    assert view.received_on is None
    # confirmed Wed Mar 5: notice Mar 6 7 (2) 10–14 (7) → Fri Mar 14;
    #   reply … 17–21 (12) 24–28 (17) 31 Apr 1 2 (20) → Wed Apr 2
    view = run(cal, policy, None, ("confirm_receipt", "2025-03-05", {}), channel="online", registered=MAR3)
    assert view.state == IN_PROGRESS
    assert view.received_on == D("2025-03-05")
    assert view.due("correction_notice_due") == D("2025-03-14")
    assert view.due("reply_due") == D("2025-04-02")


def test_reply_on_time_late_and_delivery(cal, policy):
    decide = ("decide", "2025-03-28", {"outcome": "not_exist", "search": "检索了档案"})
    on_time = run(cal, policy, MAR3, decide, ("reply", "2025-03-31", {"letter": "复1"}))
    assert on_time.state == CONCLUDED and on_time.replied_on_time is True
    assert on_time.concluded_on == D("2025-03-31") and on_time.outcome == "not_exist"
    late = run(cal, policy, MAR3, decide, ("reply", "2025-04-01", {"letter": "复1"}))
    assert late.replied_on_time is False
    closed = run(cal, policy, MAR3, decide, ("reply", "2025-03-31", {"letter": "复1"}),
                 ("deliver", "2025-04-02", {"letter": "复1"}))
    assert closed.state == CLOSED
    assert closed.deadlines == {}


def test_on_the_spot_reply(cal, policy):
    view = run(cal, policy, MAR3, ("decide", MAR3, {"outcome": "already_public", "where": "门户网站"}),
               ("reply", MAR3, {"letter": "复1"}))
    assert view.state == CONCLUDED and view.concluded_on == D(MAR3) and view.replied_on_time


# -- provisional deadlines (docs/clocks.md) --------------------------------------------------------------------

def test_deadline_reaching_2027_is_provisional_not_refused(cal, policy):
    # Tue 2026-12-15: notice Dec 16 17 18 (3) 21 22 23 24 (7) → Thu 2026-12-24, fully known;
    # reply Dec 25 (8) 28–31 (12) | 2027 assumed Mon–Fri: Fri Jan 1 (13) 4–8 (18) 11 12 (20) → Tue 2027-01-12
    view = run(cal, policy, "2026-12-15")
    assert view.due("correction_notice_due") == D("2026-12-24")
    assert view.due("reply_due") == D("2027-01-12")
    assert view.provisional == ["reply_due"]
    rd = view.deadlines["reply_due"]
    assert rd.provisional and rd.provisional_years == (2027,)
    assert rd.to_json()["provisional"] is True
    assert any("暂定" in line and "2027" in line for line in rd.lines())
    assert not view.deadlines["correction_notice_due"].provisional


def test_correction_period_reaching_2027_is_provisional(cal, policy):
    # notice Thu 2026-12-17, 15 working days: Dec 18 (1) 21–25 (6) 28–31 (10) | assumed Fri Jan 1 (11)
    #   Jan 4 5 6 7 (15) → Thu 2027-01-07
    view = run(cal, policy, "2026-12-15",
               ("request_correction", "2026-12-17", {"items": "x", "period": 15, "letter": "补1"}))
    assert view.due("correction_due") == D("2027-01-07")
    assert view.provisional == ["correction_due"]


def test_a_date_fixed_under_art35_is_not_provisional(cal, policy):
    # the office fixed Fri 2027-01-29 itself: nothing about it is computed from 2027's unknown schedule, and it
    # will not be "recomputed when the schedule arrives", so it must not be shown as provisional (docs/clocks.md)
    view = run(cal, policy, "2026-11-02", ("set_deadline", "2026-11-20", {"due": "2027-01-29"}))
    assert view.due("reply_due") == D("2027-01-29")
    assert view.provisional == []
    assert not any("暂定" in line for line in view.deadlines["reply_due"].lines())
