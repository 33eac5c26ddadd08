"""PDF: the text layer of every page in reading order; scanned (image-only) PDFs are refused."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.parse.labels import match_label
from ingest.parse.lines import Line, split_lines
from retrieval.errors import CorpusError


def read_pdf(path: Path) -> list[Line]:
    """Text layer of every page, in reading order; scanned (image-only) PDFs are refused."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorpusError(path, "the PDF is password-protected",
                              "save an unprotected copy (Print → Save as PDF) and upload that")
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except CorpusError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise CorpusError(path, f"not a readable PDF ({type(e).__name__}: {e})",
                          "re-export the document as PDF, or save it as .docx or .txt") from None
    if not pages:
        raise CorpusError(path, "the PDF has no pages", "export the guidance document again")
    text = "\n\n".join(pages)
    if not text.strip():
        raise CorpusError(
            path, f"the PDF has no text layer ({len(pages)} page(s) of images only)",
            "this is probably a scan: run it through OCR, or export the original as a text PDF, "
            ".docx or .txt")
    # layout mode pads columns with runs of spaces; the words themselves are untouched
    lines = [Line(ln.number, re.sub(r" {2,}", " ", ln.text.strip())) for ln in split_lines(text)]
    return unwrap(lines)


def unwrap(lines: list[Line], ratio: float = 0.75) -> list[Line]:
    """Join lines the PDF wrapped to fit the page (a line nearly as wide as the widest one
    continues on the next); short lines, such as a list of references, stay separate."""
    widest = max((len(ln.text) for ln in lines), default=0)
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (prev is not None and prev.text and ln.text and match_label(ln.text) is None
                and len(prev.text) >= ratio * widest):
            out[-1] = Line(prev.number, f"{prev.text} {ln.text}")
        else:
            out.append(ln)
    return out
