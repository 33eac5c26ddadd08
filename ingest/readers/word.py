"""Word (.docx): paragraphs in order, heading styles tagged, tables as rows of cells; the
disclaimer or CPT notice printed only in the page footer read after them."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

from ingest.parse.labels import ASKS, label_column, match_label, qa_columns
from ingest.parse.lines import (
    BOLD_LEVEL,
    CELL_SEPARATOR,
    HEADING,
    ROW,
    TEXT,
    Line,
    entry_lines,
)
from ingest.parse.wording import disclaims, is_cpt_notice
from retrieval.errors import CorpusError, CorpusFormatError

MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # a DOCX whose parts inflate past this is refused
MAX_ZIP_RATIO = 200  # ... and so is one that inflates more than this (a zip bomb)
_ZIP_CHUNK = 1 << 16  # bytes inflated per read while checking an archive
MERGED_ROWS_HINT = ("unmerge the cells (give each row its own cell, repeating the text if "
                    "needed), or paste the table as text")


def check_zip(path: Path, required: str) -> None:
    """Refuse renamed binaries, zip bombs and archives that are not the expected format.

    Every member is inflated in chunks and the bytes actually produced are counted against a
    hard cap: the sizes a zip's headers declare are whatever its maker wrote.
    """
    if not zipfile.is_zipfile(path):
        raise CorpusError(path, "this is not a Word document (not a .docx zip archive)",
                          "it may be an old .doc or another file renamed; open it in Word and "
                          "save as .docx")
    packed = max(1, path.stat().st_size)
    cap = min(MAX_UNZIPPED_BYTES, MAX_ZIP_RATIO * packed)
    inflated = 0
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            for info in z.infolist():
                with z.open(info) as member:
                    while chunk := member.read(_ZIP_CHUNK):
                        inflated += len(chunk)
                        if inflated > cap:
                            raise CorpusError(
                                path, f"the archive inflates to more than {cap / 2**20:.0f} MiB "
                                f"from {packed / 2**20:.2f} MiB (a zip bomb?)",
                                "refused for safety; upload the document as saved by Word")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error,
            NotImplementedError, RuntimeError) as e:
        raise CorpusError(path, f"the .docx archive is damaged ({e})",
                          "save the document again from Word") from None
    if required not in names:
        raise CorpusError(path, f"the archive has no {required}; it is not a Word document",
                          "open it in Word and save as .docx")


def _table_rows(table: Any, path: Path, number: int) -> list[Line]:
    """One line per row, cells joined by CELL_SEPARATOR; a cell spanning columns is shown once, one
    spanning rows (vertical merge) is refused: the rows below would lose their alignment."""
    from docx.table import _Cell

    rows = []
    for row in table.rows:
        cells = []
        for tc in row._tr.tc_lst:
            if tc.vMerge is not None:
                raise CorpusFormatError(
                    path, f"table row {number} has a cell merged across rows",
                    MERGED_ROWS_HINT, line=number)
            text = _cell_text(_Cell(tc, table))
            cells.append(" ".join(part.strip() for part in text.split("\n") if part.strip()))
        rows.append(Line(number, CELL_SEPARATOR.join(cells), ROW))
        number += 1
    return rows


def _qa_rows(table: Any, path: Path, number: int) -> list[Line] | None:
    """A question/answer table (`qa_table_start`): each row one entry (the question, then the
    answer cell's paragraphs); None for any other table."""
    from docx.table import _Cell

    rows = [[_Cell(tc, table) for tc in row._tr.tc_lst] for row in table.rows]
    texts = [[_cell_text(c) for c in r] for r in rows]
    columns = qa_columns(texts, path, number)
    if columns is None:
        return None
    lines: list[Line] = []
    number += columns.start - 1
    for cells, row_text in zip(rows[columns.start:], texts[columns.start:], strict=True):
        number += 1
        merged = any(c._tc.vMerge is not None for c in cells)
        columns.cells(path, number, row_text, merged)
        question = " ".join(t.strip() for t in _cell_paragraphs(cells[columns.question])
                            if t.strip())
        answer: list[Line] = []
        for text in _cell_paragraphs(cells[columns.answer]):
            answer += [Line(number, part.rstrip()) for part in text.split("\n")]
            answer.append(Line(number, ""))
        if source := columns.source_line(row_text):
            answer += [Line(number, source), Line(number, "")]
        lines += entry_lines(number, question, answer)
    return lines


def _label_rows(table: Any, number: int) -> list[Line] | None:
    """A table with its labels in a column of their own (`label_column`): each row its label
    standing alone, then the second cell's paragraphs; None for any other table."""
    from docx.table import _Cell

    rows = [[_Cell(tc, table) for tc in row._tr.tc_lst] for row in table.rows]
    labels = label_column([[_cell_text(c) for c in r] for r in rows])
    if labels is None:
        return None
    lines: list[Line] = []
    for n, (cells, label) in enumerate(zip(rows, labels, strict=True), number):
        lines += [Line(n, label), Line(n, "")]
        for text in _cell_paragraphs(cells[1]):
            lines += [Line(n, part.rstrip()) for part in text.split("\n")] + [Line(n, "")]
    return lines


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# what Word shows of a paragraph lies in runs, also inside a content control (w:sdt), a tracked
# insertion (w:ins), a field, a smart tag or custom XML, where python-docx's `text` does not
# look; a deleted or moved-away run is not shown, a text box's runs are its own paragraphs
# (`_text_boxes`), and a drawing's fallback repeats its choice
_HIDDEN_RUNS = {f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", _MC_FALLBACK}


def paragraph_text(p: Any, notes: _Notes | None = None) -> str:
    """The text Word shows for a paragraph element (see `_HIDDEN_RUNS`); with `notes`, a
    footnote's or endnote's reference mark as "[n]"."""
    from docx.text.run import Run

    out = []
    for r in p.iter(f"{_W}r"):
        ancestor = r.getparent()
        while ancestor is not None and ancestor is not p and ancestor.tag not in _HIDDEN_RUNS:
            ancestor = ancestor.getparent()
        if ancestor is p:
            out.append(Run(r, None).text)  # type: ignore[arg-type]
            if notes is not None:
                out += [notes.mark(ref) for ref in r if ref.tag in _NOTE_REFERENCES]
    return "".join(out)


_NOTE_REFERENCES = {f"{_W}footnoteReference": "footnote", f"{_W}endnoteReference": "endnote"}


class _Notes:
    """A document's footnotes and endnotes, numbered as Word shows them (in the order their
    marks appear): each mark reads "[n]" in its paragraph, and the note's text is read after
    that paragraph ("[n] …"), with the answer it annotates. python-docx reads neither."""

    def __init__(self, document: Any, path: Path) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml.parser import parse_xml

        self.text: dict[tuple[str, str], str] = {}
        for kind, reltype in (("footnote", RT.FOOTNOTES), ("endnote", RT.ENDNOTES)):
            for rel in document.part.rels.values():
                if rel.is_external or rel.reltype != reltype:
                    continue
                try:
                    root = parse_xml(rel.target_part.blob)
                except Exception:  # lxml's syntax errors: the part is damaged
                    raise CorpusError(path, f"the Word document's {kind}s cannot be read",
                                      "open it in Word and save it again as .docx") from None
                for note in root.iterchildren(f"{_W}{kind}"):
                    if note.get(f"{_W}type") in (None, "normal"):
                        paras = [paragraph_text(q).strip() for q in note.iter(f"{_W}p")]
                        self.text[(kind, str(note.get(f"{_W}id")))] = " ".join(
                            t for t in paras if t)
        self.count = {"footnote": 0, "endnote": 0}
        self.pending: list[str] = []

    def mark(self, ref: Any) -> str:
        kind = _NOTE_REFERENCES[ref.tag]
        text = self.text.get((kind, str(ref.get(f"{_W}id"))))
        if text is None:
            return ""
        self.count[kind] += 1
        n = self.count[kind] if kind == "footnote" else _roman(self.count[kind])
        self.pending.append(f"[{n}] {text}")
        return f"[{n}]"

    def taken(self) -> list[str]:
        """The notes marked since the last call, in order."""
        out, self.pending = self.pending, []
        return out


def _roman(n: int) -> str:
    """Word numbers endnotes i, ii, iii… by default (footnotes 1, 2, 3)."""
    out = ""
    for value, digits in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + digits, n - value
    return out


def _text_boxes(p: Any) -> list[Any]:
    """The paragraphs of the text boxes anchored in a paragraph (a "Note" set in a box beside
    the answer), the drawing's own version only (its fallback copy repeats it)."""
    boxes = [box for box in p.iter(f"{_W}txbxContent")
             if not any(a.tag in (_MC_FALLBACK, f"{_W}txbxContent") for a in box.iterancestors())]
    return [para for box in boxes for para in box.iter(f"{_W}p")]


def _blocks(element: Any, parent: Any) -> list[Any]:
    """The body's paragraphs and tables in order, also those inside a content control (w:sdt),
    which python-docx's iteration skips; a table of contents' control (navigation Word builds
    from the headings) is not read."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[Any] = []
    for child in element.iterchildren():
        if child.tag == f"{_W}p":
            out.append(Paragraph(child, parent))
        elif child.tag == f"{_W}tbl":
            out.append(Table(child, parent))
        elif child.tag == f"{_W}sdt":
            gallery = child.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
            if gallery is not None and "contents" in str(gallery.get(f"{_W}val")).lower():
                continue
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                out += _blocks(content, parent)
    return out


def _cell_paragraphs(cell: Any) -> list[str]:
    """The text of a table cell's paragraphs (content controls and tracked insertions too)."""
    from docx.text.paragraph import Paragraph

    return [paragraph_text(b._p) for b in _blocks(cell._tc, cell) if isinstance(b, Paragraph)]


def _cell_text(cell: Any) -> str:
    return "\n".join(_cell_paragraphs(cell))


def _numbered_question(paragraph: Any) -> bool:
    """An item of a numbered list ('List Number' style) that asks a question."""
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    return name.startswith("List Number") and bool(ASKS.search(paragraph.text.rstrip()))


def _paragraph_kind(paragraph: Any) -> tuple[str, int]:
    """(kind, level): a heading style and its depth ('Title' is 1), or text set all in bold."""
    style = paragraph.style
    name = (style.name if style is not None else "") or ""
    if name.startswith(("Heading", "Title")):
        digits = "".join(c for c in name if c.isdigit())
        return HEADING, int(digits) if digits else 1
    runs = [r for r in paragraph.runs if r.text.strip()]
    if runs and all(_bold(r, style) for r in runs):
        return TEXT, BOLD_LEVEL
    return TEXT, 0


def _bold(run: Any, style: Any) -> bool:
    """Whether a run is shown in bold: set on the run, else by its character or paragraph style."""
    style_bold = bool(style is not None and style.font.bold)
    return bool(run.bold or (run.bold is None and (
        (run.style is not None and run.style.font.bold) or style_bold)))


def _lead(paragraph: Any, text: str) -> int:
    """The length of the bold lead-in opening the paragraph's text, when plain text follows it
    (`Line.lead`); 0 without one."""
    lead = ""
    for run in paragraph.runs:
        if not run.text.strip():
            lead += run.text
        elif _bold(run, paragraph.style):
            lead += run.text
        else:
            lead = lead.strip()
            return len(lead) if lead and text.startswith(lead) and text != lead else 0
    return 0


def read_docx(path: Path) -> list[Line]:
    """Paragraphs and tables of a Word document; line numbers count paragraphs and table rows."""
    check_zip(path, "word/document.xml")
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises lxml/KeyError/ValueError on damaged parts
        raise CorpusError(path, f"the Word document cannot be read ({type(e).__name__})",
                          "open it in Word and save it again as .docx") from None
    lines: list[Line] = []
    n = 1
    asked = 0  # questions written as items of a numbered list
    notes = _Notes(document, path)
    for block in _blocks(document.element.body, document._body):
        if isinstance(block, Table):
            lines += _qa_rows(block, path, n) or _label_rows(block, n) or \
                _table_rows(block, path, n)
            n += len(block.rows)
        else:
            kind, level = _paragraph_kind(block)
            text = paragraph_text(block._p, notes)
            if _numbered_question(block):  # Word numbers it on screen, not in its text
                asked += 1
                text = f"{asked}. {text}"
            parts = text.split("\n")
            lead = _lead(block, parts[0]) if kind == TEXT and not level else 0
            for k, part in enumerate(parts):
                lines.append(Line(n, part.replace("\t", " ").rstrip(), kind, level,
                                  lead if k == 0 else 0))
            for box in _text_boxes(block._p):  # a text box anchored here: its own paragraphs
                lines.append(Line(n, ""))
                lines += [Line(n, part.replace("\t", " ").rstrip())
                          for part in paragraph_text(box).split("\n")]
            for note in notes.taken():  # the notes this paragraph marks: read after it
                lines += [Line(n, ""), Line(n, note)]
            n += 1
        lines.append(Line(n - 1, ""))  # a Word paragraph (or table) is a paragraph
    if not any(ln.text.strip() for ln in lines):
        raise CorpusFormatError(path, "the Word document has no text",
                                "check you uploaded the right file")
    return lines + [Line(n, t) for text in _footer_guidance(document, lines)
                    for t in (text, "")]


def _footer_guidance(document: Any, body: list[Line]) -> list[str]:
    """The disclaimer and CPT notice a document prints only in its page footer (told by their
    wording, `ingest.parse.wording`), as paragraphs to read after the body; the footer's page
    numbers and other lines are not content."""
    own = [ln.text for ln in body]
    has_disclaimer = any(disclaims(t) or (match_label(t) or ("",))[0] == "disclaimer"
                         for t in own)
    has_notice = any(is_cpt_notice(t) for t in own)
    kept: list[str] = []
    for section in document.sections:
        for footer in (section.footer, section.first_page_footer, section.even_page_footer):
            if footer.is_linked_to_previous:
                continue  # the previous section's footer, or none
            for para in footer.paragraphs:
                text = para.text.strip()
                if text in kept:
                    continue
                if (disclaims(text) and not has_disclaimer) or (
                        is_cpt_notice(text) and not has_notice):
                    kept.append(text)
    return kept
