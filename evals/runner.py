"""Run eval rows through the retriever and collect outcomes, metrics and latency."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from evals.metrics import Outcome, summary
from evals.sets import EvalRow
from retrieval.errors import QueryError
from retrieval.index import KBIndex
from retrieval.retriever import Retriever


@dataclass(frozen=True)
class RowResult:
    row: EvalRow
    abstained: bool
    results: tuple[tuple[str, float], ...]
    suggestions: tuple[tuple[str, float], ...]
    latency_ms: float
    error: str = ""

    @property
    def outcome(self) -> Outcome:
        ranked = self.results if not self.abstained else self.suggestions
        return Outcome(self.row.expected, self.abstained, tuple(i for i, _ in ranked))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.row.id,
            "question": self.row.question,
            "context": list(self.row.context),
            "expected": list(self.row.expected),
            "abstained": self.abstained,
            "results": [{"id": i, "score": round(s, 4)} for i, s in self.results],
            "suggestions": [{"id": i, "score": round(s, 4)} for i, s in self.suggestions],
            "latency_ms": round(self.latency_ms, 2),
            **({"error": self.error} if self.error else {}),
        }


@dataclass(frozen=True)
class RunResult:
    kb_version: str
    rows: list[RowResult]
    disclaimers: dict[str, str]

    @property
    def metrics(self) -> dict[str, Any]:
        m: dict[str, Any] = summary([r.outcome for r in self.rows])
        lat = [r.latency_ms for r in self.rows]
        m["latency_ms"] = {
            "median": round(statistics.median(lat), 2) if lat else None,
            "p95": round(sorted(lat)[max(0, int(len(lat) * 0.95) - 1)], 2) if lat else None,
        }
        return m

    def to_dict(self) -> dict[str, Any]:
        return {
            "kb_version": self.kb_version,
            "metrics": self.metrics,
            "rows": [r.to_dict() for r in self.rows],
            "disclaimers": self.disclaimers,
        }


def run(retriever: Retriever, rows: Sequence[EvalRow], *, index: KBIndex | None = None,
        progress: Callable[[int, int], None] | None = None) -> RunResult:
    index = index or retriever.index()
    out = []
    for n, row in enumerate(rows, 1):
        t0 = time.perf_counter()
        try:
            a = retriever.ask(row.question, context=row.context, index=index)
            res = RowResult(row, a.abstained,
                            tuple((m.entry.id, m.score) for m in a.results),
                            tuple((m.entry.id, m.score) for m in a.suggestions),
                            (time.perf_counter() - t0) * 1000)
        except QueryError as e:  # unusable input counts as an abstention, as the chat shows it
            res = RowResult(row, True, (), (), (time.perf_counter() - t0) * 1000, str(e))
        out.append(res)
        if progress:
            progress(n, len(rows))
    disclaimers = {d.name: d.disclaimer for d in index.manifest.documents.values()}
    return RunResult(index.version, out, disclaimers)
