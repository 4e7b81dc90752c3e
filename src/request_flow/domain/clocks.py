"""Statutory clocks (docs/clocks.md): a deadline is counted, never typed in, and can explain itself.

The reply clock's four behaviours:
  restart (Art. 30)      a corrected application starts a fresh 20 working days from the day it arrives;
  pause (Art. 33 ¶3)     a pause begun by a letter sent on day A and ended on day B excludes the working days
                         after A up to and including B;
  extend (Art. 33 ¶2)    with the office head's consent, at most 20 more working days in total;
  set (Art. 35)          the office fixes a reasonable later deadline itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .workdays import DayRule, WorkCalendar

REPLY_DAYS = 20  # Art. 33 ¶2
CORRECTION_NOTICE_DAYS = 7  # Art. 30
OPINION_DAYS = 15  # Art. 32, 34
PAYMENT_DAYS = 20  # the fee measures
MAX_EXTENSION_DAYS = 20  # Art. 33 ¶2, in total


# How a notice whose period runs from its receipt is sent (docs/clocks.md, "Periods that run from a notice's delivery"), and the shipped rules
# that deem its day of receipt: calendar days after issue, or None (no rule: the day must be recorded).
DELIVERY_METHODS = ("in_person", "post", "electronic")
SHIPPED_DEEMED_DELIVERY: tuple[tuple[str, int | None], ...] = (("in_person", 0), ("electronic", 0), ("post", None))

# The counting rule for a receipt on a non-working day (docs/clocks.md, "Receipt on a non-working day"), recorded on each case when registered.
STRICT = "strict"  # the N-th working day after the actual day of receipt (the default: the earlier date)
SHIFTED = "shifted"  # as if received on the next working day (a body's option)


@dataclass(frozen=True)
class Policy:
    """The practice choices of docs/procedure.md and docs/clocks.md, each configurable per installation (docs/decisions.md)."""

    correction_period: int = 15  # working days the applicant gets to correct (practice: 10 or 15)
    reasons_period: int = 15  # working days for the Art. 35 explanation (practice)
    # Notices recorded before `--delivery` existed, and consultation letters: deemed received this many calendar
    # days after issue until the day is recorded.
    deemed_delivery_days: int = 0
    default_delivery: str = "post"  # how notices are sent unless `--delivery` says otherwise
    deemed_delivery: tuple[tuple[str, int | None], ...] = SHIPPED_DEEMED_DELIVERY
    fee_pauses_reply: bool = True  # waiting for payment pauses the reply clock (practice)
    shift_nonworking_receipt: bool = False  # receipt on a non-working day: count as if received the next working day
    allow_provisional: bool = True  # a year with no schedule counts Mon–Fri, marked provisional
    override_wait_days: int = 0  # Art. 32 override: working days after its delivery before the disclosing reply

    @property
    def counting(self) -> str:
        return SHIFTED if self.shift_nonworking_receipt else STRICT

    def deemed_days(self, method: str | None) -> int | None:
        """Calendar days from issue to the deemed receipt of a notice sent by `method`; None: no rule."""
        if method is None:
            return self.deemed_delivery_days
        return dict(self.deemed_delivery).get(method)


@dataclass(frozen=True)
class Pause:
    """Working days after `start`, up to and including `end`, are not counted."""

    start: date
    end: date
    label: str
    ends_by_window: bool = False  # still waiting: the pause is assumed to run to the end of the window

    def to_json(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "what": self.label,
                "assumed_to_window_end": self.ends_by_window}


@dataclass(frozen=True)
class Deadline:
    name: str
    due: date
    start: date
    start_label: str
    days: int
    pauses: tuple[Pause, ...] = ()
    extension: int = 0
    set_by: str = ""  # Art. 35: a deadline the office fixed itself
    skipped: tuple[DayRule, ...] = ()
    makeup: tuple[DayRule, ...] = ()
    calendar_version: str = ""
    provisional_years: tuple[int, ...] = ()
    before_extension: date | None = None
    start_unknown: bool = False  # runs from a notice's receipt that is neither recorded nor deemed by a rule

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years) or self.start_unknown

    def lines(self) -> list[str]:
        """The explanation, in words an officer checks against a wall calendar."""
        out = [f"起算：{self.start_label}"]
        if self.set_by:
            out.append(f"依第三十五条确定的答复期限：{self.due.isoformat()}（{self.set_by}）")
        else:
            total = self.days + self.extension
            out.append(f"计算：自起算日次日起第{total}个工作日" + (f"（{self.days}个工作日，延长{self.extension}个工作日）" if self.extension else ""))
            if self.before_extension:
                out.append(f"延长前的答复期限：{self.before_extension.isoformat()}（经机构负责人同意延长，第三十三条第二款）")
            for p in self.pauses:
                tail = "（尚未收到答复，暂按期限届满日计算）" if p.ends_by_window else ""
                out.append(f"不计入：{p.start.isoformat()}次日至{p.end.isoformat()}，{p.label}{tail}")
            if self.skipped:
                out.append("跳过的节假日：" + "、".join(f"{r.day.isoformat()}（{r.name}）" for r in self.skipped))
            if self.makeup:
                out.append("计入的调休上班日：" + "、".join(f"{r.day.isoformat()}（{r.name}）" for r in self.makeup))
        out.append(f"届满日：{self.due.isoformat()}")
        if self.start_unknown:
            out.append("暂定：送达日期尚未记录（送达方式无视为送达的规则），暂自文书出具之日起算；"
                       "记录送达（case delivered）后重新计算，在此之前不据此终止办理")
        if self.provisional_years:
            years = "、".join(f"{y}年" for y in self.provisional_years)
            out.append(f"暂定：{years}的节假日安排尚未公布，暂按周一至周五计算，公布后将重新计算")
        out.append(f"日历版本：{self.calendar_version}")
        return out

    def to_json(self) -> dict:
        return {
            "due": self.due.isoformat(),
            "start": self.start.isoformat(),
            "start_label": self.start_label,
            "working_days": self.days,
            "extension": self.extension,
            "before_extension": self.before_extension.isoformat() if self.before_extension else None,
            "set_by_art35": bool(self.set_by),
            "pauses": [p.to_json() for p in self.pauses],
            "skipped_holidays": [{"date": r.day.isoformat(), "name": r.name} for r in self.skipped],
            "makeup_workdays": [{"date": r.day.isoformat(), "name": r.name} for r in self.makeup],
            "calendar_version": self.calendar_version,
            "provisional": self.provisional,
            "start_unknown": self.start_unknown,
            "explanation": self.lines(),
        }


def merge_pauses(pauses: list[Pause]) -> list[Pause]:
    merged: list[Pause] = []
    for p in sorted(pauses, key=lambda p: (p.start, p.end)):
        if merged and p.start <= merged[-1].end:
            last = merged[-1]
            if p.end > last.end:
                merged[-1] = Pause(last.start, p.end, f"{last.label}；{p.label}", p.ends_by_window)
        else:
            merged.append(p)
    return merged


def count(
    cal: WorkCalendar,
    name: str,
    start: date,
    start_label: str,
    days: int,
    pauses: list[Pause] | None = None,
    extension: int = 0,
    start_unknown: bool = False,
) -> Deadline:
    """The working day on which the count of counted working days after `start` reaches days + extension."""
    remaining = days + extension
    cur = start
    used: list[Pause] = []
    for p in merge_pauses([p for p in (pauses or []) if p.end > start]):
        a = max(p.start, cur)
        available = cal.workdays_between(cur, a) if a > cur else 0
        if available >= remaining:
            break
        remaining -= available
        if p.end > cur:
            used.append(p)
            cur = p.end
    due = cal.add_workdays(cur, remaining)
    used = [p for p in used if p.start < due]
    exceptions = cal.exceptions_between(start, due)
    return Deadline(
        name=name,
        due=due,
        start=start,
        start_label=start_label,
        days=days,
        pauses=tuple(used),
        extension=extension,
        skipped=tuple(r for r in exceptions if not r.working),
        makeup=tuple(r for r in exceptions if r.working),
        calendar_version=cal.version,
        provisional_years=tuple(cal.assumed_years(start, due)),
        before_extension=count(cal, name, start, start_label, days, pauses).due if extension else None,
        start_unknown=start_unknown,
    )


def fixed(cal: WorkCalendar, name: str, start: date, start_label: str, due: date, set_by: str) -> Deadline:
    """A date the office set itself (Art. 35): nothing is counted, so nothing is provisional."""
    return Deadline(name=name, due=due, start=start, start_label=start_label, days=0, set_by=set_by,
                    calendar_version=cal.version)


@dataclass
class ClockInputs:
    """What the reply clock needs, gathered from the events by the case replay."""

    start: date | None = None
    start_label: str = ""
    pauses: list[Pause] = field(default_factory=list)
    extension: int = 0
    set_due: date | None = None
    set_by: str = ""
