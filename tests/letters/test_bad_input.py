"""Bad input for letters (docs/letters.md "Safety", the issue's "Bad input"): a body's broken template, a misspelt
field, a template that reaches for Python internals, a seal that is not an image, a missing font, a character
no font has. Each refuses with one Chinese line (exit 1) and writes nothing: no event, no letter, no number."""

from __future__ import annotations

import subprocess

from conftest import Runner

from .conftest import flat, pdf_text

CONFIG = """
[[body]]
code = "XX"
name = "某县某局"
short_name = "某"
review_body = "某县人民政府"
court = "某县人民法院"
contact = "李四"
phone = "0000-1234567"
templates = "tpl"
{extra}

[letters]
{letters}
"""


def runner(tmp_path, extra="", letters="", init=True, in_process=False):
    """The command as configured here: each call a process of its own, as a clerk's commands, or (`in_process`)
    the entry point in this process, as a worker acting again and again."""
    (tmp_path / "tpl" / "reply").mkdir(parents=True, exist_ok=True)
    cfg = tmp_path / "rf.toml"
    cfg.write_text(CONFIG.format(extra=extra, letters=letters), encoding="utf-8")
    rf = Runner(f"sqlite:///{tmp_path / 'rf.db'}", tmp_path, in_process=in_process)
    rf.env["REQUEST_FLOW_CONFIG"] = str(cfg)
    rf.env.pop("REQUEST_FLOW_LETTERS", None)  # as configured: receipts on
    if init:
        rf.ok("init")
    return rf


def snapshot(rf, case_id):
    shown = rf.json("case", "show", case_id)
    return shown["state"], len(shown["events"]), [x["number"] for x in shown["letters"]]


def test_broken_templates_refuse_the_act_and_write_nothing(tmp_path):
    rf = runner(tmp_path, in_process=True)  # one process throughout, as a worker: each edit is seen at the next act
    tpl = tmp_path / "tpl"
    c = rf.json("case", "new", "--applicant", "王某", "--type", "natural_person", "--channel", "in_person",
                "--received", "2025-03-03")
    cid = c["id"]
    assert c["letters"][0]["number"] == "某公开收〔2025〕1号"
    rf.ok("case", "decide", cid, "--outcome", "not_exist", "--search", "检索了档案", "--on", "2025-03-10")
    before = snapshot(rf, cid)

    # a syntax error in the body's own reply template
    (tpl / "reply" / "not_exist.html").write_text(
        '{% extends "_reply.html" %}\n{% block decision %}\n<p>{{ reply.search </p>\n{% endblock %}\n', encoding="utf-8")
    r = rf("letters", "check")
    assert r.returncode == 1 and "✗ 政府信息公开申请答复书 not_exist：文书模板 reply/not_exist.html 第3行语法错误" in r.stdout
    assert "1 处问题" in r.stderr
    msg = rf.refused("case", "reply", cid, "--on", "2025-03-11")
    assert "reply/not_exist.html" in msg and "语法错误" in msg
    assert snapshot(rf, cid) == before

    # a misspelt field, in a branch the sample case never takes: found before any letter is issued
    (tpl / "reply" / "not_exist.html").write_text(
        '{% extends "_reply.html" %}\n{% block decision %}\n<p>{{ reply.search }}</p>\n'
        '{% if reply.replied_on_time == "never" %}<p>{{ applicant.nmae }}</p>{% endif %}\n{% endblock %}\n', encoding="utf-8")
    assert "不存在的字段「applicant.nmae」" in rf("letters", "check").stdout
    assert "applicant.nmae" in rf.refused("case", "reply", cid, "--on", "2025-03-11")
    assert snapshot(rf, cid) == before

    # the sandbox: no way from a template to Python's internals
    (tpl / "reply" / "not_exist.html").write_text(
        '{% extends "_reply.html" %}{% block decision %}<p>{{ "".__class__.__mro__[1].__subclasses__() }}</p>{% endblock %}',
        encoding="utf-8")
    msg = rf.refused("case", "reply", cid, "--on", "2025-03-11")
    assert "reply/not_exist.html" in msg and "模板不允许" in msg
    assert snapshot(rf, cid) == before

    # fixed: the reply takes the first number of its series (the refused attempts reserved none)
    (tpl / "reply" / "not_exist.html").unlink()
    r = rf.json("case", "reply", cid, "--on", "2025-03-11")
    assert [x["number"] for x in r["letters"]] == ["某公开收〔2025〕1号", "某公开复〔2025〕1号"]
    assert rf("letters", "check").returncode == 0
    reply = rf.json("letters", "list", cid)[1]
    text = flat(pdf_text(reply["files"][0]))
    assert "（联系人：李四；联系电话：0000-1234567）" in text and "示例" not in text  # a configured body is no example

    # a misspelt field in the body's receipt refuses the registration itself: no case is created
    (tpl / "receipt.html").write_text('{% extends "_layout.html" %}{% block content %}<p>{{ case.recieved_on }}</p>{% endblock %}',
                                      encoding="utf-8")
    msg = rf.refused("case", "new", "--applicant", "赵某", "--type", "natural_person", "--channel", "in_person",
                     "--received", "2025-03-04")
    assert "receipt.html" in msg and "case.recieved_on" in msg
    assert [x["id"] for x in rf.json("case", "list")] == [cid]

    # bad usage of the letters commands: exit 2, one line
    assert "没有文号" in rf.refused("letters", "print", "某公开复〔2025〕99号", "--out", str(tmp_path / "x.pdf"), code=2)
    assert "--format" in rf.refused("letters", "print", "某公开复〔2025〕1号", "--format", "xls", code=2)
    assert "文书类型「memo」不存在" in rf.refused("letters", "preview", "memo", code=2)
    assert "--from" in rf.refused("letters", "print", "--from", "2025-03-01", code=2)


def test_seal_fonts_and_characters(tmp_path):
    from PIL import Image

    # a seal that is not an image
    (tmp_path / "seal.png").write_text("这不是图片", encoding="utf-8")
    rf = runner(tmp_path, extra='seal = "seal.png"', in_process=True)  # the seal and fonts are read on every act
    msg = rf.refused("case", "new", "--applicant", "王某", "--type", "natural_person", "--channel", "in_person",
                     "--received", "2025-03-03")
    assert "印章图片" in msg and "不是有效的 PNG 或 JPEG 图片" in msg
    assert rf.json("case", "list") == []
    assert "印章" in rf("letters", "check").stdout

    # a real seal is printed on the PDF (and only there)
    img = Image.new("RGBA", (200, 200), (255, 255, 255, 0))
    for x in range(200):
        for y in range(95, 105):
            img.putpixel((x, y), (200, 0, 0, 255))
    img.save(tmp_path / "seal.png")
    c = rf.json("case", "new", "--applicant", "王某", "--type", "natural_person", "--channel", "in_person",
                "--received", "2025-03-03")
    pdf = rf.json("letters", "list", c["id"])[0]["files"][0]
    images = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True, check=True).stdout
    kinds = [line.split()[2] for line in images.strip().splitlines()[2:]]
    assert kinds.count("image") == 1  # the seal (with its transparency mask)

    # a character that no configured font can show (U+F0000, private use): refused, naming it; nothing written
    msg = rf.refused("case", "new", "--applicant", "王\U000F0000", "--type", "natural_person", "--channel",
                     "in_person", "--received", "2025-03-03")
    assert "U+F0000" in msg and "字形" in msg
    assert len(rf.json("case", "list")) == 1

    # no configured font installed at all
    rf2 = runner(tmp_path / "nofont", letters='body_fonts = ["没有这种字体"]\ntitle_fonts = ["没有这种字体"]\nsymbol_fonts = []')
    msg = rf2.refused("case", "new", "--applicant", "王某", "--type", "natural_person", "--channel", "in_person",
                      "--received", "2025-03-03")
    assert "没有这种字体" in msg and "一个也没有安装" in msg
    # a font name that could break out of the page's style sheet is a configuration error
    rf3 = runner(tmp_path / "badfont", letters="body_fonts = [\"Noto'; } body { color: red\"]", init=False)
    assert "配置有误：letters.body_fonts" in rf3.refused("letters", "check", code=2)
    # a body folder that does not exist
    (tmp_path / "nofont" / "tpl" / "reply").rmdir()
    (tmp_path / "nofont" / "tpl").rmdir()
    assert "模板目录" in rf2.refused("letters", "check")


def test_a_template_added_or_removed_is_used_from_the_next_act_in_the_same_process(tmp_path):
    """One process acting again and again (as a worker's sweep does): a body template added to its folder
    overrides the default from the next act, and its removal brings the default back, without a restart."""
    rf = runner(tmp_path, in_process=True)
    new = ("case", "new", "--type", "natural_person", "--channel", "in_person", "--received", "2025-03-03",
           "--applicant")
    first = rf.json(*new, "王某")
    receipt = tmp_path / "tpl" / "receipt.html"
    receipt.write_text('{% extends "_layout.html" %}{% block content %}<p>本机关自定的登记回执：{{ applicant.name }}</p>'
                       '{% endblock %}', encoding="utf-8")
    second = rf.json(*new, "李某")
    receipt.unlink()
    third = rf.json(*new, "张某")
    texts = [flat(pdf_text(rf.json("letters", "list", c["id"])[0]["files"][0])) for c in (first, second, third)]
    assert "本机关自定的登记回执：李某" in texts[1]
    assert "自定" not in texts[0] and "自定" not in texts[2] and "张某" in texts[2]
