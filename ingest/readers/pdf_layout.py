"""A PDF's page texts → the document's lines: page furniture dropped, pages and lines rejoined.

What a PDF adds to the publisher's words, and what is undone here:
- spacing: pypdf's layout mode keeps paragraphs apart (blank lines) but may pad a word in two
  ("chart r      eview", after a ligature); where it leaves a wide gap, the plain-mode text of
  the same line decides whether a space is there (`respace`); ligature glyphs (ﬁ, ﬀ) are letters;
- running headers and footers: page numbers ("3", "Page 2 of 5", "1/3", after the
  publication's name: "Manual · Page 14-27"), a line repeated (digits
  aside) at the same place on most pages, and the header and footer a browser prints on every
  page ("12/2/26, 5:28 AM  Title" / "https://…  1/3"), even on a one-page print;
- the page break: a paragraph that runs over it is one paragraph again when the page's last line
  is full and does not end a sentence (or the next page goes on in lower case);
- wrapping: a line nearly as wide as the widest of its face (plain text, or a larger bold
  heading) continues on the next; a word hyphenated at the
  line's end is rejoined (a soft or typeset hyphen always; a plain "-" only where the document
  spells the word without it elsewhere: "follow-up" keeps its hyphen); a list item ("• …")
  always starts a line of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ingest.parse.labels import ENDS_SENTENCE, match_label
from ingest.parse.lines import CELL_SEPARATOR, Line

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–]?\s*\d{1,3}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,3})?$",
                          re.IGNORECASE)
# a running footer naming the publication before its page number ("Provider Manual · Page 14-27",
# a manual numbering its pages by chapter)
_NAMED_PAGE = re.compile(r"^\S.{0,80}?\s[-\u2013\u2014|\u2022\u00b7]\s+page\s+"
                         r"\d{1,3}(?:[-.]\d{1,3})?(?:\s*(?:of|/)\s*\d{1,3})?$", re.IGNORECASE)
_URL = r"(?:https?|file)://\S+|www\.\S+"
# what a browser prints at the top and bottom of each page: date and time (then the title),
# the address (then the page number)
_BROWSER_HEADER = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s+\d{1,2}:\d{2}(?::\d{2})?"
                             r"(?:\s*[AP]M)?\b", re.IGNORECASE)
# (a URL alone may be a reference that happens to end a page: the page number makes it a footer)
_BROWSER_FOOTER = re.compile(rf"^(?:{_URL})\s+(?:page\s*)?\d{{1,3}}\s*(?:/|of)\s*\d{{1,3}}$",
                             re.IGNORECASE)
_LIGATURES = re.compile("[\ufb00-\ufb06]")
EDGE = 3  # running headers and footers sit within this many lines of a page's top or bottom
# a list item's marker: an item never goes on with the line above it, however full that is
BULLET = r"[\u2022\u25e6\u25aa\u25b8\u2023\u25cf\u25cb\u25a0\u25a1\u2013*-]"
_LIST_ITEM = re.compile(rf"^{BULLET}\s")
_HYPHENATED = re.compile(r"(?P<part>[^\W\d_]+)\s?(?P<hyphen>[-\u2010\u00ad])$")


def letters(text: str) -> str:
    """Ligature glyphs (ﬁ, ﬀ…) as the letters they stand for; and the bullet: WinAnsiEncoding
    draws every code it leaves unused as a bullet (PDF 1.7, Annex D), and a list's "•" written
    so (reportlab's standard fonts do) is extracted as that unused code, DEL."""
    return _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()),
                          text).replace("\x7f", "\u2022")


def page_lines(layout: str, plain: str) -> list[str]:
    """A page's lines (layout mode), each with the spacing the plain-mode text gives it."""
    by_key: dict[str, str] = {}
    for ln in plain.split("\n"):
        by_key.setdefault(_key(ln), ln)
    raws = layout.split("\n")
    rows = table_rows(raws)
    out = []
    for n, raw in enumerate(raws):
        if n in rows:
            out.append(CELL_SEPARATOR.join(re.sub(r" {2,}", " ", letters(c)) for c in rows[n]))
            continue
        t = letters(raw.strip())
        plain_line = by_key.get(_key(t))
        if plain_line is not None and "  " in t:
            t = respace(t, letters(plain_line))
        out.append(re.sub(r" {2,}", " ", t))
    return out


# a list item's number or bullet standing before its text ("1", "2.", "a)", "•")
_MARKER = re.compile(rf"(?:\d{{1,3}}|[a-zA-Z])[.)]?|{BULLET}")
_GAP = re.compile(r" {3,}")  # between two columns in layout mode
# layout mode sets text by its position at a fixed character width: one column's lines can
# start a few characters apart (an empty first cell is placed by its own width)
_SLACK = 6


def _lead(raw: str) -> int:
    return len(raw) - len(raw.lstrip())


def table_rows(raws: list[str]) -> dict[int, list[str]]:
    """The rows of the page's tables whose cells wrap, by line, as their cells.

    In layout mode a table's row is its first cell, a gap, then the next; a cell too long for
    its column goes on in the next line, indented to where that column starts (a hanging
    indent no paragraph has). Only such tables are told apart: there a wrapped cell would run
    into the next row ("…or three or more simple blocks 77412 Complex: …"). The rows' cells
    are joined by `CELL_SEPARATOR`, which keeps each row on a line of its own (`unwrap`); the
    lines that go on a cell are left as they are and joined to it as any wrapped line is."""
    found: dict[int, list[str]] = {}
    n = 0
    while n < len(raws):
        block: dict[int, list[str]] = {}
        column, wraps, k = None, False, n
        while k < len(raws) and raws[k].strip():
            raw = raws[k]
            gap = _GAP.search(raw, _lead(raw))
            if gap is not None and _MARKER.fullmatch(letters(raw[:gap.start()].strip())):
                break  # a list's item under its number or bullet: a list, read as one
            if gap is not None and (column is None or abs(gap.end() - column) <= _SLACK):
                column = gap.end() if column is None else column
                block[k] = [c.strip() for c in _GAP.split(raw.strip())]
            elif column is not None and block and abs(_lead(raw) - column) <= _SLACK:
                wraps = True  # a cell going on in its column
            else:
                break
            k += 1
        if len(block) >= 2 and wraps:
            found.update(block)
        n = max(k, n + 1)
    return found


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def respace(layout: str, plain: str) -> str:
    """The layout line with each wide gap kept as a space only where the plain text (the same
    characters) has one; single spaces are kept as they are."""
    out: list[str] = []
    k = 0  # position in plain
    for n, segment in enumerate(re.split(r" {2,}", layout)):
        if n:
            gap = False
            while k < len(plain) and plain[k].isspace():
                gap, k = True, k + 1
            out.append(" " if gap else "")
        for ch in segment:
            while k < len(plain) and plain[k].isspace():
                k += 1
            if not ch.isspace():
                k += 1
            out.append(ch)
    return "".join(out)


def browser_title(pages: list[list[str]]) -> str:
    """The title a browser prints in the header of each page it prints ("12/2/26, 5:28 AM
    Title"): the page's own title (its <title>), as the web reader takes it; "" when the PDF
    was not printed so, or the title is cut short ("…")."""
    found: Counter[str] = Counter()
    for page in pages:
        first = next((t for t in page if t.strip()), "")
        m = _BROWSER_HEADER.match(first.strip())
        rest = first.strip()[m.end():].strip(" ,") if m else ""
        if rest and not rest.endswith(("\u2026", "...")):
            found[rest] += 1
    return found.most_common(1)[0][0] if found else ""


def drop_running_lines(pages: list[list[str]]) -> None:
    """Blank the page furniture (module doc): page numbers, a browser's print header and
    footer, and lines found (digits aside) at the same place near the top or bottom of at least
    half the pages (and two)."""
    def edges(page: list[str]) -> list[tuple[int, str]]:
        filled = [i for i, t in enumerate(page) if t]
        top = [(i, f"top{n}") for n, i in enumerate(filled[:EDGE])]
        bottom = [(i, f"bottom{n}") for n, i in enumerate(reversed(filled[-EDGE:]))]
        return top + bottom

    def key(t: str, where: str) -> str:
        return where + re.sub(r"\d+", "#", t.casefold())

    seen: dict[str, int] = {}
    for page in pages:
        for k in {key(page[i], where) for i, where in edges(page)}:
            seen[k] = seen.get(k, 0) + 1
    least = max(2, (len(pages) + 1) // 2)
    for page in pages:
        for i, where in edges(page):
            t = page[i]
            if not t or match_label(t) is not None:
                continue  # a label that happens to open two pages is content
            browser = (where == "top0" and _BROWSER_HEADER.match(t)) or (
                where == "bottom0" and _BROWSER_FOOTER.match(t))
            if _PAGE_NUMBER.match(t) or _NAMED_PAGE.match(t) or browser \
                    or seen[key(t, where)] >= least:
                page[i] = ""


def join_pages(pages: list[list[str]]) -> str:
    """The pages' text: a paragraph running over a page break is joined again (module doc)."""
    return joined_lines(pages, [set() for _ in pages])[0]


def joined_lines(pages: list[list[str]], starts: list[set[int]],
                 breaks: list[set[int]] | None = None) -> tuple[str, set[int]]:
    """The pages' text (`join_pages`), with a paragraph break before the pages' rows in
    `breaks`, and the numbers (1-based) its lines have there of the rows in `starts` (by page,
    rows that start a line of their own)."""
    widest = max((len(t) for page in pages for t in page), default=0)
    text = ""
    numbers: set[int] = set()
    for n, (page, rows) in enumerate(zip(pages, starts, strict=True)):
        apart = breaks[n] if breaks else set()
        out: list[str] = []
        at: dict[int, int] = {}  # a row's place in `out`
        for r, t in enumerate(page):
            if r in apart and out and out[-1]:
                out.append("")
            at[r] = len(out)
            out.append(t)
        first = next((i for i, t in enumerate(out) if t), None)
        if first is None:
            continue
        body = "\n".join(out).strip("\n")
        if text and not _continues(text.rsplit("\n", 1)[-1], body.split("\n", 1)[0], widest):
            text += "\n\n"
        elif text:
            text += "\n"
        line = text.count("\n") + 1 - first  # the number of `out`'s row 0
        numbers |= {line + at[r] for r in rows}
        text += body
    return text, numbers


def _continues(last: str, first: str, widest: int, ratio: float = 0.75) -> bool:
    """Whether the next page's first line goes on with the paragraph of the page's last."""
    if (not last.strip() or not first.strip() or match_label(first) is not None
            or _LIST_ITEM.match(first)):
        return False
    if first[0].islower():
        return True
    return len(last) >= ratio * widest and not ENDS_SENTENCE.search(last)


def join_wrapped(prev: str, nxt: str, vocabulary: set[str]) -> str:
    """Two wrapped lines as one: a word hyphenated at the line's end is made whole."""
    m = _HYPHENATED.search(prev)
    if m is None or not nxt[:1].islower():
        return f"{prev} {nxt}"
    head = prev[:m.start("hyphen")].rstrip()
    rest = re.match(r"[^\W\d_]+", nxt)
    whole = m.group("part") + (rest.group() if rest else "")
    if m.group("hyphen") != "-" or whole.casefold() in vocabulary:
        return head + nxt
    return f"{head}-{nxt}"  # a compound ("follow-up") as printed


def unwrap(lines: list[Line], ratio: float = 0.75, starts: frozenset[int] = frozenset()
           ) -> list[Line]:
    """Join lines the PDF wrapped to fit the page (a line nearly as wide as the widest one of
    its face, plain or bold, continues on the next); short lines, such as a list of references,
    and the lines numbered in `starts` (a list's items and what follows it, `pdf_lists`) stay
    separate."""
    widest: dict[int, int] = {}
    for ln in lines:
        widest[ln.level] = max(widest.get(ln.level, 0), len(ln.text))
    vocabulary = {w.casefold() for ln in lines for w in re.findall(r"[^\W\d_]+", ln.text)}
    out: list[Line] = []
    asked = False  # a question label seen above
    for ln in lines:
        prev = out[-1] if out else None
        label = match_label(ln.text) if ln.text else None
        if (prev is not None and prev.text and ln.text and not _LIST_ITEM.match(ln.text)
                and ln.number not in starts
                and CELL_SEPARATOR not in ln.text and prev.level == ln.level
                and ((label is None and (len(prev.text) >= ratio * widest[prev.level]
                                         or _goes_on(prev.text, ln.text)))
                     or (not asked and _title_rest(prev, ln, label)))):
            out[-1] = Line(prev.number, join_wrapped(prev.text, ln.text, vocabulary),
                           level=prev.level, lead=prev.lead)
        else:
            out.append(ln)
            asked = asked or (label is not None and label[0] == "question")
    return out


def _title_rest(prev: Line, ln: Line, label: tuple[str, str, str] | None) -> bool:
    """A heading wrapped onto a line of its last word alone, in the same face ("Medical Physics
    Coding: Frequently Asked" / "Questions", "…: Your Questions" / "Answered"): before the first
    question no answer can start, so even an answer word ends the title above it."""
    alone = re.fullmatch(r"[^\W\d_][\w'’-]*", ln.text.strip()) is not None
    word = alone if label is None else (label[0] == "answer" and not label[2].strip())
    return (word and ln.level > 0 and ln.number == prev.number + 1
            and not ENDS_SENTENCE.search(prev.text.rstrip())
            and not prev.text.rstrip().endswith((":", ";", ",")))


def _goes_on(prev: str, text: str) -> bool:
    """A line that opens in lower case after one that ends mid-sentence continues it, however
    short the first one is (a text layer that holds whole paragraphs as single lines makes the
    width test useless)."""
    return text[0].islower() and not prev.rstrip().endswith((".", "!", "?", ":", ";"))
