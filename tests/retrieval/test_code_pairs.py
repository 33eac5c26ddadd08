# ruff: noqa: E501  (the document is prose, one paragraph a line, as publishers write them)
"""A question naming several codes asks about them together: an entry that never names one of
them loses ground to one that names them all (fakes for the rule; the real model and store for
the ranking it changes, on a fictional publisher's document)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from retrieval.config import Fusion, default_calibration
from retrieval.rank import code_agreement
from retrieval.retriever import Retriever
from tests.kb import retriever_over

FUSION = Fusion(dense_weight=0.7, answer_passage_factor=0.85, coverage_weight=0.3,
                code_match_bonus=0.08, code_mismatch_penalty=0.15,
                modality_conflict_penalty=0.25, code_missing_penalty=0.3)


def _entry(about: set[str], listed: set[str] | None = None) -> Any:
    """A stand-in Entry: the codes it is about and those it only lists."""
    return SimpleNamespace(codes_about=frozenset(about), code_set=frozenset(about | (listed or set())))


@pytest.mark.parametrize(("about", "listed", "expected"), [
    ({"77427", "77431"}, set(), (0.08, 0.0)),           # about both: the bonus, nothing lost
    ({"77427"}, {"77431"}, (0.08, 0.0)),                # the other only listed still names it
    ({"77427", "77435"}, set(), (0.08, -0.15)),         # silent on 77431: half the codes unnamed
    (set(), {"77427"}, (0.0, -0.15)),                   # only lists one, silent on the other
    ({"77300"}, set(), (-0.15, 0.0)),                   # names neither: the mismatch alone
], ids=["about-both", "about-one-lists-other", "about-one-silent-on-other", "lists-one",
        "names-neither"])
def test_each_code_the_entry_never_names_costs_its_share(about: set[str], listed: set[str],
                                                         expected: tuple[float, float]) -> None:
    assert code_agreement({"77427", "77431"}, _entry(about, listed), FUSION) == expected


def test_a_partial_match_ranks_between_a_full_one_and_none() -> None:
    q = {"77427", "77431"}
    full, partial, none = (sum(code_agreement(q, _entry(a), FUSION))
                           for a in ({"77427", "77431"}, {"77427"}, {"77300"}))
    assert full > partial > none


def test_three_codes_two_unnamed_cost_two_thirds() -> None:
    _, lost = code_agreement({"77014", "77373", "77427"}, _entry({"77373"}), FUSION)
    assert lost == pytest.approx(-0.2)


@pytest.mark.parametrize("penalty", [0.3, 0.45, 1.0, 5.0])
def test_never_below_an_entry_naming_none_of_the_codes(penalty: float) -> None:
    f = replace(FUSION, code_missing_penalty=penalty)
    q = {"77014", "77280", "77290", "77373", "77427"}
    none = sum(code_agreement(q, _entry({"77300"}), f))
    for about, listed in (({"77373"}, set()), (set(), {"77373"}), ({"77373"}, {"77014"})):
        assert sum(code_agreement(q, _entry(about, listed), f)) >= none - 1e-9  # at most a tie


def test_a_question_with_one_code_is_unchanged() -> None:
    assert code_agreement({"77427"}, _entry({"77427"}), FUSION) == (0.08, 0.0)
    assert code_agreement({"77427"}, _entry(set(), {"77427"}), FUSION) == (0.0, 0.0)
    assert code_agreement({"77427"}, _entry({"77300"}), FUSION) == (-0.15, 0.0)
    assert code_agreement(set(), _entry({"77300"}), FUSION) == (0.0, 0.0)


def test_zero_turns_it_off_and_the_shipped_calibration_turns_it_on() -> None:
    off = replace(FUSION, code_missing_penalty=0.0)
    assert code_agreement({"77427", "77431"}, _entry({"77427", "77435"}), off) == (0.08, 0.0)
    assert default_calibration().fusion.code_missing_penalty > 0


MANAGEMENT = """Treatment Management Notes

Coding Question: Is 77427 billed during an SBRT course managed under 77435?

Coding Answer: No. 77435 covers the management of the whole stereotactic body course, which is at most five fractions, and it takes the place of weekly management: 77427 is not reported for any fraction of that course.

Coding Question: Our patient had a single palliative fraction. Should we report 77427 or 77431 for the physician management?

Coding Answer: Report 77431, management of a complete course of one or two fractions, once for the course. It is never combined with 77427 for the same course, and it is not used for the leftover fractions at the end of a longer course, which the last 77427 already covers.

Coding Question: How are the fractions of weekly management counted?

Coding Answer: One unit of 77427 is reported for each five fractions delivered; three or four fractions left at the end of the course count as one more unit, one or two do not.

Disclaimer: These notes are the opinions of the Example Management Circle, offered as a courtesy. Check each payer's policy before you bill.

CPT is a registered trademark of the American Medical Association.
"""


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return retriever_over(tmp_path_factory.mktemp("code-pairs"), real_embedder,
                          {"management-notes.txt": MANAGEMENT})


@pytest.mark.slow
def test_the_entry_naming_both_codes_outranks_one_silent_on_either(notes: Retriever) -> None:
    index = notes.index()
    ask = "OK to bill 77431 along with 77427 in the same course?"
    a = notes.ask(ask)
    assert not a.abstained and a.results[0].entry.id == "management-notes:2"
    ids = [index.entries[s.entry].id for s in a.scored]
    assert ids[0] == "management-notes:2"
    by_id = {index.entries[s.entry].id: s for s in a.scored}
    assert by_id["management-notes:1"].signals["codes_unnamed"] < 0  # never names 77431
    assert by_id["management-notes:2"].signals["codes_unnamed"] == 0.0
    # without the rule, the entry worded more like the question (77427 with 77435) comes first
    off = replace(notes.calibration, fusion=replace(notes.calibration.fusion,
                                                    code_missing_penalty=0.0))
    plain = Retriever(notes.store, notes.embedder, calibration=off)
    first = plain.ask_alone(plain.index(), ask).scored[0]
    assert plain.index().entries[first.entry].id == "management-notes:1"


@pytest.mark.slow
def test_a_question_with_one_code_ranks_as_before(notes: Retriever) -> None:
    index = notes.index()
    a = notes.ask_alone(index, "can 77435 be billed with weekly management?")
    assert all(s.signals["codes_unnamed"] == 0.0 for s in a.scored)
