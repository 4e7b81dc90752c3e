"""Shell completion: `request-flow completion SHELL` prints the script, and the installed program answers the
shell's requests through its real entry point (main.run), commands, options and codes alike."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from conftest import EXE
from request_flow.domain.codes import OUTCOMES

BASH = shutil.which("bash")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REQUEST_FLOW_", "_REQUEST_FLOW_", "_TYPER_"))}
    env["PATH"] = str(Path(EXE).parent) + os.pathsep + env.get("PATH", "/usr/bin:/bin")
    return {**env, **extra}


def _run(*args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, text=True, env=_env(**extra), timeout=60)


@pytest.fixture(scope="module")
def bash_script() -> str:
    r = _run("completion", "bash")
    assert r.returncode == 0 and not r.stderr, r.stderr
    return r.stdout


def _tab(script: str, line: str, **env: str) -> list[str]:
    """What bash offers for `line` (the cursor at its end): the script sourced, the words of the line in
    COMP_WORDS as bash would set them, the registered function called, COMPREPLY printed."""
    words = line.split(" ")
    program = "\n".join([
        script,
        "fn=$(complete -p request-flow | sed -E 's/.* -F ([^ ]+) .*/\\1/')",
        f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})",
        f"COMP_CWORD={len(words) - 1}",
        f'"$fn" request-flow {shlex.quote(words[-1])} {shlex.quote(words[-2])}',
        'printf "%s\\n" "${COMPREPLY[@]}"',
    ])
    r = subprocess.run([BASH, "--norc", "--noprofile", "-c", program], capture_output=True, text=True,
                       env=_env(**env), timeout=60)
    assert r.returncode == 0 and not r.stderr, r.stderr
    return [w for w in r.stdout.splitlines() if w]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_bash_completes_commands_options_and_codes(bash_script):
    assert "complete -o default -F _request_flow_completion request-flow" in bash_script
    assert sorted(_tab(bash_script, "request-flow ca")) == ["calendar", "case"]
    assert sorted(_tab(bash_script, "request-flow case de")) == ["decide", "delivered"]
    assert _tab(bash_script, "request-flow case decide X --ou") == ["--outcome"]
    withheld = [code for code in OUTCOMES if code.startswith("withheld.")]
    assert _tab(bash_script, "request-flow case decide X --outcome with") == withheld
    assert _tab(bash_script, "request-flow --body XX case new --channel o") == ["ordinary_mail", "online"]
    assert _tab(bash_script, "request-flow completion ") == ["bash", "zsh", "fish"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_name_the_program(shell):
    r = _run("completion", shell)
    assert r.returncode == 0 and not r.stderr, r.stderr
    assert "request-flow" in r.stdout and f"_REQUEST_FLOW_COMPLETE=complete_{shell}" in r.stdout


def test_zsh_and_fish_are_answered_with_the_chinese_label_of_each_code():
    """What the zsh and fish scripts ask the program (those shells need not be installed to ask it)."""
    line = "request-flow case decide X --outcome withheld.st"
    r = _run(_REQUEST_FLOW_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS=line)
    assert r.returncode == 0 and '"withheld.state_secret":"属于国家秘密"' in r.stdout, r.stdout + r.stderr
    r = _run(_REQUEST_FLOW_COMPLETE="complete_fish", _TYPER_COMPLETE_FISH_ACTION="get-args",
             _TYPER_COMPLETE_ARGS="request-flow case new --type natural")
    assert r.returncode == 0 and r.stdout.splitlines() == ["natural_person\t自然人"], r.stdout + r.stderr


def test_an_unknown_shell_is_one_chinese_line():
    r = _run("completion", "tcsh")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines() == ["错误：不支持为「tcsh」生成补全脚本：应为 bash、zsh 或 fish"]


def test_completion_help_says_how_to_install_it():
    out = _run("completion", "--help").stdout
    assert out.startswith("用法：request-flow completion [选项] 终端类型\n")
    for words in ('eval "$(request-flow completion bash)"', "~/.bashrc", "/etc/bash_completion.d/request-flow",
                  "~/.zshrc", "~/.config/fish/completions/request-flow.fish"):
        assert words in out, words


def _reply_due(received: date) -> date:
    """Art. 33: the 20th working day after the day of receipt, counted on the official calendar."""
    day, n = received, 0
    while n < 20:
        day += timedelta(days=1)
        n += chinese_calendar.is_workday(day)
    return day


def _two_cases(rf, received: date) -> tuple[str, str]:
    """Two applications received in person on `received` (张三's, then 李四's): their registration numbers."""
    return tuple(rf.json("case", "new", "--applicant", name, "--type", "natural_person", "--channel", "in_person",
                         "--received", received.isoformat(), "--on", received.isoformat())["id"] for name in ("张三", "李四"))


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_case_ids_complete_from_the_database_with_state_and_deadline(bash_script, rf_sqlite):
    received = date(2026, 11, 2)
    first, second = _two_cases(rf_sqlite, received)
    rf_sqlite.ok("case", "withdraw", second, "--on", "2026-11-10")
    prefix = first[: first.rindex("-") + 1]  # the body's code and the year: both cases
    assert sorted(_tab(bash_script, f"request-flow case show {prefix}", REQUEST_FLOW_DATABASE_URL=rf_sqlite.url)) \
        == sorted([first, second])
    assert _tab(bash_script, f"request-flow case decide {second}", REQUEST_FLOW_DATABASE_URL=rf_sqlite.url) \
        == [second]
    # --db on the line names the database, as it does for the command itself
    assert _tab(bash_script, f"request-flow --db {rf_sqlite.url} case extend {first}") == [first]

    # zsh shows each with its state and next deadline (never the applicant's name), open cases first
    r = _run(_REQUEST_FLOW_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS=f"request-flow case show {prefix}",
             REQUEST_FLOW_DATABASE_URL=rf_sqlite.url)
    assert r.returncode == 0, r.stderr
    assert f'"{first}":"办理中，期限 {_reply_due(received).isoformat()}"' in r.stdout, r.stdout
    assert f'"{second}":"已办结"' in r.stdout and r.stdout.index(first) < r.stdout.index(second), r.stdout
    assert "张三" not in r.stdout and "李四" not in r.stdout


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_case_id_completion_without_a_database_offers_nothing_and_creates_nothing(bash_script, tmp_path):
    missing = tmp_path / "none" / "rf.db"
    assert _tab(bash_script, "request-flow case show EX", REQUEST_FLOW_DATABASE_URL=f"sqlite:///{missing}") == []
    assert not missing.exists() and not missing.parent.exists()
    # a server that does not answer: nothing offered either, and no error in the middle of the line
    assert _tab(bash_script, "request-flow case show EX",
                REQUEST_FLOW_DATABASE_URL="postgresql+psycopg2://nobody@127.0.0.1:1/none") == []


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_letter_numbers_complete_from_the_case_on_the_line(bash_script, rf_sqlite):
    one, other = _two_cases(rf_sqlite, date(2026, 11, 2))
    for case_id in (one, other):
        rf_sqlite.ok("case", "request-correction", case_id, "--items", "请写明所需信息的名称", "--on", "2026-11-04")
    letters = {case_id: [x["number"] for x in rf_sqlite.json("letters", "list", case_id)] for case_id in (one, other)}
    assert len(letters[one]) == 1 and letters[one] != letters[other]
    db = {"REQUEST_FLOW_DATABASE_URL": rf_sqlite.url}
    # `case delivered ID --letter <Tab>`: the letters of that case only
    assert _tab(bash_script, f"request-flow case delivered {one} --letter ", **db) == letters[one]
    # `letters show <Tab>`: the body's letters, newest first; what is typed narrows them
    assert sorted(_tab(bash_script, "request-flow letters show ", **db)) == sorted(letters[one] + letters[other])
    assert _tab(bash_script, f"request-flow letters print {letters[other][0][:-1]}", **db) == letters[other]
    r = _run(_REQUEST_FLOW_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS=f"request-flow letters show {letters[one][0]}",
             **db)
    assert f'"{letters[one][0]}":"补正告知书，2026-11-04"' in r.stdout, r.stdout + r.stderr
