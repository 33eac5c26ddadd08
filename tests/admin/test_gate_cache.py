"""Eval questions' vectors are kept by text, in the process and in the store's cache folder."""

from __future__ import annotations

from admin import query_cache as cache
from evals.sets import EvalRow
from ingest.build import ingest
from retrieval.retriever import Retriever
from retrieval.store import LocalStore
from tests.fakes import HashingEmbedder


class Counting(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.texts = 0

    def embed(self, texts: list[str]):  # type: ignore[no-untyped-def]
        self.texts += len(texts)
        return super().embed(texts)


def test_a_new_process_embeds_only_unseen_questions(settings, corpus_dir) -> None:  # type: ignore[no-untyped-def]
    emb = Counting()
    store = LocalStore(settings.kb_dir)
    v = ingest(store, emb, corpus_dir).kb_version
    assert v is not None
    rows = [EvalRow(f"r{n}", f"who signs the 77370 report, question {n}?", ()) for n in range(9)]
    retriever = Retriever(store, emb)
    index = retriever.load(v)
    cache._VECTORS.clear()
    cache._LOADED.clear()
    before = emb.texts
    assert cache.prime(retriever, index, rows) == 9 and emb.texts - before == 9
    assert cache.prime(retriever, index, rows) == 0  # same process: kept in memory
    cache._VECTORS.clear()  # a new process: only the cache file is left
    cache._LOADED.clear()
    more = [*rows, EvalRow("new", "is 77300 billable twice?", ())]
    before = emb.texts
    assert cache.prime(retriever, index, more) == 1 and emb.texts - before == 1
    assert any(settings.kb_dir.joinpath("cache").glob("gate-queries-*.npz"))
