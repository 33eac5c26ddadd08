"""Metric functions on hand-made outcomes: every number here is worked out by hand."""

from __future__ import annotations

import math

import pytest

from evals.metrics import (
    ABSTAIN,
    OUT_OF_SCOPE,
    Outcome,
    ThresholdProfile,
    accuracy,
    answered_right,
    choose_threshold,
    confusion,
    correct,
    coverage,
    false_abstention,
    hit_at,
    in_scope_accuracy,
    latency,
    mistakes,
    mrr,
    out_of_scope_abstention,
    per_entry,
    percentile,
    risk,
    summary,
    sweep,
)

A, B, C = "doc:1", "doc:2", "doc:3"

# four in-scope rows, two out of scope
MIXED = [
    Outcome((A,), False, (A, B)),  # right
    Outcome((B,), False, (A, B, C)),  # wrong entry on top, B at rank 2
    Outcome((C,), True, (B, C)),  # abstained (false abstention), C suggested at rank 2
    Outcome((A, B), False, (B,)),  # either entry is right
    Outcome((), True, (A,)),  # out of scope, abstained: right
    Outcome((), False, (C,)),  # out of scope, answered: wrong
]


def test_row_verdicts() -> None:
    assert [answered_right(o) for o in MIXED] == [True, False, False, True, False, False]
    assert [correct(o) for o in MIXED] == [True, False, False, True, True, False]


def test_rates_on_a_mixed_set() -> None:
    assert in_scope_accuracy(MIXED) == pytest.approx(2 / 4)
    assert false_abstention(MIXED) == pytest.approx(1 / 4)
    assert out_of_scope_abstention(MIXED) == pytest.approx(1 / 2)
    assert accuracy(MIXED) == pytest.approx(3 / 6)
    assert hit_at(MIXED, 1) == pytest.approx(2 / 4)
    assert hit_at(MIXED, 2) == pytest.approx(4 / 4)
    assert mrr(MIXED, 5) == pytest.approx((1 + 1 / 2 + 1 / 2 + 1) / 4)
    assert coverage(MIXED) == pytest.approx(4 / 6)
    assert risk(MIXED) == pytest.approx(2 / 4)  # answered 4: B-row and OOS-answered are wrong


def test_ties_only_the_first_ranked_counts() -> None:
    # two entries tie for the top; the ranker broke the tie by id and B came second
    tie = [Outcome((B,), False, (A, B))]
    assert in_scope_accuracy(tie) == 0.0
    assert hit_at(tie, 1) == 0.0 and hit_at(tie, 3) == 1.0
    assert mrr(tie) == 0.5


def test_mrr_ignores_ranks_beyond_k() -> None:
    deep = [Outcome((C,), False, (A, B, "d4", "d5", "d6", C))]
    assert mrr(deep, 5) == 0.0
    assert hit_at(deep, 5) == 0.0 and hit_at(deep, 6) == 1.0


def test_all_abstain() -> None:
    outs = [Outcome((A,), True, (A,)), Outcome((B,), True, ()), Outcome((), True, ())]
    assert in_scope_accuracy(outs) == 0.0
    assert false_abstention(outs) == 1.0
    assert out_of_scope_abstention(outs) == 1.0
    assert accuracy(outs) == pytest.approx(1 / 3)
    assert coverage(outs) == 0.0
    assert math.isnan(risk(outs))  # no answers: risk is undefined, not 0
    assert hit_at(outs, 1) == pytest.approx(1 / 2)  # suggestions still count for hit@k


def test_no_out_of_scope_rows() -> None:
    outs = [Outcome((A,), False, (A,)), Outcome((B,), False, (A,))]
    assert math.isnan(out_of_scope_abstention(outs))
    s = summary(outs)
    assert s["out_of_scope_rows"] == 0 and s["in_scope_rows"] == 2
    assert s["accuracy"] == 0.5 and math.isnan(s["out_of_scope_abstention"])


def test_empty_input_is_undefined_not_zero() -> None:
    assert math.isnan(accuracy([])) and math.isnan(in_scope_accuracy([]))


def test_confusion_and_per_entry() -> None:
    table = confusion(MIXED)
    assert table[A] == {A: 1, B: 1}  # row 1 right; row 4 (A or B) answered with B
    assert table[B] == {A: 1, B: 1}
    assert table[C] == {ABSTAIN: 1}
    assert table[OUT_OF_SCOPE] == {ABSTAIN: 1, C: 1}
    pe = per_entry(MIXED)
    assert pe[A] == {"right": 2, "wrong": 0, "abstained": 0}
    assert pe[B] == {"right": 1, "wrong": 1, "abstained": 0}
    assert pe[C] == {"right": 0, "wrong": 0, "abstained": 1}
    assert pe[OUT_OF_SCOPE] == {"right": 1, "wrong": 1, "abstained": 0}
    # most frequent first, then by name
    assert mistakes(MIXED) == [(OUT_OF_SCOPE, C, 1), (B, A, 1), (C, ABSTAIN, 1)]


def _p(expected: tuple[str, ...], top: str | None, score: float,
       forced: bool | None = None) -> ThresholdProfile:
    return ThresholdProfile(expected, top, score, forced)


PROFILES = [
    _p((A,), A, 0.80),
    _p((B,), B, 0.50),
    _p((C,), A, 0.45),  # wrong entry on top
    _p((), A, 0.60),  # out of scope, scores high
    _p((), B, 0.30),
    _p((A,), None, 0.0, forced=True),  # names a code nobody covers: always abstains
    _p((B,), B, 0.20, forced=False),  # a bare code: always answered
]


def test_profile_decisions() -> None:
    p = PROFILES[1]
    assert not p.abstains_at(0.5)  # equal to the threshold: answered, as decide() does
    assert p.abstains_at(0.5001)
    assert PROFILES[5].abstains_at(-1.0) and not PROFILES[6].abstains_at(0.99)


def test_sweep_by_hand() -> None:
    by_t = {p["threshold"]: p for p in sweep(PROFILES, [0.0, 0.46, 0.55, 0.9])}
    # t=0: all but the forced abstention answered; right: A, B, forced-B (3 of 5 in scope)
    assert by_t[0.0]["coverage"] == pytest.approx(6 / 7)
    assert by_t[0.0]["false_abstention"] == pytest.approx(1 / 5)
    assert by_t[0.0]["out_of_scope_abstention"] == 0.0
    assert by_t[0.0]["risk"] == pytest.approx(3 / 6)  # C-row, and both OOS rows answered
    # t=0.46: C-row (0.45) and OOS-B (0.30) abstain
    assert by_t[0.46]["false_abstention"] == pytest.approx(2 / 5)
    assert by_t[0.46]["out_of_scope_abstention"] == pytest.approx(1 / 2)
    assert by_t[0.46]["in_scope_accuracy"] == pytest.approx(3 / 5)
    # t=0.55: B-row abstains too
    assert by_t[0.55]["false_abstention"] == pytest.approx(3 / 5)
    # t=0.9: only the forced answer is left
    assert by_t[0.9]["coverage"] == pytest.approx(1 / 7)
    assert by_t[0.9]["risk"] == 0.0
    assert by_t[0.9]["out_of_scope_abstention"] == 1.0


def test_sweep_ties_move_together() -> None:
    tied = [_p((A,), A, 0.5), _p((), B, 0.5), _p((B,), B, 0.7)]
    at = {p["threshold"]: p for p in sweep(tied, [0.5, 0.5000001])}
    assert at[0.5]["coverage"] == 1.0  # both tied rows answered at exactly 0.5
    assert at[0.5000001]["coverage"] == pytest.approx(1 / 3)  # and both abstain just above


def test_default_sweep_spans_answer_all_to_abstain_all() -> None:
    pts = sweep(PROFILES)
    assert pts[0]["coverage"] == pytest.approx(6 / 7)
    assert pts[-1]["coverage"] == pytest.approx(1 / 7)
    assert [p["threshold"] for p in pts] == sorted(p["threshold"] for p in pts)


def test_choose_threshold_meets_the_target_and_sits_mid_gap() -> None:
    # free in-scope scores: 0.80, 0.50, 0.45; forced abstention makes FA at least 1/5
    t = choose_threshold(PROFILES, 0.2)  # only the forced row may abstain
    assert 0.30 < t <= 0.45  # keeps the 0.45 row answered, the midpoint of (0.30, 0.45]
    assert t == pytest.approx(0.375)
    t2 = choose_threshold(PROFILES, 0.4)  # one more in-scope abstention allowed
    assert 0.45 < t2 <= 0.50
    assert sweep(PROFILES, [t2])[0]["false_abstention"] == pytest.approx(2 / 5)


def test_choose_threshold_unreachable_target_answers_everything() -> None:
    t = choose_threshold(PROFILES, 0.0)  # forced abstention already exceeds 0
    assert t < 0.30 and sweep(PROFILES, [t])[0]["coverage"] == pytest.approx(6 / 7)


def test_choose_threshold_needs_in_scope_rows() -> None:
    with pytest.raises(ValueError, match="no in-scope rows"):
        choose_threshold([_p((), A, 0.6)], 0.05)


def test_latency_median_and_p95() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100 ms
    assert latency(values) == {"median": 50.5, "p95": 95.0}
    assert percentile([5.0, 5.0, 5.0], 95) == 5.0  # ties
    assert latency([]) == {"median": None, "p95": None}
    assert latency([7.0]) == {"median": 7.0, "p95": 7.0}


# -- abstained while the right entry ranked first, and bootstrap intervals ----------------------
def test_abstained_right_first_counts_only_in_scope_abstentions_with_the_answer_on_top() -> None:
    from evals.metrics import abstained_right_first

    outs = [
        Outcome((A,), True, (A, B)),  # abstained, right entry first: counts
        Outcome((B,), True, (A, B)),  # abstained, right entry second: does not
        Outcome((A,), False, (A,)),  # answered right
        Outcome((A,), True, ()),  # abstained with nothing suggested
        Outcome((), True, (A,)),  # out of scope: never counts
    ]
    assert abstained_right_first(outs) == pytest.approx(1 / 4)
    assert math.isnan(abstained_right_first([Outcome((), True, (A,))]))
    assert summary(outs)["abstained_right_first"] == pytest.approx(1 / 4)


def test_bootstrap_interval_brackets_the_share_and_is_fixed_by_the_seed() -> None:
    from evals.metrics import bootstrap_ci

    hits = [True] * 90 + [False] * 10
    lo, hi = bootstrap_ci(hits)
    assert lo < 0.9 < hi
    # binomial standard error sqrt(.9*.1/100) = 0.03: the 95% interval is about ±0.06
    assert 0.82 <= lo <= 0.86 and 0.94 <= hi <= 0.97
    assert bootstrap_ci(hits) == (lo, hi)  # same seed, same interval
    assert bootstrap_ci([True] * 20) == (1.0, 1.0)  # no variation, no width
    assert all(math.isnan(x) for x in bootstrap_ci([]))


def test_bootstrap_interval_narrows_with_more_rows() -> None:
    from evals.metrics import bootstrap_ci

    small = bootstrap_ci([True] * 9 + [False])
    large = bootstrap_ci([True] * 900 + [False] * 100)
    assert (large[1] - large[0]) < (small[1] - small[0]) / 5


def test_bootstrap_by_binomial_matches_resampling_rows() -> None:
    import numpy as np

    from evals.metrics import bootstrap_ci

    hits = np.array([1] * 37 + [0] * 13, dtype=float)
    rng = np.random.default_rng(0)
    means = hits[rng.integers(0, len(hits), size=(20_000, len(hits)))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    got = bootstrap_ci(hits.astype(bool).tolist(), resamples=20_000)
    assert got[0] == pytest.approx(lo, abs=0.021) and got[1] == pytest.approx(hi, abs=0.021)


def test_summary_reports_intervals_over_the_rows_each_rate_is_a_share_of() -> None:
    from evals.metrics import rows_behind

    m = summary(MIXED)
    assert m["n_in_scope"] == 4 and m["n_out_of_scope"] == 2
    for key in ("accuracy", "in_scope_accuracy", "out_of_scope_abstention", "false_abstention",
                "abstained_right_first"):
        lo, hi = m[f"{key}_ci"]
        assert lo <= m[key] <= hi, key
    assert rows_behind(m, "out_of_scope_abstention") == 2
    assert rows_behind(m, "in_scope_accuracy") == 4 and rows_behind(m, "accuracy") == 6
