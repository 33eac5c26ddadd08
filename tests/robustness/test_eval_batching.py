"""Batched question embeddings in eval runs: identical rows, and progress when not on a terminal."""

from __future__ import annotations

import pytest

from evals.runner import run
from evals.sets import read_sets
from tests.conftest import EVAL_SETS

pytestmark = pytest.mark.slow


def _rows(result):  # type: ignore[no-untyped-def]
    return [(r.row.id, r.abstained, [i for i, _ in r.results], [i for i, _ in r.suggestions])
            for r in result.rows]


def _scores(result):  # type: ignore[no-untyped-def]
    return [s for r in result.rows for _, s in (*r.results, *r.suggestions)]


def test_batched_embeddings_change_no_row(seed_retriever, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = read_sets([EVAL_SETS / "seed-tuning-dev.jsonl", EVAL_SETS / "seed-regression-dev.jsonl"])
    assert len(rows) > 64  # more than one block
    seed_retriever._vectors.clear()
    batched = run(seed_retriever, rows)
    seed_retriever._vectors.clear()
    monkeypatch.setattr(seed_retriever, "prefill", lambda index, questions: None)
    single = run(seed_retriever, rows)
    assert _rows(batched) == _rows(single)  # same decisions, same entries, same order
    # a batched product rounds in another order than a single one: last bits only
    assert _scores(batched) == pytest.approx(_scores(single), abs=1e-6)


def test_progress_lines_off_a_terminal(seed_data_dir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from evals import cli as evals_cli
    from evals.__main__ import main

    monkeypatch.setattr(evals_cli, "PROGRESS_EVERY_S", 0.0)  # a line per row
    res = CliRunner().invoke(main, ["run", str(EVAL_SETS / "seed-regression-dev.jsonl"),
                                    "--data", str(seed_data_dir)])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("Asking: ")]
    total = len(read_sets([EVAL_SETS / "seed-regression-dev.jsonl"]))
    assert len(lines) == total and lines[-1].startswith(f"Asking: {total}/{total} rows (100%)")
    assert "rows/s, about" in lines[0]
