"""A question/answer table printed to PDF (a payer's manual, a web page printed from a browser).

pypdf's layout mode gives each row of the page across the table's two cells: "How does the
plan count      One unit of 77427 is allowed…". Read as lines, each question runs into its
answer. The table is told by its header row, two cells naming who asks and who answers
("Provider question | Plan response", `labels.qa_header`), and read here cell by cell:

- the answer column starts where, on the page, most rows have a wide gap followed by text
  (layout mode may place it differently on each page, so it is found per page);
- a row is a question cell's line and/or an answer cell's line split at that column; a row of
  text running across the column (the disclaimer under the table) ends the table;
- an entry starts where question text follows a blank row, or a question cell's line that
  ends with "?", once the entry above has an answer; the table goes on over a page break;
- a cell's lines are one paragraph as wrapped; a row without answer text (blank, or only the
  question cell's next line) separates the answer's paragraphs only after a line that ends a
  sentence (layout mode also leaves such rows where the two cells' lines do not line up).

What cannot be read so (fewer than two entries, a question with no answer) is refused rather
than guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.parse.labels import ENDS_SENTENCE, qa_header
from ingest.parse.lines import Line, entry_lines
from ingest.readers.pdf_columns import GAP, column_starts
from ingest.readers.pdf_layout import join_wrapped, letters

MIN_LEFT_CELL = 10  # characters: a question column is at least this wide
TOLERANCE = 3  # layout mode may start a column's rows a character or two apart
_ASKED = re.compile(r"\?[\"'”’)\]]*$")
_ENDS_SENTENCE = re.compile(r"[.!?:][\"'”’)\]]*$")
WRAPPED = 0.75  # a line this share of its column's widest is wrapped: the next goes on with it


@dataclass
class _Entry:
    question: list[str] = field(default_factory=list)
    answer: list[list[str]] = field(default_factory=lambda: [[]])  # paragraphs of lines

    def has_answer(self) -> bool:
        return any(self.answer)


@dataclass(frozen=True)
class QATable:
    start: tuple[int, int]  # (page, row) of the header row
    end: tuple[int, int]  # (page, row) of the first row after the table
    entries: list[tuple[str, list[list[str]]]]  # question, answer paragraphs (as wrapped lines)
    vocabulary: set[str]  # the table's words, to tell a hyphenated word from a compound


def header_row(row: str) -> bool:
    cells = [c.strip() for c in GAP.split(row.strip())]
    return len(cells) == 2 and qa_header(cells)


def _indent(row: str) -> int:
    return len(row) - len(row.lstrip())


def _edge(rows: list[str]) -> int | None:
    """Where the answer column starts on a page: the commonest start of text after a wide gap;
    on a page holding only answer text (an answer running over the page break), the commonest
    indentation well right of the page's margin."""
    starts = column_starts(rows)
    if not starts:
        filled = [_indent(r) for r in rows if r.strip()]
        margin = min(filled, default=0)
        starts = Counter(i for i in filled if i > margin + MIN_LEFT_CELL)
    if not starts:
        return None
    edge, count = starts.most_common(1)[0]
    return edge if count >= 2 else None


def _split(row: str, edge: int) -> tuple[str, str] | None:
    """(question part, answer part) of a row, or None when its text runs across the column."""
    text = row.rstrip()
    if not text.strip():
        return "", ""
    first = len(text) - len(text.lstrip())
    if first >= edge - TOLERANCE:
        return "", text.strip()
    gap = next((m for m in GAP.finditer(text) if abs(m.end() - edge) <= TOLERANCE), None)
    if gap is not None:
        return text[:gap.start()].strip(), text[gap.end():].strip()
    if len(text) <= edge:
        return text.strip(), ""
    return None


def find_qa_table(raw: list[list[str]], kept: list[list[str]]) -> QATable | None:
    """The question/answer table of a PDF's pages (`raw`: each page's layout rows; `kept`: the
    same rows with running headers and footers blanked), if the document prints one."""
    start = next(((p, i) for p, page in enumerate(raw) for i, row in enumerate(page)
                  if kept[p][i] and header_row(row)), None)
    if start is None:
        return None
    entries: list[_Entry] = []
    blank_before = True  # the row above is blank (or a page break)
    gap_before = True  # the row above has no answer text
    end = (len(raw), 0)
    for p in range(start[0], len(raw)):
        first = start[1] + 1 if p == start[0] else 0
        rows = [row if kept[p][i] else "" for i, row in enumerate(raw[p])][first:]
        edge = _edge(rows)
        if edge is None:
            end = (p, first)
            break
        stopped = False
        for i, row in enumerate(rows, first):
            parts = _split(letters(row), edge)
            if parts is None:
                end, stopped = (p, i), True
                break
            left, right = parts
            if not left and not right:
                blank_before = gap_before = True
                continue
            if left and (not entries or (entries[-1].has_answer() and (
                    blank_before or _ASKED.search(entries[-1].question[-1])))):
                entries.append(_Entry())
            if not entries:  # answer text before any question: not this table's shape
                return None
            entry = entries[-1]
            if left:
                entry.question.append(left)
            if right:
                paras = entry.answer
                if gap_before and paras[-1] and _ENDS_SENTENCE.search(paras[-1][-1]):
                    paras.append([])
                paras[-1].append(right)
            blank_before = False
            gap_before = not right
        if stopped:
            break
        blank_before = gap_before = True  # a page break
    vocabulary = {w.casefold() for e in entries for ln in (*e.question, *sum(e.answer, []))
                  for w in re.findall(r"[^\W\d_]+", ln)}
    return QATable(start, end, [(_cell(e.question, vocabulary), e.answer) for e in entries],
                   vocabulary)


def _joined(prev: str, nxt: str, vocabulary: set[str]) -> str:
    """Two wrapped lines of a cell as one: a code range broken at its hyphen ("77520-" /
    "77525") is whole again, a hyphenated word as `join_wrapped` makes it."""
    if prev.endswith("-") and nxt[:1].isdigit():
        return prev + nxt
    return join_wrapped(prev, nxt, vocabulary)


def _cell(lines: list[str], vocabulary: set[str]) -> str:
    """A question cell's lines as its one line of text."""
    out = ""
    for ln in lines:
        out = _joined(out, ln, vocabulary) if out else ln
    return out


def _paragraph_lines(para: list[str], widest: int, vocabulary: set[str]) -> list[str]:
    """An answer paragraph's lines as the publisher wrote them: a line filling the column, or
    one that stops mid-sentence, goes on with the next; a short line ending a sentence or an
    item ("total body irradiation;") ends its line."""
    out: list[str] = []
    above = ""  # the line above as printed (not as joined)
    for ln in para:
        if out and (len(above) >= WRAPPED * widest
                    or not ENDS_SENTENCE.search(above)):
            out[-1] = _joined(out[-1], ln, vocabulary)
        else:
            out.append(ln)
        above = ln
    return out


def table_lines(table: QATable, number: int) -> list[Line]:
    """The table's entries as the reader's entry lines (`entry_lines`), numbered from `number`."""
    widest = max((len(ln) for _, paras in table.entries for p in paras for ln in p), default=0)
    out: list[Line] = []
    for question, paras in table.entries:
        answer: list[Line] = []
        for para in paras:
            if answer:
                answer.append(Line(number, ""))
            answer += [Line(number, t) for t in _paragraph_lines(para, widest, table.vocabulary)]
        out += entry_lines(number, question, answer)
        number += 1
    return out
