"""The ingest lock across machines, taken with an operation the server makes atomic.

With PostgreSQL (`DATABASE_URL`), a session advisory lock: the database grants it to one
session, and frees it when that session ends, even if its machine dies. Without it, a Chroma
collection named for the lock: `create_collection` fails when the name exists, so of two
machines creating it at once exactly one succeeds. Its metadata carries the holder and an
expiry that the holder renews; an expired lock (a crashed ingest) is broken by first creating
a breaker collection named for that holder — again only one machine can — which then deletes it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from retrieval.errors import IngestBusy, RadoncQAError

LOCK_TTL_S = 120.0  # a crashed ingest's lock expires after this; a live one renews it
Call = Callable[[str, Callable[[Any], Any]], Any]  # ServerStore._call: (doing, fn(client))


def _exists_error(e: Exception) -> bool:
    """A create that failed because the name is taken (the server's test-and-set said no)."""
    return type(e).__name__ == "UniqueConstraintError" or "already exists" in str(e)


class CollectionLease:
    """Held while the collection `name` exists with our owner id and an unexpired lease."""

    def __init__(self, call: Call, name: str, ttl: float, where: str) -> None:
        self.call, self.name, self.ttl, self.where = call, name, ttl, where
        self._breaker: str | None = None

    def _create(self, name: str, meta: dict[str, Any]) -> bool:
        def create(client: Any) -> bool:
            try:
                client.create_collection(name, metadata=meta, embedding_function=None)
            except Exception as e:
                if _exists_error(e):
                    return False
                raise
            return True

        return bool(self.call("taking the ingest lock", create))

    def _holder(self) -> dict[str, Any] | None:
        def read(client: Any) -> dict[str, Any] | None:
            try:
                return dict(client.get_collection(self.name).metadata or {})
            except Exception as e:  # gone between our create and this read: nobody holds it
                if type(e).__name__ == "NotFoundError" or "does not exist" in str(e):
                    return None
                raise

        return self.call("reading the ingest lock", read)  # type: ignore[no-any-return]

    def _busy(self) -> IngestBusy:
        return IngestBusy(f"Another ingest is running against {self.where}; wait for it to "
                          "finish (or for its lock to expire) and try again")

    def take(self, owner: str) -> None:
        meta = {"owner": owner, "expires": time.time() + self.ttl}
        if self._create(self.name, meta):
            return
        held = self._holder()
        if held is None:  # released in between: one more atomic try
            if self._create(self.name, meta):
                return
            raise self._busy()
        if held.get("owner") == owner:  # our own create went through before a retry
            return
        if float(held.get("expires", 0)) > time.time():
            raise self._busy()
        breaker = f"{self.name}-break-{held.get('owner', 'unknown')}"
        if not self._create(breaker, {"owner": owner}):
            raise self._busy()  # another machine is breaking the same expired lock
        self._breaker = breaker
        self.call("breaking an expired ingest lock", lambda c: c.delete_collection(self.name))
        if not self._create(self.name, meta):
            raise self._busy()

    def renew(self, owner: str) -> None:
        def modify(client: Any) -> None:
            col = client.get_collection(self.name)
            if (col.metadata or {}).get("owner") == owner:
                col.modify(metadata={"owner": owner, "expires": time.time() + self.ttl})

        self.call("renewing the ingest lock", modify)

    def release(self, owner: str) -> None:
        try:
            held = self._holder()
            if held and held.get("owner") == owner:
                self.call("releasing the ingest lock", lambda c: c.delete_collection(self.name))
            if self._breaker:
                breaker = self._breaker
                self.call("releasing the ingest lock", lambda c: c.delete_collection(breaker))
        except RadoncQAError:
            pass  # the lease expires by itself


class AdvisoryLock:
    """A PostgreSQL session advisory lock on a connection held for the whole ingest."""

    def __init__(self, database_url: str, namespace: str, where: str) -> None:
        self.url, self.where = database_url, where
        digest = hashlib.sha256(f"radonc-qa ingest {namespace}".encode()).digest()
        self.key = int.from_bytes(digest[:8], "big", signed=True)
        self._conn: Any = None
        self._engine: Any = None

    def take(self, owner: str) -> None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        from retrieval.errors import StoreUnavailable

        try:
            self._engine = create_engine(self.url, poolclass=NullPool)
            self._conn = self._engine.connect()
            got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                     {"k": self.key}).scalar()
        except Exception as e:  # driver errors: this is the database boundary
            self.release(owner)
            raise StoreUnavailable(f"The database at DATABASE_URL did not answer while taking "
                                   f"the ingest lock ({type(e).__name__})") from e
        if not got:
            self.release(owner)
            raise IngestBusy(f"Another ingest is running against {self.where}; wait for it "
                             "to finish and try again")

    def renew(self, owner: str) -> None:
        """Nothing to renew: the lock lives as long as the connection."""

    def release(self, owner: str) -> None:
        try:
            if self._conn is not None:
                self._conn.close()  # ends the session: PostgreSQL frees its advisory locks
            if self._engine is not None:
                self._engine.dispose()
        except Exception:  # noqa: BLE001 — closing a dead connection; the server frees it
            pass
        self._conn = self._engine = None


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")
