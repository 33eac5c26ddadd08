"""Newsletter and Markdown decoration that is never text to show: rules drawn with one character
between items, inline HTML in Markdown, and a footer after the CPT notice (unsubscribe line,
publisher's address). Fixtures are written inline, in our own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest.layouts import parse

NEWSLETTER = """\
BILLING DESK NOTES
Issue 3

==========================================================

Q. Is port film review (77417) reported once a week?

A. Yes. Report it once for each five treatment sessions, the same cycle as
   treatment management.

   Keep the review note with the films.

----------------------------------------------------------

Q. Can a block be billed when the plan is redone?

A. Only when a new block is made for the new plan.

----------------------------------------------------------

DISCLAIMER

  These notes are general education and not advice on any claim.

CPT NOTICE

  CPT is a registered trademark of the American Medical Association.

To stop these notes, reply with STOP in the subject.
Desk Notes Group, Springfield
"""


def test_rules_between_items_end_answers_and_are_never_shown(tmp_path: Path) -> None:
    path = tmp_path / "desk-notes.txt"
    path.write_text(NEWSLETTER, encoding="utf-8")
    doc = parse(path)
    first, second = (e.answer for e in doc.entries)
    assert first.endswith("Keep the review note with the films.")  # both paragraphs, no rule
    assert second == "Only when a new block is made for the new plan."
    assert all("---" not in e.answer and "===" not in e.answer for e in doc.entries)


def test_footer_after_the_cpt_notice_is_not_the_notice(tmp_path: Path) -> None:
    path = tmp_path / "desk-notes.txt"
    path.write_text(NEWSLETTER, encoding="utf-8")
    notice = parse(path).document.notice
    assert notice.endswith("registered trademark of the American Medical Association.")
    assert "STOP" not in notice and "Springfield" not in notice


def test_a_notice_that_names_no_cpt_or_copyright_is_kept_whole(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(NEWSLETTER.replace(
        "  CPT is a registered trademark of the American Medical Association.\n",
        "  Codes are quoted for teaching.\n").replace("CPT NOTICE", "NOTICE"), encoding="utf-8")
    notice = parse(path).document.notice
    assert "Codes are quoted for teaching." in notice and "Springfield" in notice


@pytest.mark.parametrize("wrapped", ["<small>{}</small>", "<span class=\"fine\">{}</span>",
                                     "{}<!-- footer -->"])
def test_inline_html_in_markdown_is_presentation_only(tmp_path: Path, wrapped: str) -> None:
    notice = "CPT is a registered trademark of the American Medical Association."
    path = tmp_path / "faq.md"
    path.write_text(
        "# Desk FAQ\n\n**Q:** Is a <sup>3D</sup> plan billed with 77295?\n\n"
        "**A:** Yes, once per course when the target is under 5 cm (<5 cm is typical).\n\n"
        "## Disclaimer\n\nGeneral education only.\n\n---\n\n"
        + wrapped.format(notice) + "\n\n"
        "<small>© 2025 Desk Group · [Privacy](https://example.org/p) · "
        "[Contact](https://example.org/c)</small>\n", encoding="utf-8")
    doc = parse(path)
    assert doc.entries[0].question == "Is a 3D plan billed with 77295?"
    assert doc.entries[0].answer.endswith("(<5 cm is typical).")  # not a tag
    assert doc.document.notice == notice
