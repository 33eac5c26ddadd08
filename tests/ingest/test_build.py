"""Ingest builds complete versions, switches atomically, and leaves the KB alone on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ingest.build import ingest, plan
from retrieval.errors import CorpusError, IngestBusy
from retrieval.settings import Settings
from retrieval.store import LocalStore
from tests.conftest import SEED_IDS
from tests.fakes import HashingEmbedder


@pytest.fixture
def store(settings: Settings) -> LocalStore:
    return LocalStore(settings.kb_dir)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "ingest.lock" and "chroma" not in p.parts}


def test_first_ingest_builds_and_activates_a_version(store, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    report = ingest(store, fake_embedder, corpus_dir)
    assert report.activated and report.kb_version == store.active_version()
    assert report.added == SEED_IDS and report.entries == 5 and report.documents == 1
    manifest = store.read_manifest(report.kb_version)
    assert [e.id for e in manifest.entries] == SEED_IDS
    assert store.collection(report.kb_version).count() == len(manifest.passages)
    ids, vectors = store.embeddings(report.kb_version)
    assert len(ids) == vectors.shape[0] == len(manifest.passages)


def test_reingest_of_an_unchanged_corpus_changes_nothing(store, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    first = ingest(store, fake_embedder, corpus_dir)
    again = ingest(store, fake_embedder, corpus_dir)
    assert not again.activated and again.kb_version == first.kb_version
    assert again.unchanged == SEED_IDS and len(store.list_versions()) == 1


def test_changed_entry_makes_a_new_version_reusing_unchanged_vectors(store, corpus_dir) -> None:  # type: ignore[no-untyped-def]
    class Counting(HashingEmbedder):
        calls = 0

        def embed(self, texts):  # type: ignore[no-untyped-def]
            Counting.calls += len(texts)
            return super().embed(texts)

    emb = Counting()
    first = ingest(store, emb, corpus_dir)
    embedded_first = Counting.calls
    doc = corpus_dir / "astro-daily-practice-physics.txt"
    text = doc.read_text(encoding="utf-8").replace(
        "to provide personal supervision.", "to provide personal supervision at all times.")
    doc.write_text(text, encoding="utf-8")
    second = ingest(store, emb, corpus_dir)
    assert second.activated and second.kb_version != first.kb_version
    assert second.updated == ["astro-daily-practice-physics:5"]
    assert Counting.calls - embedded_first == 1 and second.embedded == 1
    assert second.reused == embedded_first - 1
    assert [v.version for v in store.list_versions()] == [second.kb_version, first.kb_version]
    new = store.read_manifest(second.kb_version).entries[4].answer
    assert new.endswith("at all times.")
    assert store.read_manifest(first.kb_version).entries[4].answer.endswith("supervision.")


def test_bad_corpus_leaves_the_active_version_untouched(store, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    ingest(store, fake_embedder, corpus_dir)
    before = snapshot(store.root)
    (corpus_dir / "broken.txt").write_text("Coding Question: orphan?\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="broken.txt"):
        ingest(store, fake_embedder, corpus_dir)
    assert snapshot(store.root) == before


def test_duplicate_question_across_documents_is_refused(store, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    seed = (corpus_dir / "astro-daily-practice-physics.txt").read_text(encoding="utf-8")
    (corpus_dir / "copy-of-daily-practice.txt").write_text(seed, encoding="utf-8")
    with pytest.raises(CorpusError, match=r"the same question is in astro-daily-practice-"
                       r"physics\.txt \(line \d+, astro-daily-practice-physics:1\) and in "
                       r"copy-of-daily-practice\.txt"):
        ingest(store, fake_embedder, corpus_dir)
    assert store.active_version() is None


def test_dry_run_writes_nothing(store, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    report = ingest(store, fake_embedder, corpus_dir, dry_run=True)
    assert report.dry_run and report.added == SEED_IDS and report.kb_version is None
    assert store.active_version() is None and store.list_versions() == []


def test_a_plan_needs_no_model_and_matches_what_ingest_then_does(  # type: ignore[no-untyped-def]
        store, corpus_dir, fake_embedder) -> None:
    ingest(store, fake_embedder, corpus_dir)
    doc = corpus_dir / "astro-daily-practice-physics.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace("onsite", "on the premises"),
                   encoding="utf-8")
    before = store.list_versions()
    planned = plan(store, corpus_dir)  # no embedder at all: entries are compared by content
    assert planned.dry_run and planned.updated and not planned.added
    assert store.list_versions() == before
    done = ingest(store, fake_embedder, corpus_dir)
    assert (done.added, done.updated, done.removed) == (planned.added, planned.updated,
                                                         planned.removed)


def test_second_ingest_is_refused_while_one_runs(store, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    with store.ingest_lock(), pytest.raises(IngestBusy, match="Another ingest is running"):
        ingest(store, fake_embedder, corpus_dir)


def test_leftovers_of_a_killed_ingest_are_cleaned_and_never_served(store, corpus_dir,  # type: ignore[no-untyped-def]
                                                                    fake_embedder) -> None:
    first = ingest(store, fake_embedder, corpus_dir)
    half = store.root / "versions" / "v29990101T000000Z-dead00"
    (half / "chroma").mkdir(parents=True)
    assert [v.version for v in store.list_versions()] == [first.kb_version]
    ingest(store, fake_embedder, corpus_dir, force=True)
    assert not half.exists()


def test_prune_keeps_active_and_its_predecessor(store, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    versions = [ingest(store, fake_embedder, corpus_dir, force=True, keep_versions=99).kb_version
                for _ in range(4)]
    store.activate(versions[0])  # roll back to the oldest
    removed = store.prune(keep=2)
    left = {v.version for v in store.list_versions()}
    assert versions[0] in left  # active survives although oldest
    assert set(removed) == set(versions) - left and len(left) >= 2


def test_active_pointer_is_valid_json_naming_a_complete_version(store, corpus_dir,  # type: ignore[no-untyped-def]
                                                                 fake_embedder) -> None:
    report = ingest(store, fake_embedder, corpus_dir)
    pointer = json.loads((store.root / "active.json").read_text(encoding="utf-8"))
    assert pointer["version"] == report.kb_version
    assert (store.root / "versions" / report.kb_version / "manifest.json").is_file()


def test_a_new_version_patched_from_the_previous_holds_exactly_its_passages(  # type: ignore[no-untyped-def]
        store, corpus_dir, fake_embedder) -> None:
    import numpy as np

    first = ingest(store, fake_embedder, corpus_dir).kb_version
    doc = corpus_dir / "astro-daily-practice-physics.txt"
    text = doc.read_text(encoding="utf-8")
    # edit one answer and drop the last entry: passages change, go away and stay
    text = text.replace("personal supervision.", "personal supervision, always.")
    doc.write_text(text.replace("Weekly physics chart checks can be performed remotely. ", ""),
                   encoding="utf-8")
    second = ingest(store, fake_embedder, corpus_dir).kb_version
    manifest = store.read_manifest(second)
    got = store.collection(second).get(include=["embeddings", "metadatas"])
    by_id = {i: (e, m) for i, e, m in zip(got["ids"], got["embeddings"], got["metadatas"],
                                          strict=True)}
    assert set(by_id) == {p.id for p in manifest.passages}
    _, vectors = store.embeddings(second)
    for p, v in zip(manifest.passages, vectors, strict=True):
        emb, meta = by_id[p.id]
        assert meta == {"entry_id": p.entry_id, "field": p.field, "kb_version": second,
                        "document": "astro-daily-practice-physics"}
        assert np.allclose(emb, v, atol=1e-6)
        assert np.allclose(emb, fake_embedder.embed([p.text])[0], atol=1e-6)
    # the previous version is untouched by the patch
    old = store.read_manifest(first)
    assert store.collection(first).count() == len(old.passages)
    edited = next(p for p in manifest.passages if "always" in p.text)
    before = store.collection(first).get(ids=[edited.id], include=["embeddings"])["embeddings"]
    assert not np.allclose(before[0], fake_embedder.embed([edited.text])[0], atol=1e-6)


def test_a_text_given_twice_is_embedded_once(store, corpus_dir) -> None:  # type: ignore[no-untyped-def]
    class Counting(HashingEmbedder):
        texts: list[str] = []

        def embed(self, texts):  # type: ignore[no-untyped-def]
            Counting.texts += texts
            return super().embed(texts)

    seed = corpus_dir / "astro-daily-practice-physics.txt"
    # a second document asking other questions with the first one's answers, word for word
    (corpus_dir / "physics-answers-again.txt").write_text(seed.read_text(encoding="utf-8").replace(
        "Coding Question: ", "Coding Question: In a hospital outpatient department, "),
        encoding="utf-8")
    report = ingest(store, Counting(), corpus_dir)
    manifest = store.read_manifest(report.kb_version)
    answers = [p for p in manifest.passages if p.field == "answer"]
    assert len(answers) == 2 * len({p.text for p in answers}) == 10
    assert len(Counting.texts) == len(set(Counting.texts)) == report.embedded
    assert report.embedded + report.reused == len(manifest.passages)
    assert report.reused >= 5
    ids, vectors = store.embeddings(report.kb_version, manifest)
    by_id = dict(zip(ids, vectors, strict=True))
    for p in answers:  # both documents' passages carry the one vector of their text
        twin = next(q for q in answers if q.text == p.text and q.id != p.id)
        assert np.array_equal(by_id[p.id], by_id[twin.id])
