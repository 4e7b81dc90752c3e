"""Three years of one town's applications, imported and live, with appeals across years and a second body
kept apart. Every expected table is counted by hand from the histories below (docs/report.md's rules);
none is copied from the program's output.

TOWN's applications (ref: type, received → outcome, concluded):

    T1 natural_person  2023-03-01 → disclosed         2023-03-20
    T2 commercial      2023-11-20 → partial           2024-01-05   carried 2023 → 2024
    T3 natural_person  2023-12-28 → not_exist         2025-02-01   carried 2023 → 2024 → 2025
    T4 research        2023-06-01 → withdrawn         2023-06-10
    T5 natural_person  2024-05-05 → needs_creation    2024-05-30
    T6 legal_service   2024-12-30 → open when imported; decided and replied live on 2025-01-20 (disclosed)
    T7 public_interest 2025-03-03 → fee_unpaid        2025-04-10
    T8 other           2025-07-01 → open
    L1 natural_person  received live 2025-09-01 → withheld.third_party_rights, replied 2025-09-10

DEPT (another body in the same database): D1 natural_person 2024-02-02 → disclosed 2024-02-20; D2 natural_person
2025-01-02 open.

Appeals (filed → result):

    T1 reconsideration                    2023-05-01 → upheld 2023-07-01
    T2 litigation_direct                  2024-02-01 → corrected 2025-03-01   (pending at the end of 2024)
    T5 reconsideration                    2024-06-10 → other 2024-08-01
    T5 litigation_after_reconsideration   2024-08-20 → pending
    T8 litigation_direct                  2025-09-01 → pending (a failure to reply: the case is open)
    L1 reconsideration (live)             2025-10-01 → corrected 2025-11-20
"""

from __future__ import annotations

import json
from datetime import date

from request_flow import services
from request_flow.reporting import annual, importer

from .helpers import build, csv_file, in_process, table3, table4, two_bodies

CASES = """
ref,applicant_type,received_on,outcome,concluded_on,applicant_name,body
T1,natural_person,2023-03-01,disclosed,2023-03-20,张某,
T2,commercial,2023-11-20,partial,2024-01-05,某公司,
T3,natural_person,2023-12-28,not_exist,2025-02-01,李某,
T4,research,2023-06-01,withdrawn,2023-06-10,某研究所,
T5,natural_person,2024-05-05,needs_creation,2024-05-30,王某,
T6,legal_service,2024-12-30,,,某律师事务所,
T7,public_interest,2025-03-03,fee_unpaid,2025-04-10,某协会,
T8,other,2025-07-01,,,某村委会,
D1,natural_person,2024-02-02,disclosed,2024-02-20,赵某,DEPT
D2,natural_person,2025-01-02,,,钱某,DEPT
"""

APPEALS = """
ref,kind,filed_on,result,decided_on
T1,reconsideration,2023-05-01,upheld,2023-07-01
T2,litigation_direct,2024-02-01,corrected,2025-03-01
T5,reconsideration,2024-06-10,other,2024-08-01
T5,litigation_after_reconsideration,2024-08-20,,
T8,litigation_direct,2025-09-01,,
"""


def report(rf, year, *extra):
    return json.loads(rf.ok("report", "annual", "--year", str(year), "--format", "json", *extra).stdout)


def test_three_years_imported_and_live(rf, tmp_path):
    two_bodies(rf, tmp_path)
    out = rf.json("import", "cases", csv_file(tmp_path / "cases.csv", CASES))
    assert (out["created"], out["open"]) == (10, 3)  # T6, T8, D2 are open
    assert rf.json("import", "appeals", csv_file(tmp_path / "appeals.csv", APPEALS))["created"] == 5

    # T6 goes on through the normal lifecycle; found through the cell it sits in
    behind = rf.json("report", "cases", "--year", "2024", "--row", "carried_out", "--col", "legal_service")
    assert [c["ref"] for c in behind] == ["T6"]
    t6 = behind[0]["id"]
    rf.ok("case", "decide", t6, "--outcome", "disclosed", "--provided", "复印件", "--on", "2025-01-15")
    assert rf.json("case", "reply", t6, "--on", "2025-01-20")["state"] == "concluded"

    # a live application, acted on through the services (the command line's acts are tested elsewhere)
    ctx = in_process(rf)
    l1 = services.register(ctx, applicant="孙某", applicant_type="natural_person", channel="in_person",
                           on=date(2025, 9, 1), received_on=date(2025, 9, 1))[0].id
    services.decide(ctx, l1, "withheld.third_party_rights", {"reason": "涉及商业秘密"}, on=date(2025, 9, 8))
    services.reply(ctx, l1, date(2025, 9, 10))
    services.appeal(ctx, l1, "reconsideration", date(2025, 10, 1))
    services.appeal_result(ctx, l1, "corrected", None, date(2025, 11, 20))

    r23, r24, r25 = build(rf, 2023), build(rf, 2024), report(rf, 2025)  # 2025 through the command
    # 2023: new T1,T3 (np) T2 (com) T4 (res) = 4; results T1 disclosed, T4 other.other; out T2, T3
    assert r23["table3"] == table3({
        ("new", "natural_person"): 2, ("new", "commercial"): 1, ("new", "research"): 1, ("new", "total"): 4,
        ("disclosed", "natural_person"): 1, ("disclosed", "total"): 1,
        ("other.other", "research"): 1, ("other.other", "total"): 1,
        ("total_processed", "natural_person"): 1, ("total_processed", "research"): 1, ("total_processed", "total"): 2,
        ("carried_out", "natural_person"): 1, ("carried_out", "commercial"): 1, ("carried_out", "total"): 2,
    })
    assert r23["table4"] == table4({("reconsideration", "upheld"): 1, ("reconsideration", "total"): 1})
    # 2024: new T5 (np) T6 (legal); in T2, T3; results T2 partial, T5 needs_creation; out T3, T6
    assert r24["table3"] == table3({
        ("new", "natural_person"): 1, ("new", "legal_service"): 1, ("new", "total"): 2,
        ("carried_in", "natural_person"): 1, ("carried_in", "commercial"): 1, ("carried_in", "total"): 2,
        ("partial", "commercial"): 1, ("partial", "total"): 1,
        ("unable.needs_creation", "natural_person"): 1, ("unable.needs_creation", "total"): 1,
        ("total_processed", "natural_person"): 1, ("total_processed", "commercial"): 1, ("total_processed", "total"): 2,
        ("carried_out", "natural_person"): 1, ("carried_out", "legal_service"): 1, ("carried_out", "total"): 2,
    })
    # T2's lawsuit was decided in 2025: still pending in 2024's table, and not counted again in 2025
    assert r24["table4"] == table4({
        ("reconsideration", "other"): 1, ("reconsideration", "total"): 1,
        ("litigation_direct", "pending"): 1, ("litigation_direct", "total"): 1,
        ("litigation_after_reconsideration", "pending"): 1, ("litigation_after_reconsideration", "total"): 1,
    })
    # 2025: new T7 (pub) T8 (other) L1 (np); in T3, T6; results T3 not_held, T6 disclosed, T7 fee_unpaid,
    # L1 third_party_rights; out T8
    assert r25["table3"] == table3({
        ("new", "natural_person"): 1, ("new", "public_interest"): 1, ("new", "other"): 1, ("new", "total"): 3,
        ("carried_in", "natural_person"): 1, ("carried_in", "legal_service"): 1, ("carried_in", "total"): 2,
        ("disclosed", "legal_service"): 1, ("disclosed", "total"): 1,
        ("withheld.third_party_rights", "natural_person"): 1, ("withheld.third_party_rights", "total"): 1,
        ("unable.not_held", "natural_person"): 1, ("unable.not_held", "total"): 1,
        ("other.fee_unpaid", "public_interest"): 1, ("other.fee_unpaid", "total"): 1,
        ("total_processed", "natural_person"): 2, ("total_processed", "legal_service"): 1,
        ("total_processed", "public_interest"): 1, ("total_processed", "total"): 4,
        ("carried_out", "other"): 1, ("carried_out", "total"): 1,
    })
    assert r25["table4"] == table4({
        ("reconsideration", "corrected"): 1, ("reconsideration", "total"): 1,
        ("litigation_direct", "pending"): 1, ("litigation_direct", "total"): 1,
    })
    for r in (r23, r24, r25):
        assert r["body"] == "示例县某某镇人民政府"
        assert [c["name"] for c in r["checks"]] == ["balance", "total_processed", "row_totals", "carried_over",
                                                     "table4_totals", "records"]
        assert all(c["ok"] for c in r["checks"]), r["checks"]
    # last year's 四 is this year's 二
    assert r24["table3"]["carried_in"] == r23["table3"]["carried_out"]
    assert r25["table3"]["carried_in"] == r24["table3"]["carried_out"]

    # the other body's applications are its own: D2 is DEPT's only new application of 2025
    dept = build(rf, 2025, "DEPT")
    assert dept["body"] == "示例县某某局"
    assert dept["table3"]["new"]["total"] == 1 and dept["table3"]["carried_out"]["natural_person"] == 1
    assert dept["table3"]["total_processed"]["total"] == 0 and dept["table4"]["reconsideration"]["total"] == 0

    # every cell traces to its cases: as many listed as counted, in every cell of both tables
    for row, cells in r25["table3"].items():
        for col, n in cells.items():
            assert len(annual.behind(ctx, 2025, row, col)) == n, (row, col)
    for kind, cells in r25["table4"].items():
        for col, n in cells.items():
            assert len(annual.behind(ctx, 2025, kind, col)) == n, (kind, col)
    # every cell traces to its cases: the ones behind 2025's results, and behind an appeal cell
    results = annual.behind(ctx, 2025, "total_processed", "total")
    assert sorted(c["ref"] or c["id"] for c in results) == sorted(["T3", "T6", "T7", l1])
    pending = annual.behind(ctx, 2025, "litigation_direct", "pending")
    assert [(p["ref"], p["filed_on"]) for p in pending] == [("T8", "2025-09-01")]

    # importing the same files again creates nothing new
    again = rf.json("import", "cases", tmp_path / "cases.csv")
    assert (again["created"], again["skipped"]) == (0, 10)
    assert importer.run(ctx, tmp_path / "appeals.csv", "appeals", progress=False).created == 0
    assert build(rf, 2025)["table3"] == r25["table3"]

    # the other way of counting table 四 ([report] appeals_counted_by = "activity"): appeals decided in 2025 by
    # result (T2's lawsuit, L1's review), plus those pending at its end (T5's second lawsuit, T8's)
    ctx.settings.report.appeals_counted_by = "activity"
    assert annual.build(ctx, 2025)["table4"] == table4({
        ("reconsideration", "corrected"): 1, ("reconsideration", "total"): 1,
        ("litigation_direct", "corrected"): 1, ("litigation_direct", "pending"): 1, ("litigation_direct", "total"): 2,
        ("litigation_after_reconsideration", "pending"): 1, ("litigation_after_reconsideration", "total"): 1,
    })
