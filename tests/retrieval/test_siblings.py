"""Close code siblings told apart by the question's distinguishing words (fakes, no model)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from retrieval.config import Fusion
from retrieval.rank import QueryTerms, Scored
from retrieval.siblings import contrast, distinguishing, siblings

FUSION = Fusion(dense_weight=0.7, answer_passage_factor=0.85, coverage_weight=0.3,
                code_match_bonus=0.08, code_mismatch_penalty=0.15,
                modality_conflict_penalty=0.25, sibling_weight=0.1, sibling_window=0.05)


def _index(entries: list[tuple[str, set[str], set[str]]]) -> Any:
    """A stand-in KBIndex: (id, codes, terms) per entry, IDF 1.0 for every term."""
    terms = [frozenset(t) for _, _, t in entries]
    return SimpleNamespace(
        entries=[SimpleNamespace(id=i, code_set=frozenset(c)) for i, c, _ in entries],
        entry_terms=terms, idf={t: 1.0 for ts in terms for t in ts})


def _q(*terms: str) -> QueryTerms:
    return QueryTerms(list(terms), [t for t in terms if t.isdigit()], frozenset())


def _scored(*scores: float) -> list[Scored]:
    return [Scored(i, s, {}) for i, s in enumerate(scores)]


MASKS = _index([
    ("devices:1", {"77334"}, {"mask", "made", "simul", "bill"}),
    ("devices:2", {"77334"}, {"mask", "reus", "prior", "cours", "bill"}),
    ("planning:1", set(), {"mask", "plan", "bill"}),
])


def test_the_sibling_with_the_questions_distinguishing_words_comes_first() -> None:
    q = _q("bill", "mask", "reus", "prior", "cours")
    out = contrast(MASKS, q, _scored(0.62, 0.60, 0.40), FUSION)
    assert [s.entry for s in out] == [1, 0, 2]
    assert out[0].score == 0.60 and out[0].signals["sibling"] == 0.0  # the best keeps its score
    assert out[1].score < 0.62 and out[1].signals["sibling"] < 0


def test_words_every_sibling_has_weigh_nothing() -> None:
    q = _q("bill", "mask")  # both siblings have both words: nothing tells them apart
    scored = _scored(0.62, 0.60, 0.40)
    assert contrast(MASKS, q, scored, FUSION) == scored
    assert distinguishing(MASKS, q, scored[:2]) == {}


def test_only_close_candidates_sharing_the_top_entrys_code_are_siblings() -> None:
    assert [s.entry for s in siblings(MASKS, _scored(0.62, 0.60, 0.61), 0.05)] == [0, 1]
    assert [s.entry for s in siblings(MASKS, _scored(0.62, 0.50, 0.61), 0.05)] == [0]  # too far
    # a top entry without codes has no siblings: the order stays the fused score's
    no_code = [Scored(2, 0.7, {}), Scored(1, 0.69, {}), Scored(0, 0.68, {})]
    assert contrast(MASKS, _q("mask", "reus"), no_code, FUSION) == no_code


def test_a_zero_weight_turns_the_contrast_off() -> None:
    off = Fusion(**{**FUSION.__dict__, "sibling_weight": 0.0})
    scored = _scored(0.62, 0.60, 0.40)
    assert contrast(MASKS, _q("bill", "mask", "reus"), scored, off) is scored


def test_the_shipped_calibration_turns_it_on() -> None:
    from retrieval.config import default_calibration

    f = default_calibration().fusion
    assert f.sibling_weight > 0 and 0 < f.sibling_window <= 0.1
