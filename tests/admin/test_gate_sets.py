"""Which eval sets the quality gate runs: the shipped (or configured) sets plus the gap questions
admins marked out of scope under the data dir (fast: no model is loaded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from admin.gate import QualityGate, gate_sets, shipped_sets
from admin.loop import gaps_set, mark_out_of_scope
from retrieval.settings import Settings
from tests.fakes import HashingEmbedder

OFF_TOPIC = "how do I reset my Epic password?"


def test_no_gap_set_until_an_admin_marks_a_question(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    assert gate_sets(settings) == shipped_sets()
    assert gaps_set(settings.data_dir) == tmp_path / "data" / "evals" / "gaps-out-of-scope.jsonl"


def test_marked_out_of_scope_questions_run_in_the_gate(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    rid = mark_out_of_scope(OFF_TOPIC, gaps_set(settings.data_dir))  # creates data/evals/
    assert gate_sets(settings) == [*shipped_sets(), gaps_set(settings.data_dir)]

    gate = QualityGate.from_settings(HashingEmbedder(), settings)
    rows = {r.id: r for r in gate.read_rows()}
    assert rows[rid].question == OFF_TOPIC and rows[rid].expected == ()
    assert len(rows) > 1  # the shipped rows still run beside it


def test_configured_gate_sets_get_the_gap_set_too_once(tmp_path: Path) -> None:
    own = tmp_path / "own.jsonl"
    own.write_text(json.dumps({"id": "o-1", "question": "q?", "expected": []}) + "\n",
                   encoding="utf-8")
    data = tmp_path / "data"
    mark_out_of_scope(OFF_TOPIC, gaps_set(data))
    settings = Settings(data_dir=data, gate_sets=(own,))
    assert gate_sets(settings) == [own, gaps_set(data)]
    named = Settings(data_dir=data, gate_sets=(own, gaps_set(data)))  # already listed: once
    assert gate_sets(named) == [own, gaps_set(data)]


@pytest.mark.slow
def test_a_marked_question_the_knowledge_base_answers_counts_as_wrong(  # type: ignore[no-untyped-def]
        app_data, real_embedder, tmp_path) -> None:
    """Real model and KB: the gap row is asked like any shipped row, and its verdict binds."""
    from retrieval.store import LocalStore

    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps({"id": "o-1", "question": OFF_TOPIC, "expected": []}) + "\n",
                   encoding="utf-8")
    answered = "Can weekly physics chart checks be done remotely?"  # the seed KB answers it
    rid = mark_out_of_scope(answered, gaps_set(app_data))
    settings = Settings(data_dir=app_data, gate_sets=(one,))
    store = LocalStore(settings.kb_dir)
    active = store.active_version()
    assert active is not None
    # judged against itself: no document is new, so an answered gap row is wrong, not "for review"
    result = QualityGate.from_settings(real_embedder, settings).check(store, active, active)
    assert result.rows == 2  # the configured row and the marked gap
    assert [r["id"] for r in result.wrong_rows] == [rid]  # answered, but marked out of scope
