"""What a PDF's indents tell: where a list's items start, and where answers set under questions do.

A list typeset in a PDF shows each item's number or bullet at the list's margin and its text at
a column to the right; an item's wrapped lines go on at that column (the hanging indent), and
the paragraph after the list starts at the page's margin again, with no blank line before it:

      1   The treating physician ordered the measurement.
      2   A written report of the measured results is in the record and reviewed
          by the physician.
    The Plan pays one unit per measurement session.

Read line by line, "2 A written…" is as wide as a wrapped line and the paragraph after the list
runs on from the last item. Layout mode keeps the indents, and they tell where each item starts
(a line of its own) and where the list ends (the next line starts anew), never joined to the
line above (`pdf_layout.unwrap`).

A list whose markers a browser drew as shapes keeps only its indent: in a run of indented rows,
a row after one that stops short of the width the indent leaves starts an item of its own.

A definition list printed (or a Word document that indents its answers) sets each question at
the margin and its answer's lines indented below it, with no blank line between: the indent
under a line that asks starts a paragraph there, and the question is a paragraph of its own.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.readers.pdf_layout import BULLET, letters

# a list item: its marker (a number or letter with "." or ")", or a bullet) and one space or
# more, or a bare number or letter set apart by a tab stop's gap (two spaces or more, which no
# sentence puts after a number: "10 units per date" is prose)
_ITEM = re.compile(rf"^(?P<lead> *)(?:(?:\d{{1,3}}|[a-zA-Z])[.)] +|{BULLET} +|\d{{1,3}}  +)"
                   r"(?=\S)")
_SLACK = 1  # layout mode places a column's lines to within a character


def _lead(raw: str) -> int:
    return len(raw) - len(raw.lstrip(" "))


def hanging_starts(raws: list[str]) -> set[int]:
    """The rows of a page's layout text that start a line of their own (module doc): each item
    of a list whose items hang (a wrapped line at the item's text column, or two items or more
    at one margin), and the row after such a list when it is text at a smaller indent."""
    starts: set[int] = set()
    n = 0
    while n < len(raws):
        m = _ITEM.match(letters(raws[n]))
        if m is None:
            n += 1
            continue
        margin, column = len(m.group("lead")), m.end()
        items, k, hangs = [n], n + 1, False
        while k < len(raws) and raws[k].strip():
            nxt = _ITEM.match(letters(raws[k]))
            if nxt is not None and len(nxt.group("lead")) == margin:
                items.append(k)
                column = nxt.end()
            elif abs(_lead(raws[k]) - column) <= _SLACK and _lead(raws[k]) > margin:
                hangs = True  # an item's wrapped line, at its text's column
            else:
                break
            k += 1
        if hangs or len(items) >= 2:
            starts.update(items)
            if k < len(raws) and raws[k].strip() and _lead(raws[k]) < column - _SLACK:
                starts.add(k)
        n = max(k, n + 1)
    return starts


_ASKED = re.compile(r"\?[\"'”’)\]]*$")
_INDENT = 3  # an answer set under its question: indented this much more, at least


def indented_answers(pages: list[list[str]]) -> list[set[int]]:
    """By page, the rows before which a paragraph starts in a document that sets each answer
    indented under its question (a definition list printed: the question at the margin, asking,
    the answer's lines indented below it): each such question and the first line of its
    answer. None unless two questions or more are set so (one may be chance)."""
    found: list[set[int]] = []
    for raws in pages:
        rows: set[int] = set()
        for n, raw in enumerate(raws):
            if not raw.strip() or not _ASKED.search(raw.rstrip()) or n + 1 >= len(raws):
                continue
            below = raws[n + 1]
            if below.strip() and _lead(below) >= _lead(raw) + _INDENT:
                rows |= {n, n + 1}
        found.append(rows)
    return found if sum(len(rows) for rows in found) >= 4 else [set() for _ in pages]


_COLUMN_GAP = re.compile(r" {3,}")  # between a table's cells in layout mode
_WIDE = 0.75  # a row this much of the page's widest goes on into the next (`pdf_layout.unwrap`)


def marker_less_items(raws: list[str]) -> set[int]:
    """The rows of a page's layout text that start a line of their own in a list whose markers
    are drawn, not written (a browser prints a list's bullets as shapes: its items are only
    indented from the text around them): in a run of two rows or more indented past the page's
    margin, a row after a short one (a line that did not wrap) is an item of its own."""
    leads = Counter(_lead(r) for r in raws if r.strip())
    if not leads:
        return set()
    margin = leads.most_common(1)[0][0]
    # (the page's text lines: a table's row or a browser's header is wide by its gaps)
    widest = max((len(r.strip()) for r in raws if not _COLUMN_GAP.search(r.strip())), default=0)
    starts: set[int] = set()
    n = 0
    while n < len(raws):
        lead = _lead(raws[n])
        k = n
        while k < len(raws) and raws[k].strip() and _lead(raws[k]) == lead:
            k += 1
        block = range(n, k)
        if lead > margin + _INDENT and len(block) >= 2 and all(
                _ITEM.match(letters(raws[r])) is None and not _COLUMN_GAP.search(raws[r].strip())
                for r in block):
            # (a wrapped line fills the width the indent leaves)
            room = widest - (lead - margin)
            starts |= {r for r in block[1:] if len(raws[r - 1].strip()) < _WIDE * room}
        n = max(k, n + 1)
    return starts
