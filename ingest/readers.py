"""Readers for each document format: file → numbered lines of text for the Daily Practice parser.

Every format ends as the same plain lines (labels `Coding Question:` / `Coding Answer:`, a
`Disclaimer:` paragraph, blank lines between paragraphs), so one parser serves them all. Line
numbers point into the source where that is meaningful: the text line (txt, md), the source line
of the HTML element, the paragraph number in a DOCX, the extracted text line of a PDF.
"""

from __future__ import annotations

import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ingest.parse import Line, split_lines
from retrieval.errors import CorpusError, CorpusFormatError

MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # a DOCX whose parts inflate past this is refused
MAX_ZIP_RATIO = 200  # ... and so is one that inflates more than this (a zip bomb)
_ZIP_CHUNK = 1 << 16  # bytes inflated per read while checking an archive
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


def read_text(path: Path) -> list[Line]:
    return split_lines(decode_text(path.read_bytes(), path))


# --- Markdown --------------------------------------------------------------------------------
_MD_LABEL = re.compile(
    r"^(?P<lead>\s*(?:#{1,6}\s+|>\s*)*)(?P<em>\*\*|__|\*|_)?\s*"
    r"(?P<label>(?:Coding\s+)?(?:Question|Answer)|Disclaimer|References?|Sources?)"
    r"\s*(?P<colon1>:?)\s*(?P=em)?\s*(?P<colon2>:?)",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")


def _markdown_line(text: str) -> str:
    """Drop Markdown decoration around labels and headings; leave everything else verbatim."""
    m = _MD_LABEL.match(text)
    if m and (m.group("em") or m.group("lead").strip()):
        rest = text[m.end():].strip()
        label = m.group("label")
        if m.group("colon1") or m.group("colon2"):
            return f"{label}: {rest}".rstrip() if rest else f"{label}:"
        if label.lower().startswith(("reference", "source")) and not rest:
            return f"{label}:"
    return _MD_HEADING.sub("", text)


def read_markdown(path: Path) -> list[Line]:
    """Markdown: `**Coding Question:**`-style emphasis and `#` headings are unwrapped."""
    return [Line(ln.number, _markdown_line(ln.text)) for ln in read_text(path)]


# --- HTML ------------------------------------------------------------------------------------
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul", "html",
}
_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "button",
         "select", "input", "textarea"}
_SPACE = re.compile(r"[ \t\r\n\f\u200b]+")


def _html_paragraphs(root: Any) -> list[tuple[int, str]]:
    """(source line, text) per paragraph: block elements split, inline text joined."""
    from bs4 import NavigableString, Tag
    from bs4.element import Comment, Doctype, ProcessingInstruction

    out: list[tuple[int, str]] = []
    buf: list[str] = []
    line = [0]

    def flush() -> None:
        text = "".join(buf)
        buf.clear()
        for part in text.split("\n"):
            cleaned = _SPACE.sub(" ", part).strip()
            if cleaned:
                out.append((line[0], cleaned))
        out.append((line[0], ""))

    def walk(el: Any) -> None:
        for child in el.children:
            if isinstance(child, Comment | Doctype | ProcessingInstruction):
                continue
            if isinstance(child, NavigableString):
                if not buf and str(child).strip():
                    line[0] = getattr(el, "sourceline", None) or line[0]
                buf.append(_SPACE.sub(" ", str(child)))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name in _SKIP:
                    continue
                if name == "br":
                    buf.append("\n")
                elif name in _BLOCK:
                    flush()
                    line[0] = child.sourceline or line[0]
                    walk(child)
                    flush()
                else:
                    if not buf:
                        line[0] = child.sourceline or line[0]
                    walk(child)

    walk(root)
    flush()
    return out


def read_html(path: Path) -> list[Line]:
    """A saved web page: visible text of block elements, each a paragraph, scripts dropped."""
    from bs4 import BeautifulSoup

    text = decode_text(path.read_bytes(), path)
    soup = BeautifulSoup(text, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for nav in soup.select('nav, [role="navigation"]'):
        nav.decompose()  # site menus are not part of the guidance
    body = soup.body or soup
    paragraphs = _html_paragraphs(body)
    lines: list[Line] = []
    first = next((t for _, t in paragraphs if t), "")
    if title and first != title:  # the page title is the document's title (the parser's
        number = (soup.title.sourceline if soup.title else None) or 1  # first preamble line)
        lines += [Line(number, title), Line(number, "")]
    for number, para in paragraphs:
        if para or (lines and lines[-1].text):
            lines.append(Line(number or 1, para))
    if not any(ln.text for ln in lines):
        raise CorpusFormatError(path, "the page has no visible text",
                                "save the page with its content (File → Save as, 'Web page, "
                                "complete'), or paste the guidance into a .txt file")
    return lines


# --- PDF -------------------------------------------------------------------------------------
def read_pdf(path: Path) -> list[Line]:
    """Text layer of every page, in reading order; scanned (image-only) PDFs are refused."""
    with _pypdf_messages() as messages:  # kept for our message, never printed before it
        pages = _pdf_pages(path)
    if not pages:
        raise CorpusError(path, "the PDF has no pages", "export the guidance document again")
    text = "\n\n".join(pages)
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
    # layout mode pads columns with runs of spaces; the words themselves are untouched
    lines = [Line(ln.number, re.sub(r" {2,}", " ", ln.text.strip())) for ln in split_lines(text)]
    return unwrap(lines)


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


def _pdf_pages(path: Path) -> list[str]:
    """Each page's text (layout mode); CorpusError for a locked or unreadable file."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorpusError(path, "the PDF is password-protected",
                              "save an unprotected copy (Print → Save as PDF) and upload that")
        return [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except CorpusError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise CorpusError(path, f"not a readable PDF ({type(e).__name__}: {e})",
                          "re-export the document as PDF, or save it as .docx or .txt") from None


_LABEL = re.compile(r"^\s*(?:(?:Coding\s+)?(?:Question|Answer)|Disclaimer)\s*:", re.IGNORECASE)


def unwrap(lines: list[Line], ratio: float = 0.75) -> list[Line]:
    """Join lines the PDF wrapped to fit the page (a line nearly as wide as the widest one
    continues on the next); short lines, such as a list of references, stay separate."""
    widest = max((len(ln.text) for ln in lines), default=0)
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (prev is not None and prev.text and ln.text and not _LABEL.match(ln.text)
                and len(prev.text) >= ratio * widest):
            out[-1] = Line(prev.number, f"{prev.text} {ln.text}")
        else:
            out.append(ln)
    return out


# --- DOCX ------------------------------------------------------------------------------------
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


def read_docx(path: Path) -> list[Line]:
    """Paragraphs (and table cells) of a Word document; line numbers are paragraph numbers."""
    check_zip(path, "word/document.xml")
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises lxml/KeyError/ValueError on damaged parts
        raise CorpusError(path, f"the Word document cannot be read ({type(e).__name__})",
                          "open it in Word and save it again as .docx") from None
    texts: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    texts.extend(p.text for p in cell.paragraphs)
        else:
            texts.append(block.text)
    lines: list[Line] = []
    for n, text in enumerate(texts, start=1):
        for part in text.split("\n"):
            lines.append(Line(n, part.replace("\t", " ").rstrip()))
        lines.append(Line(n, ""))  # a Word paragraph is a paragraph
    if not any(ln.text.strip() for ln in lines):
        raise CorpusFormatError(path, "the Word document has no text",
                                "check you uploaded the right file")
    return lines


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
