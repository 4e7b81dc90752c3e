"""How cases look: the JSON of docs/contract.md, and Chinese text for people (Rich, imported only when printing)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..domain.case import CaseView, Event
from ..domain.codes import APPEAL_KINDS, APPEAL_RESULTS, OUTCOMES, ApplicantType, Channel
from ..domain.lifecycle import STATE_LABELS
from ..store.models import CaseFile

DEADLINE_LABELS = {
    "reply_due": "答复期限",
    "correction_notice_due": "补正告知期限",
    "correction_due": "补正期限",
    "opinion_due": "征求意见期限",
    "payment_due": "缴费期限",
    "reasons_due": "说明理由期限",
}

EVENT_LABELS = {
    "register": "登记",
    "confirm_receipt": "确认收到申请",
    "request_correction": "告知补正",
    "corrected": "收到补正",
    "consult": "征求意见",
    "opinion": "收到意见",
    "fee_notice": "收费通知",
    "fee_paid": "缴费",
    "request_reasons": "要求说明理由",
    "reasons_received": "收到说明",
    "set_deadline": "确定答复期限",
    "extend": "延长答复期限",
    "decide": "作出决定",
    "reply": "答复",
    "deliver": "送达",
    "withdraw": "撤回",
    "lapse_correction": "逾期不补正终止",
    "lapse_fee": "逾期未缴费终止",
    "appeal": "提起复议或诉讼",
    "appeal_result": "复议或诉讼审结",
    "imported_conclusion": "办结（导入的历史记录）",
    "reopen": "恢复办理",
    "void": "作废登记",
    "amend": "更正登记信息",
    "deadline_missed": "答复期限届满未答复",
}

DELIVERY_WORDS = {"in_person": "直接送达", "post": "邮寄送达", "electronic": "电子送达", "other": "其他方式送达"}


def describe(e: Event) -> str:
    """One event of the history in words (never a Python representation of its data)."""
    d = e.data
    parts: list[str] = []
    if e.kind == "register":
        parts.append(f"收到申请之日{d['received_on']}" if d.get("received_on") else "待确认收到")
        parts.append({"strict": "非工作日收到的按实际收到之日计算", "shifted": "非工作日收到的自下一个工作日起算"}
                     .get(d.get("counting", ""), ""))
    elif e.kind == "request_correction":
        parts += [f"补正事项：{d['items']}", f"补正期限{d['period']}个工作日",
                  DELIVERY_WORDS.get(d.get("delivery", ""), ""), "晚于7个工作日" if d.get("late") else ""]
    elif e.kind == "corrected":
        parts += [f"补正后的申请内容：{d['content']}" if d.get("content") else "", "晚于补正期限" if d.get("late") else ""]
    elif e.kind == "consult":
        parts += [f"征求{d['party']}意见", f"涉及的信息：{d['about']}" if d.get("about") else ""]
    elif e.kind == "opinion":
        result = {"agree": "同意公开", "object": "不同意公开", "none": "逾期未答复"}.get(d.get("result", ""), "")
        parts += [f"{d.get('party', '')}{result}", f"理由：{d['reason']}" if d.get("reason") else "", d.get("effect", "")]
    elif e.kind == "fee_notice":
        unit = "件" if d.get("method") == "per_item" else "页"
        parts += [f"{d.get('quantity')}{unit}", f"应缴{d.get('amount')}元", d.get("computation", ""),
                  DELIVERY_WORDS.get(d.get("delivery", ""), "")]
    elif e.kind == "request_reasons":
        parts += [f"说明期限{d['period']}个工作日", DELIVERY_WORDS.get(d.get("delivery", ""), "")]
    elif e.kind == "reasons_received":
        parts.append(f"确定答复期限{d['set_due']}" if d.get("set_due") else "")
    elif e.kind == "set_deadline":
        parts.append(f"确定答复期限{d['due']}")
    elif e.kind == "extend":
        parts += [f"延长{d['days']}个工作日", f"经{d.get('approver', '')}同意"]
    elif e.kind == "decide":
        parts.append(outcome_label(d.get("outcome")) or "")
        parts += [f"{_FACT_WORDS[k]}：{d[k]}" for k in _FACT_WORDS if d.get(k)]
        parts += [f"不予公开：{w['part']}（{outcome_label(w['code'])}：{w['reason']}）" for w in d.get("withheld", [])]
        parts.append({"unreasonable": "申请人说明的理由不合理", "not_given": "申请人逾期未说明理由"}.get(d.get("explanation", ""), ""))
    elif e.kind in ("reply", "withdraw", "lapse_correction", "lapse_fee", "imported_conclusion"):
        parts.append(outcome_label(d.get("outcome")) or "")
    elif e.kind == "deliver":
        parts += [f"文书{d['letter']}", DELIVERY_WORDS.get(d.get("method", ""), ""),
                  f"凭证：{d['proof']}" if d.get("proof") else ""]
    elif e.kind == "reopen":
        parts += [f"原以「{outcome_label(d.get('reopened'))}」终止于{d.get('closed_on', '')}", f"经{d.get('approver', '')}决定",
                  f"期限重新计算{d.get('period')}个工作日"]
    elif e.kind == "void":
        parts.append(f"经{d.get('approver', '')}决定")
    elif e.kind == "amend":
        parts.append("更正：" + "、".join(_AMEND_WORDS.get(f, f) for f in d.get("fields", [])))
    elif e.kind == "deadline_missed":
        parts.append(f"答复期限{d.get('due')}")
    elif e.kind == "appeal":
        parts.append(APPEAL_KINDS.get(d.get("kind", ""), ""))
    elif e.kind == "appeal_result":
        parts.append(APPEAL_RESULTS.get(d.get("result", ""), ""))
    if d.get("letter") and e.kind != "deliver":
        parts.append(f"文书{d['letter']}")
    parts += [f"文书{x['number']}" for x in d.get("also_letters", [])]
    return "；".join(p for p in parts if p)


_FACT_WORDS = {"reason": "理由", "provided": "提供", "where": "获取途径", "search": "检索情况",
               "responsible_body": "负责公开的机关", "responsible_contact": "联系方式", "earlier_reply": "此前答复",
               "objection_unfounded": "第三方异议不成立的理由", "public_interest": "公共利益理由"}
_AMEND_WORDS = {"applicant_name": "申请人姓名或名称", "phone": "联系电话", "email": "电子邮箱", "address": "通信地址",
                "id_number": "证件号码"}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def outcome_label(code: str | None) -> str | None:
    return OUTCOMES[code].label if code in OUTCOMES else None


def row_json(row: CaseFile) -> dict[str, Any]:
    """A case from its cached columns (no replay): what `case list --json` prints."""
    deadlines = dict(row.deadlines or {})
    return {
        "id": row.id,
        "body": row.body,
        "state": row.state,
        "state_label": STATE_LABELS.get(row.state, row.state),
        "applicant": row.applicant_name,
        "applicant_type": row.applicant_type,
        "channel": row.channel,
        "content": row.content,
        "registered_on": _iso(row.registered_on),
        "received_on": _iso(row.received_on),
        "outcome": row.outcome,
        "concluded_on": _iso(row.concluded_on),
        "deadlines": deadlines,
        "deadlines_provisional": list(row.deadlines_provisional or []),
        "next_due": _iso(row.next_due),
        "handler": row.handler,
    }


def case_json(row: CaseFile, view: CaseView, events: list[Event] | None = None, letters: Any = None) -> dict[str, Any]:
    """A case as it stands, replayed on the calendar in force (docs/contract.md, "A case in JSON")."""
    data: dict[str, Any] = {
        "id": row.id,
        "body": row.body,
        "state": view.state,
        "state_label": STATE_LABELS[view.state],
        "applicant": row.applicant_name,
        "applicant_type": row.applicant_type,
        "channel": row.channel,
        "registered_on": _iso(row.registered_on),
        "received_on": _iso(view.received_on),
        "outcome": view.outcome,
        "outcome_label": outcome_label(view.outcome),
        "concluded_on": _iso(view.concluded_on),
        "deadlines": {name: d.due.isoformat() for name, d in view.deadlines.items()},
        "deadlines_provisional": view.provisional,
        "extension_days": view.extension_total,
        "replied_on_time": view.replied_on_time,
        "late": view.late,
        "missed": [d.isoformat() for d in view.missed],
        "counting": view.counting,
        "void": ({"on": view.void["on"].isoformat(), "reason": view.void["reason"], "approver": view.void["approver"]}
                 if view.void else None),
        "handler": row.handler,
        "letters": [{"number": ref.number, "kind": ref.kind, "issued_on": ref.issued_on.isoformat(),
                     "delivered_on": _iso(ref.delivered_on), "superseded_by": ref.superseded_by}
                    for ref in view.letters.values()],
        "appeals": [{"no": a.no, "kind": a.kind, "filed_on": a.filed_on.isoformat(), "result": a.result,
                     "decided_on": _iso(a.decided_on)} for a in view.appeals],
    }
    if events is not None:
        data["content"] = row.content
        data["decision"] = view.decision or None
        data["consultations"] = [{"party": c.party, "kind": c.kind, "sent_on": c.sent_on.isoformat(), "due": c.due.isoformat(),
                                  "answered_on": _iso(c.answered_on), "result": c.result, "reason": c.reason}
                                 for c in view.consultations]
        data["explanations"] = {name: d.to_json() for name, d in view.deadlines.items()}
        data["events"] = [{"seq": e.seq, "kind": e.kind, "on": e.on.isoformat(), "actor": e.actor, "reason": e.reason,
                           "data": e.data} for e in events]
    return data


def _console():
    from ..console import console

    return console()


def _text(value: Any) -> str:
    """Entered text inside Rich markup: printed as typed ("[/b]" in a name is text, not a closing tag)."""
    from rich.markup import escape

    return escape(str(value))


def print_case(ctx: Any, row: CaseFile, view: CaseView, events: list[Event] | None = None) -> None:
    con = _console()
    received = view.received_on.isoformat() if view.received_on else "待确认"
    con.print(f"[bold]{row.id}[/bold]  {STATE_LABELS[view.state]}  申请人：{_text(row.applicant_name)}"
              f"（{ApplicantType(row.applicant_type).label}）  渠道：{Channel(row.channel).label}  收到申请：{received}")
    if view.outcome:
        con.print(f"处理结果：{outcome_label(view.outcome)}" + (f"  办结日期：{view.concluded_on.isoformat()}" if view.concluded_on else ""))
    for name, d in view.deadlines.items():
        mark = "（暂定）" if d.provisional else ""
        con.print(f"{DEADLINE_LABELS.get(name, name)}：{d.due.isoformat()}{mark}")
    for note in view.late:
        con.print(f"[yellow]记录：{note}[/yellow]")
    if view.void:
        con.print(f"[yellow]已于{view.void['on'].isoformat()}作废（{_text(view.void['reason'])}），不计入年度报告和收费件数[/yellow]")
    for ref in view.letters.values():
        sent = f"，{ref.delivered_on.isoformat()}送达" if ref.delivered_on else ""
        old = f"，已由{ref.superseded_by}更正重发" if ref.superseded_by else ""
        con.print(f"文书：{ref.number}（{ref.issued_on.isoformat()}出具{sent}{old}）")
    for a in view.appeals:
        res = APPEAL_RESULTS[a.result] if a.result else "尚未审结"
        con.print(f"{APPEAL_KINDS[a.kind]}：{a.filed_on.isoformat()}提起，{res}")
    if events is None:
        return
    if view.deadlines:
        con.print("\n[bold]期限说明[/bold]")
        for name, d in view.deadlines.items():
            con.print(f"{DEADLINE_LABELS.get(name, name)}")
            for line in d.lines():
                con.print(f"  {line}", markup=False)
    con.print("\n[bold]办理记录[/bold]")
    for e in events:
        why = f"  理由：{e.reason}" if e.reason else ""
        con.print(f"{e.seq:>3}  {e.on.isoformat()}  {EVENT_LABELS.get(e.kind, e.kind)}  （{e.actor}）  {describe(e)}{why}",
                  markup=False)


def print_list(ctx: Any, rows: list[CaseFile]) -> None:
    from rich.table import Table

    con = _console()
    if not rows:
        con.print("没有符合条件的案件")
        return
    today = ctx.today()
    table = Table(show_lines=False)
    table.add_column("编号", no_wrap=True)  # a registration number never wraps mid-code
    for col in ("申请人", "申请内容", "状态", "收到申请", "答复期限", "最近期限", "剩余工作日", "结果"):
        table.add_column(col)
    uncounted: list[str] = []  # a deadline outside the calendar's reach: listed, never fatal for the others
    for r in rows:
        left = ""
        if r.next_due and r.state not in ("concluded", "closed"):
            try:
                n = ctx.cal.with_assumption(True).workdays_between(min(today, r.next_due), max(today, r.next_due))
                left = f"已逾期{n}" if r.next_due < today else str(n)
            except (ValueError, OverflowError):
                left = "无法计算"
                uncounted.append(r.id)
        due = (r.reply_due.isoformat() if r.reply_due else "—") + ("（暂定）" if r.provisional else "")
        asked = (r.content or "").replace("\n", " ")
        asked = asked[:16] + "…" if len(asked) > 16 else asked
        table.add_row(r.id, _text(r.applicant_name), _text(asked), STATE_LABELS.get(r.state, r.state),
                      _iso(r.received_on) or "待确认", due, _iso(r.next_due) or "—", left, outcome_label(r.outcome) or "")
    con.print(table)
    con.print(f"共 {len(rows)} 件")
    if uncounted:
        con.print(f"[yellow]{len(uncounted)} 件案件的期限超出日历可以计算的范围，剩余工作日无法计算（请查看案件）："
                  f"{'、'.join(uncounted)}[/yellow]")
    provisional = [r.id for r in rows if r.provisional and r.state not in ("concluded", "closed")]
    if provisional:
        con.print(f"[yellow]{len(provisional)} 件案件的期限涉及尚未公布节假日安排的年份，为暂定期限（按周一至周五计算）："
                  f"{'、'.join(provisional)}[/yellow]")
    from .. import services

    if services.calendar_changed(ctx):
        con.print("[yellow]日历文件已变更：请运行 request-flow calendar recompute 重新计算未办结案件的期限[/yellow]")


def calendar_year(cal: Any, year: int, as_json: bool) -> None:
    if year not in cal.known_years:
        from ..domain.workdays import MissingScheduleError

        raise MissingScheduleError([year])
    sched = cal.schedules[year]
    rules = sorted([*sched.rules, *[r for r in cal.local if r.day.year == year]], key=lambda r: r.day)
    items = [{"date": r.day.isoformat(), "working": r.working, "name": r.name, "source": r.source} for r in rules]
    if as_json:
        print(json.dumps({"year": year, "workdays": cal.workdays_in_year(year), "source": sched.source,
                          "calendar_version": cal.version, "days": items}, ensure_ascii=False, indent=2))
        return
    con = _console()
    con.print(f"{year}年：共{cal.workdays_in_year(year)}个工作日；日历版本：{cal.version}")
    weekdays = "一二三四五六日"
    for r in rules:
        kind = "调休上班" if r.working else "放假"
        con.print(f"{r.day.isoformat()} 周{weekdays[r.day.weekday()]}  {kind}  {r.name}  依据：{r.source}", markup=False)


def notice_import(result: dict[str, Any]) -> None:
    """What `calendar import-notice` found and did."""
    weekdays = "一二三四五六日"

    def day(iso: str) -> str:
        d = date.fromisoformat(iso)
        return f"{iso}（周{weekdays[d.weekday()]}）"

    out = [f"{result['source']}：{result['year']}年"]
    out.append("放假：")
    for h in result["holidays"]:
        span = day(h["from"]) if h["from"] == h["to"] else f"{day(h['from'])}至{day(h['to'])}"
        out.append(f"  {h['name']}  {span}，共{h['days']}天{'（调休）' if h['makeup'] else ''}")
    out.append("调休上班：" + ("" if result["workdays"] else "无"))
    out += [f"  {day(w['date'])}  {w['name']}调休上班" for w in result["workdays"]]
    out += [f"提示（不改变工作日）：{a}" for a in result["advice"]]
    if result["dry_run"]:
        out.append(f"试运行：未写入。导入后将写入日历文件 {result['file']}"
                   + (f"（第{result['version']}版）" if result["changed"] else f"（与现有第{result['version']}版相同，不会改动）"))
    elif not result["changed"]:
        out.append(f"日历文件 {result['file']} 第{result['version']}版已是这份通知的安排，未改动")
    elif result["previous_version"]:
        out.append(f"已更新日历文件 {result['file']}：第{result['previous_version']}版 → 第{result['version']}版"
                   f"（修改记录见文件中的 [[history]]）")
    else:
        out.append(f"已写入日历文件 {result['file']}（第{result['version']}版）")
    moved = result["moved"]
    verb = "将变动" if result["dry_run"] else "已变动"
    out.append(f"期限{verb}的未办结案件：{len(moved)}件" + ("" if moved else "（没有）"))
    for m in moved:
        mark = "（暂定）" if m["provisional"] else ""
        out.append(f"  {m['id']}：答复期限 {m['reply_due_before'] or '—'} → {m['reply_due'] or '—'}{mark}；"
                   f"最近期限 {m['next_due_before'] or '—'} → {m['next_due'] or '—'}")
    con = _console()
    for line in out:
        con.print(line, markup=False, highlight=False)
