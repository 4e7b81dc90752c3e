"""What every command shares: the context, the JSON option and output, date parsing. Imported by `app` and by
every command module (none of them imports `app`: the modules stack one way, docs/decisions.md)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer

from .. import services
from ..domain.errors import BadInput

JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]
OnOpt = Annotated[str | None, typer.Option("--on", help="办理日期 YYYY-MM-DD（默认：今天，北京时间）")]


def parse_date(value: str | None, what: str = "日期") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{what}「{value}」无效：应为实际存在的日期，格式 YYYY-MM-DD") from None


def emit(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def context() -> services.Context:
    return services.context()
