"""Engine, sessions and the few writes/reads the app needs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from appdb.models import Feedback, QuestionLog

log = logging.getLogger(__name__)
T = TypeVar("T")


def engine_url(url: str) -> str:
    """`postgres://` / `postgresql://` as hosting providers write them → the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class AppDB:
    """Thread-safe handle on the app database; one per process is enough."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
        elif engine_url(url).startswith("postgresql"):
            kwargs["connect_args"] = {"connect_timeout": 5}  # a down server must not hang a chat
        self.engine: Engine = create_engine(engine_url(url), **kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._failing = False
        self._flag = threading.Lock()
        if create:  # the schema by the migrations (so later model changes reach old databases)
            from appdb.migrations import upgrade

            upgrade(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as s, s.begin():
            yield s

    def safe(self, fn: Callable[[], T], default: T) -> T:
        """Run a write/read; on failure log it once (not per call) and return `default`."""
        try:
            out = fn()
        except Exception:  # any database failure: the chat must go on
            with self._flag:
                if not self._failing:
                    log.exception("app database unavailable (%s); continuing without it",
                                  self.engine.url.render_as_string(hide_password=True))
                self._failing = True
            return default
        with self._flag:
            if self._failing:
                log.warning("app database is back")
            self._failing = False
        return out

    # --- question log & feedback ---------------------------------------------------------
    def log_question(self, **fields: Any) -> int | None:
        """Insert a QuestionLog row; returns its id, or None if the database is unavailable."""

        def write() -> int | None:
            with self.session() as s:
                row = QuestionLog(**fields)
                s.add(row)
                s.flush()
                return row.id

        return self.safe(write, None)

    def record_feedback(self, question_id: int, rating: int, entry_id: str | None,
                        comment: str | None = None) -> bool:
        def write() -> bool:
            with self.session() as s:
                s.add(Feedback(question_id=question_id, rating=rating, entry_id=entry_id,
                               comment=comment or None))
            return True

        return self.safe(write, False)

    def recent_questions(self, limit: int = 100) -> list[QuestionLog]:
        def read() -> list[QuestionLog]:
            with self.session() as s:
                stmt = select(QuestionLog).order_by(QuestionLog.id.desc()).limit(limit)
                return list(s.scalars(stmt))

        return self.safe(read, [])
