"""`request-flow report …` and `request-flow import …`: the annual report, its checks, locks and corrections,
and the import of history. Heavy modules (openpyxl, python-docx, matplotlib, Jinja2, Rich) load only in the
commands that write those formats."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..domain.errors import BadInput, Refused
from ..reporting import MAX_LISTED_ERRORS, os_reason
from .chinese import ChineseTyper
from .common import FORMAT_LABELS, YEARS, complete_codes, context, emit, out_path, write_out

report_app = ChineseTyper(no_args_is_help=True, help="政府信息公开工作年度报告")
import_app = ChineseTyper(no_args_is_help=True, help="导入历史记录（CSV）")

FORMATS = ("terminal", "json", "xlsx", "docx", "html")
YearOpt = Annotated[int, typer.Option("--year", help="年度", **YEARS)]


_ctx = context


def _default_name(doc: dict, fmt: str) -> Path:
    return Path.cwd() / f"{doc['body_code']}-{doc['year']}年政府信息公开工作年度报告.{fmt}"


@report_app.command("annual")
def annual(
    year: YearOpt,
    fmt: Annotated[str, typer.Option("--format", help="terminal、json、xlsx、docx 或 html", metavar="格式",
                                              autocompletion=complete_codes(FORMAT_LABELS, only=FORMATS))] = "terminal",
    out: Annotated[str | None, typer.Option("--out", help="输出文件（json 默认输出到屏幕；其他文件格式默认写到当前目录）")] = None,
    texts: Annotated[str | None, typer.Option("--texts", help="工作人员撰写的正文和表二所在的文件夹（见 report texts）")] = None,
    bodies: Annotated[str | None, typer.Option("--bodies", metavar="代码", help="汇总本系统中多个机关：all（全部已配置的机关）或以逗号分隔的机关代码")] = None,
    name: Annotated[str | None, typer.Option("--name", help="汇总报告的名称（与 --bodies 同用，如“××县”）")] = None,
) -> None:
    """计算并输出年度报告：表三、表四由办理记录生成，并做勾稽关系检查；--bodies 汇总多个机关。"""
    if fmt not in FORMATS:
        raise BadInput(f"--format 应为 {'、'.join(FORMATS)} 之一，不是「{fmt}」")
    from ..reporting import annual as annual_mod

    ctx = _ctx()
    if name is not None and bodies is None:
        raise BadInput("--name 只用于汇总报告，请同时给出 --bodies")
    if name is not None and not name.strip():
        raise BadInput("--name 不能为空")
    chosen = annual_mod.pick_bodies(ctx, bodies) if bodies is not None else [ctx.body]
    doc = (annual_mod.combined(ctx, year, chosen, name.strip() if name else None) if bodies is not None
           else annual_mod.build(ctx, year))
    if fmt == "json":
        text = json.dumps(doc, ensure_ascii=False, indent=2)
        if out:
            _write_text(Path(out), text + "\n")
            typer.echo(f"已写出：{Path(out).resolve()}", err=True)
        else:
            typer.echo(text)
        return
    if fmt == "terminal":
        from ..reporting.terminal import print_report

        print_report(doc)
        return
    from ..reporting import documents, staff_texts

    staff = staff_texts.load(Path(texts) if texts else None, year)
    path = out_path(out) if out else out_path(str(_default_name(doc, fmt)))
    with ctx.session() as s:
        from ..reporting.compute import by_month

        parts = [by_month(s.connection(), b.code, year) for b in chosen]
    months = _add_months(parts)
    documents.write(fmt, doc, staff, months, path)
    for warning in staff.warnings:
        typer.echo(f"提示：{warning}", err=True)
    failing = [c for c in doc["checks"] if not c["ok"]]
    typer.echo(f"已写出：{path.resolve()}" + (f"（{len(failing)}项勾稽关系检查未通过，见报告）" if failing else ""))


def _add_months(parts: list[dict]) -> dict:
    """The chart's figures of several bodies, added month by month."""
    def add(values: list):
        return [sum(v) for v in zip(*values)]

    first = parts[0]
    return {"received": add([p["received"] for p in parts]), "on_time": add([p["on_time"] for p in parts]),
            "late": add([p["late"] for p in parts]),
            "concluded": {g: add([p["concluded"][g] for p in parts]) for g in first["concluded"]}}


def _write_text(path: Path, text: str) -> None:
    """A text file a command writes: a regular file overwritten, never a symlink or a folder (cli/common.py)."""
    write_out(out_path(str(path)), text.encode("utf-8"))


@report_app.command("check")
def check(
    paths: Annotated[list[str], typer.Argument(
        help="报表：JSON 文件（report annual --format json 的格式）、年度报告格式的 XLSX，或存放它们的文件夹；可多个",
        show_default=False, metavar="报表")],
    previous: Annotated[list[str] | None, typer.Option(
        "--previous", help="上年报表（文件或文件夹，可多次）：按机关名称核对本年“上年结转”", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出检查结果")] = False,
    out: Annotated[str | None, typer.Option("--out", metavar="文件", help="把问题清单写成 XLSX（每个问题一行，可发回下级机关）")] = None,
    body: Annotated[str | None, typer.Option("--body-name", help="XLSX 标题行没有机关名称时使用的机关名称（--body 是本机关代码，另有用途）")] = None,
    year: Annotated[int | None, typer.Option("--year", help="报表中没有年度时使用的年度")] = None,
) -> None:
    """对报表做勾稽关系检查（检查1–5；给出 --previous 时核对上年结转）：一份报表，或一个文件夹中各下级机关报送的全部报表。

    全部通过退出码 0；有报表未通过，退出码 1，指出每个未通过的单元格和差额；有文件无法读取，退出码 2（其余报表照常检查）。"""
    from ..reporting import supervision as S

    if out is not None and not out.lower().endswith(".xlsx"):
        raise BadInput(f"--out 应为 .xlsx 文件，不是「{out}」")
    single = len(paths) == 1 and not Path(paths[0]).is_dir()
    if single:
        p = Path(paths[0])
        if not p.exists():
            raise BadInput(f"无法读取文件 {paths[0]}：文件或文件夹不存在")
        S.load(p, paths[0], body, year, named=False)  # a bad file: its one line, exit 2, as always
    result = S.read_all(paths, body, year, previous)
    if out:
        S.write_problems_xlsx(result, out_path(out))
    if single:
        _check_one(result, paths[0], as_json, out)
        return
    if as_json:
        emit(S.to_json(result))
    else:
        _check_table(result)
    if out:
        typer.echo(f"已写出问题清单：{Path(out).resolve()}", err=True)
    _check_exit(result)


def _check_one(result, file: str, as_json: bool, out: str | None) -> None:
    """One report: the output `report check FILE.json` has always had."""
    from ..domain import report as R

    if result.unreadable:  # only the previous year's file can be unreadable here
        raise BadInput(result.unreadable[0].error)
    r = result.reports[0]
    checks, failing = r.checks, r.failing
    if as_json:
        emit({"body": r.doc.get("body") or r.body, "year": r.doc.get("year") or r.year, "ok": not failing,
              "checks": [c.to_json() for c in checks]})
    else:
        who = " ".join(str(x) for x in (r.body, r.year) if x)
        typer.echo(f"{who or file}：" + ("勾稽关系检查全部通过" if not failing else f"{len(failing)}项勾稽关系检查未通过"))
        for c in checks:
            title = R.CHECK_TITLES[c.name]
            if c.ok:
                typer.echo(f"  ✓ {title}" + (f"（{c.detail}）" if c.detail else ""))
            else:
                typer.echo(f"  ✗ {title}：{c.detail}")
    if out:
        typer.echo(f"已写出问题清单：{Path(out).resolve()}", err=True)
    if failing:  # exit 1 with one line on stderr; the cells and differences are on stdout above
        from ..domain.errors import Refused

        raise Refused(f"{len(failing)}项勾稽关系检查未通过：" + "、".join(R.CHECK_TITLES[c.name] for c in failing))


def _check_table(result) -> None:
    """Bodies × checks, then every problem in words. When every file checked is in one folder, the folder is said
    once above the table and each file is named by its name alone (a path wrapped over four lines of a narrow
    table column is hard to read)."""
    from rich.table import Table

    from ..console import console
    from ..reporting import supervision as S

    con = console()
    files = [r.file for r in result.reports] + [u.file for u in result.unreadable if not u.previous]
    folders = {str(Path(f).parent) for f in files}
    folder = folders.pop() if len(folders) == 1 and files else None

    def name(file: str) -> str:
        return Path(file).name if folder is not None and str(Path(file).parent) == folder else file

    if folder is not None and folder != ".":
        con.print(f"报表文件夹：{folder}", markup=False, highlight=False)
    t = Table(title="勾稽关系检查", show_lines=False)
    from rich.cells import cell_len

    # the files' names kept whole when they are short enough: the other columns wrap first
    longest = max((cell_len(name(f)) for f in files), default=8)
    t.add_column("报表文件", overflow="fold", min_width=min(longest, 30))
    t.add_column("机关", overflow="fold")
    t.add_column("年度")
    for title in S.SHORT_TITLES.values():
        t.add_column(title, justify="center")
    unchecked = False
    for r in result.reports:
        marks = []
        for c in r.checks:
            if not c.ok:
                marks.append(f"[red]✗ {len(c.problems)}处[/red]")
            elif c.name == "carried_over" and r.previous_file is None:
                marks.append("未核对")
                unchecked = True
            else:
                marks.append("[green]✓[/green]")
        t.add_row(name(r.file), r.body or "", str(r.year or ""), *marks)
    for u in result.unreadable:
        t.add_row(name(u.file), "[red]上年报表无法读取[/red]" if u.previous else "[red]无法读取[/red]", "", *["—"] * 5)
    con.print(t, soft_wrap=False)  # a table keeps to the width (soft wrapping lets a min_width push it over)
    if unchecked:
        con.print("未核对：没有该机关的上年报表（用 --previous 给出上年报表的文件夹），本年“上年结转”未与上年“结转下年度继续办理”核对",
                  markup=False, highlight=False)
    rows = S.problem_rows(result)
    if rows:
        con.print("[bold]问题清单[/bold]")
        for i, p in enumerate(rows, 1):
            who = " ".join(str(x) for x in (p["body"], f"{p['year']}年度" if p["year"] else None) if x)
            where = name(p["file"]) + (f"（{who}）" if who else "")
            if p["check"] == "unreadable":
                line = p["text"]
            elif p["check"] == "duplicate":
                line = f"{where}重复报送：{p['text']}"
            else:
                line = f"{where}未通过「{p['check_title']}」：{p['text']}"
            con.print(f"{i}. {line}", markup=False, highlight=False)
    if result.skipped:
        con.print(f"另有{len(result.skipped)}个文件不是 JSON 或 XLSX，未检查：" + "、".join(result.skipped),
                  markup=False, highlight=False)
    years: dict[int | None, int] = {}
    for r in result.reports:
        years[r.year] = years.get(r.year, 0) + 1
    if len(years) > 1:
        con.print("提示：报表的年度不一：" + "，".join(f"{y}年度{n}份" if y else f"未写年度{n}份"
                                                 for y, n in sorted(years.items(), key=lambda x: x[0] or 0)),
                  markup=False, highlight=False)
    bad = [r for r in result.reports if not r.ok]
    con.print(f"共{len(result.reports) + len([u for u in result.unreadable if not u.previous])}份报表："
              f"{len(result.reports) - len(bad)}份通过，{len(bad)}份未通过"
              + (f"，{len(result.unreadable)}个文件无法读取" if result.unreadable else "")
              + (f"，{len(result.duplicates)}个机关重复报送" if result.duplicates else ""), markup=False, highlight=False)


def _check_exit(result) -> None:
    from ..domain.errors import Refused

    if result.unreadable:
        raise BadInput(f"{len(result.unreadable)}个文件无法读取：" + "、".join(u.file for u in result.unreadable))
    bad = [r for r in result.reports if not r.ok]
    if bad or result.duplicates:
        parts = []
        if bad:
            parts.append(f"{len(bad)}份报表未通过勾稽关系检查：" + "、".join(r.who() for r in bad))
        if result.duplicates:
            parts.append("重复报送：" + "、".join(g[0].body or "" for g in result.duplicates))
        raise Refused("；".join(parts))


COMBINE_FORMATS = ("terminal", "json", "xlsx", "docx", "html")


@report_app.command("combine")
def combine(
    paths: Annotated[list[str], typer.Argument(help="下级机关的报表（JSON 或 XLSX）或存放它们的文件夹；可多个", show_default=False,
                                                metavar="报表")],
    year: YearOpt,
    name: Annotated[str, typer.Option("--name", help="汇总报告的机关或地区名称，如「××县」")],
    fmt: Annotated[str | None, typer.Option("--format", help="terminal、json、xlsx、docx 或 html（默认：按 --out 的扩展名，否则 terminal）",
                                            show_default=False, metavar="格式",
                                            autocompletion=complete_codes(FORMAT_LABELS, only=FORMATS))] = None,
    out: Annotated[str | None, typer.Option("--out", help="输出文件（json 默认输出到屏幕；其他文件格式默认写到当前目录）")] = None,
    allow_failing: Annotated[bool, typer.Option("--allow-failing", help="把未通过勾稽关系检查的报表排除在汇总之外（并列出），而不是拒绝汇总")] = False,
    expect: Annotated[str | None, typer.Option("--expect", help="应报送的机关名单（文本文件，每行一个机关名称）：缺报的机关将被指出")] = None,
    previous: Annotated[list[str] | None, typer.Option("--previous", help="上年报表（文件或文件夹）：核对上年结转", show_default=False)] = None,
    texts: Annotated[str | None, typer.Option("--texts", help="汇总报告正文和表二所在的文件夹（见 report texts）")] = None,
    body: Annotated[str | None, typer.Option("--body-name", help="XLSX 标题行没有机关名称时使用的机关名称（--body 是本机关代码，另有用途）")] = None,
) -> None:
    """把下级机关同一年度的报表逐项相加，得到本地区的汇总报告，并做勾稽关系检查。

    有文件无法读取、同一机关报送两份、混有其他年度的报表时不汇总（退出码 2）；有报表未通过检查时拒绝汇总（退出码 1），
    除非使用 --allow-failing。"""
    from ..reporting import supervision as S

    if fmt is None:
        suffix = Path(out).suffix.lower().lstrip(".") if out else ""
        fmt = suffix if suffix in COMBINE_FORMATS else ("json" if out and not suffix else "terminal")
        if out and suffix and suffix not in COMBINE_FORMATS:
            raise BadInput(f"无法从 --out 的扩展名「.{suffix}」判断格式：请用 --format 指定 json、xlsx、docx 或 html")
    if fmt not in COMBINE_FORMATS:
        raise BadInput(f"--format 应为 {'、'.join(COMBINE_FORMATS)} 之一，不是「{fmt}」")
    if fmt == "terminal" and out:
        raise BadInput("--format terminal 不写文件：请去掉 --out，或指定 json、xlsx、docx 或 html")
    expected = S.read_expected(expect) if expect else None
    result = S.read_all(paths, body, year, previous)
    say = lambda line: typer.echo(line, err=True)  # noqa: E731
    try:
        combined = S.combine(result, year, name, allow_failing, expected, warn=say)
    except Refused:
        _print_failing(result)  # every failing cell, on stdout; the refusal's one line on stderr
        raise
    doc = combined.doc
    for r in combined.left_out:
        typer.echo(f"未计入（未通过勾稽关系检查）：{r.body}（{r.file}）：" + "；".join(c.detail for c in r.failing), err=True)
    if combined.not_expected:
        typer.echo("不在应报送名单中（已计入）：" + "、".join(combined.not_expected), err=True)
    summary = f"已汇总{len(combined.included)}份报表" + (f"，{len(combined.left_out)}份未通过检查未计入" if combined.left_out else "")
    if fmt == "json":
        text = json.dumps(doc, ensure_ascii=False, indent=2)
        if out:
            _write_text(Path(out), text + "\n")
            typer.echo(f"{summary}；已写出：{Path(out).resolve()}", err=True)
        else:
            typer.echo(text)
            typer.echo(summary, err=True)
        return
    if fmt == "terminal":
        from ..reporting.terminal import print_report

        print_report(doc)
        typer.echo(summary, err=True)
        return
    from ..reporting import documents, staff_texts

    staff = staff_texts.load(Path(texts) if texts else None, year)
    staff.other = [*staff.other, *S.combined_paragraphs(combined)]
    path = out_path(out) if out else Path.cwd() / f"{name.strip()}-{year}年政府信息公开工作年度报告（汇总）.{fmt}"
    documents.write(fmt, doc, staff, None, path)
    if fmt == "xlsx":
        S.add_breakdown_sheet(path, combined)
    for warning in staff.warnings:
        typer.echo(f"提示：{warning}", err=True)
    failing = [c for c in doc["checks"] if not c["ok"]]
    typer.echo(f"{summary}；已写出：{path.resolve()}" + (f"（{len(failing)}项勾稽关系检查未通过，见报告）" if failing else ""))


def _print_failing(result) -> None:
    from ..reporting import supervision as S

    for i, p in enumerate(S.problem_rows(result), 1):
        who = f"（{p['body']}）" if p["body"] else ""
        typer.echo(f"{i}. " + (p["text"] if p["check"] == "unreadable" else
                               f"{p['file']}{who}未通过「{p['check_title']}」：{p['text']}"))


@report_app.command("read")
def read(
    file: Annotated[str, typer.Argument(metavar="文件", help="年度报告格式的 XLSX（或 JSON）报表")],
    body: Annotated[str | None, typer.Option("--body-name", help="标题行没有机关名称时使用的机关名称（--body 是本机关代码，另有用途）")] = None,
    year: Annotated[int | None, typer.Option("--year", help="标题行没有年度时使用的年度")] = None,
    out: Annotated[str | None, typer.Option("--out", help="写入 JSON 文件（默认输出到屏幕）")] = None,
) -> None:
    """把下级机关报送的表格（年度报告格式的 XLSX）读成交换用的 JSON（含勾稽关系检查结果）。"""
    from ..domain import report as R
    from ..reporting import supervision as S

    r = S.load(Path(file), file, body, year)
    checks = R.check_tables(r.table3, r.table4)
    doc = {"body": r.body, "year": r.year, "table3": r.table3, "table4": r.table4,
           "checks": [c.to_json() for c in checks if c.name != "carried_over"]}
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    if out:
        _write_text(Path(out), text + "\n")
        typer.echo(f"已写出：{Path(out).resolve()}", err=True)
    else:
        typer.echo(text)


@report_app.command("cases")
def cases(
    year: YearOpt,
    row: Annotated[str, typer.Option("--row", metavar="代码", help="表三的行代码（如 disclosed、carried_in），或表四的复议诉讼类型")],
    col: Annotated[str, typer.Option("--col", metavar="代码", help="表三的列代码（如 natural_person、total），或表四的结果")] = "total",
    bodies: Annotated[str | None, typer.Option("--bodies", metavar="代码", help="汇总报告的单元格：all 或以逗号分隔的机关代码（每件注明机关）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """列出报表某一单元格背后的案件（每个数字都可追溯到案件；--bodies 时注明每件所属机关）。"""
    from ..domain import report as R
    from ..reporting import annual as annual_mod

    ctx = _ctx()
    if bodies is None:
        items = annual_mod.behind(ctx, year, row, col)
    else:
        items = annual_mod.behind_bodies(ctx, year, row, col, annual_mod.pick_bodies(ctx, bodies))
    if as_json:
        emit(items)
        return
    if row in R.APPEAL_ROWS:
        title = f"{year}年度表四「{R.APPEAL_ROWS[row]}·{R.APPEAL_COLUMNS[col]}」"
    else:
        title = f"{year}年度表三{R.row_label(row)}「{R.COLUMNS[col]}」"
    typer.echo(f"{title}：{len(items)}件")
    from .render import outcome_label

    if bodies is not None:
        counts: dict[str, int] = {}
        for it in items:
            counts[it["body"]] = counts.get(it["body"], 0) + 1
        if counts:
            typer.echo("其中：" + "，".join(f"{code} {n}件" for code, n in counts.items()))
    for it in items:
        ref = f"（原编号 {it['ref']}）" if it.get("ref") else ""
        lead = f"{it['body']}  " if "body" in it else ""  # the body column of a combined cell
        if "appeal" in it:
            res = R.APPEAL_COLUMNS.get(it["result"] or "pending", "")
            typer.echo(f"{lead}{it['id']}{ref}  第{it['appeal']}件 {it['filed_on']}提起  {res}"
                       + (f" {it['decided_on']}" if it["decided_on"] else ""))
        else:
            typer.echo(f"{lead}{it['id']}{ref}  收到{it['received_on']}  "
                       + (f"{it['concluded_on']}办结：{outcome_label(it['outcome'])}" if it["concluded_on"] else "未办结"))


@report_app.command("timeliness")
def timeliness(
    year: YearOpt,
    bodies: Annotated[str | None, typer.Option("--bodies", metavar="代码", help="all（全部已配置的机关）或以逗号分隔的机关代码；默认当前机关")] = None,
    fmt: Annotated[str, typer.Option("--format", help="terminal、json 或 xlsx（含图表）", metavar="格式",
                                              autocompletion=complete_codes(FORMAT_LABELS, only=("terminal", "json", "xlsx")))] = "terminal",
    out: Annotated[str | None, typer.Option("--out", help="xlsx 的输出文件（默认写到当前目录）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出（同 --format json）")] = False,
) -> None:
    """各机关的办理时效：办结、按期答复、逾期答复、逾期未答复、答复用时中位数、延长答复期限。"""
    if fmt not in ("terminal", "json", "xlsx"):
        raise BadInput(f"--format 应为 terminal、json、xlsx 之一，不是「{fmt}」")
    from ..reporting import timeliness as tl

    doc = tl.build(_ctx(), year, bodies)
    if as_json or fmt == "json":
        emit(doc)
        return
    if fmt == "terminal":
        tl.print_table(doc)
        return
    path = out_path(out) if out else Path.cwd() / f"{year}年度政府信息公开申请办理时效.xlsx"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tl.write_xlsx(doc, path)
    except OSError as exc:
        raise BadInput(f"无法写入文件 {path}：{os_reason(exc)}") from None
    typer.echo(f"已写出：{path.resolve()}")


@report_app.command("lock")
def lock(year: YearOpt, as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
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
    folder: Annotated[str, typer.Argument(metavar="文件夹", help="要创建的文件夹")],
    year: YearOpt,
) -> None:
    """生成年度报告正文（一、五、六）和表二的填写模板。"""
    from ..reporting import staff_texts

    written = staff_texts.write_template(Path(folder), year)
    for p in written:
        typer.echo(f"已写出：{p}")


_DATE_FORMS = "日期写作 2025-03-07，或 Excel 保存的 2025/3/7、2025.3.7、2025-3-7，不能晚于今天。"
_FILE_HELP = "CSV 文件：第一行为表头（列名见上，顺序不限），UTF-8 或 GBK 编码（Excel 的「CSV（逗号分隔）」）"
_ALL_OR_NOTHING = ("全部无误才导入；有误则一次列出所有有误的行（行号和该行的每一处错误，最多列出{n}行），"
                   "不导入任何记录。重复导入同一文件不会产生重复记录。")


def _columns(title: str, columns: list[tuple[str, str]]) -> str:
    """One column a line, kept as written ("\\b": click does not re-wrap it, nor break a code in two)."""
    width = max(len(name) for name, _ in columns)
    return "\b\n" + title + "\n" + "\n".join(f"  {name.ljust(width)}  {what}" for name, what in columns)


def _import_cases_help() -> str:
    from ..domain.codes import ApplicantType, Channel

    types = "、".join(f"{t.value}（{t.label}）" for t in ApplicantType)
    channels = "、".join(f"{c.value}（{c.label}）" for c in Channel)
    return "\n\n".join([
        "导入历史申请。",
        _columns("必需的列：", [("ref", "本机关自己的参考号，不能重复"), ("applicant_type", f"申请人类型：{types}"),
                           ("received_on", "收到申请之日"),
                           ("outcome", "处理结果代码（同 case decide --outcome）；未办结的留空"),
                           ("concluded_on", "办结日期；未办结的留空")]),
        _columns("可选的列：", [("applicant_name", "申请人姓名或名称"), ("channel", f"申请渠道，默认 in_person：{channels}"),
                           ("content", "申请内容"), ("body", "机关代码，默认当前机关")]),
        _DATE_FORMS, _ALL_OR_NOTHING.format(n=MAX_LISTED_ERRORS)])


def _import_appeals_help() -> str:
    from ..domain.codes import APPEAL_KINDS, APPEAL_RESULTS

    kinds = "、".join(f"{k}（{v}）" for k, v in APPEAL_KINDS.items())
    results = "、".join(f"{k}（{v}）" for k, v in APPEAL_RESULTS.items())
    return "\n\n".join([
        "导入行政复议、行政诉讼记录（案件须已登记或已导入）。",
        _columns("必需的列：", [("ref", "案件的参考号：导入时的 ref 或本机关的案件编号"), ("kind", f"类型：{kinds}"),
                           ("filed_on", "提起日期"), ("result", f"结果：{results}；尚未审结的留空"),
                           ("decided_on", "审结日期；尚未审结的留空")]),
        _columns("可选的列：", [("body", "机关代码，默认当前机关")]),
        _DATE_FORMS, _ALL_OR_NOTHING.format(n=MAX_LISTED_ERRORS)])


@import_app.command("cases", help=_import_cases_help())
def import_cases(
    file: Annotated[str, typer.Argument(metavar="CSV文件", help=_FILE_HELP)],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    from ..reporting import importer

    result = importer.run(_ctx(), Path(file), "cases", progress=sys.stderr.isatty())
    _import_summary(result, as_json)


@import_app.command("appeals", help=_import_appeals_help())
def import_appeals(
    file: Annotated[str, typer.Argument(metavar="CSV文件", help=_FILE_HELP)],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
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
