"""Rolling back and repairing: make a kept version active again, under the ingest lock, and log it.

With a corpus folder, the folder is restored to the version's source files (ingest/sources.py):
files the version did not have, or had with other content, are moved aside, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.hooks import ActivationLog
from ingest.sources import SOURCES_KEY, Restored, archive_dir, restore_corpus
from retrieval.errors import ActivePointerDamaged, RadoncQAError, VersionNotFound
from retrieval.store.base import KBStore, Manifest


@dataclass(frozen=True)
class Rollback:
    previous: str | None  # the version it replaced
    restored: Restored | None = None  # what happened to the corpus folder, when asked
    corpus_unknown: bool = False  # the version predates kept sources: folder left as it was


def rollback(store: KBStore, version: str, *, actor: str, record: ActivationLog | None = None,
             note: str | None = None, corpus: Path | None = None,
             aside_root: Path | None = None) -> Rollback:
    """Make a kept version active again (and its files the corpus folder's, given `corpus`).

    Raises VersionNotFound for a version that does not exist, was pruned or was never activated,
    IngestBusy while an ingest runs, CorpusError (changing nothing) when its archived files are
    lost. Rolling back is not gated: the version was served before, and speed matters. It works
    whatever `active.json` holds (it is how a damaged one is fixed).
    """
    restored, unknown = None, False
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
        sources = manifest.info.get(SOURCES_KEY)
        archive = archive_dir(store)
        if corpus is not None:
            if sources is None or archive is None:
                unknown = True
            else:
                restored = restore_corpus(corpus, sources, archive,
                                          aside_root or corpus.parent / "corpus-aside")
        store.activate(version)
    if record is not None:
        record(version=version, previous=previous, actor=actor, action="rollback",
               documents=sorted(manifest.documents), counts={"entries": len(manifest.entries)},
               note=note)
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
            if current is not None and readable(store, current) is not None:
                return current, current
        candidates = [store.last_served()] + [v.version for v in store.list_versions()]
        found = next(((v, m) for v in candidates if v and v != current
                      and (m := readable(store, v)) is not None), None)
        if found is None:
            raise VersionNotFound(f"No intact knowledge-base version in {store.location} to "
                                  "repair with; rebuild with `python -m ingest --force`")
        target, manifest = found
        store.activate(target)
    if record is not None:
        record(version=target, previous=current, actor=actor, action="repair",
               documents=sorted(manifest.documents), counts={"entries": len(manifest.entries)},
               note=None)
    return current, target


def intact_manifest(store: KBStore, version: str) -> Manifest:
    """The version's manifest once its vectors read too; RadoncQAError when either does not.

    Repair (which activates it) and a re-ingest (which reuses its vectors) need both.
    """
    manifest = store.read_manifest(version)
    store.embeddings(version, manifest)
    return manifest


def readable(store: KBStore, version: str) -> Manifest | None:
    """The version's manifest when it and its vectors read, else None."""
    try:
        return intact_manifest(store, version)
    except RadoncQAError:
        return None
