"""`python -m appdb.migrations [upgrade|current|revision -m MSG]` on DATABASE_URL."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from alembic import command
from sqlalchemy import create_engine

from appdb.db import engine_url
from appdb.migrations import config, current, upgrade
from retrieval.settings import load_settings


def _url(url: str | None) -> str:
    url = url or load_settings().database_url
    if not url:
        raise click.UsageError("set DATABASE_URL or pass --url (e.g. sqlite:///data/app.db)")
    return engine_url(url)


@click.group()
def main() -> None:
    """Schema migrations of the app database (the app also upgrades on start-up)."""


@main.command("upgrade")
@click.option("--url", default=None, help="Database URL [default: env DATABASE_URL].")
def upgrade_cmd(url: str | None) -> None:
    """Bring the database to the newest schema."""
    engine = create_engine(_url(url))
    upgrade(engine)
    with engine.connect() as conn:
        click.echo(f"schema at revision {current(conn)}")


@main.command("current")
@click.option("--url", default=None, help="Database URL [default: env DATABASE_URL].")
def current_cmd(url: str | None) -> None:
    """Print the database's schema revision."""
    with create_engine(_url(url)).connect() as conn:
        click.echo(current(conn) or "(none: not migrated yet)")


@main.command("revision")
@click.option("-m", "message", required=True, help="What changed in models.py.")
def revision_cmd(message: str) -> None:
    """Autogenerate a new revision from models.py (against a scratch SQLite database)."""
    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{Path(d) / 'scratch.db'}"
        upgrade(create_engine(url))
        command.revision(config(url=url), message=message, autogenerate=True)


if __name__ == "__main__":
    main()
