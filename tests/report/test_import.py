"""`import cases` and `import appeals`: all or nothing, every bad row named with its line, the same file twice
creates nothing, GBK from Excel detected, imported open cases go on with the deadlines of a live case."""

from __future__ import annotations

import os
import pty
import subprocess
from datetime import date

from conftest import EXE
from request_flow import services

from .helpers import csv_file, in_process


def in_terminal(rf, *args):
    """Run with stderr on a pseudo-terminal, as in an office: returns (stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    r = subprocess.run([EXE, *map(str, args)], env={**rf.env, "TERM": "xterm", "COLUMNS": "100"}, cwd=rf.cwd,
                       stdout=subprocess.PIPE, stderr=slave, timeout=120)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: everything has been read
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert r.returncode == 0, shown
    return r.stdout.decode(), shown.decode(errors="replace")


GOOD = """
ref,applicant_type,received_on,outcome,concluded_on,applicant_name,content,channel
H-001,natural_person,2025-03-03,,,张某,"含逗号, 引号""和
换行的内容",registered_mail
H-002,commercial,2025/1/6,already_public,2025/1/20,某某有限公司,\\N,
"""


def test_import_round_trip(rf, tmp_path):
    out = rf.json("import", "cases", csv_file(tmp_path / "history.csv", GOOD))
    assert (out["created"], out["skipped"], out["open"], out["encoding"]) == (2, 0, 1, "UTF-8")
    cases = {c["id"]: c for c in rf.json("case", "list")}
    open_case = next(c for c in cases.values() if c["state"] == "in_progress")
    # received Mon 2025-03-03: notice within 7 working days: Mar 4-7 (4) 10-12 (7); reply within 20: Mar 4-7 (4)
    # 10-14 (9) 17-21 (14) 24-28 (19) 31 (20). The cached columns (case list) are what replay gives (case show).
    assert open_case["deadlines"] == {"correction_notice_due": "2025-03-12", "reply_due": "2025-03-31"}
    shown = rf.json("case", "show", open_case["id"])
    assert shown["deadlines"] == open_case["deadlines"] and shown["received_on"] == "2025-03-03"
    assert shown["content"] == '含逗号, 引号"和\n换行的内容' and shown["applicant"] == "张某"
    assert shown["channel"] == "registered_mail"
    closed = next(c for c in cases.values() if c["state"] == "concluded")
    assert (closed["received_on"], closed["outcome"], closed["concluded_on"]) == ("2025-01-06", "already_public", "2025-01-20")
    ctx = in_process(rf)
    assert services.show(ctx, closed["id"])[0].content == "\\N"
    # nothing to recompute: every cached deadline is the replayed one
    assert services.recompute(ctx) == []
    # the imported open case goes on like any other
    view = services.extend(ctx, open_case["id"], 5, "王主任", None, date(2025, 3, 20))[1]
    assert view.due("reply_due") == date(2025, 4, 8)  # 5 working days after 03-31: Apr 1-3 (3), Apr 4 清明, 7, 8 (5)
    again = rf.json("import", "cases", tmp_path / "history.csv")
    assert (again["created"], again["skipped"]) == (2 - 2, 2)
    assert len(services.list_cases(ctx, services.ListFilter())) == 2


BAD = """
ref,applicant_type,received_on,outcome,concluded_on
G1,natural_person,2025-03-01,disclosed,2025-03-10
B1,alien,2025-03-01,,
B2,natural_person,2025-02-30,,
B3,natural_person,2025-03-10,disclosed,2025-03-01
G1,commercial,2025-04-01,,
B4,natural_person,2025-03-01,granted,2025-03-05
B5,natural_person,2099-01-01,,
B6,natural_person,2025-03-01,disclosed,
B7,natural_person,2025-03-01
"""


def test_bad_files_change_nothing(rf_sqlite, tmp_path):
    rf = rf_sqlite
    r = rf("import", "cases", csv_file(tmp_path / "bad.csv", BAD))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    expected = {  # line number -> the rule it broke
        3: "申请人类型「alien」不存在",
        4: "「2025-02-30」不是实际存在的日期",
        5: "办结日期2025-03-01早于收到申请之日2025-03-10",
        6: "参考号「G1」与第2行重复",
        7: "处理结果代码「granted」不存在",
        8: "晚于今天",
        9: "应同时填写",
        10: "有3个字段，表头有5列",
    }
    assert len(lines) == len(expected) + 1
    for line, (no, words) in zip(lines, sorted(expected.items())):
        assert line.startswith(f"bad.csv 第{no}行：") and words in line, line
    assert "共9行数据，其中8行有误" in lines[-1] and "未导入任何记录" in lines[-1]

    assert "文件或文件夹不存在" in rf.refused("import", "appeals", tmp_path / "missing.csv", code=2)
    assert "缺少列 applicant_type,received_on" in rf.refused(
        "import", "cases", csv_file(tmp_path / "h.csv", "ref,type,received,outcome,concluded_on\nX,other,2025-01-02,,"),
        code=2)
    # Excel on Chinese Windows saves GBK: read as such, and said so
    gbk = csv_file(tmp_path / "gbk.csv", "ref,applicant_type,received_on,outcome,concluded_on,applicant_name\n"
                                         "K1,natural_person,2025-02-03,,,欧阳某某", encoding="gbk")
    out, progress = in_terminal(rf, "import", "cases", gbk)  # stderr on a terminal: a progress bar
    assert "新增申请1件" in out and "GBK" in out
    assert "写入" in progress and "1/1" in progress
    assert rf.json("case", "list")[0]["received_on"] == "2025-02-03"
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(b"ref,applicant_type,received_on,outcome,concluded_on,applicant_name\n"
                      + "M1,natural_person,2025-02-03,,,张某\n".encode()
                      + "M2,natural_person,2025-02-03,,,李某\n".encode("gbk"))
    line = rf.refused("import", "cases", mixed, code=2)
    assert "编码混杂" in line and "第3行不是 UTF-8" in line and "第2行是 UTF-8" in line
    # the same reference with other facts is a conflict, not a new case
    changed = csv_file(tmp_path / "changed.csv", "ref,applicant_type,received_on,outcome,concluded_on\n"
                                                 "K1,natural_person,2025-02-04,,")
    r = rf("import", "cases", changed)
    assert r.returncode == 2 and "K1" in r.stderr and "已导入为案件" in r.stderr

    appeals = csv_file(tmp_path / "appeals.csv", "ref,kind,filed_on,result,decided_on\n"
                                                 "K1,reconsideration,2025-03-01,upheld,2025-05-01\n"
                                                 "NOPE,reconsideration,2025-03-01,,\n"
                                                 "K1,lawsuit,2025-03-01,,\n"
                                                 "K1,litigation_direct,2025-01-01,,\n"
                                                 "K1,litigation_direct,2025-04-01,upheld,2025-03-01\n")
    r = rf("import", "appeals", appeals)
    assert r.returncode == 2
    assert "第3行：案件「NOPE」不存在" in r.stderr and "第4行：救济类型「lawsuit」不存在" in r.stderr
    assert "第5行：提起日期2025-01-01早于案件" in r.stderr and "第6行：审结日期2025-03-01早于提起日期2025-04-01" in r.stderr
    assert len(rf.json("case", "list")) == 1  # K1 only: nothing of the bad files was written
    assert rf.json("case", "show", rf.json("case", "list")[0]["id"])["appeals"] == []


def test_every_problem_of_every_row_in_one_run(rf_sqlite, tmp_path):
    """A new clerk's file: each row's problems all at once, not one per run (four runs to fix a file)."""
    rf = rf_sqlite
    r = rf("import", "cases", csv_file(tmp_path / "week.csv",
                                       "ref,applicant_type,received_on,outcome,concluded_on,channel\n"
                                       "W1,citizen,2025-13-01,granted,2025/2/30,email\n"
                                       "W2,natural_person,2025-03-03,,,\n"
                                       ",natural_person,,disclosed,,\n"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 3
    first = lines[0]
    assert first.startswith("week.csv 第2行：")
    for problem in ("申请人类型「citizen」不存在", "收到申请之日「2025-13-01」不是实际存在的日期", "处理结果代码「granted」不存在",
                    "办结日期「2025/2/30」不是实际存在的日期", "申请渠道「email」不存在"):
        assert problem in first, first
    assert lines[1].startswith("week.csv 第4行：")
    for problem in ("参考号（ref）不能为空", "收到申请之日（received_on）不能为空", "应同时填写"):
        assert problem in lines[1], lines[1]
    assert "共3行数据，其中2行有误" in lines[2] and "未导入任何记录" in lines[2]
    assert rf.json("case", "list") == []

    # an appeals file the same way
    r = rf("import", "appeals", csv_file(tmp_path / "a.csv", "ref,kind,filed_on,result,decided_on\n"
                                                          "X,lawsuit,2025-02-30,won,\n"))
    line = r.stderr.splitlines()[0]
    for problem in ("救济类型「lawsuit」不存在", "「2025-02-30」不是实际存在的日期", "结果「won」不存在", "应同时填写"):
        assert problem in line, line


def test_a_file_in_the_wrong_layout_lists_a_hundred_rows(rf_sqlite, tmp_path):
    rf = rf_sqlite
    rows = "".join(f"R{i},nobody,2025-03-03,,\n" for i in range(150))
    r = rf("import", "cases", csv_file(tmp_path / "many.csv", "ref,applicant_type,received_on,outcome,concluded_on\n" + rows))
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 100 + 2
    assert lines[99].startswith("many.csv 第101行：")
    assert "另有50行有误，未逐一列出（第102行起）" in lines[100]
    assert "共150行数据，其中150行有误" in lines[101]


def test_import_help_lists_the_columns_and_the_date_forms(rf_sqlite):
    out = rf_sqlite.ok("import", "cases", "--help").stdout
    for word in ("ref", "applicant_type", "received_on", "outcome", "concluded_on", "applicant_name", "channel",
                 "content", "body", "natural_person", "2025-03-07", "2025/3/7", "2025.3.7"):
        assert word in out, word
    out = rf_sqlite.ok("import", "appeals", "--help").stdout
    for word in ("ref", "kind", "filed_on", "result", "decided_on", "reconsideration", "upheld", "2025/3/7"):
        assert word in out, word
