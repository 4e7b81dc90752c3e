"""The procedure as a state machine (docs/procedure.md), declared as a table a lawyer can read.

One module-level `transitions.Machine` with no models serves every case: a case's state is replayed from its
events through a tiny adapter, so loading a case never builds a machine (measured: about 200 µs and 20 KB a
machine, against 8 µs a transition on a shared one).
"""

from __future__ import annotations

from dataclasses import dataclass

from transitions import Machine, MachineError

REGISTERED = "registered"
IN_PROGRESS = "in_progress"
AWAITING_CORRECTION = "awaiting_correction"
CONSULTING = "consulting"
AWAITING_FEE = "awaiting_fee"
AWAITING_REASONS = "awaiting_reasons"
DECIDED = "decided"
CONCLUDED = "concluded"
CLOSED = "closed"
VOID = "void"  # a registration entered in error, voided by the office head: kept, counted nowhere

STATE_LABELS = {
    REGISTERED: "待确认收到",
    IN_PROGRESS: "办理中",
    AWAITING_CORRECTION: "待补正",
    CONSULTING: "征求意见中",
    AWAITING_FEE: "待缴费",
    AWAITING_REASONS: "待说明理由",
    DECIDED: "已决定待答复",
    CONCLUDED: "已办结",
    CLOSED: "已送达归档",
    VOID: "已作废（登记错误）",
}
STATES = tuple(STATE_LABELS)
OPEN_STATES = (REGISTERED, IN_PROGRESS, AWAITING_CORRECTION, CONSULTING, AWAITING_FEE, AWAITING_REASONS, DECIDED)
CONCLUDED_STATES = (CONCLUDED, CLOSED)
# Before any decision: a registration entered in error may still be voided (docs/procedure.md, "Void").
UNDECIDED_STATES = (REGISTERED, IN_PROGRESS, AWAITING_CORRECTION, CONSULTING, AWAITING_FEE, AWAITING_REASONS)


@dataclass(frozen=True)
class Step:
    """One row of the lifecycle: act, from, to, the condition that picks the row, the article behind it."""

    trigger: str
    sources: tuple[str, ...]
    dest: str  # "=" stays in the same state
    article: str
    label: str
    condition: str | None = None


REGULATIONS = "《中华人民共和国政府信息公开条例》"
FEE_MEASURES = "《政府信息公开信息处理费管理办法》"

LIFECYCLE: tuple[Step, ...] = (
    Step("confirm_receipt", (REGISTERED,), IN_PROGRESS, "第三十一条", "确认收到申请"),
    Step("request_correction", (IN_PROGRESS,), AWAITING_CORRECTION, "第三十条", "一次性告知补正"),
    Step("corrected", (AWAITING_CORRECTION,), IN_PROGRESS, "第三十条", "收到补正后的申请（重新计算答复期限）"),
    Step("consult", (IN_PROGRESS, CONSULTING), CONSULTING, "第三十二条、第三十四条", "征求第三方或其他机关意见"),
    Step("opinion", (CONSULTING,), CONSULTING, "第三十二条、第三十四条", "记录意见（仍有未答复的征求意见）",
         condition="others_open"),
    Step("opinion", (CONSULTING,), IN_PROGRESS, "第三十二条、第三十四条", "记录意见", condition="none_open"),
    Step("fee_notice", (IN_PROGRESS,), AWAITING_FEE, "第四十二条", "发出收费通知"),
    Step("fee_paid", (AWAITING_FEE,), IN_PROGRESS, FEE_MEASURES, "收到缴费"),
    Step("request_reasons", (IN_PROGRESS,), AWAITING_REASONS, "第三十五条", "要求申请人说明理由"),
    Step("reasons_received", (AWAITING_REASONS,), IN_PROGRESS, "第三十五条", "收到申请人的说明"),
    Step("set_deadline", (IN_PROGRESS,), "=", "第三十五条", "确定合理的答复期限"),
    Step("extend", (IN_PROGRESS, CONSULTING, AWAITING_FEE, AWAITING_REASONS), "=", "第三十三条第二款", "延长答复期限"),
    Step("decide", (IN_PROGRESS,), DECIDED, "第三十六条至第三十九条", "作出处理决定"),
    # Art. 35: an applicant who never explains does not hold the case: once the period has run out, staff
    # may decide `excessive` (acts.decide checks the outcome and the period).
    Step("decide", (AWAITING_REASONS,), DECIDED, "第三十五条", "逾期未说明理由，作出不予处理决定"),
    Step("reply", (DECIDED,), CONCLUDED, "第三十三条", "出具答复"),
    Step("deliver_reply", (CONCLUDED,), CLOSED, "", "答复送达"),
    Step("withdraw", OPEN_STATES, CONCLUDED, "", "申请人撤回申请"),
    Step("lapse_correction", (AWAITING_CORRECTION,), CONCLUDED, "第三十条", "逾期未补正，视为放弃申请"),
    Step("lapse_fee", (AWAITING_FEE,), CONCLUDED, FEE_MEASURES, "逾期未缴费，视为放弃申请"),
    # A case closed as abandoned returns to where it was (docs/procedure.md, "Reopening"): the office head reopens it.
    Step("reopen", (CONCLUDED,), AWAITING_CORRECTION, "第三十条", "恢复办理（逾期不补正的终止有误或有正当理由）",
         condition="lapsed_correction"),
    Step("reopen", (CONCLUDED,), AWAITING_FEE, FEE_MEASURES, "恢复办理（逾期未缴费的终止有误或有正当理由）",
         condition="lapsed_fee"),
    Step("void", UNDECIDED_STATES, VOID, "", "作废登记错误的申请"),
)

STEPS_BY_TRIGGER: dict[str, list[Step]] = {}
for _s in LIFECYCLE:
    STEPS_BY_TRIGGER.setdefault(_s.trigger, []).append(_s)

# Every kind of event the record holds, declared once: the acts of the table above (`deliver_reply` is not an
# event of its own: the delivery of the reply letter fires it), and the records that move no state: the
# registration, a delivery, an appeal and its result, an imported conclusion, the sweep's note of a missed reply
# deadline, a correction of the registration data. `domain/case.py` has one replay handler per kind.
RECORD_KINDS = ("register", "deliver", "appeal", "appeal_result", "imported_conclusion", "deadline_missed", "amend")
EVENT_KINDS = tuple(t for t in STEPS_BY_TRIGGER if t != "deliver_reply") + RECORD_KINDS


class CaseAdapter:
    """What the shared machine fires on: a state and the facts its conditions read."""

    __slots__ = ("state", "open_consultations", "outcome")

    def __init__(self, state: str, open_consultations: int = 0, outcome: str | None = None):
        self.state = state
        self.open_consultations = open_consultations
        self.outcome = outcome

    def lapsed_correction(self) -> bool:
        return self.outcome == "no_correction"

    def lapsed_fee(self) -> bool:
        return self.outcome == "fee_unpaid"

    def others_open(self) -> bool:
        return self.open_consultations > 0

    def none_open(self) -> bool:
        return self.open_consultations <= 0


MACHINE = Machine(
    model=None,
    states=list(STATES),
    transitions=[
        {"trigger": s.trigger, "source": list(s.sources), "dest": s.dest, **({"conditions": s.condition} if s.condition else {})}
        for s in LIFECYCLE
    ],
    initial=REGISTERED,
    auto_transitions=False,
)


class WrongState(Exception):
    """The act is not allowed in the case's current state."""

    def __init__(self, trigger: str, state: str):
        self.trigger, self.state = trigger, state
        step = STEPS_BY_TRIGGER[trigger][0]
        allowed = "、".join(STATE_LABELS[s] for s in dict.fromkeys(x for st in STEPS_BY_TRIGGER[trigger] for x in st.sources))
        basis = f"（{REGULATIONS}{step.article}）" if step.article.startswith("第") else ""
        super().__init__(f"案件处于「{STATE_LABELS[state]}」状态，不能{step.label}：该办理环节只适用于{allowed}的案件{basis}")


def fire(adapter: CaseAdapter, trigger: str) -> str:
    """Move the adapter by one act; raises WrongState when the table has no row for it."""
    try:
        ok = MACHINE.events[trigger].trigger(adapter)
    except MachineError:
        raise WrongState(trigger, adapter.state) from None
    if not ok:
        raise WrongState(trigger, adapter.state)
    return adapter.state


def allowed_acts(state: str) -> list[str]:
    return MACHINE.get_triggers(state)


def mermaid() -> str:
    """The lifecycle as a Mermaid state diagram, drawn from the same table the machine runs on."""
    lines = ["stateDiagram-v2", f"    [*] --> {REGISTERED}: 登记（需确认的渠道）", f"    [*] --> {IN_PROGRESS}: 登记（已收到）"]
    for s in LIFECYCLE:
        for src in s.sources:
            dest = src if s.dest == "=" else s.dest
            art = f" {s.article}" if s.article else ""
            lines.append(f"    {src} --> {dest}: {s.trigger}{art}")
    lines.append(f"    {CLOSED} --> [*]")
    lines.append(f"    {VOID} --> [*]")
    for code, label in STATE_LABELS.items():
        lines.append(f"    {code}: {code} {label}")
    return "\n".join(lines) + "\n"
