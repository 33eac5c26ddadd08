"""More publishers' layouts, written here in our own words: a magazine's "Ask the expert"
column reprinted as plain text ("ASKED:" / "ANSWERED:", a reprint credit, an invitation to send
questions, hard-wrapped); a webinar's follow-up page of `<dl>` items whose terms and definitions
carry the publisher's own labels ("Attendee question:" / "Presenter response:") and whose sources
are "cited by the presenters"; and a compliance bulletin that closes each reply with "(End of
reply n)" and disclaims by saying it does "not override payer contracts"."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse.labels import is_chrome, match_label
from ingest.parse.wording import disclaims
from tests.ingest.layouts import parse, qa, write

NOTICE = "CPT is a registered trademark of the American Medical Association."

COLUMN = f"""=====================================================
 THE CODING LANTERN
 Member magazine of the Example Coding Guild
=====================================================

ASK THE EXPERT

ASKED: Is a custom bolus a device charge?

ANSWERED: A bolus cut and shaped for the patient's field is reported with
77334 once, with the physician's documentation.

* * *

ASKED: How many units of 77300 go with a four-field box?

ANSWERED: One for each calculation the physician prescribes and the record
documents.

* * *

Have a question for the column? Write to the editor through
the members' portal. Questions cannot be answered individually.

EDITOR'S NOTE: Answers are the columnist's opinion for general education,
not legal advice.

{NOTICE}

Reprinted as plain text from The Coding Lantern, Spring 2026. (c) 2026 Example Coding Guild.
"""


def test_an_ask_the_expert_column_with_asked_and_answered_labels(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "coding-lantern.txt", COLUMN))
    assert [q for q, _ in qa(doc)] == ["Is a custom bolus a device charge?",
                                       "How many units of 77300 go with a four-field box?"]
    last = qa(doc)[1][1]
    assert last.startswith("One for each calculation")  # the label is not the answer's
    # the invitation to write in (both of its lines) and the reprint credit are page matter
    assert last.endswith("documents.")
    assert doc.document.disclaimer.startswith("Answers are the columnist's opinion")


@pytest.mark.parametrize("line", [
    "Have a question for the column? Write to the editor through",
    "Submit your questions to the editor at any time.",
    "Reprinted as plain text from The Coding Lantern, Spring 2026. (c) 2026 Example Coding Guild.",
])
def test_invitations_and_reprint_credits_are_chrome(line: str) -> None:
    assert is_chrome(line)


@pytest.mark.parametrize("line", [
    "Have a question about 77300? It is billed per calculation.",
    "Reprinted plans are billed again only with a new order.",
])
def test_guidance_that_looks_like_them_is_not(line: str) -> None:
    assert not is_chrome(line)


def test_answered_with_a_period_is_prose() -> None:
    assert match_label("ASKED: Is it billable?") is not None
    assert match_label("Answered. The physician signed it.") is None


WEBINAR = f"""<html><body><main>
<h1>Webinar follow-up: charge capture</h1>
<dl>
<dt><strong>Attendee question:</strong> When can we add 77293?</dt>
<dd><strong>Presenter response:</strong>
<p>Only with a 3D or IMRT plan, when a motion study was done and reviewed.</p></dd>
<dt><strong>Attendee question:</strong> Is 77338 billed per beam?</dt>
<dd><strong>Presenter response:</strong>
<p>No, once per IMRT plan.</p></dd>
</dl>
<section><h2>Sources cited by the presenters</h2><ol><li>CPT guidelines</li>
<li>NCCI policy manual, chapter IX</li></ol></section>
<section><h2>Please note</h2><p>These answers are educational only and do not constitute legal
advice.</p><p>{NOTICE}</p></section>
</main></body></html>"""


def test_a_container_s_own_labels_are_not_the_question_or_the_answer(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "webinar-follow-up.html", WEBINAR))
    assert qa(doc) == [
        ("When can we add 77293?",
         "Only with a 3D or IMRT plan, when a motion study was done and reviewed."),
        ("Is 77338 billed per beam?", "No, once per IMRT plan.")]
    assert doc.document.references == ("CPT guidelines", "NCCI policy manual, chapter IX")


BULLETIN = f"""Compliance Bulletin CB-7: Coding Inquiries

Inquiry 1. Who bills 77427 when a locum covers a week?

Reply: The physician who managed most of that group of five fractions. (End of reply 1)

Inquiry 2. Is 77431 billed for the last two fractions of a long course?

Reply: No; they are part of the last 77427.
[End of answer]

References

CMS claims processing manual, chapter 12

These replies are internal guidance and do not override payer contracts or CMS manuals.

{NOTICE}
"""


def test_end_marks_close_each_reply_and_are_not_its_words(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "compliance-bulletin.txt", BULLETIN))
    assert qa(doc) == [
        ("Who bills 77427 when a locum covers a week?",
         "The physician who managed most of that group of five fractions."),
        ("Is 77431 billed for the last two fractions of a long course?",
         "No; they are part of the last 77427.")]
    assert doc.document.references == ("CMS claims processing manual, chapter 12",)
    assert doc.document.disclaimer.startswith("These replies are internal guidance")


@pytest.mark.parametrize("text", [
    "These replies do not override payer contracts or CMS manuals.",
    "This page does not replace the payer's written policy.",
])
def test_not_overriding_the_rules_is_a_disclaimer(text: str) -> None:
    assert disclaims(text)


def test_an_answer_about_overriding_an_edit_is_no_disclaimer() -> None:
    assert not disclaims("A modifier does not override the NCCI edit when the sites are the same.")
