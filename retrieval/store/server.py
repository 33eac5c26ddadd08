"""The shared store: knowledge-base versions on a Chroma server, for several app replicas.

Everything the replicas must agree on lives on the server, in Chroma collections:

    <ns>-registry                 records without vectors (Chroma needs one: a 1-d zero)
        active                    {"version", "activated_at"}: the atomic switch (one upsert)
        version:<v>               summary of a complete version; written last, so it marks one
        manifest:<v>:<n>          the version's manifest JSON, in chunks of MANIFEST_CHUNK chars
        lock                      {"owner", "expires"}: the ingest lock across machines
    <ns>-<v>                      the version's passages (cosine HNSW), as in the embedded store

`<ns>` is the URL's path (`http://host:8000/staging` → `staging`), else `radonc-qa`, so several
deployments can share one server. A version is written whole (passages, then manifest chunks,
then its `version:` record) and only then can be activated; readers never see a half-written one.
A server that is down raises StoreUnavailable ("knowledge base unavailable"); nothing is cached
across the failure except immutable manifests, so the next call after the server returns works.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import numpy as np
from filelock import FileLock, Timeout

from retrieval.errors import IngestBusy, RadoncQAError, StoreUnavailable, VersionNotFound
from retrieval.store.base import (
    KBStore,
    Manifest,
    PassageRecord,
    VersionInfo,
    chroma_rows,
    utcnow,
)
from retrieval.store.lease import Lease

T = TypeVar("T")
DEFAULT_NAMESPACE = "radonc-qa"
MANIFEST_CHUNK = 1_000_000  # characters per registry record
ADD_BATCH = 2048  # passages per request (well under the server's max batch size)
GET_BATCH = 5000
CHECK_INTERVAL_S = 0.5  # how stale `changes_token` may be (other replicas' activations)
_NO_VECTOR = [0.0]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,40}[A-Za-z0-9]$")


def parse_url(url: str) -> tuple[str, int, bool, str]:
    """`http[s]://host[:port][/namespace]` → (host, port, ssl, namespace)."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreUnavailable(
            f"RADONC_QA_CHROMA_URL={url!r} is not a Chroma server URL; use e.g. "
            "http://127.0.0.1:8000 (optionally /NAMESPACE to share a server between deployments)"
        )
    ssl = parts.scheme == "https"
    port = parts.port or (443 if ssl else 8000)
    namespace = parts.path.strip("/") or DEFAULT_NAMESPACE
    if not _NAME.match(namespace):
        raise StoreUnavailable(
            f"the namespace {namespace!r} in RADONC_QA_CHROMA_URL must be 3–42 letters, digits, "
            "'.', '_' or '-', starting and ending with a letter or digit"
        )
    return parts.hostname, port, ssl, namespace


def _get_vectors(col: Any, ids: list[str], _client: Any) -> Any:
    return col.get(ids=ids, include=["embeddings"])


def _add_passages(col: Any, batch: list[PassageRecord], vectors: np.ndarray, _client: Any) -> None:
    col.add(embeddings=vectors, **chroma_rows(batch))


class ServerStore(KBStore):
    """KBStore over `chromadb.HttpClient`; `kb_dir` only holds this machine's ingest lock file."""

    def __init__(self, url: str, kb_dir: Path, *, check_interval: float = CHECK_INTERVAL_S) -> None:
        self.url = url
        self.host, self.port, self.ssl, self.namespace = parse_url(url)
        self.kb_dir = Path(kb_dir)
        self.cache_dir = self.kb_dir / "cache"
        self.location = f"the Chroma server {url}"
        self.check_interval = check_interval
        self._client: Any = None
        self._lock = threading.Lock()
        self._manifests: dict[str, Manifest] = {}
        self._token: tuple[float, object] | None = None

    # --- connection ----------------------------------------------------------------------
    def _connect(self) -> Any:
        with self._lock:
            if self._client is None:
                import chromadb
                from chromadb.config import Settings as ChromaSettings

                self._client = chromadb.HttpClient(
                    host=self.host,
                    port=self.port,
                    ssl=self.ssl,
                    settings=ChromaSettings(anonymized_telemetry=False),
                )
            return self._client

    def _call(self, doing: str, fn: Callable[[Any], T]) -> T:
        """Run `fn(client)`; any failure of the server becomes StoreUnavailable."""
        try:
            return fn(self._connect())
        except RadoncQAError:
            raise
        except Exception as e:  # chromadb/httpx raise many types; this is the store boundary
            with self._lock:
                self._client = None  # reconnect on the next call; never keep a broken client
                self._token = None
            raise StoreUnavailable(
                f"The knowledge base is unavailable: the Chroma server at {self.url} failed "
                f"while {doing} ({type(e).__name__}: {str(e)[:200]}). Check that it is running; "
                "questions are answered again as soon as it is back."
            ) from e

    def _registry(self, client: Any) -> Any:
        return client.get_or_create_collection(
            f"{self.namespace}-registry", embedding_function=None
        )

    def _collection_name(self, version: str) -> str:
        if not version or not _NAME.match(version):
            raise VersionNotFound(f"'{version}' is not a version name")
        return f"{self.namespace}-{version}"

    def _records(self, doing: str, **get: Any) -> tuple[list[str], list[str], list[Any]]:
        def read(client: Any) -> Any:
            return self._registry(client).get(include=["documents", "metadatas"], **get)

        res = self._call(doing, read)
        return list(res["ids"]), list(res["documents"] or []), list(res["metadatas"] or [])

    def _upsert(
        self, doing: str, ids: list[str], docs: list[str], metas: list[dict[str, Any]]
    ) -> None:
        self._call(
            doing,
            lambda c: self._registry(c).upsert(
                ids=ids, documents=docs, metadatas=metas, embeddings=[_NO_VECTOR] * len(ids)
            ),
        )

    # --- reading -------------------------------------------------------------------------
    def _active_record(self) -> dict[str, Any] | None:
        _, docs, _ = self._records("reading the active version", ids=["active"])
        return json.loads(docs[0]) if docs else None

    def active_version(self) -> str | None:
        rec = self._active_record()
        return str(rec["version"]) if rec else None

    def changes_token(self) -> object:
        """The active record, re-read at most every `check_interval` seconds."""
        now = time.monotonic()
        cached = self._token
        if cached is not None and now - cached[0] < self.check_interval:
            return cached[1]
        rec = self._active_record()
        token = (rec or {}).get("version"), (rec or {}).get("activated_at")
        self._token = (now, token)
        return token

    def _summary(self, version: str) -> dict[str, Any]:
        self._collection_name(version)
        _, docs, _ = self._records(f"reading version {version}", ids=[f"version:{version}"])
        if not docs:
            raise VersionNotFound(
                f"Knowledge-base version {version} does not exist on {self.location} "
                "(see `python -m ingest --list-versions`)"
            )
        return dict(json.loads(docs[0]))

    def list_versions(self) -> list[VersionInfo]:
        ids, docs, _ = self._records("listing versions", where={"kind": "version"})
        active = self.active_version()
        out = []
        for rid, doc in sorted(zip(ids, docs, strict=True), reverse=True):
            s = json.loads(doc)
            v = rid.split(":", 1)[1]
            out.append(
                VersionInfo(
                    v,
                    s["created_at"],
                    s["entries"],
                    tuple(s["documents"]),
                    v == active,
                    s.get("info", {}),
                )
            )
        return out

    def read_manifest(self, version: str) -> Manifest:
        cached = self._manifests.get(version)
        if cached is not None:
            return cached
        chunks = int(self._summary(version)["chunks"])
        ids = [f"manifest:{version}:{n:05d}" for n in range(chunks)]
        parts: dict[str, str] = {}
        for start in range(0, len(ids), 8):
            got, docs, _ = self._records(
                f"reading the manifest of {version}", ids=ids[start : start + 8]
            )
            parts.update(zip(got, docs, strict=True))
        if len(parts) != chunks:
            raise StoreUnavailable(
                f"Version {version} on {self.location} is missing manifest "
                f"chunks ({len(parts)} of {chunks}); roll back to another"
            )
        manifest = Manifest.from_json("".join(parts[i] for i in ids))
        with self._lock:
            if len(self._manifests) >= 4:  # versions are immutable; keep the few in use
                self._manifests.pop(next(iter(self._manifests)))
            self._manifests[version] = manifest
        return manifest

    def collection(self, version: str) -> Any:
        self._summary(version)
        name = self._collection_name(version)
        return self._call(
            f"opening version {version}", lambda c: c.get_collection(name, embedding_function=None)
        )

    def embeddings(self, version: str, manifest: Manifest | None = None
                   ) -> tuple[list[str], np.ndarray]:
        ids = [p.id for p in (manifest or self.read_manifest(version)).passages]
        col = self.collection(version)
        vectors: list[np.ndarray] = []
        for start in range(0, len(ids), GET_BATCH):
            batch = ids[start : start + GET_BATCH]
            res = self._call(f"reading the vectors of {version}", partial(_get_vectors, col, batch))
            by_id = dict(zip(res["ids"], res["embeddings"], strict=True))
            if len(by_id) != len(batch):
                raise StoreUnavailable(
                    f"Version {version} on {self.location} is missing "
                    "passages; roll back to another version"
                )
            vectors.append(np.asarray([by_id[i] for i in batch], dtype=np.float32))
        dim = vectors[0].shape[1] if vectors else 0
        return ids, np.concatenate(vectors) if vectors else np.zeros((0, dim), np.float32)

    # --- writing -------------------------------------------------------------------------
    def write_version(self, manifest: Manifest, vectors: np.ndarray) -> None:
        v = manifest.version
        name = self._collection_name(v)
        if self._records(f"checking version {v}", ids=[f"version:{v}"])[0]:
            raise StoreUnavailable(
                f"Version {v} already exists on {self.location}; versions are never overwritten"
            )

        def create(client: Any) -> Any:
            return client.create_collection(
                name, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )

        col = self._call(f"creating version {v}", create)
        ps = manifest.passages
        for start in range(0, len(ps), ADD_BATCH):
            batch = ps[start : start + ADD_BATCH]
            self._call(
                f"writing the passages of {v}",
                partial(_add_passages, col, batch, vectors[start : start + len(batch)]),
            )
        text = manifest.to_json()
        chunks = [text[i : i + MANIFEST_CHUNK] for i in range(0, len(text), MANIFEST_CHUNK)]
        for n, chunk in enumerate(chunks):
            self._upsert(
                f"writing the manifest of {v}",
                [f"manifest:{v}:{n:05d}"],
                [chunk],
                [{"kind": "manifest", "version": v, "n": n}],
            )
        summary = {
            "created_at": manifest.created_at,
            "entries": len(manifest.entries),
            "documents": sorted(manifest.documents),
            "info": manifest.info,
            "chunks": len(chunks),
            "passages": len(ps),
        }
        # last: its presence marks the version complete
        self._upsert(
            f"completing version {v}",
            [f"version:{v}"],
            [json.dumps(summary, ensure_ascii=False)],
            [{"kind": "version", "version": v}],
        )

    def activate(self, version: str) -> None:
        self._summary(version)
        payload = json.dumps(
            {"version": version, "activated_at": utcnow(), "nonce": secrets.token_hex(4)}
        )
        self._upsert(f"activating {version}", ["active"], [payload], [{"kind": "active"}])
        self._token = None  # this replica sees it at once; others within check_interval

    def delete_version(self, version: str) -> None:
        if version == self.active_version():
            raise VersionNotFound(f"{version} is active; activate another version first")
        self._drop(version)

    def _drop(self, version: str) -> None:
        name = self._collection_name(version)
        # the version record first: from then on nobody treats the rest as a version
        self._call(
            f"deleting {version}", lambda c: self._registry(c).delete(ids=[f"version:{version}"])
        )
        self._call(
            f"deleting {version}",
            lambda c: self._registry(c).delete(
                where={"$and": [{"kind": "manifest"}, {"version": version}]}
            ),
        )

        def drop_collection(client: Any) -> None:
            if name in self._collection_names(client):
                client.delete_collection(name)

        self._call(f"deleting {version}", drop_collection)
        with self._lock:
            self._manifests.pop(version, None)

    def _collection_names(self, client: Any) -> list[str]:
        out: list[str] = []
        offset = 0
        while True:
            page = client.list_collections(limit=100, offset=offset)
            out += [getattr(c, "name", c) for c in page]
            if len(page) < 100:
                return out
            offset += 100

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """One ingest at a time: a file lock on this machine plus a lease on the server."""
        self.kb_dir.mkdir(parents=True, exist_ok=True)
        local = FileLock(str(self.kb_dir / "ingest.lock"), timeout=0)
        try:
            local.acquire()
        except Timeout:
            raise IngestBusy(
                f"Another ingest is running on this machine ({self.kb_dir}); "
                "wait for it to finish and try again"
            ) from None
        try:
            with Lease(self.location, self._read_lease, self._write_lease,
                       self._delete_lease).held():
                yield
        finally:
            local.release()

    def _read_lease(self) -> dict[str, Any] | None:
        _, docs, _ = self._records("reading the ingest lock", ids=["lock"])
        return json.loads(docs[0]) if docs else None

    def _write_lease(self, record: dict[str, Any]) -> None:
        self._upsert("taking the ingest lock", ["lock"], [json.dumps(record)], [{"kind": "lock"}])

    def _delete_lease(self) -> None:
        self._call("releasing the ingest lock", lambda c: self._registry(c).delete(ids=["lock"]))

    def cleanup_incomplete(self) -> list[str]:
        complete = {v.version for v in self.list_versions()}
        prefix = f"{self.namespace}-v"
        names = self._call("listing collections", self._collection_names)
        leftovers = {n[len(self.namespace) + 1 :] for n in names if n.startswith(prefix)}
        _, _, metas = self._records("listing manifests", where={"kind": "manifest"})
        leftovers |= {str(m["version"]) for m in metas}
        removed = sorted(leftovers - complete)
        for v in removed:
            self._drop(v)
        return removed
