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


# --- the seed, exactly as the parser on main read it --------------------------------------------
def test_seed_parses_exactly_as_before_the_rewrite(seed) -> None:  # type: ignore[no-untyped-def]
    """Golden file written by main's parser (commit b727c9e) before the parser was rewritten."""
    import json

    golden = json.loads((Path(__file__).parent / "fixtures" / "seed-parsed-on-main.json")
                        .read_text(encoding="utf-8"))
    assert seed.document.to_dict() == golden["document"]
    got = [{"id": e.id, "question": e.question, "answer": e.answer, "line": e.line,
            "codes": [[c.code, c.descriptor] for c in e.codes]} for e in seed.entries]
    assert got == golden["entries"]
    assert all(c.role == "about" for e in seed.entries for c in e.codes)


# --- label styles -------------------------------------------------------------------------------
TAIL = "\n\nDisclaimer: Opinions only.\n"
LABELS = {
    "coding question / coding answer": "Coding Question: Can we bill?\nCoding Answer: Yes.",
    "coding response": "Coding Question: Can we bill?\n\nCoding Response: Yes.",
    "question / answer": "Question: Can we bill?\nAnswer: Yes.",
    "question / response": "Question: Can we bill?\nResponse: Yes.",
    "Q / A": "Q: Can we bill?\nA: Yes.",
    "any case": "CODING QUESTION: Can we bill?\ncoding answer: Yes.",
    "numbered, label on its own line": "Coding Question 1:\n\nCan we bill?\n\nCUAC Response 1:\n"
                                       "\nYes.",
    "numbered with #, no colon": "Question #1\n\nCan we bill?\n\nAnswer #1\n\nYes.",
    "label alone, no number": "Coding Question\nCan we bill?\n\nCoding Response\nYes.",
    "no-break space after label": "Coding Question:\xa0Can we bill?\xa0\nCoding Answer:\xa0 Yes.",
}


@pytest.mark.parametrize("body", LABELS.values(), ids=list(LABELS))
def test_label_styles_publishers_use(body: str) -> None:
    parsed = parse_text(f"Title\n\n{body}{TAIL}")
    assert [(e.question, e.answer) for e in parsed.entries] == [("Can we bill?", "Yes.")]
    assert parsed.document.disclaimer == "Opinions only."


def test_disclaimer_label_alone_takes_the_next_paragraph() -> None:
    parsed = parse_text("Coding Question: Q?\nCoding Answer: A.\n\nDisclaimer\n\nOpinions "
                        "only,\nnot advice.\n\nCPT is a trademark of the AMA.\n")
    assert parsed.document.disclaimer == "Opinions only,\nnot advice."
    assert parsed.document.notice == "CPT is a trademark of the AMA."


def test_article_a_and_prose_with_label_words_are_not_labels() -> None:
    parsed = parse_text("Coding Question: Who supervises?\nCoding Answer: The physicist.\n"
                        "A physicist must be on site.\nQuestion 2 of the survey is moot.\n"
                        "Answer key: none." + TAIL)
    assert parsed.entries[0].answer == ("The physicist.\nA physicist must be on site.\n"
                                        "Question 2 of the survey is moot.\nAnswer key: none.")


# --- where answers end --------------------------------------------------------------------------
def test_every_paragraph_of_every_answer_is_kept() -> None:
    parsed = parse_text("Coding Question: One?\nCoding Answer: One a.\n\nOne b.\n\nOne c.\n\n"
                        "Coding Question: Two?\nCoding Answer: Two a.\n\nTwo b, the last "
                        "paragraph of the last answer.\n\nDisclaimer: d\n")
    assert parsed.entries[0].answer == "One a.\n\nOne b.\n\nOne c."
    assert parsed.entries[1].answer == "Two a.\n\nTwo b, the last paragraph of the last answer."
    assert parsed.document.references == ()


def test_a_references_label_ends_the_last_answer() -> None:
    parsed = parse_text("Coding Question: Q?\nCoding Answer: Para one.\n\nPara two, still the "
                        "answer\nover two lines.\n\nReferences\n\nSome Coding Guide\nsee also: "
                        "a payer bulletin.\n\nDisclaimer: d\n")
    assert parsed.entries[0].answer == ("Para one.\n\nPara two, still the answer\nover two "
                                        "lines.")
    assert parsed.document.references == ("Some Coding Guide", "see also: a payer bulletin.")


def test_reference_lines_after_a_multi_paragraph_last_answer() -> None:
    parsed = parse_text("Coding Question: Q?\nCoding Answer: Para one.\n\nPara two.\n\n"
                        "2024 Coding Resource\nPayer Policy Manual, Chapter 4\n\nDisclaimer: d\n")
    assert parsed.entries[0].answer == "Para one.\n\nPara two."
    assert parsed.document.references == ("2024 Coding Resource",
                                          "Payer Policy Manual, Chapter 4")


def test_a_sources_label_inside_an_answer_that_more_entries_follow_stays_in_it() -> None:
    parsed = parse_text("Question: One?\nAnswer: One.\n\nSources:\nGuide A\n\nQuestion: Two?\n"
                        "Answer: Two.\n\nTwo, continued.\n\nDisclaimer: d\n")
    assert [e.answer for e in parsed.entries] == ["One.\n\nSources:\nGuide A",
                                                  "Two.\n\nTwo, continued."]
    assert parsed.document.references == ()


def test_a_source_line_inside_an_answer_does_not_cut_it() -> None:
    parsed = parse_text(
        "Coding Question: Is 77470 reported with SRS?\nCoding Answer: No, the special treatment "
        "procedure is not reported with 77372.\nSource: CPT Professional Edition, radiation "
        "oncology guidelines.\n\nThe plan must still document the technique.\n\n"
        "Coding Question: Two?\nCoding Answer: Two.\n\nReference: Payer Manual 4.2\n\n"
        "Still part of the second answer.\n\nCoding Question: Three?\nCoding Answer: Three."
        "\n\nReferences\n\nExample Society Coding Guide\n\nDisclaimer: d\n")
    first, second, third = (e.answer for e in parsed.entries)
    assert first == ("No, the special treatment procedure is not reported with 77372.\nSource: "
                     "CPT Professional Edition, radiation oncology guidelines.\n\nThe plan must "
                     "still document the technique.")  # verbatim, label included
    assert second == "Two.\n\nReference: Payer Manual 4.2\n\nStill part of the second answer."
    assert third == "Three."  # the references section after the last entry ends it
    assert parsed.document.references == ("Example Society Coding Guide",)


def test_a_references_label_after_the_last_entry_starts_the_references() -> None:
    parsed = parse_text("Question: One?\nAnswer: One.\nSource: Guide A\n\nQuestion: Two?\n"
                        "Answer: Two.\n\nReferences: Guide B\nGuide C\n\nDisclaimer: d\n")
    assert [e.answer for e in parsed.entries] == ["One.\nSource: Guide A", "Two."]
    assert parsed.document.references == ("Guide B", "Guide C")


def test_the_last_of_several_references_labels_in_the_last_answer_starts_them() -> None:
    parsed = parse_text("Question: Q?\nAnswer: Para one.\nSource: Payer bulletin 12.\n\n"
                        "Para two.\n\nReferences\nGuide A\n\nDisclaimer: d\n")
    assert parsed.entries[0].answer == "Para one.\nSource: Payer bulletin 12.\n\nPara two."
    assert parsed.document.references == ("Guide A",)


def test_a_publisher_citing_in_every_answer_cites_in_the_last_one_too() -> None:
    parsed = parse_text("Question: One?\nAnswer: One.\nSource: Guide A, p. 4\n\n"
                        "Question: Two?\nAnswer: Two.\nSource: Guide B, p. 9\n\n"
                        "Example Society Coding Guide\n\nDisclaimer: d\n")
    assert [e.answer for e in parsed.entries] == ["One.\nSource: Guide A, p. 4",
                                                  "Two.\nSource: Guide B, p. 9"]
    assert parsed.document.references == ("Example Society Coding Guide",)


def test_a_source_label_inside_an_accordion_answer_stays_in_it() -> None:
    from ingest.parse import Line

    lines = [Line(1, "Q one?", "question"), Line(1, "", "answer"), Line(2, "A one."),
             Line(3, "Source: Guide A"), Line(4, "", "end"), Line(5, "Q two?", "question"),
             Line(5, "", "answer"), Line(6, "A two."), Line(7, "Sources: Guide B"),
             Line(8, "", "end"), Line(9, ""), Line(10, "Disclaimer: d")]
    parsed = parse_daily_practice(lines, Path("t.html"))
    assert [e.answer for e in parsed.entries] == ["A one.\nSource: Guide A",
                                                  "A two.\nSources: Guide B"]
    assert parsed.document.references == ()


def test_site_chrome_lines_never_reach_the_notice_but_the_cpt_copyright_does() -> None:
    parsed = parse_text("Question: Q?\nAnswer: A.\n\nDisclaimer: d\n\nCPT copyright 2025 "
                        "American Medical Association. All rights reserved.\nCopyright © 2026 "
                        "Example Society. All rights reserved.\n© 2026 Example Society\n"
                        "Privacy Policy | Terms of Use | Contact Us\n")
    assert parsed.document.notice == ("CPT copyright 2025 American Medical Association. All "
                                      "rights reserved.")


def test_table_rows_stay_rows_in_the_answer() -> None:
    from ingest.parse import Line

    lines = [Line(1, "Coding Question: Which codes?"), Line(2, "Coding Answer: These:"),
             Line(3, "Code | Billable", "row"), Line(4, "77338 | Yes", "row"), Line(5, ""),
             Line(6, "Disclaimer: d")]
    parsed = parse_daily_practice(lines, Path("t.html"))
    assert parsed.entries[0].answer == "These:\nCode | Billable\n77338 | Yes"
    assert "77338" in parsed.entries[0].code_set


# --- refusals: file, line and what to add -------------------------------------------------------
REFUSED = {
    "last answer's end is ambiguous": (
        "Coding Question: Q?\nCoding Answer: Para one.\n\nsee the attached grid\n\n"
        "Disclaimer: d\n", "cannot tell whether line 4 belongs to the last answer", 4,
        "References:"),
    "a list introduced by a colon, or references?": (
        "Coding Question: Q?\nCoding Answer: Report these documents:\n\nPhysics Consult "
        "Report\nWeekly Chart Check\n\nDisclaimer: d\n", "may be a list that ends the last "
        "answer", 4, "References:"),
    "disclaimer only a heading": (
        "Coding Question: Q?\nCoding Answer: A.\n\nDisclaimer\n", "only a heading", 4,
        "disclaimer text"),
    "disclaimer heading then a label": (
        "Coding Question: Q?\nCoding Answer: A.\n\nDisclaimer\n\nReferences\n", "only a "
        "heading", 4, "disclaimer text"),
    "two questions in a row": (
        "Coding Question: A?\nCoding Question: B?\nCoding Answer: b.\n\nDisclaimer: d\n",
        "question on line 1 has no answer (another question follows on line 2)", 1,
        "add its answer"),
    "empty answer before the next question": (
        "Question: A?\nAnswer:\n\nQuestion: B?\nAnswer: b.\n\nDisclaimer: d\n",
        "an answer label ('Answer:') with no text", 2, "write the answer"),
    "answer label alone at the end": (
        "Question 1\nA?\n\nResponse 1\n\nDisclaimer: d\n", "with no text", 4,
        "write the answer"),
    "answer with no question": (
        "Title\n\nCUAC Response 1: orphan.\n\nDisclaimer: d\n", "answer with no question", 3,
        "add the question"),
    "backwards range": (
        "Coding Question: Can we bill 77290-77280 together?\nCoding Answer: No.\n\n"
        "Disclaimer: d\n", "range 77290-77280 runs backwards", 1, "77280-77290"),
    "question after the disclaimer": (
        "Question: A?\nAnswer: a.\n\nDisclaimer: d\n\nQuestion: B?\nAnswer: b.\n",
        "comes after the disclaimer", 6, "move the disclaimer"),
    "no Q&A structure": (
        "Radiation Oncology News\n\nThe society met in May.\n\nDisclaimer: d\n",
        "no Q&A pairs found", None, "question label"),
}


@pytest.mark.parametrize("text,message,line,fix", REFUSED.values(), ids=list(REFUSED))
def test_refused_documents_name_the_line_and_the_fix(text: str, message: str, line: int | None,
                                                     fix: str) -> None:
    with pytest.raises(CorpusFormatError) as err:
        parse_text(text, "guide.txt")
    assert err.value.line == line
    assert message in err.value.problem
    assert fix in err.value.hint
    assert str(err.value).startswith(f"guide.txt{f':{line}' if line else ''}: ")


def test_disclaimer_given_in_a_heading() -> None:
    from ingest.parse import Line

    qa = [Line(1, "Question: Q?"), Line(2, "Answer: A."), Line(3, "")]
    inline = parse_daily_practice([*qa, Line(4, "Disclaimer: Opinions only.", "heading"),
                                   Line(4, ""), Line(5, "CPT is a trademark of the AMA.")],
                                  Path("t.html"))
    assert inline.document.disclaimer == "Opinions only."  # label and text in one heading
    assert inline.document.notice == "CPT is a trademark of the AMA."
    with pytest.raises(CorpusFormatError) as err:
        parse_daily_practice([*qa, Line(4, "Disclaimer", "heading"), Line(4, ""),
                              Line(5, "Opinions only.", "heading")], Path("t.html"))
    assert err.value.line == 5 and "is itself a heading, on line 5" in err.value.problem
    assert "make the disclaimer text a paragraph" in err.value.hint


def test_a_disclaimer_before_the_entries() -> None:
    parsed = parse_text("Physics FAQ\n\nDisclaimer: Opinions only.\n\nQuestion: One?\nAnswer: "
                        "One a.\n\nOne b.\n\nQuestion: Two?\nAnswer: Two.\n")
    assert parsed.document.disclaimer == "Opinions only."
    assert [e.answer for e in parsed.entries] == ["One a.\n\nOne b.", "Two."]
    assert parsed.document.title == "Physics FAQ"


def test_a_disclaimer_first_leaves_the_last_answer_unbounded() -> None:
    with pytest.raises(CorpusFormatError) as err:
        parse_text("Disclaimer: Opinions only.\n\nQuestion: One?\nAnswer: One a.\n\n"
                   "One b, or is it?\n", "faq.txt")
    assert err.value.line == 6 and "runs to the end of the document" in err.value.problem
    assert "References:" in err.value.hint


def test_two_disclaimers_are_refused() -> None:
    with pytest.raises(CorpusFormatError, match=r"guide\.txt:5: two disclaimers"):
        parse_text("Disclaimer: d\n\nQuestion: Q?\nAnswer: A.\nDisclaimer: e\n", "guide.txt")


def test_a_bullet_list_after_the_last_answer_needs_a_references_label() -> None:
    text = ("Question: Q?\nAnswer: The following apply.\n\n- Physics Consult Report\n- Weekly "
            "Chart Check\n\nDisclaimer: d\n")
    with pytest.raises(CorpusFormatError) as err:
        parse_text(text)
    assert err.value.line == 4
    labelled = parse_text(text.replace("\n\n- Physics", "\n\nReferences\n- Physics"))
    assert labelled.document.references == ("Physics Consult Report", "Weekly Chart Check")


@pytest.mark.parametrize("line,chrome", [
    ("Privacy Policy | Terms of Use | Contact Us", True),
    ("Sitemap · Privacy · Terms", True),
    ("Copyright © 2026 Example Society. All rights reserved.", True),
    ("© 2026 Example Society", True),
    ("CPT copyright 2025 American Medical Association. All rights reserved.", False),
    ("77338 | Yes | No", False),
    ("Contact the payer | Check the LCD | Keep the record | Bill", False),
], ids=["link row", "dotted link row", "copyright", "©", "AMA notice", "table row",
        "answer line with one link word"])
def test_site_chrome_lines(line: str, chrome: bool) -> None:
    from ingest.parse.labels import is_chrome

    assert is_chrome(line) is chrome
