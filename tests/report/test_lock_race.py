"""`report lock` against an act at the same moment, on SQLite and PostgreSQL: the snapshot and the lock are one
transaction, so a change to the year either is in the published snapshot (the act committed first) or is
refused (the act came after the lock); never a locked year whose tables moved without a recorded correction.

REQUEST_FLOW_TEST_HOLD_BEFORE_WRITE holds the act between its check of the locks and its write, exactly where a
lock taken in two transactions used to slip in."""

from __future__ import annotations

import time

from .helpers import csv_file

HISTORY = """
ref,applicant_type,received_on,outcome,concluded_on
C1,natural_person,2024-03-01,disclosed,2024-03-20
C2,commercial,2024-12-02,,
"""


def test_lock_and_act_at_once_leave_the_snapshot_true(rf, tmp_path):
    rf.ok("import", "cases", csv_file(tmp_path / "history.csv", HISTORY))
    open_case = next(c["id"] for c in rf.json("case", "list") if c["state"] != "closed" and c["concluded_on"] is None)
    # a withdrawal dated in 2024 moves the case from 2024's carried_out to its results: a change to the year
    act = rf.popen("case", "withdraw", open_case, "--reason", "申请人撤回", "--on", "2024-12-20",
                   env={"REQUEST_FLOW_TEST_HOLD_BEFORE_WRITE": "4"})
    time.sleep(2)  # the act has read the case and found 2024 unlocked; it now holds before writing
    lock = rf.popen("report", "lock", "--year", "2024", "--json")
    act_code, act_err = act.wait(90), act.stderr.read()
    lock_code, lock_err = lock.wait(90), lock.stderr.read()
    assert lock_code == 0, lock_err
    assert act_code in (0, 1), act_err
    if act_code == 1:  # came after the lock: told, in one line, and nothing written
        assert len(act_err.strip().splitlines()) == 1 and "Traceback" not in act_err
        assert not [e for e in rf.json("case", "show", open_case)["events"] if e["kind"] == "withdraw"]
    import json

    report = json.loads(rf.ok("report", "annual", "--year", "2024", "--format", "json").stdout)
    assert report["locked"]["changed_cells"] == []  # what was published is what the records say
    withdrawn = report["table3"]["withdrawn"]["commercial"] if "withdrawn" in report["table3"] else None
    carried = report["table3"]["carried_out"]["commercial"]
    assert (withdrawn, carried) in ((1, 0), (0, 1), (None, 0), (None, 1))
