"""Alembic migrations: they build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from appdb import AppDB, Base
from appdb.migrations import FIRST, config, current, upgrade
from appdb.migrations.__main__ import main as migrations_main


def _head() -> str:
    return str(ScriptDirectory.from_config(config()).get_current_head())


def test_migrations_match_the_models(app_db_url: str) -> None:
    engine = create_engine(app_db_url)
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
        assert diff == [], f"models.py and the migrations differ; add a revision: {diff}"
        assert current(conn) == _head()


def test_upgrade_is_idempotent_and_appdb_uses_it(app_db_url: str) -> None:
    db = AppDB(app_db_url)
    assert db.log_question(session_id="s", question="q", kb_version="v", top_entry=None,
                           top_score=None, abstained=True) == 1
    AppDB(app_db_url)  # a second replica starting: nothing to do, nothing lost
    upgrade(db.engine)
    assert len(AppDB(app_db_url).recent_questions()) == 1
    with db.engine.connect() as conn:
        assert current(conn) == _head()


def test_a_database_made_before_migrations_is_adopted(app_db_url: str) -> None:
    engine = create_engine(app_db_url)
    Base.metadata.create_all(engine)  # how the first release created its tables
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO question_log (asked_at, session_id, question, abstained) "
            "VALUES ('2026-11-01 10:00:00+00:00', 's', 'kept?', false)")
    db = AppDB(app_db_url)
    assert [q.question for q in db.recent_questions()] == ["kept?"]
    with engine.connect() as conn:
        assert current(conn) == _head()
        assert "alembic_version" in inspect(conn).get_table_names()


def test_first_revision_is_the_initial_schema() -> None:
    script = ScriptDirectory.from_config(config())
    assert script.get_revision(FIRST).down_revision is None  # type: ignore[union-attr]


def test_cli_upgrade_and_current(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    res = runner.invoke(migrations_main, ["current", "--url", url])
    assert res.exit_code == 0 and "not migrated" in res.output
    res = runner.invoke(migrations_main, ["upgrade", "--url", url])
    assert res.exit_code == 0 and _head() in res.output
    res = runner.invoke(migrations_main, ["current"], env={"DATABASE_URL": url})
    assert res.exit_code == 0 and res.output.strip() == _head()
    res = runner.invoke(migrations_main, ["current"], env={"DATABASE_URL": ""})
    assert res.exit_code != 0 and "DATABASE_URL" in res.output
