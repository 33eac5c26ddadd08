"""Layouts of the fifth blind corpus's kind, in our own words: a newsletter whose Q&A is followed
by its own news section set off by rules and an unlabelled disclaimer; a compliance memo saved
from e-mail (header block, signature); a Markdown page with YAML front matter; disclaimers told by
wordings government contractors and societies use."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest.layouts import parse, write

RULE = "-" * 60

NEWSLETTER = f"""\
{"=" * 60}
THE FIELD NOTES
Coding news for cancer centers
{"=" * 60}

Q1. Is 77300 reported with each new plan?

A1. Yes, once for each calculation the physicist documents.

Q2. How are missed fractions counted for 77427?

A2. Only delivered fractions count, and a break does not restart the count.

Two sites treated the same day still count as one fraction for management.

{RULE}
UPCOMING EVENTS
{RULE}
Our spring webinar on device codes opens for registration next week.

{RULE}
These notes are an educational newsletter and are not a guarantee of coverage or payment.

CPT is a registered trademark of the American Medical Association. All rights reserved.

To unsubscribe, reply with REMOVE in the subject line.
"""


def test_a_section_framed_by_rules_ends_the_last_answer_and_newsletter_news_is_dropped(
        tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "field-notes.txt", NEWSLETTER))
    last = doc.entries[-1].answer
    assert last.endswith("still count as one fraction for management.")
    assert "webinar" not in last and "unsubscribe" not in last.lower()
    assert not any("webinar" in r for r in doc.document.references)
    assert doc.document.disclaimer.startswith("These notes are an educational newsletter")
    assert "unsubscribe" not in doc.document.notice.lower()


def test_a_title_in_capitals_on_its_own_line_is_a_section_title_without_rules(
        tmp_path: Path) -> None:
    text = NEWSLETTER.replace(f"{RULE}\nUPCOMING EVENTS\n{RULE}\n", "\nUPCOMING EVENTS\n\n")
    doc = parse(write(tmp_path, "field-notes.txt", text))
    assert doc.entries[-1].answer.endswith("still count as one fraction for management.")
    assert "webinar" not in doc.entries[-1].answer


def test_a_line_in_capitals_inside_a_paragraph_is_text(tmp_path: Path) -> None:
    text = NEWSLETTER.replace("Two sites treated the same day",
                              "NOTE WELL\nTwo sites treated the same day")
    doc = parse(write(tmp_path, "field-notes.txt", text))
    assert "NOTE WELL" in doc.entries[-1].answer


MEMO = """\
From: Compliance Office <compliance@example.org>
To: Radiation Oncology Charge Entry
Date: Mon, 3 Mar 2025 08:10:00 -0500
Subject: Coding memo 2025-03 - answers from the March huddle

RIVERBEND HEALTH
Compliance Office

Question: Does 77470 follow from concurrent chemotherapy alone?

Answer: No. The physician must document the added work the combined treatment required.

Sources
  - CPT Radiation Oncology guidelines

This memo is for internal educational purposes only and does not guarantee payment.

CPT is a registered trademark of the American Medical Association.

--
Compliance Office | Riverbend Health | ext. 2210
"""


def test_a_memo_saved_from_email_is_titled_by_its_subject_and_its_signature_is_dropped(
        tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "riverbend-memo.txt", MEMO))
    assert doc.document.title == "Coding memo 2025-03 - answers from the March huddle"
    assert list(doc.document.references) == ["CPT Radiation Oncology guidelines"]
    assert "ext. 2210" not in doc.document.notice and "--" not in doc.document.references


def test_one_date_line_is_not_a_mail_header(tmp_path: Path) -> None:
    text = MEMO.split("\n\n", 1)[1].replace("RIVERBEND HEALTH\n", "Date: March 2025\nRIVERBEND\n")
    doc = parse(write(tmp_path, "riverbend-memo.txt", text))
    assert doc.document.title == "Date: March 2025"


FRONT_MATTER_PAGE = """\
---
title: "Physics coding FAQ"
sidebar_position: 3
tags:
  - physics
---

# Physics Coding FAQ

**Q:** Is 77336 reported weekly?

**A:** Yes, once for every five fractions of the course.

*Disclaimer: these answers are for educational purposes only.*
"""


def test_yaml_front_matter_is_not_page_text(tmp_path: Path) -> None:
    doc = parse(write(tmp_path, "physics-faq.md", FRONT_MATTER_PAGE))
    assert doc.document.title == "Physics Coding FAQ"
    assert [e.question for e in doc.entries] == ["Is 77336 reported weekly?"]


@pytest.mark.parametrize("disclaimer", [
    # a government contractor's
    "It is general information and is not intended to take the place of the written law or "
    "regulations.",
    # a society's, with a generic lead-in the disclaimer text does not keep
    "Notice. This handbook does not constitute legal or reimbursement advice.",
    "This bulletin is not a guarantee of coverage.",
])
def test_unlabelled_disclaimers_in_the_wordings_publishers_use(tmp_path: Path,
                                                               disclaimer: str) -> None:
    text = ("Coding Question: Is 77334 reported per device?\n\n"
            "Coding Answer: Yes, one unit for each device designed.\n\n"
            f"{disclaimer}\n")
    doc = parse(write(tmp_path, "devices-faq.txt", text))
    assert doc.document.disclaimer == disclaimer.removeprefix("Notice. ")
    assert doc.entries[-1].answer == "Yes, one unit for each device designed."
