"""Tables of the app database (SQLAlchemy 2 declarative)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class QuestionLog(Base):
    """Every question asked in the chat, with what came back."""

    __tablename__ = "question_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    question: Mapped[str] = mapped_column(Text)
    kb_version: Mapped[str | None] = mapped_column(String(64))
    top_entry: Mapped[str | None] = mapped_column(String(255))
    top_score: Mapped[float | None] = mapped_column(Float)
    abstained: Mapped[bool] = mapped_column(Boolean, index=True)
    read_as: Mapped[str | None] = mapped_column(Text)
    latency_ms: Mapped[float | None] = mapped_column(Float)


class Feedback(Base):
    """A coder's thumbs up/down (and optional comment) on one answer."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question_log.id"), index=True)
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    entry_id: Mapped[str | None] = mapped_column(String(255))
    rating: Mapped[int] = mapped_column(Integer)  # 1 = thumbs up, 0 = thumbs down
    comment: Mapped[str | None] = mapped_column(Text)


class EvalRun(Base):
    """One eval run (trainers' history): sets, KB version, metrics, the full result JSON."""

    __tablename__ = "eval_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    sets: Mapped[str] = mapped_column(Text)
    kb_version: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Activation(Base):
    """A KB version made active (ingest or rollback): who, when, what, and why."""

    __tablename__ = "activation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    kb_version: Mapped[str] = mapped_column(String(64))
    previous: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(32))  # "ingest" | "rollback"
    documents: Mapped[list[str]] = mapped_column(JSON)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)  # e.g. the reason for a quality-gate override
