"""Which reminders are due: working-day offsets before each running deadline, and daily once overdue.

A reminder's key is (case, kind, deadline date, offset). `offset` is the reminder's stage: the smallest
configured offset that is not less than the working days left, so a sweep that did not run on the exact day
still sends the stage it missed once (with the true count of days left), and never an earlier stage again.
Overdue reminders carry minus the working days overdue: one per working day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from ..domain.workdays import WorkCalendar

# The running deadlines reminded before they fall due (docs/contract.md, "A case in JSON").
REMINDED = ("correction_notice_due", "reply_due", "correction_due", "opinion_due", "payment_due", "reasons_due")
# Once passed: the reply is overdue (the case is late) and an Art. 35 explanation window needs a decision.
# A passed correction period, payment period or consultation window is acted on instead (the sweep closes the
# case or records the silence); a passed correction-notice day only makes a later notice "late" (docs/decisions.md).
OVERDUE_REMINDED = ("reply_due", "reasons_due")
# The deadlines whose passing the sweep acts on by itself, and the states they run in.
LAPSE_STATES = ("awaiting_correction", "awaiting_fee", "consulting")


@dataclass(frozen=True)
class Due:
    kind: str
    due_on: date
    offset: int  # the stage: a configured offset, or minus the working days overdue
    days_left: int  # working days left (0 on the day), negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def stage(days_left: int, offsets: Iterable[int]) -> int | None:
    fitting = [o for o in offsets if o >= days_left]
    return min(fitting) if fitting else None


def due_reminders(deadlines: dict[str, str], today: date, cal: WorkCalendar, offsets: list[int],
                  overdue_daily: bool = True, provisional: Iterable[str] = ()) -> Iterator[Due]:
    """The reminders a case's cached running deadlines call for on `today` (the calendar may assume).

    A correction or payment period still running after its day, with a provisional start (the notice's
    delivery is not known), is not closed by the sweep: it is reminded daily, asking for the delivery."""
    waiting = {k for k in provisional if k in ("correction_due", "payment_due")}
    for kind, iso in deadlines.items():
        if kind not in REMINDED:
            continue
        due_on = date.fromisoformat(iso)
        if today <= due_on:
            left = cal.workdays_between(today, due_on)
            st = stage(left, offsets)
            if st is not None:
                yield Due(kind, due_on, st, left)
        elif overdue_daily and (kind in OVERDUE_REMINDED or kind in waiting):
            late = cal.workdays_between(due_on, today)
            if late >= 1:  # counted in working days: nothing new on a weekend
                yield Due(kind, due_on, -late, -late)


def head_is_told(d: Due, head_offsets: int) -> bool:
    """The office head hears of overdue replies, and of replies close enough to need an extension decision:
    an extension needs the head's consent within the reply period (Art. 33 ¶2)."""
    return d.kind == "reply_due" and (d.overdue or d.days_left <= head_offsets)
