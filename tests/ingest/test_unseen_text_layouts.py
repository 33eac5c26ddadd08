"""Plain text, Markdown and Word layouts no earlier fixture had, each a small document written
in our own words (tests/ingest/fixtures): outlines, last answers ending in lists, label styles,
headings opening like labels; every entry, whole answers, title, disclaimer, notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.readers.text import read_text
from retrieval.errors import CorpusFormatError
from tests.ingest import docmaker
from tests.ingest.layouts import parse, qa, write

FIXTURES = Path(__file__).parent / "fixtures"


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
