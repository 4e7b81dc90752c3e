#!/usr/bin/env python3
"""Write the tables of docs/ that restate what the code holds, from the code itself.

    .venv/bin/python scripts/docs-tables.py           rewrite every generated block in docs/
    .venv/bin/python scripts/docs-tables.py --check   exit 1, naming the blocks, when one differs from the code

A generated block sits between two markers in a docs/ file:

    <!-- BEGIN GENERATED outcomes: scripts/docs-tables.py -->
    ...
    <!-- END GENERATED outcomes -->

Everything outside the markers is prose, written by hand. `tests/integration/test_docs.py` runs `--check`, so
a change to the outcome codes, the letters or the report rows fails the tests until the docs are regenerated.
The tables are read from the installed package (`pip install --no-deps --force-reinstall .` after a change).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

REMEDY_WORDS = {
    "none": "none",
    "ordinary": "ordinary (review or lawsuit)",
    "review_first": "review first (行政复议法 Art. 23)",
}


def _cell(text: str) -> str:
    return (text or "—").replace("|", "\\|")


def outcomes() -> str:
    """docs/outcomes.md: one row per outcome code, in the order of the report rows."""
    from request_flow.domain import letters as law
    from request_flow.domain import report as R
    from request_flow.domain.codes import FACT_LABELS, OUTCOMES
    from request_flow.letters.fields import _title

    lines = [
        "| code | Chinese label | legal basis printed in the letter | letter | remedy clause | facts needed | report row |",
        "|---|---|---|---|---|---|---|",
    ]
    for code, o in OUTCOMES.items():
        if o.by_staff:
            letter = _title("reply", code)
            remedy = REMEDY_WORDS[law.remedy_form("reply", code)]
        elif o.letter:  # reached by a closing act: the closure notice, where the body issues one
            letter = f"{o.letter} (`[letters] closure`)"
            remedy = REMEDY_WORDS[law.remedy_form("closure")]
        else:
            letter, remedy = "none", "—"
        basis = law.reply_basis(code) if o.citation else ""
        needs = ", ".join(f"`--{k.replace('_', '-')}` ({FACT_LABELS[k]})" for k in o.needs)
        if not o.by_staff:
            needs = "— (not decided: `case close` / `case withdraw` / the sweep)"
        row = f"`{o.report_row}` {R.row_label(o.report_row)}"
        lines.append(f"| `{code}` | {_cell(o.label)} | {_cell(basis)} | {_cell(letter)} | {remedy} | {_cell(needs)} | "
                     f"{_cell(row)} |")
    return "\n".join(lines)


def withheld_codes() -> str:
    """docs/outcomes.md: the grounds a withheld part may carry (`--withheld PART:CODE:REASON`)."""
    from request_flow.domain.codes import OUTCOMES, WITHHELD_PART_CODES

    return "\n".join(f"- `{code}` ({OUTCOMES[code].label})" for code in WITHHELD_PART_CODES)


def letters() -> str:
    """docs/letters.md: every kind of letter, its title, its 文号 type code, its basis, remedy and closing."""
    from request_flow.domain import letters as law
    from request_flow.domain.codes import LETTER_KINDS
    from request_flow.letters.fields import LETTER_ORDER, variants

    lines = [
        "| kind | title | 文号 type code | forms (template variants) | legal basis printed | remedy clause | closing |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in LETTER_ORDER:
        title, code = LETTER_KINDS[kind]
        forms = [v for v in variants(kind) if v]
        if kind == "reply":
            shown, basis, remedy = f"one per outcome code ({len(forms)})", "the outcome's (docs/outcomes.md)", "per outcome"
        else:
            shown = ", ".join(f"`{v}`" for v in forms)
            if kind == "closure":
                basis = "the outcome's (docs/outcomes.md)"
            elif kind == "extension":
                basis = f"{law.letter_basis('extension')}; `art35`: {law.letter_basis('set_deadline')}"
            elif kind == "consultation":
                basis = "; ".join(f"`{v}`: {law.letter_basis(kind, v)}" for v in forms)
            else:
                basis = law.letter_basis(kind)
            remedy = REMEDY_WORDS[law.remedy_form(kind)]
        lines.append(f"| `{kind}` | {title} | {code} | {_cell(shown)} | {_cell(basis)} | {remedy} | "
                     f"{_cell(law.closing(kind))} |")
    return "\n".join(lines)


def report_rows() -> str:
    """docs/report.md: the 25 rows of table 三 with the outcome codes counted in each."""
    from request_flow.domain import report as R

    lines = ["| row code | row (as printed) | outcome codes counted |", "|---|---|---|"]
    for row in R.ROWS:
        codes = ", ".join(f"`{c}`" for c in R.outcomes_of_row(row))
        lines.append(f"| `{row}` | {R.row_label(row)} | {_cell(codes)} |")
    return "\n".join(lines)


def report_columns() -> str:
    """docs/report.md: the columns of table 三 and the rows and columns of table 四."""
    from request_flow.domain import report as R

    t3 = ", ".join(f"`{c}` {label}" for c, label in R.COLUMNS.items())
    t4_rows = ", ".join(f"`{k}` {label}" for k, label in R.APPEAL_ROWS.items())
    t4_cols = ", ".join(f"`{k}` {label}" for k, label in R.APPEAL_COLUMNS.items())
    checks = "\n".join(f"{i}. `{name}`: {title}" for i, (name, title) in enumerate(R.CHECK_TITLES.items(), 1))
    return (f"- Table 三 columns: {t3}.\n- Table 四 rows: {t4_rows}.\n- Table 四 columns: {t4_cols}.\n\n"
            f"The checks, by the name they carry in the JSON `checks` list:\n\n{checks}")


def states() -> str:
    """docs/procedure.md: the states of a case with their Chinese labels."""
    from request_flow.domain.lifecycle import CONCLUDED_STATES, OPEN_STATES, STATE_LABELS

    def kind(s: str) -> str:
        return "open" if s in OPEN_STATES else ("concluded" if s in CONCLUDED_STATES else "void")

    lines = ["| state | shown as | |", "|---|---|---|"]
    lines += [f"| `{s}` | {label} | {kind(s)} |" for s, label in STATE_LABELS.items()]
    return "\n".join(lines)


BLOCKS: dict[str, tuple[str, Callable[[], str]]] = {
    "outcomes": ("docs/outcomes.md", outcomes),
    "withheld-codes": ("docs/outcomes.md", withheld_codes),
    "letters": ("docs/letters.md", letters),
    "report-rows": ("docs/report.md", report_rows),
    "report-columns": ("docs/report.md", report_columns),
    "states": ("docs/procedure.md", states),
}


def block_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- BEGIN GENERATED {re.escape(name)}: scripts/docs-tables.py -->\n)(.*?)"
                      rf"(<!-- END GENERATED {re.escape(name)} -->)", re.S)


def render(root: Path = ROOT) -> dict[Path, str]:
    """Every docs/ file that holds a generated block, with its blocks as the code gives them now."""
    out: dict[Path, str] = {}
    for name, (file, make) in BLOCKS.items():
        path = root / file
        text = out.get(path) or path.read_text(encoding="utf-8")
        pattern = block_re(name)
        if not pattern.search(text):
            raise SystemExit(f"{path.relative_to(ROOT)}: no generated block named {name!r}")
        table = make()
        out[path] = pattern.sub(lambda m, table=table: m.group(1) + table + "\n" + m.group(3), text)
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path, text in render().items():
        if path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    if check and stale:
        names = ", ".join(str(p.relative_to(ROOT)) for p in stale)
        print(f"generated tables differ from the code in {names}: run scripts/docs-tables.py", file=sys.stderr)
        return 1
    if not check:
        print("written: " + (", ".join(str(p.relative_to(ROOT)) for p in stale) or "nothing changed"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
