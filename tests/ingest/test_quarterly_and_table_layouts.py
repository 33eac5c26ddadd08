"""Two more publishers' layouts, written here in our own words: a network's quarterly PDF whose
bold title wraps onto a line holding only the word "Answered", with a two-column table inside an
answer whose cells wrap in their column; and a hospital association's page with a three-column
data table headed "Code | Source | Use" (a header word that is also a references label)."""

from __future__ import annotations

from pathlib import Path

from ingest.parse.lines import CELL_SEPARATOR
from ingest.readers.pdf_layout import table_rows
from tests.ingest.docmaker import make_pdf
from tests.ingest.layouts import parse, qa, write

QUARTERLY = """**Treatment Delivery: Your Questions**
**Answered**

The quarterly answers what reached the coding line this season.

Question: How are the non-IMRT delivery levels told apart?
Answer: By how complex the treatment is, not by the energy used:

Code\tLevel and what it takes
77402\tSimple: one treatment area; one or two ports
77407\tIntermediate: two separate areas, or three or
\tmore ports on one area
77412\tComplex: three or more areas; wedges or
\tcustom blocking; or electrons

Each is reported once per treatment session.

Question: Is VMAT its own delivery code?
Answer: No. An arc plan made by inverse planning is IMRT and is reported as IMRT delivery.

Disclaimer: For the network's coding staff; check each payer's own rules."""


def test_a_title_wrapped_onto_an_answer_word_is_the_title(tmp_path: Path) -> None:
    doc = parse(make_pdf(tmp_path / "quarterly.pdf", QUARTERLY))
    assert doc.document.title == "Treatment Delivery: Your Questions Answered"
    assert [q for q, _ in qa(doc)] == ["How are the non-IMRT delivery levels told apart?",
                                        "Is VMAT its own delivery code?"]


def test_an_answer_word_after_a_question_is_still_a_label(tmp_path: Path) -> None:
    # the same bold line once a question has been asked opens that question's answer
    text = QUARTERLY.replace("Answer: No. An arc plan", "**Answered**\nNo. An arc plan")
    doc = parse(make_pdf(tmp_path / "quarterly.pdf", text))
    assert qa(doc)[1] == ("Is VMAT its own delivery code?",
                          "No. An arc plan made by inverse planning is IMRT and is reported as "
                          "IMRT delivery.")


def test_a_pdf_table_whose_cells_wrap_keeps_each_row_on_its_line(tmp_path: Path) -> None:
    answer = qa(parse(make_pdf(tmp_path / "quarterly.pdf", QUARTERLY)))[0][1]
    rows = answer.split("\n\n")[1].split("\n")
    assert rows == [
        "Code | Level and what it takes",
        "77402 | Simple: one treatment area; one or two ports",
        "77407 | Intermediate: two separate areas, or three or more ports on one area",
        "77412 | Complex: three or more areas; wedges or custom blocking; or electrons",
    ]
    assert answer.endswith("Each is reported once per treatment session.")


def test_table_rows_need_a_cell_that_wraps_and_leave_lists_alone() -> None:
    table = ["Code      Level", "77402     Simple", "77407     Intermediate, or",
             "          more ports"]
    assert table_rows(table) == {0: ["Code", "Level"], 1: ["77402", "Simple"],
                                 2: ["77407", "Intermediate, or"]}
    # no cell wraps: the lines are read as today (short lines stay apart anyway)
    assert table_rows(table[:3]) == {}
    # a numbered or bulleted list with a hanging indent is a list, not a table
    assert table_rows(["1   The physician orders it", "    and says why.",
                       "2   A report is written."]) == {}
    assert table_rows(["\u2022   77371 is one session", "    on a cobalt unit.",
                       "\u2022   77372 is linac based."]) == {}
    assert CELL_SEPARATOR == " | "  # as the web and Word readers join a row's cells


ASSOCIATION = """<html><body><h1>Coding Corner: Skin Brachytherapy</h1>
<h3>Coding Question</h3><p>How do the skin surface codes differ?</p>
<h3>Coding Response</h3><p>By the source and the site:</p>
<table><thead><tr><th>Code</th><th>Source</th><th>Use</th></tr></thead>
<tbody><tr><td>0394T</td><td>Electronic</td><td>Skin surface, per fraction</td></tr>
<tr><td>77767</td><td>Radionuclide</td><td>Lesion up to 2.0 cm or 1 channel</td></tr>
</tbody></table>
<p>Verify coverage of Category III codes first.</p>
<h3>Coding Question</h3><p>Two lesions in one session?</p>
<h3>Coding Response</h3><p>Report 77768 once.</p>
<h3>Disclaimer</h3><p>Educational only; not reimbursement advice.</p>
</body></html>"""


def test_a_data_tables_header_word_opens_no_references(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "coding-corner.html", ASSOCIATION))
    assert qa(doc)[0][1] == ("By the source and the site:\n\n"
                             "Code | Source | Use\n"
                             "0394T | Electronic | Skin surface, per fraction\n"
                             "77767 | Radionuclide | Lesion up to 2.0 cm or 1 channel\n\n"
                             "Verify coverage of Category III codes first.")
    assert doc.document.references == ()
