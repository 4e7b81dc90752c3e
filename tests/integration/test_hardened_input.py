"""Every way in refuses bad input with one Chinese line and writes nothing (issue 11): the ranges of the numeric
options (docs/contract.md, "Numeric options"), dates exactly YYYY-MM-DD, arguments that are not UTF-8, report
files with monstrous numbers or nesting, staff texts with control characters, files written by --out, the
configuration file and the service URLs (never printed with their password), imports that would create a case
no deadline can be counted for."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import EXE, Runner


def snapshot(rf, case_id):
    shown = rf.json("case", "show", case_id)
    return shown["events"], shown["state"], shown["deadlines"], len(rf.json("case", "list"))


HUGE = "9" * 5000
OUT_OF_RANGE = [  # (arguments, what the line must say); {id} is the case
    (["case", "list", "--year", "99999999999999999999"], "--year 的值超出允许范围：应不大于 2099"),
    (["case", "list", "--year", HUGE], "--year 的值超出允许范围：数字过长"),
    (["case", "list", "--year", "1999"], "应不小于 2000"),
    (["case", "list", "--due-within", "251"], "应不大于 250"),
    (["case", "list", "--due-within", "-1"], "非负"),
    (["case", "list", "--limit", "0"], "--limit"),
    (["case", "find", "某", "--limit", "100001"], "应不大于 100000"),
    (["calendar", "show", "1"], "应不小于 2000"),
    (["calendar", "add-workdays", "2025-01-24", "1001"], "应不大于 1000"),
    (["calendar", "add-workdays", "2025-01-24", "--", "-1001"], "应不小于 -1000"),
    (["case", "request-correction", "{id}", "--items", "写明文号", "--period", "61", "--on", "2025-01-27"], "应不大于 60"),
    (["case", "request-correction", "{id}", "--items", "写明文号", "--period", "100000", "--on", "2025-01-27"], "--period"),
    (["case", "request-reasons", "{id}", "--period", "0", "--on", "2025-01-27"], "应不小于 1"),
    (["case", "extend", "{id}", "--days", "0", "--approver", "王主任", "--on", "2025-01-27"], "应不小于 1"),
    (["case", "extend", "{id}", "--days", "1001", "--approver", "王主任", "--on", "2025-01-27"], "应不大于 1000"),
    (["case", "appeal-result", "{id}", "--result", "upheld", "--appeal", "0"], "--appeal"),
    # the fee measures' progressive bands: a notice covers at most 1,000 items or 1,000,000 pages
    (["case", "fee-notice", "{id}", "--method", "per_item", "--quantity", "10000000", "--on", "2025-01-27"], "应不大于 1000000"),
    (["case", "fee-notice", "{id}", "--method", "per_item", "--quantity", "1001", "--on", "2025-01-27"], "件数应为 1 到 1000 之间的整数"),
    (["case", "fee-notice", "{id}", "--method", "per_volume", "--quantity", "1" + "0" * 25, "--on", "2025-01-27"], "--quantity"),
    (["worker", "--concurrency", "0"], "--concurrency"),
    (["report", "annual", "--year", "12345", "--format", "json"], "应不大于 2099"),
    # dates on the command line: exactly YYYY-MM-DD
    (["case", "confirm", "{id}", "--on", "20250127"], "格式 YYYY-MM-DD"),
    (["case", "confirm", "{id}", "--on", "2025-W05-1"], "格式 YYYY-MM-DD"),
    (["case", "new", "--applicant", "x", "--type", "other", "--channel", "in_person", "--received", "20250124"], "YYYY-MM-DD"),
    (["calendar", "add-workdays", "2025-024", "3"], "YYYY-MM-DD"),
]


def test_numbers_out_of_range_and_dates_not_in_the_contract_s_form_exit_2_and_change_nothing(rf_sqlite, case_id):
    before = snapshot(rf_sqlite, case_id)
    for args, words in OUT_OF_RANGE:
        line = rf_sqlite.refused(*[a.replace("{id}", case_id) for a in args], code=2)
        assert words in line and len(line) < 200, (args, line)
    assert snapshot(rf_sqlite, case_id) == before


def test_fees_at_the_edges_of_the_range_are_computed_at_once(rf_sqlite, case_id):
    # a million pages: 70 × 10 + 100 × 20 + 999,800 × 40 = 39,994,700 yuan (three bands, no loop over the pages)
    r = rf_sqlite.json("case", "fee-notice", case_id, "--method", "per_volume", "--quantity", "1000000",
                       "--on", "2025-01-27")
    assert r["state"] == "awaiting_fee"
    fee = rf_sqlite.json("case", "show", case_id)["events"][-1]
    assert fee["data"]["amount"] == 39_994_700


def csv_file(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def _bytes_run(rf: Runner, *args: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([EXE.encode(), *args], env={k: v for k, v in rf.env.items()}, cwd=rf.cwd, capture_output=True)


def test_an_argument_that_is_not_utf8_is_one_line(rf_sqlite, case_id):
    before = snapshot(rf_sqlite, case_id)
    for args in ([b"case", b"find", b"\xff\xfe"],
                 [b"case", b"new", b"--applicant", "张".encode("gbk"), b"--type", b"other", b"--channel", b"in_person",
                  b"--received", b"2025-01-24"]):
        r = _bytes_run(rf_sqlite, *args)
        lines = r.stderr.decode("utf-8").strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1 and "不是有效的 UTF-8 文字" in lines[0], r.stderr
    assert snapshot(rf_sqlite, case_id) == before


def test_report_check_of_a_file_with_monstrous_numbers_or_nesting(rf_sqlite, tmp_path):
    good = json.loads(rf_sqlite.ok("report", "annual", "--year", "2025", "--format", "json").stdout)
    text = json.dumps(good)
    cases = {
        "long.json": text.replace('"total": 1', '"total": ' + HUGE, 1) if '"total": 1' in text else
        text.replace('"year": 2025', '"year": ' + HUGE, 1),
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "inf.json": text.replace('"year": 2025', '"year": Infinity', 1),
    }
    for name, content in cases.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
        line = rf_sqlite.refused("report", "check", str(tmp_path / name), code=2)
        assert name in line and any(w in line for w in ("过长", "位数过多", "过深", "应为四位数的年份")), line


def test_staff_texts_with_control_characters_or_infinite_fees(rf_sqlite, tmp_path):
    texts = tmp_path / "texts"
    rf_sqlite.ok("report", "texts", str(texts), "--year", "2025")
    (texts / "overview.txt").write_text("第一段。\n第二段\x07有响铃。\n", encoding="utf-8")
    line = rf_sqlite.refused("report", "annual", "--year", "2025", "--format", "docx", "--texts", str(texts),
                             "--out", str(tmp_path / "r.docx"), code=2)
    assert "overview.txt 第2行含有不可见的控制字符（U+0007）" in line
    (texts / "overview.txt").write_text("第一段。\n", encoding="utf-8")
    table2 = (texts / "table2.toml").read_text(encoding="utf-8")
    for value, words in (("inf", "应为有限的数字"), ("nan", "应为有限的数字"), ("1e300", "过大")):
        (texts / "table2.toml").write_text(table2.replace("administrative_fees = 0.0", f"administrative_fees = {value}"),
                                           encoding="utf-8")
        line = rf_sqlite.refused("report", "annual", "--year", "2025", "--format", "xlsx", "--texts", str(texts),
                                 "--out", str(tmp_path / "r.xlsx"), code=2)
        assert "charges.administrative_fees" in line and words in line, line
    (texts / "table2.toml").write_text(table2.replace("issued = 0", "issued = " + HUGE, 1), encoding="utf-8")
    assert "数字过长" in rf_sqlite.refused("report", "annual", "--year", "2025", "--format", "xlsx", "--texts",
                                          str(texts), "--out", str(tmp_path / "r.xlsx"), code=2)
    assert not (tmp_path / "r.docx").exists() and not (tmp_path / "r.xlsx").exists()


def test_out_overwrites_a_file_but_refuses_a_folder_a_missing_folder_and_a_symlink(rf_sqlite, tmp_path):
    out = tmp_path / "report.json"
    out.write_text("old", encoding="utf-8")
    rf_sqlite.ok("report", "annual", "--year", "2025", "--format", "json", "--out", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["year"] == 2025  # a regular file: overwritten, as before

    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    folder = tmp_path / "folder"
    folder.mkdir()
    for path, words in ((folder, "是文件夹"), (tmp_path / "missing" / "r.json", "不存在"), (link, "符号链接")):
        for fmt in ("json", "xlsx"):
            line = rf_sqlite.refused("report", "annual", "--year", "2025", "--format", fmt, "--out", str(path), code=2)
            assert words in line, line
        line = rf_sqlite.refused("letters", "preview", "receipt", "--format", "html", "--out", str(path), code=2)
        assert words in line, line
    assert target.read_text(encoding="utf-8") == "keep me" and list(folder.iterdir()) == []
    assert not (tmp_path / "missing").exists()
    # a folder for many files may be new, but not a file or a link
    line = rf_sqlite.refused("letters", "print", "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(out), code=2)
    assert "不是文件夹" in line


def test_config_that_is_a_folder_and_urls_never_printed_with_their_password(rf_sqlite, tmp_path):
    assert "是文件夹" in rf_sqlite.refused("--config", str(tmp_path), "case", "list", code=2)
    bad = {
        "REQUEST_FLOW_SMTP_URL": ["smtpx://clerk:s3cret@127.0.0.1:25", "smtp://clerk:s3cret@127.0.0.1:notaport",
                                  "smtp://clerk:s3cret@127.0.0.1:99999", "smtp://clerk:s3/cret@127.0.0.1:x"],
        "REQUEST_FLOW_BROKER_URL": ["redis://:s3cret@127.0.0.1:notaport/0", "amqp://u:s3cret@127.0.0.1/"],
        "REQUEST_FLOW_DATABASE_URL": ["postgresql+psycopg2://u:s3cret@127.0.0.1:notaport/x", "mysql://u:s3cret@h/x"],
    }
    for name, urls in bad.items():
        for url in urls:
            r = rf_sqlite("deadlines", "status", env={name: url})
            lines = r.stderr.strip().splitlines()
            assert r.returncode == 2 and len(lines) == 1, (url, r.stderr)
            assert "s3cret" not in r.stderr + r.stdout and "***" in lines[0] and "无效" in lines[0], lines[0]


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file:x?mode=memory&uri=true"])
def test_init_on_a_database_that_vanishes_does_not_say_it_is_ready(tmp_path, url):
    r = Runner(url, tmp_path)("init")
    assert r.returncode == 2 and "内存" in r.stderr and "已就绪" not in r.stdout


def test_report_correct_runs_the_inner_command_as_the_user_it_names(rf_sqlite, tmp_path):
    from request_flow.reporting import annual

    rf = rf_sqlite
    rf.ok("import", "cases", csv_file(tmp_path / "h.csv", "ref,applicant_type,received_on,outcome,concluded_on\n"
                                      "C1,natural_person,2024-03-01,disclosed,2024-03-20\n"))
    rf.ok("report", "lock", "--year", "2024")
    late = csv_file(tmp_path / "late.csv", "ref,applicant_type,received_on,outcome,concluded_on\n"
                                           "L1,natural_person,2024-11-11,not_exist,2024-11-30\n")
    r = rf("report", "correct", "--year", "2024", "--reason", "补录", "--", "--as", "李科长", "import", "cases", late)
    assert r.returncode == 0, r.stderr
    from request_flow import services
    from request_flow.config import configure

    configure(database_url=rf.url, user="测试员")
    rep = annual.build(services.context(), 2024)
    assert [c["actor"] for c in rep["corrections"]] == ["李科长"]


def test_import_refuses_a_date_before_the_calendar_naming_its_line(rf_sqlite, tmp_path):
    for day in ("2003-12-31", "0001-01-01"):  # the installed calendar starts in 2004
        f = csv_file(tmp_path / "old.csv", "ref,applicant_type,received_on,outcome,concluded_on\n"
                                           "A1,natural_person,2024-03-01,disclosed,2024-03-20\n"
                                           f"A2,natural_person,{day},,\n")
        r = rf_sqlite("import", "cases", f)
        assert r.returncode == 2 and "第3行" in r.stderr and "早于工作日历的第一年（2004年）" in r.stderr, r.stderr
        assert rf_sqlite.json("case", "list") == []


def test_import_appeals_says_what_it_updated(rf_sqlite, tmp_path):
    rf = rf_sqlite
    rf.ok("import", "cases", csv_file(tmp_path / "h.csv", "ref,applicant_type,received_on,outcome,concluded_on\n"
                                      "C1,natural_person,2024-03-01,disclosed,2024-03-20\n"))
    head = "ref,kind,filed_on,result,decided_on\n"
    out = rf.ok("import", "appeals", csv_file(tmp_path / "a.csv", head + "C1,reconsideration,2024-04-01,,\n")).stdout
    assert "新增复议诉讼记录1件" in out
    out = rf.ok("import", "appeals", csv_file(tmp_path / "b.csv", head + "C1,reconsideration,2024-04-01,upheld,2024-05-20\n")).stdout
    assert "新增复议诉讼记录0件，补录审结结果1件，已导入过而跳过0件" in out


def test_two_concurrent_replies_already_have_their_test():
    """The race itself is forced in tests/integration/test_concurrency.py (the unit of work tells the loser
    "刚刚被其他工作人员办理"); this only keeps it from disappearing unnoticed."""
    here = os.path.dirname(__file__)
    text = open(os.path.join(here, "test_concurrency.py"), encoding="utf-8").read()
    assert "刚刚被其他工作人员办理" in text and "reply" in text
