# ruff: noqa: E501  (the document is prose, one paragraph a line, as publishers write them)
"""A follow-up that names a modality beside a pronoun for the earlier one ("can we bill IGRT with
it?" after an SBRT planning question) asks about the pair, and a question that names its topic,
which the ranker cannot answer alone, may ask a detail of the entry that answered the earlier
turn ("cone-down mid course separate charge?" after a question on when 77470 is allowed) (real
model, real Chroma; a fictional publisher's document). The readings' helpers are checked on
plain text too."""

from __future__ import annotations

import pytest

from retrieval.rank import QueryTerms
from retrieval.retriever import Retriever
from retrieval.text import default_lexicon
from retrieval.thread import Anchor, _keeps_modalities
from tests.kb import retriever_over

NOTES = """Image Guidance and Special Procedure Notes

Coding Question: Which treatment planning code applies to an inverse-planned SBRT lung case?

Coding Answer: Inverse-planned SBRT is planned with the IMRT plan code 77301 when the plan is built by inverse optimization; a forward-planned SBRT case uses 3D planning 77295. Report one plan per course unless the target changes.

Coding Question: Can IGRT be billed separately during SBRT delivery?

Coding Answer: No. Image guidance done at each SBRT fraction is included in the SBRT delivery codes 77373 and G0339/G0340; 77387 and 77014 are not reported separately on those days.

Coding Question: When can IGRT 77387 be billed with IMRT or 3D delivery?

Coding Answer: Guidance and tracking 77387 is reported once per treatment day when image guidance is performed with IMRT or 3D conformal delivery and the images are reviewed, in a freestanding center as a global service.

Coding Question: When may special treatment procedure 77470 be billed?

Coding Answer: 77470 is reported once per course when the treatment requires added physician and physics work, such as concurrent chemotherapy, total body irradiation or intraoperative treatment. A second phase of treatment or a cone-down does not qualify for another 77470 in the same course.

Coding Question: Who must be present during SBRT delivery?

Coding Answer: The radiation oncologist and a qualified medical physicist are present for each SBRT fraction; the physicist verifies the setup and the imaging before the beam is turned on.

References:
Example Image Guidance Coding Circle notes, 2025

Disclaimer: These notes are the opinions of the Example Image Guidance Coding Circle, offered as a courtesy. Check each payer's policy before you bill.

CPT is a registered trademark of the American Medical Association.
"""

SBRT_PLAN = "which plan code for an inverse planned sbrt lung?"
WHEN_77470 = "when is 77470 allowed?"


def _keeps(text: str, earlier: str) -> bool:
    lex = default_lexicon()
    terms = lex.terms(text)
    cur = QueryTerms(terms, [], lex.modalities_in(terms))
    return _keeps_modalities(lex, text, cur, Anchor(earlier, earlier, (), ()))


@pytest.mark.parametrize("text", ["can we bill IGRT with it?", "is IGRT billable on top of that?",
                                  "does IGRT go with those?"])
def test_a_modality_beside_a_pronoun_keeps_the_earlier_one(text: str) -> None:
    assert _keeps(text, SBRT_PLAN)


@pytest.mark.parametrize("text", [
    "what about for IMRT?",  # a swap: IMRT in place of SBRT
    "and for IGRT?",
    "can we bill IGRT?",  # no pronoun: nothing points back
])
def test_a_swap_or_a_question_of_its_own_replaces_the_earlier_modality(text: str) -> None:
    assert not _keeps(text, SBRT_PLAN)


def test_nothing_is_kept_when_the_earlier_turn_names_no_other_modality() -> None:
    assert not _keeps("can we bill IGRT with it?", "which plan code for a lung case?")
    assert not _keeps("can we bill SBRT imaging with it?", SBRT_PLAN)  # the same modality


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return retriever_over(tmp_path_factory.mktemp("follow-up-companion-modality"), real_embedder,
                          {"igrt-notes.txt": NOTES})


@pytest.mark.slow
def test_a_companion_modality_goes_to_the_entry_on_the_pair(notes: Retriever) -> None:
    earlier = notes.ask(SBRT_PLAN)
    assert not earlier.abstained and earlier.top is not None
    assert earlier.top.entry.id == "igrt-notes:1"
    alone = notes.ask("can we bill igrt with it?")
    assert alone.top is not None and alone.top.entry.id == "igrt-notes:3"  # IGRT with IMRT/3D
    a = notes.ask("can we bill igrt with it?", context=[SBRT_PLAN])
    assert a.turn == "follow_up" and a.terms is not None
    assert {"sbrt", "igrt"} <= a.terms.modalities
    assert not a.abstained and a.top is not None, a.reason
    assert a.top.entry.id == "igrt-notes:2"  # IGRT during SBRT delivery


@pytest.mark.slow
def test_a_modality_swap_still_replaces_the_earlier_one(notes: Retriever) -> None:
    a = notes.ask("what about for IMRT?", context=[SBRT_PLAN])
    assert a.turn == "follow_up" and a.terms is not None
    assert "sbrt" not in a.terms.modalities


@pytest.mark.slow
def test_a_detail_of_the_earlier_entry_is_answered_with_it(notes: Retriever) -> None:
    question = "cone-down mid course separate charge?"
    alone = notes.ask(question)
    assert alone.abstained and alone.scored  # asked first, nothing answers it with confidence
    first_alone = notes.index().entries[alone.scored[0].entry].id
    assert first_alone != "igrt-notes:4"
    a = notes.ask(question, context=[WHEN_77470])
    assert not a.abstained and a.top is not None, a.reason
    assert a.top.entry.id == "igrt-notes:4"  # the 77470 entry: a cone-down does not qualify
    assert a.read_as and a.terms is not None and not a.terms.codes  # no code inherited


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "cone-down mid course separate payment?",  # an aspect of its own
    "cone-down mid course, does the physicist get a separate charge?",  # a role of its own
])
def test_an_aspect_or_role_of_its_own_is_not_answered_by_the_earlier_entry(
        notes: Retriever, question: str) -> None:
    a = notes.ask(question, context=[WHEN_77470])
    assert a.abstained


@pytest.mark.slow
def test_a_question_of_its_own_is_not_bent_by_the_thread(notes: Retriever) -> None:
    alone = notes.ask("can we bill igrt?")
    a = notes.ask("can we bill igrt?", context=[SBRT_PLAN])
    assert a.read_as is None
    assert [m.entry.id for m in a.results] == [m.entry.id for m in alone.results]
