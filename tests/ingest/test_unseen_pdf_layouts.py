"""PDF layouts no earlier fixture had (lists set with a hanging indent or drawn bullets, answers
indented under questions, pages printed by a browser), each from a small document written in
our own words (tests/ingest/fixtures): every entry, whole answers, title, disclaimer, notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.readers.pdf_layout import browser_title
from ingest.readers.pdf_lists import hanging_starts, indented_answers, marker_less_items
from tests.ingest.layouts import parse, qa

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_printed_numbered_list_keeps_its_items_and_the_paragraph_after_it_apart() -> None:
    """A PDF printed from a page whose answer holds a numbered list set with a hanging indent
    (each item's wrapped line under its text, the next paragraph back at the margin): each item
    is a line of its own and the paragraph after the list is not run into the last item."""
    doc = parse(FIXTURES / "printed-numbered-list-bare.pdf")
    assert [q for q, _ in qa(doc)] == [
        "What must the record show before radium-223 is billed?",
        "Is clinical treatment planning billed for each cycle of lutetium-177?",
        "Which code is used for an oral iodine-131 treatment?"]
    assert doc.entries[0].answer == (
        "The Plan pays the administration (79101) and the agent when the record shows all of "
        "the following for the administration that is billed on the claim:\n\n"
        "1. an order from the treating physician naming the agent, the activity and the number "
        "of planned cycles for the patient;\n"
        "2. the administered activity recorded on the day of administration by the staff who "
        "gave it;\n"
        "3. the prior authorisation number.\n\n"
        "Claims without an authorisation number are returned to the provider without payment "
        "and may be sent again when the number is added.")
    assert doc.document.disclaimer == (
        "This bulletin is informational and is not a guarantee of payment; benefits, "
        "eligibility and the provider agreement apply to every claim.")
    assert doc.document.notice == ("CPT is a registered trademark of the American Medical "
                                   "Association.")


@pytest.mark.parametrize(("rows", "starts"), [
    # bare numbers at a tab stop, a wrapped item, then the next paragraph at the margin
    ([" Answer: 77331 is paid when all of these are met:",
      " 1   The physician ordered the measurement.",
      " 2   A report of the measured dose is in the record and was reviewed by the",
      "     physician.",
      " The Plan pays one unit per session."], {1, 2, 4}),
    # a bulleted list whose last item wraps, then a paragraph with no blank line before it
    ([" \u2022   77373 includes image guidance for each fraction.",
      " \u2022   Stereotactic management includes image guidance, so it is not billed",
      "     again with it.",
      " Intrafraction tracking is not reimbursed separately either."], {0, 1, 3}),
    # a line of prose opening with a number: no list
    (["The Plan reimburses the calculations prescribed, up to",
      "10 units per date of service, with the plan attached."], set()),
    # a single numbered line with nothing hanging from it: no list to tell apart
    (["1. Only this line.", "And prose after it."], set()),
], ids=["numbers-at-a-tab-stop", "bullets-then-paragraph", "prose-opening-with-a-number",
        "one-item-no-hang"])
def test_rows_that_start_a_line_of_their_own(rows: list[str], starts: set[int]) -> None:
    assert hanging_starts(rows) == starts


def test_a_printed_definition_list_sets_each_answer_under_its_question() -> None:
    """The definition-list page printed to PDF (browser header and footer included): each
    question at the margin, its answer indented below with no blank line between; the
    questions are told by their answers' indent (before: refused, no questions found)."""
    doc = parse(FIXTURES / "definition-list-page-details.pdf")
    # (each definition's line breaks are the PDF's: a short last line ends a line, a full one
    # runs into the next definition; the words are compared)
    assert [(q, " ".join(a.split())) for q, a in qa(doc)] == [
        ("Can 77336 be billed for a week with only two fractions?",
         "Yes. 77336 is reported once for each five fractions; the final two or three fractions "
         "of a course are reported with one more unit. Two fractions alone at the end of a "
         "course still count as a unit."),
        ("Who may perform a special physics consultation (77370)?",
         "A qualified medical physicist performs the consultation at the physician's written "
         "request. The request and the physicist's report must both be in the record. Routine "
         "chart checks are not special consultations.")]
    assert doc.document.disclaimer == ("The council's answers are guidance for its members and "
                                       "not a statement of payer policy.")
    assert doc.document.notice == ("CPT is a registered trademark of the American Medical "
                                   "Association.")


def test_one_question_over_an_indented_line_is_no_layout() -> None:
    """One asking line over an indented one may be chance (a list item's wrap): two are
    needed before questions are set apart by their answers' indent."""
    page = ["  Can it be billed?", "         Yes, once.", "  Other text."]
    assert indented_answers([page]) == [set()]
    assert indented_answers([page + ["  Is it weekly?", "         No."]]) == [{0, 1, 3, 4}]


@pytest.mark.parametrize(("rows", "starts"), [
    # a browser's printed list: bullets drawn as shapes, the items only indented
    (["  Count the channels that carry the source during the fraction, as the plan shows.",
      "",
      "         two to twelve channels: 77771",
      "         more than twelve: 77772",
      "",
      "  Next paragraph of the page, at its margin, as wide as the text goes on the page."],
     {3}),
    # items that wrap within the indent: a full line goes on, a short one ends its item
    (["  High dose rate brachytherapy is reported by where the source is placed and how many",
      "  channels carry it; the applicator's insertion is reported on its own when performed.",
      "  Remote afterloading delivery is reported once per fraction with the code that fits.",
      "      77767 – skin surface brachytherapy, lesion diameter up to 2.0 cm or one",
      "      channel;",
      "      77770 – interstitial or intracavitary, one channel;",
      "  The codes include the supervision and handling of the source for that fraction."],
     {5}),
    # an indented table: its rows are cells apart, never a list
    (["  The levels are as follows for each of the codes below, by the number of areas.",
      "      77402      simple",
      "      77407      intermediate"], set()),
], ids=["printed-bullets", "wrapped-items", "indented-table"])
def test_rows_of_a_list_whose_markers_are_drawn(rows: list[str], starts: set[int]) -> None:
    assert marker_less_items(rows) == starts


def _words(text: str) -> str:
    return " ".join(text.replace(" | ", " ").split())


@pytest.mark.parametrize("stem", ["question-headings", "coding-corner-run-in"])
def test_a_printed_page_reads_as_the_page_does(stem: str) -> None:
    """A page printed by a browser (its header and footer on each page) gives the entries and
    the title the page gives: bold questions (h3) or bold run-in questions ("Can we…? Yes, …" on
    one line); bold lead-ins set smaller inside answers ("Documentation", h4) stay in them with
    their paragraphs (read as section titles they ended the answer and were lost); larger
    section titles (h2) are in none; "Related links" printed right under the last answer titles
    the references (before: refused). A printed table's cells are apart by spaces only."""
    page, printed = (parse(FIXTURES / f"{stem}.{ext}") for ext in ("html", "pdf"))
    assert [(q, _words(a)) for q, a in qa(printed)] == [(q, _words(a)) for q, a in qa(page)]
    # the title the browser printed in its header, not the site's menu or cookie notice that
    # the page's print opens with
    assert printed.document.title == page.document.title
    assert printed.document.references == page.document.references
    assert printed.document.disclaimer == page.document.disclaimer
    assert printed.document.notice == page.document.notice


def test_the_title_a_browser_prints_in_its_header() -> None:
    pages = [["12/2/26, 4:11 PM Coding Corner — Spring Issue", "Home | Past issues", "Text"],
             ["12/2/26, 4:11 PM Coding Corner — Spring Issue", "More text"]]
    assert browser_title(pages) == "Coding Corner — Spring Issue"
    assert browser_title([["Coding Corner", "Text"]]) == ""  # not printed by a browser
    assert browser_title([["12/2/26, 4:11 PM A very long title cut short by the brow\u2026"]]) \
        == ""
