"""Privacy everywhere: cases registered with distinctive personal data go through the sweep, the sender, the digest,
`deadlines retry` and a real worker (Redis, Celery, aiosmtpd on loopback); no part of any e-mail (headers, text,
HTML) and no log line (captured in-process, and the worker's own log) carries the applicant's full name, ID
number, phone, e-mail address, postal address or the request's text. The worker also sends this morning's missed
digest when it comes back, once.

The cases are registered 17 and 22 working days before today (the worker runs on today's date): one reply falls
due in 3 working days, the other is 2 working days overdue; both reminders go to the clerk and, as a separate copy,
to the office head.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from .conftest import FAST, wait_until

PRIVATE = {
    "name": "欧阳锦绣",
    "id_number": "11010519850615321X",
    "phone": "13987654321",
    "email": "ouyang.jinxiu@private.example",
    "address": "锦绣大道777号",
    "content": "关于锦绣大道777号拆迁补偿的会议纪要",
}
# what must never appear: the values, and the given name alone
FORBIDDEN = [*PRIVATE.values(), "锦绣", "ouyang", "13987654321", "321X"]

SEED = r"""
import sys
from request_flow import services
from request_flow.calendar import WorkCalendar

ctx = services.context()
cal = WorkCalendar.default().with_assumption(True)
today = ctx.today()
name, id_number, phone, email, address, content = sys.argv[1:7]
for ago in (17, 22):
    received = cal.add_workdays(today, -ago)
    row, view = services.register(ctx, applicant=name, applicant_type="natural_person", channel="in_person",
                                  on=received, received_on=received, handler="李科员", id_type="居民身份证",
                                  id_number=id_number, phone=phone, email=email, address=address, content=content)
    print(row.id)
"""


def today_a_working_day(office) -> None:
    """The digest goes out on working days only: the body's calendar makes today one, whatever the date."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    folder = office.config.parent / "calendar"
    folder.mkdir(exist_ok=True)
    (folder / "today.toml").write_text(
        f'version = 1\n[[history]]\nversion = 1\ndate = {today.isoformat()}\nsource = "测试"\n'
        f'[[day]]\nkind = "workday"\nname = "测试上班日"\ndate = {today.isoformat()}\nsource = "测试"\n',
        encoding="utf-8")


def register_private(office) -> list[str]:
    out = subprocess.run([sys.executable, "-c", SEED, *PRIVATE.values()], env=office.env, cwd=office.cwd,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def every_part(msg) -> list[str]:
    """Each header (decoded and as sent), each text and HTML part, and the raw message."""
    parts = [f"{k}: {v}" for k, v in msg.items()] + [msg.as_string()]
    parts += [p.get_content() for p in msg.walk() if not p.is_multipart()]
    return parts


def leaks(texts: list[str]) -> list[str]:
    return sorted({f for t in texts for f in FORBIDDEN if f in t})


def test_no_personal_data_in_mail_or_logs_in_process(office, mail, caplog):
    caplog.set_level(logging.DEBUG, logger="request_flow")
    today_a_working_day(office)
    cases = register_private(office)
    mail.handler.reject = {"head@example.org"}  # a refusal too: its error is logged and stored
    mail.start()
    env = {"REQUEST_FLOW_SMTP_URL": mail.url}
    r = office.json("deadlines", "sweep", env=env)
    assert sorted(x["id"] for x in r["reminders"]) == sorted(cases)
    d = office.json("deadlines", "digest", env=env)
    assert len(d["digests"]) == 1
    mail.handler.reject = set()
    again = office.json("deadlines", "retry", env=env)
    assert again["requeued"] and again["delivery"]["sent"] == len(again["requeued"])
    status = office.ok("deadlines", "status", env=env).stdout
    # the clerk's copy and the head's copy of two reminders, the digest
    assert len(mail.messages) == 5
    assert sorted(m["To"] for m in mail.messages) == ["head@example.org"] * 2 + ["li@example.org, office@example.org"] * 2 + [
        "office@example.org, head@example.org"]
    shown = [t for m in mail.messages for t in every_part(m)]
    assert any("欧某" in t for t in shown)  # the applicant appears by the first character and 某 at most
    assert leaks(shown) == []
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("request_flow")]  # not the test's SMTP server
    assert ours and leaks([*ours, status]) == []


def test_no_personal_data_from_the_worker_and_the_missed_digest_goes_out_once(office, mail, redis, workers):
    today_a_working_day(office)
    # the worker was away at the digest time (midnight): it sends this morning's digest at its first sweep
    office.config.write_text(FAST + 'digest_time = "00:00"\n', encoding="utf-8")
    cases = register_private(office)
    mail.start()
    env = {"REQUEST_FLOW_BROKER_URL": redis.url, "REQUEST_FLOW_SMTP_URL": mail.url}
    first = workers(office, env).start()
    wait_until("4 reminders and the digest", lambda: len(mail.messages) >= 5, timeout=90)
    digests = lambda: [m for m in mail.messages if "每日期限汇总" in str(m["Subject"])]  # noqa: E731
    wait_until("three more sweeps", lambda: first.log.read_text(errors="replace").count("digests caught up") >= 4,
               timeout=60)
    assert len(digests()) == 1
    first.kill()
    second = workers(office, env).start()  # back again: the digest is already in the outbox, never a second
    wait_until("three sweeps", lambda: second.log.read_text(errors="replace").count("digests caught up") >= 7,
               timeout=60)
    time.sleep(1)
    assert len(digests()) == 1 and len(mail.messages) == 5
    body = digests()[0].get_body(("plain",)).get_content()
    assert all(c in body for c in cases)
    log = second.log.read_text(errors="replace")
    assert "digests caught up" in log and "1 digests caught up" in log
    shown = [t for m in mail.messages for t in every_part(m)]
    assert leaks(shown) == [] and leaks([log]) == []
