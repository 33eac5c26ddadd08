# ruff: noqa: E501  (the document is prose, one paragraph a line, as publishers write them)
"""Who-does-what follow-ups: a who-question naming no code or modality that the ranker cannot
answer alone is read with the thread, and so is a "which part…?" / "which one…?" question, whose
part or one is of something the earlier turn named (real model, real Chroma; a fictional
publisher's document)."""

from __future__ import annotations

import pytest

from retrieval.retriever import Retriever
from tests.kb import retriever_over

pytestmark = pytest.mark.slow

NOTES = """Intraoperative and Special Procedure Notes

Coding Question: What does 77469 describe, and who reports it?

Coding Answer: CPT code 77469 is the radiation oncologist's management of an intraoperative radiation treatment, reported once per session. The surgeon reports the surgical exposure and closure with the surgical procedure codes; the radiation oncologist does not bill the surgical portion.

Coding Question: Which codes report the delivery of intraoperative radiation with electrons?

Coding Answer: Electron IORT delivery is reported with 77424 for a single treatment session. Treatment planning and physics codes are reported only when they are separately documented for the session.

Coding Question: Who has to be in the operating room while intraoperative radiation is delivered?

Coding Answer: The radiation oncologist and a qualified medical physicist must be present in the operating room for the entire delivery, and the note must say who was present.

Coding Question: When can 77470 be reported with total body irradiation?

Coding Answer: 77470 may be reported once per course when total body irradiation needs extra physician and physics work beyond a standard course, such as custom compensators and in vivo dosimetry, and the record documents that work.

Coding Question: What does the special treatment procedure note need to include for 77470?

Coding Answer: The radiation oncologist writes and signs a note that describes the special procedure, why it was needed and the added work it took. A template is acceptable if it is completed for each patient.

Coding Question: Is treatment planning for a surgical bed boost reported differently?

Coding Answer: No. A postoperative boost to the surgical bed is planned and reported with the same planning and delivery codes as any other external beam boost.

References:
Example Oncology Coding Circle notes, 2025

Disclaimer: These notes are the opinions of the Example Oncology Coding Circle, offered as a courtesy. Check each payer's policy before you bill.

CPT is a registered trademark of the American Medical Association.
"""


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return retriever_over(tmp_path_factory.mktemp("follow-up-roles"), real_embedder,
                          {"iort-notes.txt": NOTES})


def test_a_who_question_the_ranker_cannot_answer_alone_takes_the_threads_service(
        notes: Retriever) -> None:
    context = ["what does 77469 include?"]
    assert notes.ask(context[0]).top.entry.id == "iort-notes:1"
    question = "who bills the surgical part?"
    alone = notes.ask(question)
    assert alone.abstained  # alone it names no service the ranker can settle
    a = notes.ask(question, context=context)
    assert not a.abstained, a.reason
    assert a.top.entry.id == "iort-notes:1" and a.turn == "follow_up"
    assert a.read_as == "Read with your earlier question about 77469"


def test_a_who_question_answered_alone_stands_alone(notes: Retriever) -> None:
    question = "who writes the special procedure note?"
    alone = notes.ask(question)
    assert not alone.abstained and alone.top.entry.id == "iort-notes:5"
    a = notes.ask(question, context=["what does 77469 include?"])
    assert a.read_as is None and a.turn == "topic_switch"
    assert [(m.entry.id, m.score) for m in a.results] == [
        (m.entry.id, m.score) for m in alone.results]


def test_a_who_question_naming_nothing_the_kb_knows_is_not_read_with_the_thread(
        notes: Retriever) -> None:
    a = notes.ask("who won the game last night?", context=["what does 77469 include?"])
    assert a.abstained and a.results == () and a.turn == "off_topic"


def test_which_part_asks_a_part_of_what_the_thread_named(notes: Retriever) -> None:
    # answered alone too, but "which part" is a part of something: of the earlier turn's code
    context = ["what does 77469 include?"]
    question = "which part does the radiation oncologist bill?"
    a = notes.ask(question, context=context)
    assert a.turn == "follow_up" and a.read_as == "Read with your earlier question about 77469"
    assert not a.abstained, a.reason
    assert a.top.entry.id == "iort-notes:1"
    of_its_own = notes.ask("which part of the surgical bed boost is planned differently?",
                           context=context)
    assert of_its_own.read_as is None and of_its_own.turn in ("standalone", "topic_switch")
