"""kill -9 in the middle of an ingest: the active version keeps serving, the next ingest cleans up.

Each case runs a real ingest in a subprocess (real on-disk Chroma; the deterministic fake embedder
so no model load is needed), holds it at a chosen point, SIGKILLs it there, then checks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.build import ingest
from retrieval.retriever import Retriever
from retrieval.store import LocalStore
from tests.conftest import REPO
from tests.fakes import HashingEmbedder

pytestmark = pytest.mark.slow
QUESTION = "What is the supervision requirement for physicists during SBRT delivery?"

CHILD = r'''
import sys, time, pathlib
point, corpus, kb, marker = sys.argv[1:5]
def hold():
    pathlib.Path(marker).write_text("here")
    time.sleep(600)  # killed here

import numpy as np
import retrieval.store.local as local
from ingest.build import ingest
from tests.fakes import HashingEmbedder
from retrieval.store import LocalStore

class Slow(HashingEmbedder):
    def embed(self, texts):
        if point == "embedding":
            hold()
        return super().embed(texts)

if point == "chroma-written":  # Chroma collection written, manifest not yet
    real_save = np.save
    def save(*a, **k):
        hold()
    local.np.save = save
if point == "before-activate":  # version complete, pointer not switched
    real_activate = LocalStore.activate
    def activate(self, version):
        hold()
    LocalStore.activate = activate
if point == "after-activate":  # switched, not yet pruned
    LocalStore.prune = lambda self, keep: hold()
ingest(LocalStore(pathlib.Path(kb)), Slow(), pathlib.Path(corpus))
'''


def edit(corpus_dir: Path, text: str) -> None:
    doc = corpus_dir / "astro-daily-practice-physics.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "to provide personal supervision.", f"to provide personal supervision{text}."),
        encoding="utf-8")


def run_and_kill(point: str, corpus: Path, kb: Path, tmp: Path) -> None:
    script = tmp / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    marker = tmp / f"{point}.reached"
    proc = subprocess.Popen([sys.executable, str(script), point, str(corpus), str(kb),
                             str(marker)], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"child ended before {point}: {proc.stdout.read()!r}")  # type: ignore[union-attr]
        assert time.monotonic() < deadline, f"child never reached {point}"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("point", ["embedding", "chroma-written", "before-activate"])
def test_killed_before_the_switch_leaves_the_old_version_serving(point, settings, corpus_dir,  # type: ignore[no-untyped-def]
                                                                 tmp_path) -> None:
    emb = HashingEmbedder()
    store = LocalStore(settings.kb_dir)
    first = ingest(store, emb, corpus_dir).kb_version
    edit(corpus_dir, " at all times")
    run_and_kill(point, corpus_dir, settings.kb_dir, tmp_path)

    fresh = LocalStore(settings.kb_dir)  # as a newly started app would open it
    assert fresh.active_version() == first
    answer = Retriever(fresh, emb).ask(QUESTION)
    assert answer.kb_version == first and answer.top is not None
    assert answer.top.entry.answer.endswith("personal supervision.")
    leftovers = [d for d in (settings.kb_dir / "versions").iterdir() if d.name != first]
    if point == "embedding":
        assert leftovers == []  # nothing is written before every vector exists
    elif point == "chroma-written":
        assert len(leftovers) == 1 and not (leftovers[0] / "manifest.json").exists()
        assert [v.version for v in fresh.list_versions()] == [first]  # never listed
    else:  # complete but never switched to: a kept version, not served
        assert [v.version for v in fresh.list_versions() if not v.active] == [leftovers[0].name]

    report = ingest(fresh, emb, corpus_dir)  # the lock died with the process
    assert report.activated and fresh.active_version() == report.kb_version
    if point == "chroma-written":
        assert not leftovers[0].exists()  # half-built: cleaned
    assert all((d / "manifest.json").exists() for d in (settings.kb_dir / "versions").iterdir())
    assert not list(settings.kb_dir.glob(".*.tmp"))
    latest = Retriever(fresh, emb).ask(QUESTION)
    assert latest.top is not None and latest.top.entry.answer.endswith("at all times.")


def test_killed_after_the_switch_serves_the_new_version(settings, corpus_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    emb = HashingEmbedder()
    store = LocalStore(settings.kb_dir)
    first = ingest(store, emb, corpus_dir).kb_version
    edit(corpus_dir, " at all times")
    run_and_kill("after-activate", corpus_dir, settings.kb_dir, tmp_path)
    fresh = LocalStore(settings.kb_dir)
    new = fresh.active_version()
    assert new != first and new is not None
    answer = Retriever(fresh, emb).ask(QUESTION)
    assert answer.kb_version == new and answer.top is not None
    assert answer.top.entry.answer.endswith("at all times.")
    again = ingest(fresh, emb, corpus_dir)
    assert not again.activated and again.kb_version == new  # nothing left to do
