"""Every help screen is in Chinese: the usage line, the sections, the placeholders, the notes, --help's own line.
Option and command names stay as they are (scripts call them, docs/contract.md). Each screen is read from the
installed command, as a clerk reads it."""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata

import pytest
import typer.main

from conftest import EXE
from request_flow.cli.app import app

ENGLISH = ("Usage", "Options", "Arguments", "Commands", "Show this message", "required", "default", "env var",
           "<str>", "<int", "{", "...")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _commands() -> list[tuple[list[str], object]]:
    """Every command and group under the application, as click sees it: (path after `request-flow`, command)."""
    found = []

    def walk(cmd, path):
        found.append((path, cmd))
        for name, sub in getattr(cmd, "commands", {}).items():
            if not sub.hidden:
                walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = _commands()


def _env(columns: int = 100) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REQUEST_FLOW_")}
    env["COLUMNS"] = str(columns)
    return env


def _help(path: list[str], columns: int = 100, installed: bool = False) -> str:
    """The help screen, from the installed command (`installed`), or from its entry point in this process: the
    same code (request_flow.cli.main.run) without the second and a half a process costs to start, for the
    seventy-odd screens of the walk."""
    if installed:
        r = subprocess.run([EXE, *path, "--help"], capture_output=True, text=True, env=_env(columns), timeout=60)
        code, out, err = r.returncode, r.stdout, r.stderr
    else:
        import contextlib
        import io

        from request_flow.cli.main import run

        saved = dict(os.environ)
        stdout, stderr = io.StringIO(), io.StringIO()
        try:
            os.environ.clear()
            os.environ.update(_env(columns))
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = run([*path, "--help"])
        finally:
            os.environ.clear()
            os.environ.update(saved)
        out, err = stdout.getvalue(), stderr.getvalue()
    assert code == 0 and not err, (path, code, err)
    return out


def test_the_installed_command_prints_the_same_help():
    for path in ([], ["case", "decide"]):
        assert _help(path, installed=True) == _help(path)


def _option_listed(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=[" ".join(p) or "(top)" for p, _ in COMMANDS])
def test_every_help_screen_is_in_chinese(path, cmd):
    out = _help(path)
    for word in ENGLISH:
        assert word not in out, f"{word!r} in the help of {' '.join(path)}:\n{out}"

    usage = out.splitlines()[0]
    prefix = " ".join(["用法：request-flow", *path]) + " "
    assert usage.startswith(prefix), usage
    for piece in usage.removeprefix(prefix).split():  # [选项], 案件ID, [文号], 报表…, 命令 [参数]…
        assert CJK.search(piece), f"placeholder {piece!r} in {usage!r}"

    assert "\n选项：\n" in out and "--help  " in out and "显示本帮助并退出" in out
    arguments = [p for p in cmd.params if p.param_type_name == "argument"]
    assert ("\n参数：\n" in out) == bool(arguments)
    assert ("\n命令：\n" in out) == bool(getattr(cmd, "commands", None))
    for param in cmd.params:
        if param.param_type_name == "argument":
            assert param.metavar and CJK.search(param.metavar) and param.metavar in out, param.name
        for name in [*param.opts, *param.secondary_opts] if param.param_type_name == "option" else []:
            assert _option_listed(name, out), f"{name} is not listed in the help of {' '.join(path)}"
    for sub in getattr(cmd, "commands", {}):
        assert re.search(rf"^  {re.escape(sub)}  ", out, re.M), f"command {sub} is not listed"

    # an option's value is named in Chinese: "--outcome 代码", "--on 日期", "--year 整数"
    for m in re.finditer(r"^ {2}(--[\w-]+(?:, --[\w-]+)*)(?: (\S+))?", out, re.M):
        assert m[2] is None or CJK.search(m[2]), m[0]


def test_the_notes_are_in_chinese():
    out = _help(["report", "annual"])
    assert re.search(r"--year 整数 +年度  \[范围 2000–2099；必填\]", out), out
    assert re.search(r"--format 格式 +terminal、json、xlsx、docx 或 html  \[默认：terminal\]", out), out
    assert "[范围 0–250]" in _help(["case", "list"])
    assert "[范围 -1000 至 1000；必填]" in _help(["calendar", "add-workdays"])


def test_case_decide_help_as_a_clerk_sees_it():
    out = _help(["case", "decide"], columns=80)
    assert out.startswith("用法：request-flow case decide [选项] 案件ID\n\n  作出处理决定")
    assert re.search(r"^参数：\n  案件ID  \[必填\]$", out, re.M)
    assert re.search(r"^  --outcome 代码 +处理结果，代码或中文名称", out, re.M)
    assert re.search(r"^  --on 日期 +办理日期 YYYY-MM-DD", out, re.M)
    assert re.search(r"^  --help +显示本帮助并退出$", out, re.M)
    # laid out by the columns a Chinese character takes (two): no line runs past the terminal's 80
    for line in out.splitlines():
        assert sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) <= 80, line


def test_a_group_lists_each_command_by_its_whole_first_sentence():
    out = _help([], columns=80)
    worker = out[out.index("  worker"):out.index("  init")]
    assert "REQUEST_FLOW_BROKER_URL（如 redis://127.0.0.1:6379/0）。" in worker
    out = _help(["deadlines"], columns=80)
    assert "对征求意见期满未答复的记录逾期未答复。" in "".join(line.strip() for line in out.splitlines())


def test_a_missing_argument_is_named_by_its_chinese_placeholder():
    r = subprocess.run([EXE, "case", "decide"], capture_output=True, text=True, env=_env(), timeout=60)
    assert r.returncode == 2
    assert r.stderr.splitlines() == ["错误：用法错误：缺少参数 案件ID"]
    assert r.stdout == ""


def test_a_group_without_a_command_shows_its_help():
    r = subprocess.run([EXE, "case"], capture_output=True, text=True, env=_env(), timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("用法：request-flow case [选项] 命令 [参数]…\n")
    assert "\n命令：\n" in r.stderr and re.search(r"^  decide +作出处理决定", r.stderr, re.M)


def test_the_command_cut_out_of_the_tree_prints_what_the_whole_tree_prints(monkeypatch):
    """The entry point builds only the command its arguments name (cli/app.py, for_arguments): every screen is
    the same as the whole application's, and a typo still gets the whole list of commands to choose from."""
    import contextlib
    import io

    from request_flow.cli.app import for_arguments

    monkeypatch.setenv("COLUMNS", "100")  # as _help
    whole = typer.main.get_command(app)
    for path, _ in COMMANDS:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            whole.main(args=[*path, "--help"], prog_name="request-flow", standalone_mode=False)
        assert _help(path) == out.getvalue(), path
    assert for_arguments(["case", "shw"]).registered_groups[0].typer_instance is app.registered_groups[0].typer_instance
    assert for_arguments(["cas", "show"]) is app
    assert for_arguments(["--help", "case"]) is app  # the top level's help lists every command


def test_every_option_says_what_it_is_for():
    """A clerk reading `--help` sees what each option asks for: none is listed with its placeholder alone."""
    bare = [f"{' '.join(path)} {param.opts[0]}" for path, cmd in COMMANDS for param in cmd.params
            if param.param_type_name == "option" and not (param.help or "").strip()]
    assert bare == []
