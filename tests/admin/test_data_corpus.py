"""With default settings, admin uploads, removals and rollbacks change DATA/corpus, never the
corpus shipped with the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from admin import upload
from admin.history import rollback
from ingest.build import ingest
from ingest.remove import remove_document
from ingest.seed import ensure_corpus
from retrieval.settings import load_settings
from retrieval.store import LocalStore
from tests.conftest import CORPUS, SEED_IDS, digest

DOC = "astro-daily-practice-physics"
UPDATE = ("Radiation Oncology Coding Update\n\nCoding Question: Can 77427 be billed for a single "
          "fraction?\n\nCoding Answer: Report 77431 instead.\n\nDisclaimer: Ours.\n")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Default settings with only the data dir set, run from a folder without a ./corpus: the
    shipped corpus is then the one beside the code (this checkout's corpus/)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RADONC_QA_CORPUS", raising=False)
    monkeypatch.setenv("RADONC_QA_DATA", str(tmp_path / "data"))
    return load_settings()


def test_upload_removal_and_rollback_write_the_data_corpus_only(settings, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    shipped = digest(CORPUS)
    corpus = settings.data_dir / "corpus"
    assert ensure_corpus(settings) == CORPUS and settings.corpus_dir == corpus
    store = LocalStore(settings.kb_dir)
    first = ingest(store, fake_embedder, settings.corpus_dir)

    staged = upload.stage(store, settings.corpus_dir, "update-2024.md", UPDATE.encode(),
                          settings.alternates_dir)
    assert staged.folder.parent == corpus
    assert ingest(store, fake_embedder, staged.folder).added == ["update-2024:1"]
    assert upload.commit(staged, settings.corpus_dir) == corpus / "update-2024.md"
    assert (corpus / "update-2024.md").read_text(encoding="utf-8") == UPDATE
    assert not (CORPUS / "update-2024.md").exists()

    report, aside = remove_document(store, fake_embedder, settings.corpus_dir, DOC,
                                    settings.data_dir / "corpus-aside")
    assert report.activated and sorted(report.removed) == SEED_IDS
    assert aside is not None and aside.parent == settings.data_dir / "corpus-aside"
    assert not (corpus / f"{DOC}.txt").exists() and (aside / f"{DOC}.txt").exists()

    done = rollback(store, first.kb_version, actor="test", corpus=settings.corpus_dir,  # type: ignore[arg-type]
                    aside_root=settings.data_dir / "corpus-aside")
    assert done.restored is not None and f"{DOC}.txt" in done.restored.written
    assert (corpus / f"{DOC}.txt").read_bytes() == (CORPUS / f"{DOC}.txt").read_bytes()
    assert not (corpus / "update-2024.md").exists()  # moved aside, as the version had no such file

    assert digest(CORPUS) == shipped  # the shipped corpus: byte for byte as before, no leftovers
