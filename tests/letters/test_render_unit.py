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
    from request_flow.domain import acts

    for k in [k for k in __import__("os").environ if k.startswith("REQUEST_FLOW_")]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("REQUEST_FLOW_LETTERS", '{"shared_series": true}')
    configure(database_url=f"sqlite:///{tmp_path / 'rf.db'}", data_dir=str(tmp_path), user="测试员")
    try:
        ctx = services.context()
        services.init_db(ctx)
        row, view = services.register(ctx, applicant="张某", applicant_type="natural_person", channel="in_person",
                                      on=date(2025, 3, 3), received_on=date(2025, 3, 3))
        _, view = services.act(ctx, row.id, lambda v, d, s: acts.consult(v, d, "某公司", "third_party"), date(2025, 3, 5))
        # one series: 收 1, then the consultation letter 2 and the applicant's notice 3
        assert list(view.letters) == ["示县政办公开收〔2025〕1号", "示县政办公开征〔2025〕2号", "示县政办公开征告〔2025〕3号"]
    finally:
        configure()
