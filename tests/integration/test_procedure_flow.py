"""Issue 9 through the command line, on SQLite and PostgreSQL: the rules a clerk meets in a working week.

Expected dates are counted by hand in the comments (2025 schedule: no holidays in March; 清明 Fri Apr 4).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from .test_case_flow import new_case


def test_per_item_fees_count_every_application_of_the_month(rf):
    # docs/procedure.md, "Fees": the 11th application of a month is item 11, whether or not a fee was charged on 1-10
    ids = [new_case(rf, f"2025-03-{3 + i // 5:02d}")["id"] for i in range(11)]  # 11 applications, Mar 3-5
    assert "第四十二条" in rf.refused("case", "fee-notice", ids[9], "--method", "per_item", "--quantity", "1",
                                  "--on", "2025-03-06")  # the 10th: free
    r = rf.json("case", "fee-notice", ids[10], "--method", "per_item", "--quantity", "1", "--on", "2025-03-06",
                "--delivery", "in_person")
    fee = next(e for e in r_events(rf, ids[10]) if e["kind"] == "fee_notice")["data"]
    assert fee["earlier_items"] == 10 and fee["amount"] == 100 and r["state"] == "awaiting_fee"
    # another applicant's applications never count, nor a voided registration of the same one
    other = rf.json("case", "new", "--applicant", "李某", "--type", "natural_person", "--channel", "in_person",
                    "--received", "2025-03-05")
    assert "第四十二条" in rf.refused("case", "fee-notice", other["id"], "--method", "per_item", "--quantity", "1",
                                  "--on", "2025-03-06")
    rf.ok("case", "void", ids[0], "--reason", "重复登记", "--approver", "王主任", "--on", "2025-03-06")
    twelfth = new_case(rf, "2025-03-06")["id"]  # now the 11th counted: items 2-11 before it are 10
    r = rf.json("case", "fee-notice", twelfth, "--method", "per_item", "--quantity", "1", "--on", "2025-03-06",
                "--delivery", "in_person")
    assert next(e for e in r_events(rf, twelfth) if e["kind"] == "fee_notice")["data"]["earlier_items"] == 10


def r_events(rf, case_id):
    return rf.json("case", "show", case_id)["events"]


def test_unnamed_imported_applicants_are_never_merged(rf, tmp_path):
    rows = "".join(f"H{i},natural_person,2025-03-0{3 + i % 3},,\n" for i in range(12))
    csv = tmp_path / "h.csv"
    csv.write_text("ref,applicant_type,received_on,outcome,concluded_on\n" + rows, encoding="utf-8")
    rf.ok("import", "cases", str(csv))
    open_ids = [c["id"] for c in rf.json("case", "list", "--open")]
    assert len(open_ids) == 12
    # twelve strangers, each with one application: none is past the free range
    line = rf.refused("case", "fee-notice", open_ids[-1], "--method", "per_item", "--quantity", "1", "--on", "2025-03-10")
    assert "未超出免费范围" in line


def test_opinion_needs_its_result(rf):
    c = new_case(rf)["id"]
    rf.ok("case", "consult", c, "--party", "某公司", "--on", "2025-03-05")
    assert "--result" in rf.refused("case", "opinion", c, "--reason", "涉及商业秘密", "--on", "2025-03-06", code=2)
    assert rf.json("case", "show", c)["state"] == "consulting"  # nothing recorded


def test_a_name_no_font_can_print_is_refused_when_entered(rf):
    line = rf.refused("case", "new", "--applicant", "张\ue000", "--type", "natural_person", "--channel", "in_person",
                      "--received", "2025-03-03")
    assert "U+E000" in line and "字体" in line
    assert rf.json("case", "list") == []  # nothing written
    c = new_case(rf)["id"]
    line = rf.refused("case", "request-correction", c, "--items", "请写明\U000f0001", "--on", "2025-03-05")
    assert "U+F0001" in line and rf.json("case", "show", c)["state"] == "in_progress"


def test_a_late_registration_says_its_deadlines_have_passed(rf):
    r = rf("case", "new", "--applicant", "张某", "--type", "natural_person", "--channel", "in_person",
           "--received", "2025-03-03", "--on", "2025-04-02")
    assert r.returncode == 0
    # received 03-03: notice due 03-12, reply due 03-31; registered 04-02: both already passed
    assert "答复期限2025-03-31已经届满" in r.stderr and "补正告知期限2025-03-12已经届满" in r.stderr
    # entered the day it arrives: nothing to warn of (warnings are about the day it is entered, today)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    c = rf.json("case", "new", "--applicant", "张某", "--type", "natural_person", "--channel", "in_person",
                "--received", today)
    assert c["warnings"] == []


def test_a_voided_registration_counts_in_no_report(rf):
    kept, voided = new_case(rf)["id"], new_case(rf)["id"]
    assert "负责人" in rf.refused("case", "void", voided, "--reason", "重复登记", "--approver", "测试员")
    v = rf.json("case", "void", voided, "--reason", "重复登记", "--approver", "王主任", "--on", "2025-03-04")
    assert v["state"] == "void" and v["void"]["reason"] == "重复登记" and v["deadlines"] == {}
    report = json.loads(rf.ok("report", "annual", "--year", "2025", "--format", "json").stdout)
    assert report["table3"]["new"]["total"] == 1
    assert rf.refused("case", "decide", voided, "--outcome", "not_exist", "--search", "档案")
    assert kept


def test_the_history_reads_as_words(rf):
    c = new_case(rf)["id"]
    rf.ok("case", "request-correction", c, "--items", "写明文件名称", "--on", "2025-03-05", "--delivery", "in_person")
    rf.ok("case", "corrected", c, "--content", "2024年道路维修招标文件", "--on", "2025-03-07")
    rf.ok("case", "decide", c, "--outcome", "partial", "--provided", "招标公告", "--withheld",
          "报价单:withheld.third_party_rights:涉及投标人的商业秘密", "--on", "2025-03-10")
    out = rf.ok("case", "show", c).stdout
    history = out[out.index("办理记录"):]
    assert "2024年道路维修招标文件" in history and "报价单" in history and "涉及投标人的商业秘密" in history
    for python in ("=", "{", "[", "True", "False", "None", "late"):
        assert python not in history, python
    shown = rf.json("case", "show", c)
    letters = {x["kind"]: x for x in shown["letters"]}
    notice = letters["correction"]["number"]
    rf.ok("case", "delivered", c, "--letter", notice, "--method", "post", "--on", "2025-03-06")
    after = {x["number"]: x for x in rf.json("case", "show", c)["letters"]}
    assert after[notice]["issued_on"] == "2025-03-05" and after[notice]["delivered_on"] == "2025-03-06"


def test_a_posted_notice_waits_for_its_delivery_before_closing(rf):
    c = new_case(rf)["id"]
    r = rf.json("case", "request-correction", c, "--items", "写明文号", "--period", "10", "--on", "2025-03-05")
    assert r["deadlines_provisional"] == ["correction_due"]  # posted (the shipped default), day unknown
    sweep = rf.json("deadlines", "sweep", "--today", "2025-06-30")
    assert sweep["closed"] == [] and any(x["id"] == c and "送达" in x["skipped"] for x in sweep["skipped"])
    assert rf.json("case", "show", c)["state"] == "awaiting_correction"
    notice = rf.json("case", "show", c)["letters"][0]["number"]
    # delivered 03-10: 10 working days: Mar 11-14 (4), 17-21 (9), 24 (10) → 03-24
    r = rf.json("case", "delivered", c, "--letter", notice, "--method", "post", "--on", "2025-03-10")
    assert r["deadlines"] == {"correction_due": "2025-03-24"} and r["deadlines_provisional"] == []
    sweep = rf.json("deadlines", "sweep", "--today", "2025-03-25")
    assert [x["id"] for x in sweep["closed"]] == [c]


def test_the_sweep_records_a_missed_reply_deadline_once(rf):
    c = new_case(rf)["id"]  # reply due 03-31
    first = rf.json("deadlines", "sweep", "--today", "2025-04-01")
    assert first["missed"] == [{"id": c, "kind": "reply_missed", "due": "2025-03-31"}]
    assert rf.json("deadlines", "sweep", "--today", "2025-04-02")["missed"] == []
    shown = rf.json("case", "show", c)
    assert shown["missed"] == ["2025-03-31"] and any("2025-03-31" in note for note in shown["late"])
    # no cure: a correction notice is refused, and the reply, when it comes, is late
    assert "第三十条" in rf.refused("case", "request-correction", c, "--items", "补", "--on", "2025-04-02")
    rf.ok("case", "decide", c, "--outcome", "not_exist", "--search", "检索档案", "--on", "2025-04-02")
    r = rf.json("case", "reply", c, "--on", "2025-04-03")
    assert r["replied_on_time"] is False and r["missed"] == ["2025-03-31"]


def test_amend_reissues_the_letters_that_print_the_name(rf):
    c = new_case(rf)["id"]
    rf.ok("case", "request-correction", c, "--items", "写明文号", "--on", "2025-03-05", "--delivery", "in_person")
    old = rf.json("case", "show", c)["letters"][0]["number"]
    r = rf.json("case", "amend", c, "--applicant", "张某甲", "--reason", "登记时姓名笔误", "--on", "2025-03-06")
    assert r["applicant"] == "张某甲"
    letters = {x["number"]: x for x in r["letters"]}
    new = letters[old]["superseded_by"]
    assert new and new != old and letters[new]["kind"] == "correction" and letters[new]["issued_on"] == "2025-03-06"
    assert re.search(r"补〔2025〕2号$", new)
    # the period did not restart: 15 working days from 03-05 (in person): Mar 6, 7, 10-14, 17-21, 24, 25, 26
    assert r["deadlines"] == {"correction_due": "2025-03-26"}
    listed = {x["number"]: x for x in rf.json("letters", "list", c)}
    assert set(listed) == {old, new} and listed[old]["superseded_by"] == new and listed[new]["superseded_by"] is None
    assert "更正后的登记信息与原登记相同" in rf.refused("case", "amend", c, "--applicant", "张某甲", "--reason", "再改")


def test_each_objecting_third_party_gets_its_override_notice(rf):
    c = new_case(rf)["id"]
    assert "第三十二条" in rf.refused("case", "decide", c, "--outcome", "disclosed", "--provided", "全文",
                                  "--public-interest", "涉及公共安全", "--on", "2025-03-04")  # nobody objected
    for party in ("甲公司", "乙公司"):
        rf.ok("case", "consult", c, "--party", party, "--about", f"{party}的投标报价", "--on", "2025-03-05")
    for party in ("甲公司", "乙公司"):
        rf.ok("case", "opinion", c, "--party", party, "--result", "object", "--reason", f"{party}的商业秘密",
              "--on", "2025-03-10")
    r = rf.json("case", "decide", c, "--outcome", "disclosed", "--provided", "招标文件全文", "--public-interest",
                "项目涉及全县饮水安全", "--on", "2025-03-11")
    overrides = [x for x in rf.json("letters", "list", c) if x["kind"] == "override"]
    assert [x["addressee"] for x in overrides] == ["甲公司", "乙公司"] and r["state"] == "decided"
    assert [x["number"] for x in overrides] == ["示县政办公开决〔2025〕1号", "示县政办公开决〔2025〕2号"]


def test_a_clerk_may_type_the_chinese_labels(rf):
    c = rf.json("case", "new", "--applicant", "张某", "--type", "自然人", "--channel", "当面", "--received", "2025-03-03")
    assert (c["applicant_type"], c["channel"]) == ("natural_person", "in_person")
    r = rf.json("case", "decide", c["id"], "--outcome", "予以公开", "--provided", "电子版", "--on", "2025-03-04")
    assert r["outcome"] == "disclosed"
    line = rf.refused("case", "decide", c["id"], "--outcome", "本机关不掌握相关政府信息", "--on", "2025-03-04", code=2)
    assert "不明确" in line and "not_exist" in line and "not_responsible" in line


def test_find_a_case_by_applicant_request_or_letter_number(rf):
    a = rf.json("case", "new", "--applicant", "欧阳某某", "--type", "自然人", "--channel", "当面",
                "--received", "2025-03-03", "--content", "2024年老旧小区改造项目的招标文件")["id"]
    b = rf.json("case", "new", "--applicant", "某某科技有限公司", "--type", "商业企业", "--channel", "当面",
                "--received", "2025-03-04", "--content", "河道整治工程验收报告")["id"]
    rf.ok("case", "request-correction", b, "--items", "写明工程名称", "--on", "2025-03-05", "--delivery", "in_person")
    notice = rf.json("case", "show", b)["letters"][0]["number"]
    assert [x["id"] for x in rf.json("case", "find", "欧阳")] == [a]
    assert [x["id"] for x in rf.json("case", "find", "老旧小区")] == [a]
    assert [x["id"] for x in rf.json("case", "find", notice.replace("〔", "[").replace("〕", "]"))] == [b]
    assert [x["id"] for x in rf.json("case", "find", b)] == [b]
    found = rf.json("case", "find", "某某")
    assert {x["id"] for x in found} == {a, b} and {x["applicant"] for x in found} == {"欧阳某某", "某某科技有限公司"}
    assert rf.json("case", "find", "100%_") == []  # LIKE wildcards are text
    out = rf.ok("case", "list").stdout
    # the request is shown by its first 16 characters and an ellipsis
    assert "欧阳某某" in out and "2024年老旧小区改造项目的招标…" in out and a in out
    assert "不能为空" in rf.refused("case", "find", " ", code=2)


def test_entered_text_in_the_terminal_is_text_not_markup(rf):
    # Rich would read "[/bold]" as a closing tag (and fail), "[red]" as a colour: names and requests print as typed
    name, asked = "张[/bold][red]某", "查询[b]某文件[/b]"
    c = rf.json("case", "new", "--applicant", name, "--type", "natural_person", "--channel", "in_person",
                "--received", "2025-03-03", "--content", asked)["id"]
    rf.ok("case", "consult", c, "--party", "某[/i]公司", "--on", "2025-03-04")
    shown = rf.ok("case", "show", c).stdout
    assert name in shown and "某[/i]公司" in shown
    listed = rf.ok("case", "list").stdout
    assert name in listed and "查询[b]某文件[/b]" in listed
