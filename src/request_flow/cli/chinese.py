"""Help screens in Chinese: Typer's command and group classes with the help's own words (the usage line, the
section headings, the placeholders of arguments and option values, the notes in brackets, `--help`'s line) in
Chinese, and laid out by the columns a terminal gives a Chinese character (two), not by the count of characters.

Option and command names are not translated: scripts call them (docs/contract.md). An argument is named by its
`metavar` (set where it is declared, e.g. `案件ID`; click's errors name it the same way: "缺少参数 案件ID"); an
option's value is named by its `metavar`, or else by its type and its help (`value_name`).

`ChineseTyper` is the `typer.Typer` every command module uses: it passes these classes as `cls=` to its groups
and commands. Only Typer is imported here, so that any module of the command line may use it (docs/decisions.md,
"2026-11-30 Chinese help and shell completion").
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from enum import Enum
from typing import Any, get_args, get_origin

import typer
from typer._click.formatting import HelpFormatter, join_options
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

USAGE_PREFIX = "用法："
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]…"
HELP_OPTION_HELP = "显示本帮助并退出"
ARGUMENTS, OPTIONS, COMMANDS = "参数", "选项", "命令"
FIRST_COLUMN_MAX = 30  # columns; a longer name puts its help on the next line, as click does


# -- layout by terminal columns ------------------------------------------------------------------------------------

def columns(text: str) -> int:
    """The columns `text` takes in a terminal: two for a wide (Chinese) character, one for any other."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_NO_LINE_START = set("，。；：、）」』》】！？…,.;:)]")
_NO_LINE_END = set("（「『《【([")


def _tokens(text: str) -> list[str]:
    """Spaces, runs of narrow characters (a code, an option, a date, a number) and single wide characters: a line
    may break between any two tokens, never inside a run."""
    out: list[str] = []
    kind = ""
    for ch in text:
        k = "space" if ch.isspace() else ("wide" if columns(ch) == 2 else "narrow")
        if out and k == kind and k != "wide":
            out[-1] += ch
        else:
            out.append(ch)
        kind = k
    return out


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns, breaking at spaces and between Chinese characters; closing
    punctuation does not start a line (it may hang one column over), opening punctuation does not end one."""
    lines: list[str] = []
    line = ""
    for tok in _tokens(text):
        if tok.isspace():
            if line and columns(line) + len(tok) <= width:
                line += tok
            elif line:
                lines.append(line)
                line = ""
            continue
        fits = columns(line) + columns(tok) <= width
        if not line or fits or (tok[0] in _NO_LINE_START and columns(line) + columns(tok) <= width + 2):
            line += tok
            continue
        carried = ""
        while line and line[-1] in _NO_LINE_END:
            line, carried = line[:-1], line[-1] + carried
        if line.strip():
            lines.append(line.rstrip())
        line = carried + tok
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def join_lines(text: str) -> str:
    """One paragraph's lines as one line: joined by a space between Latin words, by nothing between Chinese ones
    (a docstring broken between two Chinese characters must not show a space there)."""
    parts = [p.strip() for p in text.splitlines() if p.strip()]
    out = ""
    for p in parts:
        if out and not (columns(out[-1]) == 2 or columns(p[0]) == 2):
            out += " "
        out += p
    return out


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def write_text(formatter: HelpFormatter, text: str, indent: int) -> None:
    """Paragraphs wrapped to the page; a paragraph that starts with a line `\\b` is kept as written (click's rule)."""
    width = max(formatter.width - indent, 20)
    for i, para in enumerate(_paragraphs(text)):
        if i:
            formatter.write("\n")
        if para.lstrip(" ").startswith("\b"):
            lines = para.lstrip(" ").splitlines()[1:]
        else:
            lines = wrap(join_lines(para), width)
        for line in lines:
            formatter.write(" " * indent + line + "\n")


def write_rows(formatter: HelpFormatter, rows: list[tuple[str, str]]) -> None:
    """A definition list (names on the left, their help on the right), measured in terminal columns."""
    if not rows:
        return
    indent = formatter.current_indent
    first = min(max(columns(name) for name, _ in rows), FIRST_COLUMN_MAX) + 2
    width = max(formatter.width - indent - first, 20)
    for name, help_text in rows:
        lines = wrap(join_lines(help_text), width) if help_text.strip() else []
        if not lines:
            formatter.write(" " * indent + name + "\n")
            continue
        if columns(name) <= first - 2:
            formatter.write(" " * indent + name + " " * (first - columns(name)) + lines[0] + "\n")
            rest = lines[1:]
        else:
            formatter.write(" " * indent + name + "\n")
            rest = lines
        for line in rest:
            formatter.write(" " * (indent + first) + line + "\n")


def write_section(formatter: HelpFormatter, title: str, rows: list[tuple[str, str]]) -> None:
    if not rows:
        return
    formatter.write_paragraph()
    formatter.write(" " * formatter.current_indent + title + "：\n")
    with formatter.indentation():
        write_rows(formatter, rows)


# -- what each parameter shows ---------------------------------------------------------------------------------------

def value_name(option: TyperOption) -> str:
    """The placeholder of an option's value: its `metavar`; else by type (整数, 数字); a code option (one that
    completes its codes) 代码; by its help: 日期 (YYYY-MM-DD), 文件夹, 文件; else 文本."""
    if option.metavar:
        return option.metavar
    annotation = option.type_descriptor.annotation
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    if annotation is int:
        return "整数"
    if annotation is float:
        return "数字"
    if annotation is bool:
        return "是或否"
    if option._custom_shell_complete is not None:
        return "代码"
    help_text = option.help or ""
    if "YYYY-MM-DD" in help_text:
        return "日期"
    if "文件或文件夹" in help_text:
        return "文件或文件夹"
    if "文件夹" in help_text:
        return "文件夹"
    if "文件" in help_text:
        return "文件"
    return "文本"


def argument_name(argument: TyperArgument) -> str:
    name = argument.metavar or argument.name or ""
    return name + ("…" if argument.nargs != 1 else "")


def range_note(low: float | None, high: float | None) -> str | None:
    if low is None and high is None:
        return None
    if high is None:
        return f"不小于 {low}"
    if low is None:
        return f"不大于 {high}"
    return f"范围 {low} 至 {high}" if low < 0 else f"范围 {low}–{high}"


def _default_note(param: TyperArgument | TyperOption, ctx: typer.Context) -> str | None:
    if isinstance(param.show_default, str):
        return param.show_default
    if not (param.show_default or ctx.show_default):
        return None
    if isinstance(param, TyperOption) and (param.is_flag or param.count):
        return None  # a flag's default is its absence
    value = param.default
    if value is None or callable(value) or value in ((), []):
        return None
    if isinstance(value, (list, tuple)):
        return "、".join(str(v.value if isinstance(v, Enum) else v) for v in value)
    return str(value.value if isinstance(value, Enum) else value)


def notes(param: TyperArgument | TyperOption, ctx: typer.Context) -> list[str]:
    """The bracketed notes after a parameter's help: environment variable, default, range, required."""
    out = []
    if param.show_envvar and param.envvar:
        out.append("环境变量：" + (param.envvar if isinstance(param.envvar, str) else "、".join(param.envvar)))
    default = _default_note(param, ctx)
    if default:
        out.append(f"默认：{default}")
    if not (isinstance(param, TyperOption) and param.count and param.min == 0 and param.max is None):
        rng = range_note(param.min, param.max)
        if rng:
            out.append(rng)
    if param.required:
        out.append("必填")
    return out


def help_record(param: Any, ctx: typer.Context) -> tuple[str, str] | None:
    if getattr(param, "hidden", False):
        return None
    if isinstance(param, TyperArgument):
        name = argument_name(param)
    elif isinstance(param, TyperOption):
        names = [join_options(param.opts)[0]]
        if param.secondary_opts:
            names.append(join_options(param.secondary_opts)[0])
        if not param.is_flag and not param.count:
            names = [f"{n} {value_name(param)}" for n in names]
        name = " / ".join(names)
    else:  # pragma: no cover - a plain click parameter: its own record
        return param.get_help_record(ctx)
    text = param.help or ""
    extra = notes(param, ctx)
    if extra:
        text = f"{text}  [{'；'.join(extra)}]" if text else f"[{'；'.join(extra)}]"
    return name, text


def first_sentence(help_text: str | None) -> str:
    """A command's line in its group's list: the first sentence of its help, whole (up to the first 。)."""
    paragraphs = _paragraphs(inspect.cleandoc(help_text or "").partition("\f")[0])
    if not paragraphs:
        return ""
    text = join_lines(paragraphs[0].replace("\b", ""))
    end = text.find("。")
    return text[: end + 1] if end >= 0 else text


# -- the command classes ---------------------------------------------------------------------------------------------

class _ChineseHelp:
    """The help formatting shared by commands and groups (mixed in before Typer's class)."""

    def format_usage(self, ctx: typer.Context, formatter: HelpFormatter) -> None:
        prefix = " " * formatter.current_indent + USAGE_PREFIX + ctx.command_path + " "
        lines = wrap(" ".join(self.collect_usage_pieces(ctx)), max(formatter.width - columns(prefix), 20))
        formatter.write(prefix + lines[0] + "\n")
        for line in lines[1:]:
            formatter.write(" " * columns(prefix) + line + "\n")

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = []
        if self.options_metavar:
            pieces.append(OPTIONS_METAVAR if self.options_metavar == "[OPTIONS]" else self.options_metavar)
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
            elif not isinstance(param, TyperOption):  # pragma: no cover
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def get_help_option(self, ctx: typer.Context) -> TyperOption | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    def format_help_text(self, ctx: typer.Context, formatter: HelpFormatter) -> None:
        text = inspect.cleandoc(self.help or "").partition("\f")[0]
        if text.strip():
            formatter.write_paragraph()
            write_text(formatter, text, formatter.current_indent + 2)

    def format_parameters(self, ctx: typer.Context, formatter: HelpFormatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = help_record(param, ctx)
            if record is not None:
                (arguments if isinstance(param, TyperArgument) else options).append(record)
        write_section(formatter, ARGUMENTS, arguments)
        write_section(formatter, OPTIONS, options)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The whole first sentence, not click's first 45 characters and "...": a group's list and the shells'
        completion menus show it."""
        if self.short_help:
            return inspect.cleandoc(self.short_help)
        return first_sentence(self.help)


class ChineseCommand(_ChineseHelp, TyperCommand):
    def format_options(self, ctx: typer.Context, formatter: HelpFormatter) -> None:
        self.format_parameters(ctx, formatter)


class ChineseGroup(_ChineseHelp, TyperGroup):
    def __init__(self, *, subcommand_metavar: str | None = None, **kwargs: Any) -> None:
        super().__init__(subcommand_metavar=subcommand_metavar or SUBCOMMAND_METAVAR, **kwargs)

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        return [*super().collect_usage_pieces(ctx), self.subcommand_metavar]

    def format_options(self, ctx: typer.Context, formatter: HelpFormatter) -> None:
        self.format_parameters(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: typer.Context, formatter: HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str()))
        write_section(formatter, COMMANDS, rows)


class ChineseTyper(typer.Typer):
    """`typer.Typer` whose groups and commands print their help in Chinese (and show no rich markup)."""

    def __init__(self, *, cls: type[TyperGroup] | None = None, rich_markup_mode: Any = None, **kwargs: Any) -> None:
        super().__init__(cls=cls or ChineseGroup, rich_markup_mode=rich_markup_mode, **kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any) -> Any:
        return super().command(name, cls=cls or ChineseCommand, **kwargs)
