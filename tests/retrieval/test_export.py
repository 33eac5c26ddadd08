"""The citable text of an answer: verbatim, sourced, with disclaimer and notice, deterministic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from retrieval.entry import Code, Document, Entry
from retrieval.export import citable_text, export_filename

DOC = Document(
    name="daily-practice",
    filename="daily-practice.txt",
    title="Daily Practice",
    disclaimer="Always check with your local insurance carriers.",
    notice="CPT is registered trademark of the American Medical Association.",
    references=(
        "2023 ASTRO Radiation Oncology Coding Resource",
        "ASTRO's 2020 Supervision Guidance",
    ),
    publisher="ASTRO",
    published="2023",
)
ANSWER = "CPT® code 77370 requires a *written* request — signed [and] dated.\nSecond line  kept."
ENTRY = Entry(
    id="daily-practice:2",
    position=2,
    question="What does the request for 77370 need to entail?",
    answer=ANSWER,
    document=DOC,
    codes=(Code("77370", "Special medical radiation physics consultation"), Code("77336")),
)
WHEN = datetime(2026, 11, 27, 21, 50, tzinfo=UTC)


def text(**kw: object) -> str:
    args: dict = {"kb_version": "v20261127T213000Z-abc123", "when": WHEN, **kw}
    return citable_text("can the MD just tick a box for 77370?", ENTRY, **args)


def test_answer_is_copied_character_for_character() -> None:
    assert ANSWER in text()


def test_carries_question_source_references_disclaimer_notice_id_version_and_date() -> None:
    t = text(confidence="Strong match")
    for part in (
        "Question asked: can the MD just tick a box for 77370?",
        "Matched guidance question: What does the request for 77370 need to entail?",
        "Codes: 77370 (Special medical radiation physics consultation); 77336",
        "Source: Daily Practice (ASTRO, 2023) [daily-practice.txt]",
        "  - 2023 ASTRO Radiation Oncology Coding Resource",
        "  - ASTRO's 2020 Supervision Guidance",
        "Entry: daily-practice:2",
        "Knowledge-base version: v20261127T213000Z-abc123",
        "Match: Strong match",
        "Retrieved: 2026-11-27 21:50 UTC",
        "Disclaimer: Always check with your local insurance carriers.",
        "CPT is registered trademark of the American Medical Association.",
    ):
        assert part in t, part
    # the disclaimer comes after the answer, the notice after the disclaimer
    assert t.index(ANSWER) < t.index("Disclaimer:") < t.index("CPT is registered")


def test_is_deterministic_and_normalises_the_date_to_utc() -> None:
    local = WHEN.astimezone(timezone(timedelta(hours=-5)))
    assert text() == text(when=local)


def test_follow_up_line_only_when_the_question_was_read_with_an_earlier_one() -> None:
    assert "Follow-up:" not in text()
    read_as = "Read with your earlier question about 77370"
    assert f"Follow-up: {read_as}" in text(read_as=read_as)


@pytest.mark.parametrize(
    "publisher,published,expected",
    [
        (None, None, "Source: Daily Practice [daily-practice.txt]"),
        ("ASTRO", None, "Source: Daily Practice (ASTRO) [daily-practice.txt]"),
    ],
    ids=["no-metadata", "publisher-only"],
)
def test_source_line_without_optional_metadata(publisher, published, expected) -> None:  # type: ignore[no-untyped-def]
    doc = Document(
        **{
            **DOC.to_dict(),
            "references": (),
            "publisher": publisher,
            "published": published,
            "notice": "",
        }
    )
    entry = Entry(id="x:1", position=1, question="q", answer="a", document=doc)
    t = citable_text("q?", entry, kb_version="v1", when=WHEN)
    assert expected in t
    assert "References:" not in t
    assert t.rstrip().endswith("Disclaimer: Always check with your local insurance carriers.")


def test_export_filename_is_safe_and_dated() -> None:
    assert export_filename(ENTRY, WHEN) == "daily-practice-2_20261127-2150.txt"
