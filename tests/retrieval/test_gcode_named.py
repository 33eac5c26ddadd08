# ruff: noqa: E501  (the document is prose, one paragraph a line, as publishers write them)
"""An entry that names HCPCS G-codes (G6003, G6015…) speaks of "the G-codes" although it never
writes the words, so a question asking for the G code is not told it lacks that aspect (fast:
hashing embedder; a fictional publisher's document)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.retriever import Retriever
from retrieval.text import default_lexicon
from tests.kb import retriever_over

NOTES = """Delivery Notes

Coding Question: Which delivery code does a freestanding center put on a Medicare claim for a single treatment area?

Coding Answer: Under the physician fee schedule a single treatment area is reported with G6003 through G6006, chosen by beam energy; IMRT is G6015.

Coding Question: How is the delivery level chosen in the hospital department?

Coding Answer: The hospital reports 77402 for a single area with simple blocks, 77407 for two areas and 77412 for three or more areas or custom blocking.

References:
Example Radiation Billing Society notes, 2025

Disclaimer: These notes are the opinions of the Example Radiation Billing Society, offered as a courtesy. Check each payer's policy before you bill.

CPT is a registered trademark of the American Medical Association.
"""


@pytest.fixture
def notes(tmp_path: Path, fake_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return retriever_over(tmp_path, fake_embedder, {"notes.txt": NOTES})


def test_a_g_code_names_the_g_codes_and_a_cpt_code_does_not() -> None:
    lex = default_lexicon()
    asked = lex.aspects_in(lex.terms("which G code for a single area?"))
    assert asked and asked <= frozenset(lex.code_terms({"G6015", "77386"}))
    assert lex.code_terms({"77402", "77412"}) == []


def test_an_entry_listing_g_codes_answers_which_g_code(notes: Retriever) -> None:
    index = notes.index()
    (gcode,) = default_lexicon().terms("gcode")
    freestanding, hospital = (index.position[f"notes:{n}"] for n in (1, 2))
    assert gcode in index.entry_terms[freestanding]  # it only names G6003-G6006 and G6015
    assert gcode not in index.entry_terms[hospital]
    a = notes.ask("freestanding, single area with simple blocks: which G code?")
    signals = {index.entries[s.entry].id: s.signals for s in a.scored}
    assert signals["notes:1"]["aspect"] == 0.0
    assert signals["notes:2"]["aspect"] < 0.0
