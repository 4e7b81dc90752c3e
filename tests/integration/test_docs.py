"""The documents say what the program does."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import EXE

ROOT = Path(__file__).resolve().parents[2]


def test_readme_diagram_is_the_lifecycle_the_program_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", readme, re.S).group(1)
    drawn = subprocess.run([EXE, "lifecycle"], capture_output=True, text=True, check=True).stdout
    assert block == drawn


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1).strip().splitlines()
    assert [line.split()[0:2] for line in first_block] == [["./run", "demo"], ["./run", "test"]]
    assert "./run test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_calendar_readme_example_is_a_valid_file(tmp_path):
    from request_flow.calendar import load_calendar, parse_file

    text = (ROOT / "config" / "calendar" / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", text, re.S).group(1)
    path = tmp_path / "calendar" / "2027.toml"
    path.parent.mkdir()
    path.write_text(example, encoding="utf-8")
    years, days, label = parse_file(path)
    assert [y.year for y in years] == [2027] and label == "2027.toml v2"
    cal = load_calendar([path.parent])
    from datetime import date

    assert 2027 in cal.known_years
    assert not cal.is_workday(date(2027, 1, 1)) and cal.is_workday(date(2027, 2, 7))
    assert not cal.is_workday(date(2027, 4, 9))  # the local holiday, a Friday


def test_example_configuration_is_accepted(tmp_path):
    cfg = ROOT / "config" / "request-flow.example.toml"
    env = {"REQUEST_FLOW_CONFIG": str(cfg), "REQUEST_FLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
           "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([EXE, "init"], capture_output=True, text=True, env=env, check=True)
    r = subprocess.run([EXE, "staff", "list", "--json"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "王主任" in r.stdout


# -- docs/ describes the code, and the code points into docs/ ---------------------------------------------------------

import sys  # noqa: E402

# The product owners' specification lives outside the repository; a newcomer who has only the repository cannot
# follow a citation of one of its files. Code, templates, configuration, tests and the README cite docs/ instead.
SPEC_FILES = ("interfaces", "domain", "letters", "outcomes", "calendar", "annual-report", "CHANGES", "design")
SPEC_CITATION = re.compile(r"([\w./-]*?)\b(" + "|".join(re.escape(n) for n in SPEC_FILES) + r")\.md\b")
CITED_DOC = re.compile(r"\bdocs/([\w-]+\.md)(?:,? \"([^\"]+)\")?")
SCANNED = ("src", "workers", "bench", "templates", "config", "tests", "scripts")
SCANNED_FILES = ("README.md", "CHANGELOG.md")
TEXT_SUFFIXES = {".py", ".html", ".toml", ".md", ".sh", ".j2", ".txt", ".mako"}


def _scanned_files() -> list[Path]:
    files = [ROOT / f for f in SCANNED_FILES]
    for folder in SCANNED:
        files += [p for p in sorted((ROOT / folder).rglob("*"))
                  if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts]
    return files


def _lines(path: Path):
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        yield f"{path.relative_to(ROOT)}:{no}", line


def test_no_file_cites_the_specification_outside_the_repository():
    bad = [f"{where}: {line.strip()}" for path in _scanned_files() for where, line in _lines(path)
           for m in SPEC_CITATION.finditer(line) if m.group(1) != "docs/"]
    assert not bad, "cite docs/… instead of the specification's files:\n" + "\n".join(bad)


def test_every_cited_docs_page_and_section_exists():
    missing = []
    for path in [*_scanned_files(), *sorted((ROOT / "docs").glob("*.md"))]:
        for where, line in _lines(path):
            for m in CITED_DOC.finditer(line):
                page = ROOT / "docs" / m.group(1)
                if not page.is_file():
                    missing.append(f"{where}: docs/{m.group(1)} does not exist")
                elif m.group(2) and m.group(2) not in page.read_text(encoding="utf-8"):
                    missing.append(f"{where}: docs/{m.group(1)} has no \"{m.group(2)}\"")
    assert not missing, "\n".join(missing)


def _slug(heading: str) -> str:
    """The anchor a Markdown renderer (GitHub's) gives a heading."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_links_in_the_docs_resolve():
    broken = []
    pages = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
    for page in pages:
        for where, line in _lines(page):
            for target in re.findall(r"\]\(([^)\s]+)\)", line):
                if re.match(r"[a-z]+:", target):
                    continue
                file, _, anchor = target.partition("#")
                dest = (page.parent / file).resolve() if file else page
                if not dest.exists():
                    broken.append(f"{where}: {target} (no such file)")
                    continue
                if anchor and dest.suffix == ".md":
                    text = dest.read_text(encoding="utf-8")
                    anchors = {_slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}
                    anchors |= set(re.findall(r'<a id="([^"]+)">', text))
                    if anchor not in anchors:
                        broken.append(f"{where}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def _script(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / name), *args], capture_output=True, text=True)


def test_cli_reference_is_the_help_of_every_command():
    r = _script("cli-reference.py", "--check")
    assert r.returncode == 0, r.stderr + "(regenerate: scripts/cli-reference.py, after reinstalling the package)"
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in ("request-flow case decide", "request-flow report check", "request-flow import cases",
                    "request-flow deadlines sweep", "request-flow letters print", "request-flow calendar add-workdays"):
        assert f"## `{command}`" in reference


def test_the_generated_tables_of_the_docs_are_the_code():
    r = _script("docs-tables.py", "--check")
    assert r.returncode == 0, r.stderr + "(regenerate: scripts/docs-tables.py, after reinstalling the package)"
    from request_flow.domain import report as R
    from request_flow.domain.codes import OUTCOMES

    table = (ROOT / "docs/outcomes.md").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [re.match(r"\| `([^`]+)`", line).group(1) for line in rows] == list(OUTCOMES)
    for line, o in zip(rows, OUTCOMES.values()):
        assert o.label in line and f"`{o.report_row}` {R.row_label(o.report_row)}" in line


def test_code_named_in_the_docs_exists():
    """A page that names a module by its path (`domain/acts.py`, `src/request_flow/calendar.py`) names one that is
    there: when code moves, the page that describes it moves with it."""
    missing = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        for where, line in _lines(page):
            for name in re.findall(r"`([\w.-]+/[\w./-]+\.(?:py|html|toml))`", line):
                if not any((base / name).exists() for base in (ROOT, ROOT / "src" / "request_flow")):
                    missing.append(f"{where}: {name}")
    assert not missing, "\n".join(missing)
