"""A disclaimer printed without a label is told by its wording (never guessed from position)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.corpus import parse_corpus
from retrieval.errors import CorpusFormatError

QA = ("Q: Can 77300 be billed for two distinct fields?\nA: Yes, when each calculation is "
      "documented.\n\nQ: Is 77336 billed weekly?\nA: Once for each five fractions.\n\n")
NOTICE = "CPT is a registered trademark of the American Medical Association."
DISCLAIMS = ("These answers are offered as general education by volunteer members. They are not "
             "legal advice and do not guarantee payment.")


def _parse(tmp_path: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / name).write_text(text, encoding="utf-8")
    (doc,) = parse_corpus(tmp_path)
    return doc


@pytest.mark.parametrize("tail", [f"{DISCLAIMS}\n\n{NOTICE}\n", f"{NOTICE}\n\n{DISCLAIMS}\n"],
                         ids=["disclaimer first", "notice first"])
def test_a_plain_paragraph_that_disclaims_is_the_disclaimer(tmp_path: Path, tail: str) -> None:
    doc = _parse(tmp_path, "faq.txt", "Desk FAQ\n\n" + QA + tail)
    assert [e.answer for e in doc.entries] == ["Yes, when each calculation is documented.",
                                               "Once for each five fractions."]
    assert doc.document.disclaimer == DISCLAIMS
    assert doc.document.notice == NOTICE
    assert doc.document.references == ()


def test_after_the_references_heading_in_markdown(tmp_path: Path) -> None:
    text = ("# Desk FAQ\n\n### Is 77336 billed weekly?\n\nOnce for each five fractions.\n\n"
            "### Sources\n\n- Society coding manual, 2024\n\n" + NOTICE + "\n\n" + DISCLAIMS + "\n")
    doc = _parse(tmp_path, "faq.md", text)
    assert doc.entries[0].answer == "Once for each five fractions."
    assert doc.document.references == ("Society coding manual, 2024",)
    assert doc.document.disclaimer == DISCLAIMS
    assert doc.document.notice == NOTICE


def test_a_labelled_disclaimer_wins_and_wording_inside_it_changes_nothing(tmp_path: Path) -> None:
    text = "Desk FAQ\n\n" + QA + f"Disclaimer: {DISCLAIMS}\n\n{NOTICE}\n"
    doc = _parse(tmp_path, "faq.txt", text)
    assert doc.document.disclaimer == DISCLAIMS and doc.document.notice == NOTICE


def test_prose_that_does_not_disclaim_is_still_refused(tmp_path: Path) -> None:
    """Only a disclaimer's wording makes an unlabelled paragraph one: other text after the last
    answer is still refused, naming its line."""
    text = "Desk FAQ\n\n" + QA + "Check the planning grid before you bill it.\n\n" + NOTICE + "\n"
    with pytest.raises(CorpusFormatError) as err:
        _parse(tmp_path, "faq.txt", text)
    assert err.value.line == 9  # the line after the last answer


def test_a_vote_count_and_an_end_mark_are_page_matter(tmp_path: Path) -> None:
    """"Was this helpful? … 14 of 17 found this helpful" and "-- end of bulletin --" are the page's
    and the publication's own marks: never answer text, references or notice."""
    text = ("Desk FAQ\n\n" + QA + "Was this article helpful? Yes No · 9 of 11 found this helpful"
            "\n\n" + f"Disclaimer: {DISCLAIMS}\n\n{NOTICE}\n\n-- end of bulletin --\n")
    doc = _parse(tmp_path, "faq.txt", text)
    assert doc.entries[-1].answer == "Once for each five fractions."
    assert doc.document.references == ()
    assert doc.document.notice == NOTICE


def test_a_wrapped_bulleted_reference_is_one_reference(tmp_path: Path) -> None:
    """Plain text wraps a long citation onto an indented line without a bullet: it is the rest of
    that citation, not a reference of its own."""
    text = ("Desk FAQ\n\n" + QA + "References:\n  - Claims Processing Manual, Pub. 100-04, "
            "Chapter 12 and\n    Chapter 13\n  - NCCI Policy Manual, Chapter IX\n\n"
            f"Disclaimer: {DISCLAIMS}\n")
    doc = _parse(tmp_path, "faq.txt", text)
    assert doc.document.references == (
        "Claims Processing Manual, Pub. 100-04, Chapter 12 and Chapter 13",
        "NCCI Policy Manual, Chapter IX")
