"""Faults with real parts: a Redis of the test's own, the installed `request-flow worker` (Celery, beat embedded)
killed with SIGKILL, an SMTP server (aiosmtpd on loopback) that refuses for a while.

The worker runs on today's date (Asia/Shanghai): the cases are registered 17 working days ago by the official
calendar, so each reply falls due 3 working days from now and calls for exactly one reminder (offset 3). The office
head's own copy (sent from 3 working days left by default) is kept out of these counts: `head_offsets = 0`.
"""

from __future__ import annotations

import re
import time

from .conftest import FAST, seed, wait_until


def case_of(subject: str) -> str:
    return re.search(r"[A-Z0-9_]+-\d{4}-\d+", subject).group(0)


def status(office):
    return office.json("deadlines", "status")


def clerk_copies_only(office) -> None:
    # reminders to the clerk only; no morning digest, which the worker would catch up after 08:30 Beijing time
    office.config.write_text(FAST + "head_offsets = 0\ndigest = false\n", encoding="utf-8")


def test_worker_killed_mid_batch_sends_every_reminder_once(office, mail, redis, workers):
    clerk_copies_only(office)
    cases = seed(office, 8)
    mail.handler.delay = 0.05
    mail.handler.hold_at = 4  # the 4th message is in flight (no 250 yet) when the worker dies
    mail.start()
    env = {"REQUEST_FLOW_BROKER_URL": redis.url, "REQUEST_FLOW_SMTP_URL": mail.url}
    first = workers(office, env).start()
    assert mail.handler.holding.wait(60), (first.log.read_text(errors="replace"))[-2000:]
    first.kill()  # SIGKILL to the main process, the pool and the embedded beat
    assert len(mail.messages) == 3
    counts = status(office)["counts"]
    assert (counts["sent"], counts["sending"], counts["queued"]) == (3, 1, 4)

    mail.handler.hold_at = None
    workers(office, env).start()
    wait_until("8 reminders", lambda: len(mail.messages) >= 8, timeout=60)
    time.sleep(1.5)  # room for a duplicate to show up, if there were one
    ids = mail.ids()
    assert len(ids) == 8 and len(set(ids)) == 8
    assert sorted(case_of(s) for s in mail.subjects()) == sorted(c for c, _ in cases)
    assert status(office)["counts"]["sent"] == 8


def test_redis_lost_and_back_loses_nothing(office, mail, redis, workers):
    clerk_copies_only(office)
    mail.start()
    env = {"REQUEST_FLOW_BROKER_URL": redis.url, "REQUEST_FLOW_SMTP_URL": mail.url}
    before = seed(office, 2)
    workers(office, env).start()
    wait_until("the first 2 reminders", lambda: len(mail.messages) >= 2, timeout=60)
    redis.stop()  # the broker is gone, with everything it held
    after = seed(office, 2)  # new work arrives while it is away
    time.sleep(2)
    assert len(mail.messages) == 2  # nothing is scheduled without a broker ...
    redis.start()  # ... an empty Redis on the same port: the schedule resumes from the database
    # kombu reconnects with a growing back-off (2, 4, 6 … 30 s): allow for it on a loaded machine
    wait_until("all 4 reminders", lambda: len(mail.messages) >= 4, timeout=180)
    time.sleep(1.5)
    assert len(mail.ids()) == len(set(mail.ids())) == 4
    assert sorted(case_of(s) for s in mail.subjects()) == sorted(c for c, _ in before + after)


def test_smtp_refusing_for_a_while_then_in_order_once(office, mail, redis, workers):
    clerk_copies_only(office)
    seed(office, 4)
    env = {"REQUEST_FLOW_BROKER_URL": redis.url, "REQUEST_FLOW_SMTP_URL": mail.url}
    workers(office, env).start()  # the SMTP server is not listening yet: connection refused

    def failing():  # a row of the list itself (the counts are read a moment apart: a retry may start between)
        st = status(office)
        return st if any(p["status"] == "failing" for p in st["pending"]) and len(st["pending"]) == 4 else None

    st = wait_until("a failing reminder", failing, timeout=60, every=0.5)
    assert "Connection refused" in next(p["last_error"] for p in st["pending"] if p["status"] == "failing")
    queue_order = [p["id"] for p in st["pending"]]  # the outbox's order
    text = office.ok("deadlines", "status").stdout
    assert "发送失败、等待重试" in text and "最近错误" in text

    mail.handler.mode = "tempfail"  # now it answers, with 451 (try later)
    mail.start()
    wait_until("a 451", lambda: any("451" in (p["last_error"] or "") for p in status(office)["pending"]),
               timeout=60, every=0.5)
    assert mail.messages == []
    mail.handler.mode = "accept"
    wait_until("all 4 reminders", lambda: len(mail.messages) >= 4, timeout=60)
    time.sleep(1)
    assert [case_of(s) for s in mail.subjects()] == queue_order  # in order, once
    assert len(set(mail.ids())) == 4
    assert status(office)["counts"]["sent"] == 4
