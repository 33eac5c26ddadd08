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
    page_lines = [[re.sub(r" {2,}", " ", t.strip()) for t in p.split("\n")] for p in pages]
    drop_running_lines(page_lines)
    text = "\n\n".join("\n".join(page) for page in page_lines)
    return unwrap(split_lines(text))


_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–]?\s*\d{1,3}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,3})?$",
                          re.IGNORECASE)
EDGE = 3  # running headers and footers sit within this many lines of a page's top or bottom


def drop_running_lines(pages: list[list[str]]) -> None:
    """Blank the page furniture a PDF repeats: page numbers, and header or footer lines found
    (digits aside) at the top or bottom of more than one page. They would otherwise land in the
    middle of an answer that runs over a page break."""
    def edges(page: list[str]) -> list[int]:
        filled = [i for i, t in enumerate(page) if t]
        return sorted(set(filled[:EDGE] + filled[-EDGE:]))

    def key(t: str) -> str:
        return re.sub(r"\d+", "#", t.casefold())

    seen: dict[str, int] = {}
    for page in pages:
        for k in {key(page[i]) for i in edges(page)}:
            seen[k] = seen.get(k, 0) + 1
    least = max(2, (len(pages) + 1) // 2)  # on at least half the pages (and two)
    for page in pages:
        for i in edges(page):
            if match_label(page[i]) is not None:
                continue  # a label that happens to open two pages is content
            if _PAGE_NUMBER.match(page[i]) or seen[key(page[i])] >= least:
                page[i] = ""


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
