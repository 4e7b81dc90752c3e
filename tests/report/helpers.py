"""Shared by the report tests: two configured bodies, CSV files written by hand, tables written as sparse dicts."""

from __future__ import annotations

from pathlib import Path

from conftest import Runner

ROWS = ["new", "carried_in", "disclosed", "partial", "withheld.state_secret", "withheld.prohibited_by_law",
        "withheld.three_security_one_stability", "withheld.third_party_rights", "withheld.internal_affairs",
        "withheld.process_info", "withheld.enforcement_files", "withheld.administrative_query", "unable.not_held",
        "unable.needs_creation", "unable.unclear_after_correction", "not_processed.petition_complaint",
        "not_processed.duplicate", "not_processed.publication", "not_processed.excessive",
        "not_processed.confirm_or_reissue", "other.no_correction", "other.fee_unpaid", "other.other",
        "total_processed", "carried_out"]
COLS = ["natural_person", "commercial", "research", "public_interest", "legal_service", "other", "total"]
KINDS = ["reconsideration", "litigation_direct", "litigation_after_reconsideration"]
RESULTS = ["upheld", "corrected", "other", "pending", "total"]

CONFIG = """
[[body]]
code = "TOWN"
name = "示例县某某镇人民政府"
short_name = "某镇"
review_body = "示例县人民政府"
court = "示例县人民法院"

[[body]]
code = "DEPT"
name = "示例县某某局"
short_name = "某局"
review_body = "示例县人民政府"
court = "示例县人民法院"
"""


def two_bodies(rf: Runner, tmp_path: Path) -> Runner:
    cfg = tmp_path / "rf.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    rf.env["REQUEST_FLOW_CONFIG"] = str(cfg)
    rf.env["REQUEST_FLOW_BODY"] = "TOWN"
    rf.ok("init")
    return rf


def csv_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.strip().encode(encoding) + b"\n")
    return path


def table3(cells: dict[tuple[str, str], int]) -> dict[str, dict[str, int]]:
    """A full table 三 from the non-zero cells given by hand (totals included by hand too)."""
    t = {r: {c: 0 for c in COLS} for r in ROWS}
    for (r, c), n in cells.items():
        t[r][c] = n
    return t


def table4(cells: dict[tuple[str, str], int]) -> dict[str, dict[str, int]]:
    t = {k: {c: 0 for c in RESULTS} for k in KINDS}
    for (k, c), n in cells.items():
        t[k][c] = n
    return t


def in_process(rf: Runner, body: str | None = None, user: str = "测试员"):
    """The services on the runner's database and configuration, in this process: for reading many tables or
    doing many acts quickly where the command line itself is not what a test is about."""
    from request_flow import services
    from request_flow.config import configure

    configure(database_url=rf.url, config=rf.env.get("REQUEST_FLOW_CONFIG"),
              body=body or rf.env.get("REQUEST_FLOW_BODY"), user=user)
    return services.context()


def build(rf: Runner, year: int, body: str | None = None) -> dict:
    from request_flow.reporting import annual

    return annual.build(in_process(rf, body), year)
