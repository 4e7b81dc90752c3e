"""Rendering a filled template: HTML (the template's output), PDF (WeasyPrint, A4, the GB/T 9704-like layout of
docs/letters.md) and DOCX (python-docx, the same blocks and the same page for Word and WPS).

The DOCX is built from the HTML the template produced: one template per letter serves all three formats, and
python-docx writes every string as text (no template is run inside the document, so an applicant's `<` or `&`
cannot corrupt it). Before anything is drawn, every character is checked against the configured fonts.
"""

from __future__ import annotations

import base64
import io
import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from markupsafe import Markup

from . import LetterError, fonts

XHTML = "{http://www.w3.org/1999/xhtml}"
BLOCKS = {"h1", "h2", "h3", "p", "li", "pre"}
CONTAINERS = {"div", "section", "header", "footer", "ul", "ol", "main", "article", "body"}

# GB/T 9704-2012: A4; margins 37/26/35/28 mm (top/right/bottom/left); 22 lines of 28 characters; title about
# 22 pt (二号), body 16 pt (三号). 225 mm of text height / 22 lines = 28.95 pt a line.
LINE_PT = 28.95
BODY_PT = 16
TITLE_PT = 22
# A letter that spills a few lines onto a second page is set on one with a tighter line pitch (about 24.5 lines a
# page) and less space around the number and above the signature, as GB/T 9704 §7.3.5 allows, rather than leave
# the closing and the seal nearly alone on a page. Used only when it makes the letter fit on one page.
TIGHT_LINE_PT = 26.0


@dataclass
class Style:
    title_fonts: list[str]
    body_fonts: list[str]
    symbol_fonts: list[str]
    docx_title_font: str
    docx_body_font: str

    @classmethod
    def of(cls, settings: Any) -> Style:
        s = settings.letters
        return cls(list(s.title_fonts), list(s.body_fonts), list(s.symbol_fonts), s.docx_title_font, s.docx_body_font)

    def css(self, line_pt: float = LINE_PT) -> Markup:
        # Only installed families: fontconfig would stand any font in for a missing one, and the glyph check
        # could no longer tell which font prints a character.
        have = fonts.installed()

        def stack(fams: list[str]) -> str:
            return ", ".join(f"'{f}'" for f in fams if f.lower() in have) or "serif"

        return Markup(page_css(line_pt).replace("$BODY", stack(self.body_fonts)).replace("$TITLE", stack(self.title_fonts)))


def page_css(line_pt: float = LINE_PT) -> str:
    """The page: GB/T 9704's line pitch, or the tighter one (TIGHT_LINE_PT, with half the space around the number
    and one line instead of two above the signature)."""
    tight = line_pt < LINE_PT
    gap = line_pt / 2 if tight else line_pt
    return f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center {{ content: "— " counter(page) " —"; font-family: $BODY; font-size: 14pt; }} }}
html {{ font-family: $BODY; font-size: {BODY_PT}pt; line-height: {line_pt}pt; color: #000; }}
body {{ margin: 0; }}
p, li {{ margin: 0; text-align: justify; text-indent: 2em; overflow-wrap: anywhere; orphans: 2; widows: 2; }}
h1.title {{ font-family: $TITLE; font-size: {TITLE_PT}pt; font-weight: bold; line-height: 1.45;
  text-align: center; margin: 0 0 {gap}pt 0; }}
p.number {{ text-align: center; text-indent: 0; margin-bottom: {gap}pt; }}
p.addressee, p.noindent {{ text-indent: 0; }}
p.closing {{ margin-top: 0; }}
/* The closing, the signature and the date never stand alone on a page: they keep together, and with at least
   the last two lines of the text before them (widows: 2 on that paragraph); so does the contact line. */
.ending {{ break-inside: avoid; break-before: avoid; }}
.signature {{ position: relative; margin-top: {line_pt if tight else line_pt * 2}pt; }}
.signature p {{ text-align: right; text-indent: 0; padding-right: 2em; }}
img.seal {{ position: absolute; right: 12mm; top: -14mm; width: 42mm; height: 42mm; opacity: 0.85; }}
p.contact {{ margin-top: {line_pt}pt; text-indent: 0; break-before: avoid; }}
p.example-mark, p.preview-mark {{ text-indent: 0; text-align: center; color: #b00; font-size: 12pt;
  line-height: 18pt; border: 1px solid #b00; margin-bottom: 12pt; }}
"""


# -- the seal -----------------------------------------------------------------------------------------------------

SEAL_MAX_PIXELS = 16_000_000  # the seal is printed 42 mm square: decoding more is only cost (or a decompression bomb)


def seal_data_uri(path: Path | None) -> str:
    """The body's seal as a data: URI (the HTML stays self-contained); refuses a file that is not an image."""
    if path is None:
        return ""
    from PIL import Image, UnidentifiedImageError

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LetterError(f"无法读取印章图片 {path}（{exc.strerror or type(exc).__name__}）") from None
    if len(raw) > 5 * 1024 * 1024:
        raise LetterError(f"印章图片 {path} 大于5 MB")
    try:
        with warnings.catch_warnings():
            # Pillow only warns up to twice its MAX_IMAGE_PIXELS: a bomb must fail here, as one line, either way
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as img:
                fmt = img.format
                width, height = img.size
                if width * height > SEAL_MAX_PIXELS:
                    raise LetterError(f"印章图片 {path} 有 {width}×{height} 像素，超过上限（{SEAL_MAX_PIXELS:,} 像素，"
                                      "约 4000×4000）：请缩小后再用（印章印出约 42 毫米见方，1000 像素已足够）")
                img.verify()
            with Image.open(io.BytesIO(raw)) as img:
                img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LetterError(f"印章图片 {path} 的像素过多（可能是解压炸弹），不予使用：请换用正常大小的图片") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise LetterError(f"印章图片 {path} 不是有效的 PNG 或 JPEG 图片（{type(exc).__name__}）") from None
    if fmt not in ("PNG", "JPEG"):
        raise LetterError(f"印章图片 {path} 是 {fmt} 格式：请使用 PNG 或 JPEG")
    mime = "image/png" if fmt == "PNG" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


# -- HTML structure ---------------------------------------------------------------------------------------------------

def parse(html: str) -> Element:
    """The template's HTML as a tree (lxml's HTML parser: about ten times faster than a pure-Python one)."""
    import lxml.html

    try:
        return lxml.html.document_fromstring(html)
    except Exception as exc:  # empty or unusable output
        raise LetterError(f"文书模板生成的 HTML 无法解析（{type(exc).__name__}）") from None


def _tag(el: Element) -> str:
    return el.tag.removeprefix(XHTML) if isinstance(el.tag, str) else ""


def _classes(el: Element) -> set[str]:
    return set((el.get("class") or "").split())


def body_of(root: Element) -> Element:
    body = root.find("body")
    if body is None:
        raise LetterError("文书模板没有生成 <body>")
    return body


def texts(root: Element) -> tuple[str, str]:
    """The text of the title and of everything else, as printed (for the font check)."""
    title: list[str] = []
    rest: list[str] = []

    def walk(el: Element, in_title: bool) -> None:
        t = _tag(el)
        if t in ("style", "script", "head", "title"):
            return
        in_title = in_title or "title" in _classes(el)
        (title if in_title else rest).append(el.text or "")
        for child in el:
            walk(child, in_title)
            (title if in_title else rest).append(child.tail or "")

    walk(body_of(root), False)
    return "".join(title), "".join(rest)


def check_glyphs(root: Element, style: Style) -> list[str]:
    title, rest = texts(root)
    used = (fonts.check(title, style.title_fonts + style.symbol_fonts, "标题")
            + fonts.check(rest, style.body_fonts + style.symbol_fonts, "正文"))
    return sorted({f.path for f in used})


# -- PDF ------------------------------------------------------------------------------------------------------------------

class _Collect(logging.Handler):
    """WeasyPrint's warnings never reach the terminal; the ones that matter are kept and acted on."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_COLLECT = _Collect()


def _quiet() -> None:
    for name in ("weasyprint", "fontTools"):
        log = logging.getLogger(name)
        if _COLLECT not in log.handlers:
            log.addHandler(_COLLECT)
            log.propagate = False


def pdf(html: str) -> bytes:
    """A4 PDF, fonts embedded (subset). No resource is fetched but data: URIs (nothing downloads).
    A glyph drawn as .notdef (a blank box) fails the letter, naming the character: the font check before
    rendering should have caught it; this is the net under it."""
    return pdf_and_pages(html)[0]


def pdf_and_pages(html: str) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    _quiet()
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    _COLLECT.records.clear()
    try:
        document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).render()
        out = document.write_pdf()
    except Exception as exc:  # a layout the engine cannot draw
        raise LetterError(f"无法生成 PDF：{type(exc).__name__}: {str(exc)[:200]}") from None
    for record in _COLLECT.records:
        if ".notdef" in str(record.msg):
            cp = record.args[-1] if isinstance(record.args, tuple) and record.args else 0
            raise LetterError(f"字符「{chr(cp) if cp else '?'}」（U+{cp:04X}）在 PDF 中没有字形，会打印成空白方框："
                              "请安装含有该字的字体并加入配置 [letters] 的字体列表")
    return out, len(document.pages)


# -- DOCX -----------------------------------------------------------------------------------------------------------------

def docx(root: Element, style: Style, title: str, line_pt: float = LINE_PT) -> bytes:
    """The same blocks on the same page (A4, GB/T 9704 margins and line pitch, or the tighter pitch the PDF was
    set with), editable in Word and WPS. The ending (remedy, closing, signature) is kept together and with the
    paragraph before it, whose widow control keeps two of its lines with it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = _blank_docx(style)
    doc.core_properties.title = title
    tight = line_pt < LINE_PT
    gap = line_pt / 2 if tight else line_pt
    made: list[Any] = []

    def paragraph(el: Element, classes: set[str]) -> None:
        p = doc.add_paragraph()
        made.append(p)
        f = p.paragraph_format
        if tight:
            f.line_spacing = Pt(line_pt)
        tag = _tag(el)
        is_title = tag in ("h1", "h2") or "title" in classes
        if is_title:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            f.line_spacing = Pt(TITLE_PT * 1.45)
            f.space_after = Pt(gap)
        elif "number" in classes:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            f.space_after = Pt(gap)
        elif classes & {"sign-body", "sign-date"} or "signature" in classes:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            f.right_indent = Pt(BODY_PT * 2)
        elif classes & {"example-mark", "preview-mark"}:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif classes & {"addressee", "noindent", "contact"}:
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        else:
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            f.first_line_indent = Pt(BODY_PT * 2)
        if "contact" in classes:
            f.space_before = Pt(line_pt)
        elif "sign-body" in classes:
            f.space_before = Pt(line_pt if tight else line_pt * 2)
        if "ending" in classes:  # remedy, closing, signature: on one page, with the paragraph before them
            f.keep_together = True
            f.keep_with_next = True
        runs(p, el, bold=is_title, is_title=is_title, red=bool(classes & {"example-mark", "preview-mark"}))

    def runs(p: Any, el: Element, bold: bool, is_title: bool, red: bool) -> None:
        def add(text: str | None, b: bool) -> None:
            if not text:
                return
            text = re.sub(r"[ \t\r\n]+", " ", text)
            if not text.strip() and not p.runs:
                return
            r = p.add_run(text)
            r.bold = b or None
            if is_title:
                r.font.size = Pt(TITLE_PT)
                _fonts(r._element, style.docx_title_font, qn)
            if red:
                from docx.shared import RGBColor

                r.font.color.rgb = RGBColor(0xBB, 0, 0)
                r.font.size = Pt(12)

        def walk(node: Element, b: bool) -> None:
            add(node.text, b)
            for child in node:
                t = _tag(child)
                if t == "br":
                    p.add_run().add_break()
                elif t in ("img", "style", "script"):
                    pass
                else:
                    walk(child, b or t in ("strong", "b"))
                add(child.tail, b)

        walk(el, bold)

    def blocks(el: Element, inherited: set[str]) -> None:
        for child in el:
            t = _tag(child)
            classes = _classes(child) | inherited
            if t in BLOCKS:
                paragraph(child, classes)
            elif t in CONTAINERS:
                if "ending" in classes and made:
                    made[-1].paragraph_format.keep_with_next = True  # its last lines go with the ending
                blocks(child, classes if classes & {"signature", "ending"} else inherited)
            elif t in ("table",):
                for row in child.iter(f"{XHTML}tr"):
                    paragraph(row, classes)

    blocks(body_of(root), set())
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


_BLANK: dict[tuple[str, str], Any] = {}


def _blank_docx(style: Style) -> Any:
    """An empty A4 document with the GB/T 9704 page and the body style. Opening python-docx's template costs
    about as much as saving a letter, so one document per process is emptied and reused (nothing of the previous
    letter survives: every paragraph of the body is removed; the page settings stay)."""
    from docx import Document
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    key = (style.docx_title_font, style.docx_body_font)
    doc = _BLANK.get(key)
    if doc is not None:
        body = doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        return doc
    doc = Document()
    for child in list(doc.element.body):
        if child.tag != qn("w:sectPr"):
            doc.element.body.remove(child)
    # python-docx's template carries 160 styles, a Word 2010 copy of them and a thumbnail of its own sample page:
    # a letter uses the Normal style only; dropping the rest takes the file from 37 to about 12 KiB and halves
    # the time to save it, and no file browser shows python-docx's sample page as the letter's preview.
    for rel in list(doc.part.rels.values()):
        if rel.reltype.endswith(("/stylesWithEffects", "/numbering")):  # no lists in a letter
            doc.part.drop_rel(rel.rId)
    for rid, rel in list(doc.part.package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            doc.part.package.rels.pop(rid)
    keep = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
    styles = doc.styles.element
    for el in list(styles):
        if el.tag == qn("w:latentStyles") or (el.tag == qn("w:style") and el.get(qn("w:styleId")) not in keep):
            styles.remove(el)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element, style.docx_body_font, qn)
    pf = normal.paragraph_format
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PT)
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = True  # never one line of a paragraph alone at the top or foot of a page
    doc.core_properties.author = ""
    doc.core_properties.last_modified_by = ""
    _BLANK[key] = doc
    return doc


def _fonts(element: Any, family: str, qn: Any) -> None:
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), family)
