"""A citation that plain text wraps onto a continuation line is one reference; separate
citations stay separate (`ingest.parse.ending.continues_reference`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse.ending import reference_lines
from tests.ingest.layouts import parse, write

HEAD = ("Harbor Coding Notes\n\nQuestion: Is 77401 reported with 77417 on the same day?\n"
        "Answer: Yes, the port images are reported once per week of treatment.\n\n")
TAIL = "\nDisclaimer: General education only; no guarantee of payment.\n"


@pytest.mark.parametrize(("refs", "expected"), [
    ("References\nSociety Coding Manual, Radiation Oncology chapter,\n  2025 edition\n"
     "Payer Policy Handbook, Section 4\n",
     ["Society Coding Manual, Radiation Oncology chapter, 2025 edition",
      "Payer Policy Handbook, Section 4"]),
    ("References\nSociety Coding Manual, Radiation Oncology chapter and\nannual coding update\n"
     "Payer Policy Handbook, Section 4\n",
     ["Society Coding Manual, Radiation Oncology chapter and annual coding update",
      "Payer Policy Handbook, Section 4"]),
    ("References:\n- Society Coding Manual, Radiation Oncology chapter,\n  special procedures,\n"
     "  2025 edition\n- Payer Policy Handbook\n",
     ["Society Coding Manual, Radiation Oncology chapter, special procedures, 2025 edition",
      "Payer Policy Handbook"]),
    ("References\nSociety Coding Manual, Radiation Oncology chapter,\nspecial procedures\n",
     ["Society Coding Manual, Radiation Oncology chapter, special procedures"]),
], ids=["hanging indent", "after 'and'", "bullet wrapped twice", "after a comma"])
def test_a_wrapped_citation_is_one_reference(tmp_path: Path, refs: str,
                                             expected: list[str]) -> None:
    doc = parse(write(tmp_path, "notes.txt", HEAD + refs + TAIL))
    assert list(doc.document.references) == expected
    assert doc.entries[0].answer.endswith("once per week of treatment.")


def test_an_unlabelled_wrapped_citation_after_the_last_answer(tmp_path: Path) -> None:
    refs = "Society Coding Manual, Radiation Oncology chapter,\n   2025 edition\n"
    doc = parse(write(tmp_path, "notes.txt", HEAD + refs + TAIL))
    assert doc.document.references == ("Society Coding Manual, Radiation Oncology chapter, "
                                       "2025 edition",)


@pytest.mark.parametrize("lines", [
    ["Society Coding Manual, 2025.", "e-Learning module on port films"],
    ["Some Coding Guide", "see also: a payer bulletin."],
    ["Society Coding Manual, 2025", "www.example.org/coding-manual"],
    ["Society Coding Manual, 2025", "Payer Policy Handbook"],
    ["  Society Coding Manual, 2025", "Payer Policy Handbook"],
    ["- Society Coding Manual, 2025", "- e-Learning module on port films"],
], ids=["after a full stop", "after a finished title", "a URL", "capitalised", "less indented",
        "bulleted"])
def test_separate_citations_stay_separate(lines: list[str]) -> None:
    assert len(reference_lines(lines)) == 2


def test_a_citation_on_the_label_line_is_measured_where_it_stands(tmp_path: Path) -> None:
    refs = "References: Society Coding Manual, 2025\n  Payer Policy Handbook, Section 4\n"
    doc = parse(write(tmp_path, "notes.txt", HEAD + refs + TAIL))
    assert doc.document.references == ("Society Coding Manual, 2025",
                                       "Payer Policy Handbook, Section 4")


def test_numbered_citations_run_into_one_line_are_told_apart() -> None:
    from ingest.parse.ending import reference_lines

    run = ("1. Coding Resource, radiation oncology chapter. 2. Claims Manual, chapter 13, "
           "section 70. 3. Committee minutes, October 2024.")
    assert reference_lines([run]) == ["Coding Resource, radiation oncology chapter.",
                                      "Claims Manual, chapter 13, section 70.",
                                      "Committee minutes, October 2024."]
    # numbers that do not count on from 1, or a number inside a title, split nothing
    assert reference_lines(["1. Claims Manual, chapter 13. 4. Appendix."]) == [
        "Claims Manual, chapter 13. 4. Appendix."]
    assert reference_lines(["Coding Guide vol. 2. Edition 3"]) == ["Coding Guide vol. 2. Edition 3"]
