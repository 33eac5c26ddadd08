"""Alembic environment: the app database's models, on the connection or URL it is given."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from appdb.db import engine_url
from appdb.models import Base
from retrieval.settings import load_settings

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url") or load_settings().database_url
    if not url:
        raise SystemExit("Set DATABASE_URL (or pass --url) to say which database to migrate")
    with create_engine(engine_url(url)).begin() as conn:
        _run(conn)
