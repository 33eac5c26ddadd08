"""A PDF page set in two columns (a newsletter, a two-column handout) is told by its gutter.

pypdf's layout mode prints a page as rows across its whole width: on a page set in columns
each row holds a line of the left column and a line of the right one, side by side, and its
blank rows are those of neither column. Read as lines, two answers run into each other. Until
the reader can follow the columns with certainty, such a page is refused (never guessed):

a gutter is a position where, on many rows, a run of text fills the left column up to a wide
gap and another run starts after it, at the same place on every such row (a right column has
one left edge); the left runs are prose filling their column, not a table's short first cells
("77280   Simple simulation").
"""

from __future__ import annotations

import re
from collections import Counter
from statistics import median

MIN_ROWS = 4  # rows with text on both sides of the gutter: a few lines of each column
MIN_SHARE = 0.25  # of the page's rows with text
FILLED = 0.6  # a left run reaching this share of the gutter's position is a column's prose
# a wide gap between two runs of text on a layout row: where one column ends and the next starts
GAP = re.compile(r"(?<=\S) {3,}(?=\S)")
TOLERANCE = 2  # a right column's rows may start a character or two apart in layout mode


def column_starts(rows: list[str]) -> Counter[int]:
    """How many rows have text starting at each position after a wide gap."""
    return Counter(m.end() for row in rows for m in GAP.finditer(row))


def gutter(layout: str) -> int | None:
    """Where the right column starts on a page set in two columns (module doc), else None."""
    rows = [r.rstrip() for r in layout.split("\n") if r.strip()]
    starts = column_starts(rows)
    if not starts:
        return None
    edge, _ = starts.most_common(1)[0]
    left: list[int] = []
    for row in rows:
        ends = [m for m in GAP.finditer(row) if abs(m.end() - edge) <= TOLERANCE]
        if ends:
            left.append(len(row[:ends[0].start()].strip()))
    if len(left) < MIN_ROWS or len(left) < MIN_SHARE * len(rows):
        return None
    return edge if median(left) >= FILLED * edge else None
