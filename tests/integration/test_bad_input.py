"""Bad input: one clear line in Chinese naming the rule, exit 1 or 2, and nothing changed."""

from __future__ import annotations

import pytest

from conftest import Runner


def snapshot(rf, case_id):
    shown = rf.json("case", "show", case_id)
    return len(shown["events"]), shown["state"], shown["deadlines"], len(rf.json("case", "list"))


BAD_USAGE = [  # (arguments, a word the message must contain) -> exit 2
    (["case", "new", "--applicant", "x", "--type", "nobody", "--channel", "in_person", "--received", "2025-01-24"], "申请人类型"),
    (["case", "new", "--applicant", "x", "--type", "other", "--channel", "pigeon", "--received", "2025-01-24"], "申请渠道"),
    (["case", "new", "--applicant", "x", "--type", "other", "--channel", "in_person", "--received", "2025-02-30"], "无效"),
    (["case", "new", "--applicant", "x", "--type", "other", "--channel", "in_person", "--received", "2099-01-01"], "晚于今天"),
    (["case", "new", "--applicant", "x", "--type", "other", "--channel", "in_person"], "第三十一条"),
    (["case", "new", "--applicant", "", "--type", "other", "--channel", "in_person", "--received", "2025-01-24"], "不能为空"),
    (["case", "new", "--applicant", "a\x07b", "--type", "other", "--channel", "in_person", "--received", "2025-01-24"], "控制字符"),
    (["case", "new", "--applicant", "x", "--type", "other"], "--channel"),
    (["case", "show", "NO-SUCH-1"], "没有编号"),
    (["case", "frobnicate"], "没有命令"),
    (["calendar", "add-workdays", "2025-13-01", "3"], "无效"),
    (["calendar", "add-workdays", "2025-01-01", "x"], "整数"),
    (["case", "list", "--due-within", "-1"], "非负"),
    (["lifecycle", "--format", "svg"], "mermaid"),
    (["staff", "add", "某人", "--role", "boss"], "角色"),
]


def test_bad_usage_exits_2_and_changes_nothing(rf_sqlite, case_id):
    before = snapshot(rf_sqlite, case_id)
    for args, word in BAD_USAGE:
        line = rf_sqlite.refused(*args, code=2)
        assert word in line, (args, line)
    assert snapshot(rf_sqlite, case_id) == before  # none of them wrote anything


def test_bad_dates_and_codes_on_acts(rf_sqlite, case_id):
    rf = rf_sqlite
    before = snapshot(rf, case_id)
    assert "晚于今天" in rf.refused("case", "extend", case_id, "--days", "5", "--approver", "王主任", "--on", "2099-01-01", code=2)
    assert "无效" in rf.refused("case", "corrected", case_id, "--on", "yesterday", code=2)
    assert "处理结果代码" in rf.refused("case", "decide", case_id, "--outcome", "granted", "--on", "2025-02-01", code=2)
    assert "征求意见类型" in rf.refused("case", "consult", case_id, "--party", "某公司", "--kind", "friend", "--on", "2025-02-01", code=2)
    assert "整数" in rf.refused("case", "extend", case_id, "--days", "ten", "--approver", "王主任", code=2)
    assert snapshot(rf, case_id) == before


def test_acts_not_allowed_exit_1_and_change_nothing(rf_sqlite, case_id):
    rf = rf_sqlite
    before = snapshot(rf, case_id)
    refusals = [
        (["case", "corrected", case_id, "--on", "2025-02-03"], "待补正"),  # no correction was asked for
        (["case", "opinion", case_id, "--result", "agree", "--on", "2025-02-03"], "征求意见中"),
        (["case", "reply", case_id, "--on", "2025-02-03"], "已决定待答复"),
        (["case", "confirm", case_id, "--on", "2025-02-03"], "待确认收到"),
        (["case", "paid", case_id, "--on", "2025-02-03"], "待缴费"),
        (["case", "extend", case_id, "--days", "21", "--approver", "王主任", "--on", "2025-02-03"], "第三十三条第二款"),
        (["case", "extend", case_id, "--days", "5", "--approver", "路人甲", "--on", "2025-02-03"], "第三十三条第二款"),
        (["case", "decide", case_id, "--outcome", "disclosed", "--on", "2025-02-03"], "--provided"),
        (["case", "decide", case_id, "--outcome", "unclear_after_correction", "--on", "2025-02-03"], "第三十条"),
        (["case", "decide", case_id, "--outcome", "withdrawn", "--on", "2025-02-03"], "case withdraw"),
        (["case", "close", case_id, "--outcome", "no_correction", "--on", "2025-02-03"], "待补正"),
        (["case", "delivered", case_id, "--letter", "示县政办公开复〔2025〕99号", "--on", "2025-02-03"], "没有文号"),
        (["case", "request-correction", case_id, "--items", "x", "--on", "2025-01-20"], "早于"),
        (["case", "appeal-result", case_id, "--result", "upheld", "--on", "2025-02-03"], "没有尚未审结"),
    ]
    for args, word in refusals:
        line = rf.refused(*args, code=1)
        assert word in line, (args, line)
    assert snapshot(rf, case_id) == before


def test_third_party_objection_blocks_disclosure_without_override(rf_sqlite, case_id):
    rf = rf_sqlite
    rf.ok("case", "consult", case_id, "--party", "某公司", "--on", "2025-01-27")
    assert "第三十二条" in rf.refused("case", "opinion", case_id, "--result", "none", "--on", "2025-02-05")
    assert "理由" in rf.refused("case", "opinion", case_id, "--result", "object", "--on", "2025-02-05", code=2)
    rf.ok("case", "opinion", case_id, "--result", "object", "--reason", "涉及商业秘密", "--on", "2025-02-05")
    before = snapshot(rf, case_id)
    msg = rf.refused("case", "decide", case_id, "--outcome", "disclosed", "--provided", "全文", "--on", "2025-02-06")
    assert "第三十二条" in msg and "--public-interest" in msg
    assert snapshot(rf, case_id) == before
    r = rf.json("case", "decide", case_id, "--outcome", "disclosed", "--provided", "全文",
                "--public-interest", "涉及公共安全", "--on", "2025-02-06")
    assert r["state"] == "decided"
    # the consultation letter and the applicant's notice of it (Art. 33 ¶3), the override notice (Art. 32)
    assert [x["kind"] for x in r["letters"]] == ["consultation", "consultation_notice", "override"]


def test_applicant_text_is_data(rf_sqlite):
    text = "{{ config }} {% for x in y %} <script>alert(1)</script> & 𠀀㐀 😀\n第二行"
    c = rf_sqlite.json("case", "new", "--applicant", "{{ 7*7 }}𠀀", "--type", "natural_person", "--channel", "in_person",
                       "--received", "2025-01-24", "--content", text)
    shown = rf_sqlite.json("case", "show", c["id"])
    assert shown["applicant"] == "{{ 7*7 }}𠀀"
    assert shown["content"] == text
    human = rf_sqlite.ok("case", "show", c["id"]).stdout
    assert "{{ 7*7 }}𠀀" in human


def test_malformed_config_and_calendar_files(tmp_path, sqlite_url):
    rf = Runner(sqlite_url, tmp_path, in_process=True)
    bad = tmp_path / "bad.toml"
    bad.write_text("database_url = [unclosed", encoding="utf-8")
    assert "配置文件" in rf.refused("init", env={"REQUEST_FLOW_CONFIG": str(bad)}, code=2)
    assert "找不到配置文件" in rf.refused("init", env={"REQUEST_FLOW_CONFIG": str(tmp_path / "none.toml")}, code=2)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('colour = "blue"\n', encoding="utf-8")
    assert "colour" in rf.refused("init", env={"REQUEST_FLOW_CONFIG": str(unknown)}, code=2)
    nodir = tmp_path / "nodir.toml"
    nodir.write_text('calendar_dirs = ["/nonexistent/calendar"]\n', encoding="utf-8")
    assert "日历目录" in rf.refused("init", env={"REQUEST_FLOW_CONFIG": str(nodir)}, code=2)
    zone = tmp_path / "zone.toml"
    zone.write_text('timezone = "Mars/Olympus"\n', encoding="utf-8")
    assert "时区" in rf.refused("init", env={"REQUEST_FLOW_CONFIG": str(zone)}, code=2)
    body_cfg = tmp_path / "body.toml"
    body_cfg.write_text('[[body]]\ncode = "bad code!"\nname = "某局"\nshort_name = "某"\n', encoding="utf-8")
    assert "body" in rf.refused("init", env={"REQUEST_FLOW_CONFIG": str(body_cfg)}, code=2)
    # a calendar file beside the config
    good = tmp_path / "ok" / "request-flow.toml"
    (good.parent / "calendar").mkdir(parents=True)
    good.write_text("", encoding="utf-8")
    env = {"REQUEST_FLOW_CONFIG": str(good)}
    rf.ok("init", env=env)
    cal = good.parent / "calendar" / "local.toml"
    cases = [
        ("version = 1\n[[history]]\ndate = 2026-11-01\nversion = 1\nsource = \"x\"\n[[day]]\nname = \"三月三\"\ndate = 2025-03-31\n", "source"),
        ("[[history]]\ndate = 2026-11-01\nversion = 1\nsource = \"x\"\n", "version"),
        ("version = 1\n", "history"),
        ("version = 1\n[[history]]\ndate = 2026-11-01\nversion = 1\nsource = \"x\"\n[[day]]\nname = \"a\"\ndate = 2025-02-30\nsource = \"y\"\n", "格式错误"),
        ("version = 1\n[[history]]\ndate = 2026-11-01\nversion = 1\nsource = \"x\"\n[[year]]\nyear = 2027\nsource = \"s\"\n"
         "workdays = [{name = \"调休\", date = 2027-01-06, source = \"s\"}]\n", "周一至周五"),
    ]
    for text, word in cases:
        cal.write_text(text, encoding="utf-8")
        line = rf.refused("calendar", "add-workdays", "2025-01-24", "20", env=env, code=2)
        assert word in line, (text, line)
    cal.write_text("version = 1\n[[history]]\ndate = 2026-11-01\nversion = 1\nsource = \"某自治县人民政府通知\"\n"
                   "[[day]]\nname = \"三月三\"\ndate = 2025-03-31\nsource = \"某自治县人民政府通知\"\n", encoding="utf-8")
    # A local holiday on Mon 2025-03-31: the 20th working day after 2025-03-03 moves from 03-31 to Apr 1.
    assert rf.ok("calendar", "add-workdays", "2025-03-03", "20", env=env).stdout.strip() == "2025-04-01"
    shown = rf.ok("calendar", "show", "2025", env=env).stdout
    assert "三月三" in shown and "某自治县人民政府通知" in shown and "春节" in shown


def test_missing_year_is_a_clear_refusal(rf_sqlite):
    line = rf_sqlite.refused("calendar", "add-workdays", "2026-12-20", "20", code=1)
    assert "2027年" in line
    assert "2027" in rf_sqlite.refused("calendar", "show", "2027", code=1)


def test_several_bodies_are_kept_apart(tmp_path, sqlite_url):
    cfg = tmp_path / "bodies.toml"
    cfg.write_text('[[body]]\ncode = "TA"\nname = "甲镇人民政府"\nshort_name = "甲政"\n'
                   '[[body]]\ncode = "TB"\nname = "乙镇人民政府"\nshort_name = "乙政"\n', encoding="utf-8")
    rf = Runner(sqlite_url, tmp_path, in_process=True)
    rf.env["REQUEST_FLOW_CONFIG"] = str(cfg)
    rf.ok("init", "--body", "TA")
    assert "--body" in rf.refused("case", "list", code=2)
    a = rf.json("case", "new", "--applicant", "甲", "--type", "other", "--channel", "in_person", "--received", "2025-01-24", "--body", "TA")
    b = rf.json("--body", "TB", "case", "new", "--applicant", "乙", "--type", "other", "--channel", "in_person", "--received", "2025-01-24")
    assert a["id"] == "TA-2025-0001" and b["id"] == "TB-2025-0001"
    assert [x["id"] for x in rf.json("case", "list", "--body", "TA")] == ["TA-2025-0001"]
    assert "TB" in rf.refused("case", "show", b["id"], "--body", "TA", code=2)
    assert "没有配置" in rf.refused("case", "list", "--body", "TC", code=2)


NEW_ACTS_BAD = [  # issue 9's options and acts: (arguments, a word the message must contain, exit code)
    (["case", "request-correction", "{c}", "--items", "写明文号", "--delivery", "pigeon", "--on", "2025-02-05"], "送达方式", 2),
    (["case", "decide", "{c}", "--outcome", "partial", "--provided", "正文", "--withheld", "第3项", "--on", "2025-02-05"], "--withheld", 2),
    (["case", "decide", "{c}", "--outcome", "partial", "--provided", "正文", "--withheld", "第3项:secret:理由", "--on", "2025-02-05"], "理由代码", 2),
    (["case", "decide", "{c}", "--outcome", "partial", "--provided", "正文", "--on", "2025-02-05"], "第三十七条", 1),
    (["case", "decide", "{c}", "--outcome", "excessive", "--reason", "太多", "--on", "2025-02-05"], "第三十五条", 1),
    (["case", "decide", "{c}", "--outcome", "disclosed", "--provided", "正文", "--objection-unfounded", "不成立", "--on", "2025-02-05"], "第三十二条", 1),
    (["case", "decide", "{c}", "--outcome", "not_responsible", "--on", "2025-02-05"], "--reason", 1),
    (["case", "set-deadline", "{c}", "--due", "2025-05-30", "--on", "2025-02-05"], "第三十五条", 1),
    (["case", "set-deadline", "{c}", "--due", "2025-05-32", "--on", "2025-02-05"], "无效", 2),
    (["case", "reopen", "{c}", "--reason", "理由", "--approver", "王主任", "--on", "2025-02-05"], "no_correction", 1),
    (["case", "reopen", "{c}", "--approver", "王主任"], "--reason", 2),
    (["case", "void", "{c}", "--reason", "重复", "--approver", "测试员", "--on", "2025-02-05"], "负责人", 1),
    (["case", "void", "{c}", "--reason", "", "--approver", "王主任", "--on", "2025-02-05"], "不能为空", 2),
    (["case", "amend", "{c}", "--reason", "笔误", "--on", "2025-02-05"], "--applicant", 2),
    (["case", "amend", "{c}", "--applicant", "", "--reason", "笔误", "--on", "2025-02-05"], "不能为空", 2),
    (["case", "amend", "{c}", "--applicant", "张\ue000", "--reason", "笔误", "--on", "2025-02-05"], "U+E000", 1),
    (["case", "corrected", "{c}", "--content", "a\x07b", "--on", "2025-02-05"], "控制字符", 2),
    (["case", "consult", "{c}", "--party", "某公司", "--about", "a\x01", "--on", "2025-02-05"], "控制字符", 2),
    (["case", "delivered", "{c}", "--letter", "没有这个文号", "--on", "2025-02-05"], "文号", 1),
    (["case", "extend", "{c}", "--days", "5", "--approver", "王主任", "--on", "2025-03-10"], "届满", 1),
    (["case", "request-correction", "{c}", "--items", "写明文号", "--on", "2025-03-10"], "第三十条", 1),
]


@pytest.mark.parametrize(("args", "word", "code"), NEW_ACTS_BAD, ids=[" ".join(a[1:3]) + f"-{i}" for i, (a, _, _) in enumerate(NEW_ACTS_BAD)])
def test_new_acts_refuse_bad_input_and_change_nothing(rf_sqlite, case_id, args, word, code):
    # the case: received Fri 2025-01-24, reply due Thu 2025-02-27 (docs/clocks.md's worked example)
    rf = rf_sqlite
    before = snapshot(rf, case_id)
    line = rf.refused(*[a.replace("{c}", case_id) for a in args], code=code)
    assert word in line, line
    assert snapshot(rf, case_id) == before


def test_a_stray_environment_variable_changes_no_statutory_period(rf_sqlite, tmp_path):
    # only REQUEST_FLOW_* variables and the config file are settings: `POLICY` in the environment is nobody's
    rf = rf_sqlite
    stray = {"POLICY": '{"correction_period": 1, "shift_nonworking_receipt": true}', "CALENDAR_DIRS": '["/nonexistent"]'}
    c = rf.json("case", "new", "--applicant", "张某", "--type", "natural_person", "--channel", "in_person",
                "--received", "2025-03-01", env=stray)
    assert c["counting"] == "strict" and c["deadlines"]["reply_due"] == "2025-03-28"
    # the file's [policy] still applies, and a bad value there is named as the file names it
    conf = tmp_path / "bad.toml"
    conf.write_text("[policy]\ncorrection_period = 0\n", encoding="utf-8")
    line = rf.refused("case", "list", env={"REQUEST_FLOW_CONFIG": str(conf)}, code=2)
    assert "policy.correction_period" in line


def test_handler_must_be_registered_staff_where_the_body_requires_it(tmp_path, sqlite_url):
    cfg = tmp_path / "strict.toml"
    cfg.write_text('[[body]]\ncode = "SX"\nname = "示县人民政府办公室"\nshort_name = "示县政办"\n'
                   'require_registered_staff = true\n', encoding="utf-8")
    rf = Runner(sqlite_url, tmp_path, in_process=True)
    rf.env.update(REQUEST_FLOW_CONFIG=str(cfg), REQUEST_FLOW_USER="李科员")
    rf.ok("init")
    rf.ok("staff", "add", "李科员")
    rf.ok("staff", "add", "赵科员")
    new = ["case", "new", "--applicant", "张某某", "--type", "natural_person", "--channel", "in_person",
           "--received", "2025-03-03"]
    line = rf.refused(*new, "--handler", "赵课员")  # a typo of 赵科员
    assert "承办人「赵课员」未登记" in line
    assert rf.json("case", "list") == []  # nothing registered, no number used
    c = rf.json(*new, "--handler", "赵科员")
    assert c["id"] == "SX-2025-0001" and rf.json("case", "list")[0]["handler"] == "赵科员"
    # the acting name is checked as before
    assert "「路人」未登记" in rf.refused(*new, "--as", "路人")
    # a body that does not require registration takes any handler
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("true", "false"), encoding="utf-8")
    assert rf.json(*new, "--handler", "外单位借调人员")["id"] == "SX-2025-0002"
