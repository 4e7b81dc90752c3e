"""No poison record: a bad address, a server's 5xx or a deadline that cannot be counted affects its own reminder or
case only; every way an address enters refuses a bad one; dates staff set and the sweep's day are bounded.

Dates are counted by hand from the State Council's 2025 schedule (Spring Festival off Jan 28 - Feb 4, make-up
working days Sun Jan 26 and Sat Feb 8). A case received Fri 2025-01-24 has its reply due Thu 2025-02-27.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from .conftest import FAST

NO_OFFICE = {"REQUEST_FLOW_NOTIFY_TO": ""}


def new(rf, handler: str, received: str = "2025-01-24", applicant: str = "张某某") -> str:
    return rf.json("case", "new", "--applicant", applicant, "--type", "natural_person", "--channel", "in_person",
                   "--received", received, "--handler", handler)["id"]


def test_addresses_are_checked_where_they_enter(office):
    crlf = "a@example.org\r\nBcc: x@example.org"
    line = office.refused("staff", "add", "坏", "--email", crlf, code=2)
    assert "换行符" in line and "\\u000d\\u000a" in line  # shown on one line, escaped
    assert "非ASCII" in office.refused("staff", "add", "张", "--email", "张三@例子.中国", code=2)
    for bad in ("a@b@", "a b@example.org", "<a@example.org>", "a@example..org", "a,b@example.org"):
        office.refused("staff", "add", "某", "--email", bad, code=2)
    assert sorted(p["name"] for p in office.json("staff", "list")) == sorted(["王主任", "李科员"])  # nothing written
    # the office mailbox
    assert "REQUEST_FLOW_NOTIFY_TO" in office.refused("deadlines", "sweep", "--today", "2025-02-20", code=2,
                                                      env={"REQUEST_FLOW_NOTIFY_TO": "office@example.org,\nBcc: x@example.org"})
    assert "REQUEST_FLOW_NOTIFY_TO" in office.refused("deadlines", "digest", "--today", "2025-02-20", code=2,
                                                      env={"REQUEST_FLOW_NOTIFY_TO": "办公室@例子.中国"})
    # a config file's staff and sender
    cfg = office.cwd / "staff.toml"
    cfg.write_text('[[body]]\ncode = "B1"\nname = "某局"\nshort_name = "某局"\n'
                   '[[body.staff]]\nname = "坏"\nemail = "a@example.org\\r\\nBcc: x@example.org"\n', encoding="utf-8")
    assert "电子邮箱" in office.refused("staff", "list", env={"REQUEST_FLOW_CONFIG": str(cfg)}, code=2)
    cfg.write_text('[reminders]\nsender = "rf <rf@example.org>\\nBcc: x@example.org"\n', encoding="utf-8")
    assert "发件人" in office.refused("deadlines", "status", env={"REQUEST_FLOW_CONFIG": str(cfg)}, code=2)
    assert office.json("deadlines", "status")["counts"]["queued"] == 0


def _poison_staff(office) -> None:
    """Addresses recorded before they were checked where they enter (an older version, a hand-edited database)."""
    engine = create_engine(office.url)
    with engine.begin() as conn:
        for name, email in (("坏", "a@example.org\r\nBcc: x@example.org"), ("张", "张三@例子.中国")):
            conn.execute(text("INSERT INTO staff (body, name, role, email) VALUES ('EXAMPLE', :n, 'clerk', :e)"),
                         {"n": name, "e": email})
    engine.dispose()


def test_a_reminder_that_cannot_be_sent_never_blocks_the_next(office, mail):
    mail.handler.reject = {"gone@example.org"}
    mail.start()
    env = {"REQUEST_FLOW_SMTP_URL": mail.url, **NO_OFFICE}
    _poison_staff(office)
    office.ok("staff", "add", "走", "--email", "gone@example.org")
    bad, idn, gone, good = (new(office, h) for h in ("坏", "张", "走", "李科员"))

    # Thu 02-20, reply due Thu 02-27: Feb 21 (1) 24 (2) 25 (3) 26 (4) 27 (5): the offset-5 reminder of each case,
    # queued in that order; the three before the good one cannot be sent
    r = office.json("deadlines", "sweep", "--today", "2025-02-20", env=env)
    assert [x["id"] for x in r["reminders"]] == [bad, idn, gone, good]
    assert (r["delivery"]["sent"], r["delivery"]["failed"], r["delivery"]["failing"]) == (1, 3, 0)
    assert [m["To"] for m in mail.messages] == ["li@example.org"]
    st = office.json("deadlines", "status")
    assert (st["counts"]["sending"], st["counts"]["queued"], st["counts"]["failed"]) == (0, 0, 3)
    why = {p["id"]: p["last_error"] for p in st["pending"]}
    assert "控制字符" in why[bad] and "非ASCII" in why[idn] and "550" in why[gone]
    assert all(p["attempts"] == 1 for p in st["pending"])

    # Mon 02-24: Feb 25 (1) 26 (2) 27 (3): the offset-3 stage, and the office head is told (3 working days or
    # fewer): the good clerk's copy and the head's four copies go out; the three bad clerk copies fail again
    r = office.json("deadlines", "sweep", "--today", "2025-02-24", env=env)
    assert (r["delivery"]["sent"], r["delivery"]["failed"]) == (5, 3)
    assert sorted(m["To"] for m in mail.messages[1:]) == ["head@example.org"] * 4 + ["li@example.org"]

    # the address is corrected; `deadlines retry ID` re-queues that case's failed reminders and they go out
    office.ok("staff", "add", "坏", "--email", "fixed@example.org")
    r = office.json("deadlines", "retry", bad, env=env)
    assert [(x["id"], x["due"], x["was"]) for x in r["requeued"]] == [(bad, "2025-02-27", "failed")] * 2
    assert (r["delivery"]["sent"], r["delivery"]["failed"]) == (2, 0)
    assert [m["To"] for m in mail.messages[-2:]] == ["fixed@example.org"] * 2
    # retry without an ID: all the others, which still cannot be sent, fail again (and hold nothing up)
    r = office.json("deadlines", "retry", env=env)
    assert sorted(x["id"] for x in r["requeued"]) == sorted([idn, idn, gone, gone])
    assert (r["delivery"]["sent"], r["delivery"]["failed"]) == (0, 4)
    assert "没有编号为" in office.refused("deadlines", "retry", "EXAMPLE-2025-9999", env=env, code=2)
    assert "没有无法发送" in office.ok("deadlines", "retry", good, env=env).stdout


def test_the_office_head_reads_plain_words_and_no_commands(office, mail):
    mail.start()
    env = {"REQUEST_FLOW_SMTP_URL": mail.url, **NO_OFFICE}
    cid = new(office, "李科员")
    # Tue 02-25: Feb 26 (1) 27 (2): 2 working days left, within the head's 3
    r = office.json("deadlines", "sweep", "--today", "2025-02-25", env=env)
    assert [(x["id"], x["offset"], x["to"]) for x in r["reminders"]] == [(cid, 3, ["li@example.org", "head@example.org"])]
    by_to = {m["To"]: m for m in mail.messages}
    head = by_to["head@example.org"].get_body(("plain",)).get_content()
    clerk = by_to["li@example.org"].get_body(("plain",)).get_content()
    assert "承办人：李科员" in head and "是否同意延长答复期限" in head and "2025-02-27" in head and "还有2个工作日" in head
    assert "李科员" in by_to["head@example.org"]["Subject"]
    assert "request-flow case" not in head and "--" not in head
    assert f"request-flow case extend {cid}" in clerk and f"request-flow case reply {cid}" in clerk
    # Fri 02-28: 1 working day overdue: the head is asked to press for the reply
    office.json("deadlines", "sweep", "--today", "2025-02-28", env=env)
    late = [m for m in mail.messages if m["To"] == "head@example.org"][-1]
    text_ = late.get_body(("plain",)).get_content()
    assert "请督促承办人李科员尽快作出答复" in text_ and "已逾期1个工作日" in text_ and "request-flow case" not in text_
    html = late.get_body(("html",)).get_content()
    assert "李科员" in html and "request-flow case" not in html


SET_FAR = r"""
import sys
from datetime import date
from request_flow import services
from request_flow.domain import acts

ctx = services.context()
# a deadline far beyond the calendar, as a typo left it before set dates were bounded
services.act(ctx, sys.argv[1], lambda v, d, s: acts.set_deadline(v, d, date(2207, 1, 15)), date(2025, 2, 6))
"""


def test_one_case_that_cannot_be_counted_never_stops_the_others(office, mail):
    mail.start()
    env = {"REQUEST_FLOW_SMTP_URL": mail.url, **NO_OFFICE}
    far = new(office, "李科员")
    office.ok("case", "request-reasons", far, "--on", "2025-01-27")
    office.ok("case", "reasons-received", far, "--on", "2025-02-05")
    # set dates are bounded: one line, nothing written
    assert "一年以内" in office.refused("case", "set-deadline", far, "--due", "2207-01-15", "--on", "2025-02-06", code=2)
    assert "一年以内" in office.refused("case", "reasons-received", far, "--set-due", "2207-01-15", code=2)
    assert "--period 的值超出允许范围：应不大于 60" in office.refused("case", "request-reasons", far, "--period", "100000",
                                                                 code=2)
    assert "--period 的值超出允许范围" in office.refused("case", "request-correction", far, "--items", "写明文号", "--period",
                                           "61", code=2)
    assert office.json("case", "show", far)["state"] == "in_progress"
    out = subprocess.run([sys.executable, "-c", SET_FAR, far], env=office.env, cwd=office.cwd, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert office.json("case", "show", far)["deadlines"]["reply_due"] == "2207-01-15"

    ok = new(office, "李科员")
    # a case whose cached deadline lies before the calendar's first year (2004): it cannot be counted
    old = new(office, "李科员")
    engine = create_engine(office.url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE case_file SET reply_due = '2003-01-06', next_due = '2003-01-06', deadlines = :d "
                          "WHERE id = :id"), {"d": '{"reply_due": "2003-01-06"}', "id": old})
    engine.dispose()

    listing = office.ok("case", "list")
    assert far in listing.stdout and ok in listing.stdout and "无法计算" in listing.stdout
    assert {x["id"] for x in office.json("case", "list")} == {far, ok, old}

    # Thu 02-20: the good case's offset-5 reminder goes out; the uncountable one is reported and skipped
    r = office.json("deadlines", "sweep", "--today", "2025-02-20", env=env)
    assert [x["id"] for x in r["reminders"]] == [ok]
    assert [x["id"] for x in r["skipped"]] == [old] and "2003" in r["skipped"][0]["skipped"]
    assert r["delivery"]["sent"] == 1
    plain = office.ok("deadlines", "sweep", "--today", "2025-02-21", env=env).stdout
    assert f"本次未处理（其他案件不受影响）：{old}" in plain

    # the digest counts the others and names the uncountable case
    d = office.json("deadlines", "digest", "--today", "2025-02-24", env=env)
    assert len(d["digests"]) == 1 and d["delivery"]["sent"] == 1
    body = mail.messages[-1].get_body(("plain",)).get_content()
    assert ok in body and "还有3个工作日" in body and f"期限今天无法计算（如确定的期限超出日历范围），请承办人查看：{old}" in body


def test_the_sweeps_day_is_bounded_and_a_far_day_inside_acts(office):
    cid = new(office, "李科员", received="2025-01-06")
    # 20 working days after Tue 01-07: Jan 8-10 (3) 13-17 (8) 20-24 (13) Sun 26 (14) 27 (15), Jan 28 - Feb 4 off,
    # Feb 5-7 (18) Sat 8 (19) Mon 10 (20)
    assert office.json("case", "fee-notice", cid, "--method", "per_volume", "--quantity", "250", "--on", "2025-01-07",
                       "--delivery", "in_person")["deadlines"]["payment_due"] == "2025-02-10"
    for cmd in ("sweep", "digest"):
        line = office.refused("deadlines", cmd, "--today", "2099-01-01", code=2)
        # the last published year + 9: the installed schedules' last year (2026), or next year where the test
        # brings a calendar for this year and the next (tests/conftest.py, calendar_for_today)
        last = int(re.search(r"已公布节假日安排的最后一年(\d{4})年", line).group(1))
        assert last in (2026, date.today().year + 1) and f"最晚为{last + 9}-12-31" in line and "未办理任何事项" in line
    assert "2003-12-31" in office.refused("deadlines", "sweep", "--today", "2003-12-31", code=2)
    shown = office.json("case", "show", cid)
    assert shown["state"] == "awaiting_fee" and [x["kind"] for x in office.json("letters", "list", cid)] == ["fee"]
    assert office.json("deadlines", "status")["counts"] == dict.fromkeys(
        ("queued", "sending", "failing", "sent", "failed", "printed", "cancelled"), 0)
    # inside the horizon, a far day acts as that day (docs/decisions.md): the closure and its letter are dated
    # 2035-12-31 and numbered in 2035's series, and the sweep exits 0
    r = office.json("deadlines", "sweep", "--today", "2035-12-31", env=NO_OFFICE)
    assert [(x["id"], x["outcome"], x["on"]) for x in r["closed"]] == [(cid, "fee_unpaid", "2035-12-31")]
    assert "〔2035〕" in r["closed"][0]["letter"]
    assert office.json("case", "show", cid)["state"] == "concluded"


def test_an_automatic_act_is_written_with_its_letter_or_not_at_all(office):
    """The closure letter of one case cannot be rendered (a body's template that fails for fee closures): that
    case is reported and left exactly as it was, its 文号 not taken; the other case is closed."""
    original = (Path(__file__).resolve().parents[2] / "templates" / "replies" / "closure.html").read_text("utf-8")
    (office.cwd / "tpl").mkdir()
    (office.cwd / "tpl" / "closure.html").write_text(original.replace(
        "{% block content %}", '{% block content %}{% if closure.outcome == "fee_unpaid" %}{{ 1 // 0 }}{% endif %}', 1),
        encoding="utf-8")
    office.config.write_text(FAST + '\n[[body]]\ncode = "B1"\nname = "某县人民政府办公室"\nshort_name = "某县政办"\n'
                             'review_body = "某县人民政府"\ncourt = "某县人民法院"\ntemplates = "tpl"\n', encoding="utf-8")
    fee = new(office, "李科员", received="2025-01-06")
    # 20 working days after Tue 01-07 (counted in the test above): Mon 02-10
    office.ok("case", "fee-notice", fee, "--method", "per_volume", "--quantity", "250", "--on", "2025-01-07",
              "--delivery", "in_person")
    corr = new(office, "李科员", received="2025-01-06")
    # 10 working days after Wed 01-08: Jan 9, 10 (2) 13-17 (7) 20, 21, 22 (10)
    office.ok("case", "request-correction", corr, "--items", "写明文号", "--period", "10", "--on", "2025-01-08",
              "--delivery", "in_person")
    before = office.json("case", "show", fee)

    r = office.json("deadlines", "sweep", "--today", "2025-02-11", env=NO_OFFICE)
    assert [(x["id"], x["outcome"]) for x in r["closed"]] == [(corr, "no_correction")]
    assert r["closed"][0]["letter"].endswith("〔2025〕1号")
    assert [x["id"] for x in r["skipped"]] == [fee] and "closure.html" in r["skipped"][0]["skipped"]
    after = office.json("case", "show", fee)
    assert (after["state"], after["events"], after["deadlines"]) == ("awaiting_fee", before["events"], before["deadlines"])
    assert [x["kind"] for x in office.json("letters", "list", fee)] == ["fee"]

    (office.cwd / "tpl" / "closure.html").unlink()  # the template is mended: the next sweep closes it
    r = office.json("deadlines", "sweep", "--today", "2025-02-11", env=NO_OFFICE)
    assert [(x["id"], x["outcome"]) for x in r["closed"]] == [(fee, "fee_unpaid")]
    assert r["closed"][0]["letter"].endswith("〔2025〕2号") and r["skipped"] == []


def test_retry_and_the_bounds_on_both_databases(rf, mail):
    mail.start()
    env = {"REQUEST_FLOW_SMTP_URL": mail.url}
    cid = new(rf, "李科员")
    assert "2035-12-31" in rf.refused("deadlines", "sweep", "--today", "2099-01-01", env=env, code=2)
    assert "--period 的值超出允许范围：应不小于 1" in rf.refused("case", "request-reasons", cid, "--period", "0", "--on",
                                                              "2025-01-27", code=2)
    assert rf.json("case", "show", cid)["state"] == "in_progress"
    # Thu 02-20, reply due Thu 02-27 (5 working days left): the handler has no address yet, so it fails
    r = rf.json("deadlines", "sweep", "--today", "2025-02-20", env=env)
    assert [(x["id"], x["offset"], x["to"]) for x in r["reminders"]] == [(cid, 5, [])]
    assert r["delivery"]["failed"] == 1 and mail.messages == []
    rf.ok("staff", "add", "李科员", "--email", "li@example.org")
    r = rf.json("deadlines", "retry", env=env)
    assert [(x["id"], x["kind"], x["was"]) for x in r["requeued"]] == [(cid, "reply_due", "failed")]
    assert r["delivery"]["sent"] == 1 and [m["To"] for m in mail.messages] == ["li@example.org"]
    assert rf.json("deadlines", "status")["counts"]["sent"] == 1
