"""A PDF's lists set with a hanging indent: where each item, and the text after the list, starts.

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
"""

from __future__ import annotations

import re

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
