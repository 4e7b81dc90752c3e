"""`request-flow report …` and `request-flow import …`: the annual report, its checks, locks and corrections,
and the import of history. Heavy modules (openpyxl, python-docx, matplotlib, Jinja2, Rich) load only in the
commands that write those formats."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..domain.errors import BadInput
from ..reporting import os_reason
from .common import YEARS, context, emit, out_path, write_out

report_app = typer.Typer(no_args_is_help=True, help="政府信息公开工作年度报告")
import_app = typer.Typer(no_args_is_help=True, help="导入历史记录（CSV）")

FORMATS = ("terminal", "json", "xlsx", "docx", "html")
YearOpt = Annotated[int, typer.Option("--year", help="年度", **YEARS)]


_ctx = context


def _default_name(doc: dict, fmt: str) -> Path:
    return Path.cwd() / f"{doc['body_code']}-{doc['year']}年政府信息公开工作年度报告.{fmt}"


@report_app.command("annual")
def annual(
    year: YearOpt,
    fmt: Annotated[str, typer.Option("--format", help="terminal、json、xlsx、docx 或 html")] = "terminal",
    out: Annotated[str | None, typer.Option("--out", help="输出文件（json 默认输出到屏幕；其他文件格式默认写到当前目录）")] = None,
    texts: Annotated[str | None, typer.Option("--texts", help="工作人员撰写的正文和表二所在的文件夹（见 report texts）")] = None,
) -> None:
    """计算并输出年度报告：表三、表四由办理记录生成，并做勾稽关系检查。"""
    if fmt not in FORMATS:
        raise BadInput(f"--format 应为 {'、'.join(FORMATS)} 之一，不是「{fmt}」")
    from ..reporting import annual as annual_mod

    target = out_path(out) if out else None
    ctx = _ctx()
    doc = annual_mod.build(ctx, year)
    if fmt == "json":
        text = json.dumps(doc, ensure_ascii=False, indent=2)
        if target is not None:
            write_out(target, (text + "\n").encode("utf-8"))
            typer.echo(f"已写出：{target.resolve()}", err=True)
        else:
            typer.echo(text)
        return
    if fmt == "terminal":
        from ..reporting.terminal import print_report

        print_report(doc)
        return
    from ..reporting import documents, staff_texts

    staff = staff_texts.load(Path(texts) if texts else None, year)
    path = target or out_path(str(_default_name(doc, fmt)))
    with ctx.session() as s:
        from ..reporting.compute import by_month

        months = by_month(s.connection(), ctx.body.code, year)
    documents.write(fmt, doc, staff, months, path)
    for warning in staff.warnings:
        typer.echo(f"提示：{warning}", err=True)
    failing = [c for c in doc["checks"] if not c["ok"]]
    typer.echo(f"已写出：{path.resolve()}" + (f"（{len(failing)}项勾稽关系检查未通过，见报告）" if failing else ""))


@report_app.command("check")
def check(
    file: Annotated[str, typer.Argument(help="JSON 格式的年度报表（report annual --format json 输出的格式）")],
    previous: Annotated[str | None, typer.Option("--previous", help="上年报表（核对上年结转）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出检查结果")] = False,
) -> None:
    """对一份报表（如下级机关报送的）做勾稽关系检查：全部通过退出码 0，否则 1，并指出单元格和差额。"""
    from ..domain import report as R

    doc = _read_json(file)
    t3, t4 = R.parse_report(doc)
    prev_out = None
    if previous:
        prev_doc = _read_json(previous)
        prev_out = R.parse_report(prev_doc)[0]["carried_out"]
    label = f"上年报表（{Path(previous).name}）" if previous else "上年报表"
    checks = R.check_tables(t3, t4, prev_out, label)
    failing = [c for c in checks if not c.ok]
    if as_json:
        emit({"body": doc.get("body"), "year": doc.get("year"), "ok": not failing, "checks": [c.to_json() for c in checks]})
    else:
        who = " ".join(str(x) for x in (doc.get("body"), doc.get("year")) if x)
        typer.echo(f"{who or file}：" + ("勾稽关系检查全部通过" if not failing else f"{len(failing)}项勾稽关系检查未通过"))
        for c in checks:
            title = R.CHECK_TITLES[c.name]
            if c.ok:
                typer.echo(f"  ✓ {title}" + (f"（{c.detail}）" if c.detail else ""))
            else:
                typer.echo(f"  ✗ {title}：{c.detail}")
    if failing:  # exit 1 with one line on stderr; the cells and differences are on stdout above
        from ..domain.errors import Refused

        raise Refused(f"{len(failing)}项勾稽关系检查未通过：" + "、".join(R.CHECK_TITLES[c.name] for c in failing))


def _read_json(file: str):
    path = Path(file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"无法读取文件 {file}：{os_reason(exc)}") from None
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_int=_json_int, parse_float=_json_float,
                          parse_constant=_json_constant)
    except UnicodeDecodeError:
        raise BadInput(f"{file} 不是 UTF-8 编码的 JSON 文件") from None
    except json.JSONDecodeError as exc:
        raise BadInput(f"{file} 不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}") from None
    except RecursionError:
        raise BadInput(f"{file} 不是年度报表：数组或对象嵌套过深") from None
    except _NumberTooLong as exc:
        raise BadInput(f"{file} 不是年度报表：数字「{exc}」过长（报表中的数字至多{JSON_DIGITS}位）") from None


JSON_DIGITS = 15  # digits of a number in a report file: a count of cases or a fee in yuan


class _NumberTooLong(ValueError):
    pass


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > JSON_DIGITS:
        raise _NumberTooLong(text[:20] + "…")
    return int(text)


def _json_float(text: str) -> float:
    if len(text) > JSON_DIGITS + 10:
        raise _NumberTooLong(text[:20] + "…")
    return float(text)


def _json_constant(text: str) -> float:
    raise _NumberTooLong(text)  # NaN, Infinity, -Infinity are not numbers of a report


@report_app.command("cases")
def cases(
    year: YearOpt,
    row: Annotated[str, typer.Option("--row", help="表三的行代码（如 disclosed、carried_in），或表四的复议诉讼类型")],
    col: Annotated[str, typer.Option("--col", help="表三的列代码（如 natural_person、total），或表四的结果")] = "total",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """列出报表某一单元格背后的案件（每个数字都可追溯到案件）。"""
    from ..domain import report as R
    from ..reporting import annual as annual_mod

    items = annual_mod.behind(_ctx(), year, row, col)
    if as_json:
        emit(items)
        return
    if row in R.APPEAL_ROWS:
        title = f"{year}年度表四「{R.APPEAL_ROWS[row]}·{R.APPEAL_COLUMNS[col]}」"
    else:
        title = f"{year}年度表三{R.row_label(row)}「{R.COLUMNS[col]}」"
    typer.echo(f"{title}：{len(items)}件")
    from .render import outcome_label

    for it in items:
        ref = f"（原编号 {it['ref']}）" if it.get("ref") else ""
        if "appeal" in it:
            res = R.APPEAL_COLUMNS.get(it["result"] or "pending", "")
            typer.echo(f"{it['id']}{ref}  第{it['appeal']}件 {it['filed_on']}提起  {res}"
                       + (f" {it['decided_on']}" if it["decided_on"] else ""))
        else:
            typer.echo(f"{it['id']}{ref}  收到{it['received_on']}  "
                       + (f"{it['concluded_on']}办结：{outcome_label(it['outcome'])}" if it["concluded_on"] else "未办结"))


@report_app.command("lock")
def lock(year: YearOpt, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """年度报告公布后锁定该年度：此后改变该年度表格的办理将被拒绝，或须作为更正记录并写明理由。"""
    from ..reporting import annual as annual_mod

    doc = annual_mod.lock(_ctx(), year)
    if as_json:
        emit(doc)
    else:
        typer.echo(f"{doc['body']} {year}年度报告已锁定（{doc['locked']['by']}）。此后的更正：request-flow report correct "
                   f"--year {year} --reason 理由 -- <命令>")


@report_app.command("correct", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def correct(
    ctx: typer.Context,
    years: Annotated[list[int], typer.Option("--year", help="被更正的已锁定年度（可多次）", **YEARS)],
    reason: Annotated[str, typer.Option("--reason", help="更正理由（将在该年度报告中列出）")],
) -> None:
    """作为已锁定年度的更正办理一条命令：request-flow report correct --year 2025 --reason 理由 -- case reply ID --on …"""
    from ..domain.acts import check_text
    from ..store.locks import correcting

    app = ctx.find_root().command  # the whole command line, without importing the module that builds it
    check_text(reason, "更正理由", required=True)
    inner = [a for a in ctx.args if a != "--"] if ctx.args[:1] == ["--"] else list(ctx.args)
    if not inner:
        raise BadInput("缺少要作为更正办理的命令，例如：report correct --year 2025 --reason 理由 -- case reply ID --on 2025-12-30")
    if inner[0] == "report" and inner[1:2] == ["correct"]:
        raise BadInput("更正命令不能嵌套")
    with correcting(set(years), reason.strip()) as corr:
        app.main(args=inner, prog_name="request-flow", standalone_mode=False)
    if corr.recorded:
        for r in corr.recorded:
            typer.echo(f"已记录为{r['year']}年度报告的更正：{r['what']}；理由：{reason.strip()}", err=True)
    else:
        typer.echo(f"该命令没有改变{'、'.join(map(str, years))}年度的报表，未记录更正", err=True)


@report_app.command("texts")
def texts(
    folder: Annotated[str, typer.Argument(help="要创建的文件夹")],
    year: YearOpt,
) -> None:
    """生成年度报告正文（一、五、六）和表二的填写模板。"""
    from ..reporting import staff_texts

    written = staff_texts.write_template(Path(folder), year)
    for p in written:
        typer.echo(f"已写出：{p}")


@import_app.command("cases")
def import_cases(
    file: Annotated[str, typer.Argument(help="CSV 文件（UTF-8，含表头）；日期写作 2025-03-07，或表格软件写出的 2025/3/7、2025.3.7（命令行上的日期只接受 YYYY-MM-DD）")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """导入历史申请：全部无误才导入，有误则逐行指出且不导入任何记录；重复导入同一文件不会产生重复案件。"""
    from ..reporting import importer

    result = importer.run(_ctx(), Path(file), "cases", progress=sys.stderr.isatty())
    _import_summary(result, as_json)


@import_app.command("appeals")
def import_appeals(
    file: Annotated[str, typer.Argument(help="CSV 文件（UTF-8，含表头）；日期写作 2025-03-07，或表格软件写出的 2025/3/7、2025.3.7（命令行上的日期只接受 YYYY-MM-DD）")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """导入行政复议、行政诉讼记录（案件须已登记或已导入）。"""
    from ..reporting import importer

    result = importer.run(_ctx(), Path(file), "appeals", progress=sys.stderr.isatty())
    _import_summary(result, as_json)


def _import_summary(result, as_json: bool) -> None:
    if as_json:
        emit(result.to_json())
        return
    what = "申请" if result.kind == "cases" else "复议诉讼记录"
    extra = f"，其中未办结{result.open}件" if result.kind == "cases" and result.open else ""
    enc = f"（文件编码：{result.encoding}）" if result.encoding != "UTF-8" else ""
    updated = f"，补录审结结果{result.updated}件" if result.updated else ""
    typer.echo(f"导入完成：新增{what}{result.created}件{extra}{updated}，已导入过而跳过{result.skipped}件{enc}")
