"""The embedded store: one Chroma directory per version under `<data>/kb/versions/`.

Chroma's embedded store must not be written by two processes, and a reader does not see another
process's later writes. So a version's directory is written by exactly one ingest (under a file
lock) and never changed after its manifest is written; readers open only complete versions and
switch when `active.json` — replaced atomically with `os.replace` — names a new one.

    kb/
      active.json            {"version": …, "activated_at": …}
      ingest.lock            held by the one running ingest
      versions/<version>/
        chroma/              Chroma PersistentClient directory (collection "passages")
        embeddings.npy       the same vectors, for reuse by the next ingest
        manifest.json        written last: its presence marks the version complete
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from retrieval.errors import IngestBusy, StoreUnavailable, VersionNotFound
from retrieval.store.base import (
    PASSAGES,
    KBStore,
    Manifest,
    VersionInfo,
    chroma_rows,
    utcnow,
)

_ADD_BATCH = 4096


def _persistent_client(path: Path) -> Any:
    # imported here: listing versions or reading a manifest must not load Chroma (seconds, MBs)
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path),
                                     settings=ChromaSettings(anonymized_telemetry=False))


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def add_passages(collection: Any, manifest: Manifest, vectors: np.ndarray) -> None:
    """Add a version's passages to a Chroma collection in batches (embeddings passed in)."""
    ps = manifest.passages
    for start in range(0, len(ps), _ADD_BATCH):
        batch = ps[start : start + _ADD_BATCH]
        collection.add(embeddings=vectors[start : start + len(batch)], **chroma_rows(batch))


class LocalStore(KBStore):
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.location = str(self.root)
        self._versions = self.root / "versions"
        self._active = self.root / "active.json"
        self.cache_dir = self.root / "cache"
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    # --- reading -------------------------------------------------------------------------
    def active_version(self) -> str | None:
        try:
            return str(json.loads(self._active.read_text(encoding="utf-8"))["version"])
        except FileNotFoundError:
            return None
        except (ValueError, KeyError) as e:
            raise StoreUnavailable(
                f"{self._active} is unreadable ({e}); restore it or run "
                "`python -m ingest --rollback VERSION`"
            ) from e

    def changes_token(self) -> object:
        try:
            st = self._active.stat()
            return (st.st_mtime_ns, st.st_ino, st.st_size)
        except FileNotFoundError:
            return None

    def _dir(self, version: str) -> Path:
        if not version or "/" in version or version.startswith("."):
            raise VersionNotFound(f"'{version}' is not a version name")
        return self._versions / version

    def _complete(self, version: str) -> Path:
        d = self._dir(version)
        if not (d / "manifest.json").is_file():
            raise VersionNotFound(
                f"Knowledge-base version {version} does not exist in {self.root} "
                "(see `python -m ingest --list-versions`)"
            )
        return d

    def list_versions(self) -> list[VersionInfo]:
        if not self._versions.is_dir():
            return []
        active = self.active_version()
        out = []
        for d in sorted(self._versions.iterdir(), reverse=True):
            summary = d / "summary.json"
            if not (d / "manifest.json").is_file() or not summary.is_file():
                continue
            s = json.loads(summary.read_text(encoding="utf-8"))
            out.append(VersionInfo(d.name, s["created_at"], s["entries"],
                                   tuple(s["documents"]), d.name == active, s.get("info", {})))
        return out

    def read_manifest(self, version: str) -> Manifest:
        d = self._complete(version)
        return Manifest.from_json((d / "manifest.json").read_bytes())

    def _client(self, version: str) -> Any:
        with self._lock:
            if version not in self._clients:
                path = self._dir(version) / "chroma"
                try:
                    self._clients[version] = _persistent_client(path)
                except Exception as e:  # chromadb raises many types; wrap them all here
                    raise StoreUnavailable(f"Cannot open the vector store at {path}: {e}") from e
            return self._clients[version]

    def collection(self, version: str) -> Any:
        self._complete(version)
        try:
            return self._client(version).get_collection(PASSAGES)
        except StoreUnavailable:
            raise
        except Exception as e:
            raise StoreUnavailable(f"Version {version} has no readable passages: {e}") from e

    def embeddings(self, version: str, manifest: Manifest | None = None
                   ) -> tuple[list[str], np.ndarray]:
        d = self._complete(version)
        manifest = manifest or self.read_manifest(version)
        return [p.id for p in manifest.passages], np.load(d / "embeddings.npy")

    # --- writing -------------------------------------------------------------------------
    def write_version(self, manifest: Manifest, vectors: np.ndarray) -> None:
        """Write a complete version; start from a copy of the previous one when there is one.

        Re-ingesting after a small change then only deletes and adds the passages that changed,
        instead of re-inserting every vector into a new Chroma collection.
        """
        d = self._dir(manifest.version)
        if d.exists():
            raise StoreUnavailable(f"{d} already exists; versions are never overwritten")
        d.mkdir(parents=True)
        base = self._delta_base(manifest)
        try:
            if base is not None:
                shutil.copytree(self._dir(base.version) / "chroma", d / "chroma")
                col = self._client(manifest.version).get_collection(PASSAGES)
                self._apply_delta(col, base, manifest, vectors)
            else:
                col = self._client(manifest.version).create_collection(
                    PASSAGES, metadata={"hnsw:space": "cosine"}, embedding_function=None
                )
                add_passages(col, manifest, vectors)
        except StoreUnavailable:
            raise
        except Exception as e:
            raise StoreUnavailable(f"Writing version {manifest.version} to {d} failed: {e}") from e
        np.save(d / "embeddings.npy", vectors)
        summary = {
            "created_at": manifest.created_at,
            "entries": len(manifest.entries),
            "documents": sorted(manifest.documents),
            "info": manifest.info,
        }
        _atomic_write(d / "summary.json", json.dumps(summary, ensure_ascii=False))
        _atomic_write(d / "manifest.json", manifest.to_json())  # last: marks it complete

    def _delta_base(self, manifest: Manifest) -> Manifest | None:
        """The previous complete version built with the same model, to copy and patch."""
        previous = manifest.info.get("previous")
        if not previous:
            return None
        try:
            base = self.read_manifest(str(previous))
        except VersionNotFound:
            return None
        return base if base.model == manifest.model else None

    @staticmethod
    def _apply_delta(col: Any, base: Manifest, manifest: Manifest, vectors: np.ndarray) -> None:
        """Make a copied collection hold exactly `manifest`'s passages (ids, text, vectors)."""
        before = {p.id: p for p in base.passages}
        wanted = {p.id: i for i, p in enumerate(manifest.passages)}
        stale = [pid for pid, p in before.items()
                 if pid not in wanted or manifest.passages[wanted[pid]].hash != p.hash
                 or manifest.passages[wanted[pid]].entry_id != p.entry_id]
        for start in range(0, len(stale), _ADD_BATCH):
            col.delete(ids=stale[start : start + _ADD_BATCH])
        stale_set = set(stale)
        fresh = [i for pid, i in wanted.items() if pid not in before or pid in stale_set]
        for start in range(0, len(fresh), _ADD_BATCH):
            rows = fresh[start : start + _ADD_BATCH]
            ps = [manifest.passages[i] for i in rows]
            col.add(embeddings=vectors[rows], **chroma_rows(ps))
        if col.count() != len(manifest.passages):
            raise StoreUnavailable(
                f"patched collection holds {col.count()} passages, expected "
                f"{len(manifest.passages)}; re-run with `python -m ingest --force`")

    def activate(self, version: str) -> None:
        self._complete(version)
        payload = {"version": version, "activated_at": utcnow()}
        _atomic_write(self._active, json.dumps(payload))

    def delete_version(self, version: str) -> None:
        if version == self.active_version():
            raise VersionNotFound(f"{version} is active; activate another version first")
        with self._lock:
            self._clients.pop(version, None)
        shutil.rmtree(self._dir(version), ignore_errors=True)

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.root / "ingest.lock"), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise IngestBusy(
                f"Another ingest is running on {self.root}; wait for it to finish and try again"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def cleanup_incomplete(self) -> list[str]:
        if not self._versions.is_dir():
            return []
        removed = []
        for d in self._versions.iterdir():
            if not (d / "manifest.json").is_file():
                with self._lock:
                    self._clients.pop(d.name, None)
                shutil.rmtree(d, ignore_errors=True)
                removed.append(d.name)
        for tmp in self.root.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)
        return removed
