"""PostgreSQL down: questions are still answered; logging resumes when it returns; one log line."""

from __future__ import annotations

import logging

import pytest

from appdb import AppDB
from tests.servers import PostgresCluster, pg_bin

pytestmark = [pytest.mark.server, pytest.mark.slow]


def test_questions_are_answered_while_postgres_is_down(
        seed_retriever, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    if pg_bin() is None:
        pytest.fail("PostgreSQL server programs are missing: apt-get install postgresql")
    cluster = PostgresCluster().init().start().create_db()
    try:
        db = AppDB(cluster.url)

        def chat(question: str) -> tuple[bool, int | None]:
            """What the Ask page does: answer, then log (never failing the answer)."""
            a = seed_retriever.ask(question)
            qid = db.log_question(session_id="s", question=a.query, kb_version=a.kb_version,
                                  top_entry=a.top.entry.id if a.top else None,
                                  top_score=a.top.score if a.top else None,
                                  abstained=a.abstained)
            return bool(a.results) and not a.abstained, qid

        assert chat("can we bill 77370 after treatment ended?") == (True, 1)
        cluster.stop()
        with caplog.at_level(logging.INFO, logger="appdb.db"):
            for q in ("77370 after treatment?", "supervision for SBRT?", "weekly chart checks"):
                answered, qid = chat(q)
                assert answered and qid is None
            down = [r for r in caplog.records if "unavailable" in r.getMessage()]
            assert len(down) == 1 and down[0].levelno == logging.ERROR

            cluster.start()
            answered, qid = chat("physics consult after treatment")
            assert answered and isinstance(qid, int)
            back = [r for r in caplog.records if "back" in r.getMessage()]
            assert len(back) == 1
        assert [q.question for q in db.recent_questions()] == [
            "physics consult after treatment", "can we bill 77370 after treatment ended?"]
    finally:
        cluster.destroy()
