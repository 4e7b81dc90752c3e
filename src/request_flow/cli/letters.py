"""`request-flow letters …`: the issued letters, their archive, re-printing, and a body's templates.

Only Typer is imported at module level: `case show` loads this module too (it is registered on the app), and
must not pay for Jinja2, WeasyPrint or python-docx. The commands import what they need.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..domain.codes import LETTER_KINDS
from .chinese import ChineseTyper
from .common import FORMAT_LABELS, CaseIdArg, complete_codes, complete_letter_numbers

letters_app = ChineseTyper(no_args_is_help=True, help="文书：已出具的文书、归档、重新打印、模板检查和预览")

JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]
FORMATS = ("pdf", "docx", "html")


def _ctx():
    from .common import context

    return context()


def _emit(data: Any) -> None:
    from .common import emit

    emit(data)


def _label(kind: str) -> str:
    from ..domain.codes import LETTER_KINDS

    return LETTER_KINDS.get(kind, (kind,))[0]


def _item(a: Any, paths: dict[str, Path], conf: Any) -> dict[str, Any]:
    x = a.letter
    r = a.render
    return {
        "number": x.number, "kind": x.kind, "kind_label": _label(x.kind), "case": x.case_id,
        "issued_on": x.issued_on.isoformat(), "issued_by": x.issued_by,
        "addressee": r.addressee if r else None,
        "delivered_on": x.delivered_on.isoformat() if x.delivered_on else None,
        "delivery_method": x.delivery_method, "delivery_proof": x.delivery_proof,
        "files": [str(p) for p in paths.values()],
        # where the workers draw the PDF and DOCX: not drawn yet, or given up on after its tries (the reason)
        "pending": a.pending(conf.render_tries, conf.render_timeout_seconds),
        "failed": a.failed(conf.render_tries, conf.render_timeout_seconds),
    }


@letters_app.command("list")
def letters_list(case_id: CaseIdArg, as_json: JsonOpt = False) -> None:
    """列出案件已出具的文书：文号、种类、出具日期和归档文件（PDF 供打印，DOCX 供编辑）。"""
    from .. import services

    ctx = _ctx()
    items = [_item(a, paths, ctx.settings.letters) for a, paths in services.archived_letters(ctx, case_id=case_id)]
    superseded = services.superseded_letters(ctx, case_id)  # `case amend` re-issued them under new numbers
    for x in items:
        x["superseded_by"] = superseded.get(x["number"])
    if as_json:
        _emit(items)
        return
    if not items:
        typer.echo("本案尚无文书")
    for x in items:
        sent = f"，{x['delivered_on']}送达" if x["delivered_on"] else ""
        old = f"（已更正，由{x['superseded_by']}重新出具）" if x["superseded_by"] else ""
        drawn = ("（PDF、DOCX 正在后台生成）" if x["pending"] else
                 f"（PDF、DOCX 生成失败：{x['failed']}；可用 letters print 重新生成）" if x["failed"] else "")
        typer.echo(f"{x['number']}  {x['kind_label']}  致{x['addressee'] or ''}  {x['issued_on']}出具{sent}{old}{drawn}")
        for f in x["files"]:
            typer.echo(f"    {f}")


@letters_app.command("show")
def letters_show(
    number: Annotated[str, typer.Argument(metavar="文号", show_default=False, autocompletion=complete_letter_numbers)],
    data: Annotated[bool, typer.Option("--data", help="同时输出填写文书所用的数据")] = False,
    as_json: JsonOpt = False,
) -> None:
    """查看一件文书的归档记录：模板及其版本（SHA-256）、出具人和时间（本机关所在时区）、文件及校验值、送达情况。"""
    from .. import services
    from ..config import iso_time
    from .common import when

    ctx = _ctx()
    (a, paths), = services.archived_letters(ctx, number=number)
    item = _item(a, paths, ctx.settings.letters)
    r = a.render
    item.update({
        "issued_at": iso_time(a.letter.issued_at, ctx.settings.timezone),
        "template": r.template if r else None,
        "template_sha256": r.template_sha256 if r else None,
        "template_sources": r.sources if r else None,
        "fonts": r.fonts if r else None,
        "engine": r.engine if r else None,
        "file_hashes": {fmt: {"sha256": sha, "size": size} for fmt, (sha, size) in a.files.items()},
    })
    if data:
        item["data"] = r.data if r else None
    if as_json:
        _emit(item)
        return
    typer.echo(f"{item['number']}  {item['kind_label']}  案件 {item['case']}")
    typer.echo(f"致：{item['addressee'] or '—'}")
    typer.echo(f"出具：{item['issued_on']}（{item['issued_by']}，记录于 {when(item['issued_at'])}）")
    sent = item["delivered_on"] or "尚未记录"
    typer.echo(f"送达：{sent}" + (f"，方式：{item['delivery_method']}" if item["delivery_method"] else "")
               + (f"，凭证：{item['delivery_proof']}" if item["delivery_proof"] else ""))
    if r:
        typer.echo(f"模板：{r.template}  版本 {r.template_sha256[:16]}…")
        typer.echo(f"生成：{r.engine}")
    else:
        typer.echo("模板：—（文书功能启用前预留的文号，没有归档文件）")
    for fmt, p in paths.items():
        sha, size = a.files[fmt]
        typer.echo(f"{fmt.upper():5} {p}  {size:,} 字节  SHA-256 {sha}")
    if data and r:
        import json

        typer.echo(json.dumps(r.data, ensure_ascii=False, indent=2))


@letters_app.command("print")
def letters_print(
    number: Annotated[str | None, typer.Argument(metavar="文号", help="文号；不写时与 --from/--to 一起批量重新打印",
                                                 autocompletion=complete_letter_numbers)] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf、docx 或 html", metavar="格式",
                                              autocompletion=complete_codes(FORMAT_LABELS, only=FORMATS))] = "pdf",
    out: Annotated[str | None, typer.Option("--out", metavar="文件或文件夹",
                                                     help="输出文件（单件，- 为标准输出）或目录（批量）")] = None,
    date_from: Annotated[str | None, typer.Option("--from", metavar="日期", help="批量：出具日期起")] = None,
    date_to: Annotated[str | None, typer.Option("--to", metavar="日期", help="批量：出具日期止")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="批量：只打印这一种文书",
                                                      autocompletion=complete_codes(LETTER_KINDS))] = None,
) -> None:
    """从归档中重新打印文书，与当初出具的文件逐字节相同；或把一段时间内出具的文书批量输出到目录（显示进度）。"""
    from .. import services
    from ..domain.errors import BadInput
    from .common import out_folder, out_path, parse_date, write_out

    if fmt not in FORMATS:
        raise BadInput(f"--format 应为 {'、'.join(FORMATS)}，不是「{fmt}」")
    ctx = _ctx()
    if number is not None:
        if date_from or date_to or kind:
            raise BadInput("写了文号时不能同时使用 --from、--to、--kind")
        target = out_path(out) if out is not None and out != "-" else None
        content = services.letter_content(ctx, number, fmt)
        if target is None:
            if sys.stdout.isatty():
                raise BadInput("文书是二进制文件，不能直接输出到终端：请用 --out 文件名，或重定向到文件")
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        else:
            write_out(target, content)
            typer.echo(f"已输出 {number} 的 {fmt.upper()}（{len(content):,} 字节，与归档一致）：{target.resolve()}")
        return
    if not (date_from and date_to and out):
        raise BadInput("批量重新打印需要 --from、--to 和 --out 目录；单件请写文号")
    first, last = parse_date(date_from, "--from"), parse_date(date_to, "--to")
    assert first and last
    if last < first:
        raise BadInput("--to 早于 --from")
    if kind is not None:
        from ..domain.codes import LETTER_KINDS

        if kind not in LETTER_KINDS:
            raise BadInput(f"文书种类「{kind}」不存在，应为：{'、'.join(LETTER_KINDS)}")
    folder = out_folder(out)
    found = services.archived_letters(ctx, period=(first, last), kind=kind, copies=False)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    written = 0
    with Progress(TextColumn("重新打印"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=False, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("letters", total=len(found))
        from ..letters.archive import _safe

        for a, _ in found:
            if fmt in a.files or (a.render is not None and not a.drawn):  # one the workers have not drawn: now
                content = services.letter_content(ctx, a.letter.number, fmt)
                write_out(folder / f"{_safe(a.letter.number)}.{fmt}", content)
                written += 1
            bar.advance(task)
    typer.echo(f"{first.isoformat()}至{last.isoformat()}出具的文书 {len(found)} 件，已输出 {written} 个 {fmt.upper()} 文件到 {folder.resolve()}")


@letters_app.command("preview")
def letters_preview(
    kind: Annotated[str | None, typer.Argument(metavar="文书种类", autocompletion=complete_codes(LETTER_KINDS), help="文书种类：receipt、correction、reasons、extension、consultation、"
                                               "consultation_notice、override、fee、reply、closure、reopen")] = None,
    variant: Annotated[str | None, typer.Option("--variant", "--outcome", metavar="代码",
                                                    help="答复书的处理结果代码；其他文书的形式")] = None,
    fmt: Annotated[str, typer.Option("--format", help="html、pdf 或 docx", metavar="格式",
                                              autocompletion=complete_codes(FORMAT_LABELS, only=FORMATS))] = "html",
    out: Annotated[str | None, typer.Option("--out", metavar="文件或文件夹", help="输出文件（--all 时为目录）；html 默认输出到标准输出")] = None,
    all_: Annotated[bool, typer.Option("--all", help="用示例数据生成全部文书的 PDF、DOCX、HTML（并行使用所有处理器核心）")] = False,
) -> None:
    """用示例数据填写当前机关的模板，供调整模板时预览（标有“样稿”，不编号、不归档）。"""
    from ..domain.errors import BadInput
    from ..letters import LetterError, issue
    from .common import out_folder, out_path, write_out

    ctx = _ctx()
    if all_:
        if not out:
            raise BadInput("--all 需要 --out 目录")
        _preview_all(ctx, out_folder(out))
        return
    if kind is None:
        raise BadInput("请写明文书种类，或使用 --all")
    if fmt not in FORMATS:
        raise BadInput(f"--format 应为 {'、'.join(FORMATS)}，不是「{fmt}」")
    target = out_path(out) if out and out != "-" else None
    try:
        data = issue.sample_data(ctx, kind, variant or "")
        r = issue.render_data(ctx.settings, ctx.body, data, formats=(fmt,))
    except LetterError as exc:
        from ..domain.errors import Refused

        raise Refused(str(exc)) from None
    content = r.files[fmt]
    if target is not None:
        write_out(target, content)
        typer.echo(f"样稿已输出：{target.resolve()}（模板 {r.template}，版本 {r.template_sha256[:16]}…）")
    elif fmt == "html":
        typer.echo(content.decode("utf-8"), nl=False)
    elif sys.stdout.isatty():
        raise BadInput(f"{fmt.upper()} 是二进制文件，不能直接输出到终端：请用 --out 文件名")
    else:
        sys.stdout.buffer.write(content)


def _preview_one(args: tuple[str, str, str]) -> tuple[str, str, str | None, float]:
    """In a worker process: render one letter with sample data in every format into the folder."""
    import time

    from ..letters import LetterError, issue

    kind, variant, folder = args
    t0 = time.perf_counter()
    try:
        ctx = _ctx()
        r = issue.render_data(ctx.settings, ctx.body, issue.sample_data(ctx, kind, variant))
        stem = f"{kind}-{variant}" if variant else kind
        from .common import write_out

        for fmt, content in r.files.items():
            write_out(Path(folder) / f"{stem}.{fmt}", content)
        return kind, variant, None, time.perf_counter() - t0
    except LetterError as exc:
        return kind, variant, str(exc), time.perf_counter() - t0


def render_pool(jobs: list[tuple[str, str, str]], workers: int | None = None, progress: bool = True):
    """Render letters in parallel, one process a core (WeasyPrint is single-threaded: about 0.1–0.3 s a PDF)."""
    import multiprocessing as mp
    import os
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    n = workers or max(1, min(len(jobs), os.cpu_count() or 1))
    results = []
    with Progress(TextColumn("生成文书"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  disable=not (progress and sys.stderr.isatty()), console=None) as bar, \
            ProcessPoolExecutor(n, mp_context=mp.get_context("fork")) as pool:
        task = bar.add_task("letters", total=len(jobs))
        for fut in as_completed([pool.submit(_preview_one, j) for j in jobs]):
            results.append(fut.result())
            bar.advance(task)
    return results


def _preview_all(ctx: Any, folder: Path) -> None:
    from ..domain.errors import Refused
    from ..letters import fields

    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(k, v, str(folder)) for k, v in fields.all_letters()]
    results = render_pool(jobs)
    failed = [(k, v, err) for k, v, err, _ in results if err]
    typer.echo(f"样稿 {len(jobs) - len(failed)} 件（PDF、DOCX、HTML）已输出到 {folder.resolve()}")
    if failed:
        for k, v, err in failed:
            typer.echo(f"  {k} {v}：{err}")
        raise Refused(f"有 {len(failed)} 件样稿无法生成（见上）")


@letters_app.command("check")
def letters_check(as_json: JsonOpt = False) -> None:
    """检查当前机关的文书模板：语法、引用的字段是否存在（所有分支）、用示例数据填写、字体能否显示每个字、印章图片。"""
    from ..domain.errors import Refused
    from ..letters import issue

    ctx = _ctx()
    results = issue.check_body(ctx)
    problems = [(k, v, p) for k, v, p in results if p]
    if as_json:
        _emit([{"kind": k, "variant": v, "ok": p is None, "problem": p} for k, v, p in results])
    else:
        dirs = ctx.settings.templates_dirs(ctx.body)
        typer.echo(f"机关：{ctx.body.name}（{ctx.body.code}）；模板目录：{'、'.join(str(d) for d in dirs)}")
        for k, v, p in results:
            mark = "✗" if p else "✓"
            typer.echo(f"{mark} {_label(k) if k != 'seal' else '印章'}{(' ' + v) if v else ''}" + (f"：{p}" if p else ""))
    if problems:
        raise Refused(f"文书模板检查发现 {len(problems)} 处问题，修正前出具这些文书会被拒绝")
    if not as_json:
        typer.echo(f"全部 {len(results)} 种文书的模板均可使用")


@letters_app.command("fields")
def letters_fields(
    kind: Annotated[str, typer.Argument(metavar="文书种类", help="文书种类", autocompletion=complete_codes(LETTER_KINDS))],
    variant: Annotated[str | None, typer.Option("--variant", "--outcome", metavar="代码", help="答复书的处理结果代码；其他文书的形式")] = None,
) -> None:
    """列出一种文书的模板可用的字段及示例值（模板引用不存在的字段会被拒绝）。"""
    from ..letters import issue

    data = issue.sample_data(_ctx(), kind, variant or "")

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, list):
            typer.echo(f"{prefix}  （列表，用 {{% for x in {prefix} %}} 逐项引用）")
            if value and isinstance(value[0], dict):
                for k, v in value[0].items():
                    typer.echo(f"    x.{k}  {v!r}")
        else:
            typer.echo(f"{prefix}  {value!r}")

    walk("", data)
