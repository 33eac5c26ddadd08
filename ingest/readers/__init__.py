"""Readers for each document format: file → numbered, tagged lines for the parser.

Every format ends as the same lines (blank lines between paragraphs; headings, table rows and
accordion questions/answers tagged, see `ingest.parse.lines`), so one parser serves them all.
Line numbers point into the source where that is meaningful: the text line (txt, md), the source
line of the HTML element, the paragraph (or table row) number in a DOCX, the extracted text line
of a PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.parse.lines import Line
from ingest.readers.pdf import read_pdf
from ingest.readers.pdf_layout import unwrap
from ingest.readers.text import FORMATS, decode_text, read_markdown, read_text
from ingest.readers.web import read_html
from ingest.readers.word import MAX_UNZIPPED_BYTES, MAX_ZIP_RATIO, check_zip, read_docx

__all__ = ["FORMATS", "MAX_UNZIPPED_BYTES", "MAX_ZIP_RATIO", "READERS", "Reader", "check_zip",
           "decode_text", "read_docx", "read_html", "read_markdown", "read_pdf", "read_text",
           "unwrap"]

Reader = Callable[[Path], list[Line]]
READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
}
