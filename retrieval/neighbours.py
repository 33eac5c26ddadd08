"""Per-entry references computed once per index build, from the entries themselves.

How close an entry's nearest other entry's question comes to its own says how crowded its part
of the knowledge base is: a question near a crowded entry is more often about a neighbour's
topic, or a near-domain one no entry covers, than a question near an entry that stands apart.
It is a property of the knowledge base, not of a question, so it costs a query nothing.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import numpy as np
import torch

# near-identical guidance from two documents: a question this close (cosine of the two questions'
# vectors) to another entry's is the same question again, not a neighbour or a rival
SAME_QUESTION = 0.92
KEEP_FILES = 12  # newest cached files kept (the store keeps 5 versions by default)
CHUNK = 1024  # questions compared at a time: CHUNK × entries floats of memory
EXACT_MAX = 40_000  # past this many entries, each is compared with a fixed sample of others
SAMPLE_SEED = 0


def nearest_other_question(vectors: np.ndarray, rows: np.ndarray, same: float) -> np.ndarray:
    """Per entry, the cosine of its question to the nearest other entry's question.

    `rows[i]` is entry i's question row in `vectors` (-1: no question passage, result 0.0).
    A question at or above `same` is the same question in another document (near-identical
    guidance), not a neighbour, and is skipped. Unit vectors assumed (cosine = dot product).
    """
    n = len(rows)
    out = np.zeros(n, dtype=np.float32)
    have = np.flatnonzero(rows >= 0)
    if len(have) < 2:
        return out
    q = torch.from_numpy(np.ascontiguousarray(vectors[rows[have]], dtype=np.float32))
    others = np.arange(len(have))
    if len(have) > EXACT_MAX:  # bounded cost; the max over a sample is a slight underestimate
        others = np.sort(np.random.default_rng(SAMPLE_SEED).choice(len(have), EXACT_MAX,
                                                                  replace=False))
    ref = q[torch.from_numpy(others)]
    best = np.zeros(len(have), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(have), CHUNK):
            sims = q[start:start + CHUNK] @ ref.T
            sims[sims >= same] = -1.0  # itself, and the same question elsewhere
            best[start:start + CHUNK] = sims.max(dim=1).values.clamp(min=0.0).numpy()
    out[have] = best
    return out


def cache_path(folder: Path | None, version: str) -> Path | None:
    return folder / f"{version}.neighbours.npy" if folder else None


def read_cached(folder: Path | None, version: str, n: int) -> np.ndarray | None:
    """The levels kept for this version (None when missing, unreadable or of another size)."""
    path = cache_path(folder, version)
    if path is None:
        return None
    try:
        got = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return got if got.shape == (n,) and got.dtype == np.float32 else None


def write_cached(folder: Path | None, version: str, levels: np.ndarray) -> None:
    """Best effort, atomic: a cache that cannot be written costs time, never an answer."""
    path = cache_path(folder, version)
    if path is None:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp.npy")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(tmp, levels, allow_pickle=False)
        os.replace(tmp, path)
        old = sorted(path.parent.glob("*.neighbours.npy"), key=lambda p: p.stat().st_mtime,
                     reverse=True)[KEEP_FILES:]
        for f in old:
            f.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):  # a read-only disk refuses even this (EROFS)
            tmp.unlink(missing_ok=True)
