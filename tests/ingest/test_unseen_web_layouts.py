"""Web pages and question/answer tables in layouts no earlier fixture had, each a small document
written in our own words (tests/ingest/fixtures): ARIA and topic accordions, definition lists,
question cells, reference columns; every entry, whole answers, title, disclaimer, notice."""

from __future__ import annotations

from pathlib import Path

import pytest

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
