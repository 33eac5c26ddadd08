"""Eval rows held for review: the data dir's decisions, and `python -m ingest review`."""

from __future__ import annotations

import json

from click.testing import CliRunner


def test_cli_review_lists_and_decides(settings, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from admin.auth import ENV_HASH, ENV_PASSWORD, hash_password
    from admin.review import ReviewBook, ReviewItem
    from ingest.__main__ import main

    book = ReviewBook(settings.data_dir / "evals")
    book.hold([ReviewItem("r1", "how often can 77427 be billed", "tm:1", "How often…", "tm",
                          "v1", "seed-tuning-dev.jsonl")])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RADONC_QA_DATA", str(settings.data_dir))
    out = CliRunner().invoke(main, ["review"])
    assert out.exit_code == 0 and "r1 (seed-tuning-dev.jsonl)" in out.output
    assert "tm:1" in out.output
    monkeypatch.setenv(ENV_HASH, hash_password("correct horse battery"))
    monkeypatch.setenv(ENV_PASSWORD, "correct horse battery")
    out = CliRunner().invoke(main, ["review", "--accept", "r2"])
    assert out.exit_code == 2 and "not waiting for a review (waiting: r1)" in out.output
    out = CliRunner().invoke(main, ["review", "--accept", "r1", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)[0]["expected"] == ["tm:1"]
    assert book.pending() == [] and book.decided()["r1"]["reviewed"]["decision"] == "in scope"
    assert book.reviewed_path.is_relative_to(settings.data_dir)


def test_wrong_rows_sorted_into_review_and_comparison() -> None:
    from types import SimpleNamespace

    from admin.gate import _sort_wrong
    from evals.runner import RowResult
    from evals.sets import EvalRow

    def entry(i: str, doc: str) -> SimpleNamespace:
        return SimpleNamespace(id=i, question=f"q {i}", document=SimpleNamespace(name=doc))

    entries = [entry("old:1", "old"), entry("old:2", "old"), entry("new:1", "new")]
    cand = SimpleNamespace(entries=entries, position={e.id: n for n, e in enumerate(entries)})

    def row(rid: str, expected: tuple[str, ...], abstained: bool, got: str) -> RowResult:
        hit = ((got, 0.9),)
        return RowResult(EvalRow(rid, f"question {rid}", expected), abstained,
                         () if abstained else hit, hit if abstained else (), 1.0)

    rows = [row("oos-new", (), False, "new:1"),       # new guidance answers it: review
            row("oos-old", (), False, "old:2"),       # an old entry answers it: compare
            row("in-new", ("old:1",), True, "new:1"),  # abstains, new entry competes: review
            row("in-hijack", ("old:1",), False, "new:1"),  # answered by the new one: compare
            row("right", ("old:1",), False, "old:1")]      # right: neither
    review, suspects = _sort_wrong(rows, cand, "v2", {"new"}, {"new:1"})  # type: ignore[arg-type]
    assert [(i.id, i.entry, i.expected) for i in review] == [
        ("oos-new", "new:1", []), ("in-new", "new:1", ["old:1"])]
    assert [s.row.id for s in suspects] == ["oos-old", "in-hijack"]


def test_accepting_a_competing_entry_keeps_the_old_one_right(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from admin.review import ReviewBook, ReviewItem

    book = ReviewBook(tmp_path / "evals")
    book.hold([ReviewItem("r", "q", "new:1", "nq", "new", "v2", "s.jsonl", [], ["old:1"])])
    assert book.decide("r", in_scope=True, by="me")["expected"] == ["new:1", "old:1"]
