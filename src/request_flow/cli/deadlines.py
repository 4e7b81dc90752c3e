"""`request-flow deadlines sweep|status|send|retry|digest` and `request-flow worker`: the deadline workers.

Nothing heavy is imported here: Celery only inside `worker`, the sweep's services inside each command.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .chinese import ChineseTyper
from .common import CONCURRENCY

deadlines_app = ChineseTyper(no_args_is_help=True, help="期限检查：到期提醒、逾期自动终止办理、提醒邮件发送状态")

JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]
TodayOpt = Annotated[str | None, typer.Option("--today", help="按这一天检查（YYYY-MM-DD，默认今天，北京时间；最晚为已公布节假日安排的"
                                                          "最后一年之后第九年的12月31日，更晚的拒绝且不办理任何事项）")]

DEADLINE_WORDS = {"reply_due": "答复期限", "correction_notice_due": "补正告知期限", "correction_due": "补正期限",
                  "opinion_due": "征求意见期限", "payment_due": "缴费期限", "reasons_due": "说明理由期限", "digest": "每日汇总"}
OUTCOME_WORDS = {"no_correction": "逾期不补正，终止办理", "fee_unpaid": "逾期未缴费，终止办理"}


def _kind_word(kind: str) -> str:
    base = kind.removesuffix("+head")
    return DEADLINE_WORDS.get(base, base) + ("（机构负责人）" if kind.endswith("+head") else "")


def _when(item: dict[str, Any]) -> str:
    left = item.get("days_left", 0)
    return "今天届满" if left == 0 else (f"还有{left}个工作日" if left > 0 else f"已逾期{-left}个工作日")


@deadlines_app.command("sweep")
def sweep(today: TodayOpt = None, as_json: JsonOpt = False) -> None:
    """检查一遍期限（进程内，无需消息队列）：发出到期提醒（已配置 SMTP 时发送邮件，否则打印），
    对补正期限、缴费期限届满的案件自动终止办理，对征求意见期满未答复的记录逾期未答复。同一天重复运行不会重复提醒。"""
    from .. import deadlines, services
    from .common import emit, parse_date

    ctx = services.context()
    day = parse_date(today, "--today")
    printed: dict[int, str] = {}
    result = deadlines.sweep(ctx, day, printer=lambda item: printed.__setitem__(item["reminder"], item["text"]))
    if as_json:
        data = result.to_json()
        for item in data["reminders"]:
            if item["reminder"] in printed:
                item["message"] = printed[item["reminder"]]
        emit(data)
        return
    echo = typer.echo
    echo(f"期限检查：{result.today.isoformat()}" + ("（晚于今天：按该日办理，自动办理的日期即为该日）" if result.today > ctx.today() else ""))
    for m in result.moved:
        echo(f"  日历已变更，重新计算：{m['id']} 答复期限 {m['reply_due_before'] or '—'} → {m['reply_due'] or '—'}")
    for c in result.closed:
        letter = f"（{c['letter']}）" if c.get("letter") else ""
        echo(f"  自动终止办理：{c['id']} {OUTCOME_WORDS.get(c['outcome'], c['outcome'])}{letter}")
    for a in result.acts:
        echo(f"  期满未收到意见：{a['id']} {a['party']}：{a.get('effect') or ''}")
    for sk in result.skipped:
        echo(f"  本次未处理（其他案件不受影响）：{sk['id']}：{sk['skipped']}")
    for r in result.reminders:
        echo(f"  提醒：{r['id']} {_kind_word(r['kind'])} {r['due']}，{_when(r)} → "
             f"{'、'.join(r['to']) or '（无收件人）'}")
    if not (result.closed or result.acts or result.reminders or result.skipped):
        echo("  没有新的到期提醒或需要自动办理的案件")
    _print_delivery(result.delivery, printed)


def _print_delivery(d: dict[str, Any], printed: dict[int, str]) -> None:
    echo = typer.echo
    if d.get("sent"):
        echo(f"提醒邮件：已发送{d['sent']}封")
    if d.get("failing"):
        echo(f"提醒邮件：{d['failing']}封暂未发出，将自动重试（request-flow deadlines status 查看）：{d['errors'][0]}")
    if d.get("failed"):
        echo(f"提醒邮件：{d['failed']}封无法发送（request-flow deadlines status 查看原因）")
    if d.get("busy"):
        echo("提醒邮件：另一个发送进程正在发送，本次未发送")
    if printed:
        echo(f"未配置 SMTP（REQUEST_FLOW_SMTP_URL），以下{len(printed)}封提醒只打印，不发送：")
        for text in printed.values():
            echo("-" * 60)
            echo(text.rstrip())


@deadlines_app.command("send")
def send(as_json: JsonOpt = False) -> None:
    """发送提醒队列中尚未发出的邮件（按排队顺序；失败的按退避时间重试）。"""
    from .. import deadlines, services
    from .common import emit

    printed: dict[int, str] = {}
    d = deadlines.flush(services.context(), printer=lambda item: printed.__setitem__(item["reminder"], item["text"]))
    data = d.to_json()
    if as_json:
        emit(data)
        return
    if not any(data[k] for k in ("sent", "printed", "failing", "failed", "cancelled", "busy")):
        typer.echo("提醒队列中没有待发送的邮件")
    _print_delivery(data, printed)


@deadlines_app.command("digest")
def digest(today: TodayOpt = None, as_json: JsonOpt = False) -> None:
    """生成每日期限汇总（仅工作日），发给机关邮箱和机构负责人；同一天只生成一次。"""
    from .. import deadlines, services
    from .common import emit, parse_date

    ctx = services.context()
    made = deadlines.queue_digest(ctx, parse_date(today, "--today"))
    printed: dict[int, str] = {}
    d = deadlines.flush(ctx, printer=lambda item: printed.__setitem__(item["reminder"], item["text"])).to_json()
    if as_json:
        emit({"digests": made, "delivery": d})
        return
    if not made:
        typer.echo("今天不是工作日，或今天的汇总已生成")
    for m in made:
        typer.echo(f"汇总：{m['subject']} → {'、'.join(m['to']) or '（无收件人）'}")
    _print_delivery(d, printed)


@deadlines_app.command("retry")
def retry(
    case_id: Annotated[str | None, typer.Argument(metavar="案件ID", help="只重发这一案件的提醒（默认：全部）")] = None,
    as_json: JsonOpt = False,
) -> None:
    """把无法发送（failed）和等待重试（failing）的提醒重新排队并发送：在改正了原因之后（如更正了工作人员的邮箱、
    邮件服务器恢复）。每封提醒仍只发一次，沿用原来的 Message-ID。"""
    from .. import deadlines, services
    from .common import emit

    ctx = services.context()
    deadlines.check_settings(ctx)
    again = deadlines.retry(ctx, case_id)
    printed: dict[int, str] = {}
    d = deadlines.flush(ctx, printer=lambda item: printed.__setitem__(item["reminder"], item["text"])).to_json()
    if as_json:
        emit({"requeued": again, "delivery": d})
        return
    if not again:
        typer.echo("没有无法发送或等待重试的提醒" + (f"（案件 {case_id}）" if case_id else ""))
    for r in again:
        typer.echo(f"重新排队：#{r['reminder']} {r['id']} {_kind_word(r['kind'])} {r['due']}（原为"
                   f"{STATUS_WORDS[r['was']]}）")
    _print_delivery(d, printed)


STATUS_WORDS = {"queued": "排队中", "sending": "发送中", "failing": "发送失败、等待重试", "sent": "已发送",
                "failed": "无法发送（不再重试）", "printed": "已打印（未配置 SMTP）", "cancelled": "已取消（期限已变更或案件已办结）"}


@deadlines_app.command("status")
def status(as_json: JsonOpt = False) -> None:
    """提醒邮件的发送状态：排队、已发送、失败重试中（含最近一次错误）。"""
    from .. import deadlines, services
    from .common import emit, when

    data = deadlines.outbox_status(services.context())
    if as_json:
        emit(data)
        return
    c = data["counts"]
    typer.echo("提醒邮件：" + "，".join(f"{STATUS_WORDS[k]}{c[k]}" for k in c if c[k] or k in ("queued", "sent", "failing")))
    typer.echo(f"SMTP：{data['smtp'] or '未配置（提醒只打印）'}；最近发送：{when(data['last_sent_at'])}")
    for p in data["pending"]:
        err = f"；最近错误：{p['last_error']}" if p["last_error"] else ""
        nxt = f"；下次重试：{when(p['next_attempt_at'])}" if p["next_attempt_at"] and p["status"] == "failing" else ""
        typer.echo(f"  #{p['reminder']} {p['id']} {_kind_word(p['kind'])} {p['due']} "
                   f"{STATUS_WORDS[p['status']]}，已尝试{p['attempts']}次{err}{nxt}")


def worker_command(
    concurrency: Annotated[int, typer.Option("--concurrency", help="并发处理的进程数", **CONCURRENCY)] = 2,
    loglevel: Annotated[str, typer.Option("--loglevel", help="日志级别")] = "INFO",
) -> None:
    """启动期限检查 worker（Celery，内嵌定时任务），用于单台机器；需设置 REQUEST_FLOW_BROKER_URL（如 redis://127.0.0.1:6379/0）。"""
    from ..domain.errors import BadInput

    if concurrency < 1:
        raise BadInput("--concurrency 应为正整数")
    if loglevel.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise BadInput(f"--loglevel「{loglevel}」无效，应为 DEBUG、INFO、WARNING、ERROR 或 CRITICAL")
    from workers.app import check_broker, create_app

    from .. import deadlines, services

    ctx = services.context()
    deadlines.check_settings(ctx)
    check_broker(ctx.settings.broker_url)
    app = create_app()
    schedule = ctx.settings.data_folder() / "celerybeat-schedule"
    schedule.parent.mkdir(parents=True, exist_ok=True)
    app.worker_main(["worker", "--beat", f"--schedule={schedule}", f"--concurrency={concurrency}",
                     f"--loglevel={loglevel.upper()}", "--without-gossip", "--without-mingle"])
