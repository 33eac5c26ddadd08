"""Layouts met on real FAQ pages that the parser had not seen (help-centre article lists, footnoted
answers, anchored headings…), each written in our own words as a fixture: what the parser must
make of it is whole answers, nothing of the page's chrome in them, the disclaimer found — or a
refusal naming the line where it cannot tell."""

from __future__ import annotations

from pathlib import Path

from tests.ingest.layouts import parse, qa

FIXTURES = Path(__file__).parent / "fixtures"
NOTICE = "CPT is a registered trademark of the American Medical Association."


def shown(name: str) -> str:
    """Everything a coder can be shown from the fixture."""
    doc = parse(FIXTURES / name)
    d = doc.document
    return "\n".join([d.title, d.disclaimer, d.notice, *d.references,
                      *(f"{q}\n{a}" for q, a in qa(doc))])


def test_help_centre_vote_widget_and_heading_permalinks_are_chrome() -> None:
    """A help centre's "Did this answer your question?", its emoji faces and the messages it
    shows after a vote follow every article; the "¶" / "#" a site prints after each heading to
    copy its link is no part of the question (the question still ends with its "?")."""
    doc = parse(FIXTURES / "help-centre-article-list.html")
    assert qa(doc) == [
        ("How many units of 77300 go with one plan?",
         "One unit for each calculation point the physician reviews and signs.\n\n"
         "Keep every calculation with the plan, so the units can be counted back."),
        ("Is 77280 reported for a verification session before treatment?",
         "No. A verification session before the first treatment is not a simulation; it is "
         "part of the first treatment's work."),
    ]
    assert doc.document.disclaimer.startswith("These articles are offered for general education")
    assert doc.document.notice == NOTICE
    text = shown("help-centre-article-list.html")
    for chrome in ("Did this answer", "😞", "😃", "feedback", "¶", "#", "Privacy", "Search"):
        assert chrome not in text, chrome


def test_a_footnote_mark_set_as_a_superscript_never_runs_into_a_code() -> None:
    """"77300<sup>1</sup>" is code 77300 with note 1 (a linked mark, or one right after a digit
    or a sentence's end), shown "77300[1]", never the code 773001; a superscript that is no
    footnote mark ("CPT<sup>®</sup>") stays as it is. The notes are the references."""
    doc = parse(FIXTURES / "physics-footnotes.html")
    first, second = doc.entries
    assert first.answer == (
        "Yes. Report 77300[1] once for each calculation point the physician signs, even on the "
        "same date.\n\nEach calculation must stand on its own in the record.[2]")
    assert second.answer.startswith("Per week of treatment: 77336[3] covers five fractions, "
                                    "and the CPT® rules")
    codes = {c.code for e in doc.entries for c in e.codes}
    assert {"77300", "77336"} <= codes and not {"773001", "773363"} & codes
    assert doc.document.references == (
        "CPT Professional edition, radiation oncology guidelines.",
        "Our reading of the physics consult definitions.",
        "Payer manuals may set their own counting rules.")
    assert doc.document.notice == NOTICE


def test_a_markdown_headings_attribute_list_is_not_its_words() -> None:
    """"## Can 77263 be billed…? {#planning-twice}" (Pandoc, kramdown, MkDocs anchors) asks."""
    doc = parse(FIXTURES / "anchored-headings.md")
    assert doc.document.title == "Treatment Planning Coding Notes"
    assert qa(doc) == [
        ("Can 77263 be billed more than once in a course?",
         "Only when the plan is changed so much that a new plan is made, and the record says "
         "why.\n\nA change of dose alone is not a new plan."),
        ("Is 77290 billed for a resimulation after weight loss?",
         "Yes, when the resimulation meets the complex simulation definition and is documented "
         "as such."),
    ]
    assert doc.document.disclaimer.startswith("These notes are general education")
    assert "{" not in shown("anchored-headings.md")


def test_word_text_in_tracked_changes_content_controls_and_text_boxes_is_read() -> None:
    """What Word shows is read wherever the document keeps it: a tracked insertion ("and signs",
    a tracked deletion is not shown), an answer inside a content control (and a word inside an
    inline one), a note set in a text box (once, not again from its fallback copy); the table of
    contents' control is navigation and is not read. (python-docx's own text skipped all of these:
    the first answer lost its last words and its note, the second answer was lost.)"""
    doc = parse(FIXTURES / "tracked-changes-guide.docx")
    assert doc.document.title == "Physics and Devices Billing Guide (revised draft)"
    assert qa(doc) == [
        ("Can 77300 be reported for each calculation point?",
         "Yes, once for each point the physician reviews and signs.\n\n"
         "Note: a calculation the physician has not signed is not reported."),
        ("Is a custom bolus reported with 77334?",
         "Yes, when it is designed and built for the patient.\n\n"
         "A stock bolus sheet is not a treatment device."),
    ]
    text = shown("tracked-changes-guide.docx")
    assert "physicist" not in text and "Contents" not in text
    assert doc.document.disclaimer.startswith("This guide is offered for general education")
    assert doc.document.notice == NOTICE
