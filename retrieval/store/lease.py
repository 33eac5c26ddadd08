"""The ingest lock across machines: a `lock` record on the Chroma server that a live ingest renews.

A crashed ingest's lease expires after LOCK_TTL_S. Taking it is a read, a write, a pause and a
read back (two takers at once: the later write wins and the other backs off); the record access
is the store's, handed in.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from retrieval.errors import IngestBusy, StoreUnavailable

LOCK_TTL_S = 120.0  # a crashed ingest's lock expires after this; a live one renews it

Record = dict[str, Any]


class Lease:
    """Held by one owner at a time, for the `with lease.held():` block."""

    def __init__(self, location: str, read: Callable[[], Record | None],
                 write: Callable[[Record], None], delete: Callable[[], None]) -> None:
        self.location = location
        self._read, self._write, self._delete = read, write, delete
        self.owner = secrets.token_hex(8)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Take the lease (IngestBusy if another live owner has it), renew it while the block
        runs, release it after."""
        self._take()
        stop = threading.Event()
        renew = threading.Thread(target=self._renew, args=(stop,), daemon=True)
        renew.start()
        try:
            yield
        finally:
            stop.set()
            renew.join(timeout=5)
            self._release()

    def _write_mine(self) -> None:
        self._write({"owner": self.owner, "expires": time.time() + LOCK_TTL_S})

    def _take(self) -> None:
        held = self._read()
        if held and held["owner"] != self.owner and held["expires"] > time.time():
            raise IngestBusy(
                f"Another ingest is running against {self.location}; wait for it "
                "to finish (or for its lock to expire) and try again"
            )
        self._write_mine()
        time.sleep(0.2)  # two takers at once: the later write wins, the other backs off
        held = self._read()
        if not held or held["owner"] != self.owner:
            raise IngestBusy(
                f"Another ingest started against {self.location} at the same "
                "moment; wait for it to finish and try again"
            )

    def _renew(self, stop: threading.Event) -> None:
        while not stop.wait(LOCK_TTL_S / 4):
            try:
                self._write_mine()
            except StoreUnavailable:
                pass  # the ingest itself will fail on the same server; nothing to do here

    def _release(self) -> None:
        try:
            held = self._read()
            if held and held["owner"] == self.owner:
                self._delete()
        except StoreUnavailable:
            pass  # the lease expires by itself
