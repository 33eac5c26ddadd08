"""The runner on the shipped sets with the real model and a real on-disk Chroma store."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from evals.runner import RunResult, run
from evals.sets import EvalRow, EvalSetError, read_jsonl, read_set, write_csv
from retrieval.config import Calibration
from retrieval.errors import KnowledgeBaseMissing
from retrieval.retriever import Retriever
from retrieval.store import LocalStore
from tests.conftest import EVAL_SETS

pytestmark = pytest.mark.slow

DEV = EVAL_SETS / "seed-regression-dev.jsonl"
TUNING = EVAL_SETS / "seed-tuning-dev.jsonl"


@pytest.fixture(scope="module")
def dev_run(seed_retriever) -> RunResult:  # type: ignore[no-untyped-def]
    return run(seed_retriever, read_jsonl(DEV), sets=[str(DEV)])


def test_json_follows_the_contract(dev_run: RunResult) -> None:
    d = json.loads(json.dumps(dev_run.to_dict(), allow_nan=False))  # strict JSON, no NaN
    assert {"kb_version", "metrics", "rows"} <= d.keys()
    assert d["kb_version"].startswith("v")
    rows = {r["id"]: r for r in d["rows"]}
    assert len(rows) == len(read_jsonl(DEV))
    for r in d["rows"]:
        assert {"id", "question", "expected", "abstained", "results"} <= r.keys()
        assert all({"id", "score"} <= x.keys() for x in r["results"])
        assert not (r["abstained"] and r["results"])  # results are empty when abstaining
    m = d["metrics"]
    for k in ("in_scope_accuracy", "hit@1", "hit@3", "hit@5", "mrr@5", "accuracy",
              "out_of_scope_abstention", "false_abstention"):
        assert 0.0 <= m[k] <= 1.0
    assert m["latency_ms"]["median"] > 0 and m["latency_ms"]["p95"] >= m["latency_ms"]["median"]
    # every entry the report may show comes with its document's disclaimer
    assert d["entries"] and all(e["disclaimer"] for e in d["entries"].values())


def test_rows_written_here_are_answered_or_abstained(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    rows = [EvalRow("bare", "77370", ("astro-daily-practice-physics:1",)),
            EvalRow("recipe", "how long do I bake banana bread at 350?", ()),
            EvalRow("sql", "'; DROP TABLE entries; --", ())]
    got = {r.row.id: r for r in run(seed_retriever, rows).rows}
    bare = got["bare"]  # a bare code: every entry about it
    assert not bare.abstained and {i for i, _ in bare.results} == {
        f"astro-daily-practice-physics:{n}" for n in (1, 2, 3)}
    assert got["recipe"].abstained and got["recipe"].right
    assert got["sql"].abstained


def test_csv_and_jsonl_give_identical_results(  # type: ignore[no-untyped-def]
        seed_retriever, dev_run: RunResult, tmp_path: Path) -> None:
    buf = io.StringIO()
    write_csv(read_jsonl(DEV), buf)
    csv_path = tmp_path / "seed-regression-dev.csv"
    csv_path.write_text(buf.getvalue(), encoding="utf-8")
    from_csv = run(seed_retriever, read_set(csv_path)).to_dict()
    from_jsonl = dev_run.to_dict()

    def essence(d: dict) -> list:  # type: ignore[type-arg]
        return [(r["id"], r["question"], r["expected"], r["abstained"], r["results"],
                 r["suggestions"]) for r in d["rows"]]

    assert essence(from_csv) == essence(from_jsonl)
    drop = {"latency_ms"}
    assert ({k: v for k, v in from_csv["metrics"].items() if k not in drop}
            == {k: v for k, v in from_jsonl["metrics"].items() if k not in drop})


@pytest.fixture(scope="module")
def tuning_run(seed_retriever) -> RunResult:  # type: ignore[no-untyped-def]
    return run(seed_retriever, read_jsonl(TUNING))


@pytest.mark.parametrize("threshold", [0.3, 0.6, 0.85], ids=lambda t: f"threshold={t}")
def test_threshold_sweep_matches_a_real_run_at_that_threshold(  # type: ignore[no-untyped-def]
        seed_retriever, tuning_run: RunResult, threshold: float) -> None:
    """The sweep (one run at the shipped threshold) predicts what a run at another does.

    The threshold is the abstention model's probability cut (the fused-score floor without one).
    """
    rows = read_jsonl(TUNING)
    base = tuning_run
    cal = seed_retriever.calibration
    if cal.abstention is not None:
        cal = Calibration(cal.fusion, cal.decision, cal.conversation,
                          replace(cal.abstention, min_probability=threshold))
    else:
        cal = Calibration(cal.fusion, replace(cal.decision, min_score=threshold),
                          cal.conversation)
    other = Retriever(seed_retriever.store, seed_retriever.embedder, top_k=seed_retriever.top_k,
                      calibration=cal)
    real = run(other, rows)
    for b, r in zip(base.rows, real.rows, strict=True):
        assert b.profile is not None
        predicted = b.profile.outcome_at(threshold)
        assert predicted.abstained == r.abstained, b.row.id
        if not r.abstained:
            assert predicted.returned[0] == r.results[0][0], b.row.id
    from evals.metrics import sweep

    point = sweep(base.profiles, [threshold])[0]
    assert point["accuracy"] == pytest.approx(real.metrics["accuracy"])
    assert point["false_abstention"] == pytest.approx(real.metrics["false_abstention"])


def test_unknown_expected_ids_stop_the_run_before_any_question(seed_retriever) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    rows = [EvalRow("ok", "77370", ("astro-daily-practice-physics:1",), source="s", line=1),
            EvalRow("bad", "q", ("astro-daily-practice-physics:6",), source="s", line=2)]
    with pytest.raises(EvalSetError, match="s:2: row bad expects unknown entry "
                                           "astro-daily-practice-physics:6 — did you mean"):
        run(seed_retriever, rows, progress=lambda n, t: asked.append(str(n)))
    assert asked == []


def test_empty_knowledge_base(tmp_path: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    r = Retriever(LocalStore(tmp_path / "kb"), real_embedder)
    with pytest.raises(KnowledgeBaseMissing, match="python -m ingest"):
        run(r, [EvalRow("a", "q", ())])
