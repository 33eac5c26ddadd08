"""The diff before activation: entries keep their ids through insert, edit, delete, reorder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.build import ingest
from ingest.corpus import load_corpus
from ingest.diff import diff_entries
from ingest.ids import IdPool
from retrieval.entry import Entry
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


def again(corpus_dir: Path, seed: list[Entry]) -> list[Entry]:
    """The corpus re-read with the ids the seed version gave."""
    return load_corpus(corpus_dir, IdPool.of_entries(seed)).entries


def test_insert_at_the_top_is_one_added_and_every_old_id_unchanged(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    write(path, head, ["Coding Question: Is 77300 billable twice?\n\nCoding Answer: Rarely.\n",
                       *blocks], tail)
    now = again(corpus_dir, seed)
    assert [e.id for e in now] == ["astro-daily-practice-physics:6", *SEED_IDS]
    assert [(e.id, e.question) for e in now[1:]] == [(e.id, e.question) for e in seed]
    d = diff_entries(seed, now)
    assert [(e.id, e.question) for e in d.added] == [("astro-daily-practice-physics:6",
                                                      "Is 77300 billable twice?")]
    assert [(c.old.id, c.new.id, c.fields) for c in d.moved] == [
        (i, i, ("position",)) for i in SEED_IDS]
    assert d.changed == [] and d.removed == [] and d.unchanged == []


def test_edit_in_place_is_changed_with_old_and_new_text(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / DOC
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Weekly physics chart checks can be performed remotely.",
        "Weekly physics chart checks can be performed remotely with secure access."),
        encoding="utf-8")
    d = diff_entries(seed, again(corpus_dir, seed))
    assert [(c.old.id, c.new.id, c.fields) for c in d.changed] == [
        (SEED_IDS[3], SEED_IDS[3], ("answer",))]
    assert "performed remotely. " in d.changed[0].old.answer
    assert "remotely with secure access." in d.changed[0].new.answer
    assert [e.id for e in d.unchanged] == [SEED_IDS[i] for i in (0, 1, 2, 4)]
    assert d.to_dict()["changed"][0]["old"]["answer"] == d.changed[0].old.answer


def test_light_edit_of_question_and_answer_keeps_the_id(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / DOC
    text = path.read_text(encoding="utf-8")
    text = text.replace("What are the supervision requirements for physicists and dosimetrists",
                        "What are the supervision rules for physicists and dosimetrists")
    text = text.replace("Weekly physics chart checks can be performed remotely.",
                        "Weekly physics chart checks may be performed remotely.")
    path.write_text(text, encoding="utf-8")
    d = diff_entries(seed, again(corpus_dir, seed))
    # (its alternate phrasings named the old question, so they are left out with a warning)
    assert [(c.old.id, c.new.id, c.fields[:2]) for c in d.changed] == [
        (SEED_IDS[3], SEED_IDS[3], ("question", "answer"))]
    assert d.added == d.removed == []


def test_two_similar_entries_are_not_taken_for_each_other(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    """Entry 3 (the physicist's report) rewritten: a new id, not entry 2's (89/72 similar)."""
    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    blocks[2] = ("Coding Question: What must the dosimetrist's note for a special physics "
                 "consultation (77370) contain?\n\nCoding Answer: A signed note.\n")
    write(path, head, blocks, tail)
    now = again(corpus_dir, seed)
    assert [e.id for e in now] == [*SEED_IDS[:2], "astro-daily-practice-physics:6", *SEED_IDS[3:]]
    d = diff_entries(seed, now)
    assert [e.id for e in d.removed] == [SEED_IDS[2]]
    assert [e.id for e in d.added] == ["astro-daily-practice-physics:6"]


def test_a_deleted_id_is_never_reused(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    from ingest.ids import close_registry

    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    write(path, head, blocks[:1] + blocks[2:], tail)
    loaded = load_corpus(corpus_dir, IdPool.of_entries(seed))
    d = diff_entries(seed, loaded.entries)
    assert [e.id for e in d.removed] == [SEED_IDS[1]]
    assert [e.id for e in d.unchanged] == [SEED_IDS[0]] and d.added == [] and d.changed == []
    assert [c.new.id for c in d.moved] == SEED_IDS[2:]  # same ids, one place up
    registry = close_registry(loaded.registry, seed, loaded.parsed, loaded.entries,
                              loaded.successors, "v2")
    assert registry.removed[SEED_IDS[1]].version == "v2"
    # a new entry added afterwards gets 6, never the removed 2
    write(path, head, blocks[:1] + ["Coding Question: Is 77300 billable twice?\n\n"
                                    "Coding Answer: Rarely.\n"] + blocks[2:], tail)
    info = {"ids": registry.to_dict()}
    now = load_corpus(corpus_dir, IdPool.of_entries(loaded.entries, info)).entries
    assert [e.id for e in now] == [SEED_IDS[0], "astro-daily-practice-physics:6", *SEED_IDS[2:]]
    # and the deleted entry, put back word for word, gets its own id back
    write(path, head, blocks, tail)
    back = load_corpus(corpus_dir, IdPool.of_entries(loaded.entries, info)).entries
    assert [e.id for e in back] == SEED_IDS


def test_reorder_is_only_moves_with_the_same_ids(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    write(path, head, list(reversed(blocks)), tail)
    now = again(corpus_dir, seed)
    assert [e.id for e in now] == list(reversed(SEED_IDS))
    d = diff_entries(seed, now)
    assert {(c.old.id, c.new.id) for c in d.moved} == {(SEED_IDS[i], SEED_IDS[i])
                                                       for i in (0, 1, 3, 4)}
    assert [e.id for e in d.unchanged] == [SEED_IDS[2]]
    assert d.added == d.removed == d.changed == []


def test_delete_plus_edit_of_a_later_entry(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    edited = blocks[3].replace("must be performed on site", "must be performed on site.")
    write(path, head, [blocks[0], blocks[2], edited, blocks[4]], tail)
    d = diff_entries(seed, again(corpus_dir, seed))
    assert [e.id for e in d.removed] == [SEED_IDS[1]]
    assert [(c.old.id, c.new.id, c.fields) for c in d.changed] == [
        (SEED_IDS[3], SEED_IDS[3], ("answer", "position"))]
    assert {(c.old.id, c.new.id) for c in d.moved} == {(SEED_IDS[2], SEED_IDS[2]),
                                                       (SEED_IDS[4], SEED_IDS[4])}


def test_entry_moved_to_another_document_points_to_its_new_id(corpus_dir: Path, seed) -> None:  # type: ignore[no-untyped-def]
    path = corpus_dir / DOC
    head, blocks, tail = pairs(path)
    write(path, head, blocks[:4], tail)
    write(corpus_dir / "sbrt.txt", "SBRT\n\n", [blocks[4]], tail)
    loaded = load_corpus(corpus_dir, IdPool.of_entries(seed))
    assert loaded.successors == {SEED_IDS[4]: "sbrt:1"}
    d = diff_entries(seed, loaded.entries)
    # changed, not only moved: its alternate phrasings stayed with the old document's sidecar
    assert [(c.old.id, c.new.id, c.fields) for c in d.changed] == [
        (SEED_IDS[4], "sbrt:1", ("alternates", "id", "position"))]
    assert d.removed == d.added == []


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
