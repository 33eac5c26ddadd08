"""Publisher layouts no earlier fixture had, each a small document written in our own words
(tests/ingest/fixtures): what a coder expects of each — every entry, whole answers, the
document's title, disclaimer and CPT notice, nothing of the page's chrome."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.readers.pdf_layout import browser_title
from ingest.readers.pdf_lists import hanging_starts, indented_answers, marker_less_items
from ingest.readers.text import read_text
from retrieval.errors import CorpusFormatError
from tests.ingest import docmaker
from tests.ingest.layouts import parse, qa, write

FIXTURES = Path(__file__).parent / "fixtures"


def test_an_aria_accordion_without_faq_classes_is_read_by_its_regions() -> None:
    """The WAI-ARIA accordion pattern (a heading's button, aria-expanded, opening a hidden
    role=region panel named by it) in a page whose classes say nothing of FAQs or accordions:
    every button is a question, its region the answer; before, the buttons went with the page's
    interactive chrome and the page was refused for having no questions."""
    doc = parse(FIXTURES / "aria-region-accordion.html")
    assert qa(doc) == [
        ("How many simulations may be billed for one course?",
         "Bill each simulation that is medically necessary and documented. A repeat simulation "
         "for a changed target or patient position is a new simulation.\n\nA verification "
         "session on the treatment machine is not a simulation."),
        ("Does a 4D CT change the simulation level?",
         "No. Report the simulation level that matches the work performed, and add 77293 for "
         "respiratory motion management when its requirements are met."),
        ("When is clinical treatment planning complex?",
         "Complex planning (77263) applies when the physician documents, for example:\n\n"
         "three or more converging ports,\ntwo separate treatment areas, or\n"
         "special beam considerations.")]
    assert doc.document.title == "Planning and Simulation Coding Help | Ridgeview Cancer Network"
    assert doc.document.disclaimer.startswith("This help page is educational.")
    assert doc.document.notice == ("CPT codes and descriptions are copyright American Medical "
                                   "Association. All rights reserved.")


def test_a_definition_list_of_page_details_is_no_question_list() -> None:
    """A page giving its details in a <dl> ("Published", "Audience") before its questions in
    another <dl> with several <dd> per question: only the terms that ask are questions; the
    details are the page's preamble, never entries."""
    doc = parse(FIXTURES / "definition-list-page-details.html")
    assert qa(doc) == [
        ("Can 77336 be billed for a week with only two fractions?",
         "Yes. 77336 is reported once for each five fractions; the final two or three fractions "
         "of a course are reported with one more unit.\n\nTwo fractions alone at the end of a "
         "course still count as a unit."),
        ("Who may perform a special physics consultation (77370)?",
         "A qualified medical physicist performs the consultation at the physician's written "
         "request.\n\nThe request and the physicist's report must both be in the record.\n\n"
         "Routine chart checks are not special consultations.")]
    assert doc.document.title == "Physics Consultation Answers - Lakemont Coding Council"
    assert doc.document.disclaimer == ("The council's answers are guidance for its members and "
                                       "not a statement of payer policy.")
    assert doc.document.notice == ("CPT is a registered trademark of the American Medical "
                                   "Association.")


def test_a_table_of_question_cells_and_answer_cells_keeps_each_answer_whole() -> None:
    """Each row a question (a row header, <th scope=row>) and its answer cell of paragraphs and
    a list; the disclaimer paragraph ends with the CPT notice, which is the notice."""
    doc = parse(FIXTURES / "question-cell-rows.html")
    assert qa(doc) == [
        ("May we report 77412 for a VMAT arc treatment when no IMRT plan was billed?",
         "No. Arc therapy that modulates the beam intensity is IMRT delivery and is reported "
         "with 77385 or 77386.\n\nUse 77412 only when the plan is a conventional or 3D plan and "
         "the delivery meets the complex criteria."),
        ("Which image guidance code goes with a cone-beam CT taken before a 3D fraction?",
         "In the facility setting report 77387 when the images are acquired and reviewed for "
         "positioning.\n\nDo not add 77014 for the same imaging.\nReport only one image "
         "guidance service per fraction."),
        ("Is G6015 still reported by freestanding centers?",
         "Yes, Medicare continues to require the G codes for delivery in the freestanding "
         "setting; check each commercial payer's instructions.")]
    assert doc.document.title == "Westbrook Oncology Billing Office: Delivery Questions"
    assert doc.document.disclaimer == (
        "These answers reflect the billing office's reading of current rules and are not a "
        "guarantee of payment. Payers may apply their own policies.")
    assert doc.document.notice == ("CPT is a registered trademark of the American Medical "
                                   "Association.")


def test_summaries_holding_headings_and_panels_of_lists() -> None:
    """<details> whose <summary> holds an <h3>, and whose body is a <div> of paragraphs and a
    list; the disclaimer in <small>, its CPT notice sentence split off."""
    doc = parse(FIXTURES / "summary-headings.html")
    assert qa(doc) == [
        ("Is the placement of a tandem and ovoids reported by the radiation oncologist?",
         "Yes, when the radiation oncologist places the applicator, report 57155.\n\n"
         "Report the source application separately (77770-77772).\nImaging to confirm the "
         "placement may be reported when it is documented.\n\nIf a gynecologist places the "
         "applicator, the gynecologist reports the placement."),
        ("How is HDR treatment planning reported for each fraction?",
         "Report isodose planning (77316-77318) for each new plan. Do not report a new plan "
         "for a fraction that reuses an existing plan without changes.")]
    assert doc.document.title == "Brachytherapy Coding FAQ"
    assert doc.document.disclaimer == ("This FAQ is offered for education and does not "
                                       "guarantee coverage or payment.")
    assert doc.document.notice == ("CPT codes and descriptions only are copyright American "
                                   "Medical Association.")


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


def test_a_question_answer_table_with_a_reference_column() -> None:
    """A payer's table "# | Question | Answer | Reference": the reference cell is the answer's
    source, read as its last line after the column's header; before, the page was refused for
    a column that was neither question nor answer."""
    doc = parse(FIXTURES / "question-answer-reference-table.html")
    assert qa(doc) == [
        ("Is 77300 reported with a 3D plan?",
         "Yes, for each calculation the physician orders and signs.\n\n"
         "Reference: CPT guidelines"),
        ("Is 77300 reported with an IMRT plan?",
         "No. Basic dosimetry is included in 77301.\n\nReference: NCCI manual, chapter 9")]
    assert doc.document.disclaimer == "Educational only; not legal advice."


def test_a_markdown_question_answer_table_with_a_source_column(tmp_path: Path) -> None:
    text = ("# Superficial Therapy Questions\n\n| Question | Answer | Source |\n|---|---|---|\n"
            "| Is 77401 reported per treatment? | Yes, for each session. | CMS fee schedule |\n"
            "| Can 77280 be billed with it? | Only when a simulation is documented.<br>Setup "
            "alone is not one. | |\n\nDisclaimer: For education only; not legal advice.\n")
    doc = parse(write(tmp_path, "superficial.md", text))
    assert qa(doc) == [
        ("Is 77401 reported per treatment?", "Yes, for each session.\n\nSource: CMS fee schedule"),
        ("Can 77280 be billed with it?",
         "Only when a simulation is documented.\nSetup alone is not one.")]


def test_a_column_that_is_neither_question_answer_nor_source_is_still_refused(
        tmp_path: Path) -> None:
    text = ("# Questions\n\n| Topic | Question | Answer |\n|---|---|---|\n"
            "| Physics | Is 77336 weekly? | Per five fractions. |\n"
            "| Planning | Is 77263 per course? | Yes. |\n\nDisclaimer: Not legal advice.\n")
    with pytest.raises(CorpusFormatError, match="column 'Topic'"):
        parse(write(tmp_path, "topics.md", text))


def test_a_word_question_answer_table_with_a_reference_column(tmp_path: Path) -> None:
    path = docmaker.make_docx_blocks(tmp_path / "superficial.docx", [
        ("h1", "Superficial Therapy Questions"),
        ("table", [["#", "Question", "Answer", "Reference"],
                   ["1", "Is 77401 reported per treatment?", "Yes, for each session.",
                    "CMS fee schedule"],
                   ["2", "Can 77280 be billed with it?", "Only when a simulation is documented.",
                    ""]]),
        ("p", "Disclaimer: For education only; not legal advice.")])
    assert qa(parse(path)) == [
        ("Is 77401 reported per treatment?",
         "Yes, for each session.\n\nReference: CMS fee schedule"),
        ("Can 77280 be billed with it?", "Only when a simulation is documented.")]


def test_plain_text_answers_indented_under_numbered_questions() -> None:
    """An outline in plain text: "1) Is …?" and its answer's lines indented under it, no blank
    line between (before, the file was refused as having no questions)."""
    doc = parse(FIXTURES / "outline-answers.txt")
    assert qa(doc) == [
        ("Is 77387 paid separately under OPPS?",
         "No. Image guidance is packaged into the delivery payment, but it is still\n"
         "   charged so that its cost is captured."),
        ("Is G6001 used in the hospital?",
         "No. Hospitals report 77387 for ultrasound guidance as well.")]
    assert doc.document.title == "Hospital Outpatient Coding Notes: Radiation Oncology"
    assert doc.document.disclaimer == "These notes are education and not legal advice."


def test_only_a_first_line_that_asks_is_set_apart_from_its_indented_lines(
        tmp_path: Path) -> None:
    """A question wrapped onto an indented line, and a labelled question, are left as written:
    only an unlabelled first line ending with "?" stands over an indented answer."""
    text = ("1) When the course ends with two fractions, is 77427\n   reported for them?\n\n"
            "Q: Is 77431 reported with 77427?\n   A: No.\n\n"
            "2) Is 77336 weekly?\n   No, per five fractions.\n")
    lines = [ln.text for ln in read_text(write(tmp_path, "notes.txt", text))]
    assert lines == ["1) When the course ends with two fractions, is 77427",
                     "   reported for them?", "", "Q: Is 77431 reported with 77427?", "   A: No.",
                     "", "2) Is 77336 weekly?", "", "   No, per five fractions.", ""]


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


def test_a_word_answer_ending_in_a_bulleted_list_of_clauses() -> None:
    """Questions as Word headings, a data table in one answer, and the last answer ending in a
    bulleted list whose items end with "," and "." (a page header and footer around it): the
    list is the answer's, never references (before: refused, "cannot tell whether line 12
    belongs to the last answer")."""
    doc = parse(FIXTURES / "heading-questions-bullets.docx")
    assert qa(doc) == [
        ("Which isodose code applies to a cylinder plan?",
         "Pick the level from the number of sources or channels:\n\nCode | Sources or channels\n"
         "77316 | 1 to 4\n77317 | 5 to 10\n77318 | over 10\n\nA single-channel cylinder is "
         "therefore 77316."),
        ("Is the applicator insertion billed separately?",
         "Yes, when the physician documents the insertion:\n\n57155 for a tandem and ovoids,\n\n"
         "57156 for a vaginal cylinder.")]
    assert doc.document.title == "Brachytherapy Coding Reference"
    assert doc.document.references == ()
    assert doc.document.disclaimer == ("This reference is for internal education and is not a "
                                       "guarantee of payment.")


def test_the_last_answer_ending_in_the_list_it_announced() -> None:
    """The last answer's lead-in ends with ':' and the list after it names codes without
    punctuation: the list is the answer's (no citation names a code), where before the file
    was refused as unclear."""
    doc = parse(FIXTURES / "last-answer-code-list.md")
    assert qa(doc)[-1] == ("Which insertion codes are used?",
                           "Use the code for the applicator placed:\n\n- 57155 Tandem and ovoids\n"
                           "- 57156 Vaginal cylinder")
    assert len(doc.entries) == 2
    assert doc.document.references == ()


def test_a_word_list_of_code_lines_announced_by_the_last_answer(tmp_path: Path) -> None:
    """In Word each bulleted item is a paragraph of its own: each is announced through the
    items before it."""
    path = docmaker.make_docx_blocks(tmp_path / "insertion.docx", [
        ("h1", "Insertion FAQ"),
        ("heading", "Is a tandem insertion billed by the radiation oncologist?"),
        ("p", "Yes, when the radiation oncologist places it."),
        ("heading", "Which insertion codes are used?"),
        ("p", "Use the code for the applicator placed:"),
        ("bullet", "57155 Tandem and ovoids"), ("bullet", "57156 Vaginal cylinder"),
        ("heading", "Disclaimer"), ("p", "Education only; not legal advice.")])
    assert qa(parse(path))[-1] == (
        "Which insertion codes are used?",
        "Use the code for the applicator placed:\n\n57155 Tandem and ovoids\n\n"
        "57156 Vaginal cylinder")


def test_title_like_lines_after_a_lead_in_are_still_refused(tmp_path: Path) -> None:
    """Lines that read as citations after a lead-in ending with ':' may be the answer's list
    or the document's references: still refused, naming the line."""
    text = ("# Insertion FAQ\n\n### Is a tandem insertion billed?\n\nYes.\n\n"
            "### Which sources apply?\n\nSee the following:\n\n- CMS Claims Processing Manual\n"
            "- Coding Clinic Third Quarter\n\n## Disclaimer\n\nEducation only; not legal "
            "advice.\n")
    with pytest.raises(CorpusFormatError, match="line 11"):
        parse(write(tmp_path, "faq.md", text))


TOPIC_QUESTIONS = [("Is verification simulation billed?",
                    "Only when it meets the simulation definition."),
                   ("Is 77290 billed for a 4D CT?", "When the complex criteria are met."),
                   ("Is 77385 billed for each fraction?", "Yes, once per fraction.")]


@pytest.mark.parametrize("classes", [False, True], ids=["aria-regions", "bootstrap-classes"])
def test_an_accordion_of_topics_whose_panels_hold_the_questions(classes: bool,
                                                                 tmp_path: Path) -> None:
    """An accordion whose triggers name topics ("Simulation") and whose panels hold question
    headings: each trigger titles a section, never a question whose answer holds the others
    (the class-marked page was refused, the ARIA one would have been)."""
    html = (FIXTURES / "topic-accordion.html").read_text(encoding="utf-8")
    if classes:
        html = html.replace("<h2><button ", "<h2 class='accordion-header'><button "
                            "class='accordion-button' ").replace(
            'role="region"', 'class="accordion-collapse collapse"')
    assert qa(parse(write(tmp_path, "topics.html", html))) == TOPIC_QUESTIONS


def test_accordions_nested_in_a_topic_accordion() -> None:
    doc = parse(FIXTURES / "nested-accordion.html")
    assert qa(doc) == [("Is 77336 billed weekly?", "No, per five fractions."),
                       ("Who performs 77370?", "A qualified medical physicist.")]


def test_details_of_topics_whose_bodies_hold_question_headings(tmp_path: Path) -> None:
    html = ("<html><head><title>Topics FAQ</title></head><body><main><h1>Topics FAQ</h1>"
            "<details><summary>Simulation</summary><h3>Is verification simulation billed?</h3>"
            "<p>Only when it meets the simulation definition.</p><h3>Is 77290 billed for a 4D "
            "CT?</h3><p>When the complex criteria are met.</p></details><details><summary>"
            "Delivery</summary><h3>Is 77385 billed for each fraction?</h3><p>Yes, once per "
            "fraction.</p></details><p>Disclaimer: Education only; not a guarantee of payment."
            "</p></main></body></html>")
    assert qa(parse(write(tmp_path, "topics.html", html))) == TOPIC_QUESTIONS


def test_a_markdown_heading_opening_with_a_or_q_words_loses_its_hashes() -> None:
    """"# Ask the Coder: …" opens with the letter of the "A:" label: the heading's marks were
    kept ("# Ask the Coder…" as the title). Answers set as block quotes under bold "Q:"
    labels are read whole."""
    doc = parse(FIXTURES / "ask-the-coder-quotes.md")
    assert doc.document.title == "Ask the Coder: Superficial Therapy"
    assert qa(doc) == [
        ("Is 77401 reported for each superficial treatment?",
         "Yes. Report it for each treatment session.\n\nPlanning is reported separately."),
        ("Is image guidance with superficial therapy reported with 77387?",
         "No. Image guidance is not reported with superficial therapy delivery.")]
    assert doc.document.disclaimer == "The column is education only."


@pytest.mark.parametrize("heading", ["## Quality assurance: is 77336 billed weekly?",
                                     "## A question of units: is 77300 billed per field?"])
def test_question_headings_opening_with_q_or_a_words(heading: str, tmp_path: Path) -> None:
    text = (f"# Physics Notes\n\n{heading}\n\nNo, per five fractions.\n\n## Who performs "
            "77370?\n\nA qualified medical physicist.\n\n## Disclaimer\n\nNot legal advice.\n")
    assert qa(parse(write(tmp_path, "notes.md", text)))[0] == (heading.removeprefix("## "),
                                                               "No, per five fractions.")


def test_question_labels_counting_the_questions(tmp_path: Path) -> None:
    """"QUESTION 1 OF 2" standing alone over its question, "RESPONSE" over its answer: the
    count is the label's, never the question's words (it was read into the question)."""
    text = ("Member Questions on Hyperthermia\n\nQUESTION 1 OF 2\nIs 77600 reported per "
            "session?\n\nRESPONSE\nYes, for each hyperthermia session.\n\nQUESTION 2 OF 2\n"
            "Is 77605 used for deep hyperthermia?\n\nRESPONSE\nYes, for depths over 4 cm.\n\n"
            "Disclaimer: Education only; not legal advice.\n")
    assert qa(parse(write(tmp_path, "hyperthermia.txt", text))) == [
        ("Is 77600 reported per session?", "Yes, for each hyperthermia session."),
        ("Is 77605 used for deep hyperthermia?", "Yes, for depths over 4 cm.")]


def test_a_column_numbering_its_items_q_and_a(tmp_path: Path) -> None:
    """"Q&A #1: Can we…?" with the answer on the lines below (before: refused, no questions
    found); a "Q&A" without a number titles the column and is no question."""
    text = ("Coding Q&A Column, Spring 2026\n\nQ&A: answers from the committee\n\n"
            "Q&A #1: Can we report 77336 for the final two fractions?\nYes. The final three "
            "or four fractions are reported as one more unit; one or two are not.\n\n"
            "Q & A 2: Is 77470 reported per fraction?\nNo. It is reported once per course.\n\n"
            "Disclaimer: Education only; not legal advice.\n")
    doc = parse(write(tmp_path, "column.txt", text))
    assert qa(doc) == [
        ("Can we report 77336 for the final two fractions?",
         "Yes. The final three or four fractions are reported as one more unit; one or two "
         "are not."),
        ("Is 77470 reported per fraction?", "No. It is reported once per course.")]
    assert doc.document.title == "Coding Q&A Column, Spring 2026"


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
    the title the page gives: bold questions or bold run-in questions ("Can we…? Yes, …" on
    one line), the section titles between them in none of the answers (before: refused)."""
    page, printed = (parse(FIXTURES / f"{stem}.{ext}") for ext in ("html", "pdf"))
    assert [(q, _words(a)) for q, a in qa(printed)] == [(q, _words(a)) for q, a in qa(page)]
    # the title the browser printed in its header, not the site's menu or cookie notice that
    # the page's print opens with
    assert printed.document.title == page.document.title
    assert printed.document.disclaimer == page.document.disclaimer
    assert printed.document.notice == page.document.notice


def test_a_printed_page_of_question_headings_reads_as_the_page_does() -> None:
    """The question-headings page printed by a browser: its bold questions (h3), the bold
    lead-ins inside answers set smaller ("Documentation", h4) and the larger section titles
    (h2) between entries, and a "Related links" title printed right under the last answer.
    The lead-ins and their paragraphs stay in their answers (read as section titles they ended
    the answer and were lost), the section titles in none, the links are the references
    (before: refused). A printed table's cells are apart by spaces, not by the page's cells."""
    page, printed = (parse(FIXTURES / f"question-headings.{ext}") for ext in ("html", "pdf"))

    def words(text: str) -> str:
        return " ".join(text.replace(" | ", " ").split())

    assert [(q, words(a)) for q, a in qa(printed)] == [(q, words(a)) for q, a in qa(page)]
    assert printed.document.references == page.document.references
    assert printed.document.disclaimer == page.document.disclaimer
    assert printed.document.notice == page.document.notice


def test_page_matter_after_the_disclaimer_may_hold_label_words(tmp_path: Path) -> None:
    """A printed page's sidebar after the disclaimer ("Related", its link "Coding Question:
    see our physics page"): page matter, not a question after the disclaimer (before: the
    document was refused)."""
    text = ("# Device Answers\n\n**Coding Question:** Is bolus a device?\n\n**Coding Answer:** "
            "Yes, when it is made for the patient.\n\n**Disclaimer:** Not legal advice.\n\n"
            "CPT is a registered trademark of the American Medical Association.\n\n## Related\n\n"
            "Coding Question: see our physics page for more.\n")
    doc = parse(write(tmp_path, "devices.md", text))
    assert qa(doc) == [("Is bolus a device?", "Yes, when it is made for the patient.")]
    assert doc.document.notice == ("CPT is a registered trademark of the American Medical "
                                   "Association.")


# --- layouts first tried here that the parser already read as a coder expects --------------------
@pytest.mark.parametrize(("name", "questions", "last_answer", "disclaimer"), [
    ("numbered-strong-labels.html",  # "<strong>Q1.</strong> …" / "<strong>A1.</strong> …"
     ["Our physicians review port films weekly. Is that billed separately from treatment "
      "management?",
      "How do we count the fractions for 77427 when the patient is treated twice a day?",
      "Can 77470 be added for total skin electron treatment?"],
     "Yes, when the special treatment procedure is documented, 77470 may be reported once per "
     "course.",
     "The committee's answers are its opinion on the date of publication and may not reflect "
     "later payer changes."),
    ("q-label-headings.md",  # "#### Q: …" headings, "A: …" paragraphs, a list, a rule
     ["How many treatment devices may be reported per course?",
      "Is a custom bolus a treatment device?", "Does 77300 apply to each field of an IMRT plan?"],
     "No. Basic dosimetry calculations are included in IMRT planning (77301) and are not "
     "reported separately.",
     "These notes are shared for education; the collaborative does not guarantee payment for "
     "any code."),
    ("caps-labels-hanging.txt",  # "QUESTION:" / "ANSWER:" in capitals, wrapped with an indent
     ["Our physician saw the patient on Monday and the patient missed the rest of the week. May "
      "we bill weekly management?",
      "Is 77431 reported for a course of one or two fractions?",
      "Do we report an E/M visit during treatment for a side effect?"],
     "Not usually. Visits for problems caused by the radiation are part of weekly management. A "
     "visit for an unrelated problem may be reported with modifier 25 when it is documented "
     "separately.",
     "The roundtable shares these answers as peer guidance. They are not an official statement "
     "of any payer."),
], ids=["q1-a1-in-strong", "md-q-headings", "txt-caps-labels"])
def test_layouts_read_as_published(name: str, questions: list[str], last_answer: str,
                                   disclaimer: str) -> None:
    doc = parse(FIXTURES / name)

    def words(text: str) -> str:  # (a plain-text file's line breaks and indents are its own)
        return " ".join(text.split())

    assert [words(q) for q, _ in qa(doc)] == questions
    assert words(doc.entries[-1].answer) == last_answer
    assert words(doc.document.disclaimer) == disclaimer
    # (the HTML page prints no CPT notice; the others close with one)
    assert ("American Medical Association" in words(doc.document.notice)) == \
        (not name.endswith(".html"))


def test_word_questions_in_an_automatically_numbered_list(tmp_path: Path) -> None:
    """Questions in Word's numbered list style (the numbers are Word's, not in the text), each
    answer the paragraphs and bullets after it, a "Disclaimer" heading."""
    path = docmaker.make_docx_blocks(tmp_path / "stereotactic.docx", [
        ("h1", "Stereotactic Coding Questions"),
        ("p", "Compiled by the revenue integrity team, October 2026."),
        ("numbered", "May SBRT (77373) be reported for a sixth fraction?"),
        ("p", "No. 77373 covers a course of no more than five fractions."),
        ("numbered", "Is image guidance reported with each SRS session?"),
        ("p", "No. Image guidance is included in the stereotactic delivery codes:"),
        ("bullet", "77371 and 77372 for single-session radiosurgery;"),
        ("bullet", "77373 for each SBRT fraction."),
        ("p", "The physician's management is reported once for the course."),
        ("heading", "Disclaimer"),
        ("p", "This document is not legal advice."),
        ("p", "CPT is a registered trademark of the American Medical Association.")])
    doc = parse(path)
    assert qa(doc) == [
        ("May SBRT (77373) be reported for a sixth fraction?",
         "No. 77373 covers a course of no more than five fractions."),
        ("Is image guidance reported with each SRS session?",
         "No. Image guidance is included in the stereotactic delivery codes:\n\n77371 and 77372 "
         "for single-session radiosurgery;\n\n77373 for each SBRT fraction.\n\nThe physician's "
         "management is reported once for the course.")]
    assert doc.document.title == "Stereotactic Coding Questions"
    assert doc.document.disclaimer == "This document is not legal advice."


def test_the_title_a_browser_prints_in_its_header() -> None:
    pages = [["12/2/26, 4:11 PM Coding Corner — Spring Issue", "Home | Past issues", "Text"],
             ["12/2/26, 4:11 PM Coding Corner — Spring Issue", "More text"]]
    assert browser_title(pages) == "Coding Corner — Spring Issue"
    assert browser_title([["Coding Corner", "Text"]]) == ""  # not printed by a browser
    assert browser_title([["12/2/26, 4:11 PM A very long title cut short by the brow\u2026"]]) \
        == ""
