"""Three more publishers' habits, written here in our own words: a newsletter that titles each
question with a numbered "Question N: topic" heading over its own "Q:" / "A:" pair; a PDF whose
bold title wraps its last word onto a line of its own; and a health plan's Word FAQ that closes
with a "Contacts" section (phone numbers, not sources)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse.labels import match_label
from ingest.parse.lines import BOLD_LEVEL, Line
from ingest.readers.pdf_layout import _title_rest
from retrieval.errors import CorpusFormatError
from tests.ingest.docmaker import make_docx_blocks, make_pdf
from tests.ingest.layouts import parse, qa, write

NEWSLETTER = """# Coding Mailbag, Spring Issue

Welcome back. This issue's letters were mostly about simulation and physics.

---

### Question 1: Setup check or simulation?

**Q:** The therapists check the setup on the couch before day one and the doctor signs off the
images. Can that be billed as a simulation of its own?

**A:** Only when it is a true verification simulation: the patient is set up in treatment
position, the fields are checked and the physician reviews the images. That is reported with the
simulation level it matches.

A routine image taken as part of daily delivery is not a simulation.

---

### Question 2: Weekly physics

**Q:** How often is 77336 reported?

**A:** Once for each five fractions delivered, technical component only.

---

Disclaimer: The editors' reading of the coding rules; check with your payers."""


def test_a_titled_question_heading_over_its_own_q_label_is_the_items_title(
        tmp_path: Path) -> None:
    pairs = qa(parse(write(tmp_path, "mailbag.md", NEWSLETTER)))
    assert [q for q, _ in pairs] == [
        "The therapists check the setup on the couch before day one and the doctor signs off "
        "the\nimages. Can that be billed as a simulation of its own?",
        "How often is 77336 reported?"]
    # the heading asks ("…or simulation?") and is still the title: the answer is whole
    assert pairs[0][1].endswith("A routine image taken as part of daily delivery is not a "
                                "simulation.")


def test_a_topic_in_a_few_words_in_a_plain_label_line_titles_the_item_too(
        tmp_path: Path) -> None:
    text = NEWSLETTER.replace("### Question 2: Weekly physics", "Question 2: Weekly physics")
    assert len(qa(parse(write(tmp_path, "mailbag.md", text)))) == 2


def test_a_plain_question_left_without_its_answer_is_still_refused(tmp_path: Path) -> None:
    # a label line that asks, not set as a heading, then the next label: the first question's
    # answer is missing, and the parser says so rather than dropping it
    text = NEWSLETTER.replace("### Question 2: Weekly physics",
                              "Question 2: Is 77336 billed by the physicist or the facility?")
    with pytest.raises(CorpusFormatError, match="has no answer"):
        parse(write(tmp_path, "mailbag.md", text))


def test_differently_numbered_labels_are_two_questions_not_a_title(tmp_path: Path) -> None:
    text = NEWSLETTER.replace("**Q:** How often is 77336", "**Question 3:** How often is 77336")
    with pytest.raises(CorpusFormatError, match="has no answer"):
        parse(write(tmp_path, "mailbag.md", text))


HANDOUT = """**Physics Billing for Busy Departments: Common**
**Questions**

Prepared by a physics society's coding committee.

Q1. Is 77336 reported per week or per fraction?
A. Once for each five fractions delivered.

Q2. Can 77370 be reported for a routine plan check?
A. No. It needs a physician's request for a specific problem.

Disclaimer: The committee's opinion; it does not guarantee payment."""


def test_a_pdf_title_wrapping_its_last_word_onto_its_own_line_is_one_title(
        tmp_path: Path) -> None:
    doc = parse(make_pdf(tmp_path / "handout.pdf", HANDOUT))
    assert doc.document.title == "Physics Billing for Busy Departments: Common Questions"
    assert len(doc.entries) == 2


def test_only_a_lone_word_after_an_unfinished_bold_line_ends_the_title() -> None:
    # (the width rule joins lines as wide as the widest of their face; this one joins a title's
    # last word however short the line above it is)
    title = Line(1, "Physics Billing: Common", level=BOLD_LEVEL)
    assert _title_rest(title, Line(2, "Questions", level=BOLD_LEVEL), None)
    assert not _title_rest(Line(1, "Physics Billing.", level=BOLD_LEVEL),
                           Line(2, "Questions", level=BOLD_LEVEL), None)
    assert not _title_rest(title, Line(2, "Spring 2026 issue", level=BOLD_LEVEL), None)
    assert not _title_rest(title, Line(3, "Questions", level=BOLD_LEVEL), None)  # not the next
    assert not _title_rest(title, Line(2, "Questions", level=0), None)  # not in the title's face


def test_a_contacts_section_after_the_last_answer_is_page_matter(tmp_path: Path) -> None:
    doc = parse(make_docx_blocks(tmp_path / "plan-faq.docx", [
        ("h1", "Radiation Therapy: Provider Questions"),
        ("h2", "1. Does IMRT planning need prior authorization?"),
        ("bold", "Plan response:"),
        ("p", "Yes. Request it before the plan is made."),
        ("h2", "2. Is 77470 paid with chemotherapy alone?"),
        ("bold", "Plan response:"),
        ("p", "No. The added work must be documented."),
        ("h1", "Contacts"),
        ("p", "Provider line: 1-800-555-0100, weekdays."),
        ("h1", "Disclaimer"),
        ("p", "Informational only; benefits depend on the member's plan."),
    ]))
    assert [a for _, a in qa(doc)] == ["Yes. Request it before the plan is made.",
                                       "No. The added work must be documented."]
    assert not any("1-800" in r for r in doc.document.references)


@pytest.mark.parametrize(("line", "kind", "rest"), [
    ("Plan response:", "answer", ""),
    ("Health plan response: Yes, with an order.", "answer", "Yes, with an order."),
    ("Provider question: Is 77470 paid?", "question", "Is 77470 paid?"),
    ("Reader question: can we bill 77336 twice?", "question", "can we bill 77336 twice?"),
    ("Editor's answer: No.", "answer", "No."),
    ("Staff reply: Only once per course.", "answer", "Only once per course."),
])
def test_who_asks_or_answers_may_be_named_before_the_label(line: str, kind: str,
                                                           rest: str) -> None:
    found = match_label(line)
    assert found is not None and (found[0], found[2]) == (kind, rest)


@pytest.mark.parametrize("line", ["Our response time is two days.", "Plan question is open",
                                  "Member references: see the portal"])
def test_a_prefixed_label_word_in_prose_is_not_a_label(line: str) -> None:
    assert match_label(line) is None
