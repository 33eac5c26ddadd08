"""A saved web page → lines: the page's content only, headings, paragraphs, lists and tables.

Site chrome is removed structurally before any text is read (`chrome`). `<details>`/`<summary>`
accordions, `<dl>` lists whose terms ask or are labels (other lists are terms and definitions),
schema.org FAQPage microdata
(`itemtype=".../Question"`, `itemprop="name"` / `"acceptedAnswer"`), accordion and question/answer
markup (`faq_markup`) and, when the page shows no question, FAQPage JSON-LD (`jsonld`) give the
question and the answer by their structure. An accordion whose panels hold questions of their
own is one of topics: each trigger titles a section.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from ingest.parse.labels import ASKS, label_column, match_label, qa_columns
from ingest.parse.lines import (
    ANSWER,
    BOLD_LEVEL,
    CELL_SEPARATOR,
    END,
    HEADING,
    QUESTION,
    ROW,
    TEXT,
    Line,
)
from ingest.readers.chrome import content_root, strip_chrome, strip_interactive
from ingest.readers.faq_markup import ANSWER_MARK, QUESTION_MARK, mark_pairs
from ingest.readers.jsonld import jsonld_faq, shows_questions, with_structured
from ingest.readers.text import decode_text
from retrieval.errors import CorpusFormatError

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = {"p", "div", "section", "article", "main", "header", "footer", "blockquote", "pre",
           "address", "figure", "figcaption", "form", "fieldset", "center", "body", "html",
           "hgroup", "search"}
_SPACE = re.compile(r"[ \t\r\n\f\u200b]+")
# a soft hyphen (&shy;) and a word joiner only tell the browser where it may break a word: they
# are never shown inside it, and would split the word for search
_INVISIBLE = re.compile("[\u00ad\u2060]")
# the label of an accordion's control printed after the question it opens ("Can we…? Show",
# GOV.UK's "Show this section", a "+" drawn as text): the button's, not the question's words
_CONTROL_LABEL = re.compile(
    r"(?<=\?)\s*(?:show|hide|expand|collapse|open|close|toggle|[+\u2212\u2013\u25be\u25b8\u25bc"
    r"\u25b6\u203a\u00bb-])(?:\s+(?:this\s+|the\s+)?(?:section|answer|all|details))?\s*$",
    re.IGNORECASE)
# the mark of a footnote reference set as a superscript: a number, or the symbols of a footnote
_FOOTNOTE_MARK = re.compile(r"\[?(?:\d{1,3}|[*\u2020\u2021\u00a7]{1,3})\]?")


class _Emitter:
    """Walks the content and emits lines; paragraphs end with a blank line."""

    def __init__(self, path: Path, answers: dict[str, Any] | None = None) -> None:
        self.path = path
        self.answers = answers or {}  # paired answers by pair number (see faq_markup)
        self.lines: list[Line] = []
        self.buf: list[str] = []
        self.plain = False  # the buffered text has words outside <strong>/<b>
        self.lead = ""  # the bold text buffered before the first plain words (`words`)
        self.number = 1
        self.answering = 0  # inside an answer a pair container emits (a <dl> there is content)

    def emit(self, text: str, kind: str = TEXT, number: int | None = None, level: int = 0,
             lead: int = 0) -> None:
        self.lines.append(Line(number or self.number, text, kind, level, lead))

    def words(self, bold: bool) -> None:
        """Words are about to be buffered, in bold or not: the bold text buffered before the
        first plain words is the paragraph's bold lead-in."""
        if not bold and not self.plain and "".join(self.buf).strip():
            self.lead = "".join(self.buf)
        self.plain = self.plain or not bold

    def flush(self, paragraph: bool = True) -> None:
        parts = [_SPACE.sub(" ", part).strip() for part in "".join(self.buf).split("\n")]
        parts = [p for p in parts if p]
        # a line set entirely in bold (a question printed in bold, a lead-in) is marked as such
        level = BOLD_LEVEL if len(parts) == 1 and not self.plain else 0
        # and a first line opening in bold, the length of its bold lead-in
        lead = _SPACE.sub(" ", self.lead).strip() if "\n" not in self.lead else ""
        for k, cleaned in enumerate(parts):
            run_in = k == 0 and bool(lead) and cleaned.startswith(lead) and cleaned != lead
            self.emit(cleaned, level=level, lead=len(lead) if run_in else 0)
        self.buf.clear()
        self.plain = False
        self.lead = ""
        if paragraph and self.lines and self.lines[-1].text:
            self.emit("")

    def inline_text(self, el: Any) -> str:
        sub = _Emitter(self.path, self.answers)
        sub.walk(el)
        sub.flush()
        return " ".join(ln.text for ln in sub.lines if ln.text)

    def walk(self, el: Any) -> None:
        from bs4 import NavigableString, Tag
        from bs4.element import Comment, Doctype, ProcessingInstruction

        for child in el.children:
            if isinstance(child, Comment | Doctype | ProcessingInstruction):
                continue
            if isinstance(child, NavigableString):
                if str(child).strip():
                    if not self.buf:
                        self.number = getattr(el, "sourceline", None) or self.number
                    self.words(child.find_parent(["strong", "b"]) is not None)
                self.buf.append(_SPACE.sub(" ", _INVISIBLE.sub("", str(child))))
            elif isinstance(child, Tag):
                self.element(child)

    def element(self, el: Any) -> None:
        name = el.name.lower()
        line = el.sourceline or self.number
        if str(el.get("itemtype") or "").rstrip("/").endswith("/Question") and self.microdata(el):
            return
        if el.has_attr(QUESTION_MARK):
            panel = self.answers[el[QUESTION_MARK]]
            if _holds_questions(panel):
                self.section(el, panel)
            else:
                self._qa(el, partial(self.walk, panel))
            return
        if el.has_attr(ANSWER_MARK):
            return  # emitted with its question
        if name == "br":
            self.buf.append("\n")
        elif name == "sup" and self.footnote_mark(el):
            # a footnote reference, set apart as a reader sees it: "77300<sup>1</sup>" is code
            # 77300 and note 1, never "773001"
            self.words(el.find_parent(["strong", "b"]) is not None)
            self.buf.append(f"[{el.get_text(strip=True).strip('[]')}]")
        elif name in _HEADINGS and el.find(attrs={QUESTION_MARK: True}) is not None:
            self.flush()  # an accordion's question button inside a heading: read as the pair
            self.walk(el)
            self.flush()
        elif name in _HEADINGS:
            self.flush()
            for link in _permalinks(el):
                link.decompose()
            self.emit(self.inline_text(el), HEADING, line, int(name[1]))
            self.emit("", TEXT, line)
        elif name in ("ul", "ol", "menu"):
            self.flush()
            for n, li in enumerate(el.find_all("li", recursive=False), _start(el)):
                self.number = li.sourceline or line
                first = len(self.lines)
                self.walk(li)
                self.flush(paragraph=False)
                if name == "ol":
                    self.number_question(first, n)
            self.flush()
        elif name == "table":
            self.flush()
            self.table(el)
        elif name == "details":
            self.details(el)
        elif name == "dl":
            self.definitions(el)
        elif name == "hr":
            self.flush()
        elif name in _BLOCKS or name == "li":
            self.flush()
            self.number = line
            self.walk(el)
            self.flush()
        else:
            if not self.buf:
                self.number = line
            self.walk(el)

    def footnote_mark(self, sup: Any) -> bool:
        """A `<sup>` holding a footnote's mark (a number or *, †, ‡, §) that links to the note
        on the page, or that follows a digit (run into the text it would change the number: a
        code followed by note 1) or a sentence's punctuation directly."""
        if not _FOOTNOTE_MARK.fullmatch(sup.get_text(strip=True)):
            return False
        link = sup.find("a", href=True)
        if link is not None and str(link["href"]).startswith("#"):
            return True
        before = "".join(self.buf).rstrip("\n")
        return bool(before) and (before[-1].isdigit() or before[-1] in ".,;:)")

    def number_question(self, first: int, n: int) -> None:
        """An ordered list item that asks a question shows its number, as a browser does: a
        list of numbered questions is one of the layouts publishers use (see parse.headings)."""
        if first < len(self.lines):
            ln = self.lines[first]
            if ln.kind == TEXT and ASKS.search(ln.text.rstrip()):
                self.lines[first] = Line(ln.number, f"{n}. {ln.text}", TEXT, ln.level)

    def table(self, table: Any) -> None:
        if self.qa_table(table) or self.label_table(table):
            return
        if _is_layout(table):
            for cell in _own(table, ["td", "th"]):  # a page laid out in a table: cells are blocks
                self.flush()
                if cell.has_attr(QUESTION_MARK) or cell.has_attr(ANSWER_MARK):
                    self.element(cell)
                else:
                    self.walk(cell)
                self.flush()
            return
        caption = table.find("caption")
        if caption is not None:
            self.emit(self.inline_text(caption), TEXT, caption.sourceline)
        for tr in _own(table, ["tr"]):
            cells = _cells(tr)
            for cell in cells:
                if _span(cell.get("rowspan")) > 1:
                    raise CorpusFormatError(
                        self.path, "a table cell spans several rows (rowspan)",
                        "unmerge the cells (give each row its own cell, repeating the text if "
                        "needed), or write the table as a list", line=cell.sourceline)
            # a cell spanning columns is shown once: repeating it would add text the page
            # does not show
            self.emit(CELL_SEPARATOR.join(self.inline_text(c) for c in cells), ROW,
                      tr.sourceline)
        self.emit("", TEXT, self.number)

    def qa_table(self, table: Any) -> bool:
        """A question/answer table (`qa_table_start`): each row one entry, its answer cell read
        as blocks (paragraphs, lists) like any answer."""
        trs = _own(table, ["tr"])
        rows = [_cells(tr) for tr in trs]
        texts = [[self.inline_text(c) for c in r] for r in rows]
        columns = qa_columns(texts, self.path, table.sourceline or self.number)
        if columns is None:
            return False
        self.flush()
        for tr, cells, text in zip(trs[columns.start:], rows[columns.start:],
                                   texts[columns.start:], strict=True):
            merged = any(_span(c.get("rowspan")) > 1 or _span(c.get("colspan")) > 1
                         for c in cells)
            columns.cells(self.path, tr.sourceline, text, merged)
            self._qa(cells[columns.question],
                     partial(self._answer_cell, cells[columns.answer], columns.source_line(text)))
        return True

    def _answer_cell(self, cell: Any, source: str) -> None:
        """A question/answer table's answer cell, and the row's source after it (if any)."""
        self.walk(cell)
        if source:
            self.flush()
            self.emit(source)
            self.emit("")

    def label_table(self, table: Any) -> bool:
        """A table whose first column holds the labels ("Q", "A") and whose second the text
        (`label_column`): each row read as its label standing alone and the paragraphs after it."""
        trs = _own(table, ["tr"])
        rows = [_cells(tr) for tr in trs]
        labels = label_column([[self.inline_text(c) for c in r] for r in rows])
        if labels is None:
            return False
        self.flush()
        for tr, cells, label in zip(trs, rows, labels, strict=True):
            self.emit(label, TEXT, tr.sourceline)
            self.emit("", TEXT, tr.sourceline)
            self.number = tr.sourceline or self.number
            self.walk(cells[1])
            self.flush()
        return True

    def _qa(self, question: Any, answer: Callable[[], None]) -> None:
        """A container pair: its question element, and a function emitting its answer."""
        text = _CONTROL_LABEL.sub("", self.inline_text(question))
        found = match_label(text)
        line = question.sourceline or self.number
        self.flush()
        if found is not None and not (found[0] == "question" and found[2].strip()):
            self.emit(text, HEADING, line)  # a label heading: the parser reads what follows
            self.emit("", TEXT, line)
            answer()
            self.flush()
            return
        self.emit(found[2].strip() if found else text, QUESTION, line)
        self.emit("", ANSWER, line)
        self.answering += 1
        try:
            answer()
        finally:
            self.answering -= 1
        self.flush()
        self.emit("", END, self.number)

    def section(self, trigger: Any, panel: Any) -> None:
        """An accordion of topics ("Simulation", "Delivery") whose panels hold the questions:
        the trigger titles a section, the panel is read as the page's content."""
        self.flush()
        heading = trigger if trigger.name in _HEADINGS else trigger.find(_HEADINGS) or \
            trigger.find_parent(_HEADINGS)
        level = int(heading.name[1]) if heading is not None else 2
        line = trigger.sourceline or self.number
        self.emit(_CONTROL_LABEL.sub("", self.inline_text(trigger)), HEADING, line, level)
        self.emit("", TEXT, line)
        self.walk(panel)
        self.flush()

    def microdata(self, el: Any) -> bool:
        """A schema.org Question (FAQPage markup): its name and its accepted answer."""
        question = el.find(attrs={"itemprop": "name"})
        answer = el.find(attrs={"itemprop": ["acceptedAnswer", "suggestedAnswer"]})
        if question is None or answer is None:
            return False
        self._qa(question, partial(self.walk, answer))
        return True

    def details(self, el: Any) -> None:
        summary = el.find("summary", recursive=False)
        if summary is None:
            self.flush()
            self.walk(el)
            self.flush()
            return
        summary.extract()
        if _holds_questions(el):
            self.section(summary, el)
        else:
            self._qa(summary, lambda: self.walk(el))

    def definitions(self, dl: Any) -> None:
        if self.answering or not any(_asks_or_labels(self.inline_text(t))
                                     for t in dl.find_all("dt", recursive=False)):
            # inside an answer, or a list none of whose terms asks or is a label (a page's
            # "Published: June 2026" details, a list of codes): terms and their definitions
            # side by side, never questions
            self.glossary(dl)
            return
        terms: list[tuple[Any, list[Any]]] = []
        for child in dl.find_all(["dt", "dd"], recursive=False):
            if child.name == "dt":
                terms.append((child, []))
            elif terms:
                terms[-1][1].append(child)
            else:
                self.walk(child)
                self.flush()
        for term, defs in terms:
            self._qa(term, partial(self._blocks, defs))

    def glossary(self, dl: Any) -> None:
        """A definition list inside an answer (codes and what each covers): a line per term,
        "term: definition", as a browser shows them side by side; never questions."""
        self.flush()
        for child in dl.find_all(["dt", "dd"], recursive=False):
            if child.name == "dt":
                self.flush(paragraph=False)
                self.number = child.sourceline or self.number
                self.walk(child)
            else:
                if self.buf:
                    self.buf.append(": ")
                self.walk(child)
        self.flush()

    def _blocks(self, elements: list[Any]) -> None:
        for el in elements:  # each definition is a paragraph of the answer
            self.flush()
            self.number = el.sourceline or self.number
            self.walk(el)
            self.flush()


def _holds_questions(panel: Any) -> bool:
    """Whether an accordion's panel holds questions of its own (a paired question, a <details>,
    a heading or a definition list's term that asks): a topic's section, not an answer. (A
    definition list of codes in an answer asks nothing.)"""
    return panel.find(lambda t: t.has_attr(QUESTION_MARK) or t.name == "summary" or (
        t.name in (*_HEADINGS, "dt") and "?" in t.get_text())) is not None


def _asks_or_labels(term: str) -> bool:
    """A definition list's term that makes it a list of questions: it asks ("?"), or it is a
    question, answer or disclaimer label."""
    return "?" in term or match_label(term) is not None


def _permalinks(heading: Any) -> list[Any]:
    """The heading's permalink: a link to the heading itself within the page whose text is a
    sign, not a word ("¶", "#", "§", "🔗"), which documentation and help sites print after each
    heading to copy its address; never the heading's words."""
    return [a for a in heading.find_all("a", href=True)
            if str(a["href"]).startswith("#") and not any(c.isalnum() for c in a.get_text())]


def _cells(tr: Any) -> list[Any]:
    """A table row's own cells (not those of a table nested in one)."""
    return list(tr.find_all(["td", "th"], recursive=False))


def _own(table: Any, names: list[str]) -> list[Any]:
    """The table's own elements of these names (not those of a table nested in a cell)."""
    return [el for el in table.find_all(names) if el.find_parent("table") is table]


def _start(ol: Any) -> int:
    """The number of an ordered list's first item."""
    try:
        return int(str(ol.get("start") or "1").strip())
    except ValueError:
        return 1


def _span(value: Any) -> int:
    try:
        return int(str(value or "1").strip())
    except ValueError:
        return 1  # a malformed span is a browser's single cell too


def _is_layout(table: Any) -> bool:
    """A table used to lay out a page rather than to hold data: it holds headings, nested
    tables or Q&A labels."""
    if table.find(["table", "details", "dl", *_HEADINGS]) or table.find(
            lambda t: t.has_attr(QUESTION_MARK)):
        return True
    header = _header_cells(table)
    return any(match_label(str(t), periods=False) for t in table.find_all(string=True)
               if str(t).strip() and not any(t.find_parent(["td", "th"]) is c for c in header))


def _header_cells(table: Any) -> list[Any]:
    """A data table's column headers ("Code | Source | Use"): its first row, when every row has
    the same number of cells, two or more. A word such as "Source" heads a column there; it
    opens no references."""
    rows = [_cells(tr) for tr in _own(table, ["tr"])]
    widths = {len(r) for r in rows}
    if len(rows) < 2 or len(widths) != 1 or widths.pop() < 2:
        return []
    return list(rows[0])


def _answer_lines(path: Path, html: str, number: int) -> list[Line]:
    """An answer given as HTML text (JSON-LD may carry paragraphs and lists) as lines."""
    from bs4 import BeautifulSoup

    emitter = _Emitter(path)
    emitter.number = number
    emitter.walk(BeautifulSoup(html, "html.parser"))
    emitter.flush()
    return [Line(number, ln.text, ln.kind) for ln in emitter.lines]


def read_html(path: Path) -> list[Line]:
    """A saved web page: its content's headings, paragraphs, lists and tables, chrome dropped."""
    from bs4 import BeautifulSoup

    text = decode_text(path.read_bytes(), path)
    soup = BeautifulSoup(text, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    title_line = (soup.title.sourceline if soup.title else None) or 1
    structured = jsonld_faq(soup, path)  # read before scripts go with the chrome
    strip_chrome(soup)
    answers = mark_pairs(soup, path)
    strip_interactive(soup)
    root: Any = content_root(soup)
    emitter = _Emitter(path, answers)
    if root is not None:
        emitter.element(root)
    else:
        emitter.walk(soup)
    emitter.flush()
    lines: list[Line] = []
    first = next((ln.text for ln in emitter.lines if ln.text), "")
    if title and first != title:  # the page title is the document's title
        lines += [Line(title_line, title), Line(title_line, "")]
    for ln in emitter.lines:
        if ln.text or ln.kind != TEXT or (lines and lines[-1].text):
            lines.append(ln)
    if structured and not shows_questions(lines, structured):
        lines = with_structured(lines, structured, path, partial(_answer_lines, path))
    if not any(ln.text for ln in lines):
        raise CorpusFormatError(path, "the page has no visible text",
                                "save the page with its content (File → Save as, 'Web page, "
                                "complete'), or paste the guidance into a .txt file")
    return lines
