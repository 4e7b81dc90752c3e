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
        rows.append(("机构负责人", "已另行提醒机构负责人（" + ("答复已逾期，请其督办）" if due.overdue else
                                                "答复期限将至，确需延期的须经其同意）")))
    cmds = commands(due.kind, case_id, due.overdue) + [f"request-flow case show {case_id}（查看办理记录和期限计算说明）"]
    text = "\n".join([headline, "", *(f"{k}：{v}" for k, v in rows), "", "办理：", *(f"  {c}" for c in cmds), "",
                      "本邮件由 request-flow 期限检查自动发送；不含申请人个人信息。"]) + "\n"
    html = ("<html><body style=\"font-family: sans-serif\">"
            f"<h3>{escape(headline)}</h3><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">"
            + "".join(f"<tr><th align=\"left\">{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
            + "</table><p>办理：</p><ul>" + "".join(f"<li><code>{escape(c)}</code></li>" for c in cmds)
            + "</ul><p style=\"color:#666\">本邮件由 request-flow 期限检查自动发送；不含申请人个人信息。</p></body></html>")
    return Composed(headline, text, html)


def head_reminder(*, case_id: str, body_name: str, handler: str | None, applicant_name: str | None,
                  applicant_type: str, state: str, due: Due, provisional: bool = False) -> Composed:
    """The office head's copy of a reply reminder: who handles the case and what the head must decide, in plain
    words; no commands (the head does not run the program; the clerk's copy carries them)."""
    label, article = LABELS[due.kind]
    who = handler or "（未指定承办人）"
    if due.overdue:
        headline = f"【请督办】{case_id} 答复已逾期{-due.days_left}个工作日（承办人：{who}）"
        when = f"已逾期{-due.days_left}个工作日"
        decide = [f"本申请的答复期限已于{_day(due.due_on)}届满，至今尚未答复。",
                  f"请督促承办人{who}尽快作出答复；逾期未答复的，申请人可以依法申请行政复议或者提起行政诉讼。"]
    else:
        left = "今天届满" if due.days_left == 0 else f"还有{due.days_left}个工作日"
        headline = f"【请决定是否延期】{case_id} 答复期限{due.due_on.isoformat()}，{left}（承办人：{who}）"
        when = left
        decide = [f"本申请的答复期限是{_day(due.due_on)}，{left}。",
                  "需要您决定：是否同意延长答复期限。确实不能按期答复、需要延期的，须经您同意，延长最多20个工作日，"
                  f"并在期限届满前告知申请人（{REGULATIONS}第三十三条第二款）。",
                  f"同意延期的，请告诉承办人{who}，由其登记并告知申请人；不需要延期的，无需处理。"]
    rows = [
        ("案件编号", f"{case_id}（{body_name}）"),
        ("承办人", who),
        ("申请人", f"{initials(applicant_name)}（{APPLICANT_TYPE_LABELS.get(applicant_type, applicant_type)}）"),
        ("事项", f"{label}（{article}）"),
        ("期限", _day(due.due_on) + ("（暂定：该年节假日安排尚未公布）" if provisional else "")),
        ("剩余", when),
        ("当前状态", STATE_LABELS.get(state, state)),
    ]
    footer = "本邮件由期限检查自动发送给政府信息公开工作机构负责人；不含申请人个人信息。"
    text = "\n".join([headline, "", *(f"{k}：{v}" for k, v in rows), "", "需要您做的：", *(f"  {x}" for x in decide), "",
                      footer]) + "\n"
    html = ("<html><body style=\"font-family: sans-serif\">"
            f"<h3>{escape(headline)}</h3><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">"
            + "".join(f"<tr><th align=\"left\">{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
            + "</table><p>需要您做的：</p>" + "".join(f"<p>{escape(x)}</p>" for x in decide)
            + f"<p style=\"color:#666\">{escape(footer)}</p></body></html>")
    return Composed(headline, text, html)


def digest(*, body_name: str, body_code: str, today: date, items: list[tuple[str, str, date, int]],
           unreadable: list[str] | None = None) -> Composed:
    """The morning digest: every running deadline within the reminder window, and every overdue reply; the
    cases whose deadlines cannot be counted today are named, never a reason to send no digest. It goes to
    the office mailbox and the heads: plain words, no commands."""
    overdue = [i for i in items if i[3] < 0]
    today_ = [i for i in items if i[3] == 0]
    subject = (f"【每日期限汇总】{body_name} {today.isoformat()}：今天届满{len(today_)}件，已逾期{len(overdue)}件，"
               f"近期届满{len(items) - len(overdue) - len(today_)}件")
    lines = []
    for case_id, kind, due_on, left in items:
        when = "今天届满" if left == 0 else (f"还有{left}个工作日" if left > 0 else f"已逾期{-left}个工作日")
        lines.append((case_id, LABELS[kind][0], due_on.isoformat(), when))
    listed = [f"  {a}  {b}  {c}  {d}" for a, b, c, d in lines] or ["  今天没有需要提醒的期限。"]
    odd = ([f"以下案件的期限今天无法计算（如确定的期限超出日历范围），请承办人查看：{'、'.join(unreadable)}", ""]
           if unreadable else [])
    text = "\n".join([subject, "", *listed, "", *odd,
                      "各案的办理记录和期限计算说明可在案件系统中查看。", "",
                      "本邮件由 request-flow 期限检查自动发送；不含申请人个人信息。"]) + "\n"
    html = ("<html><body style=\"font-family: sans-serif\">" f"<h3>{escape(subject)}</h3>"
            "<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>案件编号</th><th>事项</th><th>期限</th><th>剩余</th></tr>"
            + "".join("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in row) + "</tr>" for row in lines)
            + "</table>" + (f"<p>{escape(odd[0])}</p>" if odd else "") + "</body></html>")
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
