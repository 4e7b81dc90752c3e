"""`request-flow calendar import-notice FILE` (docs/clocks.md, "Importing the State Council's notice"): the notice
into the body's calendar file for its year, the open deadlines that move, nothing written for a text it cannot
read completely, and the same notice imported again changes nothing.

Dates are counted by hand in the comments; the made-up 2027 notice is tests/domain/notices/2027-made-up.txt.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

NOTICES = Path(__file__).parents[1] / "domain" / "notices"
MADE_UP = (NOTICES / "2027-made-up.txt").read_text(encoding="utf-8")


def body(tmp_path, db_url, extra_config: str = ""):
    from conftest import Runner

    cfg_dir = tmp_path / "body"
    cfg_dir.mkdir(parents=True)
    config = cfg_dir / "request-flow.toml"
    config.write_text(extra_config, encoding="utf-8")
    rf = Runner(db_url, tmp_path, in_process=True)
    rf.env["REQUEST_FLOW_CONFIG"] = str(config)
    rf.ok("init")
    rf.ok("staff", "add", "王主任", "--role", "office_head")
    return rf, cfg_dir / "calendar" / "2027.toml"


def notice(tmp_path, text: str, name: str = "notice.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def provisional_case(rf) -> str:
    c = rf.json("case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
                "--content", "某文件", "--received", "2026-11-26")
    # 20 after Thu 2026-11-26: Nov 27 (1) 30 (2) Dec 1-4 (6) 7-11 (11) 14-18 (16) 21-24 (20)
    c = rf.json("case", "extend", c["id"], "--days", "20", "--approver", "王主任", "--on", "2026-11-27")
    # no 2027 schedule: Mon-Fri. 20 more after Dec 24: Dec 25 (1) 28-31 (5) Fri Jan 1 (6) Jan 4-8 (11)
    # 11-15 (16) 18-21 (20)
    assert c["deadlines"]["reply_due"] == "2027-01-21" and c["deadlines_provisional"] == ["reply_due"]
    return c["id"]


def test_import_a_notice_move_the_deadlines_and_import_it_again(db_url, tmp_path):
    rf, cal_file = body(tmp_path, db_url)
    case = provisional_case(rf)
    path = notice(tmp_path, MADE_UP)

    dry = rf.json("calendar", "import-notice", path, "--dry-run")
    assert not cal_file.exists()
    # the made-up notice: Jan 1-3 off, so Jan 1 is no working day: Dec 25 (1) 28-31 (5) Jan 4-8 (10) 11-15 (15)
    # 18-22 (20)
    moved = [{"id": case, "reply_due_before": "2027-01-21", "reply_due": "2027-01-22",
              "next_due_before": "2027-01-21", "next_due": "2027-01-22", "provisional": False}]
    assert dry["moved"] == moved and dry["dry_run"] is True and dry["changed"] is True
    assert rf.json("case", "show", case)["deadlines"]["reply_due"] == "2027-01-21"  # nothing changed yet

    done = rf.json("calendar", "import-notice", path)
    assert done["moved"] == moved and done["version"] == 1 and done["previous_version"] is None
    assert done["year"] == 2027 and done["file"] == str(cal_file)
    assert done["holidays"][1] == {"name": "春节", "from": "2027-02-05", "to": "2027-02-13", "days": 9, "makeup": True}
    assert [w["date"] for w in done["workdays"]] == ["2027-02-14", "2027-02-20", "2027-04-25", "2027-05-08",
                                                     "2027-09-26", "2027-10-09"]
    shown = rf.json("case", "show", case)
    assert shown["deadlines"]["reply_due"] == "2027-01-22" and shown["deadlines_provisional"] == []
    doc = tomllib.loads(cal_file.read_text(encoding="utf-8"))
    assert doc["version"] == 1 and doc["history"][0]["source"] == "国务院办公厅关于2027年部分节假日安排的通知（2026年11月10日）"
    assert doc["history"][0]["by"] == "测试员"  # who imported it
    assert rf.json("calendar", "add-workdays", "2027-02-04", "1")["date"] == "2027-02-14"  # a make-up Sunday
    days = {d["date"]: d for d in rf.json("calendar", "show", "2027")["days"]}
    assert days["2027-02-20"]["working"] is True and days["2027-06-09"]["name"] == "端午节"

    # the same notice again: nothing changes, not even the file's bytes
    before = cal_file.read_bytes()
    again = rf.json("calendar", "import-notice", path)
    assert again["changed"] is False and again["version"] == 1 and again["moved"] == []
    assert cal_file.read_bytes() == before
    assert "已是这份通知的安排，未改动" in rf.ok("calendar", "import-notice", path).stdout

    # a corrected notice (Jan 4 off as well): a new version, its history kept, the deadline moves again
    corrected = notice(tmp_path, MADE_UP.replace("1月1日（周五）至3日（周日）放假，共3天", "1月1日（周五）至4日（周一）放假，共4天"),
                       "corrected.txt")
    out = rf.ok("calendar", "import-notice", corrected).stdout
    assert "第1版 → 第2版" in out
    # Dec 25 (1) 28-31 (5) Jan 5-8 (9) 11-15 (14) 18-22 (19) 25 (20)
    assert f"{case}：答复期限 2027-01-22 → 2027-01-25" in out
    doc = tomllib.loads(cal_file.read_text(encoding="utf-8"))
    assert doc["version"] == 2 and [h["version"] for h in doc["history"]] == [1, 2]
    assert rf.json("case", "show", case)["deadlines"]["reply_due"] == "2027-01-25"
    assert rf.json("calendar", "recompute") == []  # the import recomputed already


def test_the_output_shows_the_holidays_and_make_up_days(tmp_path, sqlite_url):
    rf, cal_file = body(tmp_path, sqlite_url)
    out = rf.ok("calendar", "import-notice", notice(tmp_path, MADE_UP), "--dry-run").stdout
    for line in ("春节  2027-02-05（周五）至2027-02-13（周六），共9天（调休）",
                 "端午节  2027-06-09（周三），共1天",
                 "2027-02-14（周日）  春节调休上班",
                 "试运行：未写入",
                 "期限将变动的未办结案件：0件（没有）"):
        assert line in out
    assert not cal_file.exists()


@pytest.mark.parametrize("old, new, message", [
    ("关于2027年部分节假日安排的通知", "关于部分节假日安排的通知", "找不到通知标题中的年份"),
    ("2月20日（周六）上班", "2月19日上班", "2月19日是周五，不是周末"),
    ("共9天", "共8天", "写明共8天"),
    ("6月9日（周三）放假1天", "6月31日放假1天", "6月31日不是实际存在的日期"),
    ("五、端午节：6月9日（周三）放假1天，不调休。", "五、端午节：农历五月初五放假。", "有一句无法识别"),
])
def test_a_broken_notice_writes_nothing(tmp_path, sqlite_url, old, new, message):
    rf, cal_file = body(tmp_path, sqlite_url)
    case = provisional_case(rf)
    line = rf.refused("calendar", "import-notice", notice(tmp_path, MADE_UP.replace(old, new, 1)), code=2)
    assert message in line
    assert not cal_file.exists()
    # a year already imported stays exactly as it was
    rf.ok("calendar", "import-notice", notice(tmp_path, MADE_UP, "good.txt"))
    before = cal_file.read_bytes()
    rf.refused("calendar", "import-notice", notice(tmp_path, MADE_UP.replace(old, new, 1), "bad.txt"), code=2)
    assert cal_file.read_bytes() == before
    assert rf.json("case", "show", case)["deadlines"]["reply_due"] == "2027-01-22"


def test_a_notice_saved_as_gbk_is_read(tmp_path, sqlite_url):
    rf, cal_file = body(tmp_path, sqlite_url)
    rf.ok("calendar", "import-notice", notice(tmp_path, MADE_UP, encoding="gb18030"))
    assert cal_file.exists()


def test_local_holidays_in_the_years_file_are_kept(tmp_path, sqlite_url):
    rf, cal_file = body(tmp_path, sqlite_url)
    cal_file.parent.mkdir()
    cal_file.write_text('version = 3\n[[history]]\nversion = 3\ndate = 2026-10-01\nsource = "××自治县人民政府关于三月三放假的通知"\n'
                        '[[day]]\nname = "三月三"\nfrom = 2027-04-09\nto = 2027-04-09\nsource = "××自治县人民政府关于三月三放假的通知"\n',
                        encoding="utf-8")
    out = rf.json("calendar", "import-notice", notice(tmp_path, MADE_UP))
    assert (out["previous_version"], out["version"]) == (3, 4)
    doc = tomllib.loads(cal_file.read_text(encoding="utf-8"))
    assert doc["day"] == [{"name": "三月三", "from": date(2027, 4, 9),
                           "to": date(2027, 4, 9), "source": "××自治县人民政府关于三月三放假的通知"}]
    days = {d["date"]: d["name"] for d in rf.json("calendar", "show", "2027")["days"]}
    assert days["2027-04-09"] == "三月三" and days["2027-02-05"] == "春节"


def test_refusals_of_the_setting(tmp_path, sqlite_url):
    from conftest import Runner

    # no configuration file: no folder of the body's to write to
    rf = Runner(sqlite_url, tmp_path, in_process=True)
    rf.ok("init")
    assert "没有本机关的日历文件夹" in rf.refused("calendar", "import-notice", notice(tmp_path, MADE_UP))
    assert "无法读取通知文件" in rf.refused("calendar", "import-notice", tmp_path / "missing.txt", code=2)
    assert "是文件夹" in rf.refused("calendar", "import-notice", tmp_path, code=2)

    # another folder read after the body's own publishes 2027 too: the notice would have no effect
    other = tmp_path / "other"
    other.mkdir()
    (other / "zz.toml").write_text('version = 1\n[[history]]\nversion = 1\ndate = 2026-11-01\nsource = "手工录入"\n'
                                   '[[year]]\nyear = 2027\nsource = "手工录入"\n', encoding="utf-8")
    rf2, cal_file = body(tmp_path / "b2", sqlite_url.replace("rf.db", "rf2.db"), f'calendar_dirs = ["{other}"]\n')
    line = rf2.refused("calendar", "import-notice", notice(tmp_path, MADE_UP))
    assert "另一个日历文件也写了2027年的安排" in line and not cal_file.exists()


def test_the_docs_name_what_the_command_gives(tmp_path, sqlite_url):
    rf, _ = body(tmp_path, sqlite_url)
    out = rf.json("calendar", "import-notice", notice(tmp_path, MADE_UP), "--dry-run")
    root = Path(__file__).parents[2]
    clocks = (root / "docs" / "clocks.md").read_text(encoding="utf-8")
    contract = (root / "docs" / "contract.md").read_text(encoding="utf-8")
    for key in out:
        assert f"`{key}`" in clocks and f'"{key}"' in contract, key
    for key in (*out["holidays"][0], *out["workdays"][0]):
        assert f"`{key}`" in clocks, key
    assert "已是这份通知的安排，未改动" in clocks
