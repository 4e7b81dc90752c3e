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
