"""In-process checks of the rendering safety nets and of the numbering option, without the command line."""

from __future__ import annotations

from datetime import date

import pytest

from request_flow.letters import LetterError, fonts, render


def test_a_glyph_drawn_as_a_blank_box_fails_the_pdf():
    # U+F0000 (supplementary private use) is in no installed font: WeasyPrint would draw .notdef
    html = "<html><body style=\"font-family: 'Noto Serif CJK SC'\"><p>王\U000F0000</p></body></html>"
    with pytest.raises(LetterError, match="U\\+F0000"):
        render.pdf(html)
    assert render.pdf(html.replace("\U000F0000", "𠀀")).startswith(b"%PDF")


def test_rare_hanzi_are_covered_by_the_default_fonts():
    from request_flow.config import LetterSettings

    s = LetterSettings()
    used = fonts.check("𠀀㐀龘", s.body_fonts, "正文")  # Extension B, Extension A, a URO rarity
    assert any("HanaMinB" in f.path for f in used)
    with pytest.raises(LetterError, match="U\\+F0000"):
        fonts.check("\U000F0000", s.body_fonts + s.symbol_fonts, "正文")


def test_one_series_for_all_types_when_configured(tmp_path, monkeypatch):
    from request_flow import services
    from request_flow.config import configure

    for k in [k for k in __import__("os").environ if k.startswith("REQUEST_FLOW_")]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("REQUEST_FLOW_LETTERS", '{"shared_series": true}')
    configure(database_url=f"sqlite:///{tmp_path / 'rf.db'}", data_dir=str(tmp_path), user="测试员")
    try:
        ctx = services.context()
        services.init_db(ctx)
        row, view = services.register(ctx, applicant="张某", applicant_type="natural_person", channel="in_person",
                                      on=date(2025, 3, 3), received_on=date(2025, 3, 3))
        _, view = services.consult(ctx, row.id, "某公司", "third_party", on=date(2025, 3, 5))
        # one series: 收 1, then the consultation letter 2 and the applicant's notice 3
        assert list(view.letters) == ["示县政办公开收〔2025〕1号", "示县政办公开征〔2025〕2号", "示县政办公开征告〔2025〕3号"]
    finally:
        configure()


def test_a_field_is_read_before_the_methods_of_its_dict(tmp_path):
    """`{{ correction.items }}` printed "<built-in method items of dict object at 0x…>": Jinja2 looks up the
    attribute (dict.items) before the key. In a letter, `a.b` is the field b and nothing else."""
    from request_flow.letters.templates import Templates

    (tmp_path / "t.html").write_text("<p>{{ correction.items }}｜{{ correction['keys'] }}｜{{ x.values|length }}</p>",
                                     encoding="utf-8")
    tpl = Templates([tmp_path])
    data = {"correction": {"items": "请写明文件名称", "keys": "文号"}, "x": {"values": "四个字符"}}
    assert tpl.render("t.html", data) == "<p>请写明文件名称｜文号｜4</p>"
    # a method name that is not a field of the data: refused before rendering, like any other missing field
    (tmp_path / "u.html").write_text("<p>{{ correction.update }}</p>", encoding="utf-8")
    with pytest.raises(LetterError, match="correction.update"):
        tpl.render("u.html", data)
    # ... and when it is reached through a loop variable (checked as it is filled)
    (tmp_path / "v.html").write_text("{% for w in withheld %}<p>{{ w.items }}</p>{% endfor %}", encoding="utf-8")
    with pytest.raises(LetterError, match="items"):
        tpl.render("v.html", {"withheld": [{"part": "第3项"}]})


@pytest.mark.parametrize("value", [None, True, [], ["第3项"], {"part": "第3项"}])
def test_a_value_that_is_not_text_is_never_printed(tmp_path, value):
    """A list, a mapping, None or a bool would print as Python writes it ("[]", "{'part': …}", "None")."""
    from request_flow.letters.templates import Templates

    (tmp_path / "t.html").write_text("<p>{{ reply.withheld }}</p>", encoding="utf-8")
    with pytest.raises(LetterError, match="而不是文字"):
        Templates([tmp_path]).render("t.html", {"reply": {"withheld": value}})
    (tmp_path / "n.html").write_text("<p>{{ reply.days }}天，{{ reply.text }}</p>", encoding="utf-8")
    assert Templates([tmp_path]).render("n.html", {"reply": {"days": 15, "text": "<文字>"}}) == "<p>15天，&lt;文字&gt;</p>"
