"""Readers see exactly one complete version, before or after the switch, never a mix."""

from __future__ import annotations

import threading
import time

from ingest.build import ingest
from retrieval.retriever import Retriever
from retrieval.store import LocalStore

QUESTION = "What is the supervision requirement for physicists during SBRT delivery?"


def test_switching_versions_while_readers_query(settings, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(settings.kb_dir)
    first = ingest(store, fake_embedder, corpus_dir).kb_version
    retriever = Retriever(LocalStore(settings.kb_dir), fake_embedder)  # its own store handle
    seen: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                a = retriever.ask(QUESTION)
                seen.append((a.kb_version, a.top.entry.answer))
            except BaseException as e:  # any failure is a test failure
                errors.append(e)
                return

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    doc = corpus_dir / "astro-daily-practice-physics.txt"
    versions = [first]
    for n in range(3):
        text = doc.read_text(encoding="utf-8").replace(
            "personal supervision.", f"personal supervision (rev {n}).", 1)
        text = text.replace(f"(rev {n - 1})", "") if n else text
        doc.write_text(text, encoding="utf-8")
        versions.append(ingest(store, fake_embedder, corpus_dir).kb_version)
    deadline = time.monotonic() + 60
    while not errors and time.monotonic() < deadline:
        if any(v == versions[-1] for v, _ in seen[-50:]):
            break
        time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join()

    assert errors == []
    expected = {v: store.read_manifest(v).entries[4].answer for v in versions}
    assert {v for v, _ in seen} <= set(versions) and versions[-1] in {v for v, _ in seen}
    for version, answer in seen:
        assert answer == expected[version]  # text and version always agree


def test_rollback_is_an_activation_of_a_kept_version(settings, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(settings.kb_dir)
    first = ingest(store, fake_embedder, corpus_dir).kb_version
    doc = corpus_dir / "astro-daily-practice-physics.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace("onsite", "on the premises"),
                   encoding="utf-8")
    second = ingest(store, fake_embedder, corpus_dir).kb_version
    retriever = Retriever(store, fake_embedder)
    assert retriever.ask(QUESTION).kb_version == second
    store.activate(first)
    a = retriever.ask(QUESTION)
    assert a.kb_version == first and "onsite" in a.top.entry.answer
