"""The quality gate's query vectors: eval questions embedded once, kept by text across versions.

Kept in the process and in the store's cache folder (a cache: deleting it is always safe), so a
gate run embeds only questions no earlier run has seen.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evals.sets import EvalRow
from retrieval.entry import content_hash
from retrieval.errors import RadoncQAError
from retrieval.index import KBIndex
from retrieval.retriever import Retriever
from retrieval.store.base import KBStore

QUERY_CACHE = 20_000  # eval questions' vectors kept across versions (≈30 MB at 384 dims)
__all__ = ["CachedRetriever", "prime"]

_VECTORS: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()  # (model, query text)
_LOADED: set[Path] = set()  # cache files already read by this process


class CachedRetriever(Retriever):
    """A retriever that takes query vectors from the gate's cache (same text, same vector)."""

    def embed(self, index: KBIndex, text: str, q: Any) -> np.ndarray:
        hit = _VECTORS.get((self.embedder.name, self.query_text(text, q)))
        return hit if hit is not None else super().embed(index, text, q)

    def prefill(self, index: KBIndex, questions: Sequence[str]) -> None:
        """The runner's batch embedding, for questions the gate's cache does not hold (the gate
        primes its rows first, so a run embeds nothing twice)."""
        super().prefill(index, [q for q in questions
                                if (k := _key(self, index, q)) is not None and k not in _VECTORS])


def _key(retriever: Retriever, index: KBIndex, text: str) -> tuple[str, str] | None:
    """A question's key in the gate's cache: (model, the text the model is given); None for
    unusable text (the runner records it as bad input)."""
    from retrieval.text import clean_query

    try:
        cleaned = clean_query(text)
    except RadoncQAError:
        return None
    return retriever.embedder.name, retriever.query_text(cleaned, retriever.terms(index, cleaned))


def _disk_cache(store: KBStore, model: str) -> Path | None:
    """This machine's file of eval-question vectors (a cache: deleting it is always safe)."""
    if store.cache_dir is None:
        return None
    return store.cache_dir / f"gate-queries-{content_hash(model)}.npz"


def _load_disk(path: Path | None, model: str) -> None:
    """Fill the in-process cache from the file once per process (a bad file only costs time)."""
    if path is None or path in _LOADED or not path.is_file():
        return
    _LOADED.add(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            for text, vector in zip(data["texts"].tolist(), data["vectors"], strict=True):
                _VECTORS.setdefault((model, str(text)), vector)
    except (OSError, ValueError, KeyError):
        return


def _save_disk(path: Path | None, model: str) -> None:
    if path is None:
        return
    keys = [k for k in _VECTORS if k[0] == model]
    if not keys:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
    np.savez(tmp, texts=np.array([k[1] for k in keys]),
             vectors=np.stack([_VECTORS[k] for k in keys]))
    os.replace(tmp, path)


def prime(retriever: Retriever, index: KBIndex, rows: list[EvalRow]) -> int:
    """Embed the rows' questions not yet cached, in one fp32 batch; returns how many.

    Vectors are kept by text in the process and in the store's cache folder, so a new process
    (the CLI) embeds only questions it has never seen."""
    model = retriever.embedder.name
    disk = _disk_cache(retriever.store, model)
    _load_disk(disk, model)
    todo: dict[tuple[str, str], None] = {}
    for r in rows:
        for text in (*r.context, r.question):
            key = _key(retriever, index, text)
            if key is None:
                continue
            if key in _VECTORS:
                _VECTORS.move_to_end(key)
            else:
                todo[key] = None
    keys = list(todo)
    if keys:  # fp32, as single questions and the runner's batches are embedded
        batch = getattr(retriever.embedder, "embed_fp32", retriever.embedder.embed)
        for key, vector in zip(keys, batch([k[1] for k in keys]), strict=True):
            _VECTORS[key] = vector
    while len(_VECTORS) > QUERY_CACHE:
        _VECTORS.popitem(last=False)
    if keys:
        try:
            _save_disk(disk, model)
        except OSError:
            pass  # a cache that cannot be written only costs time next run
    return len(keys)
