"""Pure metric functions over per-row outcomes; rates are numbers in [0, 1] (NaN when undefined).

A row is *in scope* when it expects at least one entry (the right answer is its top result) and
*out of scope* when it expects none (the right behaviour is to abstain).
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

ABSTAIN = "(abstained)"
OUT_OF_SCOPE = "(out of scope)"


@dataclass(frozen=True)
class Outcome:
    """What came back for one eval row."""

    expected: tuple[str, ...]
    abstained: bool
    returned: tuple[str, ...]  # ranked entry ids (results, else suggestions)

    @property
    def in_scope(self) -> bool:
        return bool(self.expected)


def _ratio(num: float, den: int) -> float:
    return num / den if den else float("nan")


def answered_right(o: Outcome) -> bool:
    """In scope, not abstained, and the top result is one of the expected entries."""
    return o.in_scope and not o.abstained and bool(o.returned) and o.returned[0] in o.expected


def correct(o: Outcome) -> bool:
    """Right for its kind of row: answered right in scope, abstained out of scope."""
    return answered_right(o) if o.in_scope else o.abstained


def in_scope_accuracy(outs: Sequence[Outcome]) -> float:
    ins = [o for o in outs if o.in_scope]
    return _ratio(sum(answered_right(o) for o in ins), len(ins))


def out_of_scope_abstention(outs: Sequence[Outcome]) -> float:
    oos = [o for o in outs if not o.in_scope]
    return _ratio(sum(o.abstained for o in oos), len(oos))


def false_abstention(outs: Sequence[Outcome]) -> float:
    ins = [o for o in outs if o.in_scope]
    return _ratio(sum(o.abstained for o in ins), len(ins))


def abstained_right_first(outs: Sequence[Outcome]) -> float:
    """In-scope rows abstained on although the right entry ranked first (as the top suggestion).

    The loss a better decision could recover: the ranking had the answer, the decision withheld it.
    """
    ins = [o for o in outs if o.in_scope]
    return _ratio(sum(o.abstained and bool(o.returned) and o.returned[0] in o.expected
                      for o in ins), len(ins))


def hit_at(outs: Sequence[Outcome], k: int) -> float:
    """In-scope rows with an expected entry among the first k returned (abstained or not)."""
    ins = [o for o in outs if o.in_scope]
    return _ratio(sum(any(r in o.expected for r in o.returned[:k]) for o in ins), len(ins))


def mrr(outs: Sequence[Outcome], k: int = 5) -> float:
    """Mean reciprocal rank of the first expected entry within the first k (0 when absent)."""
    ins = [o for o in outs if o.in_scope]
    total = 0.0
    for o in ins:
        for rank, r in enumerate(o.returned[:k], 1):
            if r in o.expected:
                total += 1 / rank
                break
    return _ratio(total, len(ins))


def accuracy(outs: Sequence[Outcome]) -> float:
    return _ratio(sum(correct(o) for o in outs), len(outs))


def coverage(outs: Sequence[Outcome]) -> float:
    """Share of rows answered (not abstained)."""
    return _ratio(sum(not o.abstained for o in outs), len(outs))


def risk(outs: Sequence[Outcome]) -> float:
    """Share of answered rows whose answer is wrong (wrong entry, or answered out of scope)."""
    answered = [o for o in outs if not o.abstained]
    return _ratio(sum(not correct(o) for o in answered), len(answered))


# --- uncertainty ---------------------------------------------------------------------------------
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 12  # fixed, so the same rows always give the same interval


def bootstrap_ci(hits: Sequence[bool], *, resamples: int = BOOTSTRAP_RESAMPLES,
                 seed: int = BOOTSTRAP_SEED, level: float = 0.95) -> tuple[float, float]:
    """Percentile-bootstrap interval of the share of True among `hits` (NaNs without rows).

    Resampling n yes/no rows with replacement and counting the yeses is a draw from
    Binomial(n, observed share), so the resamples are drawn that way: the same distribution as
    resampling row by row, in constant time for any n.
    """
    n = len(hits)
    if not n:
        return (float("nan"), float("nan"))
    share = sum(bool(h) for h in hits) / n
    rng = np.random.default_rng(seed)
    means = rng.binomial(n, share, size=resamples) / n
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(means, [tail, 100 - tail])
    return (round(float(lo), 4), round(float(hi), 4))


def intervals(outs: Sequence[Outcome]) -> dict[str, tuple[float, float]]:
    """95% bootstrap intervals of the headline rates, each over the rows it is a share of."""
    ins = [o for o in outs if o.in_scope]
    oos = [o for o in outs if not o.in_scope]
    return {
        "accuracy_ci": bootstrap_ci([correct(o) for o in outs]),
        "in_scope_accuracy_ci": bootstrap_ci([answered_right(o) for o in ins]),
        "out_of_scope_abstention_ci": bootstrap_ci([o.abstained for o in oos]),
        "false_abstention_ci": bootstrap_ci([o.abstained for o in ins]),
        "abstained_right_first_ci": bootstrap_ci(
            [o.abstained and bool(o.returned) and o.returned[0] in o.expected for o in ins]),
    }


def summary(outs: Sequence[Outcome]) -> dict[str, Any]:
    n_in = sum(o.in_scope for o in outs)
    return {
        "rows": len(outs),
        "in_scope_rows": n_in,
        "out_of_scope_rows": len(outs) - n_in,
        "n_in_scope": n_in,
        "n_out_of_scope": len(outs) - n_in,
        "in_scope_accuracy": in_scope_accuracy(outs),
        "out_of_scope_abstention": out_of_scope_abstention(outs),
        "false_abstention": false_abstention(outs),
        "abstained_right_first": abstained_right_first(outs),
        "accuracy": accuracy(outs),
        **intervals(outs),
        "hit@1": hit_at(outs, 1),
        "hit@3": hit_at(outs, 3),
        "hit@5": hit_at(outs, 5),
        "mrr@5": mrr(outs, 5),
        "coverage": coverage(outs),
        "risk": risk(outs),
    }


def rows_behind(metrics: dict[str, Any], key: str) -> int | None:
    """How many rows a summary rate is a share of: out of scope, all, or in scope."""
    if key == "out_of_scope_abstention":
        return metrics.get("out_of_scope_rows")
    if key in ("accuracy", "coverage"):
        return metrics.get("rows")
    if key == "risk":  # a share of the answered rows
        return None
    return metrics.get("in_scope_rows")


# --- where it goes wrong ----------------------------------------------------------------------
def got_label(o: Outcome) -> str:
    """What a row's answer amounts to: the top entry id, or ABSTAIN."""
    return ABSTAIN if o.abstained or not o.returned else o.returned[0]


def confusion(outs: Iterable[Outcome]) -> dict[str, dict[str, int]]:
    """expected entry → {what came back: rows}; out-of-scope rows count under OUT_OF_SCOPE.

    A row expecting several entries counts under each of them; what came back is its top
    entry id or ABSTAIN. Right answers are included, so each entry's counts add up to its rows.
    """
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outs:
        got = got_label(o)
        for e in o.expected or (OUT_OF_SCOPE,):
            table[e][got] += 1
    return {e: dict(sorted(c.items())) for e, c in sorted(table.items())}


def per_entry(outs: Iterable[Outcome]) -> dict[str, dict[str, int]]:
    """expected entry → counts of rows `right`, `wrong` (another entry) and `abstained`.

    Out-of-scope rows count under OUT_OF_SCOPE: `right` = abstained, `wrong` = answered.
    A row expecting several entries counts under each.
    """
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outs:
        if not o.in_scope:
            table[OUT_OF_SCOPE]["right" if o.abstained else "wrong"] += 1
            continue
        kind = "right" if answered_right(o) else "abstained" if o.abstained else "wrong"
        for e in o.expected:
            table[e][kind] += 1
    return {e: {k: c[k] for k in ("right", "wrong", "abstained")}
            for e, c in sorted(table.items())}


def mistakes(outs: Iterable[Outcome]) -> list[tuple[str, str, int]]:
    """(expected, got, rows) for every wrong pairing, most frequent first."""
    pairs: Counter[tuple[str, str]] = Counter()
    for o in outs:
        if correct(o):
            continue
        for e in o.expected or (OUT_OF_SCOPE,):
            pairs[(e, got_label(o))] += 1
    return [(e, g, n) for (e, g), n in sorted(pairs.items(), key=lambda x: (-x[1], x[0]))]


# --- the abstention threshold ------------------------------------------------------------------
@dataclass(frozen=True)
class ThresholdProfile:
    """How one row is decided at any abstention threshold, from a single run.

    `forced` is True when the row abstains at every threshold (e.g. it names a code no entry
    covers), False when it is answered at every threshold (a bare code), and None when it is
    answered exactly when `score >= threshold` — then `top` is the entry returned.
    """

    expected: tuple[str, ...]
    top: str | None
    score: float
    forced: bool | None = None

    def abstains_at(self, threshold: float) -> bool:
        if self.forced is not None:
            return self.forced
        return self.top is None or self.score < threshold

    def outcome_at(self, threshold: float) -> Outcome:
        return Outcome(self.expected, self.abstains_at(threshold),
                       (self.top,) if self.top else ())


def candidate_thresholds(profiles: Iterable[ThresholdProfile], *,
                         max_points: int = 200) -> list[float]:
    """Thresholds where decisions change: the rows' top scores (at most `max_points`, evenly
    spread over them), plus one below and one above every score."""
    scores = sorted({p.score for p in profiles if p.forced is None and p.top is not None})
    if not scores:
        return [0.0]
    if len(scores) > max_points:
        step = (len(scores) - 1) / (max_points - 1)
        scores = sorted({scores[round(i * step)] for i in range(max_points)})
    return [round(scores[0] - 0.01, 4), *scores, round(scores[-1] + 0.01, 4)]


def sweep(profiles: Sequence[ThresholdProfile],
          thresholds: Iterable[float] | None = None) -> list[dict[str, float]]:
    """Top-1 metrics at each threshold: the risk–coverage curve and the abstention trade-off.

    A row whose top score equals the threshold is answered (decide() abstains below it).
    Vectorised, so a 100k-row run sweeps in well under a second.
    """
    ts = candidate_thresholds(profiles) if thresholds is None else list(thresholds)
    n = len(profiles)
    ins = np.array([bool(p.expected) for p in profiles], dtype=bool)
    right_top = np.array([bool(p.top) and p.top in p.expected for p in profiles], dtype=bool)
    forced = np.array([-1 if p.forced is None else int(p.forced) for p in profiles])
    score = np.array([p.score if p.top is not None else -np.inf for p in profiles], dtype=float)
    n_in, n_out = int(ins.sum()), int(n - ins.sum())
    points = []
    for t in ts:
        abst = (forced == 1) | ((forced == -1) & (score < t))
        answered = ~abst
        ok = np.where(ins, answered & right_top, abst)
        n_ans = int(answered.sum())
        points.append({
            "threshold": t,
            "coverage": _ratio(n_ans, n),
            "risk": _ratio(int((answered & ~ok).sum()), n_ans),
            "accuracy": _ratio(int(ok.sum()), n),
            "in_scope_accuracy": _ratio(int((ok & ins).sum()), n_in),
            "false_abstention": _ratio(int((abst & ins).sum()), n_in),
            "out_of_scope_abstention": _ratio(int((abst & ~ins).sum()), n_out),
        })
    return points


def choose_threshold(profiles: Sequence[ThresholdProfile], target_false_abstention: float,
                     *, decimals: int = 3) -> float:
    """The highest threshold whose false-abstention rate stays within the target.

    Abstaining more never helps in-scope rows, so among the thresholds that keep false
    abstention within the target the highest abstains most out of scope. Of the interval of
    thresholds giving those same decisions it returns the middle (rounded), so a small change in
    scores does not flip a row. Raises ValueError without in-scope rows to calibrate on.
    """
    ins = [p for p in profiles if p.expected]
    if not ins:
        raise ValueError("the tuning set has no in-scope rows; false abstention is undefined")
    free = sorted({p.score for p in profiles if p.forced is None and p.top is not None})
    if not free:
        raise ValueError("no row's decision depends on the threshold")
    always = sum(1 for p in ins if p.forced is True or (p.forced is None and p.top is None))
    in_scores = sorted(p.score for p in ins if p.forced is None and p.top is not None)
    best_idx = -1  # index into `free` of the highest threshold within the target
    for i, t in enumerate(free):
        fa = (always + bisect.bisect_left(in_scores, t)) / len(ins)  # rows scoring below t
        if fa <= target_false_abstention + 1e-12:
            best_idx = i
    if best_idx < 0:  # even answering everything misses the target: answer everything
        return round(free[0] - 0.01, decimals)
    hi = free[best_idx]
    lo = free[best_idx - 1] if best_idx > 0 else hi - 0.02
    mid = round((lo + hi) / 2, decimals)
    if not (lo < mid <= hi):  # rounding collapsed the gap: keep the exact edge
        mid = hi
    return mid


# --- latency -----------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in [0, 100]); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[k - 1]


def latency(values: Sequence[float]) -> dict[str, float | None]:
    """Median and p95 in milliseconds, rounded; None without values."""
    if not values:
        return {"median": None, "p95": None}
    return {"median": round(statistics.median(values), 2),
            "p95": round(percentile(values, 95), 2)}


def finite(x: Any) -> Any:
    """JSON has no NaN/Infinity: undefined rates become null."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [finite(v) for v in x]
    return x
