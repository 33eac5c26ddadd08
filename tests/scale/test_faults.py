"""Chroma server down: a clear "knowledge base unavailable", then answers again once it is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import retrieval.index as index_module
from ingest.build import ingest
from retrieval.errors import StoreUnavailable
from retrieval.retriever import Retriever
from retrieval.store.server import ServerStore
from tests.fakes import HashingEmbedder
from tests.servers import ChromaServer

pytestmark = pytest.mark.server

QUESTION = "can we bill 77370 after treatment ended?"


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A server of this test's own, so stopping it disturbs nobody."""
    server = ChromaServer(tmp_path / "chroma").start()
    yield server
    server.stop()


def test_server_down_then_back(own_server: ChromaServer, tmp_path: Path,
                               corpus_dir: Path) -> None:
    emb = HashingEmbedder()
    store = ServerStore(own_server.url, tmp_path / "kb", check_interval=0)
    version = ingest(store, emb, corpus_dir).kb_version
    app = Retriever(store, emb)
    before = app.ask(QUESTION)
    assert before.kb_version == version and not before.abstained

    own_server.stop()
    for _ in range(3):  # every question fails cleanly; nothing hangs, nothing else is raised
        with pytest.raises(StoreUnavailable) as err:
            app.ask(QUESTION)
        assert "knowledge base is unavailable" in str(err.value)
        assert own_server.url in str(err.value) and "as soon as it is back" in str(err.value)
    with pytest.raises(StoreUnavailable):
        store.list_versions()

    own_server.start()  # same port, same data
    after = app.ask(QUESTION)
    assert after.kb_version == version
    assert [m.entry.id for m in after.results] == [m.entry.id for m in before.results]
    assert [v.version for v in store.list_versions()] == [version]  # nothing lost


def test_server_down_mid_query_after_the_index_is_loaded(
        own_server: ChromaServer, tmp_path: Path, corpus_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A large KB queries Chroma's ANN index per question; with the server gone the search runs
    exactly over the vectors already in memory, so coders keep getting answers."""
    monkeypatch.setattr(index_module, "EXACT_SEARCH_MAX", 0)  # as past 40,000 passages
    emb = HashingEmbedder()
    store = ServerStore(own_server.url, tmp_path / "kb", check_interval=3600)  # pointer cached
    ingest(store, emb, corpus_dir)
    app = Retriever(store, emb)
    app.ask(QUESTION)
    own_server.stop()
    assert not app.ask(QUESTION).abstained  # the ANN lookup fails; the exact search answers
    own_server.start()
    assert not app.ask(QUESTION).abstained


def test_a_loaded_small_kb_searches_in_memory_while_the_pointer_is_cached(
        own_server: ChromaServer, tmp_path: Path, corpus_dir: Path) -> None:
    """Up to EXACT_SEARCH_MAX passages the loaded (immutable) version is searched in memory."""
    emb = HashingEmbedder()
    store = ServerStore(own_server.url, tmp_path / "kb", check_interval=3600)
    ingest(store, emb, corpus_dir)
    app = Retriever(store, emb)
    before = app.ask(QUESTION)
    own_server.stop()
    during = app.ask(QUESTION)
    assert [m.entry.id for m in during.results] == [m.entry.id for m in before.results]
    assert during.kb_version == before.kb_version


def test_ingest_against_a_stopped_server_changes_nothing(
        own_server: ChromaServer, tmp_path: Path, corpus_dir: Path) -> None:
    store = ServerStore(own_server.url, tmp_path / "kb", check_interval=0)
    own_server.stop()
    with pytest.raises(StoreUnavailable, match="knowledge base is unavailable"):
        ingest(store, HashingEmbedder(), corpus_dir)
    own_server.start()
    assert store.active_version() is None and store.list_versions() == []
