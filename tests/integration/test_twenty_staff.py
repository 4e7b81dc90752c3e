"""Twenty members of staff at once on PostgreSQL, the race forced: twenty `request-flow` processes, four on each
of five cases, each reading its case and then writing at the same moment (REQUEST_FLOW_TEST_HOLD_BEFORE_WRITE
"@<time>"). What each was told is checked against what the database holds: every acknowledged act is there
exactly once, every refused act left no trace, every conflict ended in the unit of work's one friendly line,
each case's cached state equals its replay, and event sequences and 文号 series have no gaps."""

from __future__ import annotations

import re

import pytest

from conftest import Runner, _pg_create, _pg_drop

CASES = 5
ACTS = (  # four members of staff on each case, each with an act that issues a letter
    ("extend", "--days", "10", "--approver", "王主任", "--reason", "需要调取档案"),
    ("extend", "--days", "5", "--approver", "王主任", "--reason", "需要协调"),
    ("request-correction", "--items", "请写明所需信息的名称", "--delivery", "in_person"),
    ("request-correction", "--items", "请写明所需信息的文号", "--delivery", "in_person"),
)


@pytest.fixture
def office(tmp_path):
    url = _pg_create()
    r = Runner(url, tmp_path)
    # a larger office: its letters are drawn by the workers (none run here: the letters wait, numbered), so that
    # twenty processes on two cores reach the write within the test's time rather than drawing twenty PDFs
    r.env["REQUEST_FLOW_LETTERS"] = '{"receipt": false, "render": "workers"}'
    r.ok("init")
    r.ok("staff", "add", "王主任", "--role", "office_head")
    yield r
    _pg_drop(url)


def test_twenty_at_once(office, tmp_path):
    r = office
    cases = [r.json("case", "new", "--applicant", f"申请人{i}", "--type", "natural_person", "--channel", "in_person",
                    "--received", "2025-03-03", "--on", "2025-03-03")["id"] for i in range(CASES)]
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    procs = []
    for n in range(CASES * len(ACTS)):
        case, act = cases[n % CASES], ACTS[n // CASES]
        who = f"员工{n:02d}"
        procs.append((who, case, act[0], r.popen("case", act[0], case, *act[1:], "--on", "2025-03-05", "--as", who,
                                                env={"REQUEST_FLOW_TEST_HOLD_BEFORE_WRITE": f"barrier:{barrier}:{CASES * len(ACTS)}"})))
    told = [(who, case, kind, p.wait(400), p.stdout.read(), p.stderr.read()) for who, case, kind, p in procs]

    acknowledged = [(who, case, kind) for who, case, kind, code, _, _ in told if code == 0]
    refused = [(who, err) for who, _, _, code, _, err in told if code != 0]
    for who, err in refused:  # the one friendly line of the unit of work, nothing else
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1 and "Traceback" not in err, (who, err)
        assert "其他工作人员" in lines[0], (who, err)
    assert all(code in (0, 1) for *_, code, _, _ in told)
    assert len(acknowledged) >= CASES and len(refused) >= CASES  # each case won once at least; the race happened

    kinds = {"extend": "extend", "request-correction": "request_correction"}
    letters_seen: dict[str, list[int]] = {}
    for case in cases:
        shown = r.json("case", "show", case)
        events = shown["events"]
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))  # gapless
        by_actor = {}
        for e in events[1:]:
            by_actor.setdefault(e["actor"], []).append(e["kind"])
        mine = [(who, kind) for who, c, kind in acknowledged if c == case]
        assert sorted(by_actor) == sorted(who for who, _ in mine)  # acknowledged: there; refused: no trace
        for who, kind in mine:
            assert by_actor[who] == [kinds[kind]]  # exactly once
        listed = next(x for x in r.json("case", "list") if x["id"] == case)  # the cache ...
        assert (listed["state"], listed["deadlines"]) == (shown["state"], shown["deadlines"])  # ... equals the replay
        for letter in shown["letters"]:
            assert letter["issued_by"] in by_actor
            m = re.search(r"(\D+)〔2025〕(\d+)号", letter["number"])
            letters_seen.setdefault(m.group(1), []).append(int(m.group(2)))
    for series, serials in letters_seen.items():  # every 文号 series without a gap or a double
        assert sorted(serials) == list(range(1, len(serials) + 1)), (series, serials)
    assert sum(len(s) for s in letters_seen.values()) == len(acknowledged)
