# ruff: noqa: E501  (the document is prose, one paragraph a line, as publishers write them)
"""A follow-up after a turn nothing answered ("we are in a hospital outpatient setting", then
"and who bills the delivery codes?") is read with that turn: the coder named the subject there,
even though no entry answered it; and a number alone ("13?") is the earlier question's count
changed (real model, real Chroma; a fictional publisher's document)."""

from __future__ import annotations

import pytest

from retrieval.retriever import Retriever
from tests.kb import retriever_over

pytestmark = pytest.mark.slow

NOTES = """Place of Service Coding Notes

Coding Question: Who reports the technical component of treatment delivery when the physicians work in a hospital outpatient department?

Coding Answer: The hospital reports the technical component on its facility claim, and the radiation oncologists report only the professional component of the planning and management codes with modifier -26. Delivery codes have no professional component there.

Coding Question: Who reports the technical component of treatment delivery in a freestanding center?

Coding Answer: A freestanding center that owns the equipment and employs the staff reports the delivery codes globally, without modifiers, on the physician group's claim.

Coding Question: What level of supervision applies to treatment delivery in a hospital outpatient department?

Coding Answer: General supervision is the minimum for most radiation therapy services in the hospital outpatient department; some payers ask for direct supervision of image guidance.

Coding Question: A patient is admitted to the hospital as an inpatient during the course. How is the treatment billed?

Coding Answer: While the patient is an inpatient, the hospital bills the technical services under Part A; the physicians keep billing their professional services under Part B.

Coding Question: Can the radiation oncologist bill a hospital visit on the same day as weekly management?

Coding Answer: Only for a problem unrelated to the radiation treatment, documented separately, with modifier -25 on the visit.

Coding Question: How many fractions make up one unit of weekly management 77427?

Coding Answer: One unit of 77427 is reported for each five fractions delivered. When one or two fractions are left over at the end of the course they are not reported; three or four left over are reported as one more unit.

References:
Example Place of Service Coding Circle notes, 2025

Disclaimer: These notes are the opinions of the Example Place of Service Coding Circle, offered as a courtesy. Check each payer's policy before you bill.

CPT is a registered trademark of the American Medical Association.
"""


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return retriever_over(tmp_path_factory.mktemp("follow-up-unanswered"), real_embedder,
                          {"pos-notes.txt": NOTES})


def test_a_follow_up_is_read_with_the_case_the_coder_described(notes: Retriever) -> None:
    context = ["we are in a hospital outpatient setting"]
    earlier = notes.ask(context[0])
    assert earlier.abstained and earlier.turn == "standalone"  # a statement no entry answers
    alone = notes.ask("and who bills the delivery codes?")
    assert alone.top is not None and alone.top.entry.id == "pos-notes:2"  # freestanding
    a = notes.ask("and who bills the delivery codes?", context=context)
    assert a.turn == "follow_up"
    assert a.read_as == "Read with your earlier question “we are in a hospital outpatient setting”"
    assert not a.abstained and a.top is not None and a.top.entry.id == "pos-notes:1", a.reason


def test_an_off_topic_turn_sets_no_subject(notes: Retriever) -> None:
    context = ["how do I reset my password"]
    a = notes.ask("and who bills the delivery codes?", context=context)
    alone = notes.ask("and who bills the delivery codes?")
    assert a.read_as is None
    assert (a.abstained, [m.entry.id for m in a.results]) == (
        alone.abstained, [m.entry.id for m in alone.results])


def test_a_number_alone_is_the_earlier_count_changed(notes: Retriever) -> None:
    # "13?" after a question on 10 fractions: nothing to count but the earlier question's
    context = ["how many units of 77427 for 10 fractions?"]
    a = notes.ask("13?", context=context)
    assert a.turn == "follow_up" and a.read_as == "Read with your earlier question about 77427"
    assert not a.abstained and a.top is not None and a.top.entry.id == "pos-notes:6"
    # with nothing earlier, or only something else, a number is no question
    assert notes.ask("13?").abstained
    assert notes.ask("13?", context=["how do I reset my password"]).abstained
