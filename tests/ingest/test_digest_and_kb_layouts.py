"""Layouts from a batch of new publishers, written here in our own words: a mailing list's
plain-text digest (message headers, 'Inquiry:' / 'Response (moderator):', a poster's sign-off,
the list's policy block before the messages, the digest's end mark); a vendor's Markdown
knowledge-base article (YAML front matter, breadcrumb trail, a quoted 'Note' that reads as a
disclaimer, bold 'Q1.' / 'A1.' labels, a feedback prompt set as a heading); a billing firm's
accordion page whose disclaimer is a 'Please read:' banner above the questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse.labels import is_chrome, match_label
from ingest.parse.wording import disclaims
from retrieval.errors import CorpusFormatError
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


def test_breadcrumb_trail_is_chrome_but_prose_is_not() -> None:
    assert is_chrome("[Help Center](https://h.example) › [Billing](https://h.example/b) › KB-9")
    assert is_chrome("Home » Resources » Coding FAQ")
    assert not is_chrome("Open the plan › select Charges › then choose 77300.")


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
    # the feedback prompt's buttons are not a reference
    assert doc.document.references == ("KB-70 Charge rule basics",)


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
