"""Bounded work and isolated text in letters (docs/letters.md, "Template limits" and "Safety"): a body template
that would run for minutes or build a huge value fails `letters check` and the act with one line, within the
configured time; a seal that is a decompression bomb is refused before it is decoded; right-to-left text and
bidirectional controls in entered text stay inside their field (the statute's words around them keep their order)."""

from __future__ import annotations

import pytest

from .conftest import docx_text, flat, pdf_text
from .test_bad_input import runner as configured


def runner(tmp_path, letters="", extra=""):
    """A configured body with its own templates, the command run in this process (these tests are about rules)."""
    return configured(tmp_path, extra=extra, letters=letters, in_process=True)

BOMBS = {
    # two nested loops of ten thousand: a hundred million turns, stopped by the clock ([letters] render_seconds)
    "loops": '{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}',
    # loops over literal lists call nothing the sandbox sees: the clock still stops them
    "literal loops": '{% set t = [0,1,2,3,4,5,6,7,8,9] %}' + '{% for a in t %}' * 9 + '{% endfor %}' * 9,
    "range": '{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}',
    "repeat": '{{ "x" * 1000000000 }}',
    "repeat list": '{{ ([1] * 1000000000) | length }}',
    "power": "{{ 7 ** 100000000 }}",
    "width": '{{ "%1000000000s" % "x" }}',
    "format": '{{ "{:>1000000000}".format("x") }}',
    "filter": '{{ "x" | center(1000000000) }}',
    "output": '{% for i in range(10000) %}{{ "x" * 1000 }}{% endfor %}',
}


@pytest.mark.parametrize("what", list(BOMBS))
def test_a_template_that_would_run_long_or_grow_huge_fails_with_one_line(tmp_path, what):
    rf = runner(tmp_path, letters="render_seconds = 2")
    (tmp_path / "tpl" / "receipt.html").write_text(
        '{% extends "_layout.html" %}{% block content %}<p>' + BOMBS[what] + '</p>{% endblock %}', encoding="utf-8")
    msg = rf.refused("case", "new", "--applicant", "王某", "--type", "natural_person", "--channel", "in_person",
                     "--received", "2025-03-03", timeout=60)
    assert "receipt.html" in msg and "超出模板的限制" in msg
    assert rf.json("case", "list") == []  # nothing written


def test_the_clock_names_the_configured_time(tmp_path):
    rf = runner(tmp_path, letters="render_seconds = 1")
    (tmp_path / "tpl" / "receipt.html").write_text(
        '{% extends "_layout.html" %}{% block content %}' + BOMBS["loops"] + '{% endblock %}', encoding="utf-8")
    msg = rf.refused("case", "new", "--applicant", "王某", "--type", "natural_person", "--channel", "in_person",
                     "--received", "2025-03-03", timeout=60)
    assert "超过1秒仍未完成" in msg
    # letters check says it of the template, and goes on to the others
    r = rf("letters", "check", timeout=600)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    line = next(ln for ln in r.stdout.splitlines() if "receipt.html" in ln)
    assert "超出模板的限制（超过1秒仍未完成）" in line, line
    assert "✓ 政府信息公开申请答复书" in r.stdout


def test_a_decompression_bomb_seal_is_refused_before_it_is_decoded(tmp_path):
    from PIL import Image

    # 20,000 × 20,000 pixels of one colour: a few hundred kilobytes compressed, 1.6 GB decoded
    Image.new("1", (20000, 20000)).save(tmp_path / "seal.png", optimize=True)
    assert (tmp_path / "seal.png").stat().st_size < 5 * 1024 * 1024
    rf = runner(tmp_path, extra='seal = "seal.png"')
    msg = rf.refused("case", "new", "--applicant", "王某", "--type", "natural_person", "--channel", "in_person",
                     "--received", "2025-03-03")
    assert "印章图片" in msg and ("像素" in msg)
    assert rf.json("case", "list") == []
    assert "印章" in rf("letters", "check").stdout


RLO, FSI, PDI = "\u202e", "\u2068", "\u2069"


def test_bidirectional_controls_in_entered_text_do_not_reorder_the_letter(rf_sqlite):
    """U+202E (RIGHT-TO-LEFT OVERRIDE) left open in a name and in a request: without isolation it reversed the
    rest of the paragraph in the PDF. The text is kept as entered (it is text); the override now reverses only the
    field it is in, and the letter's own words after it read in order. pdftotext gives the glyphs in the order they
    are drawn, left to right, which is what a reader of the page sees."""
    rf = rf_sqlite
    name = "王" + RLO + "小明"
    request = "关于" + RLO + "某路段" + PDI + PDI + "的规划文件"  # two stray PDIs cannot close the isolate early
    c = rf.json("case", "new", "--applicant", name, "--type", "natural_person", "--channel", "in_person",
                "--received", "2025-03-03", "--content", request)
    assert c["applicant"] == name  # stored as entered
    letter = rf.json("letters", "list", c["id"])[0]
    assert letter["addressee"] == name
    files = {f.rsplit(".", 1)[1]: f for f in letter["files"]}
    html = open(files["html"], encoding="utf-8").read()
    assert FSI + name + PDI + "：" in html
    assert FSI * 3 + request + PDI + "”" in html
    drawn = flat(pdf_text(files["pdf"]))
    assert "王明小：本机关" in drawn  # the override reverses 小明 and stops at the end of the name
    assert "申请获取：“关于段路某的规划文件”。" in drawn  # …and 某路段, not the quotation marks and the sentence after
    assert "根据《中华人民共和国政府信息公开条例》第二十九条" in drawn
    assert FSI + name + PDI in docx_text(files["docx"])  # the same isolates in the DOCX
