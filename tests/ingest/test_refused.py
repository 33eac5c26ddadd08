"""Every refused document is reported at once; --skip-refused leaves out only new ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.build import ingest, plan
from ingest.corpus import load_corpus
from ingest.refusals import CorpusRefused, can_leave_out
from retrieval.errors import CorpusError, CorpusFormatError
from retrieval.settings import Settings
from retrieval.store import LocalStore
from tests.conftest import SEED_IDS
from tests.ingest.layouts import write
from tests.ingest.test_build import snapshot as whole_snapshot

SEED_DOC = "astro-daily-practice-physics.txt"
TAIL = "\nDisclaimer: Opinions of the society's coding committee only.\n"
GOOD = ("Coding Question: May 77470 be reported for a total skin electron course?\n"
        "Coding Answer: Yes, once per course, when the special treatment is documented.\n" + TAIL)
BACKWARDS = ("Coding Question: Are 77290-77280 billed together?\nCoding Answer: No.\n" + TAIL)
NO_QA = "<html><body><h1>News</h1><p>The committee met in May.</p>" \
        "<p>Disclaimer: Opinions only.</p></body></html>"
SEED_QUESTION = "Coding Question: What is the supervision requirement for physicists during " \
                "SBRT delivery?\n"


def snapshot(root: Path) -> dict[str, bytes]:
    """The versions and pointers (the parse cache may keep the documents that did parse)."""
    return {k: v for k, v in whole_snapshot(root).items() if not k.startswith("cache/parsed/")}


@pytest.fixture
def store(settings: Settings) -> LocalStore:
    return LocalStore(settings.kb_dir)


def add_three(corpus: Path) -> None:
    """One good new document and two refused ones (a parse error with a line, one without)."""
    write(corpus, "skin-electrons.txt", GOOD)
    write(corpus, "backwards.txt", BACKWARDS)
    write(corpus, "news.html", NO_QA)


def test_every_refused_document_is_listed_with_line_and_fix_and_nothing_changes(
        store, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    first = ingest(store, fake_embedder, corpus_dir).kb_version
    before = snapshot(store.root)
    add_three(corpus_dir)
    (corpus_dir / "budget.xlsx").write_bytes(b"PK\x03\x04 not a document")
    with pytest.raises(CorpusRefused) as err:
        ingest(store, fake_embedder, corpus_dir)
    e = err.value
    assert [(r.path.name, r.line) for r in e.refused] == [
        ("backwards.txt", 1), ("budget.xlsx", None), ("news.html", None)]
    assert all(r.hint and r.served is False for r in e.refused)
    text = str(e)
    assert "3 of the 5 corpus files were refused" in text
    for r in e.refused:  # the message names each file (and line) with what to fix
        assert str(r) in text
    rows = e.details()["refused"]
    assert [(Path(r["file"]).name, r["line"]) for r in rows] == [
        ("backwards.txt", 1), ("budget.xlsx", None), ("news.html", None)]
    assert rows[0]["problem"] == "the code range 77290-77280 runs backwards" and rows[0]["fix"]
    assert e.details()["file"] == rows[0]["file"]  # the single-error keys still name the first
    assert any("--skip-refused" in n for n in e.__notes__) and can_leave_out(e)
    assert store.active_version() == first and snapshot(store.root) == before


def test_one_refused_document_is_raised_as_before_with_a_refused_list(corpus_dir) -> None:  # type: ignore[no-untyped-def]
    write(corpus_dir, "backwards.txt", BACKWARDS)
    with pytest.raises(CorpusFormatError) as err:
        load_corpus(corpus_dir)
    e = err.value
    assert not isinstance(e, CorpusRefused)
    assert str(e).startswith(f"{corpus_dir / 'backwards.txt'}:1: the code range")
    (row,) = e.details()["refused"]
    assert row == {"file": str(corpus_dir / "backwards.txt"), "line": 1, "problem": e.problem,
                   "fix": e.hint, "served": False}


def test_skip_refused_builds_the_rest_and_records_what_was_left_out(
        store, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    ingest(store, fake_embedder, corpus_dir)
    add_three(corpus_dir)
    preview = plan(store, corpus_dir, skip_refused=True)
    assert preview.added == ["skin-electrons:1"] and len(preview.left_out) == 2
    history: list[dict[str, object]] = []
    report = ingest(store, fake_embedder, corpus_dir, skip_refused=True,
                    record=lambda **row: history.append(row))
    assert report.activated and report.added == ["skin-electrons:1"]
    assert history[0]["note"] == "refused new documents left out: backwards.txt, news.html"
    assert report.documents == 2 and report.unchanged == SEED_IDS
    assert [(Path(r["file"]).name, r["line"]) for r in report.left_out] == [
        ("backwards.txt", 1), ("news.html", None)]
    assert all(r["fix"] for r in report.left_out)
    left = [w for w in report.warnings if w.startswith("left out")]
    assert len(left) == 2 and "backwards.txt:1" in left[0] and "runs backwards" in left[0]
    manifest = store.read_manifest(report.kb_version)
    assert manifest.info["left_out"] == report.left_out
    assert set(manifest.documents) == {"astro-daily-practice-physics", "skin-electrons"}
    assert report.to_dict()["left_out"] == report.left_out


def test_skip_refused_never_drops_a_document_the_active_version_serves(
        store, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    first = ingest(store, fake_embedder, corpus_dir).kb_version
    before = snapshot(store.root)
    write(corpus_dir, "news.html", NO_QA)
    seed = corpus_dir / SEED_DOC
    seed.write_text(seed.read_text(encoding="utf-8").replace(
        "Coding Answer:", "Coding Answer: 77290-77280.", 1), encoding="utf-8")
    with pytest.raises(CorpusRefused) as err:
        ingest(store, fake_embedder, corpus_dir, skip_refused=True)
    e = err.value
    assert "cannot be left out while the active version serves them" in str(e)
    assert f"({SEED_DOC})" in str(e) and f"Fix {SEED_DOC}" in str(e)
    assert {r.path.name: r.served for r in e.refused} == {SEED_DOC: True, "news.html": False}
    assert not can_leave_out(e)
    assert store.active_version() == first and snapshot(store.root) == before


def test_a_repeated_question_refuses_the_new_document_not_the_served_one(
        store, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    ingest(store, fake_embedder, corpus_dir)
    # sorts before the seed document: without knowing what is served, the seed would be blamed
    write(corpus_dir, "aaa-copy.txt", SEED_QUESTION + "Coding Answer: No.\n" + TAIL)
    with pytest.raises(CorpusFormatError, match="the same question") as err:
        ingest(store, fake_embedder, corpus_dir)
    assert err.value.path.name == "aaa-copy.txt" and err.value.served is False
    report = ingest(store, fake_embedder, corpus_dir, skip_refused=True)
    assert [Path(r["file"]).name for r in report.left_out] == ["aaa-copy.txt"]
    assert not report.activated and report.unchanged == SEED_IDS  # the rest is the active one


def test_skip_refused_with_nothing_that_parses_builds_nothing(corpus_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    only = tmp_path / "only-bad"
    only.mkdir()
    write(only, "news.html", NO_QA)
    write(only, "backwards.txt", BACKWARDS)
    with pytest.raises(CorpusRefused, match="None of the corpus documents parse"):
        load_corpus(only, skip_refused=True)


def test_stray_files_alone_are_listed_not_reported_as_an_empty_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.xlsx").write_bytes(b"x")
    (tmp_path / "b.csv").write_text("x", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        load_corpus(tmp_path)
    assert [r.path.name for r in err.value.refused] == ["a.xlsx", "b.csv"]  # type: ignore[attr-defined]
    assert "unknown file type" in str(err.value)
