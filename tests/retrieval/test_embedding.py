"""The bundled model: batch precision and token counting, checked against the fp32 / slow paths."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ingest.chunk import CHUNK_TOKENS, passages_for
from ingest.corpus import load_corpus
from retrieval.embedding import BF16_MIN_BATCH, SentenceTransformerEmbedder
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def fp32() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(precision="fp32")


def _texts() -> list[str]:
    entries = load_corpus(CORPUS).entries
    return [t for e in entries for t in (e.question, e.answer, *e.alternates)]


def test_bf16_batches_match_fp32_vectors(fp32: SentenceTransformerEmbedder) -> None:
    bf16 = SentenceTransformerEmbedder(precision="bf16")
    texts = _texts()
    assert len(texts) >= BF16_MIN_BATCH
    a, b = fp32.embed(texts), bf16.embed(texts)
    assert a.shape == b.shape and b.dtype == np.float32
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-4)
    cosine = (a * b).sum(axis=1)
    assert cosine.min() > 0.999
    # Each text's nearest other text under bf16 is its nearest under fp32, or within a hair.
    sim_a, sim_b = a @ a.T, b @ b.T
    np.fill_diagonal(sim_a, -1.0)
    np.fill_diagonal(sim_b, -1.0)
    rows = np.arange(len(texts))
    best = sim_a.max(axis=1)
    picked = sim_a[rows, sim_b.argmax(axis=1)]
    assert (best - picked).max() < 0.005


def test_a_single_question_is_embedded_in_fp32(fp32: SentenceTransformerEmbedder) -> None:
    bf16 = SentenceTransformerEmbedder(precision="bf16")
    q = ["can we bill 77370 after treatment ended?"]
    assert np.array_equal(bf16.embed(q), fp32.embed(q))


def test_fp32_precision_turns_autocast_off(fp32: SentenceTransformerEmbedder) -> None:
    assert fp32.bf16_batches is False
    texts = _texts()
    assert np.array_equal(fp32.embed(texts), fp32.embed(texts))


def test_batched_token_counts_equal_one_by_one(fp32: SentenceTransformerEmbedder) -> None:
    texts = [*_texts(), "  two\n\nparagraphs  ", "word " * 400, "", "CPT® 77370 – “quoted”"]
    assert fp32.token_counts(texts) == [fp32.count_tokens(t) for t in texts]


def test_passages_skip_the_splitter_only_when_text_fits(fp32: SentenceTransformerEmbedder) -> None:
    entries = load_corpus(CORPUS).entries
    long = dataclasses.replace(entries[0], id="long:1", answer="Bill it once. " * 120)
    entries = [*entries, long]
    assert fp32.count_tokens(long.answer) > CHUNK_TOKENS
    slow = passages_for(entries, fp32.count_tokens)
    fast = passages_for(entries, fp32.count_tokens, fp32.token_counts)
    assert fast == slow
    assert sum(p.entry_id == long.id and p.field == "answer" for p in fast) > 1


def test_a_long_batch_runs_in_slices_with_the_vectors_of_one_call() -> None:
    import torch

    small = SentenceTransformerEmbedder(batch_size=8, precision="fp32")
    texts = _texts() * 2
    texts = [f"{t} ({n})" for n, t in enumerate(texts)]  # distinct texts, many slices
    assert len(texts) > 4 * 8
    sliced = small.embed(texts)
    assert small._pool is not None  # the worker threads ran the slices
    assert torch.get_num_threads() == 1
    with torch.inference_mode():
        whole = small._model.encode(texts, batch_size=8, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
    assert sliced.shape == whole.shape and sliced.dtype == np.float32
    assert np.abs(sliced - whole).max() < 1e-5
    # every text's nearest neighbours rank in the same order either way
    assert (np.argsort(-(sliced @ sliced.T), axis=1)[:, :5]
            == np.argsort(-(whole @ whole.T), axis=1)[:, :5]).all()


def test_sliced_bf16_batches_match_fp32_vectors(fp32: SentenceTransformerEmbedder) -> None:
    bf16 = SentenceTransformerEmbedder(batch_size=8, precision="bf16")
    texts = _texts()
    assert len(texts) > 2 * 8
    cosine = (bf16.embed(texts) * fp32.embed(texts)).sum(axis=1)
    assert bf16._pool is not None and cosine.min() > 0.999


def test_a_forked_child_embeds_batches_with_its_own_workers() -> None:
    import multiprocessing

    emb = SentenceTransformerEmbedder(batch_size=8, precision="fp32")
    texts = _texts()
    want = emb.embed(texts)  # the parent's worker threads exist now
    ctx = multiprocessing.get_context("fork")
    # Several children: torch rebuilds its own thread pool after a fork, and two of our workers
    # asking for it at once could find it half rebuilt (a race; one child may not lose it).
    for _ in range(4):
        queue = ctx.Queue()
        child = ctx.Process(target=lambda q=queue: q.put(emb.embed(texts)))
        child.start()
        got = queue.get(timeout=120)  # an inherited pool has no threads: would never return
        child.join(timeout=30)
        assert child.exitcode == 0 and np.abs(got - want).max() < 1e-5
