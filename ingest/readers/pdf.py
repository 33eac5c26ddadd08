"""PDF: the text layer of every page in reading order (page furniture and breaks undone in
`pdf_layout`); scanned (image-only) PDFs are refused."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.parse.closing import closing_kind
from ingest.parse.labels import ASKS, match_label
from ingest.parse.lines import BOLD_LEVEL, HEADING, Line, split_lines
from ingest.readers.pdf_columns import gutter
from ingest.readers.pdf_layout import (
    browser_title,
    drop_running_lines,
    joined_lines,
    letters,
    page_lines,
    unwrap,
)
from ingest.readers.pdf_lists import hanging_starts, indented_answers, marker_less_items
from ingest.readers.pdf_qa_table import find_qa_table, table_lines
from retrieval.errors import CorpusError, CorpusFormatError


def read_pdf(path: Path) -> list[Line]:
    """Text layer of every page, in reading order; scanned (image-only) PDFs are refused."""
    with _pypdf_messages() as messages:  # kept for our message, never printed before it
        pages, (bold, leads) = _pdf_pages(path)
    if not pages:
        raise CorpusError(path, "the PDF has no pages", "export the guidance document again")
    text = "\n\n".join(layout for layout, _ in pages)
    if not text.strip() and messages:
        why = next((m for m in messages if re.search(r"decod|stream|flate|zlib", m, re.I)),
                   messages[0])
        raise CorpusError(path, f"the PDF's content cannot be decoded ({why})",
                          "the file is damaged: re-export the document as PDF, or save it as "
                          ".docx or .txt")
    if not text.strip():
        raise CorpusError(
            path, f"the PDF has no text layer ({len(pages)} page(s) of images only)",
            "this is probably a scan: run it through OCR, or export the original as a text PDF, "
            ".docx or .txt")
    lines_of = [page_lines(layout, plain) for layout, plain in pages]
    title = browser_title(lines_of)
    drop_running_lines(lines_of)
    bold = {letters(b): size for b, size in bold.items()}  # compared as their letters read
    faces = _Faces(bold, {letters(t): letters(lead) for t, lead in leads.items()})
    table = find_qa_table([layout.split("\n") for layout, _ in pages], lines_of)
    in_table = range(table.start[0], table.end[0] + 1) if table is not None else range(0)
    for n, (layout, _) in enumerate(pages, 1):
        # (a question/answer table's cells side by side are read cell by cell: `pdf_qa_table`)
        if n - 1 not in in_table and gutter(layout) is not None:
            raise CorpusFormatError(
                path, f"page {n} is set in two columns: its text layer gives each row of the "
                "page across both columns, so answers side by side would run into each other",
                "export or print the document in one column (or save it as .docx, .html or "
                ".txt) and upload that")
    starts = [hanging_starts(rows) | marker_less_items(rows)
              for rows in (layout.split("\n") for layout, _ in pages)]
    if table is None:
        breaks = indented_answers([layout.split("\n") for layout, _ in pages])
        return _titled(title, _flowing(lines_of, faces, starts, breaks))
    if len(table.entries) < 2 or not all(q and any(a) for q, a in table.entries):
        raise CorpusFormatError(
            path, f"page {table.start[0] + 1} prints a question/answer table whose cells cannot "
            "be told apart in the PDF's text layer", "save the document as .docx, .html or .txt "
            "(or export the PDF from the original with its table intact) and upload that")
    (p0, r0), (p1, r1) = table.start, table.end
    before = [*lines_of[:p0], lines_of[p0][:r0]]
    after = [lines_of[p1][r1:], *lines_of[p1 + 1:]] if p1 < len(lines_of) else []
    head = _flowing(before, faces, [*starts[:p0], {r for r in starts[p0] if r < r0}])
    rows = table_lines(table, len(head) + 1)
    tail = _flowing(after, faces, [{r - r1 for r in starts[p1] if r >= r1}, *starts[p1 + 1:]]
                    if p1 < len(lines_of) else [])
    n = len(head) + len(rows)
    return _titled(title, [*head, *rows, *(Line(ln.number + n, ln.text, ln.kind, ln.level)
                                           for ln in tail)])


def _titled(title: str, lines: list[Line]) -> list[Line]:
    """The lines under the title a browser printed in the page header (`browser_title`), as the
    web reader puts the page's title first, unless they open with it already; the first line of
    a printed page is often the site's own (its menu, a cookie notice)."""
    first = next((ln.text.strip() for ln in lines if ln.text.strip()), "")
    if not title or first == title:
        return lines
    return [Line(1, title), Line(1, ""), *lines]


@dataclass(frozen=True)
class _Faces:
    """What the PDF sets in bold: whole lines (by their squashed text, with their size) and the
    bold lead-ins opening lines (by the line's squashed text)."""

    bold: dict[str, float]
    leads: dict[str, str]

    def line(self, number: int, text: str) -> Line:
        key = _squash(text)
        lead = self.leads.get(key, "")
        return Line(number, text, level=BOLD_LEVEL if key in self.bold else 0,
                    lead=len(lead) if lead and text.startswith(lead) and text != lead else 0)


def _flowing(pages: list[list[str]], faces: _Faces, starts: list[set[int]],
             breaks: list[set[int]] | None = None) -> list[Line]:
    """Pages of running text (no question/answer table) as the document's lines; by page,
    `starts`: the rows that start a line of their own, `breaks`: the rows that start a
    paragraph (`pdf_lists`)."""
    if not any(t.strip() for page in pages for t in page):
        return []
    text, numbers = joined_lines(pages, starts, breaks)
    lines = [faces.line(ln.number, small_caps(ln.text)) for ln in split_lines(text)]
    sizes = {ln.number: faces.bold[_squash(ln.text)] for ln in lines
             if _squash(ln.text) in faces.bold}
    return section_titles(_bold_apart(unwrap(lines, starts=frozenset(numbers))), sizes)


def _bold_apart(lines: list[Line]) -> list[Line]:
    """A bold line printed with too little space around it for the text layer to leave a blank
    line is a paragraph of its own: a question or a closing section's title ("Related links")
    after a finished sentence, and a title standing over what follows it (a blank line, or a
    question) after any plain line; and a bold question has its answer apart below it."""
    out: list[Line] = []
    for i, ln in enumerate(lines):
        prev = out[-1] if out else None
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        text = ln.text.strip()
        bold = ln.level == BOLD_LEVEL and bool(text)
        titled = bold and bool(ASKS.search(text) or closing_kind(text) is not None)
        over = bold and (nxt is None or not nxt.text.strip() or _asks(nxt))
        if prev is not None and prev.text.strip() and prev.level != BOLD_LEVEL and (
                over or (titled and re.search(r"[.!?][\"'”’)\]]*$", prev.text.strip()))):
            out.append(Line(ln.number, ""))
        out.append(ln)
        if titled and ASKS.search(text) and nxt is not None and nxt.text.strip() and \
                nxt.level != BOLD_LEVEL:
            out.append(Line(ln.number, ""))
    return out


def _asks(ln: Line) -> bool:
    """A line that asks, or opens with a bold lead-in that asks."""
    return bool(ASKS.search(ln.text.strip()) or (
        ln.lead and ASKS.search(ln.text[:ln.lead].strip())))


# a word set in small capitals comes out of the text layer with its larger first letter apart
# ("M ERIDIAN S OCIETY"); "A" and "I" are left alone, being words of their own
_SMALL_CAPS = re.compile(r"\b([B-HJ-Z]) ([A-Z]{2,})\b")
_TITLE_WORDS = 10


def small_caps(text: str) -> str:
    """A line in capitals with two or more split small-capital words, joined again."""
    if text.upper() != text or len(_SMALL_CAPS.findall(text)) < 2:
        return text
    return _SMALL_CAPS.sub(r"\1\2", text)


def section_titles(lines: list[Line], sizes: dict[int, float] | None = None) -> list[Line]:
    """A short bold line standing alone that neither asks nor ends a sentence is a section
    title ("Proton therapy" between two entries), never the end of the answer above it, where
    a question (or another title, or the end) follows it, it titles a closing section
    ("Related links"), or it is set larger than the document's bold questions (`sizes`: by
    line number, the size bold lines are printed in). Otherwise, followed by plain text, it is
    an answer's own lead-in ("Documentation" over the paragraph it introduces): read as a
    title, it would end the answer there and its paragraph would be lost."""
    sizes = sizes or {}
    asked = Counter(sizes[ln.number] for ln in lines if ln.level == BOLD_LEVEL
                    and ln.number in sizes and ASKS.search(ln.text.strip()))
    question_size = asked.most_common(1)[0][0] if asked else None
    out = list(lines)
    for i, ln in enumerate(lines):
        text = ln.text.strip()
        # (alone: blank lines around it, or only a bold question right under it)
        below = lines[i + 1] if i + 1 < len(lines) else None
        alone = ((i == 0 or not lines[i - 1].text.strip())
                 and (below is None or not below.text.strip() or (
                     below.level == BOLD_LEVEL and bool(ASKS.search(below.text.strip())))))
        if (ln.level == BOLD_LEVEL and alone and text and len(text.split()) <= _TITLE_WORDS
                and not text.endswith(("?", ".", ":", ";", ",")) and match_label(text) is None
                and (closing_kind(text) is not None or _titles(lines, i) or (
                    question_size is not None and sizes.get(ln.number, 0.0) > question_size))):
            out[i] = Line(ln.number, text, HEADING, 2)
    return out


def _titles(lines: list[Line], i: int) -> bool:
    """Whether what follows line `i` is what a section title stands over: a question (one that
    asks, a bold lead-in that asks, or a label), another bold line, or nothing."""
    nxt = next((ln for ln in lines[i + 1:] if ln.text.strip()), None)
    return nxt is None or nxt.level == BOLD_LEVEL or _asks(nxt) or match_label(nxt.text) is not None


_BOLD_FONT = re.compile(r"bold|black|heavy|demi", re.IGNORECASE)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _bold_lines(page: Any) -> tuple[dict[str, float], dict[str, str]]:
    """The page's lines set entirely in a bold face (by the font's name), spaces squashed, with
    the size their text is set in (a publisher's question printed in bold, a section title
    printed larger); and the lines that open in bold and go on in plain text, with their bold
    lead-in ("Can we bill 77290 again? Yes. A new…")."""
    runs: list[tuple[str, bool, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text:
            name = str(font.get("/BaseFont", "")) if font else ""
            try:  # the size as printed: the font's, scaled by the text and page matrices
                shown = abs(float(size) * float(tm[3]) * float(cm[3])) or float(size)
            except (TypeError, ValueError, IndexError):
                shown = 0.0
            runs.append((text, bool(_BOLD_FONT.search(name)), shown))

    page.extract_text(visitor_text=visit)
    found: dict[str, float] = {}
    leads: dict[str, str] = {}
    words: list[str] = []
    lead: list[str] = []  # the line's words while all are bold
    bold, largest = True, 0.0
    for text, is_bold, shown in [*runs, ("\n", False, 0.0)]:  # the last line ends too
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if part.strip():
                words.append(part)
                if bold and is_bold:
                    lead.append(part)
                bold = bold and is_bold
                largest = max(largest, shown)
            if k < len(parts) - 1:
                if words and bold:
                    found[_squash(" ".join(words))] = largest
                elif lead:
                    leads[_squash(" ".join(words))] = _squash(" ".join(lead))
                words, lead, bold, largest = [], [], True, 0.0
    return found, leads


@contextmanager
def _pypdf_messages() -> Iterator[list[str]]:
    """pypdf's warnings during a read, collected instead of logged to the console."""
    got: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            got.append(record.getMessage()[:200])

    log = logging.getLogger("pypdf")
    handler, propagate = Collect(logging.WARNING), log.propagate
    log.addHandler(handler)
    log.propagate = False
    try:
        yield got
    finally:
        log.removeHandler(handler)
        log.propagate = propagate


def _pdf_pages(path: Path) -> tuple[list[tuple[str, str]],
                                    tuple[dict[str, float], dict[str, str]]]:
    """Each page's text (layout mode, and plain mode for its spacing) and the lines set in
    bold (with the size they are printed in) and the bold lead-ins opening lines (`_bold_lines`);
    CorpusError for a locked or unreadable file."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorpusError(path, "the PDF is password-protected",
                              "save an unprotected copy (Print → Save as PDF) and upload that")
        pages = [(page.extract_text(extraction_mode="layout") or "", page.extract_text() or "")
                 for page in reader.pages]
        bold: dict[str, float] = {}
        leads: dict[str, str] = {}
        for page in reader.pages:
            whole, opening = _bold_lines(page)
            bold.update(whole)
            leads.update(opening)
        return pages, (bold, leads)
    except CorpusError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise CorpusError(path, f"not a readable PDF ({type(e).__name__}: {e})",
                          "re-export the document as PDF, or save it as .docx or .txt") from None
