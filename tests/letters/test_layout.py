"""The closing block on the page (GB/T 9704-2012 §7.3.5, issue 9): the closing (特此答复。), the body's name and the
date never stand alone on a page; they keep with them at least the last two lines of the text before them; and a
letter that would spill a few lines onto a second page is set on one page with tighter spacing instead.

Letters of growing length are rendered in-process and read back page by page with pdftotext, as printed."""

from __future__ import annotations

import dataclasses
import subprocess
import tempfile
from pathlib import Path

import pytest

from request_flow.calendar import load_calendar
from request_flow.config import BodyProfile, Settings
from request_flow.domain.clocks import Policy
from request_flow.letters import fields, issue, render

SETTINGS = Settings()
CAL = load_calendar([])
BODY = BodyProfile(code="X", name="某某市某某区人民政府办公室", short_name="某区政办", review_body="某某市人民政府",
                   court="某某市某某区人民法院", contact="李四", phone="0000-1234567")
CLOSING_BLOCK = {"特此答复。", "某某市某某区人民政府办公室", "2025年3月25日", "（联系人：李四；联系电话：0000-1234567）"}


def letter(variant: str, reason_chars: int) -> dict:
    """A reply whose stated reason (or provided information) is `reason_chars` characters long."""
    key = "provided" if variant == "disclosed" else "reason"
    events = [dataclasses.replace(e, data={**e.data, key: ("本机关经审查认为该信息" * 100)[:reason_chars]})
              if e.kind == "decide" else e for e in fields.sample_events("reply", variant)]
    iss = fields.sample_issue("reply", events, CAL, Policy(), "某区政办公开复〔2025〕1号", fields.sample_applicant())
    return fields.build(iss, BODY)


def pages(pdf: bytes) -> list[list[str]]:
    """Each page's lines as printed, without the page number."""
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "l.pdf"
        p.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(p), "-"], capture_output=True, text=True,
                              check=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip() and not line.strip().startswith("—")]
            for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("variant", ["needs_creation", "disclosed"])  # without and with a remedy clause
def test_the_closing_block_never_stands_alone(variant):
    seen = set()
    for chars in range(100, 1000, 60):
        printed = pages(issue.render_data(SETTINGS, BODY, letter(variant, chars), formats=("pdf",)).files["pdf"])
        seen.add(len(printed))
        last = printed[-1]
        assert CLOSING_BLOCK <= set(last), (chars, last)
        text_lines = [line for line in last if line not in CLOSING_BLOCK]
        assert len(text_lines) >= 2, f"{variant}, {chars} characters: the last page holds {last}"
        for page in printed[:-1]:  # the block is never split (the body's name is in the title too)
            assert not {"特此答复。", "2025年3月25日"} & set(page), (chars, page)
    assert len(seen) >= 2  # the lengths went past a page's end


def test_a_letter_slightly_too_long_for_one_page_is_set_on_one():
    style = render.Style.of(SETTINGS)
    tpl = issue.templates_for(SETTINGS, BODY)
    found = 0
    for chars in range(40, 400, 20):
        data = letter("needs_creation", chars)
        at_standard_pitch = tpl.render("reply/needs_creation.html", {**data, "page_css": style.css(), "seal": ""})
        if render.pdf_and_pages(at_standard_pitch)[1] != 2:
            continue
        r = issue.render_data(SETTINGS, BODY, data, seal=False)
        printed = pages(r.files["pdf"])
        if len(printed) == 1:
            found += 1
            assert CLOSING_BLOCK <= set(printed[0])
            # the HTML and the DOCX are set with the same pitch as the PDF
            assert f"line-height: {render.TIGHT_LINE_PT}pt" in r.files["html"].decode()
            import io

            from docx import Document

            spacing = {p.paragraph_format.line_spacing.pt for p in Document(io.BytesIO(r.files["docx"])).paragraphs
                       if p.paragraph_format.line_spacing is not None and not p.style.name.startswith("Title")}
            assert render.TIGHT_LINE_PT in spacing
        else:
            break  # past what tighter spacing can take: two pages, closing block kept (test above)
    assert found >= 2  # at least two lengths that spill over at the standard pitch came out on one page
