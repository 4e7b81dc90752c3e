"""One year's report for one body: the tables, the checks, the fees, the lock and its corrections, as the JSON
of docs/report.md (plus keys of our own). The same records give the same JSON whenever it is run: nothing
in it depends on the time of the run."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from ..config import iso_time
from ..domain import report as R
from ..domain.errors import BadInput, Refused
from ..store.locks import appeals_rule, hold_for_locking, locks_of
from ..store.models import ReportCorrection, ReportLock
from . import compute

MIN_YEAR = 2008  # the first year of the 2007 Regulations; the 2019 revision keeps the reports going


def check_year(ctx: Any, year: int) -> int:
    if year < MIN_YEAR or year > ctx.today().year:
        raise BadInput(f"年度{year}无效：应在{MIN_YEAR}年至今年（{ctx.today().year}）之间")
    return year


def tables(conn, body: str, year: int, rule: str) -> tuple[dict, dict, list[str]]:
    t3, anomalies = compute.table3(conn, body, year)
    t4 = compute.table4(conn, body, year, rule)
    R.with_totals(t3, t4)
    return t3, t4, anomalies


def build(ctx: Any, year: int, conn: Any = None) -> dict[str, Any]:
    """The year's report; on `conn` when given (`lock` builds its snapshot in its own transaction)."""
    if conn is None:
        with ctx.session() as s:
            return build(ctx, year, s.connection())
    check_year(ctx, year)
    body, zone = ctx.body, ctx.settings.timezone
    rule = appeals_rule(ctx)
    t3, t4, anomalies = tables(conn, body.code, year, rule)
    locks = locks_of(conn, body.code)
    prev_t3, _, _ = tables(conn, body.code, year - 1, rule)
    checks = R.check_tables(t3, t4, prev_t3["carried_out"], f"{year - 1}年度报表")
    prev = locks.get(year - 1)
    if prev is not None:  # the published figure may differ after a recorded correction: say so
        published = prev.snapshot["table3"]["carried_out"]
        notes = [f"「{R.COLUMNS[c]}」列已公布{published[c]}、更正后{prev_t3['carried_out'][c]}"
                 for c in R.COLUMNS if published[c] != prev_t3["carried_out"][c]]
        if notes:
            check4 = next(c for c in checks if c.name == "carried_over")
            check4.detail = "；".join(filter(None, [check4.detail, f"{year - 1}年度报告公布后有更正：" + "，".join(notes)
                                                   + f"（见{year - 1}年度报告的更正说明）"]))
    checks.append(compute.records_check(conn, body.code, year, t3, anomalies))
    fees = compute.fees_collected(conn, body.code, year)
    lock = locks.get(year)
    corr = ReportCorrection.__table__.c
    corrections = [
        {"recorded_at": iso_time(r.recorded_at, zone), "case": r.case_id, "what": r.what,
         "reason": r.reason, "actor": r.actor, "cells": r.cells}
        for r in conn.execute(select(ReportCorrection.__table__).where(corr.body == body.code, corr.year == year)
                              .order_by(corr.recorded_at, corr.id))]
    doc: dict[str, Any] = {
        "body": body.name,
        "body_code": body.code,
        "year": year,
        "table3": t3,
        "table4": t4,
        "checks": [c.to_json() for c in checks],
        "fees": {"amount_yuan": fees.amount, "cases": fees.cases},
        "appeals_counted_by": rule,
        "locked": None,
        "corrections": corrections,
    }
    if lock is not None:
        doc["locked"] = {"at": iso_time(lock.locked_at, zone), "by": lock.locked_by,
                         "changed_cells": changed_cells(lock.snapshot, doc)}
    return doc


def changed_cells(published: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    """Cells whose number differs from the published (locked) table: what the corrections moved."""
    out = []
    for table, rows in (("table3", R.ROWS), ("table4", R.APPEAL_ROWS)):
        for row in rows:
            for col, was in published[table][row].items():
                now = current[table][row][col]
                if now != was:
                    out.append({"table": table, "row": row, "col": col, "published": was, "now": now})
    return out


def lock(ctx: Any, year: int) -> dict[str, Any]:
    """Lock a published year: its tables as they stand become the published snapshot."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    check_year(ctx, year)
    if year >= ctx.today().year:
        raise Refused(f"{year}年尚未结束，不能锁定其年度报告（报告在次年公布后锁定）")
    with ctx.session() as s:  # the snapshot and the lock in one transaction that no act can slip into
        conn = s.connection()
        hold_for_locking(conn, ctx.body.code)
        doc = build(ctx, year, conn)
        if doc["locked"] is not None:
            raise Refused(f"{year}年度报告已于{doc['locked']['at'][:19].replace('T', ' ')}由{doc['locked']['by']}锁定")
        # check 4 may fail on purpose: the year before was corrected after its publication (the report says so)
        failing = [c for c in doc["checks"] if not c["ok"] and c["name"] != "carried_over"]
        if failing:
            raise Refused(f"{year}年度报表未通过勾稽关系检查（{R.CHECK_TITLES[failing[0]['name']]}：{failing[0]['detail']}），不能锁定")
        conn.execute(insert(ReportLock.__table__), {
            "body": ctx.body.code, "year": year, "locked_at": datetime.now(ZoneInfo("UTC")), "locked_by": ctx.user,
            "snapshot": {"table3": doc["table3"], "table4": doc["table4"]}})
        s.commit()
    return build(ctx, year)


def behind(ctx: Any, year: int, row: str, col: str) -> list[dict[str, Any]]:
    check_year(ctx, year)
    if row in R.APPEAL_ROWS:
        if col not in R.APPEAL_COLUMNS:
            raise BadInput(f"表四的列代码「{col}」不存在，应为：{'、'.join(R.APPEAL_COLUMNS)}")
    else:
        if row not in R.ROWS:
            raise BadInput(f"行代码「{row}」不存在，应为表三的：{'、'.join(R.ROWS)}，或表四的：{'、'.join(R.APPEAL_ROWS)}")
        if col not in R.COLUMNS:
            raise BadInput(f"列代码「{col}」不存在，应为：{'、'.join(R.COLUMNS)}")
    with ctx.session() as s:
        return compute.cases_behind(s.connection(), ctx.body.code, year, row, col, appeals_rule(ctx))


# -- several bodies of one installation ---------------------------------------------------------------------------

def pick_bodies(ctx: Any, bodies: str | None) -> list[Any]:
    """`--bodies`: absent, the current body; `all`, every configured body; else a comma list of body codes."""
    configured = ctx.settings.all_bodies()
    if bodies is None:
        return [ctx.body]
    if bodies.strip() == "all":
        return list(configured)
    by_code = {b.code: b for b in configured}
    codes = [c.strip() for c in bodies.split(",")]
    if not all(codes):
        raise BadInput(f"--bodies 应为 all 或以逗号分隔的机关代码，不是「{bodies}」")
    unknown = [c for c in codes if c not in by_code]
    if unknown:
        raise BadInput(f"没有配置代码为「{'、'.join(unknown)}」的机关（已配置：{'、'.join(by_code)}）")
    seen: list[str] = []
    for c in codes:
        if c in seen:
            raise BadInput(f"--bodies 中机关代码「{c}」重复")
        seen.append(c)
    return [by_code[c] for c in codes]



def combined(ctx: Any, year: int, bodies: list[Any], name: str | None = None) -> dict[str, Any]:
    """The combined report of several bodies sharing this installation (a county's or a city's 汇总), straight from
    the records: each body's tables as `build` computes them, added cell by cell, and the same checks run on the
    sum (check 4 against the sum of the bodies' previous year, check 6 over every body's records)."""
    from dataclasses import replace

    check_year(ctx, year)
    parts = [build(replace(ctx, body=b), year) for b in bodies]
    rule = appeals_rule(ctx)
    t3, t4 = R.empty_table3(), R.empty_table4()
    prev_out = {c: 0 for c in R.COLUMNS}
    with ctx.session() as s:
        conn = s.connection()
        for b, part in zip(bodies, parts):
            for table, into in (("table3", t3), ("table4", t4)):
                for row, cells in part[table].items():
                    for col, n in cells.items():
                        into[row][col] += n
            prev, _, _ = tables(conn, b.code, year - 1, rule)
            for col in R.COLUMNS:
                prev_out[col] += prev["carried_out"][col]
    checks = R.check_tables(t3, t4, prev_out, f"{year - 1}年度各机关报表之和")
    records = [(b, next(c for c in part["checks"] if c["name"] == "records")) for b, part in zip(bodies, parts)]
    failing = [f"{b.name}：{c['detail']}" for b, c in records if not c["ok"]]
    came_in = t3["new"]["total"] + t3["carried_in"]["total"]
    checks.append(R.Check("records", not failing, "；".join(failing) or
                          f"{len(bodies)}个机关本年涉及的申请共{came_in}件，每件在收到和办理两侧各计一次"))
    codes = [b.code for b in bodies]
    return {
        "body": name or combined_name(bodies),
        "body_code": "+".join(codes),
        "year": year,
        "table3": t3,
        "table4": t4,
        "checks": [c.to_json() for c in checks],
        "fees": {"amount_yuan": sum(p["fees"]["amount_yuan"] for p in parts),
                 "cases": sum(p["fees"]["cases"] for p in parts)},
        "appeals_counted_by": rule,
        "locked": None,
        "corrections": [{**c, "what": f"{p['body']}：{c['what']}"} for p in parts for c in p["corrections"]],
        "bodies": [{"body_code": p["body_code"], "body": p["body"], "locked": p["locked"] is not None,
                    "checks_failed": [c["name"] for c in p["checks"] if not c["ok"]]} for p in parts],
    }


def combined_name(bodies: list[Any]) -> str:
    names = [b.name for b in bodies]
    return ("、".join(names) if len(names) <= 3 else f"{names[0]}等{len(names)}个机关") + "（汇总）"


def behind_bodies(ctx: Any, year: int, row: str, col: str, bodies: list[Any]) -> list[dict[str, Any]]:
    """The cases behind one cell of the combined report, each with its body."""
    from dataclasses import replace

    return [{"body": b.code, **item} for b in bodies for item in behind(replace(ctx, body=b), year, row, col)]
