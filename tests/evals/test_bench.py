"""The benchmark's figures and table (the model-free parts; the real run is `make bench`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from evals import bench, measure
from ingest.build import ingest
from retrieval.store import LocalStore
from tests.fakes import HashingEmbedder

KEYS = {"entries", "ingest_entries_per_s", "reingest_one_s", "query_ms", "baseline_query_ms",
        "embed_ms", "cold_start_s", "peak_rss_mb"}


def test_percentiles() -> None:
    assert measure.percentiles([float(i) for i in range(1, 101)]) == {
        "median": 50.5, "p95": 95.05, "p99": 99.01}


def test_one_size_end_to_end_with_a_fake_model(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[list[str]] = []

    def fake_cold_start(cmd: list[str]) -> measure.ChildRun:
        runs.append(cmd)  # the real one starts the CLI with the real model: too slow here
        return measure.ChildRun(1.5, 300.0)

    def in_process_ingest(corpus: Path, data: Path, gate_set: Path) -> dict[str, object]:
        # the real one runs `python -m ingest --json` with the real model: too slow here
        assert json.loads(gate_set.read_text(encoding="utf-8"))["expected"] == []
        return ingest(LocalStore(data / "kb"), HashingEmbedder(), corpus).to_dict()

    monkeypatch.setattr(measure, "cold_start", fake_cold_start)
    monkeypatch.setattr(bench, "ingest_cli", in_process_ingest)
    r = bench.bench_size(60, tmp_path, HashingEmbedder(), n_queries=200, seed=3)
    assert KEYS <= set(r)
    assert r["entries"] == 60 and r["passages"] >= 120 and r["queries"] == 200
    assert r["ingest_entries_per_s"] > 0 and r["reingest_one_s"] > 0
    for k in ("query_ms", "embed_ms", "baseline_query_ms"):
        assert set(r[k]) == {"median", "p95", "p99"}
        assert 0 < r[k]["median"] <= r[k]["p95"] <= r[k]["p99"]
    assert 0 <= r["right_at_3"] <= 1 and 0 <= r["baseline_right_at_3"] <= 1
    # a warm follow-up embeds itself and itself read with the earlier question: one more text
    # than a single question (the earlier question's vector is cached)
    assert set(r["follow_up_ms"]) == {"median", "p95", "p99"}
    assert 0 < r["follow_up_ms"]["median"] <= r["follow_up_ms"]["p95"]
    assert 1 <= r["follow_up_embeddings_max"] <= 2
    assert runs[0][1:5] == ["-m", "evals.bench", "run-module", "retrieval"]
    assert "--json" in runs[0]
    assert runs[1][1:4] == ["-m", "evals.bench", "baseline-child"]
    json.dumps(r)  # the --json output


def test_markdown_table_has_ratios_to_baseline_and_floor() -> None:
    r = {"entries": 10000, "documents": 40, "passages": 60000, "queries": 240,
         "query_ms": {"median": 10.0, "p95": 20.0, "p99": 30.0},
         "embed_ms": {"median": 8.0, "p95": 10.0, "p99": 12.0},
         "baseline_query_ms": {"median": 20.0, "p95": 40.0, "p99": 60.0},
         "ingest_entries_per_s": 50.0, "baseline_ingest_entries_per_s": 25.0,
         "reingest_one_s": 2.0, "baseline_reingest_one_s": 400.0, "cold_start_s": 6.0,
         "baseline_cold_start_s": 5.0, "peak_rss_mb": 900.0, "baseline_peak_rss_mb": 700.0,
         "right_at_3": 0.8, "baseline_right_at_3": 0.3,
         "follow_up_ms": {"median": 16.0, "p95": 30.0, "p99": 40.0},
         "follow_up_embeddings_max": 2}
    table = bench.markdown([r])
    row = "| warm follow-up with one earlier question median (ms) | 16.00 | — | — | 2.00× |"
    assert row in table
    assert "| texts embedded per follow-up (most) | 2 | — | — | — |" in table
    assert "### 10,000 entries" in table
    assert "| warm query median (ms) | 10.00 | 20.00 | 0.50× | 1.25× |" in table
    assert "| warm query p95 (ms) | 20.00 | 40.00 | 0.50× | 2.00× |" in table
    assert "| re-ingest after one change (s) | 2.00 | 400.00 | 0.01× | — |" in table


def test_a_childs_peak_memory_is_its_own_not_its_parents(tmp_path: Path) -> None:
    """wait4's ru_maxrss counts the parent's memory copied at fork; the child's VmHWM does not."""
    ballast = np.ones(400 * 2**20 // 8)  # 400 MB held (and touched) by this process
    data = tmp_path / "x.json"
    data.write_text('{"a": 1}', encoding="utf-8")
    run = measure.run_child(measure.measured_command("json.tool", str(data)))
    assert ballast.sum() > 0
    assert 5 < run.peak_rss_mb < 200
    assert run.seconds > 0


@pytest.mark.slow
def test_ingest_runs_as_the_documented_command_and_reports_its_own_time(tmp_path: Path) -> None:
    from evals import synth

    corpus = tmp_path / "corpus"
    synth.write_corpus(corpus, 30, seed=5)
    report = bench.ingest_cli(corpus, tmp_path / "data", bench._smoke_gate_set(tmp_path))
    assert report["activated"] and report["entries"] == 30
    assert report["quality_gate"]["passed"] and report["quality_gate"]["rows"] == 1
    assert 0 < report["seconds"]["quality_gate"] < report["seconds"]["total"]
