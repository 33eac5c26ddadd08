"""Word (.docx): paragraphs in order, heading styles tagged, tables as rows of cells."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from ingest.parse.lines import HEADING, ROW, TEXT, Line
from retrieval.errors import CorpusError, CorpusFormatError

MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # a DOCX whose parts inflate past this is refused
MAX_ZIP_RATIO = 200  # ... and so is one that inflates more than this (a zip bomb)
MERGED_ROWS_HINT = ("unmerge the cells (give each row its own cell, repeating the text if "
                    "needed), or paste the table as text")


def check_zip(path: Path, required: str) -> None:
    """Refuse renamed binaries, zip bombs and archives that are not the expected format."""
    if not zipfile.is_zipfile(path):
        raise CorpusError(path, "this is not a Word document (not a .docx zip archive)",
                          "it may be an old .doc or another file renamed; open it in Word and "
                          "save as .docx")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError) as e:
        raise CorpusError(path, f"the .docx archive is damaged ({e})",
                          "save the document again from Word") from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNZIPPED_BYTES or total / packed > MAX_ZIP_RATIO:
        raise CorpusError(
            path, f"the archive inflates to {total / 1e6:.0f} MB from {packed / 1e6:.2f} MB "
            "(a zip bomb?)", "refused for safety; upload the document as saved by Word")
    if required not in names:
        raise CorpusError(path, f"the archive has no {required}; it is not a Word document",
                          "open it in Word and save as .docx")


def _table_rows(table: Any, path: Path, number: int) -> list[Line]:
    """One line per row, cells joined by " | "; a cell spanning columns is shown once, one
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
            text = _Cell(tc, table).text
            cells.append(" ".join(part.strip() for part in text.split("\n") if part.strip()))
        rows.append(Line(number, " | ".join(cells), ROW))
        number += 1
    return rows


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
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = _table_rows(block, path, n)
            lines += rows
            n += len(rows)
        else:
            style = (block.style.name if block.style is not None else "") or ""
            kind = HEADING if style.startswith(("Heading", "Title")) else TEXT
            for part in block.text.split("\n"):
                lines.append(Line(n, part.replace("\t", " ").rstrip(), kind))
            n += 1
        lines.append(Line(n - 1, ""))  # a Word paragraph (or table) is a paragraph
    if not any(ln.text.strip() for ln in lines):
        raise CorpusFormatError(path, "the Word document has no text",
                                "check you uploaded the right file")
    return lines
