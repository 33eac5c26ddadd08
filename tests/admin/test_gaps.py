"""Gaps from the question log: paraphrases clustered (real model), thumbs-down, per day, CSV;
closing the loop with an alternate phrasing or an out-of-scope eval row."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from admin import gaps
from admin.loop import attach_alternate, mark_out_of_scope
from appdb import AppDB
from evals.sets import read_jsonl
from ingest.build import ingest
from retrieval.errors import CorpusError
from retrieval.retriever import Retriever
from retrieval.store import LocalStore

PROTON = ["how do I code proton therapy delivery", "proton beam treatment delivery cpt code",
          "what code for proton treatment delivery?", "Proton delivery — which CPT?",
          "how do I code proton therapy delivery"]
HYPER = ["is hyperthermia billable with radiation", "can we bill hyperthermia alongside rt",
         "hyperthermia with radiation therapy coding"]
LONE = ["what's the weather in boston"]


@pytest.fixture
def db(tmp_path: Path) -> AppDB:
    d = AppDB(f"sqlite:///{tmp_path / 'app.db'}")
    day = datetime(2026, 11, 20, 9, tzinfo=UTC)
    for n, q in enumerate(PROTON + HYPER + LONE):
        d.log_question(session_id="s", question=q, abstained=True, asked_at=day + timedelta(
            days=n % 3))
    answered = d.log_question(session_id="s", question="can we bill 77370 after rt?",
                              abstained=False, top_entry="astro-daily-practice-physics:1",
                              asked_at=day)
    assert answered is not None
    d.record_feedback(answered, 0, "astro-daily-practice-physics:1", "=doesn't cover retreatment")
    return d


@pytest.mark.slow
def test_paraphrases_cluster_together(db: AppDB, real_embedder) -> None:  # type: ignore[no-untyped-def]
    clusters = gaps.gap_clusters(db, real_embedder)
    assert [c.count for c in clusters] == [5, 3, 1]
    assert clusters[0].question == "how do I code proton therapy delivery"  # most asked wording
    assert {w for w, _ in clusters[0].wordings} == set(PROTON)
    assert {w for w, _ in clusters[1].wordings} == set(HYPER)
    assert clusters[2].question == LONE[0]
    assert clusters[0].wordings[0] == ("how do I code proton therapy delivery", 2)
    rows = list(csv.reader(io.StringIO(gaps.gaps_csv(clusters).decode("utf-8-sig"))))
    assert rows[0] == ["times_asked", "question", "other_wordings", "last_asked"]
    assert rows[1][:2] == ["5", "how do I code proton therapy delivery"]


def test_thumbs_down_per_day_and_csv(db: AppDB) -> None:
    downs = gaps.thumbs_down(db)
    assert [(d.question, d.entry_id, d.comment) for d in downs] == [
        ("can we bill 77370 after rt?", "astro-daily-practice-physics:1",
         "=doesn't cover retreatment")]
    text = gaps.thumbs_down_csv(downs).decode("utf-8-sig")
    assert "'=doesn't cover retreatment" in text  # a formula is never run by a spreadsheet
    per_day = gaps.questions_per_day(db)
    assert [(d.isoformat(), t, a) for d, t, a in per_day] == [
        ("2026-11-20", 4, 3), ("2026-11-21", 3, 3), ("2026-11-22", 3, 3)]
    assert gaps.question_count(db) == 10


def test_cluster_edge_cases() -> None:
    import numpy as np

    assert gaps.cluster(np.zeros((0, 3))) == []
    assert gaps.cluster(np.ones((1, 3))) == [0]


@pytest.mark.slow
def test_attached_phrasing_is_used_by_retrieval_after_reingest(settings, corpus_dir,  # type: ignore[no-untyped-def]
                                                               real_embedder) -> None:
    for p in corpus_dir.glob("*.alternates.toml"):
        p.unlink()  # start from the bare document
    store = LocalStore(settings.kb_dir)
    ingest(store, real_embedder, corpus_dir)
    retriever = Retriever(store, real_embedder)
    wording = "QMP physically present in the vault for every stereotactic body fraction?"
    target = "astro-daily-practice-physics:5"
    before = retriever.ask(wording)
    side = attach_alternate(store, corpus_dir, target, wording)
    assert side.name == "astro-daily-practice-physics.alternates.toml"
    with pytest.raises(CorpusError, match="already"):
        attach_alternate(store, corpus_dir, target, wording)
    report = ingest(store, real_embedder, corpus_dir)
    assert report.updated == [target] and report.embedded == 1
    after = retriever.ask(wording)
    assert after.kb_version == report.kb_version
    assert not after.abstained and after.top is not None and after.top.entry.id == target
    assert after.top.entry.answer == store.read_manifest(report.kb_version).entries[4].answer
    top_before = before.top.score if before.top else max(m.score for m in before.suggestions)
    assert after.top.score > top_before


def test_mark_out_of_scope_appends_one_abstention_row(tmp_path: Path) -> None:
    path = tmp_path / "gaps-out-of-scope.jsonl"
    rid = mark_out_of_scope("what's the weather in  boston", path)
    assert mark_out_of_scope("What's the weather in Boston?", path) == rid  # once only
    rows = read_jsonl(path)
    assert [(r.id, r.question, r.expected) for r in rows] == [
        (rid, "what's the weather in boston", ())]
    mark_out_of_scope("how do I code proton therapy delivery", path)
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2
    assert all(json.loads(x)["expected"] == [] for x in path.read_text().splitlines())
