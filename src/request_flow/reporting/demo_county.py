"""The demonstration's last part: the county office collects its townships' reports (the demo body's own and three
more), `report check` of the folder catches a township's slip, the township sends a corrected file, and
`report combine` writes the county's combined report with its per-body breakdown. Deterministic."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from ..domain import report as R

TOWNS = ("示例县东镇人民政府", "示例县西镇人民政府", "示例县南乡人民政府")


def township(body: str, year: int, seed: int) -> dict[str, Any]:
    rnd = random.Random(seed)
    t3, t4 = R.empty_table3(), R.empty_table4()
    for row in ("disclosed", "partial", "unable.not_held", "not_processed.duplicate", "other.other"):
        for c in ("natural_person", "commercial"):
            t3[row][c] = rnd.randrange(4)
    t3["carried_in"]["natural_person"] = rnd.randrange(3)
    t3["carried_out"]["natural_person"] = rnd.randrange(3)
    t4["reconsideration"]["upheld"] = rnd.randrange(2)
    R.with_totals(t3, t4)
    for c in R.COLUMNS:
        t3["new"][c] = t3["total_processed"][c] + t3["carried_out"][c] - t3["carried_in"][c]
        if t3["new"][c] < 0:
            t3["carried_out"][c] -= t3["new"][c]
            t3["new"][c] = 0
    return {"body": body, "year": year, "table3": t3, "table4": t4}


def collect(con: Any, folder: Path, own_report: Path, year: int) -> Path:
    """The county's folder: the demo body's report and three townships', one with a slip."""
    con.print(f"\n[bold]—— 县政府办公室汇总{year}年度报告（report check / report combine）——[/bold]")
    county = folder / "县汇总" / f"{year}"
    county.mkdir(parents=True, exist_ok=True)
    (county / own_report.name).write_bytes(own_report.read_bytes())
    for i, body in enumerate(TOWNS):
        doc = township(body, year, i)
        if i == 1:
            doc["table3"]["disclosed"]["natural_person"] += 1  # counted once more in 予以公开, nowhere else
        (county / f"{i + 1:02d}-{body}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    con.print(f"收到4份报表（本机关和{'、'.join(TOWNS)}），逐份检查：", markup=False)
    return county


def finish(con: Any, county: Path, year: int) -> Path:
    """The township corrects its report; the county combines the four and writes the combined spreadsheet."""
    from . import documents, staff_texts, supervision

    (county / f"02-{TOWNS[1]}.json").write_text(json.dumps(township(TOWNS[1], year, 1), ensure_ascii=False, indent=2),
                                                encoding="utf-8")
    con.print(f"{TOWNS[1]}更正后重新报送；再次检查并汇总：")
    combined = supervision.combine(supervision.read_all([str(county)]), year, "示例县")
    doc = combined.doc
    t3 = doc["table3"]
    con.print(f"  全县{len(combined.included)}个机关：本年新收{t3['new']['total']}件，上年结转{t3['carried_in']['total']}件，"
              f"办结{t3['total_processed']['total']}件，结转下年度{t3['carried_out']['total']}件；"
              + ("勾稽关系检查全部通过" if all(c["ok"] for c in doc["checks"]) else "勾稽关系检查未通过"))
    staff = staff_texts.load(None, year)
    staff.warnings.clear()
    staff.other = [*staff.other, *supervision.combined_paragraphs(combined)]
    out = county.parent / f"示例县-{year}年政府信息公开工作年度报告（汇总）.xlsx"
    documents.write("xlsx", doc, staff, None, out)
    supervision.add_breakdown_sheet(out, combined)
    con.print(f"  汇总报告（含「分机关明细」表）：{out}", markup=False)
    return out
