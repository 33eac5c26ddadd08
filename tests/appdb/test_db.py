"""The app database on SQLite and on PostgreSQL: the same tests, through `app_db_url`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, inspect, select

from admin.history import activation_history, record_activation
from appdb import AppDB, Base, EvalRun, Feedback, QuestionLog
from appdb.db import engine_url


def _log(db: AppDB, n: int, **extra: object) -> int | None:
    return db.log_question(session_id="s1", question=f"can we bill 77370? #{n}",
                           kb_version="v1", top_entry="doc:1", top_score=0.71, abstained=False,
                           latency_ms=12.5, **extra)


def test_tables_are_created(app_db_url: str) -> None:
    db = AppDB(app_db_url)
    assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())


def test_question_log_and_feedback_round_trip(app_db_url: str) -> None:
    db = AppDB(app_db_url)
    ids = [_log(db, n) for n in range(3)]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 3
    assert db.record_feedback(ids[1], 0, "doc:1", "wrong code") is True  # type: ignore[arg-type]
    recent = db.recent_questions(limit=2)
    assert [q.question for q in recent] == ["can we bill 77370? #2", "can we bill 77370? #1"]
    assert isinstance(recent[0].asked_at, datetime)
    with db.session() as s:
        fb = s.scalars(select(Feedback)).one()
        assert (fb.question_id, fb.rating, fb.entry_id, fb.comment) == (ids[1], 0, "doc:1",
                                                                         "wrong code")
        assert s.scalar(select(func.count()).select_from(QuestionLog)) == 3


def test_unicode_and_long_text_are_kept(app_db_url: str) -> None:
    db = AppDB(app_db_url)
    question = "Può il fisico fatturare 77370 — “dopo” la RT? ✓ " + "x" * 5000
    qid = db.log_question(session_id="s2", question=question, kb_version=None, top_entry=None,
                          top_score=None, abstained=True)
    assert qid is not None
    assert db.recent_questions(1)[0].question == question


def test_eval_runs_keep_their_json(app_db_url: str) -> None:
    db = AppDB(app_db_url)
    metrics = {"accuracy": 0.93, "latency_ms": {"median": 9.1, "p95": 14.0}}
    with db.session() as s:
        s.add(EvalRun(sets="seed-heldout.jsonl", kb_version="v1", metrics=metrics,
                      result={"rows": [{"id": "h-1", "abstained": False}]}))
    with db.session() as s:
        run = s.scalars(select(EvalRun)).one()
        assert run.metrics == metrics and run.result == {"rows": [{"id": "h-1",
                                                                    "abstained": False}]}


def test_activation_history(app_db_url: str) -> None:
    db = AppDB(app_db_url)
    assert record_activation(db, version="v2", previous="v1", actor="ann@host (cli)",
                             action="ingest", documents=["astro-daily-practice-physics"],
                             counts={"added": 1, "entries": 6}, note=None)
    record_activation(db, version="v1", previous="v2", actor="ann@host (cli)",
                      action="rollback", documents=["astro-daily-practice-physics"],
                      counts={"entries": 5}, note="bad answer in v2")
    history = activation_history(db)
    assert [(h.kb_version, h.action) for h in history][:2] == [("v1", "rollback"),
                                                               ("v2", "ingest")]


def test_postgres_urls_use_psycopg_3() -> None:
    assert engine_url("postgres://u:p@db:5432/qa") == "postgresql+psycopg://u:p@db:5432/qa"
    assert engine_url("postgresql://db/qa") == "postgresql+psycopg://db/qa"
    assert engine_url("postgresql+psycopg://db/qa") == "postgresql+psycopg://db/qa"
    assert engine_url("sqlite:////tmp/a.db") == "sqlite:////tmp/a.db"
