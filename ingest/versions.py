"""Rolling back: make a kept version active again, under the ingest lock, and log it."""

from __future__ import annotations

from ingest.hooks import ActivationLog
from retrieval.store.base import KBStore


def rollback(store: KBStore, version: str, *, actor: str, record: ActivationLog | None = None,
             note: str | None = None) -> str | None:
    """Make a kept version active again; returns the one it replaced.

    Raises VersionNotFound for a version that does not exist or was pruned, IngestBusy while an
    ingest runs. Rolling back is not gated: the version was served before, and speed matters.
    """
    with store.ingest_lock():
        manifest = store.read_manifest(version)  # VersionNotFound if missing or incomplete
        previous = store.active_version()
        store.activate(version)
    if record is not None:
        record(version=version, previous=previous, actor=actor, action="rollback",
               documents=sorted(manifest.documents), counts={"entries": len(manifest.entries)},
               note=note)
    return previous
