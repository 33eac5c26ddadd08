"""What every knowledge-base store offers, and the manifest that describes one version."""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from retrieval.entry import Document, Entry

PASSAGES = "passages"  # the Chroma collection of one version


def new_version_id(now: datetime | None = None) -> str:
    """Sortable by creation time (to the microsecond), unique: `v20261127T213000.123456Z-1a2b3c`."""
    now = now or datetime.now(UTC)
    return f"v{now:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(3)}"


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class PassageRecord:
    id: str
    entry_id: str
    field: str
    text: str
    hash: str


def chroma_rows(passages: list[PassageRecord], version: str,
                document_of: Mapping[str, str]) -> dict[str, Any]:
    """Chroma `add` arguments for passages, less the vectors.

    Each row carries its passage text as the Chroma document and where it comes from as
    metadata, so any Chroma client (LangChain's `Chroma` included) can read and query a version
    on its own. The answer shown to coders still comes from the manifest's entry, verbatim and
    with its disclaimer; a passage may be only part of it. (The text makes every add also feed
    Chroma's full-text index, which nothing here queries and which the embedded backend does
    not let a collection turn off: measured in BENCHMARKS.md.)
    """
    return {"ids": [p.id for p in passages],
            "documents": [p.text for p in passages],
            "metadatas": [row_metadata(p, version, document_of) for p in passages]}


def row_metadata(p: PassageRecord, version: str, document_of: Mapping[str, str]
                 ) -> dict[str, str]:
    return {"entry_id": p.entry_id, "document": document_of[p.entry_id], "field": p.field,
            "kb_version": version}


def documents_of(manifest: Manifest) -> dict[str, str]:
    """Entry id → its document's name, for the passages' metadata."""
    return {e.id: e.document.name for e in manifest.entries}


@dataclass
class Manifest:
    """Everything a reader needs of one version, besides the vectors."""

    version: str
    created_at: str
    model: str
    documents: dict[str, Document]
    entries: list[Entry]
    passages: list[PassageRecord]
    info: dict[str, Any] = field(default_factory=dict)  # who/why/counts, for history

    def to_json(self) -> str:
        # orjson: a 10,000-entry manifest is read at every start and written at every ingest,
        # 3-4x faster than the json module both ways.
        return orjson.dumps(
            {
                "version": self.version,
                "created_at": self.created_at,
                "model": self.model,
                "documents": [d.to_dict() for d in self.documents.values()],
                "entries": [e.to_dict() for e in self.entries],
                "passages": [p.__dict__ for p in self.passages],
                "info": self.info,
            },
        ).decode("utf-8")

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        d = orjson.loads(text)
        docs = {x["name"]: Document.from_dict(x) for x in d["documents"]}
        return cls(
            version=d["version"],
            created_at=d["created_at"],
            model=d["model"],
            documents=docs,
            entries=[Entry.from_dict(e, docs) for e in d["entries"]],
            passages=[PassageRecord(**p) for p in d["passages"]],
            info=d.get("info", {}),
        )


@dataclass(frozen=True)
class VersionInfo:
    version: str
    created_at: str
    entries: int
    documents: tuple[str, ...]
    active: bool
    info: dict[str, Any] = field(default_factory=dict)


class KBStore(ABC):
    """Versions are written whole, then activated by one atomic switch; readers see one only."""

    location: str
    cache_dir: Path | None = None  # this machine's folder for caches derived from versions

    @abstractmethod
    def active_version(self) -> str | None: ...

    @abstractmethod
    def list_versions(self) -> list[VersionInfo]:
        """Complete versions, newest first."""

    @abstractmethod
    def read_manifest(self, version: str) -> Manifest: ...

    @abstractmethod
    def collection(self, version: str) -> Any:
        """The Chroma collection of a complete version, for reading."""

    @abstractmethod
    def embeddings(self, version: str, manifest: Manifest | None = None
                   ) -> tuple[list[str], np.ndarray]:
        """Passage ids and their vectors; pass the version's manifest if already read."""

    @abstractmethod
    def write_version(self, manifest: Manifest, vectors: np.ndarray) -> None:
        """Write a complete version (not yet active); partial writes are never visible."""

    @abstractmethod
    def activate(self, version: str) -> None:
        """Make a complete version the active one, atomically."""

    @abstractmethod
    def delete_version(self, version: str) -> None: ...

    @abstractmethod
    def ingest_lock(self) -> AbstractContextManager[None]:
        """Held while one ingest builds and activates; a second is refused (IngestBusy)."""

    @abstractmethod
    def cleanup_incomplete(self) -> list[str]:
        """Remove leftovers of builds that never finished (e.g. killed); call under the lock."""

    def was_served(self, version: str) -> bool:
        """Whether `version` was ever activated (stores that cannot tell say yes)."""
        return True

    def last_served(self) -> str | None:
        """The version activated most recently, as far as the store knows."""
        versions = self.list_versions()
        return versions[0].version if versions else None

    def changes_token(self) -> object:
        """Cheap value that changes when the active version may have changed."""
        return self.active_version()

    def prune(self, keep: int) -> list[str]:
        """Delete old versions past `keep`, never the active one or the one before it."""
        versions = self.list_versions()
        active = self.active_version()
        protected = {active}
        ordered = [v.version for v in versions]
        if active in ordered:
            idx = ordered.index(active)
            if idx + 1 < len(ordered):
                protected.add(ordered[idx + 1])
        removed = []
        for v in ordered[keep:]:
            if v not in protected:
                self.delete_version(v)
                removed.append(v)
        return removed

    def iter_entries(self, version: str) -> Iterator[Entry]:
        yield from self.read_manifest(version).entries
