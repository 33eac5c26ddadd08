"""A version's Chroma collection carries passage text and provenance any Chroma client can read."""

from __future__ import annotations

from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from ingest.build import ingest
from retrieval.store import LocalStore
from retrieval.store.base import row_metadata
from tests.conftest import SEED_IDS

DOC = "astro-daily-practice-physics"


def _collection(kb: Path, version: str):  # type: ignore[no-untyped-def]
    client = chromadb.PersistentClient(path=str(kb / "versions" / version / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    return client, client.get_collection("passages")


def _reingest_one_change(store: LocalStore, corpus_dir: Path, fake_embedder) -> str:  # type: ignore[no-untyped-def]
    ingest(store, fake_embedder, corpus_dir)
    path = corpus_dir / f"{DOC}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "personal supervision.", "personal supervision at all times."), encoding="utf-8")
    v2 = ingest(store, fake_embedder, corpus_dir).kb_version
    assert v2 is not None
    return v2


def test_rows_carry_text_and_metadata_after_a_patched_reingest(settings, corpus_dir,  # type: ignore[no-untyped-def]
                                                               fake_embedder) -> None:
    store = LocalStore(settings.kb_dir)
    v2 = _reingest_one_change(store, corpus_dir, fake_embedder)
    manifest = store.read_manifest(v2)
    _, col = _collection(settings.kb_dir, v2)
    got = col.get(include=["documents", "metadatas"])
    rows = dict(zip(got["ids"], zip(got["documents"], got["metadatas"], strict=True),
                    strict=True))
    assert len(rows) == len(manifest.passages)
    for p in manifest.passages:  # copied rows relabelled, changed rows rewritten
        text, meta = rows[p.id]
        assert text == p.text
        assert meta == {"entry_id": p.entry_id, "document": DOC, "field": p.field,
                        "kb_version": v2}
    assert any("at all times" in t for t, _ in rows.values())


@pytest.mark.slow
def test_langchain_chroma_reads_and_queries_a_version(seed_data_dir: Path,  # type: ignore[no-untyped-def]
                                                      real_embedder) -> None:
    from langchain_chroma import Chroma

    from retrieval.langchain import BundledEmbeddings

    store = LocalStore(seed_data_dir / "kb")
    version = store.active_version()
    assert version is not None
    client, _ = _collection(seed_data_dir / "kb", version)
    db = Chroma(client=client, collection_name="passages",
                embedding_function=BundledEmbeddings(real_embedder))
    hits = db.similarity_search("can weekly physics chart checks be done remotely?", k=3)
    assert hits and hits[0].metadata["entry_id"] == SEED_IDS[3]
    assert hits[0].metadata["kb_version"] == version and hits[0].metadata["document"] == DOC
    entry = {e.id: e for e in store.read_manifest(version).entries}[SEED_IDS[3]]
    assert hits[0].page_content in (entry.question, entry.answer)
    sbrt = db.similarity_search("SBRT", k=1, filter={"field": "question"})
    assert sbrt[0].metadata["entry_id"] == SEED_IDS[4]


def test_the_sql_relabel_labels_every_kept_row(settings, corpus_dir, fake_embedder,  # type: ignore[no-untyped-def]
                                              monkeypatch) -> None:
    import retrieval.store.local as local

    counted: list[int] = []
    real = local.relabel_closed_copy
    monkeypatch.setattr(local, "relabel_closed_copy",
                        lambda *a: counted.append(real(*a)) or counted[-1])
    updates: list[int] = []
    monkeypatch.setattr(local, "row_metadata",
                        lambda *a: updates.append(1) or row_metadata(*a))
    store = LocalStore(settings.kb_dir)
    v2 = _reingest_one_change(store, corpus_dir, fake_embedder)
    manifest = store.read_manifest(v2)
    # every copied row was relabelled in SQL (the changed one is deleted after, then re-added)
    assert counted == [len(manifest.passages)]
    assert not updates  # no row needed Chroma's row-by-row update
    got = store.collection(v2).get(include=["metadatas"])
    assert {m["kb_version"] for m in got["metadatas"]} == {v2}


def test_rows_the_sql_relabel_misses_are_updated_through_chroma(settings, corpus_dir,  # type: ignore[no-untyped-def]
                                                                fake_embedder,
                                                                monkeypatch) -> None:
    import retrieval.store.local as local

    monkeypatch.setattr(local, "relabel_closed_copy", lambda *a: 0)  # e.g. another schema
    store = LocalStore(settings.kb_dir)
    v2 = _reingest_one_change(store, corpus_dir, fake_embedder)
    manifest = store.read_manifest(v2)
    got = store.collection(v2).get(include=["metadatas"])
    assert len(got["ids"]) == len(manifest.passages)
    assert {m["kb_version"] for m in got["metadatas"]} == {v2}
