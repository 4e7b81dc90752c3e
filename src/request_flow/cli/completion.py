"""`request-flow completion SHELL`: the script that teaches bash, zsh or fish to complete request-flow's commands,
options and codes with the Tab key.

Both halves are click's shell-completion machinery as Typer vendors it (`typer._click.shell_completion`): the
script is the `source()` of the shell's completion class, and it calls the program back with
`_REQUEST_FLOW_COMPLETE=complete_<shell>` and the words typed so far; Typer's groups answer that in `main()`
before parsing anything (`_main_shell_completion`). The classes for the shells are registered by Typer's
`completion_init`, which Typer itself runs only for applications with its `--install-completion` option (not
this one): `register_shells` runs it, here and in the entry point (`main.run`) before a completion request.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..domain.errors import BadInput
from .common import complete_codes

PROG_NAME = "request-flow"
COMPLETE_VAR = "_REQUEST_FLOW_COMPLETE"  # click's name for it: _{PROG_NAME}_COMPLETE, upper case, - as _
SHELLS = {"bash": "Bash（4.4 及以上）", "zsh": "Zsh", "fish": "Fish"}


def register_shells() -> None:
    from typer.completion import completion_init

    completion_init()


def script(shell: str, cli: typer.core.TyperGroup) -> str:
    """The completion script for `shell`, naming the program and its callback variable."""
    from typer._click.shell_completion import ShellComplete, get_completion_class

    register_shells()
    cls = get_completion_class(shell) if shell in SHELLS else None
    if cls is None:
        raise BadInput(f"不支持为「{shell}」生成补全脚本：应为 bash、zsh 或 fish")
    # ShellComplete's own source(): Typer's bash class would first run bash to check its version and print an
    # English warning; the help says which versions work.
    return ShellComplete.source(cls(cli, {}, PROG_NAME, COMPLETE_VAR))


def completion_command(
    ctx: typer.Context,
    shell: Annotated[str, typer.Argument(metavar="终端类型", help="bash、zsh 或 fish", show_default=False,
                                         autocompletion=complete_codes(SHELLS))],
) -> None:
    """打印 shell 的自动补全脚本：安装后，按 Tab 键可补全命令名、选项名、代码（如 --outcome 的处理结果代码，并显示中文名称）、案件ID 和文号（本机关数据库中的案件和文书，并显示状态和最近期限或文书种类和出具日期）。

    \b
    安装（任选一种，安装后重新打开终端）：
      bash：在 ~/.bashrc 末尾加一行  eval "$(request-flow completion bash)"
            或为所有用户安装：request-flow completion bash | sudo tee /etc/bash_completion.d/request-flow
      zsh： 在 ~/.zshrc 的 compinit 之后加一行  eval "$(request-flow completion zsh)"
      fish：request-flow completion fish > ~/.config/fish/completions/request-flow.fish
    """
    typer.echo(script(shell, ctx.find_root().command))
