#!/usr/bin/env python3
"""Write docs/cli.md, the command-line reference, from the `--help` of every command and subcommand.

    .venv/bin/python scripts/cli-reference.py           write docs/cli.md
    .venv/bin/python scripts/cli-reference.py --check   exit 1 when docs/cli.md differs from the help
    .venv/bin/python scripts/cli-reference.py --stdout  print it

It walks the Typer application (`request_flow.cli.app.app`) as Click sees it and asks each command for its
help text at a fixed width, so the result does not depend on the terminal. The help is read from the installed
package: after changing a help string, `pip install --no-deps --force-reinstall .` and run this again.
`tests/integration/test_docs.py` runs `--check`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "cli.md"
WIDTH = 120

HEADER = """\
# Command-line reference

Generated from the `--help` of every command by `scripts/cli-reference.py`; do not edit by hand (a test
regenerates it and compares). The help is in Chinese, as everything a user reads. What the commands promise to
scripts (JSON fields, exit statuses, files) is in [contract.md](contract.md); what each act does in law is in
[procedure.md](procedure.md).

The settings options `--db`, `--config`, `--body` and `--as` may stand anywhere on the line
(`request-flow case show ID --body XX`); the entry point takes them out before Typer parses the rest.

The help's own words are Chinese as well (`src/request_flow/cli/chinese.py`): 参数 are the arguments, named by
what they hold (案件ID, 文号); 选项 the options, each with what its value is (文本, 整数, 日期, 文件, 代码…);
the notes in brackets give the default (默认), the range (范围) and whether it is required (必填). Option and
command names are as scripts call them. `request-flow completion` prints the script that lets bash, zsh or fish
complete them with the Tab key.
"""


def _walk(cmd, ctx, path: list[str]):
    """Yield (path, help text) for this command and, for a group, every command under it, depth first."""
    yield path, cmd.get_help(ctx)
    list_commands = getattr(cmd, "list_commands", None)
    if list_commands is None:
        return
    for name in list_commands(ctx):
        sub = cmd.get_command(ctx, name)
        if sub is None or getattr(sub, "hidden", False):
            continue
        sub_ctx = sub.make_context(name, [], parent=ctx, resilient_parsing=True)
        yield from _walk(sub, sub_ctx, [*path, name])


def reference() -> str:
    import typer.main

    from request_flow.cli.app import app

    root = typer.main.get_command(app)
    ctx = root.make_context("request-flow", [], resilient_parsing=True, terminal_width=WIDTH,
                            max_content_width=WIDTH)
    pages = list(_walk(root, ctx, ["request-flow"]))
    toc = ["## Commands", ""]
    body = []
    for path, text in pages:
        title = " ".join(path)
        anchor = title.replace(" ", "-")
        indent = "  " * (len(path) - 1)
        toc.append(f"{indent}- [`{title}`](#{anchor})")
        body += [f'<a id="{anchor}"></a>', "", f"## `{title}`", "", "```text", text.rstrip(), "```", ""]
    return HEADER + "\n" + "\n".join(toc) + "\n\n" + "\n".join(body)


def main(argv: list[str]) -> int:
    text = reference()
    if "--stdout" in argv:
        sys.stdout.write(text)
        return 0
    if "--check" in argv:
        if not OUT.is_file() or OUT.read_text(encoding="utf-8") != text:
            print("docs/cli.md differs from the commands' --help: run scripts/cli-reference.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"written: {OUT.relative_to(ROOT)} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
