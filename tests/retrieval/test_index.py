"""KBIndex on the real seed knowledge base: exact search against Chroma's, batched similarities."""

from __future__ import annotations

import numpy as np
import pytest

import retrieval.index as index_module
from retrieval.index import KBIndex

QUESTIONS = [
    "can we bill 77370 after treatment ended?",
    "who has to supervise the physicist",
    "weekly physics check 77336 remote",
    "left knee sprain ICD-10",
]


@pytest.fixture(scope="module")
def index(seed_retriever) -> KBIndex:  # type: ignore[no-untyped-def]
    return seed_retriever.index()


def test_exact_search_finds_what_chromas_index_finds(index: KBIndex, real_embedder,  # type: ignore[no-untyped-def]
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    total = len(index.manifest.passages)
    for q in QUESTIONS:
        v = real_embedder.embed([q])[0]
        exact = index.dense(v, 10)
        monkeypatch.setattr(index_module, "EXACT_SEARCH_MAX", 0)
        ann = index.dense(v, 10)
        monkeypatch.undo()
        assert len(exact) == min(10, total)
        # same passages in the same order (the seed KB is small enough for Chroma to be exact)
        assert [(h.entry, h.field) for h in exact] == [(h.entry, h.field) for h in ann]
        assert np.allclose([h.similarity for h in exact], [h.similarity for h in ann], atol=1e-4)
        sims = [h.similarity for h in exact]
        assert sims == sorted(sims, reverse=True)


def test_batched_similarities_equal_entry_by_entry(index: KBIndex, real_embedder) -> None:  # type: ignore[no-untyped-def]
    v = real_embedder.embed([QUESTIONS[0]])[0]
    entries = list(range(len(index.entries)))
    best_q, best_a = index.similarities(v, entries)
    passages = index.manifest.passages
    vectors = np.asarray(index._vectors)
    for i, e in enumerate(index.entries):
        rows = [n for n, p in enumerate(passages) if p.entry_id == e.id]
        q_rows = [n for n in rows if passages[n].field in ("question", "alternate")]
        a_rows = [n for n in rows if passages[n].field == "answer"]
        assert best_q[i] == pytest.approx(float((vectors[q_rows] @ v).max()), abs=1e-6)
        assert best_a[i] == pytest.approx(float((vectors[a_rows] @ v).max()), abs=1e-6)
    # any subset, in any order, gives each entry the same figures
    some = [3, 0, 2]
    q2, a2 = index.similarities(v, some)
    assert np.allclose(q2, best_q[some]) and np.allclose(a2, best_a[some])


def test_neighbour_levels_are_built_with_the_index_and_cached_per_version(  # type: ignore[no-untyped-def]
        index: KBIndex, seed_retriever) -> None:
    n = len(index.entries)
    rows = [index._question_row(i) for i in range(n)]
    q = index._vectors[rows]
    sims = q @ q.T
    sims[(sims >= 0.92) | np.eye(n, dtype=bool)] = -1.0
    assert index.neighbour == pytest.approx(np.clip(sims.max(axis=1), 0, None), abs=1e-5)
    assert 0.0 < index.neighbour.min() and index.neighbour.max() < 0.92
    # a second build of the same version reads them back instead of computing them again
    again = seed_retriever.load(index.version)
    assert not again.neighbour_computed and np.array_equal(again.neighbour, index.neighbour)
