"""The terminal for people: a Rich console (imported only by commands that print for people, never on the JSON
read path)."""

from __future__ import annotations

from typing import Any


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, width=width())


def width() -> int | None:
    """The width to print in: the terminal's own (None: Rich asks it); for a pipe or a log file, COLUMNS when the
    environment sets it, else a wide page rather than columns cut to 80 characters."""
    import os
    import sys

    if sys.stdout.isatty():
        return None
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and 20 <= int(columns) <= 1000 else 160
