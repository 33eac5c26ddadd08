"""Questions printed as plain paragraphs: no label, no heading, no bold, no number.

Some publishers (a practice's billing FAQ, a plain-text memo) print each question as a paragraph
of its own that asks it ("Do we bill 77336 for a two-fraction week?") and the answer as the
paragraphs after it. In a document with no other structure (`headings`), a one-line paragraph
ending with "?" is a question when at least two of them each have an answer after them. The
answer runs to the next such paragraph. What cannot be told apart is refused, naming the line:
two question paragraphs in a row (a question with no answer, or an answer that asks), a question
paragraph after a lead-in ending with ":" (it may be part of that answer), and a paragraph of
several lines ending with "?" (a question written over several lines, or an answer's last
sentence asking).
"""

from __future__ import annotations

from pathlib import Path

from ingest.parse.closing import CHROME, closing_kind
from ingest.parse.labels import ASKS, Token, text_paragraphs
from retrieval.errors import CorpusFormatError

MAX_QUESTION_WORDS = 60  # a question, however detailed its scenario, not a page of prose


def _asks(tok: Token) -> bool:
    """Asks, and is not a page's prompt ("Still have questions?", `closing`)."""
    text = tok.text.strip()
    return bool(ASKS.search(text)) and len(text.split()) <= MAX_QUESTION_WORDS and \
        closing_kind(text) != CHROME


def question_paragraphs(tokens: list[Token], path: Path) -> list[int]:
    """Indexes of the one-line paragraphs that are the document's questions (module doc), or
    none when the document does not ask that way."""
    paras = text_paragraphs(tokens)
    asking = [n for n, p in enumerate(paras) if len(p) == 1 and tokens[p[0]].level == 0
              and _asks(tokens[p[0]])]
    answered = [n for n in asking if n + 1 < len(paras) and n + 1 not in asking]
    if len(answered) < 2:
        return []
    for n in asking:
        line = tokens[paras[n][0]].number
        if n not in answered:
            raise CorpusFormatError(
                path, f"the question on line {line} is followed by another question, not an "
                "answer", "write its answer after it, or join the two if they are one question, "
                "or label the questions and answers ('Question:' / 'Answer:')", line=line)
        before = tokens[paras[n - 1][-1]].text.rstrip() if n else ""
        if before.endswith(":"):
            raise CorpusFormatError(
                path, f"the question on line {line} follows a line ending with ':': it may be "
                "part of the answer above", "label the questions and answers ('Question:' / "
                "'Answer:'), or reword the lead-in", line=line)
    first = asking[0]
    for p in paras[first:]:
        if len(p) > 1 and ASKS.search(tokens[p[-1]].text.strip()):
            line = tokens[p[0]].number
            raise CorpusFormatError(
                path, f"the paragraph on line {line} ends with '?' over several lines: cannot "
                "tell a question written over several lines from an answer that asks",
                "write the question on one line, or label the questions and answers "
                "('Question:' / 'Answer:')", line=line)
    return [paras[n][0] for n in asking]
