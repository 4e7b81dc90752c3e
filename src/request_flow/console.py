"""The terminal for people: a Rich console (imported only by commands that print for people, never on the JSON
read path)."""

from __future__ import annotations

from typing import Any


def console() -> Any:
    import sys

    from rich.console import Console

    # A pipe or a log file gets a wide page rather than columns cut to 80 characters.
    return Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
