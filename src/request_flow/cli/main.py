"""Entry point: settings options anywhere on the line, exit statuses of docs/contract.md, one Chinese line on error.

0 done; 1 refused (a statutory rule, the case's state, a concurrent change); 2 bad usage or malformed input.
"""

from __future__ import annotations

import os
import re
import sys

GLOBAL_OPTIONS = {"--db": "database_url", "--config": "config", "--body": "body", "--as": "user"}


def split_global_options(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """Take the settings options (--db, --config, --body, --as) from anywhere on the command line."""
    options: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if name in GLOBAL_OPTIONS:
            if not eq:
                if i + 1 >= len(argv):
                    raise UsageProblem(f"选项 {name} 需要一个值")
                value = argv[i + 1]
                i += 1
            options[GLOBAL_OPTIONS[name]] = value
        else:  # after "--" too: `report correct … -- --as NAME case …` runs the inner command as NAME
            rest.append(arg)
        i += 1
    return options, rest


class UsageProblem(Exception):
    pass


def _shown(value: str) -> str:
    """A value as an error line quotes it: a 5,000-digit number is shown by its start and its length."""
    return value if len(value) <= 40 else f"{value[:20]}…（共{len(value)}个字符）"


def _bound(m: re.Match) -> str:
    """The range an option broke (docs/contract.md, "Numeric options"), in words."""
    if m[2] == "greater" and m[3] == "0":
        return f"{m[1]} 的值超出允许范围：应为非负整数（各选项的范围见 docs/contract.md）"
    return f"{m[1]} 的值超出允许范围：应不{'大' if m[2] == 'less' else '小'}于 {m[3]}（各选项的范围见 docs/contract.md）"


_CLICK_MESSAGES = [
    (r"No such option: (\S+)(?: Did you mean (\S+)\?)?", lambda m: f"没有选项 {m[1]}" + (f"（是否想用 {m[2]}？）" if m[2] else "")),
    (r"Missing option '([^']+)'.*", lambda m: f"缺少必需的选项 {m[1]}"),
    (r"Missing argument '([^']+)'.*", lambda m: f"缺少参数 {m[1]}"),
    (r"No such command '([^']+)'.*", lambda m: f"没有命令「{m[1]}」（用 --help 查看可用命令）"),
    (r"Invalid value for '([^']+)': '([^']*)' is not a valid integer.*", lambda m: f"{m[1]} 的值「{_shown(m[2])}」不是整数"),
    (r"Invalid value for '([^']+)': Input should be (less|greater) than or equal to (-?\d+).*", _bound),
    (r"Invalid value for '([^']+)': Unable to parse input string as an integer, exceeded maximum size.*",
     lambda m: f"{m[1]} 的值超出允许范围：数字过长（各选项的范围见 docs/contract.md）"),
    (r"Invalid value for '([^']+)': (.*)", lambda m: f"{m[1]} 的值无效：{m[2]}"),
    (r"Option '([^']+)' requires an argument.*", lambda m: f"选项 {m[1]} 需要一个值"),
    (r"Got unexpected extra arguments? \((.*)\)", lambda m: f"多余的参数：{m[1]}"),
    (r"Missing command.*", lambda m: "缺少命令（用 --help 查看可用命令）"),
]


_VALUE_MESSAGES = [
    ("Input should be a valid integer", "应为整数"),
    ("Input should be a valid number", "应为数字"),
    ("Input should be a valid boolean", "应为是或否"),
]


def translate_usage(message: str) -> str:
    for english, chinese in _VALUE_MESSAGES:
        message = re.sub(re.escape(english) + r"[^\n]*", chinese, message)
    for pattern, fmt in _CLICK_MESSAGES:
        m = re.match(pattern, message.strip(), re.S)
        if m:
            return fmt(m)
    return message.strip()


def fail(message: str, code: int) -> int:
    sys.stderr.write("错误：" + message.strip().splitlines()[0] + "\n")
    return code


def _quiet_logs() -> None:
    """The program's own log lines (English, for the workers' logs) stay out of a clerk's terminal: whatever they
    say, the command says in Chinese (a case the sweep skipped is listed with its reason). Without any handler
    Python would print warnings to stderr by itself; the workers configure their own logging."""
    import logging

    log = logging.getLogger("request_flow")
    if not log.handlers:  # a handler of its own, so Python's last-resort printing stays off; records still propagate
        log.addHandler(logging.NullHandler())


def run(argv: list[str]) -> int:
    import typer

    try:  # typer ≥ 0.2x vendors click; older releases use the click package
        from typer._click.exceptions import NoArgsIsHelpError, UsageError
    except ImportError:  # pragma: no cover
        from click.exceptions import NoArgsIsHelpError, UsageError  # type: ignore[no-redef]

    from ..config import ConfigError, configure
    from ..domain.errors import BadInput, Refused
    from ..domain.workdays import MissingScheduleError
    from .completion import COMPLETE_VAR

    if os.environ.get(COMPLETE_VAR):
        return complete()
    for n, arg in enumerate(argv, 1):
        if any("\udc80" <= ch <= "\udcff" for ch in arg):  # bytes that are not UTF-8, as Python passes them on
            return fail(f"第{n}个参数不是有效的 UTF-8 文字（请检查终端或脚本的编码）", 2)
    try:
        options, rest = split_global_options(argv)
    except UsageProblem as exc:
        return fail(str(exc), 2)
    configure(**options)
    _quiet_logs()
    from .app import for_arguments

    try:
        result = for_arguments(rest)(args=rest, prog_name="request-flow", standalone_mode=False)
        if isinstance(result, int):  # without standalone mode, click hands back typer.Exit's code
            return result
    except typer.Exit as exc:
        return exc.exit_code
    except NoArgsIsHelpError as exc:  # `request-flow case`: the group's help, not its first line as an error
        sys.stderr.write(exc.format_message().rstrip("\n") + "\n")
        return 2
    except UsageError as exc:
        return fail("用法错误：" + translate_usage(exc.format_message()), 2)
    except typer.Abort:
        return fail("已取消", 1)
    except Refused as exc:
        return fail(str(exc), 1)
    except MissingScheduleError as exc:
        return fail(str(exc), 1)
    except (BadInput, ConfigError) as exc:
        return fail(str(exc), 2)
    except ValueError as exc:  # calendar files and other malformed input
        return fail(str(exc), 2)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: one line, never a traceback, never personal data
        if os.environ.get("REQUEST_FLOW_DEBUG"):
            raise
        from sqlalchemy.exc import OperationalError, SQLAlchemyError

        if isinstance(exc, OperationalError):
            return fail(f"无法访问数据库（请检查 --db 或 REQUEST_FLOW_DATABASE_URL，并先运行 request-flow init）：{type(exc.orig).__name__}", 2)
        if isinstance(exc, SQLAlchemyError):
            return fail(f"数据库错误：{type(exc).__name__}（未保存任何内容）", 1)
        return fail(f"内部错误：{type(exc).__name__}（未保存任何内容）", 1)
    return 0


def complete() -> int:
    """A shell asking for completions (the script of `request-flow completion` calls the program with
    _REQUEST_FLOW_COMPLETE and the words typed so far in the environment): Typer's group answers it in `main()`,
    once the shells' completion classes are registered, and exits. Nothing is configured or opened, and a failure
    prints nothing: the shell would show it in the middle of the line being typed."""
    from .app import app
    from .completion import PROG_NAME, register_shells

    register_shells()
    try:
        app(args=[], prog_name=PROG_NAME, standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except Exception:  # noqa: BLE001
        return 1
    return 1  # pragma: no cover - click always exits after answering


def main() -> None:
    sys.exit(run(sys.argv[1:]))
