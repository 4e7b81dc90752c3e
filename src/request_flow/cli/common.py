"""What every command shares: the context, the JSON option and output, date parsing. Imported by `app` and by
every command module (none of them imports `app`: the modules stack one way, docs/decisions.md)."""

from __future__ import annotations

import errno
import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import services
from ..domain.errors import BadInput

# The ranges of the numeric options (docs/contract.md, "Numeric options"): outside them a command is refused with
# one line before it does any work, so that no option can make a command run for minutes or fill the memory.
YEARS = {"min": 2000, "max": 2099}  # a year of registration, of the calendar, of the report
WORKDAYS = {"min": -1000, "max": 1000}  # calendar add-workdays: about four years either way
DUE_WITHIN = {"min": 0, "max": 250}  # working days ahead: about a year
LIMIT = {"min": 1, "max": 100_000}  # rows listed
PERIOD = {"min": 1, "max": 60}  # a correction or reasons period in working days (the config's own cap)
EXTENSION = {"min": 1, "max": 1000}  # working days; the statute's 20 in all is then refused with its article
APPEAL_NO = {"min": 1, "max": 1000}
QUANTITY = {"min": 1, "max": 1_000_000}  # per page; per item the domain's smaller cap applies (domain/fees.py)
CONCURRENCY = {"min": 1, "max": 64}

JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]
OnOpt = Annotated[str | None, typer.Option("--on", help="办理日期 YYYY-MM-DD（默认：今天，北京时间）")]
def _completion_context(ctx: typer.Context) -> services.Context | None:
    """The context a completion reads (docs/decisions.md, "2026-11-30 Chinese help and shell completion"): the
    database and body the line names before the command (--db, --config, --body), else the environment's. None for a
    SQLite file that does not exist: a Tab must not create a database."""
    from ..config import configure

    root = ctx.find_root().params
    names = {"db": "database_url", "config": "config", "body": "body", "as_": "user"}
    configure(**{key: root[name] for name, key in names.items() if root.get(name)})
    here = services.context()
    if here.url.startswith("sqlite") and not Path(here.url.split("///", 1)[-1]).is_file():
        return None
    return here


def complete_case_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of a case ID: the body's registration numbers that start with what is typed, each with its
    state and next deadline. Any failure offers nothing: an error would land in the middle of the line being typed."""
    from ..domain.lifecycle import STATE_LABELS

    try:
        here = _completion_context(ctx)
        if here is None:
            return []
        return [(cid, STATE_LABELS.get(state, state) + (f"，期限 {due.isoformat()}" if due else ""))
                for cid, state, due in services.case_ids_starting(here, incomplete)]
    except Exception:  # noqa: BLE001 - see the docstring
        return []


def complete_letter_numbers(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of a 文号: the body's letters, newest first, that start with what is typed; each with its kind
    and issue day."""
    return _letters_for_completion(ctx, incomplete, None)


def complete_case_letters(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of the 文号 of the case typed on the line (`case delivered ID --letter`). While an option's
    value is the word being completed, click leaves the case ID among the unparsed arguments, not in the params."""
    case_id = ctx.params.get("case_id") or (ctx.args[0] if ctx.args else None)
    return _letters_for_completion(ctx, incomplete, case_id)


def _letters_for_completion(ctx: typer.Context, incomplete: str, case_id: str | None) -> list[tuple[str, str]]:
    from ..domain.codes import LETTER_KINDS

    try:
        here = _completion_context(ctx)
        if here is None:
            return []
        return [(number, f"{LETTER_KINDS[kind][0] if kind in LETTER_KINDS else kind}，{issued.isoformat()}")
                for number, kind, issued in services.letter_numbers_starting(here, incomplete, case_id=case_id)]
    except Exception:  # noqa: BLE001 - as for case IDs
        return []


# Arguments are named in Chinese where they are declared (metavar): the help and click's errors show that name.
CaseIdArg = Annotated[str, typer.Argument(metavar="案件ID", show_default=False, autocompletion=complete_case_ids)]

# The output formats of the commands that write files, for shell completion (`--format`).
FORMAT_LABELS = {"terminal": "在终端显示", "json": "JSON", "xlsx": "Excel 表格", "docx": "Word 文档",
                 "html": "网页（HTML）", "pdf": "PDF 文件"}


def code_pairs(choices: Any) -> list[tuple[str, str]]:
    """The codes of a code option with their Chinese labels: a StrEnum whose members have `.label`, a dict of code
    to label, or a dict of code to a tuple whose first item is the label (`LETTER_KINDS`)."""
    if isinstance(choices, type):
        return [(str(m.value), m.label) for m in choices]
    return [(code, label[0] if isinstance(label, tuple) else label) for code, label in choices.items()]


def complete_codes(choices: Any, only: tuple[str, ...] | None = None):
    """Shell completion of a code option (`autocompletion=`): the codes, each with its Chinese label as the help
    the shell shows beside it; `only` keeps the codes the option accepts when the set has more."""
    pairs = [(c, label) for c, label in code_pairs(choices) if only is None or c in only]

    def complete(incomplete: str) -> list[tuple[str, str]]:
        return [(c, label) for c, label in pairs if c.startswith(incomplete)]

    return complete


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: str | None, what: str = "日期") -> date | None:
    """A date on the command line: exactly YYYY-MM-DD (not 20261110, not a week date such as 2026-W46-2)."""
    if value is None:
        return None
    try:
        if not _ISO_DAY.fullmatch(value.strip()):
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{what}「{value}」无效：应为实际存在的日期，格式 YYYY-MM-DD") from None


def when(iso: str | None) -> str:
    """A moment of the JSON output (local time with its offset, config.iso_time) as people read it:
    2026-12-01 07:36:12, in the office's time zone."""
    return iso[:19].replace("T", " ") if iso else "—"


def emit(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def context() -> services.Context:
    return services.context()


def out_path(value: str, what: str = "--out") -> Path:
    """A file a command writes (docs/contract.md, "Output files"): a regular file is overwritten, as scheduled
    jobs expect; a symbolic link, a folder or a path whose folder does not exist is refused before any work."""
    path = Path(value)
    if path.is_symlink():
        raise BadInput(f"{what}「{value}」是符号链接：不会跟随链接写入，请写实际的文件路径")
    if path.is_dir():
        raise BadInput(f"{what}「{value}」是文件夹，应为文件名")
    if path.exists() and not path.is_file():
        raise BadInput(f"{what}「{value}」不是普通文件")
    parent = path.parent
    if not parent.is_dir():
        raise BadInput(f"{what}「{value}」所在的文件夹「{parent}」不存在")
    return path


def out_folder(value: str, what: str = "--out") -> Path:
    """A folder a command writes files into: created when missing; a symbolic link or a file is refused."""
    path = Path(value)
    if path.is_symlink():
        raise BadInput(f"{what}「{value}」是符号链接：不会跟随链接写入，请写实际的文件夹路径")
    if path.exists() and not path.is_dir():
        raise BadInput(f"{what}「{value}」不是文件夹")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"无法建立文件夹 {value}：{_os_reason(exc)}") from None
    return path


def write_out(path: Path, content: bytes, what: str = "--out") -> None:
    """Write `content` to `path` (checked by `out_path`, or a file inside an `out_folder`), never through a
    symbolic link, even one made after the check (O_NOFOLLOW)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BadInput(f"{what}「{path}」是符号链接：不会跟随链接写入，请写实际的文件路径") from None
        raise BadInput(f"无法写入文件 {path}：{_os_reason(exc)}") from None
    with os.fdopen(fd, "wb") as f:
        f.write(content)


def _os_reason(exc: OSError) -> str:
    from ..reporting import os_reason

    return os_reason(exc)
