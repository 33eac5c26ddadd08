"""The abstention model's fit, threshold and cross-validation on hand-made samples."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from evals import abstention as ab
from evals.calibrate import abstention_table, fold_lines, write_abstention
from evals.sets import EvalSetError
from retrieval.config import Abstention, calibration_path, load_calibration
from retrieval.errors import SettingsError
from retrieval.evidence import FEATURES


def _sample(corpus: str, doc: str, good: bool, rng: np.random.Generator,
            in_scope: bool | None = None) -> ab.Sample:
    # right answers score higher and lead by more; the rest overlap a little
    base = 0.7 if good else 0.45
    x = [base + rng.normal(0, 0.06) for _ in FEATURES]
    return ab.Sample(corpus, doc, tuple(x), good if in_scope is None else in_scope, good)


def _pool(seed: int = 0) -> list[ab.Sample]:
    rng = np.random.default_rng(seed)
    out = []
    for corpus, docs in (("a", ["a1"]), ("b", ["b1", "b2", "b3"])):
        for doc in docs:
            out += [_sample(corpus, doc, True, rng) for _ in range(30)]
            out += [_sample(corpus, doc, False, rng) for _ in range(20)]
    return out


def test_samples_keep_only_rows_the_model_decides() -> None:
    ev = dict.fromkeys(FEATURES, 0.5)
    rows = [
        {"expected": ["d:1"], "abstained": False, "results": [{"id": "d:1"}],
         "suggestions": [], "evidence": ev, "top_document": "d", "model_decides": True},
        {"expected": ["d:1"], "abstained": True, "results": [],
         "suggestions": [{"id": "d:2"}], "evidence": ev, "top_document": "d",
         "model_decides": True},
        {"expected": [], "abstained": True, "results": [], "suggestions": [{"id": "d:1"}],
         "evidence": ev, "top_document": "d", "model_decides": False},  # a code none covers
        {"expected": [], "abstained": True, "results": [], "suggestions": []},  # a follow-up
    ]
    got = ab.samples("c", rows)
    assert [(s.in_scope, s.right_top) for s in got] == [(True, True), (True, False)]
    assert got[0].x == tuple(0.5 for _ in FEATURES) and got[0].document == "d"


def test_fit_separates_right_answers_and_picks_a_cut_between_them() -> None:
    pool = _pool()
    model = ab.fit(pool)
    assert all(w > 0 for w in model.coef)  # more evidence, more likely right
    p = ab.predict(model, pool)
    r = ab.rates(pool, p, model.min_probability)
    assert r["in_scope_accuracy"] >= 0.95 and r["out_of_scope_abstention"] >= 0.95
    assert 0.0 < model.min_probability < 1.0


def test_one_class_cannot_be_fitted() -> None:
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match="one class"):
        ab.fit([_sample("a", "a1", True, rng) for _ in range(5)])


def test_each_corpus_weighs_the_same() -> None:
    rng = np.random.default_rng(2)
    ss = [_sample("big", "x", True, rng) for _ in range(90)] + [
        _sample("small", "y", True, rng) for _ in range(10)]
    w = ab._weights(ss)
    assert w[:90].sum() == pytest.approx(w[90:].sum())


def test_rates_on_hand_made_predictions() -> None:
    rng = np.random.default_rng(3)
    ss = [_sample("a", "d", True, rng), _sample("a", "d", True, rng),
          _sample("a", "d", False, rng, in_scope=True),  # in scope, wrong entry on top
          _sample("a", "d", False, rng), _sample("a", "d", False, rng)]
    p = np.array([0.9, 0.4, 0.8, 0.2, 0.7])
    r = ab.rates(ss, p, 0.5)
    assert r["in_scope_accuracy"] == pytest.approx(1 / 3)  # only the first is answered right
    assert r["abstained_right_first"] == pytest.approx(1 / 3)  # the second
    assert r["out_of_scope_abstention"] == pytest.approx(1 / 2)
    assert r["n_in_scope"] == 3 and r["n_out_of_scope"] == 2


def test_cross_validation_holds_out_each_group_once() -> None:
    pool = _pool()
    docs = ab.cross_validate(pool, "document")
    assert [f["held_out"] for f in docs] == ["a1", "b1", "b2", "b3"]
    assert all(f["rows"] == 50 for f in docs)
    corpora = ab.cross_validate(pool, "corpus")
    assert [f["held_out"] for f in corpora] == ["a", "b"]
    sp = ab.spread(docs, "in_scope_accuracy")
    assert sp["min"] <= sp["median"] <= sp["max"] <= 1.0
    assert math.isnan(ab.spread([], "in_scope_accuracy")["min"])


def test_separation_ranks_right_answers_against_out_of_scope_rows_only() -> None:
    rng = np.random.default_rng(4)
    right = [_sample("a", "d", True, rng) for _ in range(3)]
    oos = [_sample("a", "d", False, rng) for _ in range(2)]
    wrong = [_sample("a", "d", False, rng, in_scope=True)]  # in scope, another entry on top
    ss = right + oos + wrong
    assert ab.separation(ss, np.array([0.9, 0.8, 0.7, 0.2, 0.1, 0.95])) == pytest.approx(1.0)
    assert ab.separation(ss, np.array([0.1, 0.2, 0.3, 0.8, 0.9, 0.0])) == pytest.approx(0.0)
    # one out-of-scope row above one right answer: 5 of the 6 pairs in order
    assert ab.separation(ss, np.array([0.9, 0.8, 0.3, 0.5, 0.1, 0.0])) == pytest.approx(5 / 6)
    assert math.isnan(ab.separation(right, np.array([0.9, 0.8, 0.7])))  # no out-of-scope row


def test_folds_report_separation_beside_the_rates_at_the_cut() -> None:
    folds = ab.cross_validate(_pool(), "corpus")
    assert all(0.9 <= f["separation"] <= 1.0 for f in folds)  # the samples separate well
    lines = fold_lines("leave one corpus out", folds)
    assert "separation (AUC)" in lines[0]
    assert lines[1].strip().startswith("a ") and lines[1].endswith(f"{folds[0]['separation']:.3f}")


def test_probability_is_a_logistic_of_standardised_features() -> None:
    m = Abstention(("a", "b"), (1.0, 0.0), (2.0, 1.0), (1.0, -1.0), 0.5, 0.5)
    z = 0.5 + 1.0 * (3.0 - 1.0) / 2.0 - 1.0 * 0.25
    assert m.probability({"a": 3.0, "b": 0.25}) == pytest.approx(1 / (1 + math.exp(-z)))
    assert m.probability({"a": 1e9, "b": 0.0}) == pytest.approx(1.0)  # no overflow
    with pytest.raises(ValueError, match="length"):
        Abstention(("a",), (0.0, 1.0), (1.0,), (1.0,), 0.0, 0.5)


def test_the_model_is_written_in_place_and_read_back(tmp_path: Path) -> None:
    cal = tmp_path / "calibration.toml"
    cal.write_text(calibration_path().read_text(encoding="utf-8"), encoding="utf-8")
    before = load_calibration(cal)
    model = ab.fit(_pool())
    table = abstention_table(model, sources=["a (50 rows)"], notes=["a note"])
    write_abstention(cal, table)
    write_abstention(cal, table)  # twice: replaced, not appended
    text = cal.read_text(encoding="utf-8")
    assert text.splitlines().count("[abstention]") == 1 and text.count("# a note") == 1
    assert "# dense_weight" not in text and "dense_weight = 0.7" in text  # the rest kept as is
    after = load_calibration(cal)
    assert after.abstention is not None and after.abstention.coef == model.coef
    assert after.fusion == before.fusion and after.conversation == before.conversation
    bad = abstention_table(model, sources=["a"], notes=[])
    bad["coef"] = [1.0]  # fewer coefficients than features: the app could not use it
    with pytest.raises(EvalSetError, match="unchanged"):
        write_abstention(cal, bad)
    assert cal.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["calibration.toml"]  # no temporary left


def test_the_overlay_is_created_and_its_model_replaces_the_shipped_one(tmp_path: Path) -> None:
    overlay = tmp_path / "data" / "calibration.toml"
    overlay.parent.mkdir()
    model = ab.fit(_pool())
    write_abstention(overlay, abstention_table(model, sources=["a (50 rows)"], notes=[]))
    raw = tomllib.loads(overlay.read_text(encoding="utf-8"))
    assert set(raw) == {"abstention"}  # only the model: every other value stays the release's
    got = load_calibration(overlay=overlay)
    shipped = load_calibration()
    assert got.abstention is not None and got.abstention.features == tuple(FEATURES)
    assert got.abstention.coef == model.coef and got.fusion == shipped.fusion
    overlay.write_text("[abstention]\nfeatures = [\"score\"]\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"calibration.toml: \[abstention\] is not a usable"):
        load_calibration(overlay=overlay)
    overlay.write_text("[abstention\n", encoding="utf-8")
    with pytest.raises(EvalSetError, match="not valid TOML"):
        write_abstention(overlay, abstention_table(model, sources=["a"], notes=[]))
