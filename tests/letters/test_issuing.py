"""Letters issued by the acts, through the installed command, on SQLite and PostgreSQL: numbered, rendered with
the applicant's text verbatim, archived, listed with their files, re-printed byte for byte."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .conftest import docx_text, flat, pdf_text

NAME = "张{{ x }}<script>&amp;𠀀㐀😀"  # template syntax, HTML, an entity, Extension B and A hanzi, an emoji
CONTENT = "{% for x in range(9) %}某文件{% endfor %} & <b>加粗</b> " + "很长的申请内容" * 300


def test_acts_issue_their_letters_into_the_archive(rf, tmp_path):
    c = rf.json("case", "new", "--applicant", NAME, "--type", "natural_person", "--channel", "in_person",
                "--received", "2025-03-03", "--content", CONTENT)
    cid = c["id"]
    rf.ok("case", "extend", cid, "--days", "10", "--approver", "王主任", "--reason", "需要调取档案", "--on", "2025-03-20")
    rf.ok("case", "decide", cid, "--outcome", "withheld.process_info", "--reason", "属于讨论记录", "--on", "2025-04-01")
    r = rf.json("case", "reply", cid, "--on", "2025-04-02")
    letters = rf.json("letters", "list", cid)
    assert [(x["number"], x["kind"], x["issued_on"]) for x in letters] == [
        ("示县政办公开收〔2025〕1号", "receipt", "2025-03-03"),
        ("示县政办公开延〔2025〕1号", "extension", "2025-03-20"),
        ("示县政办公开复〔2025〕1号", "reply", "2025-04-02")]
    assert [x["number"] for x in r["letters"]] == [x["number"] for x in letters]
    for x in letters:
        files = [Path(f) for f in x["files"]]
        assert [f.suffix for f in files] == [".pdf", ".docx", ".html"]
        assert all(f.is_absolute() and f.is_file() for f in files)

    receipt, extension, reply = ([Path(f) for f in x["files"]] for x in letters)
    text = flat(pdf_text(receipt[0]))
    assert flat(NAME) + "：" in text  # printed exactly as written, nothing run, nothing dropped
    assert flat(CONTENT) in text
    # 20 working days after Mon 03-03: Mar 4-7 (4) 10-14 (9) 17-21 (14) 24-28 (19) 31 (20)
    assert "即不晚于2025年3月31日予以答复" in text
    # extended by 10 on 03-20: after 03-31: Apr 1-3 (3), Apr 4 清明, 7-11 (8), 14, 15 (10)
    assert "延长10个工作日，本机关将在2025年4月15日前作出答复" in flat(pdf_text(extension[0]))
    reply_text = flat(pdf_text(reply[0]))
    assert "根据《中华人民共和国政府信息公开条例》第三十六条第（三）项、第十六条第二款的规定，本机关不予公开" in reply_text
    assert "应当先申请行政复议，不能直接向人民法院提起行政诉讼" in reply_text and "2025年4月2日" in reply_text
    assert NAME + "：" in docx_text(reply[1])  # DOCX reopened: the text is text, not markup
    assert "&lt;script&gt;" in reply[2].read_text(encoding="utf-8")  # escaped in HTML

    # re-print from the archive: byte for byte, checked against the hash kept with the act
    shown = rf.json("letters", "show", "示县政办公开复〔2025〕1号", "--data")
    assert shown["template"] == "reply/withheld.process_info.html" and len(shown["template_sha256"]) == 64
    assert shown["data"]["applicant"]["name"] == NAME and shown["issued_by"] == "测试员"
    original = reply[0].read_bytes()
    assert hashlib.sha256(original).hexdigest() == shown["file_hashes"]["pdf"]["sha256"]
    out = tmp_path / "again.pdf"
    rf.ok("letters", "print", "示县政办公开复〔2025〕1号", "--out", str(out))
    assert out.read_bytes() == original

    # a damaged or missing copy under the data folder is restored from the archive, never handed out
    os.chmod(reply[0], 0o644)
    reply[0].write_bytes(b"%PDF-damaged")
    reply[1].unlink()
    again = rf.json("letters", "list", cid)[2]
    assert Path(again["files"][0]).read_bytes() == original and Path(again["files"][1]).is_file()

    # delivery with its proof
    rf.ok("case", "delivered", cid, "--letter", "示县政办公开复〔2025〕1号", "--method", "post",
          "--proof", "挂号信回执XA123", "--on", "2025-04-07")
    shown = rf.json("letters", "show", "示县政办公开复〔2025〕1号")
    assert (shown["delivered_on"], shown["delivery_method"], shown["delivery_proof"]) == ("2025-04-07", "post", "挂号信回执XA123")

    # batch re-print of a period
    rf.ok("letters", "print", "--from", "2025-03-01", "--to", "2025-03-31", "--out", str(tmp_path / "march"))
    assert sorted(p.name for p in (tmp_path / "march").iterdir()) == ["示县政办公开延〔2025〕1号.pdf", "示县政办公开收〔2025〕1号.pdf"]
    assert (tmp_path / "march" / "示县政办公开收〔2025〕1号.pdf").read_bytes() == receipt[0].read_bytes()


def test_consultation_and_fee_letters(rf_sqlite):
    rf = rf_sqlite
    c = rf.json("case", "new", "--applicant", "某某环保协会", "--type", "public_interest", "--channel", "online",
                "--on", "2025-03-03")
    assert c["letters"] == []  # a confirmation channel: the receipt waits for the confirmation
    r = rf.json("case", "confirm", c["id"], "--on", "2025-03-04")
    assert [x["kind"] for x in r["letters"]] == ["receipt"]
    r = rf.json("case", "consult", c["id"], "--party", "某某化工有限公司", "--on", "2025-03-05")
    assert [x["kind"] for x in r["letters"]] == ["receipt", "consultation", "consultation_notice"]
    r = rf.json("case", "opinion", c["id"], "--result", "agree", "--on", "2025-03-10")
    r = rf.json("case", "fee-notice", c["id"], "--method", "per_volume", "--quantity", "250", "--on", "2025-03-11")
    letters = {x["kind"]: x for x in rf.json("letters", "list", c["id"])}
    consultation = flat(pdf_text(letters["consultation"]["files"][0]))
    assert "某某化工有限公司：" in consultation and "自收到本征求意见书之日起15个工作日内" in consultation
    assert "某某环保协会" not in consultation  # the applicant is not named to the third party
    notice = flat(pdf_text(letters["consultation_notice"]["files"][0]))
    assert "某某环保协会：" in notice and "第三十三条第三款" in notice and "某某化工有限公司" not in notice
    # 70 × 10 + 100 × 20 + 50 × 40 = 4,700 yuan
    assert "应缴纳信息处理费4700元" in flat(pdf_text(letters["fee"]["files"][0]))


def test_case_show_does_not_load_the_letter_machinery(rf_sqlite):
    """bench/README.md (`bench_cli_latency`): `case show ID --json` imports no Jinja2, WeasyPrint, python-docx (nor fontTools,
    Pillow), even on a case with letters."""
    import subprocess
    import sys

    from conftest import EXE

    c = rf_sqlite.json("case", "new", "--applicant", "张某", "--type", "natural_person", "--channel", "in_person",
                       "--received", "2025-03-03")
    r = subprocess.run([sys.executable, "-X", "importtime", EXE, "case", "show", c["id"], "--json"],
                       env=rf_sqlite.env, cwd=rf_sqlite.cwd, capture_output=True, text=True, check=True)
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert not loaded & {"jinja2", "weasyprint", "docx", "fontTools", "PIL", "tinyhtml5", "celery", "openpyxl"}
    assert '"letters"' in r.stdout
