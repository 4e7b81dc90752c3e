"""A case is its events: replaying them through the lifecycle and the calendar gives its state and deadlines.

`replay` is the only place where events turn into state; the acts in `acts.py` check a proposed event
against the replayed case before it is written.
"""

from __future__ import annotations

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
    request_content: str | None = None  # what the corrected application asks for (`case corrected --content`)
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
    reopened: list[date] = field(default_factory=list)
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
    cal = cal.with_assumption(policy.allow_provisional)
    delivered: dict[str, date] = {}
    for ev in events:
        if ev.kind == DELIVER:
            delivered[ev.data["letter"]] = ev.on

    def receipt_of(letter: str | None, issued_on: date, method: str | None) -> tuple[date, bool]:
        """The day a notice reached its addressee, and whether it is known: recorded, or deemed by the rule of
        its delivery method (docs/clocks.md). Unknown: the issue day, and nothing may be closed on it."""
        if letter and letter in delivered:
            return delivered[letter], True
        days = policy.deemed_days(method)
        if days is None:
            return issued_on, False
        return issued_on + timedelta(days=days), True

    def period_from_receipt(name: str, letter: str | None, issued_on: date, method: str | None, who: str,
                            days: int) -> Deadline:
        served, known = receipt_of(letter, issued_on, method)
        label = f"{who}收到{'' if known else '（未记录送达，暂按出具之日）'}之日{served.isoformat()}"
        return clocks.count(cal, name, served, label, days, start_unknown=not known)

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

    def receive(day: date) -> None:
        view.received_on = day
        view.received_on_workday = cal.is_workday(day)
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

    def note_missed(on: date) -> None:
        """A reply deadline that passed before `on` with no reply stays in the record (no cure, docs/decisions.md)."""
        if adapter.state not in REPLY_CLOCK_STATES:
            return
        rd = reply_deadline()
        if rd is not None and on > rd.due and rd.due not in view.missed:
            view.missed.append(rd.due)

    for ev in events:
        k, data = ev.kind, ev.data
        if k not in OUT_OF_ORDER:
            view.last_on = ev.on if view.last_on is None else max(view.last_on, ev.on)
            if k != REGISTER:
                note_missed(ev.on)
        letter = data.get("letter") if k != DELIVER else None  # a delivery names the letter it concerns
        if letter:
            view.letters[letter] = LetterRef(letter, data.get("letter_kind", k), ev.on, delivered.get(letter))
        for extra in data.get("also_letters", ()):  # a second letter of the same act (a notice to the applicant)
            view.letters[extra["number"]] = LetterRef(extra["number"], extra["kind"], ev.on, delivered.get(extra["number"]))
        trigger: str | None = k
        if k == REGISTER:
            trigger = None
            view.counting = data.get("counting", SHIFTED)  # cases registered before the rule was recorded: shifted
            received = _d(data.get("received_on"))
            if received is not None:
                receive(received)
                adapter.state = IN_PROGRESS
        elif k == "confirm_receipt":
            receive(ev.on)
        elif k == "request_correction":
            view.correction_notice_on = ev.on
            view.correction_period = int(data["period"])
            if view.correction_notice_due and ev.on > view.correction_notice_due:
                view.late.append(f"补正告知于{ev.on.isoformat()}发出，晚于{view.correction_notice_due.isoformat()}的期限")
            correction_due = period_from_receipt("correction_due", letter, ev.on, data.get("delivery"),
                                                 "申请人收到补正告知书", int(data["period"]))
        elif k == "corrected":
            view.corrected_on = ev.on
            if data.get("content"):
                view.request_content = data["content"]
            if correction_due and ev.on > correction_due.due:
                view.late.append(f"补正后的申请于{ev.on.isoformat()}收到，晚于补正期限{correction_due.due.isoformat()}（未逾期终止，予以接受）")
            correction_due = None
            start_reply_clock(ev.on, "收到补正后申请之日（第三十条，重新计算）")
        elif k == "consult":
            served, _known = receipt_of(letter, ev.on, None)
            due = cal.add_workdays(served, clocks.OPINION_DAYS)
            view.consultations.append(Consultation(data["party"], data["kind"], ev.on, letter or "", due,
                                                   about=data.get("about", "")))
        elif k == "opinion":
            c = next(c for c in view.consultations if c.open and c.party == data["party"])
            c.answered_on, c.result, c.reason = ev.on, data["result"], data.get("reason", "")
            end = min(ev.on, c.due)
            clock.pauses.append(Pause(c.sent_on, end, f"征求{c.party}意见"))
            adapter.open_consultations = len(view.open_consultations())
        elif k == "fee_notice":
            fee = (ev.on, period_from_receipt("payment_due", letter, ev.on, data.get("delivery"),
                                              "申请人收到收费通知书", clocks.PAYMENT_DAYS))
        elif k == "fee_paid":
            if fee is not None:
                if ev.on > fee[1].due:
                    view.late.append(f"费用于{ev.on.isoformat()}缴纳，晚于{fee[1].due.isoformat()}")
                if policy.fee_pauses_reply:
                    clock.pauses.append(Pause(fee[0], ev.on, "等待缴费"))
            fee = None
        elif k == "request_reasons":
            view.reasons_requested_on, view.reasons_received_on = ev.on, None
            reasons = (ev.on, period_from_receipt("reasons_due", letter, ev.on, data.get("delivery"),
                                                  "申请人收到说明理由告知书", int(data["period"])))
        elif k == "reasons_received":
            if reasons is not None:
                clock.pauses.append(Pause(reasons[0], ev.on, "等待申请人说明理由（第三十五条）"))
            reasons = None
            view.reasons_received_on = ev.on
            if data.get("set_due"):
                clock.set_due, clock.set_by = _d(data["set_due"]), f"{ev.on.isoformat()}确定"
                view.set_due = clock.set_due
        elif k == "set_deadline":
            clock.set_due, clock.set_by = _d(data["due"]), f"{ev.on.isoformat()}确定"
            view.set_due = clock.set_due
        elif k == "extend":
            clock.extension += int(data["days"])
            view.extension_total += int(data["days"])
        elif k == "decide":
            if reasons is not None:  # decided once the explanation period ran out (Art. 35): the pause ends
                clock.pauses.append(Pause(reasons[0], min(ev.on, reasons[1].due), "等待申请人说明理由（第三十五条）"))
                reasons = None
            view.outcome = data["outcome"]
            view.decision = dict(data)
            if data.get("letter_kind") == "override":
                view.override_letter = letter
                if int(data.get("wait_days", 0)) > 0:  # Art. 32: the body's wait after the notice's receipt
                    served, known = receipt_of(letter, ev.on, data.get("delivery"))
                    view.override_wait = (cal.add_workdays(served, int(data["wait_days"])), known)
        elif k == "reply":
            rd = reply_deadline()
            view.replied_on_time = rd is None or ev.on <= rd.due
            view.concluded_on = ev.on
            view.reply_letter = letter
        elif k == DELIVER:
            trigger = "deliver_reply" if (data["letter"] == view.reply_letter and adapter.state == CONCLUDED) else None
        elif k in ("withdraw", "lapse_correction", "lapse_fee"):
            view.outcome = adapter.outcome = data["outcome"]
            view.concluded_on = ev.on
        elif k == "reopen":
            view.reopened.append(ev.on)
            view.outcome, view.concluded_on = None, None
            method = data.get("delivery")
            if data["reopened"] == "no_correction":
                correction_due = period_from_receipt("correction_due", letter, ev.on, method,
                                                     "申请人收到恢复办理告知书", int(data["period"]))
            elif fee is not None:
                fee = (fee[0], period_from_receipt("payment_due", letter, ev.on, method, "申请人收到恢复办理告知书",
                                                   int(data["period"])))
        elif k == "void":
            view.void = {"on": ev.on, "reason": ev.reason, "approver": data.get("approver", "")}
        elif k == AMEND:
            trigger = None
            for old, new in data.get("reissued", {}).items():
                if old in view.letters:
                    view.letters[old].superseded_by = new
            for new, kind in data.get("new_letters", {}).items():
                view.letters[new] = LetterRef(new, kind, ev.on, delivered.get(new))
        elif k == DEADLINE_MISSED:
            trigger = None
            missed_due = _d(data["due"])
            if missed_due is not None and missed_due not in view.missed:
                view.missed.append(missed_due)
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
            if trigger == "reopen":
                adapter.outcome = None

    view.state = adapter.state
    # A deadline the sweep saw pass is void only where the reply was in fact given by then (recorded later).
    view.missed = sorted(d for d in view.missed if not (view.concluded_on and view.reply_letter and view.concluded_on <= d))
    for d in view.missed:
        view.late.append(f"答复期限{d.isoformat()}届满时未答复")
    # The deadlines that are running in this state (docs/contract.md, "A case in JSON").
    s = view.state
    if s in REPLY_CLOCK_STATES:
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
    served, _known = receipt_of(c.letter, c.sent_on, None)
    return clocks.count(cal, "opinion_due", served, f"{c.party}收到征求意见书之日{served.isoformat()}", clocks.OPINION_DAYS)
