"""Activation history (who, when, what, why) and rollback to a kept version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import select

from appdb import Activation, AppDB
from ingest import versions
from retrieval.store.base import KBStore


@dataclass(frozen=True)
class ActivationRecord:
    activated_at: datetime
    kb_version: str
    previous: str | None
    actor: str
    action: str
    documents: list[str]
    counts: dict[str, Any]
    note: str | None


def record_activation(db: AppDB, *, version: str, previous: str | None, actor: str,
                      action: str, documents: list[str], counts: dict[str, Any],
                      note: str | None = None) -> bool:
    """Write one Activation row; False (logged once by AppDB) if the database is unavailable."""

    def write() -> bool:
        with db.session() as s:
            s.add(Activation(kb_version=version, previous=previous, actor=actor[:255],
                             action=action, documents=documents, counts=counts, note=note))
        return True

    return db.safe(write, False)


def activation_history(db: AppDB, limit: int = 200) -> list[ActivationRecord]:
    """Newest first."""

    def read() -> list[ActivationRecord]:
        with db.session() as s:
            rows = s.scalars(select(Activation).order_by(Activation.id.desc()).limit(limit))
            return [ActivationRecord(r.activated_at, r.kb_version, r.previous, r.actor, r.action,
                                     list(r.documents or []), dict(r.counts or {}), r.note)
                    for r in rows]

    return db.safe(read, [])


def rollback(store: KBStore, version: str, *, actor: str, db: AppDB | None = None,
             note: str | None = None) -> str | None:
    """ingest.versions.rollback, recorded in the app database's history when `db` is given."""
    return versions.rollback(store, version, actor=actor, note=note,
                             record=partial(record_activation, db) if db is not None else None)
