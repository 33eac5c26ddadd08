"""The readers' output: numbered lines of text, each tagged with what the source made it."""

from __future__ import annotations

from dataclasses import dataclass

TEXT = "text"  # a line of a paragraph (blank lines separate paragraphs)
HEADING = "heading"  # a heading of the source (HTML h1-h6, Markdown #, Word heading style)
ROW = "row"  # a table row, cells joined by CELL_SEPARATOR
CELL_SEPARATOR = " | "  # between a table row's cells, in every reader
QUESTION = "question"  # the source's structure says this text is a question (<summary>, <dt>)
ANSWER = "answer"  # marker (empty text): an answer starts here (<details> body, <dd>)
END = "end"  # marker (empty text): the answer's container closed here
BOLD_LEVEL = 7  # the `level` of a paragraph set entirely in bold: below every heading level


@dataclass(frozen=True)
class Line:
    """A line of extracted text with its 1-based number in the source (for error messages)."""

    number: int
    text: str
    kind: str = TEXT
    level: int = 0  # a heading's depth (1 = top), BOLD_LEVEL for a paragraph all in bold
    # a paragraph's first line that opens in bold and goes on in plain text ("**Can we bill…?**
    # Yes, when…"): how many characters of `text` the bold lead-in takes (0: none)
    lead: int = 0


def split_lines(text: str) -> list[Line]:
    """Plain text as numbered lines."""
    return [Line(i, t.rstrip("\r")) for i, t in enumerate(text.split("\n"), start=1)]


def entry_lines(number: int, question: str, answer: list[Line]) -> list[Line]:
    """An entry whose structure the source gives (a Q&A table row, JSON-LD): its question, the
    answer's start marker, the answer's lines and the end marker."""
    return [Line(number, question, QUESTION), Line(number, "", ANSWER), *answer,
            Line(number, "", END)]
