"""Issuing a letter: fill, check, render all formats, and hand the result to the archive.

Filling and checking happen inside the act's transaction, after the 文号 is reserved and before the commit: a
letter that cannot be made (a broken template, a character no font has, a seal that is not an image) refuses the
act, and the rollback takes the reserved number back with everything else. See docs/decisions.md, "Letters".

Where the workers render (docs/letters.md, "Rendering by the workers"), the act stops at the HTML (`formats=
("html",)`): the template's output, with every check done. `finish` later draws the PDF and DOCX from exactly
that stored HTML, so what the workers print is what the act checked, whatever happens to the templates meanwhile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import LetterError, fields, render
from .templates import Templates, isolate

FORMATS = ("pdf", "docx", "html")


@dataclass
class Rendered:
    kind: str
    variant: str
    number: str
    template: str
    template_sha256: str
    sources: dict[str, str]
    data: dict[str, Any]
    files: dict[str, bytes]  # format -> bytes
    fonts: list[str]

    @property
    def addressee(self) -> str:
        return str(self.data["letter"]["addressee"])


@lru_cache(maxsize=16)
def _templates(dirs: tuple[Path, ...], folders: tuple[int, ...]) -> Templates:
    return Templates(list(dirs))


def templates_for(settings: Any, body: Any) -> Templates:
    """The body's templates, kept between acts of one process (a worker's automatic closures): a template changed
    in place is seen by the checks of `Templates` and Jinja2; one added to or removed from the body's folder (now
    overriding a default, or no longer) changes that folder's modification time, and the templates are read
    afresh (docs/letters.md, "Templates")."""
    dirs = tuple(settings.templates_dirs(body))
    return _templates(dirs, _folder_times(dirs[:-1]))


def _folder_times(folders: tuple[Path, ...]) -> tuple[int, ...]:
    times = []
    for folder in folders:  # the body's own folder and its subfolders (reply/ …); the shipped defaults never change
        for path, _, _ in os.walk(folder):
            times.append(os.stat(path).st_mtime_ns)
    return tuple(times)


def render_data(settings: Any, body: Any, data: dict[str, Any], formats: tuple[str, ...] = FORMATS,
                seal: bool = True) -> Rendered:
    """Fill the letter's template with `data` and render it; LetterError when anything is wrong."""
    kind, variant = data["letter"]["kind"], data["letter"]["variant"]
    remedy = data["remedy"]
    if remedy["form"] != "none" and not remedy["review_body"]:
        raise LetterError(f"机关 {body.code} 没有配置行政复议机关（[[body]] review_body），{data['letter']['title']}无法写明救济途径")
    if remedy["form"] == "ordinary" and not remedy["court"]:
        raise LetterError(f"机关 {body.code} 没有配置管辖法院（[[body]] court），{data['letter']['title']}无法写明救济途径")
    style = render.Style.of(settings)
    tpl = templates_for(settings, body)
    name = fields.template_name(kind, variant)
    version, sources = tpl.version(name)
    seal_uri = render.seal_data_uri(settings.seal_path(body)) if seal else ""

    entered = isolate(data)  # right-to-left text and bidi controls kept inside their own field

    def fill(line_pt: float) -> str:
        return tpl.render(name, {**entered, "page_css": style.css(line_pt), "seal": seal_uri},
                          settings.letters.render_seconds)

    html = fill(render.LINE_PT)
    root = render.parse(html)
    used = render.check_glyphs(root, style)
    files: dict[str, bytes] = {}
    line_pt = render.LINE_PT
    if "pdf" in formats:
        files["pdf"], pages = render.pdf_and_pages(html)
        if pages == 2:  # a few lines over one page: set on one page with the tighter pitch, if that fits
            tight_html = fill(render.TIGHT_LINE_PT)
            tight_pdf, tight_pages = render.pdf_and_pages(tight_html)
            if tight_pages == 1:
                html, files["pdf"], line_pt = tight_html, tight_pdf, render.TIGHT_LINE_PT
                root = render.parse(html)
    if "html" in formats:
        files["html"] = html.encode("utf-8")
    if "docx" in formats:
        files["docx"] = render.docx(root, style, f"{data['body']['name']}{data['letter']['title']}", line_pt)
    return Rendered(kind, variant, data["letter"]["number"], name, version, sources, data, files, used)


def render_issue(settings: Any, body: Any, issue: fields.Issue, formats: tuple[str, ...] = FORMATS) -> Rendered:
    # the override notice states the wait recorded with its decision; the policy's is the fallback
    wait = settings.policy().override_wait_days
    return render_data(settings, body, fields.build(issue, body, override_wait_days=wait), formats=formats)


def finish(settings: Any, html: str, title: str) -> dict[str, bytes]:
    """The PDF and DOCX of a letter from the HTML its act stored (`title`: the DOCX's document title). As
    `render_data` does: a letter a few lines over one page is set on one with the tighter pitch, which is the
    same HTML with the page rules of that pitch (the template wrote `page_css` once, verbatim)."""
    style = render.Style.of(settings)
    line_pt = render.LINE_PT
    pdf, pages = render.pdf_and_pages(html)
    if pages == 2:
        normal, tight = str(style.css(render.LINE_PT)), str(style.css(render.TIGHT_LINE_PT))
        if html.count(normal) == 1:
            tight_html = html.replace(normal, tight)
            tight_pdf, tight_pages = render.pdf_and_pages(tight_html)
            if tight_pages == 1:
                html, pdf, line_pt = tight_html, tight_pdf, render.TIGHT_LINE_PT
    return {"pdf": pdf, "docx": render.docx(render.parse(html), style, title, line_pt)}


def sample_data(ctx: Any, kind: str, variant: str, form: str = "") -> dict[str, Any]:
    from ..domain.errors import BadInput
    from .numbering import letter_number

    if kind not in fields.LETTER_ORDER:
        raise BadInput(f"文书类型「{kind}」不存在，应为：{'、'.join(fields.LETTER_ORDER)}")
    choices = fields.variants(kind)
    if variant not in choices:
        if variant == "" and choices:
            variant = choices[0]
        else:
            raise BadInput(f"{kind} 没有「{variant}」这种形式，应为：{'、'.join(choices)}")
    number = letter_number(ctx.body, kind, 2025, 1)
    return fields.sample(kind, variant, ctx.body, ctx.cal, ctx.settings.policy(), number, form,
                         numbering=lambda k, n: letter_number(ctx.body, k, 2025, n))


def check_body(ctx: Any) -> list[tuple[str, str, str | None]]:
    """Every letter of the set with sample data: fields (static), filling, fonts, the seal, DOCX assembly.
    Returns (kind, variant, problem or None) for each; the PDF is not drawn (letters preview does)."""
    templates_for(ctx.settings, ctx.body)  # a body folder that does not exist: one error, not one per letter
    results: list[tuple[str, str, str | None]] = []
    seal_problem = None
    try:
        render.seal_data_uri(ctx.settings.seal_path(ctx.body))
    except LetterError as exc:
        seal_problem = str(exc)
    for kind, variant in fields.all_letters():
        try:
            data = sample_data(ctx, kind, variant)
            data["preview"] = False  # checked as issued
            render_data(ctx.settings, ctx.body, data, formats=("docx",), seal=False)
            results.append((kind, variant, None))
        except LetterError as exc:
            results.append((kind, variant, str(exc)))
    if seal_problem:
        results.append(("seal", "", seal_problem))
    return results

