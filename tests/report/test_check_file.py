"""`report check FILE.json`: a county checking a township's table. Exit 0 when every rule holds, 1 naming each
failing cell and the difference, 2 for a file that is not a table."""

from __future__ import annotations

import json

from conftest import Runner

from .helpers import table3, table4


def consistent():
    # by hand: 3 new + 1 carried in = 2 disclosed + 1 not held + 1 carried out (natural persons)
    t3 = table3({("new", "natural_person"): 3, ("new", "total"): 3, ("carried_in", "natural_person"): 1,
                 ("carried_in", "total"): 1, ("disclosed", "natural_person"): 2, ("disclosed", "total"): 2,
                 ("unable.not_held", "natural_person"): 1, ("unable.not_held", "total"): 1,
                 ("total_processed", "natural_person"): 3, ("total_processed", "total"): 3,
                 ("carried_out", "natural_person"): 1, ("carried_out", "total"): 1})
    t4 = table4({("reconsideration", "upheld"): 1, ("reconsideration", "total"): 1})
    return {"body": "某县某镇人民政府", "year": 2025, "table3": t3, "table4": t4}


def write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_report_check(tmp_path):
    rf = Runner(f"sqlite:///{tmp_path / 'unused.db'}", tmp_path)  # a table from elsewhere: no database needed
    good = write(tmp_path, "good.json", consistent())
    r = rf("report", "check", good)
    assert r.returncode == 0 and "全部通过" in r.stdout, r.stdout + r.stderr

    bad = consistent()
    bad["table3"]["new"]["natural_person"] = 4          # rule 1 (and the row's total below keeps rule 3 quiet)
    bad["table3"]["new"]["total"] = 4
    bad["table3"]["partial"]["commercial"] = 2          # rule 2 in the 商业企业 column, rule 3 on the partial row
    bad["table4"]["reconsideration"]["total"] = 3       # rule 5: 1 upheld, total 3
    prev = consistent()
    prev["table3"]["carried_out"]["natural_person"] = 2  # rule 4: last year carried out 2, this year carried in 1
    prev["table3"]["carried_out"]["total"] = 2
    r = rf("report", "check", write(tmp_path, "bad.json", bad), "--previous", write(tmp_path, "prev.json", prev))
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert "5项勾稽关系检查未通过" in out
    # rule 1: 4 new + 1 carried in = 5, against 3 processed + 1 carried out = 4
    assert "「自然人」列：一、本年新收4加二、上年结转1等于5，而（七）总计3加四、结转下年度1等于4，相差1" in out
    # rule 2: the 21 result rows of the 商业企业 column add to 2, (七) says 0
    assert "「商业企业」列：（七）总计填0，21项办理结果之和为2，少2" in out
    # rule 3: the partial row's total is 0, its six columns add to 2
    assert "三（二）部分公开（区分处理的，只计这一情形，不计其他情形）行：总计填0，六类申请人之和为2，少2" in out
    assert "上年结转填1" in out and "结转下年度继续办理为2，少1" in out  # rule 4
    assert "表四「行政复议」：总计填3，结果维持、结果纠正、其他结果、尚未审结之和为1，多2" in out  # rule 5

    data = json.loads(rf("report", "check", write(tmp_path, "bad.json", bad), "--json").stdout)
    assert data["ok"] is False and {c["name"] for c in data["checks"] if not c["ok"]} == {
        "balance", "total_processed", "row_totals", "table4_totals"}

    missing = consistent()
    del missing["table3"]["carried_out"], missing["table3"]["other.fee_unpaid"]
    assert "缺少2行" in rf.refused("report", "check", write(tmp_path, "m.json", missing), code=2)
    words = consistent()
    words["table3"]["disclosed"]["research"] = "二"
    line = rf.refused("report", "check", write(tmp_path, "w.json", words), code=2)
    assert "table3.disclosed.research" in line and "不是数字" in line
    assert "不是有效的 JSON" in rf.refused("report", "check", write(tmp_path, "x.json", '{"table3": '), code=2)
