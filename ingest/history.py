"""Activation history (who, when, what, why) and rollback to a kept version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ingest.sources import SOURCES_KEY, Restored, archive_dir, restore_corpus
from retrieval.appdb import Activation, AppDB
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


@dataclass(frozen=True)
class Rollback:
    previous: str | None  # the version it replaced
    restored: Restored | None = None  # what happened to the corpus folder, when asked
    corpus_unknown: bool = False  # the version predates kept sources: folder left as it was


def rollback(store: KBStore, version: str, *, actor: str, db: AppDB | None = None,
             note: str | None = None, corpus: Path | None = None,
             aside_root: Path | None = None) -> Rollback:
    """Make a kept version active again (under the ingest lock).

    With `corpus` (and `aside_root`), the corpus folder is restored to the version's files
    (ingest/sources.py): the folder's other files are moved aside, never deleted. Raises
    VersionNotFound for a version that does not exist or was pruned, IngestBusy while an ingest
    runs. Rolling back is not gated: the version was served before, and speed matters.
    """
    restored, unknown = None, False
    with store.ingest_lock():
        manifest = store.read_manifest(version)  # VersionNotFound if missing or incomplete
        previous = store.active_version()
        sources = manifest.info.get(SOURCES_KEY)
        archive = archive_dir(store)
        if corpus is not None and (sources is None or archive is None):
            unknown = True
        elif corpus is not None and archive is not None and sources is not None:
            restored = restore_corpus(corpus, sources, archive,
                                      aside_root or corpus.parent / "corpus-aside")
        store.activate(version)
    if db is not None:
        record_activation(db, version=version, previous=previous, actor=actor, action="rollback",
                          documents=sorted(manifest.documents),
                          counts={"entries": len(manifest.entries)}, note=note)
    return Rollback(previous, restored, unknown)


def corpus_note(done: Rollback) -> str:
    """One sentence on what a rollback did to the corpus folder, for the CLI and Admin page."""
    if done.corpus_unknown:
        return ("The corpus folder was left as it is (this version predates kept source files): "
                "check it before the next ingest, which reads the folder.")
    r = done.restored
    if r is None or not (r.moved_aside or r.written):
        return "The corpus folder already held this version's files."
    aside = f" {len(r.moved_aside)} newer file(s) moved to {r.aside}." if r.aside else ""
    return f"The corpus folder now holds this version's files ({len(r.written)} restored).{aside}"
