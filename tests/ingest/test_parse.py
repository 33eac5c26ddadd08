"""The Daily Practice parser on the shipped seed document and on broken documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse import parse_daily_practice, split_lines
from retrieval.errors import CorpusFormatError
from tests.conftest import SEED, SEED_IDS


def parse_text(text: str, name: str = "doc.txt"):  # type: ignore[no-untyped-def]
    return parse_daily_practice(split_lines(text), Path(name))


@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    return parse_daily_practice(split_lines(SEED.read_text(encoding="utf-8")), SEED)


def raw_answers() -> list[str]:
    """Answers as published: the text after each 'Coding Answer:' label, on its own line."""
    out = []
    for line in SEED.read_text(encoding="utf-8").split("\n"):
        if line.startswith("Coding Answer:"):
            out.append(line[len("Coding Answer:"):])
    return out


def test_seed_has_exactly_five_entries_with_design_ids(seed) -> None:  # type: ignore[no-untyped-def]
    assert [e.id for e in seed.entries] == SEED_IDS
    assert [e.position for e in seed.entries] == [1, 2, 3, 4, 5]


def test_answers_are_verbatim_character_for_character(seed) -> None:  # type: ignore[no-untyped-def]
    published = raw_answers()
    assert len(published) == 5
    for entry, raw in zip(seed.entries, published, strict=True):
        assert entry.answer == raw.strip()  # only surrounding whitespace (incl. NBSP) trimmed
        assert entry.answer in SEED.read_text(encoding="utf-8")
    # no-break spaces and curly quotes inside answers are kept
    assert "\xa0" in seed.entries[0].answer or "\xa0" in seed.entries[1].answer
    assert "physician’s" in seed.entries[0].answer
    assert seed.entries[4].answer == (
        "A physicist must be available onsite during patient imaging and treatment to provide "
        "personal supervision."
    )


def test_references_disclaimer_and_notice_attached_not_indexed_as_answers(seed) -> None:  # type: ignore[no-untyped-def]
    doc = seed.document
    assert doc.references == (
        "2023\xa0ASTRO Radiation Oncology Coding Resource",
        "ASTRO's 2020 Supervision Guidance",
        "ACR-AAPM's Practice Parameters and Technical Standards",
    )
    assert doc.disclaimer.startswith("The opinions referenced are those of members of the ASTRO")
    assert doc.disclaimer.endswith("arising from the use of these opinions.")
    assert "All CPT code descriptors have been taken from" in doc.notice
    assert doc.notice.endswith("CPT is registered trademark of the American Medical Association.")
    assert doc.title == "Daily Practice"
    for e in seed.entries:
        assert e.document is doc
        assert "Disclaimer" not in e.answer and "Coding Resource" not in e.answer


def test_codes_found_with_descriptors(seed) -> None:  # type: ignore[no-untyped-def]
    codes = [{c.code: c.descriptor for c in e.codes} for e in seed.entries]
    assert codes[0] == {"77370": "Special medical radiation physics consultation"}
    assert codes[1] == {"77370": "Special medical radiation physics consultation"}
    assert codes[2] == {"77370": "Special medical radiation physics consultation"}
    assert codes[3] == {"77336": "Continuing Physics Consultation"}
    assert codes[4] == {}


def test_multiline_question_and_multi_paragraph_answer() -> None:
    text = ("Title\n\nCoding Question: First line\ncontinues here?\n\nCoding Answer: Para one.\n\n"
            "Para two.\n\nCoding Question: Second?\nCoding Answer: Last.\n\nRef A\nRef B\n\n"
            "Disclaimer: Be careful.\n\nNotice line.\n")
    parsed = parse_text(text)
    assert parsed.entries[0].question == "First line\ncontinues here?"
    assert parsed.entries[0].answer == "Para one.\n\nPara two."
    assert parsed.entries[1].answer == "Last."
    assert parsed.document.references == ("Ref A", "Ref B")
    assert parsed.document.notice == "Notice line."


BAD = {
    "empty": ("", "empty", None),
    "whitespace only": ("  \n\n \t\n", "empty", None),
    "no pairs": ("Just some prose.\n\nDisclaimer: x\n", "no Q&A pairs", None),
    "question without answer": (
        "Coding Question: A?\nCoding Answer: a.\n\nCoding Question: B?\n\nDisclaimer: d\n",
        "line 4 has no answer", 4),
    "answer without question": (
        "Coding Answer: orphan.\n\nCoding Question: A?\nCoding Answer: a.\n\nDisclaimer: d\n",
        "answer with no question", 1),
    "duplicate question": (
        "Coding Question: Same?\nCoding Answer: a.\n\nCoding Question: same ?\nCoding Answer: "
        "b.\n\nDisclaimer: d\n", "repeats the one on line 1", 4),
    "no disclaimer": ("Coding Question: A?\nCoding Answer: a.\n", "no 'Disclaimer:'", None),
    "empty answer": ("Coding Question: A?\nCoding Answer:   \n\nDisclaimer: d\n",
                     "no text", 2),
}


@pytest.mark.parametrize("text,message,line", BAD.values(), ids=list(BAD))
def test_bad_documents_name_file_line_and_fix(text: str, message: str, line: int | None) -> None:
    with pytest.raises(CorpusFormatError) as err:
        parse_text(text, "guide.txt")
    assert err.value.line == line
    assert message in str(err.value)
    assert str(err.value).startswith("guide.txt")
    assert " — " in str(err.value)  # every message says what to do
