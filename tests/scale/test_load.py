"""Load: 20 concurrent clients ask questions while an ingest activates a new version.

Bounded loops on loopback only. The suite runs a short window (RADONC_QA_LOAD_SECONDS, default
6 s); the report's figures come from `RADONC_QA_LOAD_SECONDS=30 pytest tests/scale/test_load.py
-s`. Figures are printed, never asserted (timing depends on the machine); what is asserted is
zero errors, every answer carrying its disclaimer, and every client moving to the new version.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from evals.sets import read_sets
from ingest.build import ingest
from retrieval.retriever import Retriever
from retrieval.store import LocalStore
from retrieval.store.base import KBStore
from retrieval.store.server import ServerStore
from tests.conftest import EVAL_SETS, SEED

pytestmark = [pytest.mark.slow, pytest.mark.server]

CLIENTS = 20
SECONDS = float(os.environ.get("RADONC_QA_LOAD_SECONDS", "6"))
MAX_ASKS_PER_CLIENT = 100_000  # a bound on every loop, whatever the clock does


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    versions: list[set[str]] = field(default_factory=list)  # per client, in order seen
    last_version: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: float = 0.0

    def summary(self, label: str, seconds: float) -> str:
        p50, p95, p99 = np.percentile(self.latencies_ms, [50, 95, 99])
        return (f"\n[load {label}] {CLIENTS} clients, {seconds:.1f} s: {len(self.latencies_ms)} "
                f"answers ({len(self.latencies_ms) / seconds:.1f}/s), errors {len(self.errors)}, "
                f"latency ms median {p50:.1f} p95 {p95:.1f} p99 {p99:.1f} "
                f"max {max(self.latencies_ms):.1f}")


def _questions() -> list[str]:
    return [r.question for r in read_sets([EVAL_SETS / "seed-tuning-dev.jsonl"])]


def run_load(replicas: list[Retriever], during: Callable[[], str]) -> tuple[LoadResult, str]:
    """CLIENTS threads ask for SECONDS; a third of the way in, `during()` activates a version."""
    questions = _questions()
    out = LoadResult(versions=[set() for _ in range(CLIENTS)], last_version=[""] * CLIENTS)
    stop = threading.Event()
    hard_stop = time.monotonic() + SECONDS * 10  # whatever happens, the loops end

    def client(n: int) -> None:
        retriever = replicas[n % len(replicas)]
        for i in range(MAX_ASKS_PER_CLIENT):
            if stop.is_set() or time.monotonic() >= hard_stop:
                break
            q = questions[(n * 7 + i) % len(questions)]
            t0 = time.perf_counter()
            try:
                a = retriever.ask(q)
                ms = (time.perf_counter() - t0) * 1000
                assert all(m.disclaimer.strip() for m in (*a.results, *a.suggestions))
            except Exception as e:  # every failure counts; the test asserts there are none
                with out.lock:
                    out.errors.append(f"{type(e).__name__}: {e}")
                continue
            with out.lock:
                out.latencies_ms.append(ms)
            out.versions[n].add(a.kb_version)
            out.last_version[n] = a.kb_version

    with ThreadPoolExecutor(CLIENTS) as pool:
        started = time.monotonic()
        futures = [pool.submit(client, n) for n in range(CLIENTS)]
        time.sleep(SECONDS / 3)
        new_version = during()
        # the full window, and at least a third of it after the switch, under load throughout
        time.sleep(max(SECONDS - (time.monotonic() - started), SECONDS / 3))
        # a replica builds the new version's index (a second or more on a loaded machine) while
        # it keeps answering on the old one: go on under load until every client has moved, or
        # the hard stop, so the test asserts that they move, not how fast a loaded CPU is
        while time.monotonic() < hard_stop and any(v != new_version for v in out.last_version):
            time.sleep(0.1)
        stop.set()
        for f in futures:
            f.result()
        out.seconds = time.monotonic() - started
    return out, new_version


def _edit(corpus: Path) -> None:
    doc = corpus / SEED.name
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "A physicist must be available onsite", "A qualified physicist must be available onsite"),
        encoding="utf-8")


def _check(out: LoadResult, old: str, new: str, label: str) -> None:
    print(out.summary(label, out.seconds))
    assert out.errors == []
    assert len(out.latencies_ms) >= CLIENTS
    assert all(v <= {old, new} for v in out.versions)
    assert out.last_version == [new] * CLIENTS  # every client moved to the new version


def _load_with_ingest(store: KBStore, replicas: list[Retriever], corpus: Path,
                      embedder: object, label: str) -> None:
    old = ingest(store, embedder, corpus).kb_version  # type: ignore[arg-type]
    assert old
    for r in replicas:
        r.ask("warm up")

    def activate_new() -> str:
        _edit(corpus)
        v = ingest(store, embedder, corpus).kb_version  # type: ignore[arg-type]
        assert v and v != old
        return v

    out, new = run_load(replicas, activate_new)
    _check(out, old, new, label)


def test_embedded_store_under_load_while_a_new_version_activates(
        tmp_path: Path, corpus_dir: Path, real_embedder: object) -> None:
    store = LocalStore(tmp_path / "kb")
    app = Retriever(LocalStore(tmp_path / "kb"), real_embedder)  # type: ignore[arg-type]
    _load_with_ingest(store, [app], corpus_dir, real_embedder, "embedded")


def test_server_store_under_load_while_a_new_version_activates(
        tmp_path: Path, corpus_dir: Path, chroma_url: str, real_embedder: object) -> None:
    admin = ServerStore(chroma_url, tmp_path / "admin")
    replicas = [Retriever(ServerStore(chroma_url, tmp_path / f"r{n}"), real_embedder)  # type: ignore[arg-type]
                for n in range(2)]
    _load_with_ingest(admin, replicas, corpus_dir, real_embedder, "chroma server, 2 replicas")
