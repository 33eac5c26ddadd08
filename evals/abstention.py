"""Fit the abstention model on dev runs of several corpora, cross-validated across documents.

A sample is one single-question row the model decides (not a bare code, not a code no entry
covers, not a follow-up): its evidence features (retrieval/evidence.py) and whether answering with
the top entry would be right. The model is a logistic regression (L2, C=1) on standardised
features, each corpus weighted equally whatever its row count. Its quality is reported on data it
was not fitted to: leave one document out (every document of every corpus in turn) and leave one
corpus out, with the spread over folds, not only the pooled figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from retrieval.config import Abstention
from retrieval.evidence import FEATURES

C = 1.0  # L2 strength: a handful of features on a few hundred rows needs no fine tuning
STRONG = 0.9  # probability shown as "Strong match"


@dataclass(frozen=True)
class Sample:
    corpus: str
    document: str  # the top entry's document: the fold the row belongs to
    x: tuple[float, ...]
    in_scope: bool
    right_top: bool  # in scope and the top entry is an expected one

    @property
    def y(self) -> int:
        return int(self.right_top)


def samples(corpus: str, rows: Sequence[dict[str, Any]],
            features: Sequence[str] = FEATURES) -> list[Sample]:
    """Samples from a run's rows (`RunResult.to_dict()["rows"]`) the model decides."""
    out = []
    for r in rows:
        ev = r.get("evidence")
        if not ev or not r.get("model_decides", True):
            continue
        ranked = r["results"] if not r["abstained"] else r["suggestions"]
        top = ranked[0]["id"] if ranked else None
        out.append(Sample(corpus, r.get("top_document", ""),
                          tuple(float(ev.get(f, 0.0)) for f in features),
                          bool(r["expected"]), top in r["expected"]))
    return out


def _weights(ss: Sequence[Sample]) -> np.ndarray:
    """Each corpus weighs the same in the fit, whatever its row count."""
    counts: dict[str, int] = {}
    for s in ss:
        counts[s.corpus] = counts.get(s.corpus, 0) + 1
    w = np.array([len(ss) / (len(counts) * counts[s.corpus]) for s in ss])
    return w


def fit(ss: Sequence[Sample], c: float = C, features: Sequence[str] = FEATURES) -> Abstention:
    """The model fitted on `ss` (their x in `features`' order), its threshold chosen on its own
    predictions (see `threshold`)."""
    x = np.array([s.x for s in ss], dtype=float)
    y = np.array([s.y for s in ss])
    if len(set(y.tolist())) < 2:
        raise ValueError("need rows answered right and rows not: cannot fit on one class")
    center = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    lr = LogisticRegression(C=c, max_iter=1000)
    lr.fit((x - center) / scale, y, sample_weight=_weights(ss))
    model = Abstention(tuple(features), tuple(center.round(6).tolist()),
                       tuple(scale.round(6).tolist()), tuple(lr.coef_[0].round(6).tolist()),
                       round(float(lr.intercept_[0]), 6), 0.5, STRONG)
    p = predict(model, ss)
    return Abstention(model.features, model.center, model.scale, model.coef, model.intercept,
                      threshold(ss, p), STRONG)


def predict(model: Abstention, ss: Sequence[Sample]) -> np.ndarray:
    return np.array([model.probability(dict(zip(model.features, s.x, strict=True)))
                     for s in ss])


def rates(ss: Sequence[Sample], p: np.ndarray, t: float) -> dict[str, float]:
    """In scope answered right, out of scope abstained, abstained while right first (model rows)."""
    answer = p >= t
    ins = np.array([s.in_scope for s in ss])
    right = np.array([s.right_top for s in ss])
    n_in, n_out = int(ins.sum()), int((~ins).sum())
    return {
        "in_scope_accuracy": float((answer & right).sum() / n_in) if n_in else math.nan,
        "out_of_scope_abstention": float((~answer & ~ins).sum() / n_out) if n_out else math.nan,
        "abstained_right_first": float((~answer & right).sum() / n_in) if n_in else math.nan,
        "n_in_scope": n_in, "n_out_of_scope": n_out,
    }


def separation(ss: Sequence[Sample], p: np.ndarray) -> float:
    """How well `p` ranks right answers above out-of-scope questions, whatever the cut: the
    chance that a row whose top entry is right gets a higher probability than an out-of-scope
    row (ROC AUC; in-scope rows with a wrong top entry left out). NaN without both kinds.

    The rates at the cut move a fold by several rows when the cut shifts; this does not, so it
    tells a feature that separates better from a fit that only moves the cut.
    """
    keep = np.array([s.right_top or not s.in_scope for s in ss], dtype=bool)
    y = np.array([s.right_top for s in ss], dtype=bool)[keep]
    if y.all() or not y.any():
        return math.nan
    return float(roc_auc_score(y, np.asarray(p)[keep]))


def threshold(ss: Sequence[Sample], p: np.ndarray) -> float:
    """The probability cut with the best balanced accuracy (mean of in-scope answered right and
    out-of-scope abstained; each corpus weighed equally), the middle of its best interval."""
    cuts = np.unique(np.round(p, 4))
    if len(cuts) < 2:
        return 0.5
    w = _weights(ss)
    ins = np.array([s.in_scope for s in ss])
    right = np.array([s.right_top for s in ss])

    def balanced(t: float) -> float:
        answer = p >= t
        a = (w * (answer & right))[ins].sum() / w[ins].sum() if ins.any() else 0.0
        b = (w * ~answer)[~ins].sum() / w[~ins].sum() if (~ins).any() else 0.0
        return float(a + b) / 2

    scores = np.array([balanced(t) for t in cuts])
    best = np.flatnonzero(scores >= scores.max() - 1e-12)
    lo = cuts[best[0] - 1] if best[0] > 0 else cuts[0] - 0.02
    hi = cuts[best[-1]]
    return round(float((lo + hi) / 2), 3)


def cross_validate(ss: Sequence[Sample], by: str, c: float = C,
                   features: Sequence[str] = FEATURES) -> list[dict[str, Any]]:
    """Leave one group out (`by` = "document" or "corpus"): each fold fitted without its group
    (threshold included) and scored on it. Groups the rest cannot be fitted without are skipped."""
    groups = sorted({getattr(s, by) for s in ss})
    out = []
    for g in groups:
        test = [s for s in ss if getattr(s, by) == g]
        train = [s for s in ss if getattr(s, by) != g]
        try:
            model = fit(train, c, features)
        except ValueError:
            continue
        p = predict(model, test)
        out.append({"held_out": g, "rows": len(test), **rates(test, p, model.min_probability),
                    "separation": separation(test, p)})
    return out


def spread(folds: Sequence[dict[str, Any]], key: str) -> dict[str, float]:
    """Min, median and max of one rate over the folds where it is defined."""
    vals = sorted(f[key] for f in folds if not math.isnan(f[key]))
    if not vals:
        return {"min": math.nan, "median": math.nan, "max": math.nan}
    return {"min": vals[0], "median": float(np.median(vals)), "max": vals[-1]}
