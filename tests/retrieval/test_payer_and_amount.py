# ruff: noqa: E501  (the document is prose, one paragraph a line, as publishers write them)
"""A question naming a payer no entry names, and one asking how much something pays of an entry
that states no amount, are abstained on before any score is weighed (fast: hashing embedder;
a fictional publisher's document)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.aspects import asks_an_amount
from retrieval.decide import NO_AMOUNT, NOT_MENTIONED, lacks_amount, unknown_topic
from retrieval.retriever import Retriever
from retrieval.text import default_lexicon
from tests.kb import retriever_over

NOTES = """Delivery and Management Notes

Coding Question: What does Medicare pay for weekly treatment management, 77427?

Coding Answer: 77427 is valued at 4.0 work RVUs in this example schedule; the relative value units times the conversion factor give the national payment before the locality adjustment.

Coding Question: Can we report 77417 for port films taken during delivery?

Coding Answer: 77417 reports the port films of one course week; it is reported once per week of treatment, not per film. Medicaid plans in our state follow the same weekly rule.

References:
Example Radiation Billing Society notes, 2025

Disclaimer: These notes are the opinions of the Example Radiation Billing Society, offered as a courtesy. Check each payer's policy before you bill.

CPT is a registered trademark of the American Medical Association.
"""


@pytest.fixture
def notes(tmp_path: Path, fake_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return retriever_over(tmp_path, fake_embedder, {"notes.txt": NOTES})


def _entry(r: Retriever, entry_id: str) -> int:
    return r.index().position[entry_id]


@pytest.mark.parametrize("spelled", ["Aetna", "UnitedHealthcare", "united healthcare", "UHC",
                                     "Blue Cross Blue Shield", "BCBS", "Novitas", "TRICARE"])
def test_a_payer_is_one_term_however_it_is_spelled(spelled: str) -> None:
    lex = default_lexicon()
    named = lex.payers_in(lex.terms(f"does {spelled} require prior auth for 77427?"))
    assert len(named) == 1
    assert lex.payers_in(lex.terms("does medicare require prior auth for 77427?")) == frozenset()


def test_a_payer_name_is_not_a_typo_of_a_word_the_kb_uses(notes: Retriever) -> None:
    index = notes.index()
    assert "medicar" in index.idf  # the entries say Medicare …
    q = notes.terms(index, "does texas medicaid cover 77417")
    assert "medicaid" not in q.fixes and "medicaid" in q.terms  # … but Medicaid is not a slip for it


def test_a_payer_no_entry_names_abstains_and_says_which(notes: Retriever) -> None:
    question = "does Aetna pay for 77417 port films?"
    index = notes.index()
    assert unknown_topic(index, notes.terms(index, question)) == ["aetna"]
    a = notes.ask(question)
    assert a.abstained and not a.results
    assert a.reason == NOT_MENTIONED.format(what="Aetna")
    assert a.suggestions  # the closest entries are still offered


def test_a_payer_an_entry_names_is_left_to_the_ranker(notes: Retriever) -> None:
    index = notes.index()
    assert unknown_topic(index, notes.terms(index, "does medicaid allow 77417 once a week?")) == []


@pytest.mark.parametrize("question,amount", [
    ("what's the medicare payment for 77417 in 2026?", True),
    ("how much does 77417 pay", True),
    ("what does medicare pay for it?", True),
    ("does medicare pay for 77417 separately?", False),  # asks whether, not how much
    ("what code is 77417?", False),                       # no payment asked
])
def test_a_wh_question_about_payment_asks_an_amount(question: str, amount: bool) -> None:
    lex = default_lexicon()
    assert asks_an_amount(lex, question, lex.terms(question)) is amount


def test_an_amount_needs_an_entry_that_states_one(notes: Retriever) -> None:
    index = notes.index()
    ask = "what's the medicare payment for 77417 in 2026?"
    q = notes.terms(index, ask)
    assert q.amount
    assert lacks_amount(index, q, _entry(notes, "notes:2"))      # once per week: no amount
    assert not lacks_amount(index, q, _entry(notes, "notes:1"))  # RVUs: an amount
    # the same code asked whether it is paid is no amount question
    whether = notes.terms(index, "does medicare pay for 77417 separately?")
    assert not lacks_amount(index, whether, _entry(notes, "notes:2"))
    # RVUs asked outright are an amount whatever the opening
    assert lacks_amount(index, notes.terms(index, "77417 RVUs"), _entry(notes, "notes:2"))


def test_an_amount_question_whose_closest_entry_states_none_abstains(notes: Retriever) -> None:
    a = notes.ask("what is the payment for 77417 port films taken during delivery?")
    assert a.scored and a.scored[0].entry == _entry(notes, "notes:2")  # the 77417 entry ranks first
    assert a.abstained and not a.results and a.reason == NO_AMOUNT
