"""Corpus and versions agree: rollback restores the folder, removal takes a document out."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.build import ingest
from ingest.remove import remove_document
from ingest.sources import drift
from ingest.versions import rollback
from retrieval.errors import CorpusError
from retrieval.retriever import Retriever
from retrieval.store import LocalStore
from tests.ingest.test_diff import DOC, pairs, write

NEW_DOC = """Daily Practice: Brachytherapy

Coding Question: How often can 77316 be reported for a course of HDR brachytherapy?

Coding Answer: Once per course, when the plan is simple; see the complexity levels.

Disclaimer: Our own test wording; not published guidance.
"""


def test_rollback_restores_the_folder_and_sets_newer_files_aside(settings, corpus_dir,  # type: ignore[no-untyped-def]
                                                                 fake_embedder) -> None:
    store = LocalStore(settings.kb_dir)
    v1 = ingest(store, fake_embedder, corpus_dir).kb_version
    original = (corpus_dir / DOC).read_bytes()
    (corpus_dir / "brachy.txt").write_text(NEW_DOC, encoding="utf-8")
    head, blocks, tail = pairs(corpus_dir / DOC)
    write(corpus_dir / DOC, head, blocks[:4], tail)
    v2 = ingest(store, fake_embedder, corpus_dir).kb_version
    assert drift(corpus_dir, store.read_manifest(v2).info["sources"]).ahead is False  # type: ignore[arg-type]
    assert drift(corpus_dir, store.read_manifest(v1).info["sources"]).ahead  # type: ignore[arg-type]

    done = rollback(store, v1, actor="t", corpus=corpus_dir,  # type: ignore[arg-type]
                    aside_root=settings.data_dir / "corpus-aside")
    assert done.previous == v2 and store.active_version() == v1
    assert (corpus_dir / DOC).read_bytes() == original
    assert not (corpus_dir / "brachy.txt").exists()
    r = done.restored
    assert r is not None and r.aside is not None
    assert r.aside.parent == settings.data_dir / "corpus-aside"
    assert sorted(p.name for p in r.aside.iterdir()) == sorted(["brachy.txt", DOC])  # kept
    assert (r.aside / "brachy.txt").read_text(encoding="utf-8") == NEW_DOC
    # the next ingest rebuilds the active version, it does not silently bring v2 back
    again = ingest(store, fake_embedder, corpus_dir)
    assert not again.activated and store.active_version() == v1


def test_remove_a_document(settings, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(settings.kb_dir)
    (corpus_dir / "brachy.txt").write_text(NEW_DOC, encoding="utf-8")
    (corpus_dir / "brachy.meta.toml").write_text('title = "Brachy"\n', encoding="utf-8")
    ingest(store, fake_embedder, corpus_dir)
    aside_root = settings.data_dir / "corpus-aside"
    plan, _ = remove_document(store, fake_embedder, corpus_dir, "brachy", aside_root,
                              dry_run=True)
    assert plan.removed == ["brachy:1"] and (corpus_dir / "brachy.txt").exists()
    report, aside = remove_document(store, fake_embedder, corpus_dir, "brachy", aside_root)
    assert report.activated and report.removed == ["brachy:1"] and report.documents == 1
    assert aside is not None and sorted(p.name for p in aside.iterdir()) == [
        "brachy.meta.toml", "brachy.txt"]
    assert not (corpus_dir / "brachy.txt").exists()
    assert not [p for p in corpus_dir.iterdir() if p.name.startswith(".removing-")]
    st = Retriever(store, fake_embedder).entry_status("brachy:1")
    assert st.removed is not None and st.removed.version == report.kb_version
    assert "brachy:1 was removed in version" in st.message


@pytest.mark.parametrize("stem, problem", [("nope", "no document named 'nope'"),
                                           ("astro-daily-practice-physics", "only document")],
                         ids=["unknown", "last-document"])
def test_removal_refusals_change_nothing(settings, corpus_dir, fake_embedder, stem,  # type: ignore[no-untyped-def]
                                         problem) -> None:
    store = LocalStore(settings.kb_dir)
    v1 = ingest(store, fake_embedder, corpus_dir).kb_version
    before = sorted(p.name for p in corpus_dir.iterdir())
    with pytest.raises(CorpusError, match=problem):
        remove_document(store, fake_embedder, corpus_dir, stem, settings.data_dir / "aside")
    assert store.active_version() == v1 and sorted(p.name for p in corpus_dir.iterdir()) == before


def test_rollback_with_a_lost_archive_changes_nothing(settings, corpus_dir,  # type: ignore[no-untyped-def]
                                                      fake_embedder) -> None:
    import shutil

    store = LocalStore(settings.kb_dir)
    v1 = ingest(store, fake_embedder, corpus_dir).kb_version
    (corpus_dir / "brachy.txt").write_text(NEW_DOC, encoding="utf-8")
    v2 = ingest(store, fake_embedder, corpus_dir).kb_version
    shutil.rmtree(settings.kb_dir / "sources")
    with pytest.raises(CorpusError, match="archived copies"):
        rollback(store, v1, actor="t", corpus=corpus_dir,  # type: ignore[arg-type]
                 aside_root=settings.data_dir / "corpus-aside")
    assert store.active_version() == v2 and (corpus_dir / "brachy.txt").exists()


def test_versions_share_unchanged_archived_files(settings, corpus_dir: Path,  # type: ignore[no-untyped-def]
                                                 fake_embedder) -> None:
    store = LocalStore(settings.kb_dir)
    ingest(store, fake_embedder, corpus_dir)
    (corpus_dir / "brachy.txt").write_text(NEW_DOC, encoding="utf-8")
    ingest(store, fake_embedder, corpus_dir)
    blobs = [p for p in (settings.kb_dir / "sources").rglob("*") if p.is_file()]
    assert len(blobs) == len(list(corpus_dir.iterdir()))  # the seed's files stored once


def test_cli_remove_document_needs_the_admin_password(settings, corpus_dir, fake_embedder,  # type: ignore[no-untyped-def]
                                                      monkeypatch, tmp_path) -> None:
    import json

    from click.testing import CliRunner

    from admin.auth import ENV_HASH, ENV_PASSWORD, hash_password
    from ingest.__main__ import main
    from retrieval import embedding

    store = LocalStore(settings.kb_dir)
    (corpus_dir / "brachy.txt").write_text(NEW_DOC, encoding="utf-8")
    v1 = ingest(store, fake_embedder, corpus_dir).kb_version
    monkeypatch.chdir(tmp_path)  # ./corpus (corpus_dir) is the shipped seed; no secrets.toml
    monkeypatch.delenv("RADONC_QA_CORPUS", raising=False)
    shipped = {p.name: p.read_bytes() for p in corpus_dir.iterdir()}
    working = settings.data_dir / "corpus"  # the default corpus, seeded from ./corpus
    monkeypatch.setenv("RADONC_QA_DATA", str(settings.data_dir))
    monkeypatch.setattr(embedding, "default_embedder", lambda: fake_embedder)
    monkeypatch.setenv(ENV_HASH, hash_password("correct horse battery"))
    monkeypatch.setenv(ENV_PASSWORD, "wrong")
    r = CliRunner().invoke(main, ["--remove-document", "brachy"])
    assert r.exit_code == 7 and store.active_version() == v1
    assert not working.exists()  # refused before anything was written
    monkeypatch.setenv(ENV_PASSWORD, "correct horse battery")
    gate_set = tmp_path / "one.jsonl"
    gate_set.write_text(json.dumps({"id": "r1", "expected": ["astro-daily-practice-physics:5"],
                                    "question": "What is the supervision requirement for "
                                    "physicists during SBRT delivery?"}) + "\n", encoding="utf-8")
    monkeypatch.setenv("RADONC_QA_GATE_SETS", str(gate_set))
    r = CliRunner().invoke(main, ["--remove-document", "brachy", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output[r.output.index("{"):])
    assert out["removed_ids"] == ["brachy:1"] and out["kb_version"] != v1
    assert not (working / "brachy.txt").exists()
    assert (working / "astro-daily-practice-physics.txt").exists()  # the rest stays in use
    assert any(settings.data_dir.joinpath("corpus-aside").rglob("brachy.txt"))
    assert {p.name: p.read_bytes() for p in corpus_dir.iterdir()} == shipped  # never the seed
