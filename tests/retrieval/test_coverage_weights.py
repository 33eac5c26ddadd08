"""A query's term weights computed once give every candidate the coverage the per-entry formula
gives, to the last bit (ranking ties are broken on these floats)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest.build import ingest
from retrieval.index import KBIndex
from retrieval.retriever import Retriever
from retrieval.store import LocalStore

FIXTURE = Path(__file__).parents[1] / "ingest" / "fixtures" / "treatment-devices.html"


def _reference(index: KBIndex, terms: list[str], entry: int, unknown_weight: float) -> float:
    """The formula as it was written per entry before the weights were shared."""
    if not terms:
        return 0.0
    have = index.entry_terms[entry]
    total = got = 0.0
    for t in set(terms):
        w = index.idf.get(t, (1.0 if t in index.lexicon.aspects else unknown_weight)
                          * index.max_idf)
        total += w
        if t in have:
            got += w
    return got / total if total else 0.0


def test_shared_weights_give_the_per_entry_coverage(tmp_path: Path, corpus_dir: Path,  # type: ignore[no-untyped-def]
                                                    fake_embedder) -> None:
    shutil.copy(FIXTURE, corpus_dir / FIXTURE.name)
    store = LocalStore(tmp_path / "kb")
    ingest(store, fake_embedder, corpus_dir)
    index = Retriever(store, fake_embedder).index()
    vocab = sorted({t for terms in index.entry_terms for t in terms})
    aspect = sorted(index.lexicon.aspects)[:1]
    queries = [[], vocab[:3], vocab[::7], vocab[1::5] + ["zzunknown"], aspect + vocab[2:4],
               ["zzunknown", "qqnever"], vocab[:2] * 3]
    for terms in queries:
        for unknown_weight in (1.0, 0.35):
            weights = index.term_weights(terms, unknown_weight)
            for entry in range(len(index.entries)):
                want = _reference(index, terms, entry, unknown_weight)
                assert index.coverage_with(weights, entry) == want
                assert index.coverage(terms, entry, unknown_weight) == want
    assert any(index.coverage(vocab[::7], e) > 0 for e in range(len(index.entries)))
