# ruff: noqa: E501  (the document is prose, one paragraph a line, as publishers write them)
"""A follow-up that names a code as the companion of the earlier turn's ("and with 77307?",
"is 77300 billed separately with those?") asks about the pair: the earlier codes stay in the
reading instead of being swapped out (real model, real Chroma; a fictional publisher's document).
"""

from __future__ import annotations

import pytest

from retrieval.retriever import Retriever
from retrieval.turns import companion, swaps
from tests.kb import retriever_over

NOTES = """Dosimetry Notes

Coding Question: How many units of basic dosimetry (77300) go with a 3D conformal plan?

Coding Answer: Report one unit of 77300 for each calculation the dosimetrist performs and documents, usually one per treatment field of the 3D plan.

Coding Question: Is 77300 reported in addition to an IMRT plan (77301)?

Coding Answer: No. The IMRT plan 77301 includes the basic dosimetry calculations of that plan, so 77300 is not added for it. Calculations for a separate plan may still be reported.

Coding Question: What makes a teletherapy isodose plan complex?

Coding Answer: A complex isodose plan (77307) has three or more ports, or ports with wedges, compensators or other modifiers, planned for one treatment area.

Coding Question: How are brachytherapy isodose plans leveled (77316-77318)?

Coding Answer: By the number of sources or channels: 77316 for one to four, 77317 for five to ten, 77318 for more than ten. Basic dosimetry calculations (77300) are included in each brachytherapy plan and are not billed again.

Disclaimer: These notes are the opinions of the Example Dosimetry Circle, offered as a courtesy. Check each payer's policy before you bill.

CPT is a registered trademark of the American Medical Association.
"""


@pytest.mark.parametrize(("text", "expected"), [
    ("and with 77307?", True), ("is 77300 billed separately with those", False),
    ("can we bill it without 77295 or 77301?", True), ("along with 77334?", True),
    ("what about 77336?", False), ("77307?", False), ("together with cpt 77338", True)])
def test_a_code_named_as_a_companion(text: str, expected: bool) -> None:
    assert companion(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("what about 77336?", True), ("And for SBRT?", True), ("same for 77373?", True),
    ("is 77300 billed with those", False), ("and with 77307?", False)])
def test_a_follow_up_that_puts_something_in_place_of_what_was_asked(text: str,
                                                                    expected: bool) -> None:
    assert swaps(text) is expected


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return retriever_over(tmp_path_factory.mktemp("companion-codes"), real_embedder,
                          {"dosimetry-notes.txt": NOTES})


@pytest.mark.slow
@pytest.mark.parametrize(("context", "question", "expected"), [
    ("how many 77300 units for a 3d plan?", "and with 77301?", "dosimetry-notes:2"),
    ("which brachy plan code for 6 channels, 77316 77317 or 77318?", "can we add 77300 to it",
     "dosimetry-notes:4")])
def test_a_companion_code_follow_up_asks_about_the_pair(notes: Retriever, context: str,
                                                        question: str, expected: str) -> None:
    answer = notes.ask(question, context=[context])
    assert not answer.abstained, answer.reason
    assert answer.top.entry.id == expected


@pytest.mark.slow
def test_a_swap_still_replaces_the_earlier_code(notes: Retriever) -> None:
    answer = notes.ask("what about 77318?", context=["how many 77300 units for a 3d plan?"])
    assert not answer.abstained, answer.reason
    assert answer.top.entry.id == "dosimetry-notes:4"
