"""Run eval rows through the retriever and collect outcomes, metrics and latency.

Each row is asked exactly as the chat asks it; besides what came back the runner records how
the row would be decided at any other abstention threshold (`ThresholdProfile`, from the scored
candidates the answer carries), so the risk–coverage curve and calibration need no second run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from evals.metrics import (
    Outcome,
    ThresholdProfile,
    confusion,
    correct,
    finite,
    got_label,
    latency,
    mistakes,
    per_entry,
    summary,
    sweep,
)
from evals.sets import EvalRow, check_ids
from retrieval.decide import decide
from retrieval.errors import QueryError
from retrieval.evidence import evidence
from retrieval.ids import removed_notes
from retrieval.index import KBIndex
from retrieval.retriever import Answer, Retriever

WARM_UP = "warm-up question for the eval runner"
EMBED_BLOCK = 64  # rows whose questions are embedded in one batch (Retriever.prefill)


@dataclass(frozen=True)
class RowResult:
    row: EvalRow
    abstained: bool
    results: tuple[tuple[str, float], ...]
    suggestions: tuple[tuple[str, float], ...]
    latency_ms: float
    error: str = ""
    profile: ThresholdProfile | None = None
    reason: str = ""
    # what the abstention model saw (retrieval/evidence.py) and the top entry's document, for
    # `evals calibrate`; empty for follow-ups and unusable input
    evidence: dict[str, float] = field(default_factory=dict)
    top_document: str = ""

    @property
    def outcome(self) -> Outcome:
        ranked = self.results if not self.abstained else self.suggestions
        return Outcome(self.row.expected, self.abstained, tuple(i for i, _ in ranked))

    @property
    def right(self) -> bool:
        return correct(self.outcome)

    @property
    def top_score(self) -> float | None:
        ranked = self.results or self.suggestions
        return ranked[0][1] if ranked else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.row.id,
            "question": self.row.question,
            "context": list(self.row.context),
            "expected": list(self.row.expected),
            "abstained": self.abstained,
            "results": [{"id": i, "score": round(s, 4)} for i, s in self.results],
            "suggestions": [{"id": i, "score": round(s, 4)} for i, s in self.suggestions],
            "right": self.right,
            "got": got_label(self.outcome),
            "top_score": None if self.top_score is None else round(self.top_score, 4),
            "latency_ms": round(self.latency_ms, 2),
            "source": f"{self.row.source}:{self.row.line}" if self.row.line else self.row.source,
            **({"reason": self.reason} if self.reason else {}),
            **({"evidence": {k: round(v, 4) for k, v in self.evidence.items()},
                "top_document": self.top_document,
                # decided by the threshold/model (not a bare code or a code no entry covers)
                "model_decides": self.profile is not None and self.profile.forced is None}
               if self.evidence else {}),
            **({"error": self.error} if self.error else {}),
        }


@dataclass(frozen=True)
class RunResult:
    kb_version: str
    rows: list[RowResult]
    disclaimers: dict[str, str]
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    threshold: float | None = None
    sets: tuple[str, ...] = ()
    run_at: str = ""

    @property
    def outcomes(self) -> list[Outcome]:
        return [r.outcome for r in self.rows]

    @property
    def profiles(self) -> list[ThresholdProfile]:
        return [r.profile for r in self.rows if r.profile is not None]

    @property
    def metrics(self) -> dict[str, Any]:
        m: dict[str, Any] = summary(self.outcomes)
        m["latency_ms"] = latency([r.latency_ms for r in self.rows])
        return m

    def to_dict(self) -> dict[str, Any]:
        outs = self.outcomes
        return finite({
            "kb_version": self.kb_version,
            "run_at": self.run_at,
            "sets": list(self.sets),
            "threshold": self.threshold,
            "metrics": self.metrics,
            "rows": [r.to_dict() for r in self.rows],
            "per_entry": per_entry(outs),
            "confusion": confusion(outs),
            "mistakes": [{"expected": e, "got": g, "rows": n} for e, g, n in mistakes(outs)],
            "risk_coverage": sweep(self.profiles),
            "entries": self.entries,
            "disclaimers": self.disclaimers,
        })


def profile(index: KBIndex, answer: Answer, retriever: Retriever,
            expected: tuple[str, ...], context: Sequence[str] = ()) -> ThresholdProfile:
    """How this row is decided at any threshold: decide() at -inf and +inf on the same scores."""
    scored = list(answer.scored)
    if answer.terms is None or context:
        # no trace, or a follow-up (decided on its reading with the thread): only this
        # decision is known, so the sweep holds it fixed
        ranked = answer.results or answer.suggestions
        return ThresholdProfile(expected, ranked[0].entry.id if ranked else None,
                                ranked[0].score if ranked else 0.0, forced=answer.abstained)
    d = retriever.calibration.decision
    model = retriever.calibration.abstention
    if model is None:
        low = decide(index, answer.terms, scored, replace(d, min_score=-math.inf), retriever.top_k)
        high = decide(index, answer.terms, scored, replace(d, min_score=math.inf), retriever.top_k)
    else:  # the threshold swept is the model's probability
        low = decide(index, answer.terms, scored, d, retriever.top_k,
                     replace(model, min_probability=-math.inf))
        high = decide(index, answer.terms, scored, d, retriever.top_k,
                      replace(model, min_probability=math.inf))
    best = scored[0] if scored else None
    best_score = best.score if best else 0.0
    if low.abstained:
        return ThresholdProfile(expected, index.entries[best.entry].id if best else None,
                                best_score, forced=True)
    first = low.results[0]
    top = index.entries[first.entry].id
    if not high.abstained:
        return ThresholdProfile(expected, index.entries[high.results[0].entry].id,
                                high.results[0].score, forced=False)
    value = first.score if low.probability is None else low.probability
    return ThresholdProfile(expected, top, value, forced=None)


def run(retriever: Retriever, rows: Sequence[EvalRow], *, index: KBIndex | None = None,
        progress: Callable[[int, int], None] | None = None, sets: Sequence[str] = (),
        check: bool = True) -> RunResult:
    """Ask every row against one KB version (the active one unless `index` is given).

    With `check`, rows expecting ids the version does not have raise EvalSetError first.
    """
    index = index or retriever.index()
    if check:
        check_ids(rows, index.position, kb=index.version,
                  removed=removed_notes(index.manifest.info))
    try:  # first query pays one-off costs (tokenizer, caches) that are not per-query latency
        retriever.ask(WARM_UP, index=index)
    except QueryError:
        pass
    out = []
    total = len(rows)
    share_ms = 0.0  # each row's share of its block's batched embedding
    for n, row in enumerate(rows, 1):
        if (n - 1) % EMBED_BLOCK == 0:
            t0 = time.perf_counter()
            block = rows[n - 1 : n - 1 + EMBED_BLOCK]
            retriever.prefill(index, [r.question for r in block])
            share_ms = (time.perf_counter() - t0) * 1000 / len(block)
        t0 = time.perf_counter()
        try:
            a = retriever.ask(row.question, context=row.context, index=index)
            ms = (time.perf_counter() - t0) * 1000 + share_ms
            ev: dict[str, float] = {}
            top_doc = ""
            if a.terms is not None and a.scored and not row.context:
                ev = evidence(index, a.terms, a.scored)
                top_doc = index.entries[a.scored[0].entry].document.name
            res = RowResult(row, a.abstained,
                            tuple((m.entry.id, m.score) for m in a.results),
                            tuple((m.entry.id, m.score) for m in a.suggestions),
                            ms, profile=profile(index, a, retriever, row.expected, row.context),
                            reason=a.reason, evidence=ev, top_document=top_doc)
        except QueryError as e:  # unusable input counts as an abstention, as the chat shows it
            res = RowResult(row, True, (), (), (time.perf_counter() - t0) * 1000, str(e),
                            profile=ThresholdProfile(row.expected, None, 0.0, forced=True))
        out.append(res)
        if progress:
            progress(n, total)
    wanted = {i for r in out for i in (*r.row.expected, *(x for x, _ in r.results),
                                         *(x for x, _ in r.suggestions))}
    entries = {}
    for eid in sorted(wanted):
        pos = index.position.get(eid)
        if pos is None:
            continue
        ent = index.entries[pos]
        entries[eid] = {"question": ent.question, "answer": ent.answer,
                        "document": ent.document.name, "disclaimer": ent.document.disclaimer}
    disclaimers = {d.name: d.disclaimer for d in index.manifest.documents.values()}
    model = retriever.calibration.abstention
    threshold = (retriever.calibration.decision.min_score if model is None
                 else model.min_probability)
    return RunResult(index.version, out, disclaimers, entries, threshold, tuple(sets),
                     datetime.now(UTC).isoformat(timespec="seconds"))
