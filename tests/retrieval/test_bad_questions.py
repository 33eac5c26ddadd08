# ruff: noqa: E501  (the documents are prose, one paragraph a line, as publishers write them)
"""Awkward corpora and questions (issue 12's bad-input list), real model and real Chroma.

The two documents are written here, in the seed's label format, by a fictional publisher: every
entry of the first names the same code, and one entry of the second is nearly the same question
as one of the first.
"""

from __future__ import annotations

import pytest

from retrieval.retriever import Retriever
from tests.kb import retriever_over

pytestmark = pytest.mark.slow

TAIL = """
References:
Example Society coding notes, 2025

Disclaimer: These are the opinions of the Example Society's coding committee, given as a courtesy. Payers' policies differ; check yours before you bill.

CPT is a registered trademark of the American Medical Association.
"""

DEVICES = """Treatment Devices Questions

Coding Question: Can we bill 77334 for a custom thermoplastic head mask made at simulation?

Coding Answer: Yes. A thermoplastic mask molded to the patient at simulation is a custom immobilization device and is reported with 77334 once for the course, with the physician's documentation of its design.

Coding Question: Is bolus reported with 77334?

Coding Answer: Custom bolus cut and shaped for the patient's treatment field may be reported with 77334. Sheet bolus used off the shelf without modification is a supply and is not reported with 77334.

Coding Question: Is 77334 reported for each device or once per course?

Coding Answer: Each distinct custom device designed and built for the patient is reported separately with 77334, up to the number the physician documents; the same device remade for a plan change is reported again only with a new order.

Coding Question: Can a commercial wing board be charged as 77334?

Coding Answer: No. A reusable wing board or breast board that is only positioned, not built for the patient, is not a custom device and is not reported with 77334.
""" + TAIL

PLANNING = """Planning Questions

Coding Question: How many units of 77300 can be reported for a conformal plan?

Coding Answer: Report 77300 once for each separately prescribed and documented dosimetry calculation; a second check of the same calculation is quality assurance and is not another unit of 77300.

Coding Question: May we bill 77334 when a custom thermoplastic head mask is made at simulation?

Coding Answer: A thermoplastic head mask molded to the patient at simulation is reported with 77334 once for the course when the physician documents its design.

Coding Question: Is 77295 billed once per plan?

Coding Answer: The 3D plan 77295 is reported once per plan; a revised plan for the same course needs a documented clinical reason before it is reported again.
""" + TAIL


@pytest.fixture(scope="module")
def two_docs(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return retriever_over(tmp_path_factory.mktemp("bad-questions"), real_embedder,
                          {"devices-faq.txt": DEVICES, "planning-faq.txt": PLANNING})


def _ids(ms: tuple) -> list[str]:  # type: ignore[type-arg]
    return [m.entry.id for m in ms]


def test_every_entry_naming_the_same_code_the_words_decide(two_docs: Retriever) -> None:
    a = two_docs.ask("is sheet bolus billable as 77334?")
    assert not a.abstained and a.top.entry.id == "devices-faq:2"
    a = two_docs.ask("can the wing board be charged with 77334?")
    assert not a.abstained and a.top.entry.id == "devices-faq:4"


def test_a_bare_code_every_entry_names_lists_them_all(two_docs: Retriever) -> None:
    a = two_docs.ask("77334", top_k=5)
    assert not a.abstained and a.clarify
    assert {"devices-faq:1", "devices-faq:2", "devices-faq:3", "devices-faq:4"} <= set(
        _ids(a.results))


def test_near_identical_entries_of_two_documents_come_back_together(two_docs: Retriever) -> None:
    a = two_docs.ask("thermoplastic mask made at simulation: can we bill 77334?")
    assert not a.abstained
    assert {"devices-faq:1", "planning-faq:2"} <= set(_ids(a.results))
    assert a.confidence == "Several close matches"
    for m in a.results:  # each with its own document's disclaimer
        assert m.disclaimer.startswith("These are the opinions")


def test_two_codes_of_different_documents_reach_both(two_docs: Retriever) -> None:
    a = two_docs.ask("can 77300 and 77295 both be billed for the same plan?")
    assert "no guidance" not in a.reason
    shown = _ids(a.results) + _ids(a.suggestions)
    assert "planning-faq:1" in shown and "planning-faq:3" in shown  # 77300's and 77295's
    b = two_docs.ask("can 77300 and 77334 be billed for the same patient?")  # two documents
    docs = {m.entry.document.name for m in (*b.results, *b.suggestions)}
    assert len(docs) == 2


@pytest.mark.parametrize("question", [
    "is sheet bolus billable as 77334?",
    "How many units of 77300 for a conformal plan?",
    "what is the weather in Boston today?",
])
def test_all_capitals_change_nothing(two_docs: Retriever, question: str) -> None:
    low, up = two_docs.ask(question), two_docs.ask(question.upper())
    assert (up.abstained, _ids(up.results)) == (low.abstained, _ids(low.results))


def test_a_question_without_spaces_is_read_as_words(two_docs: Retriever) -> None:
    spaced = two_docs.ask("can we bill 77334 for sheet bolus")
    run_on = two_docs.ask("canwebill77334forsheetbolus")
    assert not run_on.abstained and run_on.top.entry.id == spaced.top.entry.id == "devices-faq:2"
    assert run_on.query == "canwebill77334forsheetbolus"  # shown as typed
    gibberish = two_docs.ask("qwzxkjhgfdsapoiuylkjh")
    assert gibberish.abstained



def test_a_near_identical_entry_is_no_rival_in_the_margin(two_docs: Retriever) -> None:
    from retrieval.evidence import evidence, runner_up

    index = two_docs.index()
    a = two_docs.ask("thermoplastic mask made at simulation: can we bill 77334?")
    scored = list(a.scored)
    pair = {index.entries[s.entry].id for s in scored[:2]}
    assert pair == {"devices-faq:1", "planning-faq:2"}
    rival = runner_up(index, scored)
    assert rival is not None and index.entries[rival.entry].id not in pair
    ev = evidence(index, a.terms, scored)  # type: ignore[arg-type]
    assert ev["margin"] == pytest.approx(scored[0].score - rival.score)
    assert ev["margin"] > scored[0].score - scored[1].score
