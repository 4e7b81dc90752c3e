"""A case is its events: replaying them through the lifecycle and the calendar gives its state and deadlines.

`replay` is the only place where events turn into state; the acts in `acts.py` check a proposed event
against the replayed case before it is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from . import clocks
from .clocks import Deadline, Pause, Policy
from .lifecycle import (
    AWAITING_CORRECTION,
    AWAITING_FEE,
    AWAITING_REASONS,
    CONCLUDED,
    CONSULTING,
    DECIDED,
    IN_PROGRESS,
    OPEN_STATES,
    REGISTERED,
    CaseAdapter,
    fire,
)
from .workdays import WorkCalendar

# Event kinds that are not lifecycle triggers.
REGISTER, DELIVER, APPEAL, APPEAL_RESULT = "register", "deliver", "appeal", "appeal_result"
# The conclusion of a case brought in by `import cases` (interfaces.md, "Importing history"): the outcome and
# the date as the body recorded them before it used this engine; no letter, no clock.
IMPORTED_CONCLUSION = "imported_conclusion"


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


@dataclass
class CaseView:
    """The case as its events make it, on the calendar in force."""

    state: str
    received_on: date | None = None
    clock_start: date | None = None
    outcome: str | None = None
    concluded_on: date | None = None
    decision: dict[str, Any] = field(default_factory=dict)
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    correction_notice_due: date | None = None  # kept after the notice, to judge whether it was late
    correction_notice_on: date | None = None
    corrected_on: date | None = None
    consultations: list[Consultation] = field(default_factory=list)
    extension_total: int = 0
    appeals: list[Appeal] = field(default_factory=list)
    letters: dict[str, LetterRef] = field(default_factory=dict)
    reply_letter: str | None = None
    replied_on_time: bool | None = None
    late: list[str] = field(default_factory=list)  # acts recorded as late, in words
    last_on: date | None = None

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
    cal = cal.with_assumption(policy.allow_provisional)
    delivered: dict[str, date] = {}
    for ev in events:
        if ev.kind == DELIVER:
            delivered[ev.data["letter"]] = ev.on

    def receipt_of(letter: str | None, issued_on: date) -> date:
        """The day a notice reached its addressee: recorded, or deemed (domain.md §2)."""
        if letter and letter in delivered:
            return delivered[letter]
        return issued_on + timedelta(days=policy.deemed_delivery_days)

    first = events[0]
    assert first.kind == REGISTER, "a case starts with its registration"
    view = CaseView(state=REGISTERED)
    adapter = CaseAdapter(REGISTERED)
    clock = clocks.ClockInputs()
    correction_due: Deadline | None = None
    fee: tuple[date, Deadline] | None = None
    reasons: tuple[date, Deadline] | None = None
    receipt_label = ""

    def start_reply_clock(day: date, what: str) -> None:
        start = cal.next_workday(day) if policy.shift_nonworking_receipt else day
        label = f"{what}{day.isoformat()}"
        if start != day:
            label += f"（非工作日，自下一个工作日{start.isoformat()}起算）"
        clock.start, clock.start_label = start, label
        clock.pauses, clock.extension, clock.set_due, clock.set_by = [], 0, None, ""
        view.extension_total = 0  # a restart opens a new reply period, with its own Art. 33 ¶2 allowance

    def receive(day: date) -> None:
        view.received_on = day
        start_reply_clock(day, "收到申请之日")
        view.clock_start = clock.start
        nonlocal receipt_label
        receipt_label = clock.start_label
        assert clock.start is not None
        view.correction_notice_due = cal.add_workdays(clock.start, clocks.CORRECTION_NOTICE_DAYS)

    def reply_deadline() -> Deadline | None:
        if clock.start is None:
            return None
        pauses = list(clock.pauses)
        for c in view.open_consultations():
            pauses.append(Pause(c.sent_on, c.due, f"征求{c.party}意见", ends_by_window=True))
        if fee is not None and policy.fee_pauses_reply:
            pauses.append(Pause(fee[0], fee[1].due, "等待缴费", ends_by_window=True))
        if reasons is not None:
            pauses.append(Pause(reasons[0], reasons[1].due, "等待申请人说明理由（第三十五条）", ends_by_window=True))
        if clock.set_due is not None:
            return clocks.fixed(cal, "reply_due", clock.start, clock.start_label, clock.set_due, clock.set_by)
        return clocks.count(cal, "reply_due", clock.start, clock.start_label, clocks.REPLY_DAYS, pauses, clock.extension)

    for ev in events:
        view.last_on = ev.on
        k, data = ev.kind, ev.data
        letter = data.get("letter")
        if letter:
            view.letters[letter] = LetterRef(letter, data.get("letter_kind", k), ev.on, delivered.get(letter))
        for extra in data.get("also_letters", ()):  # a second letter of the same act (a notice to the applicant)
            view.letters[extra["number"]] = LetterRef(extra["number"], extra["kind"], ev.on, delivered.get(extra["number"]))
        trigger: str | None = k
        if k == REGISTER:
            trigger = None
            received = _d(data.get("received_on"))
            if received is not None:
                receive(received)
                adapter.state = IN_PROGRESS
        elif k == "confirm_receipt":
            receive(ev.on)
        elif k == "request_correction":
            view.correction_notice_on = ev.on
            if view.correction_notice_due and ev.on > view.correction_notice_due:
                view.late.append(f"补正告知于{ev.on.isoformat()}发出，晚于{view.correction_notice_due.isoformat()}的期限")
            served = receipt_of(letter, ev.on)
            correction_due = clocks.count(cal, "correction_due", served, f"申请人收到补正告知书之日{served.isoformat()}",
                                          int(data["period"]))
        elif k == "corrected":
            view.corrected_on = ev.on
            if correction_due and ev.on > correction_due.due:
                view.late.append(f"补正后的申请于{ev.on.isoformat()}收到，晚于补正期限{correction_due.due.isoformat()}（未逾期终止，予以接受）")
            correction_due = None
            start_reply_clock(ev.on, "收到补正后申请之日（第三十条，重新计算）")
        elif k == "consult":
            served = receipt_of(letter, ev.on)
            due = cal.add_workdays(served, clocks.OPINION_DAYS)
            view.consultations.append(Consultation(data["party"], data["kind"], ev.on, letter or "", due))
        elif k == "opinion":
            c = next(c for c in view.consultations if c.open and c.party == data["party"])
            c.answered_on, c.result, c.reason = ev.on, data["result"], data.get("reason", "")
            end = min(ev.on, c.due)
            clock.pauses.append(Pause(c.sent_on, end, f"征求{c.party}意见"))
            adapter.open_consultations = len(view.open_consultations())
        elif k == "fee_notice":
            served = receipt_of(letter, ev.on)
            fee = (ev.on, clocks.count(cal, "payment_due", served, f"申请人收到收费通知之日{served.isoformat()}",
                                       clocks.PAYMENT_DAYS))
        elif k == "fee_paid":
            if fee is not None:
                if ev.on > fee[1].due:
                    view.late.append(f"费用于{ev.on.isoformat()}缴纳，晚于{fee[1].due.isoformat()}")
                if policy.fee_pauses_reply:
                    clock.pauses.append(Pause(fee[0], ev.on, "等待缴费"))
            fee = None
        elif k == "request_reasons":
            served = receipt_of(letter, ev.on)
            reasons = (ev.on, clocks.count(cal, "reasons_due", served, f"申请人收到说明理由告知书之日{served.isoformat()}",
                                           int(data["period"])))
        elif k == "reasons_received":
            if reasons is not None:
                clock.pauses.append(Pause(reasons[0], ev.on, "等待申请人说明理由（第三十五条）"))
            reasons = None
            if data.get("set_due"):
                clock.set_due, clock.set_by = _d(data["set_due"]), f"{ev.on.isoformat()}确定"
        elif k == "set_deadline":
            clock.set_due, clock.set_by = _d(data["due"]), f"{ev.on.isoformat()}确定"
        elif k == "extend":
            clock.extension += int(data["days"])
            view.extension_total += int(data["days"])
        elif k == "decide":
            view.outcome = data["outcome"]
            view.decision = dict(data)
        elif k == "reply":
            rd = reply_deadline()
            view.replied_on_time = rd is None or ev.on <= rd.due
            view.concluded_on = ev.on
            view.reply_letter = letter
        elif k == DELIVER:
            trigger = "deliver_reply" if (data["letter"] == view.reply_letter and adapter.state == CONCLUDED) else None
        elif k in ("withdraw", "lapse_correction", "lapse_fee"):
            view.outcome = data["outcome"]
            view.concluded_on = ev.on
        elif k == IMPORTED_CONCLUSION:
            trigger = None
            view.outcome = data["outcome"]
            view.concluded_on = ev.on
            adapter.state = CONCLUDED
        elif k == APPEAL:
            trigger = None
            view.appeals.append(Appeal(int(data["no"]), data["kind"], ev.on))
        elif k == APPEAL_RESULT:
            trigger = None
            a = next(a for a in view.appeals if a.no == int(data["no"]))
            a.result, a.decided_on = data["result"], ev.on
        if trigger:
            if trigger == "consult":
                adapter.open_consultations = len(view.open_consultations())
            fire(adapter, trigger)

    view.state = adapter.state
    # The deadlines that are running in this state (interfaces.md, "A case in JSON").
    s = view.state
    if s in (IN_PROGRESS, CONSULTING, AWAITING_FEE, AWAITING_REASONS, DECIDED):
        rd = reply_deadline()
        if rd is not None:
            view.deadlines["reply_due"] = rd
        if view.correction_notice_on is None and view.correction_notice_due and s != DECIDED and view.clock_start:
            view.deadlines["correction_notice_due"] = clocks.count(
                cal, "correction_notice_due", view.clock_start, receipt_label, clocks.CORRECTION_NOTICE_DAYS)
    if s == AWAITING_CORRECTION and correction_due is not None:
        view.deadlines["correction_due"] = correction_due
    if s == CONSULTING and view.open_consultations():
        c = min(view.open_consultations(), key=lambda c: c.due)
        view.deadlines["opinion_due"] = _opinion_deadline(cal, c, receipt_of)
    if s == AWAITING_FEE and fee is not None:
        view.deadlines["payment_due"] = fee[1]
    if s == AWAITING_REASONS and reasons is not None:
        view.deadlines["reasons_due"] = reasons[1]
    return view


def _opinion_deadline(cal: WorkCalendar, c: Consultation, receipt_of) -> Deadline:
    served = receipt_of(c.letter, c.sent_on)
    return clocks.count(cal, "opinion_due", served, f"{c.party}收到征求意见书之日{served.isoformat()}", clocks.OPINION_DAYS)
