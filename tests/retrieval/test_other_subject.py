# ruff: noqa: E501  (the document is prose, one paragraph a line, as publishers write them)
"""A question about one role whose closest entry gives another role's rule is abstained on,
and says whose rule the entry gives (fast: hashing embedder; a fictional publisher's notes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.decide import OTHER_ROLE, other_subject
from retrieval.retriever import Retriever
from retrieval.text import default_lexicon
from tests.kb import retriever_over

NOTES = """Supervision and Physics Notes

Coding Question: What supervision must the physicist give during SBRT delivery?

Coding Answer: The physicist must be available on site for the imaging and the delivery of every SBRT fraction and give personal supervision.

Coding Question: Who may sign the order for a special physics consultation (77370)?

Coding Answer: The radiation oncologist signs and dates the order, and states the problem the physicist is asked to address.

Coding Question: How often is the IMRT plan (77301) billed?

Coding Answer: Once per course, unless a new plan is needed because the treatment changed.

Disclaimer: Example notes for education; check each payer's policy before you bill.
"""


@pytest.fixture
def notes(tmp_path: Path, fake_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return retriever_over(tmp_path, fake_embedder, {"notes.txt": NOTES})


def test_another_roles_rule_is_no_answer(notes: Retriever) -> None:
    a = notes.ask("what supervision must the radiation oncologist give during SBRT delivery?")
    assert a.scored and notes.index().entries[a.scored[0].entry].id == "notes:1"
    assert a.abstained and not a.results and a.suggestions
    assert a.reason == OTHER_ROLE.format(theirs="physicist", asked="physician")


def test_another_modality_is_left_to_the_ranker(notes: Retriever) -> None:
    # an entry may cover a modality through its codes without naming it: no rule of its own
    index = notes.index()
    q = notes.terms(index, "what supervision must the physicist give during IMRT delivery?")
    a = notes.ask("what supervision must the physicist give during IMRT delivery?")
    assert a.scored[0].signals["modality"] < 0 and other_subject(index, q, a.scored[0]) == ""


def test_the_same_role_and_modality_is_answered(notes: Retriever) -> None:
    a = notes.ask("what supervision must the physicist give during SBRT delivery?")
    assert not a.abstained and a.results[0].entry.id == "notes:1"


def test_an_entry_naming_both_roles_is_no_conflict(notes: Retriever) -> None:
    # the order entry names the radiation oncologist and the physicist: either may be asked of
    index = notes.index()
    q = notes.terms(index, "does the physicist sign the 77370 order?")
    top = next(s for s in notes.ask("does the physicist sign the 77370 order?").scored
               if index.entries[s.entry].id == "notes:2")
    assert other_subject(index, q, top) == ""


def test_the_coder_asking_is_no_role_of_the_guidance(notes: Retriever) -> None:
    # coders ask about the clinical staff's work: "as a coder" names who reads the answer
    assert default_lexicon().roles_in(default_lexicon().terms("as a coder, who signs it?")) == frozenset()
    a = notes.ask("as a coder, who may sign the order for a special physics consultation 77370?")
    assert not a.abstained and a.results[0].entry.id == "notes:2"
