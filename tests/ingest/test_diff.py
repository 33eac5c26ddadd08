"""The diff before activation matches entries by content: insert, edit, delete, reorder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.build import ingest
from ingest.corpus import load_corpus
from ingest.diff import diff_entries
from retrieval.store import LocalStore
from tests.conftest import SEED_IDS

DOC = "astro-daily-practice-physics.txt"


def pairs(path: Path) -> tuple[str, list[str], str]:
    """(head, Q&A blocks, tail) of the seed document."""
    text = path.read_text(encoding="utf-8")
    start = text.index("Coding Question:")
    refs = text.index("2023\u00a0ASTRO") if "2023\u00a0ASTRO" in text else text.index("2023 ASTRO")
    blocks = re.split(r"\n(?=Coding Question:)", text[start:refs].strip())
    return text[:start], blocks, "\n\n" + text[refs:]


def write(path: Path, head: str, blocks: list[str], tail: str) -> None:
    path.write_text(head + "\n\n".join(blocks) + tail, encoding="utf-8")


@pytest.fixture
def seed(corpus_dir: Path):  # type: ignore[no-untyped-def]
    return load_corpus(corpus_dir).entries


def test_insert_at_the_top_is_one_added_and_five_moved(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    write(path, head, ["Coding Question: Is 77300 billable twice?\n\nCoding Answer: Rarely.\n",
                       *blocks], tail)
    d = diff_entries(seed, load_corpus(corpus_dir).entries)
    assert [e.question for e in d.added] == ["Is 77300 billable twice?"]
    assert [(c.old.id, c.new.id) for c in d.moved] == [
        (SEED_IDS[i], f"astro-daily-practice-physics:{i + 2}") for i in range(5)]
    assert d.changed == [] and d.removed == [] and d.unchanged == []


def test_edit_in_place_is_changed_with_old_and_new_text(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / DOC
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Weekly physics chart checks can be performed remotely.",
        "Weekly physics chart checks can be performed remotely with secure access."),
        encoding="utf-8")
    d = diff_entries(seed, load_corpus(corpus_dir).entries)
    assert [(c.old.id, c.new.id, c.fields) for c in d.changed] == [
        (SEED_IDS[3], SEED_IDS[3], ("answer",))]
    assert "performed remotely. " in d.changed[0].old.answer
    assert "remotely with secure access." in d.changed[0].new.answer
    assert [e.id for e in d.unchanged] == [SEED_IDS[i] for i in (0, 1, 2, 4)]
    assert d.to_dict()["changed"][0]["old"]["answer"] == d.changed[0].old.answer


def test_delete_shifts_ids_but_only_the_deleted_entry_is_removed(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    write(path, head, blocks[:1] + blocks[2:], tail)
    d = diff_entries(seed, load_corpus(corpus_dir).entries)
    assert [e.id for e in d.removed] == [SEED_IDS[1]]
    assert [(c.old.id, c.new.id) for c in d.moved] == [
        (SEED_IDS[2], SEED_IDS[1]), (SEED_IDS[3], SEED_IDS[2]), (SEED_IDS[4], SEED_IDS[3])]
    assert [e.id for e in d.unchanged] == [SEED_IDS[0]] and d.added == [] and d.changed == []


def test_reorder_is_only_moves(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    write(path, head, list(reversed(blocks)), tail)
    d = diff_entries(seed, load_corpus(corpus_dir).entries)
    assert {(c.old.id, c.new.id) for c in d.moved} == {
        (SEED_IDS[i], SEED_IDS[4 - i]) for i in (0, 1, 3, 4)}
    assert [e.id for e in d.unchanged] == [SEED_IDS[2]]
    assert d.added == d.removed == d.changed == []


def test_delete_plus_edit_of_a_later_entry(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    edited = blocks[3].replace("must be performed on site", "must be performed on site.")
    write(path, head, [blocks[0], blocks[2], edited, blocks[4]], tail)
    d = diff_entries(seed, load_corpus(corpus_dir).entries)
    assert [e.id for e in d.removed] == [SEED_IDS[1]]
    assert [(c.old.id, c.new.id, c.fields) for c in d.changed] == [
        (SEED_IDS[3], SEED_IDS[2], ("answer", "id"))]
    assert {(c.old.id, c.new.id) for c in d.moved} == {(SEED_IDS[2], SEED_IDS[1]),
                                                       (SEED_IDS[4], SEED_IDS[3])}


def test_dry_run_and_report_carry_the_diff(settings, corpus_dir, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(settings.kb_dir)
    ingest(store, fake_embedder, corpus_dir)
    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    write(path, head, list(reversed(blocks)), tail)
    plan = ingest(store, fake_embedder, corpus_dir, dry_run=True)
    assert len(plan.moved) == 4 and plan.updated == [] and plan.to_dict()["moved"] == 4
    report = ingest(store, fake_embedder, corpus_dir)
    assert report.activated and report.embedded == 0  # renumbered text reuses its vectors


def test_reused_passages_equal_fresh_ones_after_an_edit_and_a_reorder(settings, corpus_dir,  # type: ignore[no-untyped-def]
                                                                      fake_embedder) -> None:
    from ingest.build import chunker_fingerprint, reuse_passages
    from ingest.chunk import passages_for

    store = LocalStore(settings.kb_dir)
    first = ingest(store, fake_embedder, corpus_dir).kb_version
    old = store.read_manifest(first)  # type: ignore[arg-type]
    assert old.info["chunker"] == chunker_fingerprint(fake_embedder)
    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    blocks[1] = blocks[1].replace("is necessary", "is required")
    write(path, head, list(reversed(blocks)), tail)
    entries = load_corpus(corpus_dir).entries
    reused = reuse_passages(entries, fake_embedder, old, chunker_fingerprint(fake_embedder))
    assert reused == passages_for(entries, fake_embedder.count_tokens)
    assert reuse_passages(entries, fake_embedder, old, "another chunker") == reused
