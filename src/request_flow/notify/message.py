"""The reminder and digest e-mails: Chinese, plain text and HTML, no applicant personal data.

What a reminder says: the case number, what is due and under which article, the date, the working days left
(or overdue), the case's state, and the command that acts on it. The applicant appears as the first character
of the name and 某 at most (docs/decisions.md, "Applicant data"): never an ID number, a phone number, an address or the request text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate
from html import escape

from ..domain.codes import APPLICANT_TYPE_LABELS
from ..domain.lifecycle import FEE_MEASURES, REGULATIONS, STATE_LABELS
from .policy import Due

WEEKDAYS = "一二三四五六日"
# Periods that run from a notice's receipt: once passed while that day is unknown, staff are asked to record it.
WAITS_FOR_DELIVERY = ("correction_due", "payment_due")

LABELS = {
    "reply_due": ("答复期限", f"{REGULATIONS}第三十三条"),
    "correction_notice_due": ("补正告知期限", f"{REGULATIONS}第三十条（收到申请之日起7个工作日内一次性告知）"),
    "correction_due": ("申请人补正期限", f"{REGULATIONS}第三十条"),
    "opinion_due": ("征求意见期限", f"{REGULATIONS}第三十二条、第三十四条（15个工作日）"),
    "payment_due": ("缴费期限", f"{FEE_MEASURES}（20个工作日）"),
    "reasons_due": ("说明理由期限", f"{REGULATIONS}第三十五条"),
}


def commands(kind: str, case_id: str, overdue: bool) -> list[str]:
    c = f"request-flow case {{}} {case_id}"
    if overdue and kind in WAITS_FOR_DELIVERY:
        # the period passed on the issue day, but its start (the notice's receipt) is not known: no closure
        return [c.format("delivered") + " --letter 文号 --method post --on 送达日期（记录通知书送达申请人之日）",
                "通知书的送达日期尚未记录，期限无从起算，期限检查不会据此终止办理（视为放弃申请须以送达为前提）"]
    if overdue and kind == "reasons_due":
        return [c.format("reasons-received") + " [--set-due 日期]（收到申请人的说明）",
                c.format("decide") + " --outcome excessive --reason 理由（期限届满未说明理由的，可以不予处理，第三十五条）"]
    if kind == "reply_due":
        out = [c.format("decide") + " --outcome 处理结果代码 …（作出决定）", c.format("reply") + "（出具答复书）"]
        if not overdue:
            out.append(c.format("extend") + " --days N --approver 机构负责人（确需延期的，须在期限届满前经机构负责人同意，"
                                            "累计不超过20个工作日，第三十三条第二款）")
        return out
    return {
        "correction_notice_due": [c.format("request-correction") + " --items 需要补正的事项（一次性告知）"],
        "correction_due": [c.format("corrected") + "（收到补正后的申请）",
                           "期满未补正的，期限检查将于期满后自动终止办理（逾期不补正，第三十条）"],
        "opinion_due": [c.format("opinion") + " --result agree|object [--reason 理由]（记录意见）",
                        "期满未答复的，期限检查将自动记录：第三方逾期未提出意见由本机关决定（第三十二条），"
                        "共同制作机关逾期未答复视为同意公开（第三十四条）"],
        "payment_due": [c.format("paid") + "（收到缴费）", "期满未缴费的，期限检查将自动终止办理（逾期未缴费）"],
        "reasons_due": [c.format("reasons-received") + " [--set-due 日期]（收到申请人的说明）"],
    }.get(kind, [])


def initials(name: str | None) -> str:
    """The applicant at most by the first character: 张某某 -> 张某."""
    name = (name or "").strip()
    return f"{name[0]}某" if name else "（未记载）"


def message_id(case_id: str, kind: str, due_on: date, offset: int, domain: str = "request-flow.localhost") -> str:
    """Stable for a reminder's key: a copy sent again after a crash carries the same Message-ID."""
    h = hashlib.sha256(f"{case_id}|{kind}|{due_on.isoformat()}|{offset}".encode()).hexdigest()[:32]
    return f"<{h}.reminder@{domain}>"


def _day(d: date) -> str:
    return f"{d.isoformat()}（星期{WEEKDAYS[d.weekday()]}）"


@dataclass
class Composed:
    subject: str
    text: str
    html: str


def reminder(*, case_id: str, body_name: str, applicant_name: str | None, applicant_type: str, state: str,
             due: Due, head: bool, provisional: bool = False) -> Composed:
    label, article = LABELS[due.kind]
    if due.days_left > 0:
        when, headline = f"还有{due.days_left}个工作日", f"【期限提醒】{case_id} {label}{due.due_on.isoformat()}，还有{due.days_left}个工作日"
    elif due.days_left == 0:
        when, headline = "今天届满", f"【今日到期】{case_id} {label}今天（{due.due_on.isoformat()}）届满"
    else:
        when, headline = f"已逾期{-due.days_left}个工作日", f"【已逾期】{case_id} {label}{due.due_on.isoformat()}已逾期{-due.days_left}个工作日"
    rows = [
        ("案件编号", f"{case_id}（{body_name}）"),
        ("申请人", f"{initials(applicant_name)}（{APPLICANT_TYPE_LABELS.get(applicant_type, applicant_type)}）"),
        ("事项", f"{label}（{article}）"),
        ("期限", _day(due.due_on) + ("（暂定：该年节假日安排尚未公布，或通知书的送达日期尚未记录）" if provisional else "")),
        ("剩余", when),
        ("当前状态", STATE_LABELS.get(state, state)),
    ]
    if head:
        note = ("答复已逾期，请督办。" if due.overdue else
                "答复期限将至：确需延长答复期限的，须经政府信息公开工作机构负责人同意并告知申请人（第三十三条第二款）。")
        rows.append(("请机构负责人注意", note))
    cmds = commands(due.kind, case_id, due.overdue) + [f"request-flow case show {case_id}（查看办理记录和期限计算说明）"]
    text = "\n".join([headline, "", *(f"{k}：{v}" for k, v in rows), "", "办理：", *(f"  {c}" for c in cmds), "",
                      "本邮件由 request-flow 期限检查自动发送；不含申请人个人信息。"]) + "\n"
    html = ("<html><body style=\"font-family: sans-serif\">"
            f"<h3>{escape(headline)}</h3><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">"
            + "".join(f"<tr><th align=\"left\">{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
            + "</table><p>办理：</p><ul>" + "".join(f"<li><code>{escape(c)}</code></li>" for c in cmds)
            + "</ul><p style=\"color:#666\">本邮件由 request-flow 期限检查自动发送；不含申请人个人信息。</p></body></html>")
    return Composed(headline, text, html)


def digest(*, body_name: str, body_code: str, today: date, items: list[tuple[str, str, date, int]]) -> Composed:
    """The morning digest: every running deadline within the reminder window, and every overdue reply."""
    overdue = [i for i in items if i[3] < 0]
    today_ = [i for i in items if i[3] == 0]
    subject = (f"【每日期限汇总】{body_name} {today.isoformat()}：今天届满{len(today_)}件，已逾期{len(overdue)}件，"
               f"近期届满{len(items) - len(overdue) - len(today_)}件")
    lines = []
    for case_id, kind, due_on, left in items:
        when = "今天届满" if left == 0 else (f"还有{left}个工作日" if left > 0 else f"已逾期{-left}个工作日")
        lines.append((case_id, LABELS[kind][0], due_on.isoformat(), when))
    listed = [f"  {a}  {b}  {c}  {d}" for a, b, c, d in lines] or ["  今天没有需要提醒的期限。"]
    text = "\n".join([subject, "", *listed, "",
                      f"查看：request-flow --body {body_code} case list --due-within 5；request-flow case list --overdue", "",
                      "本邮件由 request-flow 期限检查自动发送；不含申请人个人信息。"]) + "\n"
    html = ("<html><body style=\"font-family: sans-serif\">" f"<h3>{escape(subject)}</h3>"
            "<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>案件编号</th><th>事项</th><th>期限</th><th>剩余</th></tr>"
            + "".join("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in row) + "</tr>" for row in lines)
            + "</table></body></html>")
    return Composed(subject, text, html)


def email(*, sender: str, recipients: list[str], subject: str, text: str, html: str, msg_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = msg_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg
