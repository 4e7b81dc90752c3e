"""Helpers for the letter tests: read PDFs back with poppler (pdftotext, pdftoppm, pdfinfo) and DOCX with
python-docx, as a person opening the files would."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest


@pytest.fixture
def rf(rf):
    """The shared runner, with the registration receipt back on (the engine's tests turn it off for speed)."""
    rf.env.pop("REQUEST_FLOW_LETTERS", None)
    return rf


@pytest.fixture
def rf_sqlite(rf_sqlite):
    rf_sqlite.env.pop("REQUEST_FLOW_LETTERS", None)
    return rf_sqlite


def pdf_text(path: Path | str, raw: bool = False) -> str:
    """The text of a PDF, without the page numbers ("— 2 —") that fall between the pages' text.

    `raw`: in the order it is drawn, as drawn. pdftotext's reading-order mode joins a word hyphenated at a line's
    end and drops the hyphen, so an entered "a-b" that the page happens to break after "a-" reads back as "ab"."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else []), str(path), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return re.sub(r"—\s*\d+\s*—", "", text)


def flat(text: str) -> str:
    """Without whitespace: lines wrap wherever the page ends them."""
    return re.sub(r"\s+", "", text)


def docx_text(path_or_bytes) -> str:
    import io

    from docx import Document

    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    return "\n".join(p.text for p in Document(src).paragraphs)


def html_text(path: Path) -> str:
    import tinyhtml5

    root = tinyhtml5.parse(path.read_text(encoding="utf-8"))
    body = root.find("{http://www.w3.org/1999/xhtml}body")
    return "".join(t for el in body.iter() if not str(el.tag).endswith(("style", "script")) for t in (el.text or "", el.tail or ""))
