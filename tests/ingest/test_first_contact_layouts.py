"""Layouts new publishers' documents arrived in, written here in our own words: a Word guide
with a contents list and bold questions under section headings, closed by a 'Sources' heading
and a notices section; a Markdown page with its disclaimer in a quoted admonition; a payer's
plain-text bulletin asking with 'Inquiry:' and replying with 'Reply:'."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import CorpusFormatError
from tests.ingest import docmaker
from tests.ingest.layouts import parse, qa, write

Q1, A1 = ("How many units of 77336 go with a course of twelve fractions?",
          ["Two units for the first ten fractions.", "The last two fractions add one more."])
Q2, A2 = ("Is a second simulation billed when the mask is remade?",
          ["Yes, when the new simulation is documented and needed.",
           "Routine checks of the setup are not a new simulation."])
SOURCES = ["AMA CPT codebook, radiation oncology guidelines.", "CMS NCCI manual, chapter nine."]
DISCLAIMER = "Our reading of the rules, offered for education only; not legal advice."
NOTICE = "CPT is a registered trademark of the American Medical Association."


def test_word_guide_with_contents_sources_heading_and_notices(tmp_path: Path) -> None:
    path = docmaker.make_docx_blocks(tmp_path / "guide.docx", [
        ("h1", "Physics Client Guide"), ("h1", "Contents"), ("p", "1. Physics"),
        ("p", "2. Simulation"), ("p", "Sources"), ("p", "Notices"),
        ("h1", "1. Physics"), ("bold", f"1. {Q1}"), *[("p", p) for p in A1],
        ("h1", "2. Simulation"), ("bold", f"2. {Q2}"), *[("p", p) for p in A2],
        ("h1", "Sources"), *[("p", s) for s in SOURCES],
        ("h1", "Notices"), ("p", f"Limits of use: {DISCLAIMER}"), ("p", NOTICE)])
    doc = parse(path)
    assert qa(doc) == [(Q1, "\n\n".join(A1)), (Q2, "\n\n".join(A2))]  # no sources in answer 2
    assert doc.document.references == tuple(SOURCES)  # not the contents' "Notices"
    assert doc.document.disclaimer == f"Limits of use: {DISCLAIMER}"
    assert doc.document.notice == NOTICE
    assert doc.document.title == "Physics Client Guide"


def test_a_deeper_references_heading_stays_in_its_answer(tmp_path: Path) -> None:
    text = (f"# Physics Notes\n\n## {Q1}\n\n{A1[0]}\n\n### References\n\nCPT codebook, physics "
            f"section.\n\n## {Q2}\n\n{A2[0]}\n\n## Sources\n\n{SOURCES[0]}\n\n"
            f"Disclaimer: {DISCLAIMER}\n")
    doc = parse(write(tmp_path, "notes.md", text))
    assert doc.entries[0].answer.endswith("CPT codebook, physics section.")
    assert doc.entries[1].answer == A2[0]
    assert doc.document.references == (SOURCES[0],)


def test_markdown_disclaimer_in_a_quoted_alert_before_the_questions(tmp_path: Path) -> None:
    text = (f"---\ntitle: Physics Notes\n---\n\n# Physics Notes\n\n> [!WARNING]\n> **Disclaimer.**"
            f" {DISCLAIMER}\n\n## Devices\n\n#### {Q1}\n\n" + "\n\n".join(A1)
            + f"\n\n> Keep the physicist's sign-off with the chart.\n\n#### {Q2}\n\n"
            + "\n\n".join(A2) + f"\n\n---\n\n## Sources\n\n1. {SOURCES[0]}\n2. {SOURCES[1]}\n\n"
            f"<small>{NOTICE}</small>\n\n[Back to top](#physics-notes)\n")
    doc = parse(write(tmp_path, "notes.md", text))
    assert qa(doc) == [(Q1, "\n\n".join([*A1, "Keep the physicist's sign-off with the chart."])),
                       (Q2, "\n\n".join(A2))]
    assert doc.document.disclaimer == DISCLAIMER  # no quote mark, alert type or label in it
    assert doc.document.notice == NOTICE  # no "Back to top" link
    assert doc.document.references == tuple(SOURCES)


def test_a_disclaimer_opened_by_its_name_and_a_period(tmp_path: Path) -> None:
    body = (f"<h1>Desk FAQ</h1><details><summary>{Q1}</summary><p>{A1[0]}</p></details>"
            f"<p><strong>Disclaimer.</strong> These replies bind no payer.</p><p>{NOTICE}</p>")
    doc = parse(write(tmp_path, "desk.html", f"<html><body>{body}</body></html>"))
    assert doc.document.disclaimer == "These replies bind no payer."
    assert doc.document.notice == NOTICE


RULE = "-" * 70
BULLETIN = f"""\
COUNTY HEALTH PLAN
PROVIDER BULLETIN 12
{"=" * 70}

INQUIRY 1
Inquiry:  {Q1}

Reply:    {A1[0]}
{A1[1]} (1)

{RULE}
               COUNTY HEALTH PLAN - BULLETIN 12 - Page 2
{RULE}
INQUIRY 2
Inquiry:  {Q2}

Reply:    {A2[0]}

{A2[1]}

{RULE}
Notes
 (1) {SOURCES[0][:-1]} and the
     parenthetical notes.
 (2) {SOURCES[1]}

DISCLAIMER: {DISCLAIMER}

{NOTICE}
"""


def test_payer_bulletin_of_inquiries_and_replies(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "bulletin.txt", BULLETIN))
    assert qa(doc) == [(Q1, f"{A1[0]}\n{A1[1]} (1)"), (Q2, "\n\n".join(A2))]  # no page header
    assert doc.document.references == (f"(1) {SOURCES[0][:-1]} and the parenthetical notes.",
                                       f"(2) {SOURCES[1]}")
    assert doc.document.disclaimer == DISCLAIMER
    assert doc.document.title == "COUNTY HEALTH PLAN"


def test_an_item_number_label_that_disagrees_with_the_next_is_not_dropped(
        tmp_path: Path) -> None:
    text = BULLETIN.replace("INQUIRY 2\nInquiry:", "INQUIRY 2\nInquiry 3:")
    with pytest.raises(CorpusFormatError, match="no answer"):
        parse(write(tmp_path, "bulletin.txt", text))
