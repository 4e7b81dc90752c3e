"""Alembic environment: run by `request-flow init` with the installation's database URL."""

from alembic import context
from sqlmodel import SQLModel

from request_flow.store import models  # noqa: F401  (registers the tables)
from request_flow.store.db import engine_for

config = context.config
url = config.get_main_option("sqlalchemy.url")

with engine_for(url).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
