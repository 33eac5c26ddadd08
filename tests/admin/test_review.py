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
                          "v1", "seed-tuning.jsonl")])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RADONC_QA_DATA", str(settings.data_dir))
    out = CliRunner().invoke(main, ["review"])
    assert out.exit_code == 0 and "r1 (seed-tuning.jsonl)" in out.output and "tm:1" in out.output
    monkeypatch.setenv(ENV_HASH, hash_password("correct horse battery"))
    monkeypatch.setenv(ENV_PASSWORD, "correct horse battery")
    out = CliRunner().invoke(main, ["review", "--accept", "r2"])
    assert out.exit_code == 2 and "not waiting for a review (waiting: r1)" in out.output
    out = CliRunner().invoke(main, ["review", "--accept", "r1", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)[0]["expected"] == ["tm:1"]
    assert book.pending() == [] and book.decided()["r1"]["reviewed"]["decision"] == "in scope"
    assert book.reviewed_path.is_relative_to(settings.data_dir)
