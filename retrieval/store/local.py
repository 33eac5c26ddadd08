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
        activated            written when first activated: a version without it that is not
                             active was built and never served (an ingest stopped during its
                             gate); it is never listed, offered for rollback or kept by pruning
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from retrieval.errors import (
    ActivePointerDamaged,
    DataDirInvalid,
    IngestBusy,
    StoreUnavailable,
    VersionNotFound,
)
from retrieval.store.base import (
    PASSAGES,
    KBStore,
    Manifest,
    VersionInfo,
    chroma_rows,
    documents_of,
    row_metadata,
    utcnow,
)
from retrieval.store.relabel import relabel_closed_copy

_ADD_BATCH = 4096
SERVED = "activated"  # in a version's folder once it has been active (its time inside)


def _persistent_client(path: Path) -> Any:
    # imported here: listing versions or reading a manifest must not load Chroma (seconds, MBs)
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path),
                                     settings=ChromaSettings(anonymized_telemetry=False))


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk must not keep a half-written copy
        raise


def _reason(e: OSError) -> str:
    """The OS's reason for a failed write, once (shutil.copytree lists one per file)."""
    if isinstance(e, shutil.Error) and e.args and isinstance(e.args[0], list) and e.args[0]:
        m = re.search(r"\[Errno \d+\] ([^:']+)", str(e.args[0][0][-1]))
        return f"{m.group(1) if m else e.args[0][0][-1]}, copying {len(e.args[0])} file(s)"
    return e.strerror or str(e)


def _damaged(version: str, what: str, e: BaseException) -> StoreUnavailable:
    return StoreUnavailable(
        f"Knowledge-base version {version} is damaged ({what}: {e}). Roll back with "
        "`python -m ingest --rollback VERSION` (see --list-versions), or rebuild with "
        "`python -m ingest --force`")


def add_passages(collection: Any, manifest: Manifest, vectors: np.ndarray) -> None:
    """Add a version's passages to a Chroma collection in batches (embeddings passed in)."""
    ps, docs = manifest.passages, documents_of(manifest)
    for start in range(0, len(ps), _ADD_BATCH):
        batch = ps[start : start + _ADD_BATCH]
        collection.add(embeddings=vectors[start : start + len(batch)],
                       **chroma_rows(batch, manifest.version, docs))


class LocalStore(KBStore):
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        for p in (self.root.parent, self.root):
            if p.exists() and not p.is_dir():
                raise DataDirInvalid(
                    f"{p} is a file, not a folder: --data (or RADONC_QA_DATA) must name the "
                    "data directory (it holds kb/ and app.db), e.g. --data ./data")
        self.location = str(self.root)
        self._versions = self.root / "versions"
        self._active = self.root / "active.json"
        self.cache_dir = self.root / "cache"
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    # --- reading -------------------------------------------------------------------------
    def active_version(self) -> str | None:
        try:
            version = json.loads(self._active.read_text(encoding="utf-8"))["version"]
            if not isinstance(version, str) or not version:
                raise ValueError(f"'version' is {version!r}")
            return version
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, OSError) as e:
            what = "a folder" if self._active.is_dir() else f"unreadable: {e}"
            raise ActivePointerDamaged(
                f"{self._active} is {what}. Repair it with `python -m ingest --repair` (makes "
                "the last activated version active again) or `python -m ingest --rollback "
                "VERSION`") from e

    def was_served(self, version: str) -> bool:
        """Whether `version` was ever activated (a version built but never activated is not)."""
        d = self._dir(version)
        if (d / SERVED).is_file():
            return True
        try:
            if version == self.active_version():
                return True
        except ActivePointerDamaged:
            pass
        return self._legacy()

    def _legacy(self) -> bool:
        """A data dir that served versions before activations were recorded in them."""
        return self._active.exists() and not any((v / SERVED).is_file()
                                                 for v in self._version_dirs())

    def _version_dirs(self) -> list[Path]:
        if not self._versions.is_dir():
            return []
        return [d for d in self._versions.iterdir() if d.is_dir() and not d.name.startswith(".")]

    def last_served(self) -> str | None:
        """The complete version activated most recently (what `--repair` re-activates)."""
        best: tuple[str, str] | None = None
        for d in self._version_dirs():
            if not (d / "manifest.json").is_file():
                continue
            try:
                when = (d / SERVED).read_text(encoding="utf-8").strip()
            except OSError:
                continue
            if best is None or (when, d.name) > best:
                best = (when, d.name)
        if best is None:  # nothing recorded (older data dirs): the newest complete version
            complete = sorted(d.name for d in self._version_dirs()
                              if (d / "manifest.json").is_file())
            return complete[-1] if complete else None
        return best[1]

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
        try:
            active = self.active_version()
        except ActivePointerDamaged:
            active = None  # still list the versions: they are what a repair chooses from
        out = []
        for d in sorted(self._version_dirs(), reverse=True):
            if not (d / "manifest.json").is_file() or not self.was_served(d.name):
                continue  # unfinished, or built and never activated (a stopped gate)
            out.append(self._info(d, d.name == active))
        return out

    @staticmethod
    def _info(d: Path, active: bool) -> VersionInfo:
        """A version's summary; a damaged summary.json is listed as such, never a crash."""
        try:
            s = json.loads((d / "summary.json").read_text(encoding="utf-8"))
            return VersionInfo(d.name, str(s["created_at"]), int(s["entries"]),
                               tuple(map(str, s["documents"])), active, dict(s.get("info", {})))
        except (OSError, ValueError, KeyError, TypeError) as e:
            return VersionInfo(d.name, "", 0, (), active,
                               {"damaged": f"summary.json unreadable ({type(e).__name__})"})

    def read_manifest(self, version: str) -> Manifest:
        d = self._complete(version)
        try:
            return Manifest.from_json((d / "manifest.json").read_bytes())
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise _damaged(version, "manifest.json", e) from e

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
        try:
            vectors = np.load(d / "embeddings.npy")
        except (OSError, ValueError, EOFError) as e:
            raise _damaged(version, "embeddings.npy", e) from e
        if vectors.ndim != 2 or len(vectors) != len(manifest.passages):
            raise _damaged(version, "embeddings.npy",
                           ValueError(f"{vectors.shape} for {len(manifest.passages)} passages"))
        return [p.id for p in manifest.passages], vectors

    # --- writing -------------------------------------------------------------------------
    def write_version(self, manifest: Manifest, vectors: np.ndarray) -> None:
        """Write a complete version; start from a copy of the previous one when there is one.

        Re-ingesting after a small change then only deletes and adds the passages that changed,
        instead of re-inserting every vector into a new Chroma collection.
        """
        d = self._dir(manifest.version)
        if d.exists():
            raise StoreUnavailable(f"{d} already exists; versions are never overwritten")
        try:
            d.mkdir(parents=True)
            self._write(d, manifest, vectors)
        except BaseException as e:
            with self._lock:
                self._clients.pop(manifest.version, None)
            shutil.rmtree(d, ignore_errors=True)  # never leave half a version behind
            if isinstance(e, OSError):
                raise StoreUnavailable(
                    f"Writing version {manifest.version} to {self.root} failed "
                    f"({_reason(e)}); nothing was activated and the partial version was "
                    "removed. Free space or fix permissions on the data directory, then run "
                    "the ingest again") from e
            raise

    def _write(self, d: Path, manifest: Manifest, vectors: np.ndarray) -> None:
        base = self._delta_base(manifest)
        try:
            if base is not None:
                shutil.copytree(self._dir(base.version) / "chroma", d / "chroma")
                # before any client opens the copy (see relabel.py)
                relabel_closed_copy(d / "chroma", "kb_version", manifest.version)
                col = self._client(manifest.version).get_collection(PASSAGES)
                self._apply_delta(col, base, manifest, vectors)
            else:
                col = self._client(manifest.version).create_collection(
                    PASSAGES, metadata={"hnsw:space": "cosine"}, embedding_function=None
                )
                add_passages(col, manifest, vectors)
        except (StoreUnavailable, OSError):
            raise  # an OSError (full disk, permissions) gets its message in write_version
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
            if not (self._dir(base.version) / "chroma").is_dir():
                return None
        except (VersionNotFound, StoreUnavailable):
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
        docs = documents_of(manifest)
        for start in range(0, len(fresh), _ADD_BATCH):
            rows = fresh[start : start + _ADD_BATCH]
            ps = [manifest.passages[i] for i in rows]
            col.add(embeddings=vectors[rows], **chroma_rows(ps, manifest.version, docs))
        # rows kept from the copy: relabelled in SQL before the copy was opened; those that still
        # do not say this version (another Chroma schema, rows written before rows had
        # metadata) or whose document changed are updated here
        base_docs = documents_of(base)
        labelled = set(col.get(where={"kb_version": manifest.version}, include=[])["ids"])
        kept = [manifest.passages[i] for pid, i in wanted.items()
                if pid in before and pid not in stale_set
                and (pid not in labelled or base_docs.get(before[pid].entry_id)
                     != docs[manifest.passages[i].entry_id]
                     or before[pid].field != manifest.passages[i].field)]
        for start in range(0, len(kept), _ADD_BATCH):
            ps = kept[start : start + _ADD_BATCH]
            col.update(ids=[p.id for p in ps],
                       metadatas=[row_metadata(p, manifest.version, docs) for p in ps])
        if col.count() != len(manifest.passages):
            raise StoreUnavailable(
                f"patched collection holds {col.count()} passages, expected "
                f"{len(manifest.passages)}; re-run with `python -m ingest --force`")

    def activate(self, version: str) -> None:
        d = self._complete(version)
        now = utcnow()
        if self._legacy():
            # first activation recorded in this data dir: the versions already here were served
            for v in self._version_dirs():
                if (v / "manifest.json").is_file() and v != d:
                    _atomic_write(v / SERVED, "")
        _atomic_write(d / SERVED, now)
        if self._active.is_dir() and not self._active.is_symlink():
            shutil.rmtree(self._active)  # a folder where the pointer belongs (repair)
        _atomic_write(self._active, json.dumps({"version": version, "activated_at": now}))

    def delete_version(self, version: str) -> None:
        try:
            active = self.active_version()
        except ActivePointerDamaged:
            active = self.last_served()  # the version a repair would restore: keep it
        if version == active:
            raise VersionNotFound(f"{version} is active; activate another version first")
        with self._lock:
            self._clients.pop(version, None)
        shutil.rmtree(self._dir(version), ignore_errors=True)

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        lock = FileLock(str(self.root / "ingest.lock"), timeout=0)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout:
            raise IngestBusy(
                f"Another ingest is running on {self.root}; wait for it to finish and try again"
            ) from None
        except OSError as e:
            raise StoreUnavailable(
                f"Cannot write to the knowledge-base folder {self.root} ({e.strerror or e}): "
                "ingest and rollback need write access (questions and eval runs do not). "
                "Fix its permissions or free space, or use --dry-run to preview") from None
        try:
            yield
        finally:
            lock.release()

    def cleanup_incomplete(self) -> list[str]:
        if not self._versions.is_dir():
            return []
        removed = []
        for d in self._version_dirs():
            if not (d / "manifest.json").is_file() or not self.was_served(d.name):
                with self._lock:
                    self._clients.pop(d.name, None)
                shutil.rmtree(d, ignore_errors=True)
                removed.append(d.name)
        for tmp in self.root.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)
        return removed
