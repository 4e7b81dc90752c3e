"""文号 under concurrency: two members of staff issuing the same kind of letter at the same moment, as two
processes (REQUEST_FLOW_TEST_HOLD_BEFORE_WRITE holds each between rendering and writing), get distinct
consecutive numbers, and each letter prints its own."""

from __future__ import annotations

from .conftest import flat, pdf_text

HOLD = {"REQUEST_FLOW_TEST_HOLD_BEFORE_WRITE": "1.5"}


def test_two_letters_issued_at_once_get_distinct_numbers(rf):
    ids = [rf.json("case", "new", "--applicant", f"申请人{i}", "--type", "other", "--channel", "in_person",
                   "--received", "2025-03-03")["id"] for i in (1, 2)]
    procs = [rf.popen("case", "request-correction", cid, "--items", "写明文号", "--on", "2025-03-05", env=HOLD)
             for cid in ids]
    outs = [(p.wait(120), p.stderr.read()) for p in procs]
    assert [code for code, _ in outs] == [0, 0], outs
    numbers = {}
    for cid in ids:
        (x,) = [x for x in rf.json("letters", "list", cid) if x["kind"] == "correction"]
        numbers[cid] = x["number"]
        assert x["number"] in flat(pdf_text(x["files"][0]))  # the letter prints the number it was issued under
    assert sorted(numbers.values()) == ["示县政办公开补〔2025〕1号", "示县政办公开补〔2025〕2号"]
