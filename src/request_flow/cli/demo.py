"""The demonstration: a few weeks of an office's work on the embedded defaults (SQLite, no server).

Dates are counted back from today in working days, so the deadlines shown are live whenever it runs.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from .. import services
from ..config import configure, get_settings
from ..console import console
from ..domain.codes import Channel
from ..domain.errors import Refused


def run_demo(keep: bool = False) -> Path:
    from . import render

    con = console()
    folder = Path(tempfile.mkdtemp(prefix="request-flow-demo-"))
    db = folder / "demo.db"
    current = get_settings()
    configure(database_url=f"sqlite:///{db}", config=str(current.config) if current.config else None, user="演示工作人员",
              data_dir=str(folder))  # the demo's letters are archived in its own folder, not the user's
    ctx = services.context()
    services.init_db(ctx)
    cal = ctx.cal.with_assumption(True)
    today = ctx.today()

    def ago(n: int) -> date:
        return cal.add_workdays(today, -n) if n else today

    con.print(f"[bold]request-flow 演示[/bold]  机关：{ctx.body.name}  数据库：{db}")
    con.print(f"今天（北京时间）：{today.isoformat()}；日历：{ctx.cal.version}\n")

    services.add_staff(ctx, "王主任", "office_head", "head@example.org")
    con.print("登记机构负责人：王主任（延期须经其同意，第三十三条第二款）")

    def new(applicant: str, kind: str, channel: str, received: date | None, on: date, content: str) -> str:
        row, _ = services.register(ctx, applicant=applicant, applicant_type=kind, channel=channel, on=on,
                                   received_on=received, content=content)
        con.print(f"登记 {row.id}：{applicant}，{Channel(channel).label}，" + (f"收到申请 {received.isoformat()}" if received else "待确认收到"))
        return row.id

    def do(case_id: str, on: date, what: str, act, *args, **kwargs):
        """One act through its named service function, dated `on`; prints the reply deadline it leaves."""
        _, view = act(ctx, case_id, *args, on=on, **kwargs)
        due = view.due("reply_due")
        con.print(f"  {on.isoformat()} {what}" + (f" → 答复期限 {due.isoformat()}" if due else ""))
        return view

    a = new("张某某", "natural_person", "in_person", ago(30), ago(30), "2025年本镇道路维修项目的招标文件")
    do(a, ago(27), "一次性告知补正（第三十条），当面送达", services.request_correction, "请写明所需文件的名称或文号", 15,
       "in_person")
    do(a, ago(22), "收到补正后的申请，答复期限重新计算", services.corrected, "2025年本镇道路维修项目（镇东段）的招标文件")
    do(a, ago(5), "决定予以公开", services.decide, "disclosed", {"provided": "招标文件电子版一份，通过电子邮件提供"})
    do(a, ago(4), "出具答复书，办结", services.reply)

    b = new("某某科技有限公司", "commercial", "online", None, ago(14), "某项目环境影响评价审批意见及企业报价")
    do(b, ago(13), "双方确认收到申请（第三十一条）", services.confirm)
    do(b, ago(9), "征求第三方意见（第三十二条），征求意见期间不计入答复期限", services.consult, "某某建设集团",
       "third_party", "该项目环境影响评价审批意见所附贵方的投标报价单")
    do(b, ago(6), "第三方不同意公开（理由：报价单属商业秘密）", services.opinion, "object", "报价单属于本公司商业秘密")
    do(b, ago(5), "部分公开：审批意见予以公开，报价单不予公开（第三十七条、第三十二条）", services.decide, "partial",
       {"provided": "环境影响评价审批意见1份（共6页），通过电子邮件提供"},
       withheld=["投标报价单:withheld.third_party_rights:报价单属于第三方的商业秘密，第三方不同意公开"])
    do(b, ago(5), "出具部分公开告知书，办结", services.reply)

    c = new("某某大学法学院", "research", "registered_mail", ago(18), ago(18), "近三年行政复议案件统计数据")
    view = do(c, ago(2), "经王主任同意延长答复期限15个工作日", services.extend, 15, "王主任", "需调取多个科室档案")
    try:
        services.extend(ctx, c, 10, "王主任", "再延长", ago(1))
    except Refused as exc:
        con.print(f"  [yellow]再延长10个工作日被拒绝：{exc}[/yellow]")

    new("刘某某", "natural_person", "ordinary_mail", None, ago(1), "村集体土地征收补偿方案")

    e = new("某某律师事务所", "legal_service", "in_person", ago(12), ago(12), "2019年某会议纪要")
    do(e, ago(3), "经检索不存在，决定答复信息不存在（第三十六条第（四）项）", services.decide, "not_exist",
       {"search": "检索了2019年全部会议纪要档案和电子公文系统"})
    do(e, ago(3), "出具答复书，办结", services.reply)

    f = new("某某环保协会", "public_interest", "fax", None, ago(9), "全县排污许可证发放清单及附件")
    do(f, ago(8), "双方确认收到传真申请", services.confirm)
    services.fee_notice(ctx, f, "per_volume", 250, ago(3), "electronic")
    fee = services.show(ctx, f)[1][-1].data
    con.print(f"  {ago(3).isoformat()} 发出收费通知（按量计收{fee['quantity']}页，电子送达）：{fee['computation']}；"
              "等待缴费期间不计入答复期限")

    h = new("陈某", "natural_person", "in_person", ago(16), ago(16), "本县近十年全部会议纪要、请示和批复")
    do(h, ago(14), "申请数量明显超过合理范围，要求说明理由（第三十五条），当面送达", services.request_reasons, 10,
       "in_person")
    do(h, ago(10), "收到申请人的说明：用于学术研究，理由合理", services.reasons_received)
    due = services.show(ctx, h)[2].due("reply_due")
    assert due is not None
    do(h, ago(9), "无法在规定期限内答复，确定合理的答复期限（第三十五条）", services.set_deadline, cal.add_workdays(due, 30))

    con.print("\n[bold]案件清单[/bold]")
    render.print_list(ctx, services.list_cases(ctx, services.ListFilter()))

    row, events, view = services.show(ctx, c)
    con.print(f"\n[bold]{c} 的答复期限是怎么算的[/bold]")
    for line in view.deadlines["reply_due"].lines():
        con.print(f"  {line}")

    # -- letters (issue 4): every act above that the law ties to a letter issued it; where the PDFs are ----------
    _show_letters(ctx, con, [a, b, c, e, f, h], folder)

    _demo_deadlines(ctx, con, new, do, ago)

    # -- the annual report (issue 5): last year's history imported, table 三 printed, the whole report written --
    from ..reporting import demo_history

    report_folder = demo_history.run(ctx, con, folder, today.year - 1)

    # -- supervision (issue 12): a county checks its townships' reports, catches a slip, combines them -----------
    _demo_county(con, report_folder / f"{ctx.body.code}-{today.year - 1}.json", folder, today.year - 1)

    if keep:
        con.print(f"\n演示数据库保留在 {db}；查看：request-flow --db sqlite:///{db} case list")
    else:
        db.unlink(missing_ok=True)  # the letters and the report stay, so that they can be opened; the database goes
        for extra in folder.glob("demo.db-*"):
            extra.unlink(missing_ok=True)
        con.print(f"\n演示数据库已删除；文书和年度报告保留在 {folder}（年度报告：{report_folder}）")
    return db


def _demo_county(con, own_report: Path, folder: Path, year: int) -> None:
    from ..reporting import demo_county, supervision
    from .report import _check_table

    county = demo_county.collect(con, folder, own_report, year)
    result = supervision.read_all([str(county)])
    _check_table(result)
    supervision.write_problems_xlsx(result, county.parent / "问题清单.xlsx")
    con.print(f"问题清单（可发回该镇更正）：{county.parent / '问题清单.xlsx'}", markup=False)
    demo_county.finish(con, county, year)


def _show_letters(ctx, con, case_ids: list[str], folder: Path) -> None:
    """The letters the demonstration's acts issued (receipts, correction notice, consultation letter and notice,
    extension notice, fee notice, replies), each archived as PDF, DOCX and HTML; print where the PDFs are."""
    con.print("\n[bold]出具的文书[/bold]（办理时即生成并归档：PDF 供打印，DOCX 供编辑）")
    count = 0
    for case_id in case_ids:
        for archived, paths in services.archived_letters(ctx, case_id=case_id):
            count += 1
            con.print(f"{archived.letter.number}  {archived.render.template if archived.render else ''}", markup=False)
            if "pdf" in paths:
                con.print(f"    {paths['pdf']}", markup=False)
    con.print(f"共 {count} 件文书；全部文件在 {folder / 'letters'}", markup=False)
    con.print("查看、重新打印：request-flow letters show 文号；request-flow letters print 文号 --out 文件；"
              "预览模板：request-flow letters preview reply --outcome not_exist --format pdf --out 样稿.pdf")


# -- the deadline workers ------------------------------------------------------------------------------------------

def _demo_deadlines(ctx, con, new, do, ago) -> None:
    """One pass of the deadline sweep: reminders (sent to a local SMTP server when aiosmtpd is installed,
    printed otherwise) and a case whose correction period ran out, closed by itself."""
    import os

    from .. import deadlines
    from ..config import configure, get_settings
    from ..notify.message import LABELS

    con.print("\n[bold]期限检查（request-flow deadlines sweep）[/bold]")
    services.add_staff(ctx, "演示工作人员", "clerk", "clerk@example.org")
    g = new("孙某某", "natural_person", "in_person", ago(20), ago(20), "某小区规划许可文件")
    do(g, ago(18), "一次性告知补正，补正期限10个工作日（第三十条），当面送达", services.request_correction,
       "请写明小区名称", 10, "in_person")
    new("周某某", "natural_person", "in_person", ago(17), ago(17), "某路段交通事故统计")  # reply due in 3 working days
    new("某某咨询有限公司", "commercial", "in_person", ago(22), ago(22), "某招商引资协议")  # reply 2 working days overdue
    server = None
    inbox: list = []
    try:  # a real SMTP server on loopback, when the test extras are installed
        import socket

        from aiosmtpd.controller import Controller

        class Inbox:
            async def handle_DATA(self, server, session, envelope):
                inbox.append(envelope.content)
                return "250 OK"

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = Controller(Inbox(), hostname="127.0.0.1", port=port)
        server.start()
        os.environ["REQUEST_FLOW_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
        current = get_settings()
        configure(database_url=current.database_url, config=str(current.config) if current.config else None,
                  user=current.user, data_dir=str(current.data_dir) if current.data_dir else None)
        ctx = services.context()
        con.print(f"（在 127.0.0.1:{port} 启动了一个本地 SMTP 服务器接收提醒邮件）")
    except ImportError:
        con.print("（未配置 SMTP：提醒只打印。配置 REQUEST_FLOW_SMTP_URL 后即发送邮件）")
    shown: list[str] = []
    try:
        result = deadlines.sweep(ctx, printer=lambda item: shown.append(item["text"]))
    finally:
        if server is not None:
            server.stop()
            os.environ.pop("REQUEST_FLOW_SMTP_URL", None)
    for c in result.closed:
        con.print(f"  自动终止办理：{c['id']}（补正期限届满未补正，第三十条），{c['on']}，"
                  f"终止办理告知书文号 {c.get('letter')}，办理人：{c['actor']}")
    for r in result.reminders:
        left = r["days_left"]
        when = "今天届满" if left == 0 else (f"还有{left}个工作日" if left > 0 else f"已逾期{-left}个工作日")
        con.print(f"  提醒：{r['id']} {LABELS[r['kind']][0]} {r['due']}（{when}）→ {'、'.join(r['to'])}")
    d = result.delivery
    if d.get("sent"):
        con.print(f"  已通过 SMTP 发送{d['sent']}封提醒邮件（纯文本和 HTML，不含申请人个人信息）")
    if inbox:
        import email
        import email.policy

        shown = [email.message_from_bytes(inbox[-1], policy=email.policy.default).get_body(("plain",)).get_content()]
        con.print(f"  本地 SMTP 服务器收到{len(inbox)}封；最后一封如下：")
    for text in shown[:1]:
        if not inbox:
            con.print("  打印的第一封提醒：")
        for line in text.rstrip().splitlines():
            con.print(f"    {line}", markup=False)
    for m in result.missed:
        con.print(f"  记录逾期：{m['id']} 答复期限{m['due']}届满未答复（记入办理记录，此后不因任何办理而消除）")
    again = deadlines.sweep(ctx, printer=lambda item: None)
    con.print(f"  同一天再检查一遍：新提醒{len(again.reminders)}封，自动办结{len(again.closed)}件（不会重复）")
    if result.closed:
        closed = result.closed[0]["id"]
        _, view = services.reopen(ctx, closed, "申请人称补正告知书当面送达时未交给本人，经核实属实", "王主任", "in_person")
        con.print(f"  恢复办理：{closed}（经王主任决定，出具恢复办理告知书），补正期限重新计算至"
                  f"{view.due('correction_due')}")
