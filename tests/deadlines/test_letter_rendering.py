"""Letters drawn by the Celery workers (docs/letters.md, "Rendering by the workers"), with a real Redis of the
test's own and the installed `request-flow worker`.

Where a broker is configured, an act stores the letter's data and HTML and hands its 文号 to the workers; the
PDF and DOCX follow. What staff see: `letters list` says pending, then the files are there and say what the act
recorded; a letter drawn twice keeps its first files; a worker killed in the middle loses nothing; a letter that
cannot be drawn is marked failed with the reason after its tries, and `letters print` draws it on the spot; a
broker that is down when the act is done delays the letter and nothing else.
"""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import wait_until

FEW_FONTS = """<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>"""

BODY = """
[[body]]
code = "XX"
name = "某县某局"
short_name = "某"
review_body = "某县人民政府"
court = "某县人民法院"
templates = "{folder}"
"""

NAME = "欧阳𠀀明"  # Extension B: drawn by HanaMinB, the font check's hardest case
CONTENT = "请公开2025年度本镇道路养护合同及验收报告"


@pytest.fixture
def queued(office, redis, tmp_path):
    """The office with a broker: acts store the HTML, the workers draw the rest. Registration issues a receipt."""
    office.config.write_text(office.config.read_text(encoding="utf-8")
                             + "\n[letters]\nrender_tries = 2\nrender_retry_seconds = 5\n", encoding="utf-8")
    office.env.update(REQUEST_FLOW_BROKER_URL=redis.url, REQUEST_FLOW_LETTERS='{"receipt": true}')
    return office


def register(r) -> str:
    out = r.ok("case", "new", "--applicant", NAME, "--type", "natural_person", "--channel", "in_person",
               "--received", "2025-03-03", "--content", CONTENT, "--on", "2025-03-03", "--json")
    import json

    return json.loads(out.stdout)["id"]


def listed(r, case_id: str) -> list[dict]:
    return r.json("letters", "list", case_id)


def pdf_text(path: str) -> str:
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


def docx_text(path: str) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(path).paragraphs)


def rows(r, sql: str) -> list[tuple]:
    db = r.url.removeprefix("sqlite:///")
    with sqlite3.connect(db) as c:
        return c.execute(sql).fetchall()


def drawn(r, case_id: str):
    letters = listed(r, case_id)
    return letters if all(not x["pending"] and x["files"] and x["files"][0].endswith(".pdf") for x in letters) else None


def test_the_workers_draw_what_the_act_recorded_once(queued, workers):
    r = queued
    case_id = register(r)
    (letter,) = listed(r, case_id)
    # no worker yet: the act is done, its letter waits, the HTML is there and says what was recorded
    assert letter["pending"] is True and letter["failed"] is None
    assert [Path(f).suffix for f in letter["files"]] == [".html"]
    html = Path(letter["files"][0]).read_text(encoding="utf-8")
    assert NAME in html and letter["number"] in html
    listing = r.ok("letters", "list", case_id).stdout
    assert "正在后台生成" in listing

    workers(r, {}).start()
    (letter,) = wait_until("the receipt drawn by the worker", lambda: drawn(r, case_id), timeout=120)
    assert letter["pending"] is False and letter["failed"] is None
    files = {Path(f).suffix: f for f in letter["files"]}
    assert set(files) == {".pdf", ".docx", ".html"}
    for text in (pdf_text(files[".pdf"]), docx_text(files[".docx"])):
        flat = "".join(text.split())
        for fact in (NAME, letter["number"], CONTENT, "2025年3月3日"):
            assert fact in flat, fact
    first = hashlib.sha256(Path(files[".pdf"]).read_bytes()).hexdigest()

    # drawn again (a redelivered message, the catch-up): nothing changes, nothing is archived twice
    subprocess.run([sys.executable, "-c", "import sys; from request_flow.letters.queue import enqueue; "
                    "assert enqueue(sys.argv[1], [sys.argv[2]] * 3)", r.env["REQUEST_FLOW_BROKER_URL"],
                    letter["number"]], check=True, env=r.env, timeout=60)
    wait_until("the three extra messages handled", lambda: rendered_tasks(r) >= 4, timeout=120)
    assert rows(r, f"select format, count(*) from letter_file where number = '{letter['number']}' group by format") \
        == [("docx", 1), ("html", 1), ("pdf", 1)]
    out = r.ok("letters", "print", letter["number"], "--out", str(r.cwd / "again.pdf")).stdout
    assert "与归档一致" in out
    assert hashlib.sha256((r.cwd / "again.pdf").read_bytes()).hexdigest() == first


def rendered_tasks(r) -> int:
    log = (r.cwd / "worker.log").read_text(encoding="utf-8", errors="replace")
    return sum(1 for line in log.splitlines() if "request_flow.render_letter[" in line and "succeeded" in line)


def test_a_worker_killed_mid_render_loses_nothing(queued, workers):
    r = queued
    case_id = register(r)
    (letter,) = listed(r, case_id)
    number = letter["number"]
    slow = workers(r, {"REQUEST_FLOW_TEST_HOLD_IN_RENDER": "60"}).start()
    wait_until("a render under way", lambda: rows(r, f"select count(*) from letter_render_try where number = '{number}'")[0][0] >= 1,
               timeout=120)
    slow.kill(signal.SIGKILL)
    assert listed(r, case_id)[0]["pending"] is True  # nothing half-stored

    workers(r, {}).start()  # the beat's catch-up queues it again (the killed worker's message is gone with it)
    (letter,) = wait_until("the letter drawn after the kill", lambda: drawn(r, case_id), timeout=120)
    assert rows(r, f"select count(*) from letter_file where number = '{number}' and format = 'pdf'") == [(1,)]
    assert NAME in "".join(pdf_text(letter["files"][0]).split())


def test_a_letter_that_cannot_be_drawn_fails_with_its_reason_and_print_draws_it(queued, workers, tmp_path):
    r = queued
    case_id = register(r)
    number = listed(r, case_id)[0]["number"]
    conf = tmp_path / "fonts.conf"  # the worker's machine lacks the CJK fonts: every PDF it draws would be blank boxes
    conf.write_text(FEW_FONTS.format(cache=tmp_path / "fc-cache"), encoding="utf-8")
    workers(r, {"FONTCONFIG_FILE": str(conf)}).start()

    def failed():
        (x,) = listed(r, case_id)
        return x if x["failed"] else None

    letter = wait_until("the letter marked failed", failed, timeout=300)
    assert letter["pending"] is False and [Path(f).suffix for f in letter["files"]] == [".html"]
    assert "没有字形" in letter["failed"] and "U+" in letter["failed"]
    assert "生成失败" in r.ok("letters", "list", case_id).stdout
    tries = rows(r, f"select count(*) from letter_render_try where number = '{number}'")
    time.sleep(12)  # past two more retry intervals: the workers have stopped trying (render_tries = 2)
    assert rows(r, f"select count(*) from letter_render_try where number = '{number}'") == tries

    out = r.ok("letters", "print", number, "--out", str(tmp_path / "now.pdf")).stdout  # drawn here, with the fonts
    assert "与归档一致" in out
    (letter,) = listed(r, case_id)
    assert letter["pending"] is False and letter["failed"] is None
    assert NAME in "".join(pdf_text(str(tmp_path / "now.pdf")).split())


def test_a_broker_that_is_down_delays_the_letter_and_nothing_else(queued, redis, workers):
    r = queued
    from .conftest import free_port

    down = f"redis://127.0.0.1:{free_port()}/0"
    started = time.monotonic()
    case_id = register_with(r, {"REQUEST_FLOW_BROKER_URL": down})
    assert time.monotonic() - started < 60  # the clerk is not held (the connection is refused at once)
    (letter,) = listed(r, case_id)
    assert letter["pending"] is True

    workers(r, {}).start()  # the broker is back (an empty Redis): the beat finds the letter and queues it
    (letter,) = wait_until("the letter drawn once the broker is back", lambda: drawn(r, case_id), timeout=120)
    assert NAME in "".join(pdf_text(letter["files"][0]).split())


def register_with(r, env: dict) -> str:
    import json

    out = r.ok("case", "new", "--applicant", NAME, "--type", "natural_person", "--channel", "in_person",
               "--received", "2025-03-03", "--content", CONTENT, "--on", "2025-03-03", "--json", env=env)
    return json.loads(out.stdout)["id"]


def test_a_letter_the_act_cannot_make_refuses_the_act_with_a_broker_too(queued, tmp_path):
    r = queued
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "receipt.html").write_text('{% extends "_layout.html" %}{% block content %}{{ letter.nonexistent }}'
                                         '{% endblock %}', encoding="utf-8")
    r.config.write_text(r.config.read_text(encoding="utf-8") + BODY.format(folder=folder), encoding="utf-8")
    line = r.refused("case", "new", "--applicant", NAME, "--type", "natural_person", "--channel", "in_person",
                     "--received", "2025-03-03", "--content", CONTENT, "--on", "2025-03-03")
    assert "nonexistent" in line and "未保存任何内容" in line
    assert rows(r, "select count(*) from case_file") == [(0,)]
    assert rows(r, "select count(*) from letter") == [(0,)]
