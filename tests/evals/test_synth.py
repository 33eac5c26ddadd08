"""The synthetic corpus: deterministic, parseable, varied, with known answers for its queries."""

from __future__ import annotations

from pathlib import Path

from evals import synth
from ingest.build import diff
from ingest.corpus import parse_corpus


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    synth.write_corpus(tmp_path / "a", 300, seed=3)
    synth.write_corpus(tmp_path / "b", 300, seed=3)
    synth.write_corpus(tmp_path / "c", 300, seed=4)
    read = {d: {p.name: p.read_bytes() for p in (tmp_path / d).glob("*.txt")} for d in "abc"}
    assert read["a"] == read["b"] and read["a"] != read["c"]
    assert len(read["a"]) == 2  # 250 per document


def test_the_parser_reads_every_entry_with_codes_and_disclaimer(tmp_path: Path) -> None:
    made = synth.write_corpus(tmp_path, 600, seed=1)
    docs = parse_corpus(tmp_path)
    entries = [e for d in docs for e in d.entries]
    assert [e.id for e in entries] == [m.id for m in made]
    assert all(e.codes and e.document.disclaimer.startswith("Synthetic benchmark") for e in entries)
    assert all(d.document.references for d in docs)
    assert len({e.codes[0].code for e in entries}) > 30  # varied codes
    assert len({e.question.split()[0] for e in entries}) >= 6  # varied wording


def test_queries_point_at_entries_that_exist(tmp_path: Path) -> None:
    made = synth.write_corpus(tmp_path, 200, seed=2)
    ids = {m.id for m in made}
    qs = synth.queries(made, 300, seed=5)
    assert len(qs) == 300 and len({q for q, _ in qs}) > 150
    assert all(expected is None or expected in ids for _, expected in qs)
    assert 0 < sum(expected is None for _, expected in qs) < 60


def test_one_change_is_one_updated_entry(tmp_path: Path) -> None:
    synth.write_corpus(tmp_path, 260, seed=2)
    before = [e for d in parse_corpus(tmp_path) for e in d.entries]
    synth.change_one_answer(tmp_path)
    after = [e for d in parse_corpus(tmp_path) for e in d.entries]
    changes = diff(before, after)
    assert changes["updated"] == ["synthetic-daily-practice-0001:1"]
    assert not changes["added"] and not changes["removed"]
