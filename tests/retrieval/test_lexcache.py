"""The per-version cache of the lexical index: same index with or without it, reused across
versions for unchanged entries, and never required."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ingest.build import ingest
from retrieval.embedding import Embedder
from retrieval.index import KBIndex
from retrieval.retriever import Retriever
from retrieval.store import LocalStore

QUESTIONS = ["can we bill 77370 after treatment ended?", "phsyics supervison for sbrt",
             "weekly chart check remote 77336"]


def _same(a: KBIndex, b: KBIndex) -> None:
    assert a.entry_terms == b.entry_terms
    assert a.speller.vocab == b.speller.vocab and a.speller.known == b.speller.known
    assert a.idf == b.idf
    for q in QUESTIONS:
        terms = a.lexicon.terms(q)
        assert a.lexical(terms, 5) == b.lexical(terms, 5)
        assert a.speller.corrections(a.lexicon.words(q)) == b.speller.corrections(
            b.lexicon.words(q))


def _kb(tmp_path: Path, corpus_dir: Path, embedder: Embedder
        ) -> tuple[LocalStore, str, Retriever]:
    """A store with the corpus ingested, its version, and a retriever over it."""
    store = LocalStore(tmp_path / "kb")
    version = ingest(store, embedder, corpus_dir).kb_version
    assert version is not None
    return store, version, Retriever(store, embedder)


def test_a_cached_index_is_the_same_index(tmp_path: Path, corpus_dir: Path,
                                          fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store, version, r = _kb(tmp_path, corpus_dir, fake_embedder)
    built = r.load(version)
    files = list(store.cache_dir.glob(f"{version}.*.json"))
    assert len(files) == 1 and r.lexicon.fingerprint in files[0].name
    cached = r.load(version)
    assert cached.reused_lexical == len(cached.entries) and built.reused_lexical == 0
    _same(built, cached)
    assert built.lexical_table is None and cached.lexical_table is None  # not kept in memory


def test_a_new_version_reuses_the_previous_versions_work(tmp_path: Path, corpus_dir: Path,
                                                         fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store, first, r = _kb(tmp_path, corpus_dir, fake_embedder)
    r.load(first)  # writes the first version's file
    doc = corpus_dir / "astro-daily-practice-physics.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "personal supervision.", "personal supervision, always."), encoding="utf-8")
    second = ingest(store, fake_embedder, corpus_dir).kb_version
    assert second is not None and second != first
    index = r.load(second)
    assert index.reused_lexical == len(index.entries) - 1  # only the edited entry is redone
    assert any("alway" in terms for terms in index.entry_terms)
    for p in store.cache_dir.glob("*.json"):  # the cache is not needed: same index without it
        p.unlink()
    _same(index, r.load(second))


def test_a_broken_or_foreign_cache_file_is_ignored(tmp_path: Path, corpus_dir: Path,
                                                    fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store, version, r = _kb(tmp_path, corpus_dir, fake_embedder)
    reference = r.load(version)
    path = next(store.cache_dir.glob(f"{version}.*.json"))
    for junk in (b"{not json", b'{"fingerprint": "someone-else", "entries": {}}',
                 b'{"fingerprint": "%s", "entries": {"k": 3}}' % r.lexicon.fingerprint.encode()):
        path.write_bytes(junk)
        again = r.load(version)
        assert again.reused_lexical == 0
        _same(reference, again)
        assert r.load(version).reused_lexical == len(reference.entries)  # replaced by a good one
    answer = r.ask(QUESTIONS[0])
    assert not answer.abstained and np.isfinite(answer.results[0].score)
