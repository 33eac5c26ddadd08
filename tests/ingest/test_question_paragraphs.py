"""Questions printed as plain one-line paragraphs, with no label, heading, bold or number
(`ingest.parse.asked`): read when each has an answer; refused where a question cannot be told
from an answer that asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import CorpusFormatError
from tests.ingest.layouts import parse, qa, write

Q1 = "Is the weekly physics check reported when only two fractions remain?"
A1 = "Yes, one more unit is supported once the physicist's review of those fractions is signed."
Q2 = "Does an unchanged bolus reused for the boost support another device unit?"
A2 = "No. The device was designed and made once; using it again adds no unit."
A2B = "The same holds for a compensator reused without change."
END = "Disclaimer: General education only; it does not guarantee payment."


def test_plain_text_questions_and_multi_paragraph_answers(tmp_path: Path) -> None:
    text = "\n\n".join(["Harbor Billing Questions", Q1, A1, Q2, A2, A2B, END]) + "\n"
    doc = parse(write(tmp_path, "faq.txt", text))
    assert qa(doc) == [(Q1, A1), (Q2, f"{A2}\n\n{A2B}")]
    assert doc.document.title == "Harbor Billing Questions"


def test_a_page_prompt_that_asks_is_no_question(tmp_path: Path) -> None:
    prompt = ["Still have questions?", "Call the billing office on extension 4410"]
    text = "\n\n".join(["Harbor Billing Questions", Q1, A1, Q2, A2, A2B, *prompt, END]) + "\n"
    doc = parse(write(tmp_path, "faq.txt", text))
    assert qa(doc) == [(Q1, A1), (Q2, f"{A2}\n\n{A2B}")]
    assert doc.document.title == "Harbor Billing Questions"


def test_a_page_of_question_paragraphs(tmp_path: Path) -> None:
    body = "".join(f"<p>{t}</p>" for t in (Q1, A1, Q2, A2, A2B, END))
    page = (f"<html><head><title>Harbor Billing Questions</title></head><body><main>"
            f"<h1>Harbor Billing Questions</h1><p>Answers from our billing office.</p>{body}"
            "</main></body></html>")
    doc = parse(write(tmp_path, "faq.html", page))
    assert qa(doc) == [(Q1, A1), (Q2, f"{A2}\n\n{A2B}")]


@pytest.mark.parametrize(("paras", "message"), [
    ([Q1, A1, "Is the boost a new course?", Q2, A2], "followed by another question"),
    ([Q1, A1 + " Consider this:", Q2, A2], "ending with ':'"),
    ([Q1, A1, "Is a week of two fractions\nreally a week for this purpose?", A1, Q2, A2],
     "several lines"),
], ids=["question after question", "after a lead-in", "over several lines"])
def test_what_cannot_be_told_apart_is_refused(tmp_path: Path, paras: list[str],
                                              message: str) -> None:
    text = "\n\n".join(["Harbor Billing Questions", *paras, END]) + "\n"
    with pytest.raises(CorpusFormatError, match=message):
        parse(write(tmp_path, "faq.txt", text))


def test_one_asking_paragraph_is_not_a_question_layout(tmp_path: Path) -> None:
    text = "\n\n".join(["Harbor Billing Questions", Q1, A1, END]) + "\n"
    with pytest.raises(CorpusFormatError, match="no Q&A pairs found"):
        parse(write(tmp_path, "faq.txt", text))
