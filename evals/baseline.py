"""The naive baseline the benchmark compares against: LangChain's Chroma over character chunks.

The same documents, split with `RecursiveCharacterTextSplitter` (LangChain's usual defaults), in
LangChain's `Chroma` vector store, embedded by the same model wrapped as LangChain `Embeddings`.
"""

from __future__ import annotations

import shutil
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from evals import measure, synth
from evals.measure import Progress, percentiles, timed
from retrieval.embedding import Embedder

BASELINE_CHUNK_CHARS = 1000  # LangChain's usual defaults for a "just split the documents" RAG
BASELINE_OVERLAP_CHARS = 200
BASELINE_ADD_BATCH = 1000


class LCEmbeddings:
    """Our embedder as LangChain `Embeddings` (built lazily so importing this module is cheap)."""

    def __new__(cls, embedder: Embedder) -> Any:
        from langchain_core.embeddings import Embeddings

        class _Wrapped(Embeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return embedder.embed(list(texts)).tolist()

            def embed_query(self, text: str) -> list[float]:
                return embedder.embed([text])[0].tolist()

        return _Wrapped()


def baseline_chunks(corpus: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The documents' whole text, split the usual naive way (character chunks with overlap)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=BASELINE_CHUNK_CHARS, chunk_overlap=BASELINE_OVERLAP_CHARS
    )
    texts: list[str] = []
    metas: list[dict[str, str]] = []
    for path in sorted(corpus.glob("*.txt")):
        for chunk in splitter.split_text(path.read_text(encoding="utf-8")):
            texts.append(chunk)
            metas.append({"source": path.name})
    return texts, metas


def build_baseline(
    corpus: Path, persist: Path, embedder: Embedder, progress: Progress | None = None
) -> Any:
    """A LangChain Chroma store over the corpus chunks, persisted under `persist`."""
    from langchain_chroma import Chroma

    texts, metas = baseline_chunks(corpus)
    store = Chroma(
        collection_name="baseline",
        embedding_function=LCEmbeddings(embedder),
        persist_directory=str(persist),
    )
    for start in range(0, len(texts), BASELINE_ADD_BATCH):
        store.add_texts(
            texts[start : start + BASELINE_ADD_BATCH],
            metadatas=metas[start : start + BASELINE_ADD_BATCH],
        )
        if progress:
            progress(
                "baseline: embedding chunks",
                min(start + BASELINE_ADD_BATCH, len(texts)),
                len(texts),
            )
    return store


def baseline_child(persist: str, question: str) -> None:
    """Cold start of the baseline in a fresh process: load model + store, answer one question."""
    from langchain_chroma import Chroma

    from retrieval.embedding import default_embedder

    store = Chroma(
        collection_name="baseline",
        embedding_function=LCEmbeddings(default_embedder()),
        persist_directory=persist,
    )
    docs = store.similarity_search(question, k=3)
    print(len(docs))


def bench_baseline(
    corpus: Path,
    persist: Path,
    embedder: Embedder,
    qs: list[tuple[str, str | None]],
    made: list[synth.SynthEntry],
    progress: Progress | None,
) -> dict[str, Any]:
    """The baseline's figures for the same corpus and queries."""
    shutil.rmtree(persist, ignore_errors=True)
    t0 = time.perf_counter()
    store = build_baseline(corpus, persist, embedder, progress)
    build_s = time.perf_counter() - t0
    question_of = {e.id: e.question for e in made}
    for q, _ in qs[:10]:
        store.similarity_search(q, k=3)
    ms_list, hits = [], 0
    for n, (q, expected) in enumerate(qs, 1):
        ms, docs = timed(partial(store.similarity_search, q, k=3))
        ms_list.append(ms)
        # the baseline cannot abstain, so an out-of-scope question is always a miss
        hits += expected is not None and any(question_of[expected] in d.page_content for d in docs)
        if progress:
            progress("baseline: queries", n, len(qs))
    # this module's own child mode, which reports its peak RSS like measured_command's
    cold = measure.cold_start(
        [sys.executable, "-m", "evals.bench", "baseline-child", str(persist), qs[0][0]])
    return {
        "baseline_query_ms": percentiles(ms_list),
        "baseline_ingest_entries_per_s": round(len(made) / build_s, 1),
        "baseline_reingest_one_s": round(build_s, 2),  # no change tracking: rebuild everything
        "baseline_cold_start_s": cold.seconds,
        "baseline_peak_rss_mb": cold.peak_rss_mb,
        "baseline_right_at_3": round(hits / len(qs), 3),
    }
