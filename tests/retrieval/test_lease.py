"""The server store's ingest lease, on an in-memory record (the server's part is tests/scale)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from retrieval.errors import IngestBusy
from retrieval.store.lease import Lease


class Records:
    def __init__(self) -> None:
        self.lock: dict[str, Any] | None = None

    def lease(self) -> Lease:
        return Lease("chroma://test", lambda: self.lock, self._write, self._delete)

    def _write(self, record: dict[str, Any]) -> None:
        self.lock = record

    def _delete(self) -> None:
        self.lock = None


def test_one_holder_at_a_time_and_released_after() -> None:
    records = Records()
    first, second = records.lease(), records.lease()
    with first.held():
        assert records.lock is not None and records.lock["owner"] == first.owner
        with pytest.raises(IngestBusy, match="Another ingest is running against chroma://test"):
            with second.held():
                pass
    assert records.lock is None
    with second.held():
        assert records.lock is not None and records.lock["owner"] == second.owner


def test_an_expired_lease_of_a_crashed_ingest_can_be_taken() -> None:
    records = Records()
    records.lock = {"owner": "crashed", "expires": time.time() - 1}
    lease = records.lease()
    with lease.held():
        assert records.lock is not None and records.lock["owner"] == lease.owner
