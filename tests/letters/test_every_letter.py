"""Every letter of the set, rendered from the shipped templates with the sample case (received Monday
2025-03-03, 张某某, the example body), read back from its PDF (pdftotext, pdfinfo, pdftoppm) and its DOCX
(python-docx), and checked for the elements of docs/letters.md: title, 文号, addressee, recital with the statutory
date of receipt, legal basis at article and item, remedies in the right form, the date written 2025年3月7日.

One command renders them all (`letters preview --all`, both cores); the expectations are typed from the spec."""

from __future__ import annotations

import subprocess

import pytest

from .conftest import docx_text, flat, html_text, pdf_text

BODY = "示例县人民政府办公室（示例机关，请配置本机关信息）"
R = "根据《中华人民共和国政府信息公开条例》"

# kind/variant -> (title, 文号 code, addressee, date of the letter, basis, remedy form); dates from the sample
# events (fields.sample_events): correction and reasons 03-05, consultation and fee 03-10, override and the
# Art. 35 deadline 03-20, reply 03-25 (decided 03-24), extension 03-25, closures when the period ran out.
LETTERS = {
    ("receipt", ""): ("政府信息公开申请登记回执", "收", "张某某", "2025年3月3日", R + "第二十九条、第三十一条的规定", "none"),
    ("correction", ""): ("补正告知书", "补", "张某某", "2025年3月5日", R + "第三十条的规定", "none"),
    ("reasons", ""): ("说明理由告知书", "说", "张某某", "2025年3月5日", R + "第三十五条的规定", "none"),
    ("extension", "art33"): ("延期答复告知书", "延", "张某某", "2025年3月25日", R + "第三十三条第二款的规定", "none"),
    ("extension", "art35"): ("延期答复告知书", "延", "张某某", "2025年3月20日", R + "第三十五条的规定", "none"),
    ("consultation", "third_party"): ("征求意见书", "征", "某某建设集团有限公司", "2025年3月10日", R + "第三十二条的规定", "none"),
    ("consultation", "co_producer"): ("征求意见书", "征", "示例县财政局", "2025年3月10日", R + "第三十四条的规定", "none"),
    ("consultation_notice", ""): ("征求意见告知书", "征告", "张某某", "2025年3月10日", R + "第三十三条第三款的规定", "none"),
    ("override", ""): ("决定公开告知书", "决", "某某建设集团有限公司", "2025年3月20日", R + "第三十二条的规定", "ordinary"),
    ("fee", ""): ("收费通知书", "费", "张某某", "2025年3月10日", R + "第四十二条和《政府信息公开信息处理费管理办法》的规定", "ordinary"),
    ("closure", "no_correction"): ("终止办理告知书", "终", "张某某", "2025年3月27日", R + "第三十条的规定", "ordinary"),
    ("closure", "fee_unpaid"): ("终止办理告知书", "终", "张某某", "2025年4月9日", "根据《政府信息公开信息处理费管理办法》的规定", "ordinary"),
    # issue 9: the office head reopens a case closed as abandoned; a procedural notice, no remedy clause
    ("reopen", "no_correction"): ("恢复办理告知书", "恢", "张某某", "2025年4月14日", None, "none"),
    ("reopen", "fee_unpaid"): ("恢复办理告知书", "恢", "张某某", "2025年4月14日", None, "none"),
}
REPLIES = {  # typed by hand from the Regulations (docs/outcomes.md is generated from the code; this is not): letter, citation, remedy
    "disclosed": ("予以公开告知书", "第三十六条第（二）项", "ordinary"),
    "already_public": ("已主动公开告知书", "第三十六条第（一）项", "ordinary"),
    "partial": ("部分公开告知书", "第三十七条", "review_first"),
    "withheld.state_secret": ("不予公开告知书", "第三十六条第（三）项、第十四条", "review_first"),
    "withheld.prohibited_by_law": ("不予公开告知书", "第三十六条第（三）项、第十四条", "review_first"),
    "withheld.three_security_one_stability": ("不予公开告知书", "第三十六条第（三）项、第十四条", "review_first"),
    "withheld.third_party_rights": ("不予公开告知书", "第三十六条第（三）项、第十五条", "review_first"),
    "withheld.internal_affairs": ("不予公开告知书", "第三十六条第（三）项、第十六条第一款", "review_first"),
    "withheld.process_info": ("不予公开告知书", "第三十六条第（三）项、第十六条第二款", "review_first"),
    "withheld.enforcement_files": ("不予公开告知书", "第三十六条第（三）项、第十六条第二款", "review_first"),
    "withheld.administrative_query": ("依照特别规定办理告知书", "第三十六条第（七）项", "ordinary"),
    "not_exist": ("信息不存在告知书", "第三十六条第（四）项", "ordinary"),
    "not_responsible": ("非本机关负责公开告知书", "第三十六条第（五）项", "ordinary"),
    "needs_creation": ("不予提供告知书", "第三十八条", "none"),
    "unclear_after_correction": ("政府信息公开申请告知书", "第三十条", "ordinary"),
    "petition_complaint": ("不作为政府信息公开申请处理告知书", "第三十九条第一款", "ordinary"),
    "duplicate": ("不予重复处理告知书", "第三十六条第（六）项", "ordinary"),
    "publication": ("获取途径告知书", "第三十九条第二款", "none"),
    "excessive": ("不予处理告知书", "第三十五条", "ordinary"),
    "confirm_or_reissue": ("不予处理告知书", None, "ordinary"),
    "other": ("政府信息公开申请告知书", None, "ordinary"),
}
for code, (title, article, remedy) in REPLIES.items():
    LETTERS[("reply", code)] = (title, "复", "张某某", "2025年3月25日", (R + article + "的规定") if article else None, remedy)

ORDINARY = "可以自收到{doc}之日起60日内向示例县人民政府申请行政复议，或者自收到{doc}之日起6个月内向示例县人民法院提起行政诉讼"
REVIEW_FIRST = "应当先申请行政复议，不能直接向人民法院提起行政诉讼"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from conftest import Runner

    home = tmp_path_factory.mktemp("preview")
    rf = Runner(f"sqlite:///{home / 'rf.db'}", home)
    rf.ok("letters", "preview", "--all", "--out", str(home / "out"), timeout=600)
    return home / "out"


def stem(kind, variant):
    return f"{kind}-{variant}" if variant else kind


def test_every_letter_has_its_elements(rendered):
    assert len(list(rendered.glob("*.pdf"))) == len(LETTERS) == 35
    for (kind, variant), (title, code, addressee, day, basis, remedy) in LETTERS.items():
        name = stem(kind, variant)
        text = flat(pdf_text(rendered / f"{name}.pdf"))
        where = f"{name}.pdf"
        assert BODY + title in text, where
        assert f"示县政办公开{code}〔2025〕1号" in text, where
        assert addressee + "：" in text, where
        assert "2025年3月3日收到" in text, where  # the statutory date of receipt, in the recital
        if kind not in ("consultation", "override"):
            assert "登记号：EXAMPLE-2025-0001" in text, where
        if basis:
            assert basis in text, where
        doc = "本" + title  # the letter by its own name: "如对本不予公开告知书不服" (issue 9)
        if remedy == "ordinary":
            assert ORDINARY.format(doc=doc) in text, where
        elif remedy == "review_first":
            assert f"可以自收到{doc}之日起60日内向示例县人民政府申请行政复议" in text and REVIEW_FIRST in text, where
            assert "6个月内" not in text, where  # no direct lawsuit offered
        else:
            assert "行政复议" not in text and "行政诉讼" not in text, where
        assert text.endswith(f"{BODY}{day}"), where  # signed with the body's name and the date, last
        assert "示例：本文书由内置的示例机关出具" in text and "样稿" in text, where
        closing = {"reply": "特此答复。", "consultation": "请予函复。", "receipt": ""}.get(kind, "特此告知。")
        assert closing in text, where


def test_statutory_dates_in_the_letters(rendered):
    # received Mon 2025-03-03: 20 working days: Mar 4-7 (4) 10-14 (9) 17-21 (14) 24-28 (19) 31 (20)
    assert "即不晚于2025年3月31日予以答复" in flat(pdf_text(rendered / "receipt.pdf"))
    # extended by 15 on 03-25: after 03-31: Apr 1-3 (3), Fri Apr 4 清明 off, 7-11 (8), 14-18 (13), 21, 22 (15)
    ext = flat(pdf_text(rendered / "extension-art33.pdf"))
    assert "不能在2025年3月31日前作出答复" in ext and "延长15个工作日" in ext and "将在2025年4月22日前作出答复" in ext
    assert "确定答复期限为2025年5月30日" in flat(pdf_text(rendered / "extension-art35.pdf"))
    # periods that run from the addressee's receipt are printed as periods (docs/letters.md)
    assert "自收到本告知书之日起15个工作日内作出补正" in flat(pdf_text(rendered / "correction.pdf"))
    fee = flat(pdf_text(rendered / "fee.pdf"))
    # 250 pages: 70 × 10 + 100 × 20 + 50 × 40 = 4,700 yuan (docs/procedure.md, "Fees")
    assert "应缴纳信息处理费4700元" in fee and "自收到本通知书之日起20个工作日内缴纳" in fee


def test_every_character_of_every_letter_is_in_its_pdf_and_docx(rendered):
    for (kind, variant) in LETTERS:
        name = stem(kind, variant)
        html = flat(html_text(rendered / f"{name}.html"))
        pdf = flat(pdf_text(rendered / f"{name}.pdf"))
        missing = set(html) - set(pdf)
        assert not missing, f"{name}: {sorted(missing)}"
        assert flat(docx_text(rendered / f"{name}.docx")) == html, name


def test_pdfs_are_a4_with_fonts_embedded_and_print_as_text(rendered):
    for pdf in sorted(rendered.glob("*.pdf")):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "x 841.89 pts (A4)" in info and "595.2" in info, pdf.name  # 210 × 297 mm
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert fonts and all(" yes yes yes " in f for f in fonts), (pdf.name, fonts)  # embedded, subset, unicode
    from PIL import Image

    for name in ("reply-not_exist", "fee"):
        subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(rendered / f"{name}.pdf"),
                        str(rendered / name)], check=True)
        img = Image.open(next(rendered.glob(f"{name}-*1.png"))).convert("L")
        w, h = img.size  # A4 at 40 dpi: 331 × 468
        assert (w, h) == (331, 468)
        dark = [sum(1 for x in range(w) if img.getpixel((x, y)) < 128) for y in range(h)]
        top = int(h * 37 / 297) - 2  # the 37 mm top margin is blank
        assert sum(dark[:top]) == 0
        assert sum(dark[top:]) > 2000  # title and text were drawn


def _form(kind, variant, form):
    """A letter's other form (not in `preview --all`), rendered in-process from its sample case."""
    from request_flow.calendar import load_calendar
    from request_flow.config import EXAMPLE_BODY, Settings
    from request_flow.domain.clocks import Policy
    from request_flow.letters import fields, issue

    data = fields.sample(kind, variant, EXAMPLE_BODY, load_calendar([]), Policy(), "示县政办公开复〔2025〕1号", form)
    return flat(docx_text(issue.render_data(Settings(), EXAMPLE_BODY, data, formats=("docx",)).files["docx"]))


def test_replies_as_the_law_words_them(rendered):
    """Issue 9, typed by hand from the Regulations (not from docs/outcomes.md, which is generated from the code)."""
    text = {stem(k, v): flat(pdf_text(rendered / f"{stem(k, v)}.pdf")) for k, v in LETTERS}
    # unclear after correction: the information cannot be provided (无法提供), never 不予处理
    unclear = text["reply-unclear_after_correction"]
    assert "无法向您提供该政府信息" in unclear and "不予处理" not in unclear
    assert "示县政办公开补〔2025〕1号《补正告知书》" in unclear
    # Art. 36(5): the reason, and the responsible body with its contact where it can be identified ...
    assert ("负责公开该政府信息的行政机关为示例县自然资源局，联系方式：地址：示例县人民路1号；电话：0000-0000001"
            in text["reply-not_responsible"])
    # ... and where it cannot, that it could not
    unidentified = _form("reply", "not_responsible", "unidentified")
    assert "无法确定负责公开该政府信息的机关" in unidentified and "示例县自然资源局" not in unidentified
    assert "理由是：道路维修项目的招标由县自然资源局组织" in unidentified
    # confirm or re-issue: the basis from the definitions of Art. 2 and of an application (Art. 27, 29)
    confirm = text["reply-confirm_or_reissue"]
    assert "第二条" in confirm and "第二十七条" in confirm and "以一定形式记录、保存的信息" in confirm
    assert "不属于政府信息公开申请" in confirm and "不予处理" in confirm
    # excessive: the request for reasons and the explanation, then Art. 35
    excessive = text["reply-excessive"]
    assert "2025年3月5日以示县政办公开说〔2025〕1号《说明理由告知书》" in excessive
    assert "2025年3月14日收到您的说明" in excessive and R + "第三十五条的规定，本机关不予处理" in excessive
    # partial: each withheld part with its own ground
    partial = text["reply-partial"]
    assert "第3项（投标报价单）：报价单载有投标人的成本构成，属于其商业秘密。" + R + "第三十六条第（三）项、第十五条的规定" in partial
    assert "第5项（验收影像资料）" in partial and R + "第三十六条第（四）项的规定" in partial
    # a refusal on several grounds prints each
    more = _form("reply", "withheld.state_secret", "more_grounds")
    assert R + "第三十六条第（三）项、第十四条的规定" in more and R + "第三十六条第（三）项、第十六条第二款的规定" in more
    # the channel in public words; the consultation letter does not quote the request
    assert "提交方式：当面提交" in text["receipt"]
    for name in ("consultation-third_party", "consultation-co_producer", "override"):
        assert "2024年本县道路维修项目的招标文件及中标结果" not in text[name] and "张某某" not in text[name], name
    assert "申请公开的政府信息为：2024年本县道路维修项目中标单位的投标报价单" in text["override"]
    # an organisation is addressed as 贵单位
    from request_flow.calendar import load_calendar
    from request_flow.config import EXAMPLE_BODY, Settings
    from request_flow.domain.clocks import Policy
    from request_flow.letters import fields, issue

    events = fields.sample_events("correction", "")
    iss = fields.sample_issue("correction", events, load_calendar([]), Policy(), "示县政办公开补〔2025〕1号",
                              fields.sample_applicant("某某科技有限公司", "commercial", "registered_mail"))
    r = issue.render_data(Settings(), EXAMPLE_BODY, fields.build(iss, EXAMPLE_BODY), formats=("docx",))
    org = flat(docx_text(r.files["docx"]))
    assert "收到贵单位的政府信息公开申请" in org and "提交方式：邮寄）" in org and "您" not in org
