"""Quality gate: a new version must answer the shipped eval sets at least as well as the floors.

Rows whose expected entries belong to documents the new version does not have are skipped (they
test another corpus); out-of-scope rows always count. Floors come from the `[floors]` table of
`evals/floors.toml` (convention of `evals.floors`: `in_scope_accuracy = 0.9` is a minimum,
`max_false_abstention = 0.1` a ceiling).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from evals.floors import FLOORS_FILE, breaches, parse_floor
from evals.metrics import correct
from evals.runner import RowResult, run
from evals.sets import EvalRow, EvalSetError, read_sets
from ingest.hooks import QualityGateFailed
from retrieval.config import Calibration, load_calibration
from retrieval.embedding import Embedder
from retrieval.retriever import Retriever
from retrieval.settings import Settings
from retrieval.store.base import KBStore

EVALS_DIR = FLOORS_FILE.parent
__all__ = ["GateResult", "QualityGate", "QualityGateFailed", "read_floors"]


@dataclass
class GateResult:
    passed: bool
    metrics: dict[str, Any]
    floors: dict[str, float]
    failures: list[str] = field(default_factory=list)
    wrong_rows: list[dict[str, Any]] = field(default_factory=list)  # wrong on the new version
    broken_rows: list[dict[str, Any]] = field(default_factory=list)  # … and right on the old
    rows: int = 0
    skipped: int = 0
    override_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "metrics": self.metrics, "floors": self.floors,
                "failures": self.failures, "rows": self.rows, "skipped": self.skipped,
                "wrong_rows": self.wrong_rows, "broken_rows": self.broken_rows,
                "override_reason": self.override_reason}


def read_floors(path: Path = FLOORS_FILE) -> dict[str, float]:
    """The `[floors]` table of the floors file (all shipped sets); {} if there is none."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise EvalSetError(f"{path}: not valid TOML ({e}); fix it") from None
    table = data.get("floors", {})
    if not isinstance(table, dict):
        raise EvalSetError(f"{path}: [floors] must be a table of metric = number")
    out = {}
    for k, v in table.items():
        if not isinstance(v, int | float) or isinstance(v, bool):
            raise EvalSetError(f"{path}: [floors] {k} must be a number")
        parse_floor(k)  # EvalSetError for an unknown metric
        out[k] = float(v)
    return out


def _below(metrics: dict[str, Any], floors: dict[str, float]) -> list[str]:
    """Breached floors, judging only metrics these rows define (e.g. no in-scope rows → skip)."""
    defined = {}
    for name, bound in floors.items():
        value = metrics.get(parse_floor(name)[0])
        if isinstance(value, int | float) and not math.isnan(value):
            defined[name] = bound
    return breaches(metrics, defined)


def _row(r: RowResult) -> dict[str, Any]:
    got = [i for i, _ in (r.suggestions if r.abstained else r.results)]
    return {"id": r.row.id, "question": r.row.question, "expected": list(r.row.expected),
            "abstained": r.abstained, "got": got[:3], "set": Path(r.row.source).name}


class QualityGate:
    """Runs the eval sets against a written (not yet active) version."""

    def __init__(self, embedder: Embedder, *, sets: list[Path] | None = None,
                 floors: dict[str, float] | None = None, override_reason: str | None = None,
                 calibration: Calibration | None = None):
        self.embedder = embedder
        self.sets = sets if sets is not None else sorted((EVALS_DIR / "sets").glob("*.jsonl"))
        self.floors = floors if floors is not None else read_floors()
        self.override_reason = (override_reason or "").strip() or None
        self.calibration = calibration

    @classmethod
    def from_settings(cls, embedder: Embedder, settings: Settings,
                      override_reason: str | None = None) -> QualityGate:
        """The gate as the app serves: the settings' gate sets (else every shipped set) and
        the installation's calibration."""
        return cls(embedder, sets=list(settings.gate_sets) or None,
                   override_reason=override_reason,
                   calibration=load_calibration(overlay=settings.calibration_file))

    def relevant(self, rows: list[EvalRow], documents: set[str]) -> list[EvalRow]:
        return [r for r in rows if not r.expected
                or all(e.rsplit(":", 1)[0] in documents for e in r.expected)]

    def check(self, store: KBStore, version: str, previous: str | None = None,
              renamed: dict[str, str] | None = None) -> GateResult:
        """Run the sets on `version`. Eval rows name entries by their id in the active version;
        `renamed` (old id → new id, from the diff) follows entries the new version renumbered,
        so a row still expects the same guidance, not whatever now has its old number."""
        all_rows = read_sets(self.sets) if self.sets else []
        if renamed:
            all_rows = [replace(r, expected=tuple(renamed.get(e, e) for e in r.expected))
                        for r in all_rows]
        retriever = Retriever(store, self.embedder, calibration=self.calibration)
        index = retriever.load(version)
        rows = self.relevant(all_rows, set(index.manifest.documents))
        # check=False: a row expecting an entry the new version lacks is a broken row, not an error
        result = run(retriever, rows, index=index, check=False) if rows else None
        metrics = result.metrics if result else {}
        failures = _below(metrics, self.floors) if result else []
        wrong = [r for r in result.rows if not correct(r.outcome)] if result else []
        broken: list[RowResult] = []
        if failures and previous and wrong:
            old_index = retriever.load(previous)
            back = {new: old for old, new in (renamed or {}).items()}
            before = run(retriever, [replace(r.row, expected=tuple(back.get(e, e) for e in
                                                                    r.row.expected))
                                     for r in wrong], index=old_index, check=False)
            broken = [w for w, b in zip(wrong, before.rows, strict=True) if correct(b.outcome)]
        return GateResult(
            passed=not failures, metrics=metrics, floors=self.floors, failures=failures,
            wrong_rows=[_row(r) for r in wrong], broken_rows=[_row(r) for r in broken],
            rows=len(rows), skipped=len(all_rows) - len(rows),
            override_reason=self.override_reason if failures else None)
