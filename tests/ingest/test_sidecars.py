"""Metadata and alternate phrasings beside a document; superseding an older document."""

from __future__ import annotations

from pathlib import Path

import pytest

from admin.loop import add_alternate
from ingest.build import ingest
from ingest.corpus import load_corpus
from ingest.sidecars import question_key
from retrieval.errors import CorpusFormatError
from retrieval.store import LocalStore
from tests.conftest import SEED_IDS

DOC = "astro-daily-practice-physics"


@pytest.fixture(autouse=True)
def no_shipped_sidecars(corpus_dir: Path) -> None:
    """These tests write their own sidecars; start from the bare document."""
    for p in corpus_dir.glob("*.toml"):
        p.unlink()


def test_meta_sets_title_publisher_and_dates(corpus_dir: Path) -> None:
    (corpus_dir / f"{DOC}.meta.toml").write_text(
        'title = "Daily Practice: Physics"\npublisher = "ASTRO"\npublished = 2023-05-01\n'
        'effective = "2023-07-01"\n', encoding="utf-8")
    doc = load_corpus(corpus_dir).documents[0].document
    assert doc.title == "Daily Practice: Physics" and doc.publisher == "ASTRO"
    assert doc.published == "2023-05-01 (effective 2023-07-01)"


def test_unknown_meta_key_names_the_file_and_the_allowed_keys(corpus_dir: Path) -> None:
    (corpus_dir / f"{DOC}.meta.toml").write_text('tittle = "x"\n', encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"meta\.toml: unknown key\(s\) tittle — "
                                                r"allowed keys: effective, published"):
        load_corpus(corpus_dir)


def test_broken_toml_names_the_line(corpus_dir: Path) -> None:
    (corpus_dir / f"{DOC}.alternates.toml").write_text('\n\n[[entry]]\nnumber = \n',
                                                        encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"alternates\.toml:4: not valid TOML"):
        load_corpus(corpus_dir)


def test_alternates_follow_their_question_when_entries_are_renumbered(corpus_dir: Path) -> None:
    entries = load_corpus(corpus_dir).entries
    add_alternate(corpus_dir / f"{DOC}.txt", entries[4], "is a physicist needed on site for sbrt")
    assert load_corpus(corpus_dir).entries[4].alternates == (
        "is a physicist needed on site for sbrt",)
    # a new first question renumbers everything: the phrasing stays with its question
    doc = corpus_dir / f"{DOC}.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "Coding Question: A previously", "Coding Question: Is 77300 billable twice?\n\n"
        "Coding Answer: Only when medically necessary.\n\nCoding Question: A previously", 1),
        encoding="utf-8")
    moved = load_corpus(corpus_dir).entries
    assert moved[5].id == f"{DOC}:6" and moved[5].question == entries[4].question
    assert moved[5].alternates == ("is a physicist needed on site for sbrt",)
    assert all(not e.alternates for e in moved[:5])


def test_a_phrasing_for_an_edited_question_is_left_out_not_reattached(corpus_dir: Path) -> None:
    entries = load_corpus(corpus_dir).entries
    side = add_alternate(corpus_dir / f"{DOC}.txt", entries[4], "physicist onsite sbrt?")
    doc = corpus_dir / f"{DOC}.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "What is the supervision requirement for physicists during SBRT delivery?",
        "What supervision do physicists need during SRS delivery?"), encoding="utf-8")
    line = side.read_text(encoding="utf-8").split("\n").index("[[entry]]") + 1
    c = load_corpus(corpus_dir)
    assert all(not e.alternates for e in c.entries)  # not attached to entry 5's new question
    assert c.warnings == [
        f"{DOC}.alternates.toml:{line}: the question this block was written for is no longer in "
        f"{DOC}.txt (entry 5 when it was written); its 1 phrasing(s) are not used — re-attach "
        "them on the Admin page or delete the block"]


def test_hand_written_block_by_number(corpus_dir: Path) -> None:
    (corpus_dir / f"{DOC}.alternates.toml").write_text(
        '# ours\n[[entry]]\nnumber = 2\nphrasings = ["can the md just tick a box for 77370"]\n'
        '\n[[entry]]\nnumber = 9\nphrasings = ["x"]\n', encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"alternates\.toml:6: .* has no entry number 9"):
        load_corpus(corpus_dir)


def test_add_alternate_keeps_comments_and_writes_the_question_key(corpus_dir: Path) -> None:
    entry = load_corpus(corpus_dir).entries[0]
    side = corpus_dir / f"{DOC}.alternates.toml"
    side.write_text("# reviewed by the coding lead\n", encoding="utf-8")
    add_alternate(corpus_dir / f"{DOC}.txt", entry, '77370 after "end of treatment"?')
    text = side.read_text(encoding="utf-8")
    assert text.startswith("# reviewed by the coding lead\n")
    assert f'question_hash = "{question_key(entry.question)}"' in text
    assert load_corpus(corpus_dir).entries[0].alternates == ('77370 after "end of treatment"?',)


def test_alternates_are_embedded_and_indexed(settings, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(settings.kb_dir)
    ingest(store, fake_embedder, corpus_dir)
    add_alternate(corpus_dir / f"{DOC}.txt", load_corpus(corpus_dir).entries[2],
                  "physicist report checkbox initials")
    report = ingest(store, fake_embedder, corpus_dir)
    assert report.activated and report.updated == [SEED_IDS[2]] and report.embedded == 1
    manifest = store.read_manifest(report.kb_version)  # type: ignore[arg-type]
    alt = [p for p in manifest.passages if p.field == "alternate"]
    assert [(p.entry_id, p.text) for p in alt] == [(SEED_IDS[2],
                                                    "physicist report checkbox initials")]


def _second_edition(corpus_dir: Path, meta: str | None) -> None:
    seed = (corpus_dir / f"{DOC}.txt").read_text(encoding="utf-8")
    (corpus_dir / "astro-physics-2024.txt").write_text(
        seed.replace("to provide personal supervision.", "to provide direct supervision."),
        encoding="utf-8")
    if meta is not None:
        (corpus_dir / "astro-physics-2024.meta.toml").write_text(meta, encoding="utf-8")


def test_duplicate_across_documents_suggests_supersedes(corpus_dir: Path) -> None:
    _second_edition(corpus_dir, None)
    with pytest.raises(CorpusFormatError, match=r"repeats astro-daily-practice-physics:1.*"
                                                r"supersedes = \[\"astro-daily-practice"):
        load_corpus(corpus_dir)


def test_a_newer_document_supersedes_the_older_one(settings, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(settings.kb_dir)
    ingest(store, fake_embedder, corpus_dir)
    _second_edition(corpus_dir, f'supersedes = ["{DOC}"]\npublished = "2024-01-15"\n')
    report = ingest(store, fake_embedder, corpus_dir)
    assert report.superseded == {i: "astro-physics-2024" for i in SEED_IDS}
    assert report.moved == [f"{i} → astro-physics-2024:{n}" for n, i in enumerate(SEED_IDS[:4],
                                                                                   1)]
    assert report.updated == ["astro-physics-2024:5"] and report.removed == []
    manifest = store.read_manifest(report.kb_version)  # type: ignore[arg-type]
    assert {e.document.name for e in manifest.entries} == {"astro-physics-2024"}
    assert manifest.entries[4].answer.endswith("direct supervision.")
    assert manifest.info["superseded"][SEED_IDS[0]] == "astro-physics-2024"
    assert any("no longer served" in w for w in report.warnings)


def test_superseding_one_entry(corpus_dir: Path) -> None:
    (corpus_dir / "update-2024.txt").write_text(
        "Update\n\nCoding Question: What is the supervision requirement for physicists during "
        "SBRT delivery?\n\nCoding Answer: Direct supervision.\n\nDisclaimer: Ours.\n",
        encoding="utf-8")
    (corpus_dir / "update-2024.meta.toml").write_text(f'supersedes = ["{DOC}:5"]\n',
                                                      encoding="utf-8")
    c = load_corpus(corpus_dir)
    assert c.superseded == {f"{DOC}:5": "update-2024"}
    assert [e.id for e in c.entries] == [*SEED_IDS[:4], "update-2024:1"]
