"""The ingest lock across machines is atomic (raced for real), and transient errors are retried."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from retrieval.errors import IngestBusy, StoreUnavailable
from retrieval.store.server import ServerStore


def _race(stores: list[ServerStore], hold_s: float = 1.0) -> tuple[int, int]:
    """All take the lock at the same instant; (winners, refused)."""
    barrier = threading.Barrier(len(stores))
    won, refused, errors = [], [], []

    def take(store: ServerStore) -> None:
        barrier.wait()
        try:
            with store.ingest_lock():
                won.append(store)
                time.sleep(hold_s)  # hold it while the others try
        except IngestBusy:
            refused.append(store)
        except Exception as e:  # noqa: BLE001 — reported below
            errors.append(e)

    threads = [threading.Thread(target=take, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return len(won), len(refused)


@pytest.mark.server
@pytest.mark.parametrize("round_", range(4))
def test_racing_takers_on_a_chroma_server_one_wins(chroma_url: str, tmp_path: Path,
                                                   round_: int) -> None:
    # each taker has its own lock file, as on separate machines: only the server decides
    stores = [ServerStore(chroma_url, tmp_path / f"machine-{i}") for i in range(4)]
    assert _race(stores) == (1, 3)
    with stores[0].ingest_lock():  # released afterwards: the next one may go
        pass


@pytest.mark.server
def test_an_expired_lock_is_broken_by_exactly_one(chroma_url: str, tmp_path: Path) -> None:
    import chromadb

    store = ServerStore(chroma_url, tmp_path / "a")
    client = chromadb.HttpClient(host=store.host, port=store.port)
    client.create_collection(f"{store.namespace}-ingest-lock",
                             metadata={"owner": "crashed", "expires": time.time() - 1})
    stores = [ServerStore(chroma_url, tmp_path / f"m{i}") for i in range(3)]
    assert _race(stores) == (1, 2)
    with stores[1].ingest_lock():
        pass


@pytest.mark.server
def test_a_live_lock_is_not_broken(chroma_url: str, tmp_path: Path) -> None:
    a, b = (ServerStore(chroma_url, tmp_path / n) for n in "ab")
    with a.ingest_lock():
        with pytest.raises(IngestBusy, match="Another ingest is running against"):
            with b.ingest_lock():
                pass


@pytest.mark.server
def test_postgres_advisory_lock_races(chroma_url: str, tmp_path: Path,
                                      postgres_server: str) -> None:
    stores = [ServerStore(chroma_url, tmp_path / f"pg-{i}", database_url=postgres_server)
              for i in range(4)]
    assert _race(stores) == (1, 3)
    with stores[2].ingest_lock():
        pass


def test_transient_errors_are_retried_then_succeed(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = ServerStore("http://127.0.0.1:1", tmp_path)
    monkeypatch.setattr(store, "_connect", lambda: object())
    calls = []

    def flaky(_client: object) -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("connection reset by peer")
        return "ok"

    assert store._call("reading", flaky) == "ok" and len(calls) == 3


def test_a_server_that_stays_down_is_unavailable_within_seconds(tmp_path: Path) -> None:
    store = ServerStore("http://127.0.0.1:1", tmp_path)  # nothing listens on port 1
    t0 = time.monotonic()
    with pytest.raises(StoreUnavailable, match="The knowledge base is unavailable: the Chroma "
                                               "server at http://127.0.0.1:1 failed"):
        store.active_version()
    assert time.monotonic() - t0 < 5


def test_a_wrong_request_is_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ServerStore("http://127.0.0.1:1", tmp_path)
    monkeypatch.setattr(store, "_connect", lambda: object())
    calls = []

    def wrong(_client: object) -> None:
        calls.append(1)
        raise ValueError("Expected metadata value to be a str, int, float or bool")

    with pytest.raises(StoreUnavailable):
        store._call("writing", wrong)
    assert len(calls) == 1
