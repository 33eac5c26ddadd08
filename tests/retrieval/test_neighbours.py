"""Per-entry neighbour levels (built with the index) and the evidence features built on them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval import neighbours
from retrieval.evidence import FEATURES, evidence
from retrieval.neighbours import nearest_other_question, read_cached, write_cached
from retrieval.rank import QueryTerms, Scored


def _unit(*rows: list[float]) -> np.ndarray:
    v = np.array(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_nearest_other_question_skips_itself_and_the_same_question_elsewhere() -> None:
    v = _unit([1, 0, 0], [0.8, 0.6, 0], [0, 1, 0], [1, 0.01, 0], [0, 0, 1])
    # entries 0..3 own rows 0..3 (entry 3 is entry 0's question again, in another document);
    # entry 4 has no question passage
    got = nearest_other_question(v, np.array([0, 1, 2, 3, -1]), same=0.92)
    assert got[0] == pytest.approx(0.8, abs=1e-3)  # entry 1, not itself nor its duplicate
    assert got[1] == pytest.approx(0.806, abs=1e-3)  # entry 3 is a hair closer than 0
    assert got[2] == pytest.approx(0.6, abs=1e-3)
    assert got[4] == 0.0


def test_a_lone_entry_and_orthogonal_ones_have_no_neighbour_level() -> None:
    assert nearest_other_question(_unit([1, 0]), np.array([0]), 0.92).tolist() == [0.0]
    v = _unit([1, 0], [-1, 0])  # opposite: clamped to 0, a negative cosine is no neighbour
    assert nearest_other_question(v, np.array([0, 1]), 0.92).tolist() == [0.0, 0.0]


def test_past_the_exact_size_a_fixed_sample_bounds_the_cost(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    rng = np.random.default_rng(0)
    v = rng.normal(size=(300, 16)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    exact = nearest_other_question(v, np.arange(300), 0.92)
    monkeypatch.setattr(neighbours, "EXACT_MAX", 100)
    monkeypatch.setattr(neighbours, "CHUNK", 64)  # several chunks too
    sampled = nearest_other_question(v, np.arange(300), 0.92)
    assert np.all(sampled <= exact + 1e-6) and sampled.mean() > 0.5 * exact.mean()
    assert np.array_equal(sampled, nearest_other_question(v, np.arange(300), 0.92))


def test_cached_levels_round_trip_and_a_bad_file_is_ignored(tmp_path: Path) -> None:
    levels = np.array([0.1, 0.5, 0.25], dtype=np.float32)
    write_cached(tmp_path, "v1", levels)
    assert np.array_equal(read_cached(tmp_path, "v1", 3), levels)  # type: ignore[arg-type]
    assert read_cached(tmp_path, "v1", 4) is None  # another version's size
    assert read_cached(tmp_path, "v2", 3) is None
    (tmp_path / "v3.neighbours.npy").write_bytes(b"not numpy")
    assert read_cached(tmp_path, "v3", 3) is None
    assert read_cached(None, "v1", 3) is None
    write_cached(None, "v1", levels)  # no cache folder: nothing to do, no error


class _Index:
    """What evidence() reads of a KBIndex."""

    def __init__(self, levels: list[float]) -> None:
        self.neighbour = np.array(levels, dtype=np.float32)
        self.idf = {"bolus": 1.0, "payment": 2.0}

    def question_similarity(self, a: int, b: int) -> float:
        return 0.1


def _scored(entry: int, score: float, **signals: float) -> Scored:
    base = {"dense": 0.6, "coverage": 0.7, "dense_rr": 1.0, "lexical_rr": 0.5}
    return Scored(entry, score, {**base, **signals})


def test_evidence_splits_the_aspect_from_the_other_adjustments() -> None:
    q = QueryTerms(["bolus", "payment"], [], frozenset())
    top = _scored(1, 0.6, code=0.08, modality=-0.25, role=0.0, aspect=-0.15)
    ev = evidence(_Index([0.3, 0.7]), q, [top, _scored(0, 0.4)])  # type: ignore[arg-type]
    assert set(FEATURES) <= set(ev)
    assert ev["adjust"] == pytest.approx(0.08 - 0.25)
    assert ev["aspect_uncovered"] == 1.0
    assert ev["neighbour"] == pytest.approx(0.7)  # the top entry's, built with the index
    assert ev["margin"] == pytest.approx(0.2)  # still recorded for reports
    covered = evidence(_Index([0.3, 0.7]), q, [_scored(0, 0.6, aspect=0.0)])  # type: ignore[arg-type]
    assert covered["aspect_uncovered"] == 0.0 and covered["neighbour"] == pytest.approx(0.3)
    assert evidence(_Index([]), q, []) == {}  # type: ignore[arg-type]
