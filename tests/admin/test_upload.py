"""Admin uploads: checked in staging; a bad one gets a clear message and nothing is written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from admin import upload
from ingest.build import ingest
from ingest.refusals import CorpusRefused
from retrieval.errors import CorpusError
from retrieval.store import LocalStore
from tests.conftest import CORPUS, SEED_IDS
from tests.ingest import docmaker

DOC = "astro-daily-practice-physics"


def tree(root: Path, *, staging: bool = True) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "ingest.lock"
            and (staging or not p.relative_to(root).parts[0].startswith(".staging-"))}


@pytest.fixture
def store(settings, corpus_dir, fake_embedder) -> LocalStore:  # type: ignore[no-untyped-def]
    s = LocalStore(settings.kb_dir)
    ingest(s, fake_embedder, corpus_dir)
    return s


def seed_with(old: str, new: str) -> str:
    return docmaker.seed_text().replace(old, new)


BAD = {
    "path-separator": ("../etc/passwd.txt", lambda: b"x", "contains a path"),
    "subfolder": ("sub/guidance.txt", lambda: b"x", "contains a path"),
    "backslash": ("..\\guidance.txt", lambda: b"x", "contains a path"),
    "dot-dot-name": ("guidance..txt", lambda: b"x", "contains a path"),
    "hidden": (".guidance.txt", lambda: b"x", "characters that cannot be used"),
    "colon": ("a:b.txt", lambda: b"x", "characters that cannot be used"),
    "unknown-type": ("guidance.exe", lambda: b"MZ", "'.exe' is not a document type"),
    "sidecar": (f"{DOC}.meta.toml", lambda: b"title='x'", "not a document type"),
    "empty": ("guidance.txt", lambda: b"", "the upload is empty"),
    "200-mb": ("guidance.pdf", lambda: b"%PDF-1.4\n" + b"0" * (200 * 1024 * 1024),
               "the upload is 200 MiB — documents over 50 MiB are refused"),
    "html-without-q-and-a": ("news.html", lambda: b"<html><body><p>Welcome.</p><p>Disclaimer: "
                             b"none</p></body></html>", "news.html: no Q&A pairs found"),
    "renamed-binary-docx": ("guidance.docx", lambda: bytes(range(256)) * 8,
                            "guidance.docx: this is not a Word document"),
    "broken-q-and-a": ("guidance.txt", lambda: b"Coding Question: orphan?\n\nDisclaimer: x\n",
                       "guidance.txt:1: the question on line 1 has no answer"),
    "invalid-utf8": ("guidance.txt", lambda: b"Coding Question: caf\xe9?\n", "guidance.txt:1: "
                     "invalid UTF-8 (byte 0xe9) — re-save the file with UTF-8 encoding"),
    "no-disclaimer": ("guidance.md", lambda: b"**Coding Question:** Q?\n\n**Coding Answer:** A.\n",
                      "guidance.md: no 'Disclaimer:' paragraph found"),
    "repeated-question-in-one-document": (
        "guidance.txt", lambda: b"Coding Question: Q?\n\nCoding Answer: A.\n\nCoding Question: "
        b"q\n\nCoding Answer: B.\n\nDisclaimer: D.\n",
        "guidance.txt:5: the question on line 5 repeats the one on line 1"),
    "duplicates-of-another-document": ("copy.txt", lambda: docmaker.seed_text().encode(),
                                       "copy.txt:4: the same question is in "
                                       "astro-daily-practice-physics.txt (line 4, "
                                       "astro-daily-practice-physics:1) and in copy.txt"),
}


@pytest.mark.parametrize("name,data,message", list(BAD.values()), ids=list(BAD))
def test_bad_upload_is_refused_and_nothing_is_written(store, corpus_dir, name, data,  # type: ignore[no-untyped-def]
                                                      message) -> None:
    before_corpus, before_kb = tree(corpus_dir), tree(store.root)
    with pytest.raises(CorpusError) as err:
        upload.stage(store, corpus_dir, name, data())
    assert message in str(err.value)
    assert ".staging-" not in str(err.value)  # names the file the admin uploaded
    assert tree(corpus_dir) == before_corpus and tree(store.root) == before_kb
    assert not [p for p in corpus_dir.iterdir() if p.name.startswith(".staging-")]


@pytest.mark.parametrize("maker,name", [(docmaker.make_pdf, "scan.pdf")], ids=["pdf-no-text"])
def test_pdf_without_text_layer_upload(store, corpus_dir, tmp_path, maker, name) -> None:  # type: ignore[no-untyped-def]
    data = maker(tmp_path / name, None).read_bytes()
    before = tree(corpus_dir)
    with pytest.raises(CorpusError, match="scan.pdf: the PDF has no text layer"):
        upload.stage(store, corpus_dir, name, data)
    assert tree(corpus_dir) == before


def test_zip_bomb_upload(store, corpus_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = docmaker.make_zip_bomb(tmp_path / "bomb.docx").read_bytes()
    before = tree(corpus_dir)
    with pytest.raises(CorpusError, match="bomb.docx: the archive inflates"):
        upload.stage(store, corpus_dir, "bomb.docx", data)
    assert tree(corpus_dir) == before


def test_replacing_a_document_in_another_format(store, corpus_dir, tmp_path, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    text = seed_with("to provide personal supervision.", "to provide direct supervision.")
    data = docmaker.make_docx(tmp_path / "x.docx", text).read_bytes()
    before = tree(corpus_dir)
    staged = upload.stage(store, corpus_dir, f"{DOC}.docx", data)
    assert staged.replaces and tree(corpus_dir, staging=False) == before  # not in the corpus yet
    assert [c.new.id for c in staged.changes.changed] == [SEED_IDS[4]]
    assert len(staged.changes.unchanged) == 4
    report = ingest(store, fake_embedder, staged.folder)
    assert report.activated and report.updated == [SEED_IDS[4]]
    upload.commit(staged, corpus_dir)
    names = sorted(p.name for p in corpus_dir.iterdir())
    assert [n for n in names if not n.endswith(".toml")] == [f"{DOC}.docx"]  # .txt replaced
    assert (corpus_dir / f"{DOC}.alternates.toml").exists() == (CORPUS / f"{DOC}.alternates.toml"
                                                                ).exists()  # sidecars stay
    assert not staged.folder.exists()
    again = ingest(store, fake_embedder, corpus_dir)  # the corpus now is what was activated
    assert not again.activated and again.unchanged == SEED_IDS


def test_new_document_keeps_the_others_and_their_sidecars(store, corpus_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (corpus_dir / f"{DOC}.meta.toml").write_text('publisher = "ASTRO"\n', encoding="utf-8")
    data = ("Radiation Oncology Coding Update\n\nCoding Question: Can 77427 be billed for a "
            "single fraction?\n\nCoding Answer: Report 77431 instead.\n\nDisclaimer: Ours.\n")
    staged = upload.stage(store, corpus_dir, "update-2024.md", data.encode())
    assert not staged.replaces
    assert [e.id for e in staged.changes.added] == ["update-2024:1"]
    docs = {d.document.name: d.document for d in staged.corpus.documents}
    assert docs[DOC].publisher == "ASTRO" and docs["update-2024"].title.startswith("Radiation")
    upload.discard(staged)
    assert not staged.folder.exists() and not (corpus_dir / "update-2024.md").exists()


def test_stale_staging_folders_are_cleaned(store, corpus_dir) -> None:  # type: ignore[no-untyped-def]
    staged = upload.stage(store, corpus_dir, "x.txt", b"Coding Question: Q?\n\nCoding Answer: "
                          b"A.\n\nDisclaimer: D.\n")
    assert upload.clean_stale_staging(corpus_dir) == []  # another admin may be using it
    assert staged.folder.exists()
    os.utime(staged.folder, (0, 0))
    assert upload.clean_stale_staging(corpus_dir) == [staged.folder.name]
    assert not staged.folder.exists()


def test_a_bad_upload_beside_a_refused_corpus_file_lists_both_by_their_names(  # type: ignore[no-untyped-def]
        store, corpus_dir) -> None:
    (corpus_dir / "news.html").write_text("<html><body><p>Welcome.</p><p>Disclaimer: none</p>"
                                          "</body></html>", encoding="utf-8")
    before_corpus, before_kb = tree(corpus_dir), tree(store.root)
    with pytest.raises(CorpusRefused) as err:
        upload.stage(store, corpus_dir, "guidance.txt",
                     b"Coding Question: orphan?\n\nDisclaimer: x\n")
    e = err.value
    assert [(str(r.path), r.line) for r in e.refused] == [("guidance.txt", 1), ("news.html", None)]
    assert "guidance.txt:1: the question on line 1 has no answer" in str(e)
    assert "news.html: no Q&A pairs found" in str(e) and ".staging-" not in str(e)
    assert all(r.served is False for r in e.refused)
    assert tree(corpus_dir) == before_corpus and tree(store.root) == before_kb
