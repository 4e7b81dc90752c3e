"""Two members of staff acting on one case at the same moment, as two processes, on SQLite and PostgreSQL.

REQUEST_FLOW_TEST_HOLD_BEFORE_WRITE makes each process wait between reading the case and writing its act,
so that both have read the same version before either writes: exactly the race to be decided.
"""

from __future__ import annotations

HOLD = {"REQUEST_FLOW_TEST_HOLD_BEFORE_WRITE": "1.5"}


def test_two_staff_at_once_one_wins_the_other_is_told(rf):
    c = rf.json("case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
                "--received", "2025-01-24")
    cid = c["id"]
    p1 = rf.popen("case", "extend", cid, "--days", "15", "--approver", "王主任", "--on", "2025-02-20", "--as", "甲", env=HOLD)
    p2 = rf.popen("case", "extend", cid, "--days", "15", "--approver", "王主任", "--on", "2025-02-20", "--as", "乙", env=HOLD)
    results = [(p.wait(60), p.stderr.read()) for p in (p1, p2)]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    loser = next(err for code, err in results if code == 1)
    assert "其他工作人员" in loser and "Traceback" not in loser and len(loser.strip().splitlines()) == 1
    shown = rf.json("case", "show", cid)
    extends = [e for e in shown["events"] if e["kind"] == "extend"]
    assert len(extends) == 1  # nothing of the loser's act was written
    # 15 working days after 2025-02-27: Feb 28 (1) Mar 3-7 (6) 10-14 (11) 17-20 (15)
    assert shown["deadlines"]["reply_due"] == "2025-03-20"
    assert len(shown["letters"]) == 1  # and no 文号 is left dangling for it
    listed = rf.json("case", "list")[0]
    assert listed["deadlines"]["reply_due"] == "2025-03-20"


def test_registrations_at_once_get_distinct_numbers(rf):
    procs = [rf.popen("case", "new", "--applicant", f"申请人{i}", "--type", "other", "--channel", "in_person",
                      "--received", "2025-01-24", "--on", "2025-01-24", "--json") for i in range(4)]
    outs = [(p.wait(60), p.stdout.read(), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _, _ in outs), outs
    ids = sorted(rf.json("case", "list"), key=lambda x: x["id"])
    assert [x["id"] for x in ids] == [f"EXAMPLE-2025-{n:04d}" for n in range(1, 5)]


def test_two_replies_at_once_one_wins_the_other_is_told(rf):
    # the reply writes a reply cache row keyed by the case as well as the event: whichever write loses the race
    # (the version check, a unique key, a lock), the loser gets the one friendly line and nothing is written
    c = rf.json("case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
                "--received", "2025-01-24")["id"]
    rf.ok("case", "decide", c, "--outcome", "not_exist", "--search", "检索档案", "--on", "2025-02-10")
    procs = [rf.popen("case", "reply", c, "--on", "2025-02-11", "--as", who, env=HOLD) for who in ("甲", "乙")]
    results = [(p.wait(60), p.stderr.read()) for p in procs]
    assert sorted(code for code, _ in results) == [0, 1], results
    loser = next(err for code, err in results if code == 1)
    assert "刚刚被其他工作人员办理" in loser and "Traceback" not in loser and len(loser.strip().splitlines()) == 1
    shown = rf.json("case", "show", c)
    assert [e["kind"] for e in shown["events"]].count("reply") == 1
    assert [x["kind"] for x in shown["letters"]].count("reply") == 1
