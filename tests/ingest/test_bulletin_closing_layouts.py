"""How publishers close a page after the last answer, written here in our own words: an e-mailed
bulletin whose entries are set off by "* * *" and whose last one is followed by a boxed "FINE
PRINT" section (a disclaimer told by its wording, the sources, a sign-off); a help-centre article
ending with a feedback prompt and a run-in "Related articles:" line; a disclaimer under a short
title of its own; and a feedback widget that asks "Was this helpful?" with no noun."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse.labels import is_chrome
from ingest.parse.wording import disclaims
from retrieval.errors import CorpusFormatError
from tests.ingest.layouts import parse, qa, write

BULLETIN = """MAPLE RIDGE CODING NOTES
Bulletin for radiation oncology billing staff

                              * * *

Q1: How many units of 77300 go with a four-field box?

A1:
   One for each calculation the physician prescribes and the record
   documents, usually one per field.

                              * * *

Q2: Is a custom bolus a device charge?

A2:
   A bolus cut and shaped for the patient's field is reported with
   77334 once, with the physician's documentation.

   Sheet bolus used as supplied is a supply.

                              * * *

----------------------------------------------------------------------
  FINE PRINT
----------------------------------------------------------------------
Maple Ridge Coding provides these notes for general information.
Nothing here is legal advice; confirm with your payer before acting.

Sources we used this month:
  - CPT professional edition, radiation oncology guidelines
  - CMS NCCI policy manual, chapter IX

CPT is a registered trademark of the American Medical Association.

Until next month,

Robin Okafor, CPC
Maple Ridge Coding
"""


def test_a_rule_drawn_between_entries_closes_the_last_answer_too(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "maple-ridge-notes.txt", BULLETIN))
    pairs = qa(doc)
    assert len(pairs) == 2
    last = pairs[1][1]
    assert last.rstrip().endswith("is a supply.")  # whole, and nothing after its rule
    assert "FINE PRINT" not in last and "Sources" not in last
    assert doc.document.disclaimer.startswith("Maple Ridge Coding provides these notes")
    assert doc.document.notice.startswith("CPT is a registered trademark")
    # the closing section's sources are kept; the sign-off is not a source
    assert doc.document.references == ("Sources we used this month:",
                                       "CPT professional edition, radiation oncology guidelines",
                                       "CMS NCCI policy manual, chapter IX")


def test_a_closing_title_that_could_be_a_question_is_still_refused(tmp_path: Path) -> None:
    text = BULLETIN.replace("  FINE PRINT", "  CAN WE BILL 77470")
    with pytest.raises(CorpusFormatError, match="CAN WE BILL 77470"):
        parse(write(tmp_path, "maple-ridge-notes.txt", text))


def test_without_the_rule_after_it_the_last_answer_s_end_is_still_found_or_refused(
        tmp_path: Path) -> None:
    """The rule that closes the file closes nothing: a rule only closes an answer where a
    question or another section follows it."""
    text = BULLETIN.replace("""   Sheet bolus used as supplied is a supply.

                              * * *
""", """   Sheet bolus used as supplied is a supply.
""")
    with pytest.raises(CorpusFormatError, match="FINE PRINT"):
        parse(write(tmp_path, "maple-ridge-notes.txt", text))


@pytest.mark.parametrize("text", [
    "Nothing here is legal advice; confirm with your payer.",
    "Nothing in this bulletin constitutes billing advice.",
])
def test_nothing_here_is_advice_is_a_disclaimer(text: str) -> None:
    assert disclaims(text)


def test_an_answer_saying_nothing_is_billed_is_no_disclaimer() -> None:
    assert not disclaims("Nothing here is billed separately; the device is part of 77301.")


HELP = """# How the charge rules treat image guidance

## Why is 77014 held when 77387 is on the same session?

77387 already covers the guidance for that session, so the second code is held for review.

## References

- AMA CPT, radiation oncology guidelines
- CMS NCCI edit tables

**Related articles:** Payer profiles · Held charges · Release notes

_Did this article answer your question? Rate it with the thumbs at the top of the page._

## Disclaimer

This article explains the default rules; it is not coding or legal advice.

CPT is a registered trademark of the American Medical Association.
"""


def test_a_run_in_related_articles_line_and_a_rating_prompt_are_no_references(
        tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "charge-rules-help.md", HELP))
    assert doc.document.references == ("AMA CPT, radiation oncology guidelines",
                                       "CMS NCCI edit tables")


@pytest.mark.parametrize("line", [
    "Was this helpful?",
    "Was this helpful? Yes / No",
    "Did this article answer your question? Rate it with the thumbs at the top of the page.",
])
def test_feedback_prompts_are_chrome(line: str) -> None:
    assert is_chrome(line)


def test_a_question_about_helpfulness_in_an_answer_is_not_chrome() -> None:
    assert not is_chrome("Was this helpful to the patient's set-up, and can it be billed?")


TITLED = """Coding Question: Is sheet bolus a device charge?

Coding Answer: No; sheet bolus used as supplied is a supply, not a device.

Statement of limitation
These answers are the committee's opinion for general education only and not legal advice.

CPT is a registered trademark of the American Medical Association.
"""


def test_a_short_title_over_an_unlabelled_disclaimer_is_not_part_of_it(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "committee-answers.txt", TITLED))
    assert doc.document.disclaimer.startswith("These answers are the committee's opinion")
    assert qa(doc)[0][1].endswith("not a device.")
