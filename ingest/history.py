"""Activation history (who, when, what, why) and rollback to a kept version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from retrieval.appdb import Activation, AppDB
from retrieval.errors import ActivePointerDamaged, RadoncQAError, VersionNotFound
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
    """Make a kept version active again (under the ingest lock); returns the one it replaced.

    Raises VersionNotFound for a version that does not exist or was pruned, IngestBusy while an
    ingest runs. Rolling back is not gated: the version was served before, and speed matters.
    """
    with store.ingest_lock():
        manifest = store.read_manifest(version)  # VersionNotFound if missing or incomplete
        if not store.was_served(version):
            raise VersionNotFound(
                f"{version} was built but never activated (an ingest stopped before its "
                "quality gate finished); it is not a rollback target — see --list-versions")
        try:
            previous = store.active_version()
        except ActivePointerDamaged:
            previous = None  # rolling back is how a damaged pointer is repaired
        store.activate(version)
    if db is not None:
        record_activation(db, version=version, previous=previous, actor=actor, action="rollback",
                          documents=sorted(manifest.documents),
                          counts={"entries": len(manifest.entries)}, note=note)
    return previous


def repair(store: KBStore, *, actor: str, db: AppDB | None = None) -> tuple[str | None, str]:
    """Point `active.json` at a usable version again; returns (what it held, now active).

    The target is the version activated most recently that still reads (so a damaged pointer
    comes back to exactly what was served); nothing changes when the active version is fine.
    No password: it restores a choice an admin already made, it makes none.
    """
    with store.ingest_lock():
        try:
            current = store.active_version()
        except ActivePointerDamaged:
            current = None
        else:
            if current is not None and _readable(store, current):
                return current, current
        candidates = [store.last_served()] + [v.version for v in store.list_versions()]
        target = next((v for v in candidates if v and v != current and _readable(store, v)),
                      None)
        if target is None:
            raise VersionNotFound(f"No intact knowledge-base version in {store.location} to "
                                  "repair with; rebuild with `python -m ingest --force`")
        store.activate(target)
        manifest = store.read_manifest(target)
    if db is not None:
        record_activation(db, version=target, previous=current, actor=actor, action="repair",
                          documents=sorted(manifest.documents),
                          counts={"entries": len(manifest.entries)}, note=None)
    return current, target


def _readable(store: KBStore, version: str) -> bool:
    try:
        store.embeddings(version, store.read_manifest(version))
    except RadoncQAError:
        return False
    return True
