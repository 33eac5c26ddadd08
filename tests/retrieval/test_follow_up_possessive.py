# ruff: noqa: E501  (the document is prose, one paragraph a line, as publishers write them)
"""A follow-up with a possessive pronoun ("its write-up", "its isodose plan") asks about a thing
of the earlier subject's own: the entry on that thing answers it, not the earlier turn's entry,
and the thing may carry a code of its own (real model, real Chroma; a fictional publisher's
document)."""

from __future__ import annotations

import pytest

from retrieval.retriever import Retriever
from tests.kb import retriever_over

pytestmark = pytest.mark.slow

NOTES = """Brachytherapy and Physics Notes

Coding Question: How do we choose between 77770 and 77771 for a tandem and ring insertion?

Coding Answer: Remote afterloading HDR delivery is reported by the number of channels used: 77770 for one channel, 77771 for two to twelve channels and 77772 for more than twelve. A tandem and ring insertion usually uses three channels and is reported with 77771.

Coding Question: How is the brachytherapy isodose plan leveled?

Coding Answer: The brachytherapy isodose plan is reported with 77316 for a simple plan (one to four sources or one channel), 77317 for an intermediate plan (five to ten sources or two to twelve channels) and 77318 for a complex plan. Choose the level from the plan the physicist and physician actually built.

Coding Question: Can 77370 be reported after the course of treatment has ended?

Coding Answer: Yes, when the physician requests the special physics consultation for a problem that arises after treatment, such as a question about the dose already delivered. The physicist's report must still be completed and dated for that request.

Coding Question: What must the physicist's report for 77370 contain?

Coding Answer: The physicist writes a report that states the problem the physician asked about, the analysis done, the measurements or calculations and the conclusion, and signs and dates it.

References:
Example Brachytherapy Coding Circle notes, 2025

Disclaimer: These notes are the opinions of the Example Brachytherapy Coding Circle, offered as a courtesy. Check each payer's policy before you bill.

CPT is a registered trademark of the American Medical Association.
"""


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return retriever_over(tmp_path_factory.mktemp("follow-up-possessive"), real_embedder,
                          {"brachy-notes.txt": NOTES})


def test_a_possessive_follow_up_goes_to_the_entry_on_the_thing_it_owns(notes: Retriever) -> None:
    context = ["77770 vs 77771 for tandem and ring"]
    earlier = notes.ask(context[0])
    assert not earlier.abstained and earlier.top.entry.id == "brachy-notes:1"
    a = notes.ask("how is its isodose plan leveled?", context=context)
    assert not a.abstained, a.reason
    assert a.top.entry.id == "brachy-notes:2"
    # the isodose plan has codes of its own: the delivery codes shape the reading, no entry
    # must be about them
    assert a.terms is not None and not a.terms.codes


def test_a_pronoun_for_the_earlier_service_itself_keeps_its_code(notes: Retriever) -> None:
    context = ["77770 vs 77771 for tandem and ring"]
    a = notes.ask("how is it leveled?", context=context)
    assert a.turn == "follow_up" and a.terms is not None
    assert set(a.terms.codes) == {"77770", "77771"}
