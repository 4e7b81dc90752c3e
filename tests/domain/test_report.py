"""The report's rules without a database: the cells one application counts in, the checks and their words,
a table from elsewhere that is malformed."""

from __future__ import annotations

from datetime import date

import pytest

from request_flow.domain import report as R
from request_flow.domain.errors import BadInput


def test_an_application_counts_once_in_every_year_it_touches():
    # received 2023-12-28, concluded 2025-02-01: new in 2023, carried over twice, a result in 2025
    f = R.CaseFacts("natural_person", date(2023, 12, 28), "not_exist", date(2025, 2, 1))
    assert R.case_cells(f, 2022, 2026) == {
        (2023, "new", "natural_person"), (2023, "carried_out", "natural_person"),
        (2024, "carried_in", "natural_person"), (2024, "carried_out", "natural_person"),
        (2025, "carried_in", "natural_person"), (2025, "unable.not_held", "natural_person"),
    }
    # concluded on 31 December: not carried over; received on 1 January: new, not carried in
    assert R.case_cells(R.CaseFacts("other", date(2025, 1, 1), "withdrawn", date(2025, 12, 31)), 2024, 2026) == {
        (2025, "new", "other"), (2025, "other.other", "other")}
    # still open: carried out of every year up to the last asked for
    assert R.case_cells(R.CaseFacts("research", date(2024, 6, 1), None, None), 2024, 2025) == {
        (2024, "new", "research"), (2024, "carried_out", "research"), (2025, "carried_in", "research"),
        (2025, "carried_out", "research")}
    # never received (an unconfirmed ordinary letter): nowhere
    assert R.case_cells(R.CaseFacts("other", None, "withdrawn", date(2025, 3, 1)), 2024, 2026) == set()


def test_appeals_count_in_the_year_filed_with_the_result_known_by_its_end():
    a = R.AppealFacts("litigation_direct", date(2024, 2, 1), "corrected", date(2025, 3, 1))
    assert R.appeal_cells(a, 2023, 2026) == {(2024, "litigation_direct", "pending")}
    # the other counting: decided in 2025 by its result, pending at the end of 2024
    assert R.appeal_cells(a, 2023, 2026, R.APPEALS_ACTIVITY) == {
        (2024, "litigation_direct", "pending"), (2025, "litigation_direct", "corrected")}


def test_every_outcome_has_a_row_and_the_rows_are_the_formats():
    assert len(R.ROWS) == 25 and list(R.ROWS)[:2] == ["new", "carried_in"] and list(R.ROWS)[-2:] == [
        "total_processed", "carried_out"]
    assert {R.row_of(code) for code in ("not_exist", "not_responsible")} == {"unable.not_held"}
    assert R.row_of("already_public") == "disclosed" and R.row_of("withdrawn") == "other.other"
    assert R.row_label("withheld.third_party_rights") == "三（三）不予公开4. 保护第三方合法权益"


def zeros():
    return R.empty_table3(), R.empty_table4()


def test_checks_name_the_cell_and_the_difference():
    t3, t4 = zeros()
    assert all(c.ok for c in R.check_tables(t3, t4, None))
    t3["new"]["research"] = 2  # new + carried_in = 2, but nothing processed or carried out
    t3["new"]["total"] = 2
    t4["reconsideration"]["upheld"] = 1  # the total left at 0
    checks = {c.name: c for c in R.check_tables(t3, t4, {c: 0 for c in R.COLUMNS})}
    assert not checks["balance"].ok and checks["row_totals"].ok and checks["total_processed"].ok
    assert "「科研机构」列" in checks["balance"].detail and "相差2" in checks["balance"].detail
    assert not checks["table4_totals"].ok and "「行政复议」：总计填0" in checks["table4_totals"].detail
    assert "少1" in checks["table4_totals"].detail


@pytest.mark.parametrize("mutate, words", [
    (lambda d: d["table3"].pop("partial"), "缺少1行：partial"),
    (lambda d: d["table3"]["new"].pop("research"), "缺少列：research"),
    (lambda d: d["table3"]["new"].update(research="三"), "不是数字"),
    (lambda d: d["table3"]["new"].update(research=1.5), "不是整数"),
    (lambda d: d["table3"]["new"].update(research=-1), "负数"),
    (lambda d: d["table3"]["new"].update(research=True), "不是数字"),
    (lambda d: d["table4"].pop("litigation_direct"), "litigation_direct"),
    (lambda d: d.pop("table3"), "缺少 table3"),
])
def test_a_malformed_table_is_bad_input(mutate, words):
    t3, t4 = zeros()
    doc = {"body": "某镇", "year": 2025, "table3": t3, "table4": t4}
    mutate(doc)
    with pytest.raises(BadInput, match=words):
        R.parse_report(doc)


def consistent():
    """A small table that adds up, by hand: 3 new and 1 carried in (natural persons); 2 disclosed, 1 not held,
    1 carried out. Appeals: 1 review upheld, 1 lawsuit pending."""
    t3, t4 = zeros()
    for row, n in (("new", 3), ("carried_in", 1), ("disclosed", 2), ("unable.not_held", 1), ("total_processed", 3),
                   ("carried_out", 1)):
        t3[row]["natural_person"] = t3[row]["total"] = n
    t4["reconsideration"].update(upheld=1, total=1)
    t4["litigation_direct"].update(pending=1, total=1)
    return t3, t4


def _bump(t, *cells):
    for row, col, d in cells:
        t[row][col] += d


# One deliberate error per arithmetic rule; each is caught by its own check and by no other.
RULE_ERRORS = {
    "balance": lambda t3, t4: _bump(t3, ("new", "natural_person", 1), ("new", "total", 1)),
    "total_processed": lambda t3, t4: _bump(t3, ("disclosed", "natural_person", 1), ("disclosed", "total", 1)),
    "row_totals": lambda t3, t4: _bump(t3, ("new", "total", 1), ("carried_out", "total", 1)),
    "carried_over": lambda t3, t4: None,  # the previous year's carried_out differs (below)
    "table4_totals": lambda t3, t4: _bump(t4, ("litigation_direct", "total", 1)),
}


@pytest.mark.parametrize("rule", list(RULE_ERRORS))
def test_each_arithmetic_rule_catches_its_error(rule):
    t3, t4 = consistent()
    RULE_ERRORS[rule](t3, t4)
    previous = {c: 0 for c in R.COLUMNS} if rule == "carried_over" else {**t3["carried_in"]}
    checks = R.check_tables(t3, t4, previous)
    assert [c.name for c in checks if not c.ok] == [rule]
    failing = next(c for c in checks if not c.ok)
    assert failing.detail and ("相差" in failing.detail or "多" in failing.detail or "少" in failing.detail)
