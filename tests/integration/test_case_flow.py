"""The installed command, on SQLite and on PostgreSQL, through the procedure.

Every expected date is counted by hand from the State Council schedules (docs/clocks.md), with the count in a
comment; none is copied from the program's output.
"""

from __future__ import annotations


def new_case(rf, received="2025-03-03", channel="in_person", kind="natural_person", **extra):
    args = ["case", "new", "--applicant", "张某某", "--type", kind, "--channel", channel, "--content", "某文件"]
    if received:
        args += ["--received", received]
    for k, v in extra.items():
        args += [f"--{k.replace('_', '-')}", v]
    return rf.json(*args)


def events(rf, case_id):
    return rf.json("case", "show", case_id)["events"]


def test_worked_examples_of_the_calendar(rf_exe):
    """End to end: the installed command, as a subprocess."""
    rf = rf_exe
    c = new_case(rf, "2025-01-24")
    assert c["received_on"] == "2025-01-24"
    assert c["deadlines"] == {"correction_notice_due": "2025-02-10", "reply_due": "2025-02-27"}
    assert c["deadlines_provisional"] == []
    e = rf.json("case", "extend", c["id"], "--days", "20", "--approver", "王主任", "--reason", "档案量大", "--on", "2025-02-20")
    assert e["deadlines"]["reply_due"] == "2025-03-27"
    c2 = new_case(rf, "2026-02-13", channel="registered_mail", kind="commercial")
    assert (c2["deadlines"]["correction_notice_due"], c2["deadlines"]["reply_due"]) == ("2026-03-02", "2026-03-19")


def test_receipt_on_a_saturday_is_counted_from_the_actual_day(rf):
    # docs/clocks.md, "Receipt on a non-working day": Sat 2025-03-01, strict by default: the 7th working day after it is
    # Mar 11 (3,4,5,6,7,10,11), the 20th Mar 28 (3–7, 10–14, 17–21, 24–28)
    c = new_case(rf, "2025-03-01")
    assert c["received_on"] == "2025-03-01" and c["counting"] == "strict"
    assert c["deadlines"] == {"correction_notice_due": "2025-03-11", "reply_due": "2025-03-28"}
    # a body that shifts such receipts to the next working day: Mon 03-03 -> 03-12 and 03-31 (Mar 31 the 20th)
    conf = rf.cwd / "shift.toml"
    conf.write_text("[policy]\nshift_nonworking_receipt = true\n", encoding="utf-8")
    shifted = rf.json("case", "new", "--applicant", "李某", "--type", "natural_person", "--channel", "in_person",
                      "--received", "2025-03-01", env={"REQUEST_FLOW_CONFIG": str(conf)})
    assert shifted["deadlines"] == {"correction_notice_due": "2025-03-12", "reply_due": "2025-03-31"}
    # the first case keeps the rule it was registered under
    assert rf.json("case", "show", c["id"])["deadlines"]["reply_due"] == "2025-03-28"


def test_correction_restarts_the_reply_clock(rf):
    c = new_case(rf, "2025-03-03")
    cid = c["id"]
    r = rf.json("case", "request-correction", cid, "--items", "请写明文件名称", "--period", "15", "--on", "2025-03-05",
                "--delivery", "in_person")
    # While waiting for the correction no reply deadline runs; the applicant's 15 working days run from
    # 03-05 (handed over in person: received that day): Mar 6,7 (2) 10-14 (7) 17-21 (12) 24,25,26 (15).
    assert r["state"] == "awaiting_correction"
    assert r["deadlines"] == {"correction_due": "2025-03-26"}
    r = rf.json("case", "corrected", cid, "--on", "2025-03-20")
    # Fresh 20 from Thu 03-20: Mar 21 (1) 24-28 (6) 31 (7) Apr 1-3 (10), Fri Apr 4 清明 off,
    # Apr 7-11 (15) 14-18 (20).
    assert r["state"] == "in_progress"
    assert r["deadlines"] == {"reply_due": "2025-04-18"}
    assert "第三十条" in rf.refused("case", "request-correction", cid, "--items", "再补", "--on", "2025-03-21")


def test_delivery_of_the_notice_moves_the_correction_period(rf):
    c = new_case(rf, "2025-03-03")
    r = rf.json("case", "request-correction", c["id"], "--items", "写明文号", "--period", "15", "--on", "2025-03-05")
    number = r["letters"][0]["number"]
    assert number == "示县政办公开补〔2025〕1号"
    r = rf.json("case", "delivered", c["id"], "--letter", number, "--method", "post", "--on", "2025-03-10")
    # 15 working days after Mon 03-10: Mar 11-14 (4) 17-21 (9) 24-28 (14) 31 (15)
    assert r["deadlines"] == {"correction_due": "2025-03-31"}


def test_consultation_pauses_the_reply_clock(rf):
    c = new_case(rf, "2025-09-01")
    # Without a pause: Sep 2-5 (4) 8-12 (9) 15-19 (14) 22-26 (19), Sun Sep 28 is a make-up day (20).
    assert c["deadlines"]["reply_due"] == "2025-09-28"
    r = rf.json("case", "consult", c["id"], "--party", "某某公司", "--on", "2025-09-05")
    # Third party's window: 15 working days after Fri 09-05: Sep 8-12 (5) 15-19 (10) 22-26 (15).
    assert r["state"] == "consulting"
    assert r["deadlines"]["opinion_due"] == "2025-09-26"
    # Still waiting: the pause is taken to the window's end. Counted before: Sep 2-5 (4); then 16 after
    # 09-26: Sun 28 (1) 29, 30 (3), Oct 1-8 off, Oct 9, 10 (5), Sat Oct 11 make-up (6), 13-17 (11), 20-24 (16).
    assert r["deadlines"]["reply_due"] == "2025-10-24"
    r = rf.json("case", "opinion", c["id"], "--result", "agree", "--on", "2025-09-12")
    # Answer on Fri 09-12: Sep 8-12 excluded; 16 after 09-12: Sep 15-19 (5) 22-26 (10) Sun 28 (11) 29, 30 (13),
    # Oct 9, 10 (15), Sat Oct 11 (16): the deadline lands on a make-up Saturday.
    assert r["state"] == "in_progress"
    assert r["deadlines"]["reply_due"] == "2025-10-11"
    show = rf.json("case", "show", c["id"])
    expl = show["explanations"]["reply_due"]
    assert expl["pauses"][0]["from"] == "2025-09-05" and expl["pauses"][0]["to"] == "2025-09-12"
    assert {"date": "2025-10-11", "name": "国庆节调休上班"} in expl["makeup_workdays"] or any(
        d["date"] == "2025-10-11" for d in expl["makeup_workdays"])
    assert any(d["date"] == "2025-10-01" for d in expl["skipped_holidays"])
    assert any("2025-10-11" in line for line in expl["explanation"])


def test_confirmation_channels_wait_without_a_clock(rf):
    c = new_case(rf, None, channel="online", on="2025-01-22")
    assert c["state"] == "registered"
    assert c["received_on"] is None
    assert c["deadlines"] == {}
    r = rf.json("case", "confirm", c["id"], "--on", "2025-01-24")
    assert r["received_on"] == "2025-01-24"
    assert r["deadlines"]["reply_due"] == "2025-02-27"
    assert rf.refused("case", "new", "--applicant", "李某", "--type", "other", "--channel", "in_person", code=2)


def test_decide_reply_deliver_closes_the_case(rf_exe):
    rf = rf_exe
    c = new_case(rf, "2025-01-24")
    cid = c["id"]
    msg = rf.refused("case", "decide", cid, "--outcome", "not_exist", "--on", "2025-02-12")
    assert "--search" in msg and "第三十六条第（四）项" in msg
    r = rf.json("case", "decide", cid, "--outcome", "not_exist", "--search", "检索了档案室和公文系统", "--on", "2025-02-12")
    assert r["state"] == "decided" and r["outcome"] == "not_exist" and r["concluded_on"] is None
    r = rf.json("case", "reply", cid, "--on", "2025-02-13")
    assert r["state"] == "concluded" and r["concluded_on"] == "2025-02-13" and r["deadlines"] == {}
    assert r["replied_on_time"] is True
    reply_no = [x for x in r["letters"] if x["kind"] == "reply"][0]["number"]
    assert reply_no == "示县政办公开复〔2025〕1号"
    r = rf.json("case", "delivered", cid, "--letter", reply_no, "--on", "2025-02-17")
    assert r["state"] == "closed"
    letters = rf.json("letters", "list", cid)
    assert [(x["number"], x["kind"], x["issued_on"], x["delivered_on"]) for x in letters] == [
        (reply_no, "reply", "2025-02-13", "2025-02-17")]
    # appeals are recorded on any received case, closed ones included
    r = rf.json("case", "appeal", cid, "--kind", "reconsideration", "--on", "2025-03-01")
    r = rf.json("case", "appeal-result", cid, "--result", "upheld", "--on", "2025-04-20")
    assert r["appeals"] == [{"no": 1, "kind": "reconsideration", "filed_on": "2025-03-01", "result": "upheld",
                             "decided_on": "2025-04-20"}]


def test_appeal_against_failure_to_reply_on_an_open_case(rf):
    c = new_case(rf, "2025-01-24")
    r = rf.json("case", "appeal", c["id"], "--kind", "litigation_direct", "--on", "2025-03-10")
    assert r["state"] == "in_progress" and r["appeals"][0]["result"] is None


def test_fee_per_item_counts_the_month(rf):
    # docs/procedure.md, "Fees": per item, each application is one 件, numbered among the applicant's applications received in
    # the calendar month; items 11-30 cost 100 yuan, 31-40 200. 35 applications, Mar 3-7 (7 a day):
    ids = [new_case(rf, f"2025-03-0{3 + i // 7}")["id"] for i in range(35)]
    fees = {}
    for n in (10, 30, 31, 35):
        cid = ids[n - 1]
        if n == 10:
            assert "第四十二条" in rf.refused("case", "fee-notice", cid, "--method", "per_item", "--quantity", "1",
                                          "--on", "2025-03-10")
            continue
        r = rf.json("case", "fee-notice", cid, "--method", "per_item", "--quantity", "1", "--on", "2025-03-11",
                    "--delivery", "in_person")
        fees[n] = next(e["data"]["amount"] for e in events(rf, cid) if e["kind"] == "fee_notice")
    assert fees == {30: 100, 31: 200, 35: 200}
    # 20 working days after Tue 03-11 (handed over that day): Mar 12-14 (3) 17-21 (8) 24-28 (13) 31 (14)
    # Apr 1-3 (17), Apr 4 off, 7-9 (20)
    assert r["deadlines"]["payment_due"] == "2025-04-09"
    b = ids[34]
    msg = rf.refused("case", "close", b, "--outcome", "fee_unpaid", "--on", "2025-04-09")
    assert "缴费期限" in msg
    r = rf.json("case", "close", b, "--outcome", "fee_unpaid", "--on", "2025-04-10")
    assert r["state"] == "concluded" and r["outcome"] == "fee_unpaid" and r["concluded_on"] == "2025-04-10"


def test_fee_within_the_free_range_is_refused(rf):
    c = new_case(rf, "2025-03-03")
    assert "第四十二条" in rf.refused("case", "fee-notice", c["id"], "--method", "per_volume", "--quantity", "30", "--on", "2025-03-05")


def test_lapsed_correction_closes_as_no_correction(rf):
    c = new_case(rf, "2025-03-03")
    rf.ok("case", "request-correction", c["id"], "--items", "身份证明", "--period", "10", "--on", "2025-03-05",
          "--delivery", "electronic")
    # 10 working days after 03-05 (sent electronically: received that day): Mar 6,7 (2) 10-14 (7) 17-19 (10)
    assert "第三十条" in rf.refused("case", "close", c["id"], "--outcome", "no_correction", "--on", "2025-03-19")
    r = rf.json("case", "close", c["id"], "--outcome", "no_correction", "--on", "2025-03-20")
    assert r["outcome"] == "no_correction" and r["concluded_on"] == "2025-03-20"


def test_extension_rules(rf):
    c = new_case(rf, "2025-01-24")
    cid = c["id"]
    before = len(events(rf, cid))
    assert "第三十三条第二款" in rf.refused("case", "extend", cid, "--days", "5", "--approver", "李科员", "--on", "2025-02-20")
    rf.ok("staff", "add", "李科员", "--role", "clerk")
    assert "机构负责人" in rf.refused("case", "extend", cid, "--days", "5", "--approver", "李科员", "--on", "2025-02-20")
    r = rf.json("case", "extend", cid, "--days", "10", "--approver", "王主任", "--on", "2025-02-20")
    # 10 working days after 02-27: Feb 28 (1) Mar 3-7 (6) 10-13 (10)
    assert r["deadlines"]["reply_due"] == "2025-03-13"
    msg = rf.refused("case", "extend", cid, "--days", "11", "--approver", "王主任", "--on", "2025-02-21")
    assert "20" in msg and "第三十三条第二款" in msg
    r = rf.json("case", "extend", cid, "--days", "10", "--approver", "王主任", "--on", "2025-02-21")
    assert r["deadlines"]["reply_due"] == "2025-03-27"  # the full 40th working day (docs/clocks.md)
    assert len(events(rf, cid)) == before + 2


def test_provisional_deadline_and_recompute_after_a_calendar_file(db_url, tmp_path):
    from conftest import Runner

    cfg_dir = tmp_path / "body"
    (cfg_dir / "calendar").mkdir(parents=True)
    config = cfg_dir / "request-flow.toml"
    config.write_text("", encoding="utf-8")
    rf = Runner(db_url, tmp_path, in_process=True)
    rf.env["REQUEST_FLOW_CONFIG"] = str(config)
    rf.ok("init")
    rf.ok("staff", "add", "王主任", "--role", "office_head")
    c = new_case(rf, "2026-11-26")
    # 20 after Thu 2026-11-26: Nov 27 (1) 30 (2) Dec 1-4 (6) 7-11 (11) 14-18 (16) 21-24 (20): all of 2026.
    assert c["deadlines"]["reply_due"] == "2026-12-24" and c["deadlines_provisional"] == []
    c = rf.json("case", "extend", c["id"], "--days", "20", "--approver", "王主任", "--on", "2026-11-27")
    # No 2027 schedule yet: counted Mon–Fri. 20 more after 12-24: Dec 25 (1) 28-31 (5) Fri 2027-01-01 (6)
    # Jan 4-8 (11) 11-15 (16) 18-21 (20).
    assert c["deadlines"]["reply_due"] == "2027-01-21"
    assert c["deadlines_provisional"] == ["reply_due"]
    listed = rf.json("case", "list")[0]
    assert listed["deadlines_provisional"] == ["reply_due"]  # the correction-notice day, in 2026, is not
    assert "（暂定）" in rf.ok("case", "list").stdout
    (cfg_dir / "calendar" / "2027.toml").write_text(
        'version = 1\n[[history]]\ndate = 2026-11-01\nversion = 1\nsource = "测试用的2027年安排"\n'
        '[[year]]\nyear = 2027\nsource = "测试用的2027年安排"\n'
        'holidays = [{name = "元旦", from = 2027-01-01, to = 2027-01-03, source = "测试"}]\n', encoding="utf-8")
    moved = rf.json("calendar", "recompute")
    # With New Year's Day a holiday, Jan 4-8 are the 5th-9th of the extension and the 20th is Fri Jan 22.
    assert moved == [{"id": c["id"], "reply_due_before": "2027-01-21", "reply_due": "2027-01-22",
                      "next_due_before": "2027-01-21", "next_due": "2027-01-22", "provisional": False}]
    again = rf.json("case", "show", c["id"])
    assert again["deadlines"]["reply_due"] == "2027-01-22" and again["deadlines_provisional"] == []
    assert rf.json("calendar", "recompute") == []


def test_list_filters(rf):
    a = new_case(rf, "2025-01-24")  # reply due 2025-02-27
    b = new_case(rf, None, channel="fax", on="2025-01-20")
    listed = rf.json("case", "list")
    assert {x["id"] for x in listed} == {a["id"], b["id"]}
    assert all(set(x) >= {"id", "state", "deadlines", "received_on", "outcome", "concluded_on"} for x in listed)
    assert [x["id"] for x in rf.json("case", "list", "--state", "registered")] == [b["id"]]
    assert [x["id"] for x in rf.json("case", "list", "--overdue")] == [a["id"]]  # today is after 2025-02-27
    assert rf.json("case", "list", "--due-within", "3") == []
    assert rf.refused("case", "list", "--state", "nonsense", code=2)


def test_lifecycle_diagram(rf):
    out = rf.ok("lifecycle").stdout
    assert out.startswith("stateDiagram-v2")
    assert "in_progress --> awaiting_correction: request_correction 第三十条" in out
    steps = rf.json("lifecycle")
    assert {"trigger": "extend", "label": "延长答复期限", "from": ["in_progress", "consulting", "awaiting_fee",
            "awaiting_reasons"], "to": "=", "article": "第三十三条第二款", "condition": None} in steps
    assert rf.json("calendar", "add-workdays", "2026-02-13", "7")["date"] == "2026-03-02"  # docs/clocks.md example
    assert rf.json("init")["example_body"] is True
