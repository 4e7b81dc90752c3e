"""Moments the program recorded (a letter's issue, a report's lock) are shown in the office's time zone, not in
UTC: the database keeps UTC; what a clerk reads is local time (docs/contract.md, "Times"). The expected local time is
computed here from the stored UTC value with the zone's fixed offset, not by the code under test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text

# Zones without daylight saving time, so that the offset does not depend on the day the suite runs
BEIJING, SAO_PAULO = timedelta(hours=8), timedelta(hours=-3)


def _stored(url: str, sql: str) -> datetime:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            moment = c.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()
    if isinstance(moment, str):  # SQLite's text
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite keeps UTC without its zone


def _wall(moment: datetime, offset: timedelta) -> str:
    return (moment.astimezone(UTC) + offset).strftime("%Y-%m-%d %H:%M:%S")


def _iso(moment: datetime, offset: timedelta) -> str:
    sign = "+" if offset >= timedelta(0) else "-"
    hours = abs(int(offset.total_seconds())) // 3600
    return (moment.astimezone(UTC) + offset).strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{hours:02d}:00"


def test_letters_show_prints_the_issue_time_in_the_configured_zone(rf):
    cid = rf.json("case", "new", "--applicant", "李四", "--type", "natural_person", "--channel", "in_person",
                  "--received", "2025-03-03")["id"]
    rf.ok("case", "request-correction", cid, "--items", "写明所需信息的名称", "--on", "2025-03-05")
    (letter,) = [x for x in rf.json("letters", "list", cid) if x["kind"] == "correction"]
    stored = _stored(rf.url, "SELECT issued_at FROM letter")

    shown = rf.json("letters", "show", letter["number"])
    assert shown["issued_at"] == _iso(stored, BEIJING)  # the default zone: Asia/Shanghai
    assert f"记录于 {_wall(stored, BEIJING)}）" in rf.ok("letters", "show", letter["number"]).stdout

    elsewhere = {"REQUEST_FLOW_TIMEZONE": "America/Sao_Paulo"}
    assert rf.json("letters", "show", letter["number"], env=elsewhere)["issued_at"] == _iso(stored, SAO_PAULO)
    assert f"记录于 {_wall(stored, SAO_PAULO)}）" in rf.ok("letters", "show", letter["number"], env=elsewhere).stdout
    # the day the letter was issued is the day the clerk entered, in whatever zone it is shown
    assert shown["issued_on"] == "2025-03-05"


def test_a_report_lock_is_dated_in_the_configured_zone(rf):
    locked = rf.json("report", "lock", "--year", "2024")
    stored = _stored(rf.url, "SELECT locked_at FROM report_lock")
    assert locked["locked"]["at"] == _iso(stored, BEIJING)
    again = rf.refused("report", "lock", "--year", "2024")
    assert f"2024年度报告已于{_wall(stored, BEIJING)}由测试员锁定" in again


def test_an_unknown_zone_is_one_line(rf):
    line = rf.refused("case", "list", code=2, env={"REQUEST_FLOW_TIMEZONE": "Asia/Beijing"})
    assert "时区「Asia/Beijing」不存在" in line
