"""Publisher layouts no earlier fixture had, each a small document written in our own words
(tests/ingest/fixtures): what a coder expects of each — every entry, whole answers, the
document's title, disclaimer and CPT notice, nothing of the page's chrome."""

from __future__ import annotations

from pathlib import Path

from tests.ingest.layouts import parse, qa

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
