"""Rolling back and repairing: make a kept version active again, under the ingest lock."""

from __future__ import annotations

from ingest.hooks import ActivationLog
from retrieval.errors import ActivePointerDamaged, RadoncQAError, VersionNotFound
from retrieval.store.base import KBStore


def rollback(store: KBStore, version: str, *, actor: str, record: ActivationLog | None = None,
             note: str | None = None) -> str | None:
    """Make a kept version active again; returns the one it replaced.

    Raises VersionNotFound for a version that does not exist, was pruned or was never activated,
    IngestBusy while an ingest runs. Rolling back is not gated: the version was served before,
    and speed matters. It works whatever `active.json` holds (it is how a damaged one is fixed).
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
            previous = None
        store.activate(version)
    if record is not None:
        record(version=version, previous=previous, actor=actor, action="rollback",
               documents=sorted(manifest.documents), counts={"entries": len(manifest.entries)},
               note=note)
    return previous


def repair(store: KBStore, *, actor: str,
           record: ActivationLog | None = None) -> tuple[str | None, str]:
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
    if record is not None:
        record(version=target, previous=current, actor=actor, action="repair",
               documents=sorted(manifest.documents), counts={"entries": len(manifest.entries)},
               note=None)
    return current, target


def _readable(store: KBStore, version: str) -> bool:
    try:
        store.embeddings(version, store.read_manifest(version))
    except RadoncQAError:
        return False
    return True
