"""A society handbook printed to PDF, in our own words: questions numbered `Question n.` and
answered `Answer.`, section titles set in bold between entries, questions wrapped over two lines,
and (printed by Chromium) typographic ligatures in the text layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse.lines import BOLD_LEVEL, HEADING, Line
from ingest.readers.pdf import section_titles, small_caps, unwrap
from tests.ingest import docmaker
from tests.ingest.layouts import parse

HANDBOOK = """\
Device Coding Handbook

**Treatment devices**

Question 1. How many units of 77334 may be reported for a course of IMRT with several
custom devices?

Answer. One unit for each distinct complex device designed and documented.

**Proton therapy**

Question 2. Is a range compensator reported with the device codes?

Answer. Yes, a compensator made for the plan is a device and is reported with 77334.

References

CPT Radiation Oncology guidelines

Disclaimer: For educational purposes only; verify with your payer.
"""


def test_bold_section_titles_between_entries_never_end_an_answer(tmp_path: Path) -> None:
    doc = parse(docmaker.make_pdf(tmp_path / "device-handbook.pdf", HANDBOOK, width=90))
    answers = [e.answer for e in doc.entries]
    assert answers == [
        "One unit for each distinct complex device designed and documented.",
        "Yes, a compensator made for the plan is a device and is reported with 77334."]
    assert doc.entries[0].question == ("How many units of 77334 may be reported for a course of "
                                       "IMRT with several custom devices?")


def test_a_bold_line_that_asks_or_ends_a_sentence_is_not_a_section_title() -> None:
    lines = [Line(1, ""), Line(2, "Is 77300 bundled?", level=BOLD_LEVEL), Line(3, ""),
             Line(4, "Report it once.", level=BOLD_LEVEL), Line(5, ""),
             Line(6, "Hyperthermia", level=BOLD_LEVEL), Line(7, "")]
    kinds = [ln.kind for ln in section_titles(lines)]
    assert kinds[1] != HEADING and kinds[3] != HEADING and kinds[5] == HEADING


def test_a_lower_case_line_continues_a_short_one_that_ends_mid_sentence() -> None:
    lines = [Line(1, "A long line of prose that sets the width of the widest line here."),
             Line(2, ""), Line(3, "Which codes describe"), Line(4, "delivery?"), Line(5, ""),
             Line(6, "Report it once."), Line(7, "then the next sentence.")]
    assert [ln.text for ln in unwrap(lines)] == [
        "A long line of prose that sets the width of the widest line here.", "",
        "Which codes describe delivery?", "", "Report it once.", "then the next sentence."]


@pytest.mark.browser
def test_a_page_printed_by_chromium_parses_with_any_ligatures_as_letters(tmp_path: Path,
                                                                    chromium) -> None:
    html = ("<html><head><title>Handbook</title></head><body style='font-family:serif'>"
            "<h1>Special procedures handbook</h1>"
            "<h2>Question 1. Does the first fraction of five need a new plan when the field "
            "configuration and the official prescription have both been changed?</h2>"
            "<p>Answer. No. The official flow reuses the first plan unless the field "
            "configuration differs.</p>"
            "<p>Disclaimer: This handbook is offered as general education.</p></body></html>")
    path = docmaker.print_html(chromium, html, tmp_path / "handbook.pdf")
    from pypdf import PdfReader

    # whether the print's text layer carries ligature glyphs (ﬁ, ﬀ) depends on the fonts the
    # machine has; the parse must be right either way (the glyphs themselves are undone in
    # test_a_bold_question_with_a_ligature_is_still_bold_and_joined, with no browser)
    assert "Special procedures" in "".join(p.extract_text() for p in PdfReader(str(path)).pages)
    doc = parse(path)
    assert doc.entries[0].question == (  # a bold question wrapped over lines is one line
        "Does the first fraction of five need a new plan when the field configuration and the "
        "official prescription have both been changed?")
    answer = doc.entries[0].answer
    assert "official flow" in answer and "configuration" in answer
    assert not any("\ufb00" <= c <= "\ufb06" for c in answer + doc.entries[0].question)


def test_words_in_small_capitals_are_joined_again() -> None:
    assert small_caps("M ERIDIAN S OCIETY OF RADIATION O NCOLOGY") == \
        "MERIDIAN SOCIETY OF RADIATION ONCOLOGY"
    assert small_caps("PLAN B FOR 77300") == "PLAN B FOR 77300"  # one split is not small caps
    assert small_caps("Group B Streptococcus and C Section") == \
        "Group B Streptococcus and C Section"  # not a line in capitals


def test_a_bold_question_with_a_ligature_is_still_bold_and_joined(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.readers import pdf

    first = "Question 2. For a course of \ufb01ve insertions, may we report a"
    second = "new plan with every insertion?"
    page = f"{first}\n{second}\nAnswer. Yes, when a new plan is computed.\n"
    monkeypatch.setattr(pdf, "_pdf_pages",
                        lambda path: ([(page, page)], ({first: 12.0, second: 12.0}, {})))
    lines = [ln for ln in pdf.read_pdf(tmp_path / "any.pdf") if ln.text]
    assert lines[0].text == ("Question 2. For a course of five insertions, may we report a "
                             "new plan with every insertion?")
    assert lines[0].level == BOLD_LEVEL
