"""Schema migrations (Alembic), run by `request-flow init`: creates or upgrades, safe to run again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def revision(url: str, message: str) -> None:  # for developers: python -m request_flow.store.migrate "msg"
    command.revision(alembic_config(url), message=message, autogenerate=True)


if __name__ == "__main__":
    import sys
    import tempfile

    tmp = tempfile.mkdtemp()
    db = f"sqlite:///{tmp}/rev.db"
    upgrade(db)
    revision(db, sys.argv[1])
