"""`request-flow deadlines sweep` in-process, on SQLite and PostgreSQL: reminders at the working-day offsets
and daily once overdue, automatic acts, and nothing twice.

Every expected date is counted by hand from the State Council schedule for 2025 (Spring Festival off Jan 28 -
Feb 4, make-up working days Sun Jan 26 and Sat Feb 8), the count in a comment.
"""

from __future__ import annotations

import json

OFFICE = {"REQUEST_FLOW_NOTIFY_TO": "office@example.org"}


def new(rf, received, handler="李科员", **extra):
    args = ["case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
            "--received", received, "--handler", handler, "--content", "某文件"]
    for k, v in extra.items():
        args += [f"--{k.replace('_', '-')}", v]
    return rf.json(*args)["id"]


def sweep(rf, today, **kw):
    return rf.json("deadlines", "sweep", "--today", today, env=OFFICE, **kw)


def keys(result):
    return sorted((r["id"], r["kind"], r["due"], r["offset"]) for r in result["reminders"])


def test_reminders_and_automatic_acts_through_the_year(rf):
    rf.ok("staff", "add", "王主任", "--role", "office_head", "--email", "head@example.org")
    rf.ok("staff", "add", "李科员", "--email", "li@example.org")
    a = new(rf, "2025-01-24")  # reply due 2025-02-27, correction notice due 2025-02-10 (spec's worked example)
    b = new(rf, "2025-01-06")
    # 10 working days after Wed 01-08: Jan 9, 10 (2) 13-17 (7) 20, 21, 22 (10)
    assert rf.json("case", "request-correction", b, "--items", "写明文号", "--period", "10",
                   "--on", "2025-01-08", "--delivery", "in_person")["deadlines"] == {"correction_due": "2025-01-22"}
    c = new(rf, "2025-01-06")
    # 20 working days after Tue 01-07: Jan 8-10 (3) 13-17 (8) 20-24 (13) Sun 26 (14) 27 (15), Jan 28 - Feb 4 off,
    # Feb 5-7 (18) Sat 8 (19) Mon 10 (20)
    assert rf.json("case", "fee-notice", c, "--method", "per_volume", "--quantity", "250",
                   "--on", "2025-01-07", "--delivery", "in_person")["deadlines"]["payment_due"] == "2025-02-10"
    d = new(rf, "2025-01-06", id_type="居民身份证", id_number="110101199001011234", phone="13800138000",
            address="某市某路1号")
    # 15 working days after Tue 01-07: Jan 8-10 (3) 13-17 (8) 20-24 (13) Sun 26 (14) Mon 27 (15)
    assert rf.json("case", "consult", d, "--party", "某局", "--kind", "co_producer",
                   "--on", "2025-01-07")["deadlines"]["opinion_due"] == "2025-01-27"

    # Thu 01-23: B's correction period ended on 01-22 -> closed; D's window has 3 working days left
    # (Fri 24, Sun 26, Mon 27): the offset-3 reminder. C's payment (8 left) and A's notice (8 left) are not yet.
    r = sweep(rf, "2025-01-23")
    assert [(x["id"], x["outcome"], x["on"]) for x in r["closed"]] == [(b, "no_correction", "2025-01-23")]
    assert keys(r) == [(d, "opinion_due", "2025-01-27", 3)]
    rem = r["reminders"][0]
    assert rem["days_left"] == 3 and rem["to"] == ["li@example.org", "office@example.org"]
    text = rem["message"]
    assert d in text and "还有3个工作日" in text and f"request-flow case opinion {d}" in text and "张某" in text
    for private in ("张某某", "110101199001011234", "13800138000", "某市某路1号", "某文件"):
        assert private not in text
    shown = rf.json("case", "show", b)
    assert shown["state"] == "concluded" and shown["outcome"] == "no_correction"
    assert shown["events"][-1]["actor"] == "系统（期限检查）"
    assert [x["kind"] for x in rf.json("letters", "list", b)] == ["correction", "closure"]

    again = sweep(rf, "2025-01-23")  # the same day again: nothing
    assert (again["reminders"], again["closed"], again["acts"]) == ([], [], [])

    # Tue 01-28 (a holiday): D's window ended 01-27 -> silence recorded as consent (Art. 34), the pause ends;
    # C's payment: Feb 5 (1) 6 (2) 7 (3) Sat 8 (4) Mon 10 (5) -> offset 5; A's notice 02-10 likewise 5 left.
    r = sweep(rf, "2025-01-28")
    assert [(x["id"], x["kind"], x["party_kind"]) for x in r["acts"]] == [(d, "opinion_lapsed", "co_producer")]
    assert keys(r) == sorted([(a, "correction_notice_due", "2025-02-10", 5), (c, "payment_due", "2025-02-10", 5)])
    shown = rf.json("case", "show", d)
    assert shown["state"] == "in_progress"
    # Jan 7 counted (1); Jan 8 - 27 paused; 19 more: Feb 5-7 (3) Sat 8 (4) 10-14 (9) 17-21 (14) 24-28 (19)
    assert shown["deadlines"]["reply_due"] == "2025-02-28"

    # Tue 02-11: C's payment period ended 02-10 -> closed as fee_unpaid
    r = sweep(rf, "2025-02-11")
    assert [(x["id"], x["outcome"]) for x in r["closed"]] == [(c, "fee_unpaid")]
    assert r["reminders"] == []

    # Fri 02-28: A's reply (02-27) is 1 working day overdue; D's is due today. Both go to the head too.
    r = sweep(rf, "2025-02-28")
    assert keys(r) == sorted([(a, "reply_due", "2025-02-27", -1), (d, "reply_due", "2025-02-28", 0)])
    assert all(x["to"] == ["li@example.org", "office@example.org", "head@example.org"] for x in r["reminders"])
    by_id = {x["id"]: x for x in r["reminders"]}
    assert "已逾期1个工作日" in by_id[a]["message"] and "今天" in by_id[d]["message"]
    assert sweep(rf, "2025-03-01")["reminders"] == []  # Saturday: no working day has passed
    r = sweep(rf, "2025-03-03")  # Monday: one more working day overdue each
    assert keys(r) == sorted([(a, "reply_due", "2025-02-27", -2), (d, "reply_due", "2025-02-28", -1)])

    st = rf.json("deadlines", "status")
    # 7 reminders, and the office head's own copy of the four reply reminders of 02-28 and 03-03
    assert st["counts"]["printed"] == 11 and st["counts"]["queued"] == 0 and st["pending"] == []


def test_two_sweeps_at_once_share_the_work(rf):
    ids = [new(rf, "2025-01-06") for _ in range(2)]
    for cid in ids:  # correction periods ending Wed 01-22 (counted above)
        rf.ok("case", "request-correction", cid, "--items", "写明文号", "--period", "10", "--on", "2025-01-08",
              "--delivery", "in_person")
    e = new(rf, "2025-01-24")  # correction notice due 02-10: on Tue 01-28, 5 working days left (counted above)
    procs = [rf.popen("deadlines", "sweep", "--today", "2025-01-28", "--json", env=OFFICE) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    results = [json.loads(o[0]) for o in outs]
    closed = [x["id"] for r in results for x in r["closed"]]
    reminders = [(x["id"], x["kind"]) for r in results for x in r["reminders"]]
    assert sorted(closed) == sorted(ids)  # each closed once, by one of the two
    assert reminders == [(e, "correction_notice_due")]
    listed = {x["id"]: x for x in rf.json("case", "list")}
    assert [listed[cid]["outcome"] for cid in ids] == ["no_correction", "no_correction"]
    assert rf.json("deadlines", "status")["counts"]["printed"] == 1


def test_bad_input_changes_nothing(rf_sqlite):
    rf = rf_sqlite
    b = new(rf, "2025-01-06")
    rf.ok("case", "request-correction", b, "--items", "写明文号", "--period", "10", "--on", "2025-01-08")
    assert "--today" in rf.refused("deadlines", "sweep", "--today", "2025-02-30", code=2)
    assert "REQUEST_FLOW_SMTP_URL" in rf.refused("deadlines", "sweep", "--today", "2025-01-23", code=2,
                                                 env={"REQUEST_FLOW_SMTP_URL": "http://127.0.0.1:25"})
    assert "REQUEST_FLOW_NOTIFY_TO" in rf.refused("deadlines", "sweep", "--today", "2025-01-23", code=2,
                                                  env={"REQUEST_FLOW_NOTIFY_TO": "office, 王主任"})
    assert rf.json("case", "list")[0]["state"] == "awaiting_correction"
    assert "REQUEST_FLOW_BROKER_URL" in rf.refused("worker", code=2)
    assert "REQUEST_FLOW_BROKER_URL" in rf.refused("worker", code=2, env={"REQUEST_FLOW_BROKER_URL": "localhost:6379"})
    cfg = rf.cwd / "bad.toml"
    cfg.write_text("[reminders]\noffsets = [5, -1]\n", encoding="utf-8")
    assert "offsets" in rf.refused("deadlines", "sweep", "--config", str(cfg), code=2)
    assert rf.json("deadlines", "status")["counts"]["printed"] == 0
