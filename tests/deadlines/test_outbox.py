"""The outbox through the installed command and a real SMTP server (aiosmtpd on loopback): a crash between
sending and marking, permanent failures, a calendar correction that moves a deadline, the morning digest."""

from __future__ import annotations

import time


def test_crash_between_send_and_mark_and_a_permanent_refusal(office, mail):
    mail.handler.reject = {"nobody@example.org"}
    mail.start()
    env = {"REQUEST_FLOW_SMTP_URL": mail.url}
    for _ in range(2):
        office.ok("case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
                  "--received", "2025-01-24", "--handler", "李科员")
    office.ok("staff", "add", "赵科员", "--email", "nobody@example.org")
    office.ok("case", "new", "--applicant", "赵某", "--type", "natural_person", "--channel", "in_person",
              "--received", "2025-01-24", "--handler", "赵科员")
    # Thu 02-20: reply due Thu 02-27, Feb 21 (1) 24-27 (5): the offset-5 reminder for each of the three cases.
    # The process dies right after the SMTP server accepted the first message, before marking it sent.
    r = office.exe("deadlines", "sweep", "--today", "2025-02-20", env={**env, "REQUEST_FLOW_TEST_CRASH_AFTER_SEND": "1",
                                                                   "REQUEST_FLOW_NOTIFY_TO": ""})
    assert r.returncode == 137
    assert len(mail.messages) == 1
    st = office.json("deadlines", "status")
    assert (st["counts"]["sending"], st["counts"]["queued"]) == (1, 2)
    time.sleep(2.2)  # the dead sender's lease (2 s here) runs out
    d = office.json("deadlines", "send", env={**env, "REQUEST_FLOW_NOTIFY_TO": ""})
    assert (d["sent"], d["failed"]) == (2, 1)
    ids = mail.ids()
    # at least once, on purpose: the first reminder went out twice, both copies under one Message-ID
    assert len(ids) == 3 and ids[0] == ids[1] and ids[2] != ids[0]
    st = office.json("deadlines", "status")
    assert (st["counts"]["sent"], st["counts"]["failed"]) == (2, 1)
    failed = st["pending"][0]
    assert failed["status"] == "failed" and "550" in failed["last_error"] and failed["attempts"] == 1
    d = office.json("deadlines", "send", env=env)  # a 5xx is never retried
    assert d["sent"] == d["failed"] == 0
    assert office.json("deadlines", "status")["pending"][0]["attempts"] == 1


def test_a_calendar_correction_moves_the_reminders(office, mail):
    env = {"REQUEST_FLOW_SMTP_URL": mail.url}
    cid = office.json("case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
                      "--received", "2025-01-24", "--handler", "李科员")["id"]
    # Thu 02-20, reply due Thu 02-27 (5 working days left); the mail server is down, so it waits in the outbox
    r = office.json("deadlines", "sweep", "--today", "2025-02-20", env=env)
    assert [(x["due"], x["offset"]) for x in r["reminders"]] == [("2025-02-27", 5)]
    assert r["delivery"]["failing"] == 1
    # The body publishes a local holiday on Tue 02-25: the reply is now due Fri 02-28
    (office.config.parent / "calendar").mkdir(exist_ok=True)  # it may hold a calendar for today (conftest)
    (office.config.parent / "calendar" / "local.toml").write_text(
        'version = 1\n[[history]]\nversion = 1\ndate = 2025-02-20\nsource = "某县人民政府通知"\n'
        '[[day]]\nname = "地方节日"\ndate = 2025-02-25\nsource = "某县人民政府通知"\n', encoding="utf-8")
    mail.start()
    time.sleep(0.6)  # the retry backoff (0.5 s at most here)
    r = office.json("deadlines", "sweep", "--today", "2025-02-21", env=env)
    assert [(m["id"], m["reply_due_before"], m["reply_due"]) for m in r["recomputed"]] == [(cid, "2025-02-27", "2025-02-28")]
    # Fri 02-21 to Fri 02-28: Feb 24 (1) 26 (2) 27 (3) 28 (4): still the offset-5 stage, for the new date
    assert [(x["due"], x["offset"], x["days_left"]) for x in r["reminders"]] == [("2025-02-28", 5, 4)]
    assert (r["delivery"]["sent"], r["delivery"]["cancelled"]) == (1, 1)
    assert len(mail.subjects()) == 1 and "2025-02-28" in mail.subjects()[0] and "还有4个工作日" in mail.subjects()[0]
    assert office.json("deadlines", "status")["counts"]["cancelled"] == 1


def test_the_morning_digest_on_working_days_only(office, mail):
    mail.start()
    env = {"REQUEST_FLOW_SMTP_URL": mail.url}
    office.ok("case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
              "--received", "2025-01-24", "--handler", "李科员")
    assert office.json("deadlines", "digest", "--today", "2025-02-22", env=env)["digests"] == []  # a Saturday
    # Sat 2025-02-08 is a make-up working day (Spring Festival): the digest goes out. Correction notice due Mon
    # 02-10: Feb 10 (1) left.
    d = office.json("deadlines", "digest", "--today", "2025-02-08", env=env)
    assert [x["to"] for x in d["digests"]] == [["office@example.org", "head@example.org"]]
    assert office.json("deadlines", "digest", "--today", "2025-02-08", env=env)["digests"] == []  # once a day
    assert len(mail.messages) == 1
    body = mail.messages[0].get_body(("plain",)).get_content()
    assert "EXAMPLE-2025-0001" in body and "补正告知期限" in body and "还有1个工作日" in body and "张某某" not in body
    assert mail.messages[0].get_body(("html",)) is not None


def test_an_office_without_the_morning_digest(office):
    """`[reminders] digest = false`: the workers' schedule has no digest and a worker coming back after the digest
    time catches none up; with the default, the same moment catches this morning's digest up, once."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from workers.app import create_app

    from request_flow import deadlines, services
    from request_flow.config import configure

    from .conftest import FAST

    def in_process(runner):
        configure(database_url=runner.url, config=runner.env.get("REQUEST_FLOW_CONFIG"), user="测试员")
        return services.context()

    office.ok("case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
              "--received", "2025-01-24", "--handler", "李科员")
    nine = datetime(2025, 2, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Thursday, a working day, after 08:30
    office.config.write_text(FAST + "digest = false\n", encoding="utf-8")
    ctx = in_process(office)
    assert "digest" not in create_app().conf.beat_schedule
    assert deadlines.catch_up_digest(ctx, nine) == []
    assert office.json("deadlines", "status")["counts"]["queued"] == 0

    office.config.write_text(FAST, encoding="utf-8")
    ctx = in_process(office)
    assert "digest" in create_app().conf.beat_schedule
    assert [d["kind"] for d in deadlines.catch_up_digest(ctx, nine)] == ["digest"]
    assert deadlines.catch_up_digest(ctx, nine) == []  # once


def test_the_outbox_times_are_shown_in_the_office_time_zone(office):
    """`deadlines status`: the next try of a failing reminder in Beijing time (docs/contract.md, "Times"), the
    stored UTC moment plus eight hours, in the text and, with its offset, in JSON."""
    import socket
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import create_engine, text

    with socket.socket() as s:  # a port nobody listens on: every try fails with a connection error (retried)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    office.ok("case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
              "--received", "2025-01-24", "--handler", "李科员")
    env = {"REQUEST_FLOW_SMTP_URL": f"smtp://127.0.0.1:{port}", "REQUEST_FLOW_NOTIFY_TO": ""}
    office.ok("deadlines", "sweep", "--today", "2025-02-20", env=env)
    engine = create_engine(office.url)
    with engine.connect() as c:
        stored = c.execute(text("SELECT next_attempt_at FROM reminder WHERE status = 'failing' LIMIT 1")).scalar_one()
    engine.dispose()
    stored = datetime.fromisoformat(stored) if isinstance(stored, str) else stored
    beijing = stored.replace(tzinfo=UTC) + timedelta(hours=8)
    failing = [p for p in office.json("deadlines", "status")["pending"] if p["status"] == "failing"]
    assert beijing.strftime("%Y-%m-%dT%H:%M:%S+08:00") in [p["next_attempt_at"] for p in failing]
    assert f"下次重试：{beijing.strftime('%Y-%m-%d %H:%M:%S')}" in office.ok("deadlines", "status").stdout
