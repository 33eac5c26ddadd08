"""Regression gate: the shipped held-out sets on the shipped corpus must meet evals/floors.toml.

Real model, real on-disk Chroma. A failure lists each missed floor and the rows answered wrong,
so the cause is visible in the CI log.
"""

from __future__ import annotations

import tomllib

import pytest

from admin.gate import read_floors
from evals.floors import FLOORS_FILE, Gate, breaches, load_gates, parse_floor
from evals.runner import run
from evals.sets import read_sets

GATES = load_gates()


def test_floors_file_is_well_formed() -> None:
    """Every gate runs held-out sets that exist; every floor names a metric; ingest reads it."""
    raw = tomllib.loads(FLOORS_FILE.read_text(encoding="utf-8"))
    assert {g.name for g in GATES} == set(raw["gate"])
    for g in GATES:
        assert g.floors, g.name
        for s in g.sets:
            assert s.is_file(), s
            assert "heldout" in s.name, f"{s.name}: the regression gate runs held-out sets only"
        for name in g.floors:
            parse_floor(name)
    assert read_floors() == {k: float(v) for k, v in raw["floors"].items()}


@pytest.mark.slow
@pytest.mark.parametrize("gate", GATES, ids=[g.name for g in GATES])
def test_held_out_quality_meets_the_floors(seed_retriever, gate: Gate) -> None:  # type: ignore[no-untyped-def]
    result = run(seed_retriever, read_sets(gate.sets))
    metrics = result.to_dict()["metrics"]
    missed = breaches(metrics, gate.floors)
    wrong = [f"{r.row.id}: {r.row.question!r} expected {list(r.row.expected) or 'abstain'}, "
             f"got {'abstained' if r.abstained else [i for i, _ in r.results]}"
             for r in result.rows if not r.right]
    assert not missed, "\n".join(["floors missed:", *missed, "rows wrong:", *wrong])
