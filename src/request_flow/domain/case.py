"""A case is its events: replaying them through the lifecycle and the calendar gives its state and deadlines.

`replay` is the only place where events turn into state; the acts in `acts.py` check a proposed event
against the replayed case before it is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from . import clocks
from .clocks import SHIFTED, Deadline, Pause, Policy
from .lifecycle import (
    AWAITING_CORRECTION,
    AWAITING_FEE,
    AWAITING_REASONS,
    CONCLUDED,
    CONSULTING,
    DECIDED,
    EVENT_KINDS,
    IN_PROGRESS,
    OPEN_STATES,
    REGISTERED,
    CaseAdapter,
    fire,
)
from .workdays import WorkCalendar

# Event kinds that are not lifecycle triggers.
REGISTER, DELIVER, APPEAL, APPEAL_RESULT = "register", "deliver", "appeal", "appeal_result"
# The conclusion of a case brought in by `import cases` (docs/contract.md, "Importing history"): the outcome and
# the date as the body recorded them before it used this engine; no letter, no clock.
IMPORTED_CONCLUSION = "imported_conclusion"
# The sweep's record that the reply deadline passed with no reply (docs/decisions.md, "No cure").
DEADLINE_MISSED = "deadline_missed"
# Corrections of the registration data (`case amend`): no period restarts.
AMEND = "amend"
# Records that are ordered against their own facts (a letter's issue day, the receipt), not against the case's
# other acts, and that never move the case's last-act date (docs/procedure.md, "The date order").
OUT_OF_ORDER = frozenset({DELIVER, APPEAL, APPEAL_RESULT, DEADLINE_MISSED})
# States in which the reply clock runs.
REPLY_CLOCK_STATES = (IN_PROGRESS, CONSULTING, AWAITING_FEE, AWAITING_REASONS, DECIDED)


@dataclass(frozen=True)
class Event:
    seq: int
    kind: str
    on: date
    data: dict[str, Any] = field(default_factory=dict)
    actor: str = ""
    reason: str = ""


@dataclass
class Consultation:
    party: str
    kind: str
    sent_on: date
    letter: str
    due: date
    answered_on: date | None = None
    result: str | None = None
    reason: str = ""
    about: str = ""

    @property
    def open(self) -> bool:
        return self.answered_on is None


@dataclass
class Appeal:
    no: int
    kind: str
    filed_on: date
    result: str | None = None
    decided_on: date | None = None


@dataclass
class LetterRef:
    number: str
    kind: str
    issued_on: date
    delivered_on: date | None = None
    superseded_by: str | None = None


@dataclass
class CaseView:
    """The case as its events make it, on the calendar in force."""

    state: str
    received_on: date | None = None
    received_on_workday: bool | None = None
    counting: str = SHIFTED  # how a receipt on a non-working day is counted (recorded at registration)
    clock_start: date | None = None
    outcome: str | None = None
    concluded_on: date | None = None
    decision: dict[str, Any] = field(default_factory=dict)
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    correction_notice_due: date | None = None  # kept after the notice, to judge whether it was late
    correction_notice_on: date | None = None
    corrected_on: date | None = None
    correction_period: int | None = None  # the working days the correction notice gave (a reopen gives them again)
    consultations: list[Consultation] = field(default_factory=list)
    extension_total: int = 0
    reasons_requested_on: date | None = None  # Art. 35: the request for reasons
    reasons_received_on: date | None = None  # Art. 35: the applicant's explanation
    set_due: date | None = None  # Art. 35: the deadline the office set itself
    appeals: list[Appeal] = field(default_factory=list)
    letters: dict[str, LetterRef] = field(default_factory=dict)
    reply_letter: str | None = None
    override_letter: str | None = None  # Art. 32: the notice to the objecting third party
    override_wait: tuple[date, bool] | None = None  # the wait's last day, and whether the notice's receipt is known
    replied_on_time: bool | None = None
    late: list[str] = field(default_factory=list)  # acts recorded as late and deadlines missed, in words
    missed: list[date] = field(default_factory=list)  # reply deadlines that passed unanswered
    void: dict[str, Any] | None = None  # {"on", "reason", "approver"} for a registration voided as an error
    last_on: date | None = None  # the last act in the date order (deliveries and appeals excluded)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def provisional(self) -> list[str]:
        return [name for name, d in self.deadlines.items() if d.provisional]

    def due(self, name: str) -> date | None:
        d = self.deadlines.get(name)
        return d.due if d else None

    @property
    def third_party_objected(self) -> bool:
        return any(c.kind == "third_party" and c.result == "object" for c in self.consultations)

    def open_consultations(self) -> list[Consultation]:
        return [c for c in self.consultations if c.open]


def _d(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def replay(events: list[Event], cal: WorkCalendar, policy: Policy) -> CaseView:
    """Derive state and deadlines from the events. The first event is the registration."""
    return _Replay(events, cal, policy).run()


class _Replay:
    """One pass over a case's events: each kind has its handler (`HANDLERS`, one per `EVENT_KINDS`), which
    updates the view and the clock's inputs and returns the lifecycle trigger to fire, if any. Adding an act is
    a row in the lifecycle, a rule in `acts.py`, a handler here and a service function (docs/procedure.md)."""

    def __init__(self, events: list[Event], cal: WorkCalendar, policy: Policy):
        assert events and events[0].kind == REGISTER, "a case starts with its registration"
        self.events, self.policy = events, policy
        self.cal = cal.with_assumption(policy.allow_provisional)
        self.delivered = {ev.data["letter"]: ev.on for ev in events if ev.kind == DELIVER}
        self.view = CaseView(state=REGISTERED)
        self.adapter = CaseAdapter(REGISTERED)
        self.clock = clocks.ClockInputs()
        self.correction_due: Deadline | None = None
        self.fee: tuple[date, Deadline] | None = None  # the fee notice's day, and the payment period
        self.reasons: tuple[date, Deadline] | None = None  # the request's day, and the explanation period
        self.receipt_label = ""

    # -- the pass ----------------------------------------------------------------------------------------------

    def run(self) -> CaseView:
        view, adapter = self.view, self.adapter
        for ev in self.events:
            if ev.kind not in OUT_OF_ORDER:
                view.last_on = ev.on if view.last_on is None else max(view.last_on, ev.on)
                if ev.kind != REGISTER:
                    self.note_missed(ev.on)
            letter = ev.data.get("letter") if ev.kind != DELIVER else None  # a delivery names the letter it concerns
            if letter:
                view.letters[letter] = LetterRef(letter, ev.data.get("letter_kind", ev.kind), ev.on, self.delivered.get(letter))
            for extra in ev.data.get("also_letters", ()):  # a second letter of the same act (a notice to the applicant)
                number = extra["number"]
                view.letters[number] = LetterRef(number, extra["kind"], ev.on, self.delivered.get(number))
            trigger = HANDLERS[ev.kind](self, ev, letter)
            if trigger:
                if trigger == "consult":
                    adapter.open_consultations = len(view.open_consultations())
                fire(adapter, trigger)
                if trigger == "reopen":
                    adapter.outcome = None
        view.state = adapter.state
        # A deadline the sweep saw pass is void only where the reply was in fact given by then (recorded later).
        view.missed = sorted(d for d in view.missed if not (view.concluded_on and view.reply_letter and view.concluded_on <= d))
        for d in view.missed:
            view.late.append(f"答复期限{d.isoformat()}届满时未答复")
        self.running_deadlines()
        return view

    def running_deadlines(self) -> None:
        """The deadlines that are running in the case's state (docs/contract.md, "A case in JSON")."""
        view, cal, s = self.view, self.cal, self.view.state
        if s in REPLY_CLOCK_STATES:
            rd = self.reply_deadline()
            if rd is not None:
                view.deadlines["reply_due"] = rd
            if view.correction_notice_on is None and view.correction_notice_due and s != DECIDED and view.clock_start:
                view.deadlines["correction_notice_due"] = clocks.count(
                    cal, "correction_notice_due", view.clock_start, self.receipt_label, clocks.CORRECTION_NOTICE_DAYS)
        if s == AWAITING_CORRECTION and self.correction_due is not None:
            view.deadlines["correction_due"] = self.correction_due
        if s == CONSULTING and view.open_consultations():
            c = min(view.open_consultations(), key=lambda c: c.due)
            view.deadlines["opinion_due"] = _opinion_deadline(cal, c, self.receipt_of)
        if s == AWAITING_FEE and self.fee is not None:
            view.deadlines["payment_due"] = self.fee[1]
        if s == AWAITING_REASONS and self.reasons is not None:
            view.deadlines["reasons_due"] = self.reasons[1]

    # -- clocks --------------------------------------------------------------------------------------------------

    def receipt_of(self, letter: str | None, issued_on: date, method: str | None) -> tuple[date, bool]:
        """The day a notice reached its addressee, and whether it is known: recorded, or deemed by the rule of
        its delivery method (docs/clocks.md). Unknown: the issue day, and nothing may be closed on it."""
        if letter and letter in self.delivered:
            return self.delivered[letter], True
        days = self.policy.deemed_days(method)
        if days is None:
            return issued_on, False
        return issued_on + timedelta(days=days), True

    def period_from_receipt(self, name: str, letter: str | None, issued_on: date, method: str | None, who: str,
                            days: int) -> Deadline:
        served, known = self.receipt_of(letter, issued_on, method)
        label = f"{who}收到{'' if known else '（未记录送达，暂按出具之日）'}之日{served.isoformat()}"
        return clocks.count(self.cal, name, served, label, days, start_unknown=not known)

    def start_reply_clock(self, day: date, what: str) -> None:
        cal, clock, view = self.cal, self.clock, self.view
        shift = view.counting == SHIFTED and not cal.is_workday(day)
        start = cal.next_workday(day) if shift else day
        label = f"{what}{day.isoformat()}"
        if shift:
            label += f"（非工作日，按本案登记时的计算规则自下一个工作日{start.isoformat()}起算）"
        elif not cal.is_workday(day):
            label += "（非工作日，按实际收到之日计算，自次日起算）"
        clock.start, clock.start_label = start, label
        clock.pauses, clock.extension, clock.set_due, clock.set_by = [], 0, None, ""
        view.extension_total, view.set_due = 0, None  # a restart opens a new reply period (Art. 30, 33)

    def receive(self, day: date) -> None:
        view = self.view
        view.received_on = day
        view.received_on_workday = self.cal.is_workday(day)
        self.start_reply_clock(day, "收到申请之日")
        view.clock_start = self.clock.start
        self.receipt_label = self.clock.start_label
        assert self.clock.start is not None
        view.correction_notice_due = self.cal.add_workdays(self.clock.start, clocks.CORRECTION_NOTICE_DAYS)

    def reply_deadline(self) -> Deadline | None:
        clock, cal = self.clock, self.cal
        if clock.start is None:
            return None
        pauses = list(clock.pauses)
        for c in self.view.open_consultations():
            pauses.append(Pause(c.sent_on, c.due, f"征求{c.party}意见", ends_by_window=True))
        if self.fee is not None and self.policy.fee_pauses_reply:
            pauses.append(Pause(self.fee[0], self.fee[1].due, "等待缴费", ends_by_window=True))
        if self.reasons is not None:
            pauses.append(Pause(self.reasons[0], self.reasons[1].due, "等待申请人说明理由（第三十五条）", ends_by_window=True))
        if clock.set_due is not None:
            return clocks.fixed(cal, "reply_due", clock.start, clock.start_label, clock.set_due, clock.set_by)
        return clocks.count(cal, "reply_due", clock.start, clock.start_label, clocks.REPLY_DAYS, pauses, clock.extension)

    def note_missed(self, on: date) -> None:
        """A reply deadline that passed before `on` with no reply stays in the record (no cure, docs/decisions.md)."""
        if self.adapter.state not in REPLY_CLOCK_STATES:
            return
        rd = self.reply_deadline()
        if rd is not None and on > rd.due and rd.due not in self.view.missed:
            self.view.missed.append(rd.due)

    # -- one handler per event kind (lifecycle.EVENT_KINDS); each returns the trigger to fire ----------------------

    def register(self, ev: Event, letter: str | None) -> str | None:
        self.view.counting = ev.data.get("counting", SHIFTED)  # cases registered before the rule was recorded
        received = _d(ev.data.get("received_on"))
        if received is not None:
            self.receive(received)
            self.adapter.state = IN_PROGRESS
        return None

    def confirm_receipt(self, ev: Event, letter: str | None) -> str | None:
        self.receive(ev.on)
        return ev.kind

    def request_correction(self, ev: Event, letter: str | None) -> str | None:
        view = self.view
        view.correction_notice_on = ev.on
        view.correction_period = int(ev.data["period"])
        if view.correction_notice_due and ev.on > view.correction_notice_due:
            view.late.append(f"补正告知于{ev.on.isoformat()}发出，晚于{view.correction_notice_due.isoformat()}的期限")
        self.correction_due = self.period_from_receipt("correction_due", letter, ev.on, ev.data.get("delivery"),
                                                       "申请人收到补正告知书", int(ev.data["period"]))
        return ev.kind

    def corrected(self, ev: Event, letter: str | None) -> str | None:
        view = self.view
        view.corrected_on = ev.on
        if self.correction_due and ev.on > self.correction_due.due:
            view.late.append(f"补正后的申请于{ev.on.isoformat()}收到，晚于补正期限{self.correction_due.due.isoformat()}"
                             "（未逾期终止，予以接受）")
        self.correction_due = None
        self.start_reply_clock(ev.on, "收到补正后申请之日（第三十条，重新计算）")
        return ev.kind

    def consult(self, ev: Event, letter: str | None) -> str | None:
        served, _known = self.receipt_of(letter, ev.on, None)
        due = self.cal.add_workdays(served, clocks.OPINION_DAYS)
        self.view.consultations.append(Consultation(ev.data["party"], ev.data["kind"], ev.on, letter or "", due,
                                                    about=ev.data.get("about", "")))
        return ev.kind

    def opinion(self, ev: Event, letter: str | None) -> str | None:
        c = next(c for c in self.view.consultations if c.open and c.party == ev.data["party"])
        c.answered_on, c.result, c.reason = ev.on, ev.data["result"], ev.data.get("reason", "")
        self.clock.pauses.append(Pause(c.sent_on, min(ev.on, c.due), f"征求{c.party}意见"))
        self.adapter.open_consultations = len(self.view.open_consultations())
        return ev.kind

    def fee_notice(self, ev: Event, letter: str | None) -> str | None:
        self.fee = (ev.on, self.period_from_receipt("payment_due", letter, ev.on, ev.data.get("delivery"),
                                                    "申请人收到收费通知书", clocks.PAYMENT_DAYS))
        return ev.kind

    def fee_paid(self, ev: Event, letter: str | None) -> str | None:
        if self.fee is not None:
            if ev.on > self.fee[1].due:
                self.view.late.append(f"费用于{ev.on.isoformat()}缴纳，晚于{self.fee[1].due.isoformat()}")
            if self.policy.fee_pauses_reply:
                self.clock.pauses.append(Pause(self.fee[0], ev.on, "等待缴费"))
        self.fee = None
        return ev.kind

    def request_reasons(self, ev: Event, letter: str | None) -> str | None:
        self.view.reasons_requested_on, self.view.reasons_received_on = ev.on, None
        self.reasons = (ev.on, self.period_from_receipt("reasons_due", letter, ev.on, ev.data.get("delivery"),
                                                        "申请人收到说明理由告知书", int(ev.data["period"])))
        return ev.kind

    def reasons_received(self, ev: Event, letter: str | None) -> str | None:
        if self.reasons is not None:
            self.clock.pauses.append(Pause(self.reasons[0], ev.on, "等待申请人说明理由（第三十五条）"))
        self.reasons = None
        self.view.reasons_received_on = ev.on
        if ev.data.get("set_due"):
            self.set_reply_due(_d(ev.data["set_due"]), ev.on)
        return ev.kind

    def set_deadline(self, ev: Event, letter: str | None) -> str | None:
        self.set_reply_due(_d(ev.data["due"]), ev.on)
        return ev.kind

    def set_reply_due(self, due: date | None, on: date) -> None:
        """Art. 35: a reply deadline the office set itself replaces the counted one."""
        self.clock.set_due, self.clock.set_by = due, f"{on.isoformat()}确定"
        self.view.set_due = due

    def extend(self, ev: Event, letter: str | None) -> str | None:
        self.clock.extension += int(ev.data["days"])
        self.view.extension_total += int(ev.data["days"])
        return ev.kind

    def decide(self, ev: Event, letter: str | None) -> str | None:
        view = self.view
        if self.reasons is not None:  # decided once the explanation period ran out (Art. 35): the pause ends
            self.clock.pauses.append(Pause(self.reasons[0], min(ev.on, self.reasons[1].due), "等待申请人说明理由（第三十五条）"))
            self.reasons = None
        view.outcome = ev.data["outcome"]
        view.decision = dict(ev.data)
        if ev.data.get("letter_kind") == "override":
            view.override_letter = letter
            if int(ev.data.get("wait_days", 0)) > 0:  # Art. 32: the body's wait after the notice's receipt
                served, known = self.receipt_of(letter, ev.on, ev.data.get("delivery"))
                view.override_wait = (self.cal.add_workdays(served, int(ev.data["wait_days"])), known)
        return ev.kind

    def reply(self, ev: Event, letter: str | None) -> str | None:
        rd = self.reply_deadline()
        self.view.replied_on_time = rd is None or ev.on <= rd.due
        self.view.concluded_on = ev.on
        self.view.reply_letter = letter
        return ev.kind

    def deliver(self, ev: Event, letter: str | None) -> str | None:
        reply = ev.data["letter"] == self.view.reply_letter and self.adapter.state == CONCLUDED
        return "deliver_reply" if reply else None

    def conclude(self, ev: Event, letter: str | None) -> str | None:
        """Withdrawal, and the closures of a lapsed correction or payment period."""
        self.view.outcome = self.adapter.outcome = ev.data["outcome"]
        self.view.concluded_on = ev.on
        return ev.kind

    def reopen(self, ev: Event, letter: str | None) -> str | None:
        view = self.view
        view.outcome, view.concluded_on = None, None
        method, period = ev.data.get("delivery"), int(ev.data["period"])
        if ev.data["reopened"] == "no_correction":
            self.correction_due = self.period_from_receipt("correction_due", letter, ev.on, method,
                                                           "申请人收到恢复办理告知书", period)
        elif self.fee is not None:
            self.fee = (self.fee[0], self.period_from_receipt("payment_due", letter, ev.on, method,
                                                              "申请人收到恢复办理告知书", period))
        return ev.kind

    def void(self, ev: Event, letter: str | None) -> str | None:
        self.view.void = {"on": ev.on, "reason": ev.reason, "approver": ev.data.get("approver", "")}
        return ev.kind

    def amend(self, ev: Event, letter: str | None) -> str | None:
        letters = self.view.letters
        for old, new in ev.data.get("reissued", {}).items():
            if old in letters:
                letters[old].superseded_by = new
        for new, kind in ev.data.get("new_letters", {}).items():
            letters[new] = LetterRef(new, kind, ev.on, self.delivered.get(new))
        return None

    def deadline_missed(self, ev: Event, letter: str | None) -> str | None:
        due = _d(ev.data["due"])
        if due is not None and due not in self.view.missed:
            self.view.missed.append(due)
        return None

    def imported_conclusion(self, ev: Event, letter: str | None) -> str | None:
        self.view.outcome = ev.data["outcome"]
        self.view.concluded_on = ev.on
        self.adapter.state = CONCLUDED
        return None

    def appeal(self, ev: Event, letter: str | None) -> str | None:
        self.view.appeals.append(Appeal(int(ev.data["no"]), ev.data["kind"], ev.on))
        return None

    def appeal_result(self, ev: Event, letter: str | None) -> str | None:
        a = next(a for a in self.view.appeals if a.no == int(ev.data["no"]))
        a.result, a.decided_on = ev.data["result"], ev.on
        return None


HANDLERS: dict[str, Callable[[_Replay, Event, str | None], str | None]] = {
    "register": _Replay.register,
    "confirm_receipt": _Replay.confirm_receipt,
    "request_correction": _Replay.request_correction,
    "corrected": _Replay.corrected,
    "consult": _Replay.consult,
    "opinion": _Replay.opinion,
    "fee_notice": _Replay.fee_notice,
    "fee_paid": _Replay.fee_paid,
    "request_reasons": _Replay.request_reasons,
    "reasons_received": _Replay.reasons_received,
    "set_deadline": _Replay.set_deadline,
    "extend": _Replay.extend,
    "decide": _Replay.decide,
    "reply": _Replay.reply,
    "deliver": _Replay.deliver,
    "withdraw": _Replay.conclude,
    "lapse_correction": _Replay.conclude,
    "lapse_fee": _Replay.conclude,
    "reopen": _Replay.reopen,
    "void": _Replay.void,
    "amend": _Replay.amend,
    "deadline_missed": _Replay.deadline_missed,
    "imported_conclusion": _Replay.imported_conclusion,
    "appeal": _Replay.appeal,
    "appeal_result": _Replay.appeal_result,
}
assert set(HANDLERS) == set(EVENT_KINDS), "one replay handler per event kind (lifecycle.EVENT_KINDS)"


def _opinion_deadline(cal: WorkCalendar, c: Consultation, receipt_of) -> Deadline:
    served, _known = receipt_of(c.letter, c.sent_on, None)
    return clocks.count(cal, "opinion_due", served, f"{c.party}收到征求意见书之日{served.isoformat()}", clocks.OPINION_DAYS)
