"""The staff command line: parse, call a service, print. Nothing else happens here.

Heavy modules (Rich tables, Alembic) are imported only by the commands that print or migrate, so that
`case show ID --json` costs little more than importing the database layer and the CLI framework.
"""

from __future__ import annotations

from typing import Annotated

import typer

from .. import services
from ..domain import acts
from ..domain.codes import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    CONSULT_KINDS,
    DELIVERY_LABELS,
    FEE_METHODS,
    OPINION_RESULTS,
    OUTCOMES,
    ApplicantType,
    Channel,
)
from ..domain.errors import BadInput
from ..domain.lifecycle import STATE_LABELS
from .chinese import ChineseTyper
from .common import (
    APPEAL_NO,
    DUE_WITHIN,
    EXTENSION,
    LIMIT,
    PERIOD,
    QUANTITY,
    WORKDAYS,
    YEARS,
    CaseIdArg,
    JsonOpt,
    OnOpt,
    code_pairs,
    complete_case_letters,
    complete_codes,
    complete_letter_numbers,
    context,
    emit,
    parse_date,
)
from .completion import completion_command
from .deadlines import deadlines_app, worker_command
from .letters import letters_app
from .report import import_app, report_app

app = ChineseTyper(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="request-flow：政府信息公开申请办理（《中华人民共和国政府信息公开条例》）")
case_app = ChineseTyper(no_args_is_help=True, help="案件：登记、办理、查看")
staff_app = ChineseTyper(no_args_is_help=True, help="工作人员和角色")
calendar_app = ChineseTyper(no_args_is_help=True, help="工作日日历")
app.add_typer(case_app, name="case")
app.add_typer(staff_app, name="staff")
app.add_typer(calendar_app, name="calendar")
app.add_typer(letters_app, name="letters")
app.add_typer(deadlines_app, name="deadlines")
app.command("worker")(worker_command)
app.add_typer(report_app, name="report")
app.add_typer(import_app, name="import")
app.command("completion")(completion_command)



@app.callback()
def _settings(
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL（REQUEST_FLOW_DATABASE_URL）")] = None,
    config: Annotated[str | None, typer.Option("--config", help="配置文件（REQUEST_FLOW_CONFIG）")] = None,
    body: Annotated[str | None, typer.Option("--body", help="机关代码（REQUEST_FLOW_BODY）", metavar="代码")] = None,
    as_: Annotated[str | None, typer.Option("--as", help="办理人（REQUEST_FLOW_USER）", metavar="姓名")] = None,
) -> None:
    """These options are taken from anywhere on the line by the entry point; declared here for --help."""


_ctx = context

# Codes some options take, with the Chinese labels shell completion shows beside them.
LIFECYCLE_FORMATS = {"mermaid": "Mermaid 流程图", "table": "文字表格"}
ROLES = {"clerk": "工作人员", "office_head": "政府信息公开工作机构负责人"}
NOTICE_DELIVERY = ("in_person", "post", "electronic")  # how a notice is served (`--delivery`)
BY_STAFF = tuple(code for code, o in OUTCOMES.items() if o.by_staff)  # `case decide`; the rest by other acts


def _codes(choices) -> str:
    """The codes of an option with their Chinese labels, for --help: every code option takes either."""
    return "；".join(f"{code} {label}" for code, label in code_pairs(choices))


def _print_case(ctx: services.Context, row, view, as_json: bool, detail: bool = False, events=None) -> None:
    from . import render

    data = render.case_json(row, view, events=events if detail else None, letters=None)
    if as_json:
        emit(data)
    else:
        render.print_case(ctx, row, view, events=events if detail else None)


# -- setup -------------------------------------------------------------------------------------------------------

@app.command()
def init(as_json: JsonOpt = False) -> None:
    """创建或升级数据库（可重复运行）。"""
    ctx = _ctx()
    services.init_db(ctx)
    if as_json:
        emit({"database": _safe_url(ctx.url), "body": ctx.body.code, "body_name": ctx.body.name,
              "example_body": ctx.body.example, "calendar_version": ctx.cal.version})
        return
    typer.echo(f"数据库已就绪：{_safe_url(ctx.url)}；当前机关：{ctx.body.name}（{ctx.body.code}）")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command()
def lifecycle(fmt: Annotated[str, typer.Option("--format", help="mermaid 或 table", metavar="格式",
                                                  autocompletion=complete_codes(LIFECYCLE_FORMATS))] = "mermaid",
              as_json: JsonOpt = False) -> None:
    """画出案件办理流程（状态机），数据来自程序实际使用的流程表。"""
    from ..domain.lifecycle import LIFECYCLE, STATE_LABELS, mermaid

    if as_json:
        emit([{"trigger": s.trigger, "label": s.label, "from": list(s.sources), "to": s.dest, "article": s.article,
               "condition": s.condition} for s in LIFECYCLE])
    elif fmt == "mermaid":
        typer.echo(mermaid(), nl=False)
    elif fmt == "table":
        for s in LIFECYCLE:
            src = "、".join(STATE_LABELS[x] for x in s.sources)
            dest = "不变" if s.dest == "=" else STATE_LABELS[s.dest]
            typer.echo(f"{s.label}（{s.trigger}）：{src} → {dest}  {s.article}")
    else:
        raise BadInput(f"--format 应为 mermaid 或 table，不是「{fmt}」")


@app.command()
def demo(
    keep: Annotated[bool, typer.Option("--keep", help="保留演示数据库")] = False,
) -> None:
    """演示：在临时 SQLite 数据库上登记并办理一批申请，打印案件清单和期限说明。"""
    from .demo import run_demo

    run_demo(keep=keep)


# -- staff --------------------------------------------------------------------------------------------------------

@staff_app.command("add")
def staff_add(
    name: Annotated[str, typer.Argument(metavar="姓名", show_default=False)],
    role: Annotated[str, typer.Option("--role", help="clerk（工作人员）或 office_head（政府信息公开工作机构负责人）",
                                      autocompletion=complete_codes(ROLES))] = "clerk",
    email: Annotated[str | None, typer.Option("--email", help="电子邮箱（接收期限提醒）")] = None,
    as_json: JsonOpt = False,
) -> None:
    """登记工作人员及其角色。"""
    ctx = _ctx()
    row = services.add_staff(ctx, name, role, email)
    if as_json:
        emit({"name": row.name, "role": row.role, "email": row.email, "body": row.body})
    else:
        typer.echo(f"已登记：{row.name}（{'机构负责人' if row.role == 'office_head' else '工作人员'}）")


@staff_app.command("list")
def staff_list(as_json: JsonOpt = False) -> None:
    """列出工作人员。"""
    people = services.list_staff(_ctx())
    if as_json:
        emit(people)
        return
    for p in people:
        typer.echo(f"{p['name']}\t{'机构负责人' if p['role'] == 'office_head' else '工作人员'}\t{p['email'] or ''}")


# -- calendar -------------------------------------------------------------------------------------------------------

@calendar_app.command("add-workdays")
def calendar_add_workdays(
    start: Annotated[str, typer.Argument(metavar="日期", help="YYYY-MM-DD", show_default=False)],
    n: Annotated[int, typer.Argument(metavar="工作日数", help="负数为向前推算", show_default=False, **WORKDAYS)],
    as_json: JsonOpt = False,
) -> None:
    """打印某日期之后的第几个工作日（不含该日期当天；工作日数为负数时，为该日期之前的第几个工作日）。"""
    from ..calendar import WorkCalendar

    d = parse_date(start)
    cal = WorkCalendar.default()
    result = cal.add_workdays(d, n).isoformat()
    if as_json:
        emit({"date": result, "from": d.isoformat(), "workdays": n, "calendar_version": cal.version})
    else:
        typer.echo(result)


@calendar_app.command("show")
def calendar_show(year: Annotated[int, typer.Argument(metavar="年份", show_default=False, **YEARS)],
                  as_json: JsonOpt = False) -> None:
    """列出某年的放假日和调休上班日及其依据。"""
    from ..calendar import WorkCalendar
    from . import render

    cal = WorkCalendar.default()
    render.calendar_year(cal, year, as_json)


@calendar_app.command("recompute")
def calendar_recompute(as_json: JsonOpt = False) -> None:
    """日历文件变更后，重新计算所有未办结案件的期限，列出变动的期限。"""
    moved = services.recompute(_ctx())
    if as_json:
        emit(moved)
        return
    if not moved:
        typer.echo("所有未办结案件的期限均未变化")
    for m in moved:
        mark = "（暂定）" if m["provisional"] else ""
        typer.echo(f"{m['id']}：答复期限 {m['reply_due_before'] or '—'} → {m['reply_due'] or '—'}{mark}；"
                   f"最近期限 {m['next_due_before'] or '—'} → {m['next_due'] or '—'}")


@calendar_app.command("import-notice")
def calendar_import_notice(
    file: Annotated[str, typer.Argument(metavar="文件", help="国务院办公厅关于××年部分节假日安排的通知的全文（文本文件，UTF-8 或 GBK）")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只读取和显示，不写入日历文件，不改动案件")] = False,
    as_json: JsonOpt = False,
) -> None:
    """读入国务院办公厅的放假通知，写入本机关该年度的日历文件（配置文件旁的 calendar 文件夹），显示放假日、调休上班日和期限变动的案件；通知有任何一处无法读懂则不写入。"""
    from pathlib import Path

    from . import render

    result = services.import_notice(_ctx(), Path(file), dry_run=dry_run)
    if as_json:
        emit(result)
    else:
        render.notice_import(result)


# -- cases: registration and reading ------------------------------------------------------------------------------------

@case_app.command("new")
def case_new(
    applicant: Annotated[str, typer.Option("--applicant", help="申请人姓名或名称")],
    applicant_type: Annotated[str, typer.Option("--type", help="申请人类型，代码或中文名称：" + _codes(ApplicantType),
                                                 autocompletion=complete_codes(ApplicantType))],
    channel: Annotated[str, typer.Option("--channel", help="申请渠道，代码或中文名称：" + _codes(Channel),
                                          autocompletion=complete_codes(Channel))],
    received: Annotated[str | None, typer.Option("--received", metavar="日期",
                                                           help="收到申请之日（当面、邮寄签收必填；其他渠道为确认之日）")] = None,
    content: Annotated[str | None, typer.Option("--content", help="申请内容")] = None,
    id_type: Annotated[str | None, typer.Option("--id-type", help="申请人身份证件类型（如 居民身份证）")] = None,
    id_number: Annotated[str | None, typer.Option("--id-number", help="申请人身份证件号码（不写入日志和提醒邮件）")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="申请人联系电话")] = None,
    email: Annotated[str | None, typer.Option("--email", help="申请人电子邮箱")] = None,
    address: Annotated[str | None, typer.Option("--address", help="申请人通信地址（文书送达地址）")] = None,
    handler: Annotated[str | None, typer.Option("--handler", help="承办人（默认：办理人 --as）")] = None,
    on: Annotated[str | None, typer.Option("--on", help="登记日期 YYYY-MM-DD（默认：--received 给出的日期，未给出时为今天，北京时间）")] = None,
    as_json: JsonOpt = False,
) -> None:
    """登记一件政府信息公开申请；补登的申请期限已届满或即将届满的，予以提示。"""
    ctx = _ctx()
    row, view = services.register(
        ctx, applicant=applicant, applicant_type=applicant_type, channel=channel, on=parse_date(on, "登记日期"),
        received_on=parse_date(received, "收到申请之日"), content=content, id_type=id_type, id_number=id_number,
        phone=phone, email=email, address=address, handler=handler)
    warnings = services.registration_warnings(ctx, view)
    if as_json:
        from . import render

        emit({**render.case_json(row, view), "warnings": warnings})
        return
    _print_case(ctx, row, view, as_json)
    for w in warnings:
        typer.echo(w, err=True)


@case_app.command("show")
def case_show(case_id: CaseIdArg, as_json: JsonOpt = False) -> None:
    """查看案件：办理记录和每个期限的计算说明。"""
    ctx = _ctx()
    row, events, view = services.show(ctx, case_id)
    _print_case(ctx, row, view, as_json, detail=True, events=events)


@case_app.command("list")
def case_list(
    state: Annotated[str | None, typer.Option("--state", help="按状态筛选", autocompletion=complete_codes(STATE_LABELS))] = None,
    due_within: Annotated[int | None, typer.Option("--due-within", help="N 个工作日内有期限届满", **DUE_WITHIN)] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="已超过期限")] = False,
    open_only: Annotated[bool, typer.Option("--open", help="只列未办结的")] = False,
    applicant_type: Annotated[str | None, typer.Option("--type", help="申请人类型",
                                                                autocompletion=complete_codes(ApplicantType))] = None,
    year: Annotated[int | None, typer.Option("--year", help="登记年份", **YEARS)] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="最多列出的件数", **LIMIT)] = None,
    as_json: JsonOpt = False,
) -> None:
    """列出案件及其期限。"""
    from . import render

    ctx = _ctx()
    rows = services.list_cases(ctx, services.ListFilter(state, due_within, overdue, open_only, applicant_type, year, limit))
    if as_json:
        emit([render.row_json(r) for r in rows])
    else:
        render.print_list(ctx, rows)


@case_app.command("find")
def case_find(
    text: Annotated[str, typer.Argument(metavar="文字", help="申请人姓名或名称、申请内容、登记号或文号中的文字")],
    limit: Annotated[int, typer.Option("--limit", help="最多列出的件数", **LIMIT)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """查找案件：按申请人、申请内容、登记号或文号（年份外的括号可写成 []、()、【】）。"""
    from . import render

    ctx = _ctx()
    rows = services.find_cases(ctx, text, limit)
    if as_json:
        emit([render.row_json(r) for r in rows])
    else:
        render.print_list(ctx, rows)


# -- cases: acts ---------------------------------------------------------------------------------------------------------
# Each command parses its options and calls the act's named function in services (one per act).

DeliveryOpt = Annotated[str | None, typer.Option(
    "--delivery", help="送达方式：in_person（直接送达）、post（邮寄）、electronic（电子送达）；默认按配置（出厂为 post）",
    autocompletion=complete_codes(DELIVERY_LABELS, only=NOTICE_DELIVERY))]


def _done(ctx: services.Context, result, as_json: bool) -> None:
    row, view = result
    _print_case(ctx, row, view, as_json)


@case_app.command("confirm")
def case_confirm(case_id: CaseIdArg, on: OnOpt = None, as_json: JsonOpt = False) -> None:
    """记录与申请人确认收到申请（平常信函、互联网、传真；第三十一条），--on 即收到申请之日。"""
    ctx = _ctx()
    _done(ctx, services.confirm(ctx, case_id, parse_date(on, "办理日期")), as_json)


@case_app.command("request-correction")
def case_request_correction(
    case_id: CaseIdArg,
    items: Annotated[str, typer.Option("--items", help="需要补正的事项（一次性告知）")],
    period: Annotated[int | None, typer.Option("--period", help="补正期限（1至60个工作日，默认按配置，出厂为15）", **PERIOD)] = None,
    delivery: DeliveryOpt = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """一次性告知申请人补正（第三十条）；答复期限届满后不能再要求补正。"""
    ctx = _ctx()
    _done(ctx, services.request_correction(ctx, case_id, items, period, delivery, parse_date(on, "办理日期")), as_json)


@case_app.command("corrected")
def case_corrected(
    case_id: CaseIdArg,
    content: Annotated[str | None, typer.Option("--content", help="补正后的申请内容（此后的文书引用）")] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """收到补正后的申请：答复期限重新计算（第三十条）。"""
    ctx = _ctx()
    _done(ctx, services.corrected(ctx, case_id, content, parse_date(on, "办理日期")), as_json)


@case_app.command("consult")
def case_consult(
    case_id: CaseIdArg,
    party: Annotated[str, typer.Option("--party", help="第三方或共同制作机关的名称")],
    kind: Annotated[str, typer.Option("--kind", help="third_party（第三十二条）或 co_producer（第三十四条）",
                                      autocompletion=complete_codes(CONSULT_KINDS))] = "third_party",
    about: Annotated[str | None, typer.Option("--about", help="征求意见书中对所涉信息的描述（默认：一句中性的描述，不引用申请原文）")] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """发出征求意见书；征求意见所需时间不计入答复期限（第三十三条第三款）。"""
    ctx = _ctx()
    _done(ctx, services.consult(ctx, case_id, party, kind, about, parse_date(on, "办理日期")), as_json)


@case_app.command("opinion")
def case_opinion(
    case_id: CaseIdArg,
    result: Annotated[str, typer.Option("--result", help="agree（同意公开）、object（不同意公开）或 none（逾期未答复）",
                                        autocompletion=complete_codes(OPINION_RESULTS))],
    reason: Annotated[str | None, typer.Option("--reason", help="意见的理由（不同意公开的必填）")] = None,
    party: Annotated[str | None, typer.Option("--party", help="哪一方的意见（默认：最早发出的）")] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """记录第三方或共同制作机关的意见。"""
    ctx = _ctx()
    _done(ctx, services.opinion(ctx, case_id, result, reason, party, parse_date(on, "办理日期")), as_json)


@case_app.command("fee-notice")
def case_fee_notice(
    case_id: CaseIdArg,
    method: Annotated[str, typer.Option("--method", help="per_item（按件）或 per_volume（按量）",
                                        autocompletion=complete_codes(FEE_METHODS))],
    quantity: Annotated[int, typer.Option("--quantity", help="按件：本通知所涉申请的件数（通常为1，至多1000）；按量：页数", **QUANTITY)],
    delivery: DeliveryOpt = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """发出收费通知（第四十二条、《政府信息公开信息处理费管理办法》），金额按办法计算。"""
    ctx = _ctx()
    _done(ctx, services.fee_notice(ctx, case_id, method, quantity, parse_date(on, "办理日期"), delivery), as_json)


@case_app.command("paid")
def case_paid(case_id: CaseIdArg, on: OnOpt = None, as_json: JsonOpt = False) -> None:
    """记录申请人已缴费。"""
    ctx = _ctx()
    _done(ctx, services.paid(ctx, case_id, parse_date(on, "办理日期")), as_json)


@case_app.command("request-reasons")
def case_request_reasons(
    case_id: CaseIdArg,
    period: Annotated[int | None, typer.Option("--period", help="说明理由的期限（1至60个工作日，默认按配置，出厂为15）", **PERIOD)] = None,
    delivery: DeliveryOpt = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """要求申请人说明理由（第三十五条）。"""
    ctx = _ctx()
    _done(ctx, services.request_reasons(ctx, case_id, period, delivery, parse_date(on, "办理日期")), as_json)


@case_app.command("reasons-received")
def case_reasons_received(
    case_id: CaseIdArg,
    set_due: Annotated[str | None, typer.Option("--set-due", metavar="日期", help="认为理由合理、但无法在规定期限内答复的，确定的答复期限（第三十五条；办理之日起一年以内）")] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """记录收到申请人的说明（第三十五条）。"""
    ctx = _ctx()
    due = parse_date(set_due, "答复期限")
    _done(ctx, services.reasons_received(ctx, case_id, due, parse_date(on, "办理日期")), as_json)


@case_app.command("set-deadline")
def case_set_deadline(
    case_id: CaseIdArg,
    due: Annotated[str, typer.Option("--due", metavar="日期", help="确定的答复期限（晚于现行答复期限，且在其届满前确定；办理之日起一年以内）")],
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """申请理由经审查合理、但无法在规定期限内答复的，确定合理的答复期限并告知申请人（第三十五条）。"""
    ctx = _ctx()
    d = parse_date(due, "答复期限")
    assert d is not None
    _done(ctx, services.set_deadline(ctx, case_id, d, parse_date(on, "办理日期")), as_json)


@case_app.command("extend")
def case_extend(
    case_id: CaseIdArg,
    days: Annotated[int, typer.Option("--days", help="延长的工作日数（累计不超过20）", **EXTENSION)],
    approver: Annotated[str, typer.Option("--approver", help="同意延期的机构负责人")],
    reason: Annotated[str | None, typer.Option("--reason", help="延期的理由（写入延期告知书）")] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """经政府信息公开工作机构负责人同意，延长答复期限（第三十三条第二款）。"""
    ctx = _ctx()
    _done(ctx, services.extend(ctx, case_id, days, approver, reason, parse_date(on, "办理日期")), as_json)


@case_app.command("decide")
def case_decide(
    case_id: CaseIdArg,
    outcome: Annotated[str, typer.Option("--outcome", help="处理结果，代码或中文名称（各代码的含义见 docs/outcomes.md）：" + _codes(acts.OUTCOME_LABELS),
                                         autocompletion=complete_codes(acts.OUTCOME_LABELS, only=BY_STAFF))],
    reason: Annotated[str | None, typer.Option("--reason", help="理由（withheld.* 为主要理由）")] = None,
    provided: Annotated[str | None, typer.Option("--provided", help="提供的信息、形式和方式")] = None,
    where: Annotated[str | None, typer.Option("--where", help="获取途径")] = None,
    search: Annotated[str | None, typer.Option("--search", help="检索情况")] = None,
    responsible_body: Annotated[str | None, typer.Option("--responsible-body", help="负责公开的机关（能够确定的）")] = None,
    responsible_contact: Annotated[str | None, typer.Option("--responsible-contact", help="负责公开的机关的联系方式（能够确定的）")] = None,
    earlier_reply: Annotated[str | None, typer.Option("--earlier-reply", metavar="文号", help="此前答复的文号",
                                                      autocompletion=complete_letter_numbers)] = None,
    withheld: Annotated[list[str] | None, typer.Option("--withheld", metavar="部分:理由代码:理由", help="不予公开的部分：\"部分:理由代码:具体理由\"（可多次）")] = None,
    objection_unfounded: Annotated[str | None, typer.Option("--objection-unfounded", help="认定第三方异议没有合理理由的理由（第三十二条）")] = None,
    public_interest: Annotated[str | None, typer.Option("--public-interest", help="第三方反对但因公共利益决定公开的理由（第三十二条）")] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """作出处理决定（第三十五条至第三十九条）。"""
    ctx = _ctx()
    facts = {"reason": reason, "provided": provided, "where": where, "search": search,
             "responsible_body": responsible_body, "responsible_contact": responsible_contact,
             "earlier_reply": earlier_reply}
    _done(ctx, services.decide(ctx, case_id, outcome, facts, withheld=withheld, public_interest=public_interest,
                               objection_unfounded=objection_unfounded, on=parse_date(on, "办理日期")), as_json)


@case_app.command("reply")
def case_reply(case_id: CaseIdArg, on: OnOpt = None, as_json: JsonOpt = False) -> None:
    """出具答复书，办结案件（答复日期即办结日期）。"""
    ctx = _ctx()
    _done(ctx, services.reply(ctx, case_id, parse_date(on, "办理日期")), as_json)


@case_app.command("delivered")
def case_delivered(
    case_id: CaseIdArg,
    letter: Annotated[str, typer.Option("--letter", metavar="文号", help="文书文号",
                                        autocompletion=complete_case_letters)],
    method: Annotated[str | None, typer.Option("--method", help="in_person、post、electronic 或 other",
                                               autocompletion=complete_codes(DELIVERY_LABELS))] = None,
    proof: Annotated[str | None, typer.Option("--proof", help="送达凭证（如挂号信回执号、签收记录）")] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """记录文书送达之日（不早于出具之日，不晚于今天）；自收到通知起算的期限随之重新计算。"""
    ctx = _ctx()
    _done(ctx, services.delivered(ctx, case_id, letter, method, proof, parse_date(on, "送达日期")), as_json)


@case_app.command("withdraw")
def case_withdraw(case_id: CaseIdArg, reason: Annotated[str | None, typer.Option("--reason", help="申请人撤回的理由（如有）")] = None,
                  on: OnOpt = None, as_json: JsonOpt = False) -> None:
    """申请人撤回申请。"""
    ctx = _ctx()
    _done(ctx, services.withdraw(ctx, case_id, reason, parse_date(on, "办理日期")), as_json)


@case_app.command("close")
def case_close(case_id: CaseIdArg, outcome: Annotated[str, typer.Option("--outcome", help="no_correction 或 fee_unpaid",
                                                                  autocompletion=complete_codes(acts.OUTCOME_LABELS, only=("no_correction", "fee_unpaid")))],
               on: OnOpt = None, as_json: JsonOpt = False) -> None:
    """期限届满终止办理：逾期不补正（第三十条）或逾期未缴费；通知的送达日期须已记录或可依规则视为送达。"""
    ctx = _ctx()
    _done(ctx, services.close(ctx, case_id, outcome, parse_date(on, "办理日期")), as_json)


@case_app.command("reopen")
def case_reopen(
    case_id: CaseIdArg,
    reason: Annotated[str, typer.Option("--reason", help="恢复办理的理由（如通知未送达、申请人有正当理由）")],
    approver: Annotated[str, typer.Option("--approver", help="决定恢复办理的机构负责人")],
    delivery: DeliveryOpt = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """恢复办理以逾期不补正或逾期未缴费终止的案件，出具恢复办理告知书；期限自告知书送达之日起重新计算。"""
    ctx = _ctx()
    _done(ctx, services.reopen(ctx, case_id, reason, approver, delivery, parse_date(on, "办理日期")), as_json)


@case_app.command("void")
def case_void(
    case_id: CaseIdArg,
    reason: Annotated[str, typer.Option("--reason", help="作废的理由（如重复登记、登记错误）")],
    approver: Annotated[str, typer.Option("--approver", help="决定作废的机构负责人")],
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """作废登记错误的申请（作出决定前）：保留记录，登记号和文号不再使用，不计入年度报告和收费件数。"""
    ctx = _ctx()
    _done(ctx, services.void(ctx, case_id, reason, approver, parse_date(on, "办理日期")), as_json)


@case_app.command("appeal")
def case_appeal(case_id: CaseIdArg,
                kind: Annotated[str, typer.Option("--kind", help="reconsideration、litigation_direct、litigation_after_reconsideration",
                                                  autocompletion=complete_codes(APPEAL_KINDS))],
                on: OnOpt = None, as_json: JsonOpt = False) -> None:
    """登记申请人就本案提起的行政复议或行政诉讼（--on 为提起日期，不早于收到申请之日）。"""
    ctx = _ctx()
    _done(ctx, services.appeal(ctx, case_id, kind, parse_date(on, "提起日期")), as_json)


@case_app.command("appeal-result")
def case_appeal_result(case_id: CaseIdArg,
                       result: Annotated[str, typer.Option("--result", help="upheld、corrected、other",
                                                           autocompletion=complete_codes(APPEAL_RESULTS))],
                       appeal_no: Annotated[int | None, typer.Option("--appeal", help="第几件复议或诉讼（默认最早未审结的）", **APPEAL_NO)] = None,
                       on: OnOpt = None, as_json: JsonOpt = False) -> None:
    """登记行政复议或行政诉讼的结果（--on 为审结日期）。"""
    ctx = _ctx()
    _done(ctx, services.appeal_result(ctx, case_id, result, appeal_no, parse_date(on, "审结日期")), as_json)


@case_app.command("amend")
def case_amend(
    case_id: CaseIdArg,
    reason: Annotated[str, typer.Option("--reason", help="更正的理由（登记时的笔误等）")],
    applicant: Annotated[str | None, typer.Option("--applicant", help="更正后的申请人姓名或名称")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="更正后的联系电话")] = None,
    email: Annotated[str | None, typer.Option("--email", help="更正后的电子邮箱")] = None,
    address: Annotated[str | None, typer.Option("--address", help="更正后的通信地址")] = None,
    id_number: Annotated[str | None, typer.Option("--id-number", help="更正后的身份证件号码")] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """更正登记信息中的笔误（不改变申请内容，期限不重新计算）；已出具的载有申请人姓名的文书以新文号重新出具，原文书保留并标注。"""
    ctx = _ctx()
    _done(ctx, services.amend(ctx, case_id, reason=reason, applicant=applicant, phone=phone, email=email,
                              address=address, id_number=id_number, on=parse_date(on, "办理日期")), as_json)


def for_arguments(args: list[str]) -> typer.Typer:
    """The application cut down to the one command the arguments name (`case show …`: the top level, the group
    `case`, its command `show`), or to the one group (`case --help`). Typer turns every registered command into a
    Click command before running any, which costs every invocation about 130 ms for the sixty commands here
    (bench/bench_cli_latency.py); cut down, the command runs, parses and fails exactly as in the whole tree, its
    path and name unchanged. Arguments that name nothing known (a typo, help at the top) get the whole tree, so
    that the error and the help list every command."""
    import copy
    from itertools import takewhile

    def named(info) -> str:
        return (info.name or info.callback.__name__).lower().replace("_", "-")

    words = list(takewhile(lambda a: not a.startswith("-"), args))[:2]  # `--help case`: the top level's help
    if not words:
        return app
    top = [c for c in app.registered_commands if named(c) == words[0]]
    if top:
        return _with(app, commands=top, groups=[])
    group = next((g for g in app.registered_groups if g.name == words[0]), None)
    if group is None:
        return app
    sub = group.typer_instance
    found = [c for c in sub.registered_commands if len(words) > 1 and named(c) == words[1]]
    if any((c.context_settings or {}).get("allow_extra_args") for c in found):
        return app  # it runs another command line (`report correct … -- COMMAND`): that needs the whole tree
    inner = _with(sub, commands=found, groups=[]) if found else sub
    return _with(app, commands=[], groups=[copy.copy(group)], inner=inner)


def _with(t: typer.Typer, commands: list, groups: list, inner: typer.Typer | None = None) -> typer.Typer:
    import copy

    cut = copy.copy(t)
    cut.registered_commands, cut.registered_groups = commands, groups
    if inner is not None:
        groups[0].typer_instance = inner
    return cut
