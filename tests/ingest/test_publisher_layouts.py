"""Layouts publishers use without the seed's labels: questions as headings or bold paragraphs,
numbered questions, Q. / A1. / 'Question 3 —' labels and Question | Answer tables, in every
format. Fixtures are written in our own words (see tests/ingest/fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse import ParsedDocument
from retrieval.errors import CorpusFormatError
from tests.ingest import docmaker
from tests.ingest.layouts import parse, qa, write

FIXTURES = Path(__file__).parent / "fixtures"
CHROME = ("cookie", "Accept all", "Join", "Practice Support", "Privacy", "Terms of Use",
          "©", "Related links", "dataLayer", "Home")
DISCLAIMER = "Disclaimer: Opinions of the group.\n\nCPT is a trademark of the AMA.\n"


def shown(doc: ParsedDocument) -> str:
    """Everything a coder can be shown from a document (answers, disclaimer, notice)."""
    d = doc.document
    return "\n".join([d.disclaimer, d.notice, *(f"{e.question}\n{e.answer}" for e in doc.entries)])


# --- question headings (HTML h3, Markdown ###) ---------------------------------------------------
def test_html_question_headings_inside_an_article() -> None:
    doc = parse(FIXTURES / "question-headings.html")
    assert [e.id for e in doc.entries] == [f"question-headings:{n}" for n in range(1, 6)]
    assert [e.question for e in doc.entries] == [
        "Can a complex simulation (77290) be reported when only one area is simulated?",
        "How often may clinical treatment planning (77263) be billed?",
        "Which devices may be reported with an IMRT plan?",
        "Does a treatment given twice in one day count as two fractions?",
        "Is image guidance billed with every fraction?"]
    first, second, third, fourth, last = (e.answer for e in doc.entries)
    # lists (nested too) and the note stay in their answer
    assert "Rotational or arc beam set-up" in first and "signed by the physician" in first
    assert first.endswith("Note: the number of areas alone does not decide the level when "
                          "another criterion is met.")
    # a deeper heading is part of the answer; a Source: line inside a middle answer stays there
    assert "\n\nWhat the note should show\n\n" in second
    assert second.endswith("Source: committee minutes, planning subgroup.")
    assert "Multileaf collimator design for IMRT | 77338 | Yes" in third
    assert third.endswith("Report each device on the date it was designed and built.")
    assert "\n\nDocumentation\n\nRecord the time of each session" in fourth
    # the last answer is whole; the related links after it are references, not answer text
    assert last.count("\n\n") == 1 and last.endswith("keep the images with the record.")
    assert doc.document.references == ("Simulation level worksheet", "IMRT device chart")
    # intro paragraphs and a section's introduction are not answers
    assert not any("Members send us questions" in e.answer or "daily treatment codes" in e.answer
                   for e in doc.entries)
    assert doc.document.title.startswith("Planning and Delivery Billing Questions")
    assert doc.document.disclaimer.startswith("These answers are the committee's opinions")
    assert doc.document.notice.startswith("CPT is a registered trademark")
    text = shown(doc)
    for chrome in CHROME:
        assert chrome not in text, chrome
    assert {c.code for c in doc.entries[2].codes} >= {"77338", "77334", "77301"}


def test_markdown_question_headings_with_lists_notes_and_a_table() -> None:
    doc = parse(FIXTURES / "question-headings.md")
    assert [e.id for e in doc.entries] == [f"question-headings:{n}" for n in range(1, 5)]
    assert doc.entries[0].question == ("Is the isodose plan for an HDR treatment reported with "
                                       "each fraction?")
    first, second, third, last = (e.answer for e in doc.entries)
    assert "  - keep the plan identifier in each treatment record" in first
    assert first.endswith("not a separate service.")
    assert second.endswith("Why the rule exists\n\nThe remote afterloader handles the source; "
                           "nobody loads it by hand.")
    assert "Fractions in the course | Units of 77336\n5 | 1\n10 | 2" in third
    assert third.endswith("Source: Harbor committee worksheet on weekly services.")
    assert last.endswith("should all be in the record.") and last.count("\n\n") == 1
    assert doc.document.references == ("Harbor weekly services worksheet",
                                       "https://example.org/harbor/physics-chart")
    assert "member bulletin" not in shown(doc) and "Brachytherapy\n" not in shown(doc)


def test_parsing_is_stable() -> None:
    """The same file parses to the same ids and text every time (ids never follow hashing or
    dict order)."""
    for name in ("question-headings.html", "question-headings.md", "numbered-questions.md",
                 "period-labels.txt"):
        a, b = parse(FIXTURES / name), parse(FIXTURES / name)
        assert [(e.id, e.hash) for e in a.entries] == [(e.id, e.hash) for e in b.entries]


def test_bold_paragraph_questions_in_html(tmp_path: Path) -> None:
    html = ("<html><body><main><h1>Bold FAQ</h1><p>Intro for members.</p>"
            "<p><strong>Can 77300 be billed twice on one day?</strong></p>"
            "<p>Yes, for two prescribed calculations.</p><p><b>Note</b></p><p>Keep both.</p>"
            "<ol><li><strong>Is 77470 reported per course?</strong><p>Yes, once.</p>"
            "<p>Even when the course is long.</p></li></ol>"
            "<h2>Disclaimer</h2><p>Opinions.</p><p>CPT is a trademark of the AMA.</p>"
            "</main></body></html>")
    doc = parse(write(tmp_path, "bold.html", html))
    assert qa(doc) == [
        ("Can 77300 be billed twice on one day?",
         "Yes, for two prescribed calculations.\n\nNote\n\nKeep both."),
        ("Is 77470 reported per course?", "Yes, once.\n\nEven when the course is long.")]


def test_question_headings_win_over_json_ld_that_repeats_them(tmp_path: Path) -> None:
    """What the page shows wins: its question headings, not a shorter JSON-LD summary."""
    ld = ('{"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": [{"@type": '
          '"Question", "name": "Is 77280 one area?", "acceptedAnswer": {"@type": "Answer", '
          '"text": "Yes."}}]}')
    html = (f"<html><head><script type='application/ld+json'>{ld}</script></head><body><main>"
            "<h1>FAQ</h1><h3>Is 77280 one area?</h3><p>Yes.</p><p>Two areas are 77285.</p>"
            "<h3>Disclaimer</h3><p>Opinions.</p></main></body></html>")
    doc = parse(write(tmp_path, "ld.html", html))
    assert qa(doc) == [("Is 77280 one area?", "Yes.\n\nTwo areas are 77285.")]


def test_heading_levels_decide_what_is_a_question(tmp_path: Path) -> None:
    """Questions are the level where most headings ask; a '?' section title above them is not
    a question, a '?' sub-heading below them is part of the answer."""
    md = ("# FAQ\n\n## Why does the level matter?\n\n### Is 77280 one area?\n\nYes.\n\n"
          "#### What if two?\n\nThen 77285.\n\n### Is 77290 three areas?\n\nYes, or a "
          "complex element.\n\n" + DISCLAIMER)
    doc = parse(write(tmp_path, "levels.md", md))
    assert qa(doc) == [("Is 77280 one area?", "Yes.\n\nWhat if two?\n\nThen 77285."),
                       ("Is 77290 three areas?", "Yes, or a complex element.")]


# --- numbered questions and label variants -------------------------------------------------------
def test_numbered_question_paragraphs() -> None:
    doc = parse(FIXTURES / "numbered-questions.md")
    assert [e.question for e in doc.entries] == [
        "Can weekly management (77427) be reported when the physician saw the patient only once "
        "in five fractions?",
        "How are three fractions left over at the end of a course reported?",
        "Who may perform the weekly visit?"]
    assert doc.entries[1].answer.endswith("- 1 or 2 left over: no additional unit")
    assert doc.entries[2].answer.endswith("Note: a nurse's visit does not count toward a unit.")
    assert doc.document.references == ("Northfield management worksheet 2026",)


def test_html_ordered_list_of_questions(tmp_path: Path) -> None:
    """Questions as items of ordered lists (one list per question, or answers inside the
    items), with a list of the questions as a table of contents at the top."""
    html = ("<html><body><main><h1>FAQ</h1><p>Questions from members:</p><ol>"
            "<li>Can 77300 be billed with 77306?</li><li>Is 77470 per course?</li>"
            "<li>Who signs the plan?</li></ol>"
            "<ol><li>Can 77300 be billed with 77306?</li></ol><p>No, the plan includes it.</p>"
            "<ul><li>one plan</li><li>its calculations</li></ul>"
            "<ol start='2'><li>Is 77470 per course?</li></ol><p>Yes, once.</p>"
            "<ol start='3'><li>Who signs the plan?<p>The physician.</p><p>Always before "
            "treatment.</p></li></ol>"
            "<h2>Disclaimer</h2><p>Opinions.</p></main></body></html>")
    doc = parse(write(tmp_path, "ordered.html", html))
    assert qa(doc) == [("Can 77300 be billed with 77306?",
                        "No, the plan includes it.\n\none plan\nits calculations"),
                       ("Is 77470 per course?", "Yes, once."),
                       ("Who signs the plan?", "The physician.\n\nAlways before treatment.")]


def test_period_labels_with_numbers() -> None:
    doc = parse(FIXTURES / "period-labels.txt")
    assert [e.id for e in doc.entries] == ["period-labels:1", "period-labels:2", "period-labels:3"]
    assert doc.entries[0].question.startswith("A freestanding center bills")
    assert doc.entries[0].answer.endswith("Keep the reviewed images with the record for the "
                                          "date of service.")
    assert doc.entries[2].answer.endswith("not a refinement of the first one.")
    assert "- a new simulation, if the patient was simulated again" in doc.entries[2].answer
    assert not any("Reminders" in e.answer for e in doc.entries)
    # the section title before Q3 announces the questions: not the end of answer 2
    assert doc.entries[1].answer.endswith("has no weekly physics unit at all.")


@pytest.mark.parametrize("name,text", [
    ("q-period.txt", "Q. Can 77300 be billed twice?\nA. Yes, for two fields.\n\n"
                     "Q. Is 77470 per course?\nA. Yes.\n\n"),
    ("dash.txt", "Question 3 — Can 77300 be billed twice?\nAnswer — Yes, for two fields.\n\n"
                 "Question 4 – Is 77470 per course?\nAnswer – Yes.\n\n"),
    ("list-number.txt", "1. Question: Can 77300 be billed twice?\n\nAnswer: Yes, for two "
                        "fields.\n\n2. Question: Is 77470 per course?\n\nAnswer: Yes.\n\n"),
    ("ans.txt", "Q: Can 77300 be billed twice?\nAns: Yes, for two fields.\n\n"
                "Q: Is 77470 per course?\nAns: Yes.\n\n"),
    ("bold-period.md", "**Q1.** Can 77300 be billed twice?\n\n**A1.** Yes, for two fields.\n\n"
                       "**Q2.** Is 77470 per course?\n\n**A2.** Yes.\n\n"),
], ids=["Q.-A.", "Question-3-dash", "1.-Question:", "Ans", "md-bold-Q1."])
def test_label_variants(tmp_path: Path, name: str, text: str) -> None:
    doc = parse(write(tmp_path, name, "Title\n\n" + text + DISCLAIMER))
    assert qa(doc) == [("Can 77300 be billed twice?", "Yes, for two fields."),
                       ("Is 77470 per course?", "Yes.")]


@pytest.mark.parametrize("name,text", [
    ("q-only.txt", "Title\n\nQ1. Can 77300 be billed twice?\nYes, for two fields.\n\nEach "
                   "needs its own prescription.\n\nQuestion 2:\nIs 77470 reported\nper course?"
                   "\n\nYes.\n\n" + DISCLAIMER),
    ("q-only.html", "<html><body><main><h1>FAQ</h1><h3>Q: Can 77300 be billed twice?</h3>"
                    "<p>Yes, for two fields.</p><p>Each needs its own prescription.</p>"
                    "<h3>Question 2</h3><p>Is 77470 reported per course?</p><p>Yes.</p>"
                    "<h3>Disclaimer</h3><p>Opinions.</p></main></body></html>"),
], ids=["txt", "html"])
def test_labelled_questions_with_unlabelled_answers(tmp_path: Path, name: str, text: str) -> None:
    doc = parse(write(tmp_path, name, text))
    assert [e.answer for e in doc.entries] == [
        "Yes, for two fields.\n\nEach needs its own prescription.", "Yes."]
    assert doc.entries[0].question == "Can 77300 be billed twice?"
    assert doc.entries[1].question.replace("\n", " ") == "Is 77470 reported per course?"


@pytest.mark.parametrize("name,text", [
    ("a-only.txt", "Title\n\nCan 77300 be billed twice?\nAnswer: Yes, for two fields.\n\nEach "
                   "needs its own prescription.\n\nIs 77470 reported per course?\n\nA: Yes.\n\n"
                   + DISCLAIMER),
    ("a-only.md", "# FAQ\n\n### Can 77300 be billed twice?\n\n**Answer:** Yes, for two fields."
                  "\n\nEach needs its own prescription.\n\n### Is 77470 reported per course?\n\n"
                  "Answer: Yes.\n\n" + DISCLAIMER),
], ids=["txt", "md-headings"])
def test_labelled_answers_with_unlabelled_questions(tmp_path: Path, name: str, text: str) -> None:
    doc = parse(write(tmp_path, name, text))
    assert qa(doc) == [("Can 77300 be billed twice?",
                        "Yes, for two fields.\n\nEach needs its own prescription."),
                       ("Is 77470 reported per course?", "Yes.")]


def test_an_answer_label_after_a_paragraph_that_asks_nothing_is_refused(tmp_path: Path) -> None:
    text = "Title\n\nBilling 77300 twice\nAnswer: Yes, for two fields.\n\n" + DISCLAIMER
    with pytest.raises(CorpusFormatError, match=r"asks\.txt:4: an answer with no question"):
        parse(write(tmp_path, "asks.txt", text))


def test_a_labelled_question_followed_by_another_has_no_answer(tmp_path: Path) -> None:
    text = "Title\n\nQ1. Can 77300 be billed twice?\n\nQ2. Is 77470 per course?\n\nYes.\n\n"
    with pytest.raises(CorpusFormatError, match=r"none\.txt:3: the question on line 3 has no "
                                                r"answer \(another question follows on line 5\)"):
        parse(write(tmp_path, "none.txt", text + DISCLAIMER))


def test_a_period_is_a_label_only_where_the_document_asks_with_it(tmp_path: Path) -> None:
    text = ("Title\n\nQuestion: Who wrote the physics chapter?\nAnswer: The committee, with\n"
            "A. Rivera as its chair, graded the levels:\nA – simple\nB – complex\n\n"
            + DISCLAIMER)
    (entry,) = parse(write(tmp_path, "names.txt", text)).entries
    assert entry.answer == ("The committee, with\nA. Rivera as its chair, graded the levels:\n"
                            "A – simple\nB – complex")


# --- Question | Answer tables --------------------------------------------------------------------
def test_question_answer_table_in_html(tmp_path: Path) -> None:
    html = ("<html><body><main><h1>Table FAQ</h1><p>Answers from the committee.</p><table>"
            "<tr><th>Questions</th><th>Answers</th></tr>"
            "<tr><td>Can 77300 be billed with 77306?</td><td><p>No, the plan includes it.</p>"
            "<ul><li>one plan</li><li>its calculations</li></ul></td></tr>"
            "<tr><td>Is 77470 per course?</td><td>Yes, once.</td></tr></table>"
            "<h2>Disclaimer</h2><p>Opinions.</p></main></body></html>")
    doc = parse(write(tmp_path, "table.html", html))
    assert qa(doc) == [("Can 77300 be billed with 77306?",
                        "No, the plan includes it.\n\none plan\nits calculations"),
                       ("Is 77470 per course?", "Yes, once.")]


def test_question_answer_table_without_a_header_row(tmp_path: Path) -> None:
    html = ("<html><body><main><h1>Table FAQ</h1><table>"
            "<tr><td>Can 77300 be billed with 77306?</td><td><p>No.</p><p>The plan includes "
            "it.</p></td></tr><tr><td>Is 77470 per course?</td><td>Yes, once.</td></tr></table>"
            "<h2>Disclaimer</h2><p>Opinions.</p></main></body></html>")
    doc = parse(write(tmp_path, "rows.html", html))
    assert qa(doc) == [("Can 77300 be billed with 77306?", "No.\n\nThe plan includes it."),
                       ("Is 77470 per course?", "Yes, once.")]
    # a decision table (questions and codes, not sentences) is an ordinary table of an answer
    html = ("<html><body><main><h3>Which simulation code?</h3><table><tr><td>One area?</td>"
            "<td>77280</td></tr><tr><td>Contrast used?</td><td>77290</td></tr></table>"
            "<h3>Disclaimer</h3><p>Opinions.</p></main></body></html>")
    assert qa(parse(write(tmp_path, "plain.html", html))) == [
        ("Which simulation code?", "One area? | 77280\nContrast used? | 77290")]
    path = docmaker.make_docx_blocks(tmp_path / "rows.docx", [
        ("h1", "Table FAQ"), ("table", [["Can 77300 be billed with 77306?", "No."],
                                        ["Is 77470 per course?", "Yes, once."]]),
        ("heading", "Disclaimer"), ("p", "Opinions.")])
    assert qa(parse(path)) == [("Can 77300 be billed with 77306?", "No."),
                               ("Is 77470 per course?", "Yes, once.")]


def test_table_cells_marked_as_question_and_answer(tmp_path: Path) -> None:
    html = ("<html><body><main><h1>FAQ</h1><table class='faq'>"
            "<tr><td class='question'>Can 77300 be billed with 77306?</td>"
            "<td class='answer'><p>No.</p><p>The plan includes it.</p></td></tr>"
            "<tr><td class='question'>Is 77470 per course?</td><td class='answer'>Yes.</td></tr>"
            "</table><h2>Disclaimer</h2><p>Opinions.</p></main></body></html>")
    doc = parse(write(tmp_path, "cells.html", html))
    assert qa(doc) == [("Can 77300 be billed with 77306?", "No.\n\nThe plan includes it."),
                       ("Is 77470 per course?", "Yes.")]


def test_question_answer_table_in_markdown(tmp_path: Path) -> None:
    md = ("# Table FAQ\n\n| Question | Answer |\n|---|---|\n| Can 77300 be billed with 77306? | "
          "No.<br>The plan includes it. |\n| Is 77470 per course? | Yes. |\n\n" + DISCLAIMER)
    doc = parse(write(tmp_path, "table.md", md))
    assert qa(doc) == [("Can 77300 be billed with 77306?", "No.\nThe plan includes it."),
                       ("Is 77470 per course?", "Yes.")]


def test_question_answer_table_in_word(tmp_path: Path) -> None:
    path = docmaker.make_docx_blocks(tmp_path / "table.docx", [
        ("h1", "Table FAQ"),
        ("table", [["Question", "Answer"], ["Can 77300 be billed with 77306?", "No.\nThe plan "
                                            "includes it."], ["Is 77470 per course?", "Yes."]]),
        ("heading", "Disclaimer"), ("p", "Opinions.")])
    doc = parse(path)
    assert qa(doc) == [("Can 77300 be billed with 77306?", "No.\nThe plan includes it."),
                       ("Is 77470 per course?", "Yes.")]


# --- Word and PDF --------------------------------------------------------------------------------
WORD_QUESTIONS: list[docmaker.Block] = [
    ("h1", "Delivery FAQ"), ("p", "Our answers to members' questions."),
    ("h2", "Treatment delivery"),
    ("heading", "Is 77412 chosen for any custom blocking?"),
    ("p", "Yes, custom blocking makes a session complex."), ("bullet", "multileaf shaping"),
    ("bullet", "cast blocks"), ("p", "Note: field-in-field counts too."),
    ("heading", "Can two sessions on one day be billed?"),
    ("p", "Yes, with a distinct break."), ("p", "Record both times."),
    ("heading", "Disclaimer"), ("p", "Opinions."), ("p", "CPT is a trademark of the AMA."),
]


def test_word_heading_style_questions(tmp_path: Path) -> None:
    doc = parse(docmaker.make_docx_blocks(tmp_path / "delivery.docx", WORD_QUESTIONS))
    assert qa(doc) == [
        ("Is 77412 chosen for any custom blocking?", "Yes, custom blocking makes a session "
         "complex.\n\nmultileaf shaping\n\ncast blocks\n\nNote: field-in-field counts too."),
        ("Can two sessions on one day be billed?", "Yes, with a distinct break.\n\nRecord both "
         "times.")]
    assert doc.document.notice == "CPT is a trademark of the AMA."


def test_word_bold_paragraph_questions(tmp_path: Path) -> None:
    blocks = [("bold", b[1]) if b[0] == "heading" and str(b[1]).endswith("?") else b
              for b in WORD_QUESTIONS]
    doc = parse(docmaker.make_docx_blocks(tmp_path / "bold.docx", blocks))
    assert [e.question for e in doc.entries] == ["Is 77412 chosen for any custom blocking?",
                                                 "Can two sessions on one day be billed?"]
    assert doc.entries[1].answer == "Yes, with a distinct break.\n\nRecord both times."


def test_word_numbered_list_questions(tmp_path: Path) -> None:
    blocks = [("numbered", b[1]) if b[0] == "heading" and str(b[1]).endswith("?") else b
              for b in WORD_QUESTIONS]
    doc = parse(docmaker.make_docx_blocks(tmp_path / "numbered.docx", blocks))
    assert [e.question for e in doc.entries] == ["Is 77412 chosen for any custom blocking?",
                                                 "Can two sessions on one day be billed?"]
    assert doc.entries[0].answer.endswith("Note: field-in-field counts too.")


def test_pdf_questions_in_bold(tmp_path: Path) -> None:
    text = ("Delivery FAQ\n\nOur answers to members' questions, reviewed by the committee in "
            "the spring of this year and checked against the current code book.\n\n"
            "**Is 77412 chosen for any custom blocking, including multileaf shaping of the "
            "field in every session?**\n\nYes, custom blocking makes a session complex.\n\n"
            "**Can two sessions on one day be billed?**\n\nYes, with a distinct break.\n\n"
            "Record both times.\n\nDisclaimer: Opinions.\n\nCPT is a trademark of the AMA.")
    doc = parse(docmaker.make_pdf(tmp_path / "bold.pdf", text, width=60))
    assert qa(doc) == [
        ("Is 77412 chosen for any custom blocking, including multileaf shaping of the field in "
         "every session?", "Yes, custom blocking makes a session complex."),
        ("Can two sessions on one day be billed?", "Yes, with a distinct break.\n\nRecord both "
         "times.")]


# --- refused: where the structure cannot tell ----------------------------------------------------
def test_a_heading_at_the_question_level_that_asks_nothing_is_refused(tmp_path: Path) -> None:
    md = ("# FAQ\n\n### Is 77280 one area?\n\nYes.\n\n### Billing two areas\n\nUse 77285.\n\n"
          "### Is 77290 three areas?\n\nYes.\n\n" + DISCLAIMER)
    with pytest.raises(CorpusFormatError, match=r"levels\.md:7: the heading 'Billing two areas' "
                                                r"on line 7 is at the level of the questions.* — "
                                                r"end it with '\?'"):
        parse(write(tmp_path, "levels.md", md))


def test_a_higher_heading_ends_the_answer_and_its_intro_is_not_an_answer(tmp_path: Path) -> None:
    md = ("# FAQ\n\n## Planning\n\n### Is 77280 one area?\n\nYes.\n\n## Delivery\n\nQuestions "
          "about delivery.\n\n### Is 77412 complex?\n\nYes.\n\n" + DISCLAIMER)
    doc = parse(write(tmp_path, "sections.md", md))
    assert qa(doc) == [("Is 77280 one area?", "Yes."), ("Is 77412 complex?", "Yes.")]


def test_a_question_heading_without_an_answer_is_refused(tmp_path: Path) -> None:
    md = "# FAQ\n\n### Is 77280 one area?\n\n### Is 77290 three areas?\n\nYes.\n\n" + DISCLAIMER
    with pytest.raises(CorpusFormatError, match=r"empty\.md:3: the question heading 'Is 77280 "
                                                r"one area\?' on line 3 has no answer"):
        parse(write(tmp_path, "empty.md", md))


def test_numbered_questions_out_of_sequence_are_refused(tmp_path: Path) -> None:
    md = ("# FAQ\n\n1. Is 77280 one area?\n\nYes.\n\n2. Is 77285 two areas?\n\nYes:\n\n"
          "1. Is the second area separate?\n\nIt must be.\n\n" + DISCLAIMER)
    with pytest.raises(CorpusFormatError, match=r"order\.md:11: the numbered question on line "
                                                r"11 is number 1 after number 2"):
        parse(write(tmp_path, "order.md", md))


def test_an_unclear_line_after_the_last_question_heading_is_refused(tmp_path: Path) -> None:
    md = ("# FAQ\n\n### Is 77280 one area?\n\nYes.\n\nHarbor Planning Chart 2026\n\n"
          + DISCLAIMER)
    doc = parse(write(tmp_path, "refs.md", md))  # a title-like line: the document's reference
    assert qa(doc) == [("Is 77280 one area?", "Yes.")]
    assert doc.document.references == ("Harbor Planning Chart 2026",)
    md = "# FAQ\n\n### Is 77280 one area?\n\nYes.\n\nsee the chart for two areas\n\n" + DISCLAIMER
    with pytest.raises(CorpusFormatError, match=r"unclear\.md:7: cannot tell whether line 7 "
                                                r"belongs to the last answer"):
        parse(write(tmp_path, "unclear.md", md))


@pytest.mark.parametrize("name,text,line", [
    ("rows.html", "<html><body><main><table>\n<tr><th>Question</th><th>Answer</th></tr>\n"
                  "<tr><td>Q?</td><td>A.</td><td>extra</td></tr></table>"
                  "<h2>Disclaimer</h2><p>Opinions.</p></main></body></html>", 3),
    ("rows.md", "# FAQ\n\n| Question | Answer |\n|---|---|\n| Q? | A. | extra |\n\n"
                + DISCLAIMER, 5),
], ids=["html", "md"])
def test_a_question_answer_table_row_with_extra_cells_is_refused(tmp_path: Path, name: str,
                                                                 text: str, line: int) -> None:
    with pytest.raises(CorpusFormatError, match=rf"rows\.\w+:{line}: a row of the question/"
                                                r"answer table has 3 cell"):
        parse(write(tmp_path, name, text))


def test_a_corpus_of_the_new_layouts_parses_whole(tmp_path: Path) -> None:
    """Through the corpus path ingest uses: every document, every entry, ids in order, nothing
    shown that a site or the article around the FAQ put there."""
    from ingest.corpus import parse_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    counts = {"question-headings.html": 5, "question-headings.md": 4,
              "numbered-questions.md": 3, "period-labels.txt": 3}
    for name in counts:
        target = corpus / name.replace("question-headings.md", "brachy-physics-notes.md")
        target.write_bytes((FIXTURES / name).read_bytes())
    docmaker.make_docx_blocks(corpus / "delivery.docx", WORD_QUESTIONS)
    parsed = {pd.document.filename: pd for pd in parse_corpus(corpus)}
    assert {name: len(pd.entries) for name, pd in parsed.items()} == {
        "question-headings.html": 5, "brachy-physics-notes.md": 4, "numbered-questions.md": 3,
        "period-labels.txt": 3, "delivery.docx": 2}
    for pd in parsed.values():
        stem = pd.document.name
        assert [e.id for e in pd.entries] == [f"{stem}:{n}" for n in range(1, len(pd.entries) + 1)]
        assert pd.document.disclaimer and pd.document.notice.startswith("CPT is a")
        text = shown(pd)
        for chrome in CHROME:
            assert chrome not in text, (stem, chrome)
        assert all(e.question.endswith("?") and e.answer for e in pd.entries), stem


def test_html_heading_at_the_question_level_names_its_source_line(tmp_path: Path) -> None:
    html = ("<html><body><main>\n<h1>FAQ</h1>\n<h3>Is 77280 one area?</h3>\n<p>Yes.</p>\n"
            "<h3>Two areas</h3>\n<p>Use 77285.</p>\n<h3>Is 77290 three areas?</h3>\n<p>Yes.</p>\n"
            "<h3>Disclaimer</h3><p>Opinions.</p></main></body></html>")
    with pytest.raises(CorpusFormatError, match=r"level\.html:5: the heading 'Two areas' on "
                                                r"line 5 is at the level of the questions"):
        parse(write(tmp_path, "level.html", html))


def test_a_line_starting_a_period_label_in_a_q_dot_document_is_refused(tmp_path: Path) -> None:
    """In a document asking 'Q. …', a line of an answer starting 'A. ' reads as a second answer:
    refused, never glued to the wrong entry."""
    text = ("Title\n\nQ. Who chairs the committee?\nA. The physics lead, currently\n"
            "A. Rivera.\n\n" + DISCLAIMER)
    with pytest.raises(CorpusFormatError, match=r"chair\.txt:5: an answer with no question"):
        parse(write(tmp_path, "chair.txt", text))

