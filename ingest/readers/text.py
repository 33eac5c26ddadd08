"""Plain text and Markdown: the text's own lines; Markdown headings and pipe tables tagged.

Markdown's emphasis (`*…*`, `_…_`, `**…**`, `__…__`) is how the page is set, not the
publisher's words: it is rendered away (CommonMark's rules, markdown-it-py) in every field, as
the HTML reader reads `<em>` and `<strong>` as their text. A `*` or `_` that is not emphasis
(a footnote mark, "2 * 3", "snake_case", a list bullet) stays, and so does everything else.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.parse.labels import ASKS as _ASKS
from ingest.parse.labels import QaColumns, match_label, qa_columns, qa_header
from ingest.parse.lines import (
    BOLD_LEVEL,
    CELL_SEPARATOR,
    END,
    HEADING,
    QUESTION,
    ROW,
    TEXT,
    Line,
    entry_lines,
    split_lines,
)
from retrieval.errors import CorpusError

FORMATS = "UTF-8 text (.txt), Markdown (.md), HTML (.html), PDF (.pdf) or Word (.docx)"


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 text (a BOM is allowed) or a CorpusError naming the line with the bad bytes."""
    if b"\x00" in data[:8192]:
        raise CorpusError(path, "this looks like a binary file, not text",
                          f"save the guidance as {FORMATS}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise CorpusError(path, f"invalid UTF-8 (byte 0x{data[e.start]:02x})",
                          "re-save the file with UTF-8 encoding", line=line) from None


# A line drawn with one character ("-----", "=====", "* * *"): a plain-text newsletter's rule
# between items or under a title. It separates like a blank line and is never text to show.
_RULE = re.compile(r"^\s*([-=_*~#\u2014\u2013\u2500\u2550])(?:\s*\1){2,}\s*$")


# a plain-text section title: one short line with a rule right above and right below it
# ("-----" / "REMINDERS" / "-----"), as bulletins and newsletters set their sections off
_FRAMED_TITLE_WORDS = 8


# a running header or footer a text document printed for paper carries on each page: its page
# number, alone or after the publication's name ("PLAN NAME - PB-2026-07 - Page 2")
_PAGE_LINE = re.compile(r"^\s*(?:\S.{0,80}?\s[-\u2013\u2014|\u2022\u00b7]\s+)?page\s+\d{1,3}"
                        r"(?:\s*(?:of|/)\s*\d{1,3})?\s*$", re.IGNORECASE)


# "-- " on a line of its own opens an e-mail's signature (RFC 3676): a memo saved from a mail
# client ends with the sender's name, phone and extension, never guidance
_SIG_DELIMITER = re.compile(r"^--\s?$")
_SIGNATURE_MAX = 8  # lines a signature may take at the end of the file


def _without_signature(lines: list[Line]) -> list[Line]:
    filled = [i for i, ln in enumerate(lines) if ln.text.strip()]
    for i in filled[-_SIGNATURE_MAX:]:
        if _SIG_DELIMITER.match(lines[i].text):
            return [*lines[:i], *(Line(ln.number, "") for ln in lines[i:])]
    return lines


def _section_title(lines: list[Line], rule: list[bool], i: int) -> bool:
    """A short line standing alone (blank lines or rules around it) that is framed by two rules
    or written in capitals: how plain-text bulletins title their sections."""
    text = lines[i].text.strip()
    if not text or len(text.split()) > _FRAMED_TITLE_WORDS:
        return False
    before = i == 0 or rule[i - 1] or not lines[i - 1].text.strip()
    after = i == len(lines) - 1 or rule[i + 1] or not lines[i + 1].text.strip()
    framed = 0 < i < len(lines) - 1 and rule[i - 1] and rule[i + 1]
    capitals = (sum(c.isalpha() for c in text) >= 4 and text.upper() == text
                and not text.endswith((".", ",", ";")))
    return before and after and (framed or capitals)


def read_text(path: Path) -> list[Line]:
    """Plain text: its own lines, rules drawn with one character and running page headers read
    as blank lines, a line framed by two rules read as a section heading."""
    return _plain_lines(split_lines(decode_text(path.read_bytes(), path)))


def _next_filled(lines: list[Line], i: int) -> int | None:
    return next((k for k in range(i + 1, len(lines)) if lines[k].text.strip()), None)


def _asks(line: Line) -> bool:
    found = match_label(line.text)
    return found is not None and found[0] == QUESTION


def _closing_rules(lines: list[Line], rule: list[bool]) -> set[int]:
    """The rules that close the answer above them, as an HTML entry's container does.

    A document that draws the same rule ("* * *") right above at least two of its question
    labels separates its entries with it; such a rule closes an answer where a question or
    another section (a rule, a section title) follows it, so the last answer ends at its own
    rule and a section after it ("FINE PRINT", its sources) is never read as part of it. The
    rule that closes the file (nothing after it) closes nothing."""
    after = {i: nxt for i in range(len(lines))
             if rule[i] and (nxt := _next_filled(lines, i)) is not None}
    asked = {i for i, nxt in after.items() if not rule[nxt] and _asks(lines[nxt])}
    above = Counter(_rule_char(lines[i].text) for i in asked)
    return {i for i, nxt in after.items() if above[_rule_char(lines[i].text)] >= 2
            and (i in asked or rule[nxt] or _section_title(lines, rule, nxt))}


def _rule_char(text: str) -> str:
    return text.strip()[:1]


def _plain_lines(lines: list[Line]) -> list[Line]:
    """The file's lines read as plain text (see read_text)."""
    lines = _without_signature(lines)
    rule = [bool(_RULE.match(ln.text)) for ln in lines]
    closing = _closing_rules(lines, rule)
    out: list[Line] = []
    for i, ln in enumerate(lines):
        if i in closing:
            out.append(Line(ln.number, "", END))
        elif rule[i] or _PAGE_LINE.match(ln.text):
            out.append(Line(ln.number, ""))
        elif _section_title(lines, rule, i):
            out.append(Line(ln.number, ln.text.strip(), HEADING, 2))
        else:
            out.append(ln)
    return _questions_over_indented_answers(out)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _questions_over_indented_answers(lines: list[Line]) -> list[Line]:
    """A paragraph whose first line asks ("1) Is 77387 paid separately?") and whose other lines
    are all indented under it is a question and its answer, as an outline sets them: the
    question is read as a paragraph of its own (a blank line after it). A labelled line is
    left to its label."""
    out: list[Line] = []
    for i, ln in enumerate(lines):
        out.append(ln)
        if ln.kind != TEXT or not ln.text.strip() or (i and lines[i - 1].text.strip()) \
                or not _ASKS.search(ln.text.rstrip()) or match_label(ln.text) is not None:
            continue
        rest = []
        for nxt in lines[i + 1:]:
            if nxt.kind != TEXT or not nxt.text.strip():
                break
            rest.append(nxt)
        if rest and all(_indent(r.text) > _indent(ln.text) and match_label(r.text) is None
                        for r in rest):
            out.append(Line(rest[0].number, ""))
    return out


_MD_LABEL = re.compile(
    r"^(?P<lead>\s*(?:#{1,6}\s+|>\s*)*)(?P<em>\*\*|__|\*|_)?\s*"
    r"(?P<label>(?:(?:Coding|CUAC)\s+)?(?:Question|Inquiry|Query|Answer|Response|Reply|Ans|Q|A)"
    r"(?:\s*#?\s*\d{1,3})?"
    r"|Disclaimer|References?|Sources?)"
    r"\s*(?P<colon1>[:.)\u2014\u2013]?)\s*(?P<close>(?P=em))?\s*(?P<colon2>[:.)\u2014\u2013]?)",
    re.IGNORECASE,
)
# (after a heading's text, its attribute list: "{#twice}", "{: #id .faq}", as Pandoc, kramdown
# and MkDocs write an anchor for the heading; markup, never the heading's words)
_MD_HEADING = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<text>.*?)(?:\s+#+)?"
                         r"(?:\s+\{:?\s*[#.][\w-]+(?:\s+[#.]?[\w-]+(?:=\S+)?)*\s*\})?\s*$")
_MD_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?=\S)(?:(?!\1).)+(?<=\S)\1\s*$")
# a line opening with a bold lead-in that plain text follows ("**Can we bill…?** Yes, when…")
_MD_RUN_IN = re.compile(r"^(\*\*|__)(?=\S)(?:(?!\1).)+?(?<=\S)\1(?=\s+\S)")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_ROW = re.compile(r"^\s*\|.*\|\s*$")
# inline HTML in Markdown (`<small>`, `<sup>`, `<span class=…>`, comments): presentation only,
# the text between the tags is the document's; "<5 cm" or "<https://…>" are not tags
# (`<br>` stays: it breaks the lines of a question/answer table's answer cell)
_MD_HTML = re.compile(r"<!--.*?-->|</?(?!br\b)[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>",
                      re.IGNORECASE)


def _markdown_line(text: str) -> str:
    """Drop Markdown decoration around labels and headings; leave everything else verbatim."""
    m = _MD_LABEL.match(text)
    if m and (m.group("em") or m.group("lead").strip()):
        rest = text[m.end():].strip()
        em = m.group("em")
        if em and not m.group("close") and rest.endswith(em):
            # "**Q1. Which code…?**": the emphasis opened before the label closes after the
            # question, so it is the whole line's, not a mark in the question's words
            rest = rest[:-len(em)].rstrip()
        label = m.group("label")
        sep = m.group("colon1") or m.group("colon2")
        # a bare "A"/"Q" is prose (the article: "# A Guide…", "# Ask the Coder"), never a
        # label; and "**Answer.**" is emphasis on a word: the line is read as any other
        prose = (len(label) <= 3 and label.lower() in ("q", "a", "ans") and not sep) or (
            sep in (".", ")") and not re.search(r"(?:^(?:q|a|ans)|\d)$", label, re.IGNORECASE))
        if not prose and sep:
            return f"{label}{sep} {rest}".rstrip() if rest else f"{label}{sep}"
        if not prose and not rest:
            return f"{label}:" if label.lower().startswith(("reference", "source")) else label
    h = _MD_HEADING.match(text)
    return h.group("text") if h else text


_EMPHASIS: Any = None


def unemphasised(text: str) -> str:
    """The text with Markdown emphasis rendered away (module doc); lines stay lines."""
    global _EMPHASIS
    if "*" not in text and "_" not in text:
        return text
    if _EMPHASIS is None:
        from markdown_it import MarkdownIt

        # emphasis only: links, code spans, escapes and entities are left as written
        _EMPHASIS = MarkdownIt("zero").enable(["emphasis"])
    (inline,) = _EMPHASIS.parseInline(text)
    return "".join(t.content for t in inline.children or () if t.type == "text")


def _unemphasised(lines: list[Line]) -> list[Line]:
    """Emphasis rendered away per paragraph (it may open on one line and close on the next),
    per line in headings, table rows and table entries."""
    out: list[Line] = []
    run: list[Line] = []

    def flush() -> None:
        parts = unemphasised("\n".join(ln.text for ln in run)).split("\n")
        if len(parts) != len(run):  # never expected: keep the lines' count and numbers
            parts = [unemphasised(ln.text) for ln in run]
        out.extend(Line(ln.number, t, ln.kind, ln.level) for ln, t in zip(run, parts, strict=True))
        run.clear()

    for ln in lines:
        if ln.kind == TEXT and ln.text.strip():
            run.append(ln)
            continue
        flush()
        out.append(Line(ln.number, unemphasised(ln.text), ln.kind, ln.level))
    flush()
    return out


def _cells(row: str) -> str:
    inner = row.strip()[1:-1]
    return CELL_SEPARATOR.join(c.strip() for c in re.split(r"(?<!\\)\|", inner))


def _qa_row(ln: Line, path: Path, columns: QaColumns) -> list[Line]:
    """A row of a 'Question | Answer' table: one entry (`<br>` breaks the answer's lines)."""
    cells = _cells(ln.text).split(CELL_SEPARATOR)
    columns.cells(path, ln.number, cells)
    answer = [Line(ln.number, part.strip())
              for part in re.split(r"<br\s*/?>", cells[columns.answer])]
    if source := columns.source_line(cells):
        answer += [Line(ln.number, ""), Line(ln.number, source)]
    return entry_lines(ln.number, cells[columns.question], answer)


_BLOCKQUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
# the type mark opening a GitHub alert ("> [!WARNING]"): rendered as an icon, never as text
_ALERT = re.compile(r"^\s*\[!(?:note|tip|important|warning|caution)\]\s*$", re.IGNORECASE)
_FENCE = re.compile(r"^(?:---|\.\.\.)\s*$")
_YAML_LINE = re.compile(r"^(?:[\w-]+\s*:.*|\s+\S.*|\s*#.*|\s*)$")
_FRONT_MATTER_MAX = 60


def front_matter_lines(lines: list[Line]) -> int:
    """How many lines a YAML front matter block ("---", `key: value` lines, "---") opening a
    Markdown file takes (0 without one), from the file's lines as written."""
    lines = lines[:_FRONT_MATTER_MAX]
    if not lines or lines[0].text.strip() != "---":
        return 0
    for i, ln in enumerate(lines[1:], start=1):
        if _FENCE.match(ln.text):
            return i + 1 if i > 1 else 0
        if not _YAML_LINE.match(ln.text):
            return 0
    return 0


# a setext heading's underline: "===" (level 1) or "---" (level 2) under the heading's line
_SETEXT = re.compile(r"^ {0,3}(?:(=+)|-+)[ \t]*$")
# a line that cannot be a setext heading's text: a list item, quote, table row, ATX heading
_NOT_SETEXT_TEXT = re.compile(r"^\s*(?:[-+*]\s|\d{1,9}[.)]\s|>|\||#{1,6}\s)")


def setext_headings(written: list[Line], start: int = 0) -> dict[int, int]:
    """The lines a setext underline makes headings ("Planning" over "--------", level 2; over
    "========", level 1), by index: a paragraph of one line (CommonMark reads the line above
    "---" as a heading, not a rule under text). `start`: lines before it (front matter) are not
    read."""
    found: dict[int, int] = {}
    for i in range(max(start, 1), len(written)):
        m = _SETEXT.match(written[i].text)
        above = written[i - 1].text
        if m is None or not above.strip() or _RULE.match(above) or \
                _NOT_SETEXT_TEXT.match(above) or (i - 1 in found) or \
                (i - 2 >= start and written[i - 2].text.strip()):
            continue
        found[i - 1] = 1 if m.group(1) else 2
    return found


# a footnote's definition ("[^cms]: Medicare manual, chapter 13") and its mark ("77300[^cms]")
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^(?P<id>[^\]\s]+)\]:[ \t]*(?P<text>.*)$")
_FOOTNOTE_REF = re.compile(r"\[\^(?P<id>[^\]\s]+)\](?!:)")


@dataclass
class _FootnoteDefinitions:
    """A Markdown file's footnotes (the syntax of GitHub, Pandoc, markdown-it's footnote plugin):
    a renderer numbers them in the order they are first marked and shows each mark as that
    number. They are read as a Word document's are: the mark as "[1]", the note's text after
    the paragraph that first marks it, with the answer it annotates (where the definition is
    written, often after the last answer or the disclaimer, it would join what stands there). A
    definition never marked is not shown, and not read."""

    text: dict[str, tuple[int, str]]  # id -> (line number, the note's text)
    lines: set[int]  # indexes of the lines the definitions take

    def placed(self, out: list[Line]) -> list[Line]:
        if not self.text:
            return out
        numbers: dict[str, int] = {}
        pending: list[Line] = []
        result: list[Line] = []

        def mark(m: re.Match[str]) -> str:
            found = self.text.get(m.group("id"))
            if found is None:
                return m.group()  # no such note: the renderer shows the text as written
            if m.group("id") not in numbers:
                numbers[m.group("id")] = len(numbers) + 1
                note = unemphasised(found[1])
                pending.append(Line(found[0], f"[{numbers[m.group('id')]}] {note}"))
            return f"[{numbers[m.group('id')]}]"

        for ln in out:
            if ln.kind == TEXT and not ln.text.strip() and pending:
                result.append(ln)  # the paragraph marking them ended: its notes
                result += [x for note in pending for x in (note, Line(note.number, ""))]
                pending.clear()
                continue
            text = _FOOTNOTE_REF.sub(mark, ln.text)
            lead = len(_FOOTNOTE_REF.sub(mark, ln.text[:ln.lead])) if ln.lead else 0
            result.append(Line(ln.number, text, ln.kind, ln.level, lead))
        if pending:
            result += [Line(pending[0].number, ""), *pending]
        return result


def _footnote_definitions(written: list[Line], start: int) -> _FootnoteDefinitions:
    """The footnote definitions of a Markdown file: a definition line and the non-blank lines
    that go on from it."""
    notes = _FootnoteDefinitions({}, set())
    i = start
    while i < len(written):
        m = _FOOTNOTE_DEF.match(written[i].text)
        if m is None:
            i += 1
            continue
        parts, j = [m.group("text").strip()], i + 1
        while j < len(written) and written[j].text.strip() and \
                not _FOOTNOTE_DEF.match(written[j].text):
            parts.append(written[j].text.strip())
            j += 1
        notes.text.setdefault(m.group("id"), (written[i].number, " ".join(p for p in parts if p)))
        notes.lines.update(range(i, j))
        i = j
    return notes


def read_markdown(path: Path) -> list[Line]:
    """Markdown: `**Coding Question:**`-style emphasis unwrapped, `#` headings tagged as
    headings, quote marks (`>`, an alert's `[!NOTE]`) dropped, pipe tables as rows (cells
    joined by " | ", the |---| rule dropped); a table headed 'Question | Answer' gives one entry
    per row."""
    out = []
    leads: dict[int, str] = {}  # the bold lead-in opening a line, by its index in `out`
    qa_table: QaColumns | None = None  # inside a question/answer table: its columns
    written = split_lines(decode_text(path.read_bytes(), path))
    lines = _plain_lines(written)  # (its rules are blanked: the front matter is read as written)
    front = front_matter_lines(written)
    for i in range(front):  # metadata for the site generator, not the page
        lines[i] = Line(lines[i].number, "")
    notes = _footnote_definitions(written, front)
    for i in notes.lines:  # read where the notes are marked (`_FootnoteDefinitions.placed`)
        lines[i] = Line(lines[i].number, "")
    setext = setext_headings(written, front)
    underlines = {i + 1 for i in setext}
    for i, ln in enumerate(lines):
        if i in underlines:
            continue  # how the heading above is set, never text
        if i in setext:
            out.append(Line(ln.number, _markdown_line(written[i].text.strip()), HEADING,
                            setext[i]))
            continue
        if _MD_RULE.match(ln.text) and "-" in ln.text:
            continue
        if _BLOCKQUOTE.match(ln.text):  # a quote's marks are how the page is set, not words
            text = _BLOCKQUOTE.sub("", ln.text)
            ln = Line(ln.number, "" if _ALERT.match(text) else text)
        ln = Line(ln.number, _MD_HTML.sub("", ln.text).rstrip() if "<" in ln.text else ln.text)
        if not _MD_ROW.match(ln.text):
            qa_table = None
        elif qa_table is not None:
            out += _qa_row(ln, path, qa_table)
            continue
        elif (head := _cells(ln.text).split(CELL_SEPARATOR)) and \
                (qa_header(head) or len(head) > 2) and \
                (qa_table := qa_columns([head], path, ln.number)) is not None:
            continue
        if _MD_ROW.match(ln.text):
            out.append(Line(ln.number, _cells(ln.text), ROW))
        elif h := _MD_HEADING.match(ln.text):
            out.append(Line(ln.number, _markdown_line(ln.text), HEADING, len(h.group("hashes"))))
        else:
            text = _markdown_line(ln.text)
            # a line all in bold is marked so (a question or a lead-in set in bold)
            bold = text == ln.text and _MD_BOLD_LINE.match(text)
            run_in = _MD_RUN_IN.match(text) if text == ln.text and not bold else None
            if run_in:  # a bold lead-in opening the line: its text once rendered
                leads[len(out)] = unemphasised(run_in.group()).rstrip()
            out.append(Line(ln.number, text, level=BOLD_LEVEL if bold else 0))
    out = _unemphasised(out)
    for i, lead in leads.items():
        ln = out[i]
        if lead and ln.text.startswith(lead) and ln.text != lead:
            out[i] = Line(ln.number, ln.text, ln.kind, ln.level, len(lead))
    return notes.placed(out)
