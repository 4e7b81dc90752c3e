"""No sequence of acts lets an overdue case turn back into one on time (issue 9).

Hypothesis draws sequences of staff acts on random later days; each act goes through its rule in `acts` (refused
ones are dropped, as the command line would refuse them) and is appended as the services append it. Whenever an
act is recorded after the reply deadline that was running just before it, that deadline must be in the case's
`missed` at the end, and a reply, if there is one, must not count as on time.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from request_flow.domain import acts
from request_flow.domain.case import REPLY_CLOCK_STATES, Event, replay
from request_flow.domain.clocks import Policy
from request_flow.domain.errors import BadInput, Refused

POLICY = Policy()
RECEIVED = date(2025, 3, 3)


def _try(view, on, kind, n):
    party = "某公司"
    if kind == "request_correction":
        return acts.request_correction(view, on, "写明文号", 10, "in_person")
    if kind == "corrected":
        return acts.corrected(view, on)
    if kind == "consult":
        return acts.consult(view, on, party, "third_party")
    if kind == "opinion":
        return acts.opinion(view, on, ("agree", "object", "none")[n % 3], "理由", None)
    if kind == "fee_notice":
        return acts.fee_notice(view, on, "per_volume", 250, 0, "in_person")
    if kind == "fee_paid":
        return acts.fee_paid(view, on)
    if kind == "request_reasons":
        return acts.request_reasons(view, on, 10, "in_person")
    if kind == "reasons_received":
        return acts.reasons_received(view, on, on + timedelta(days=40 + n) if n % 2 else None)
    if kind == "set_deadline":
        return acts.set_deadline(view, on, on + timedelta(days=30 + n))
    if kind == "extend":
        return acts.extend(view, on, 1 + n % 20, "主任", True, "材料多")
    if kind == "decide":
        return acts.decide(view, on, "not_exist", {"search": "档案"})
    if kind == "reply":
        return acts.reply(view, on)
    raise AssertionError(kind)


KINDS = ["request_correction", "corrected", "consult", "opinion", "fee_notice", "fee_paid", "request_reasons",
         "reasons_received", "set_deadline", "extend", "decide", "reply"]


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 12), st.integers(0, 30)), min_size=1, max_size=14))
def test_an_overdue_case_stays_overdue(cal, steps):
    events = [Event(1, "register", RECEIVED, {"channel": "in_person", "applicant_type": "natural_person",
                                              "received_on": RECEIVED.isoformat(), "counting": "strict"})]
    view = replay(events, cal, POLICY)
    on = RECEIVED
    passed: list[date] = []  # reply deadlines an act was recorded after
    for kind, gap, n in steps:
        on = on + timedelta(days=gap)
        try:
            draft = _try(view, on, kind, n)
        except (Refused, BadInput):
            continue
        running = view.due("reply_due") if view.state in REPLY_CLOCK_STATES else None
        if running is not None and on > running:
            passed.append(running)
        data = dict(draft.data)
        if draft.letter_kind:
            data["letter"], data["letter_kind"] = f"{draft.letter_kind}{len(events)}", draft.letter_kind
        events.append(Event(len(events) + 1, draft.kind, on, data, "测试员", draft.reason))
        view = replay(events, cal, POLICY)
    for due in passed:
        assert due in view.missed, (due, view.missed, [(e.kind, e.on) for e in events])
    if passed and view.reply_letter:
        assert view.replied_on_time is False
