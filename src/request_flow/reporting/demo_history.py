"""The demonstration's annual report: a year of history brought in by `import cases` / `import appeals`, a few
live applications acted on in that year (a fee, a late reply), then table 三 in the terminal and the whole
report written as DOCX, HTML, XLSX and JSON. Deterministic: the same history on every run."""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

OUTCOME_WEIGHTS = {
    "disclosed": 30, "already_public": 8, "partial": 10, "withheld.third_party_rights": 3, "withheld.process_info": 3,
    "withheld.state_secret": 1, "withheld.administrative_query": 2, "not_exist": 12, "not_responsible": 8,
    "needs_creation": 3, "unclear_after_correction": 1, "petition_complaint": 4, "duplicate": 3, "publication": 1,
    "confirm_or_reissue": 1, "no_correction": 3, "withdrawn": 3, "other": 1,
}
TYPES = ["natural_person"] * 7 + ["commercial"] * 2 + ["legal_service", "research", "public_interest", "other"]

OVERVIEW = [
    "{year}年，本机关深入贯彻落实《中华人民共和国政府信息公开条例》，围绕中心工作，持续推进政务公开标准化规范化。",
    "（一）主动公开。通过政府门户网站和政务新媒体主动公开政府信息，重点领域信息及时更新。",
    "（二）依申请公开。严格执行申请登记、审核、答复流程，按法定期限答复，全年收到和处理申请情况见第三部分。",
    "（三）政府信息管理。落实信息发布审核制度，定期清理和评估现行有效文件。",
]
PROBLEMS = [
    "存在的主要问题：一是个别申请答复超过法定期限；二是基层工作人员业务能力有待提高。",
    "改进措施：一是加强期限提醒，对临近期限的申请逐件跟踪；二是开展业务培训，规范答复文书。",
]


def history_csv(folder: Path, year: int, seed: int = 2025) -> tuple[Path, Path]:
    """About 120 applications of `year` (and a few of December before it), and some appeals on them."""
    rnd = random.Random(seed)
    codes, weights = zip(*OUTCOME_WEIGHTS.items())
    cases = folder / f"历史申请-{year}.csv"
    appeals = folder / f"复议诉讼-{year}.csv"
    refs: list[tuple[str, date, date | None]] = []
    with cases.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ref", "applicant_type", "received_on", "outcome", "concluded_on", "applicant_name"])
        for i in range(126):
            received = date(year - 1, 12, 1) + timedelta(days=rnd.randrange(396))
            outcome = rnd.choices(codes, weights)[0]
            concluded: date | None = received + timedelta(days=rnd.randrange(5, 40))
            if concluded is not None and concluded > date(year, 12, 31) and rnd.random() < 0.7:
                concluded = None  # still open at the end of the year: carried over
            ref = f"依申请〔{received.year}〕{i + 1:03d}号"
            w.writerow([ref, rnd.choice(TYPES), received.isoformat(), outcome if concluded else "",
                        concluded.isoformat() if concluded else "", f"申请人{i + 1}"])
            refs.append((ref, received, concluded))
    with appeals.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ref", "kind", "filed_on", "result", "decided_on"])
        picks = [r for r in refs if r[2] is not None and r[2] < date(year, 10, 1)][:40:8]
        for (ref, _, concluded), (kind, result) in zip(picks, [("reconsideration", "upheld"), ("reconsideration", "corrected"),
                                                               ("litigation_direct", None), ("reconsideration", None),
                                                               ("litigation_after_reconsideration", "other")]):
            assert concluded is not None
            filed = concluded + timedelta(days=20)
            decided = filed + timedelta(days=45) if result else None
            w.writerow([ref, kind, filed.isoformat(), result or "", decided.isoformat() if decided else ""])
    return cases, appeals


def run(ctx: Any, con: Any, folder: Path, year: int) -> Path:
    from .. import services
    from . import annual, documents, importer, staff_texts
    from .compute import by_month
    from .terminal import print_report

    con.print(f"\n[bold]—— {year}年政府信息公开工作年度报告 ——[/bold]")
    cases, appeals = history_csv(folder, year)
    r = importer.run(ctx, cases, "cases", progress=False)
    con.print(f"导入历史申请 {cases.name}：新增{r.created}件（其中未办结{r.open}件）")
    r = importer.run(ctx, appeals, "appeals", progress=False)
    con.print(f"导入复议诉讼记录 {appeals.name}：新增{r.created}件")
    again = importer.run(ctx, cases, "cases", progress=False)
    con.print(f"再次导入同一文件：新增{again.created}件，跳过{again.skipped}件（不会重复）")

    def live(name: str, received: date, steps: list[tuple[date, Any]]) -> str:
        case_id = services.register(ctx, applicant=name, applicant_type="natural_person", channel="in_person",
                                    on=received, received_on=received)[0].id
        for on, make in steps:
            make(case_id, on)
        return case_id

    # 180 pages: 31–100 at 10 yuan, 101–180 at 20 yuan: 700 + 1,600 = 2,300 yuan (the fee measures)
    live("吴某", date(year, 6, 2), [
        (date(year, 6, 4), lambda c, on: services.fee_notice(ctx, c, "per_volume", 180, on, "in_person")),
        (date(year, 6, 9), lambda c, on: services.paid(ctx, c, on)),
        (date(year, 6, 16), lambda c, on: services.decide(ctx, c, "disclosed", {"provided": "复印件180页"}, on=on)),
        (date(year, 6, 18), lambda c, on: services.reply(ctx, c, on))])
    live("郑某", date(year, 3, 3), [  # due 03-31: replied late
        (date(year, 4, 14), lambda c, on: services.decide(ctx, c, "not_exist", {"search": "检索档案"}, on=on)),
        (date(year, 4, 15), lambda c, on: services.reply(ctx, c, on))])
    con.print(f"在{year}年办理的两件申请：一件收费（180页，2300元），一件逾期答复")

    doc = annual.build(ctx, year)
    print_report(doc, con)
    out = folder / "年度报告"
    texts = out / "正文"
    staff_texts.write_template(texts, year)
    (texts / "overview.txt").write_text("\n".join(p.format(year=year) for p in OVERVIEW) + "\n", encoding="utf-8")
    (texts / "problems.txt").write_text("\n".join(PROBLEMS) + "\n", encoding="utf-8")
    staff = staff_texts.load(texts, year)
    with ctx.session() as s:
        months = by_month(s.connection(), ctx.body.code, year)
    written = []
    for fmt in ("docx", "html", "xlsx"):
        path = out / f"{ctx.body.code}-{year}年政府信息公开工作年度报告.{fmt}"
        documents.write(fmt, doc, staff, months, path)
        written.append(path)
    (out / f"{ctx.body.code}-{year}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    con.print("年度报告已写出（正文一、五、六和表二取自文件夹「正文」）：")
    for p in written:
        con.print(f"  {p.name}")
    for w in staff.warnings:
        con.print(f"[yellow]提示：{w}[/yellow]")
    return out
