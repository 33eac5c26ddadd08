"""Layouts from a batch of new publishers, written here in our own words: a mailing list's
plain-text digest (message headers, 'Inquiry:' / 'Response (moderator):', a poster's sign-off,
the list's policy block before the messages, the digest's end mark); a vendor's Markdown
knowledge-base article (YAML front matter, breadcrumb trail, a quoted 'Note' that reads as a
disclaimer, bold 'Q1.' / 'A1.' labels, a feedback prompt set as a heading); a billing firm's
accordion page whose disclaimer is a 'Please read:' banner above the questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse.labels import is_breadcrumb, is_chrome, match_label
from ingest.parse.wording import disclaims
from retrieval.errors import CorpusFormatError
from tests.ingest.docmaker import print_html
from tests.ingest.layouts import parse, qa, write

NOTICE = "CPT is a registered trademark of the American Medical Association. All rights reserved."


def _digest(last_answer_tail: str = "") -> str:
    return f"""Physics Billing List Digest, Volume 3, Issue 9
Moderated discussion list for dosimetry billing staff

============================================================
LIST POLICY (please read): Replies here are volunteers' opinions, not legal
advice, and carry no guarantee that a claim will be paid.
============================================================

Topics in this issue:

   1. Weekly physics for a short course
   2. Port films on day one

------------------------------------------------------------

Message: 1
Date: Tue, 3 Mar 2026 10:00:00 -0600
Subject: Weekly physics for a short course

Inquiry:
We treat a patient in three fractions. Can we report 77336
at all for that course?

Response (moderator):
Yes. A course of three or four fractions after the last full group
of five supports one unit, and so does a three-fraction course.

Keep the physicist's signed review in the chart.

-- Moderator, Physics Billing List


------------------------------------------------------------

Message: 2
Date: Wed, 4 Mar 2026 11:30:00 -0600
Subject: Port films on day one

Inquiry:
Is 77417 billed on the first treatment day?

Response (moderator):
It is bundled into the delivery codes for most payers; do not add
it to the first fraction on its own.
{last_answer_tail}
-- Moderator

------------------------------------------------------------

End of Physics Billing List Digest, Volume 3, Issue 9
*****************************************************
CPT(R) is a registered trademark of the American Medical Association;
all rights reserved.
"""


def test_listserv_digest_headers_sign_offs_and_end_mark_are_not_answers(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "digest.txt", _digest()))
    assert qa(doc) == [
        ("We treat a patient in three fractions. Can we report 77336\nat all for that course?",
         "Yes. A course of three or four fractions after the last full group\nof five supports "
         "one unit, and so does a three-fraction course.\n\nKeep the physicist's signed review "
         "in the chart."),
        ("Is 77417 billed on the first treatment day?",
         "It is bundled into the delivery codes for most payers; do not add\nit to the first "
         "fraction on its own."),
    ]
    assert doc.document.title == "Physics Billing List Digest, Volume 3, Issue 9"
    # the policy block's lead-in is its label, not what it says
    assert doc.document.disclaimer == ("Replies here are volunteers' opinions, not legal\n"
                                       "advice, and carry no guarantee that a claim will be "
                                       "paid.").replace("\n", " ")
    assert doc.document.notice.startswith("CPT(R) is a registered trademark")
    assert doc.document.references == ()


def test_digest_last_answer_with_an_unclear_line_is_still_refused(tmp_path: Path) -> None:
    # a short title-like line after the last answer may be a citation or the answer's own
    # words: the sign-off and footer being page matter does not settle that line
    with pytest.raises(CorpusFormatError, match="cannot tell whether line"):
        parse(write(tmp_path, "digest.txt", _digest("\nCheck the payer policy for the details\n")))


def test_answer_label_with_who_answers_in_parentheses() -> None:
    assert match_label("Response (moderator):") == ("answer", "Response (moderator):", "")
    assert match_label("Answer (Committee): Yes.") == ("answer", "Answer (Committee):", "Yes.")
    # without a colon after it the parenthesis is prose, not a label
    assert match_label("Response (moderator) times vary.") is None


def test_sign_off_is_dropped_only_as_a_paragraph_of_its_own(tmp_path: Path) -> None:
    text = """Plan answers

Question: Is 77470 billed for IORT?
Answer: Yes, with the special procedure documented.
-- see the IORT section below for the record

-- J. Rivera, CPC

Disclaimer: For education only; not legal advice.
"""
    (entry,) = parse(write(tmp_path, "a.txt", text)).entries
    # a line of the answer starting with '--' stays; the name standing alone goes
    assert entry.answer == ("Yes, with the special procedure documented.\n-- see the IORT "
                            "section below for the record")


@pytest.mark.parametrize("line", [
    "End of Coders List Digest, Vol 12, Issue 4",
    "end of the physics digest",
    "-- End of bulletin --",
])
def test_end_marks_of_a_publication_are_chrome(line: str) -> None:
    assert is_chrome(line)


@pytest.mark.parametrize("line", ["- End of treatment report", "End of the course summary"])
def test_documents_named_end_of_are_not_end_marks(line: str) -> None:
    assert not is_chrome(line)


def test_breadcrumb_trail_is_told_from_prose() -> None:
    assert is_breadcrumb("[Help](https://h.example) › [Billing](https://h.example/b) › KB-9")
    assert is_breadcrumb("Home » Resources » Coding FAQ")
    assert not is_breadcrumb("Open the plan › select Charges › then choose 77300.")


def test_a_menu_path_inside_an_answer_is_not_a_breadcrumb(tmp_path: Path) -> None:
    text = """Home › Help › Physics

# Physics rules

**Q1. Where is the weekly physics rule set?**

**A1.** Open it from the menu:

Settings › Charge rules › Physics

**Q2. Is 77300 added to 77307?**

**A2.** No.

Disclaimer: general information only, not legal advice.
"""
    doc = parse(write(tmp_path, "kb.md", text))
    assert doc.document.title == "Physics rules"
    assert doc.entries[0].answer == "Open it from the menu:\n\nSettings › Charge rules › Physics"


KB = """---
title: "Physics charge rules — FAQ"
article: KB-77
---

[Vendor Help](https://help.example) › [Charges](https://help.example/c) › KB-77

# Physics charge rules — FAQ

> **Note:** This article helps customers set up charge rules. It is general information, not
> advice for any particular claim; verify against current CPT and payer rules.

**In this article:** Q1–Q2 · Related articles

---

**Q1. When does the rule add 77336?**

**A1.** Once for each five fractions delivered.

---

**Q2. Does the rule add 77300 with 77307?**

**A2.** No. The isodose plan includes the basic calculations.

---

### Related articles

- KB-70 Charge rule basics

### Was this article helpful?

👍 Yes · 👎 No · [Tell us more](https://help.example/feedback)

---

<small>CPT is a registered trademark of the American Medical Association.
All rights reserved.</small>
"""


def test_kb_article_with_quoted_note_disclaimer_and_bold_numbered_labels(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "kb.md", KB))
    assert qa(doc) == [
        ("When does the rule add 77336?", "Once for each five fractions delivered."),
        ("Does the rule add 77300 with 77307?",
         "No. The isodose plan includes the basic calculations."),
    ]
    assert doc.document.title == "Physics charge rules — FAQ"  # not the breadcrumb trail
    assert doc.document.disclaimer == (
        "This article helps customers set up charge rules. It is general information, not "
        "advice for any particular claim; verify against current CPT and payer rules.")
    assert doc.document.notice == NOTICE.replace(". All", ".\nAll")  # the <small> tags go
    # the site's links to its other articles and the feedback prompt's buttons are no references
    assert doc.document.references == ()


@pytest.mark.parametrize("text", [
    "These notes are education by our staff. They are not a coverage decision, legal advice "
    "or a promise of payment.",
    "General information, not advice for your specific situation.",
    "This summary is not a promise of reimbursement.",
])
def test_disclaimer_wordings(text: str) -> None:
    assert disclaims(text)


@pytest.mark.parametrize("text", [
    # an answer's own sentences about advice and promises to a patient
    "Document the advice given to the patient for any particular symptom.",
    "The ABN must not promise the patient anything about the claim.",
])
def test_answer_sentences_are_not_disclaimers(text: str) -> None:
    assert not disclaims(text)


def test_accordion_page_with_please_read_banner_as_its_disclaimer(tmp_path: Path) -> None:
    items = "".join(
        f'<div class="accordion-item"><h3 class="accordion-header"><button '
        f'class="accordion-button" data-bs-target="#p{n}">{q}</button></h3>'
        f'<div id="p{n}" class="accordion-collapse collapse"><div class="accordion-body">'
        f"<p>{a}</p></div></div></div>"
        for n, (q, a) in enumerate([
            ("Is 77387 billed with 77373?", "No. SBRT delivery includes the guidance."),
            ("Is 77014 billed with 77387?", "No. One guidance service per session."),
        ], 1))
    html = f"""<html><head><title>Delivery FAQ</title></head><body>
<nav><a href="/">Home</a></nav>
<div class="alert alert-warning" role="alert"><strong>Please read:</strong> These answers are
billing education by our staff. They are not a coverage decision, legal advice or a promise of
payment.</div>
<div class="container"><h1>Delivery questions</h1>
<div class="accordion">{items}</div>
<div class="helpful">Did this FAQ answer your question? <a href="#">Yes</a> <a href="#">No</a></div>
</div>
<footer><p>{NOTICE}</p><p>&copy; 2026 A Billing Firm. <a href="/privacy">Privacy</a></p></footer>
</body></html>"""
    doc = parse(write(tmp_path, "faq.html", html))
    assert qa(doc) == [("Is 77387 billed with 77373?", "No. SBRT delivery includes the guidance."),
                       ("Is 77014 billed with 77387?", "No. One guidance service per session.")]
    assert doc.document.disclaimer == (
        "These answers are billing education by our staff. They are not a coverage decision, "
        "legal advice or a promise of payment.")
    assert doc.document.notice == NOTICE


# A question/answer table printed to PDF, as pypdf's layout mode gives its rows: both cells of
# a row side by side, the answer column starting at a different place on each page, blank rows
# where the cells' lines do not line up, the table running over a page break.
_PAGE_1 = """\
   Plan manual, chapter 9

   The questions below came from our provider line.

            Member question                              Plan answer

   How many units of            One unit for each five fractions delivered,
   77336 go with a twelve-      counted for the whole course.
   fraction course?
                                When three or four fractions remain, one
                                more unit is allowed.

   Is a second simulation       Yes, when the new simulation is documented
   billed when the mask is      and needed; routine set-up checks are not a
   remade?                      simulation.


   What is needed for proton    Prior authorization for every course (77520-
   claims (77520-
   77525)?                      77525). For Medicare Advantage members"""
_PAGE_2 = """\
                                      append modifier KX once the criteria
                                      are documented.

                                      Select the code by complexity:
                                              simple without compensation;
                                              intermediate.

   IMPORTANT: This manual is not a guarantee of payment; the provider agreement governs. CPT is a
   registered trademark of the American Medical Association.

   Plan manual · Page 9-14"""


def _pages(*texts: str) -> tuple[list[list[str]], list[list[str]]]:
    raw = [t.split("\n") for t in texts]
    return raw, [[" ".join(r.split()) for r in page] for page in raw]


def test_pdf_question_answer_table_is_read_cell_by_cell() -> None:
    from ingest.readers.pdf_qa_table import find_qa_table, table_lines

    table = find_qa_table(*_pages(_PAGE_1, _PAGE_2))
    assert table is not None and table.start == (0, 4)
    assert table.end == (1, 7)  # the disclaimer's row runs across the answer column
    got = [(q, ["\n".join(p) for p in paras]) for q, paras in table.entries]
    assert [q for q, _ in got] == [
        "How many units of 77336 go with a twelve-fraction course?",
        "Is a second simulation billed when the mask is remade?",
        "What is needed for proton claims (77520-77525)?",  # a range broken at its hyphen
    ]
    lines = table_lines(table, 1)
    assert [ln.kind for ln in lines].count("question") == 3
    answers = [[ln.text for ln in lines if ln.kind == "text"]]
    assert "One unit for each five fractions delivered, counted for the whole course." in \
        answers[0]
    # a blank row after a line that stops mid-sentence (and a page break) does not split it
    assert ("Prior authorization for every course (77520-77525). For Medicare Advantage members "
            "append modifier KX once the criteria are documented.") in answers[0]
    assert "Select the code by complexity:" in answers[0]
    assert "simple without compensation;" in answers[0] and "intermediate." in answers[0]


def test_pdf_text_without_a_question_answer_header_is_not_a_table() -> None:
    from ingest.readers.pdf_qa_table import find_qa_table

    assert find_qa_table(*_pages(_PAGE_2)) is None


@pytest.mark.browser
def test_printed_question_answer_table(tmp_path: Path, chromium) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(
        f"<tr><td style='width:30%'><b>{q}</b></td><td>{''.join(f'<p>{p}</p>' for p in a)}</td>"
        "</tr>" for q, a in [
            ("How many units of weekly physics go with a course of twelve fractions?",
             ["One unit for each five fractions delivered, counted for the whole course and not "
              "per calendar week.", "When three or four fractions remain, one more unit."]),
            ("Is a second simulation billed when the mask is remade for the same course?",
             ["Yes, when the new simulation is documented and needed; routine set-up checks are "
              "not a simulation and are not billed."]),
        ])
    html = ("<html><head><style>td, th { padding: 6px; vertical-align: top } "
            "body { font-size: 11pt } td p { margin: 0 0 1em }</style></head>"
            "<body><h1>Plan manual, chapter 9</h1><p>Questions from our provider line.</p>"
            "<table><tr><th>Member question</th><th>Plan answer</th></tr>" + rows + "</table>"
            "<p>Disclaimer: This manual is for education only and is not a guarantee of "
            "payment.</p></body></html>")
    path = print_html(chromium, html, tmp_path / "manual.pdf")
    doc = parse(path)
    assert qa(doc) == [
        ("How many units of weekly physics go with a course of twelve fractions?",
         "One unit for each five fractions delivered, counted for the whole course and not per "
         "calendar week.\n\nWhen three or four fractions remain, one more unit."),
        ("Is a second simulation billed when the mask is remade for the same course?",
         "Yes, when the new simulation is documented and needed; routine set-up checks are not a "
         "simulation and are not billed."),
    ]
    assert doc.document.disclaimer.startswith("This manual is for education only")


def test_running_footer_naming_the_publication_and_a_chapter_page_is_furniture() -> None:
    from ingest.readers.pdf_layout import drop_running_lines

    pages = [["Plan manual, chapter 9", "", "Body text of the page.", "",
              "Plan manual · Page 9-14"]]
    drop_running_lines(pages)
    assert pages[0][-1] == "" and pages[0][2] == "Body text of the page."


def test_important_lead_in_is_not_part_of_the_disclaimer(tmp_path: Path) -> None:
    text = """Plan answers

Question: Is 77470 billed for IORT?
Answer: Yes, with the special procedure documented.

IMPORTANT: This manual is not a guarantee of payment; the provider agreement governs.
"""
    doc = parse(write(tmp_path, "a.txt", text))
    assert doc.document.disclaimer == ("This manual is not a guarantee of payment; the provider "
                                       "agreement governs.")


def _fake_pdf(monkeypatch: pytest.MonkeyPatch, *layouts: str) -> None:
    """read_pdf given these pages' layout-mode text (and the same rows in plain mode)."""
    import ingest.readers.pdf as pdf

    pages = [(t, "\n".join(" ".join(r.split()) for r in t.split("\n"))) for t in layouts]
    monkeypatch.setattr(pdf, "_pdf_pages", lambda path: (pages, ({}, {})))


def test_pdf_question_answer_table_end_to_end(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_pdf(monkeypatch, _PAGE_1, _PAGE_2)
    path = tmp_path / "manual.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    doc = parse(path)
    assert [e.question for e in doc.entries] == [
        "How many units of 77336 go with a twelve-fraction course?",
        "Is a second simulation billed when the mask is remade?",
        "What is needed for proton claims (77520-77525)?"]
    assert doc.entries[0].answer == ("One unit for each five fractions delivered, counted for the "
                                     "whole course.\n\nWhen three or four fractions remain, one "
                                     "more unit is allowed.")
    assert doc.entries[2].answer.endswith(
        "Select the code by complexity:\nsimple without compensation;\nintermediate.")
    assert doc.document.disclaimer.startswith("This manual is not a guarantee of payment")
    assert doc.document.references == ()  # the running footer is not a reference


def test_pdf_table_with_a_header_but_one_readable_entry_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_pdf(monkeypatch, """\
            Member question                              Plan answer

   How many units of            One unit for each five fractions delivered,
   77336 go with a course?      counted for the whole course.

   Disclaimer: for education only, not legal advice; no guarantee of payment at all here.""")
    path = tmp_path / "manual.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(CorpusFormatError, match="question/answer table whose cells cannot"):
        parse(path)


_NEWSLETTER = """Physics Tips, Spring Issue

Is 77300 added to a 77307 plan?

No. The isodose plan includes the basic calculations.

Is 77336 reported for a course of two fractions?

No. It is reported for each five fractions; one or two left over add nothing.

{closing}

Disclaimer. This newsletter is general information only and not legal advice.
"""


def test_a_paragraph_about_the_publisher_after_the_last_answer_is_page_matter(
        tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "tips.txt", _NEWSLETTER.format(
        closing="About Harbor Billing Group: we audit oncology charges. Write to us with "
                "questions for the next issue.")))
    assert doc.entries[1].answer == ("No. It is reported for each five fractions; one or two "
                                     "left over add nothing.")
    assert doc.document.references == ()


def test_an_answer_paragraph_about_a_thing_stays_in_the_answer(tmp_path: Path) -> None:
    closing = "About the chart check: the physicist signs it for each group of five."
    doc = parse(write(tmp_path, "tips.txt", _NEWSLETTER.format(closing=closing)))
    assert doc.entries[1].answer.endswith(f"\n\n{closing}")


def test_dates_of_service_in_an_answer_are_not_a_message_header(tmp_path: Path) -> None:
    text = """Plan answers

Question: How are the dates written for a split course?
Answer: Give each part its own line, for example:

From: 03/02/2026
To: 03/06/2026

Question: Is 77300 added to 77307?
Answer: No.

Disclaimer: For education only; not legal advice.
"""
    doc = parse(write(tmp_path, "a.txt", text))
    assert doc.entries[0].answer.endswith("From: 03/02/2026\nTo: 03/06/2026")
