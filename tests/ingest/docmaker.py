"""Build test documents in every corpus format from Daily Practice text (no extra libraries)."""

from __future__ import annotations

import html
import textwrap
import zipfile
import zlib
from pathlib import Path
from typing import Any

from tests.conftest import SEED


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    """Lines of the Daily Practice text, blank lines kept (each line is its own paragraph)."""
    return text.split("\n")


def _pdf_escape(s: str) -> bytes:
    out = bytearray()
    for b in s.encode("cp1252", errors="replace"):
        if b in (0x28, 0x29, 0x5C):
            out += b"\\" + bytes([b])
        elif b < 32 or b > 126:
            out += f"\\{b:03o}".encode()
        else:
            out.append(b)
    return bytes(out)


def make_pdf(path: Path, text: str | None, *, width: int = 95, per_page: int = 60,
             header: str | None = None) -> Path:
    """A real text-layer PDF (Helvetica, WinAnsi) of the text, wrapped; None text = image only.
    With `header`, every page starts with it and ends with "Page n of N" (page furniture).
    A paragraph written `**like this**` is set in Helvetica-Bold; a tab in a line starts a
    table's second column (a line opening with a tab goes on in that column). Lines with tabs
    are not wrapped."""
    lines: list[str] = []
    if text is not None:
        for para in text.split("\n"):
            bold = para.startswith("**") and para.endswith("**") and len(para) > 4
            body = para[2:-2] if bold else para
            wrapped = [body] if "\t" in body else textwrap.wrap(body, width) or [""]
            lines.extend(f"\x00{ln}" if bold else ln for ln in wrapped)
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    bold_font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
                    b"/Encoding /WinAnsiEncoding >>")
    page_ids = []
    pages_id = len(objects) + 1 + 2 * len(pages)  # allocated after the pages
    for n, chunk in enumerate(pages, 1):
        if header is not None:
            chunk = [header, "", *chunk, "", f"Page {n} of {len(pages)}"]
        ops = [b"BT /F1 9 Tf 11 TL 40 800 Td"]
        for ln in chunk:
            face = b"/F2" if ln.startswith("\x00") else b"/F1"
            first, *cells = ln.lstrip("\x00").split("\t")
            op = face + b" 9 Tf (" + _pdf_escape(first) + b") Tj"
            for cell in cells:  # a table's next column, set 150 points to the right
                op += b" 150 0 Td (" + _pdf_escape(cell) + b") Tj -150 0 Td"
            ops.append(op + b" T*")
        ops.append(b"ET")
        if text is None:  # an "image only" page: a filled rectangle, no text operators
            ops = [b"0.5 g 40 40 500 700 re f"]
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                            b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> "
                            b"/Contents %d 0 R >>" % (pages_id, font, bold_font, content)))
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, xref)
    path.write_bytes(bytes(out))
    return path


def make_docx(path: Path, text: str) -> Path:
    import docx

    d = docx.Document()
    for para in text.split("\n"):
        if para.strip():
            d.add_paragraph(para)
    d.save(str(path))
    return path


Block = tuple[str, object]  # ("heading", text) | ("p", text) | ("table", rows) | ("merged", rows)


def make_docx_blocks(path: Path, blocks: list[Block]) -> Path:
    """A Word document of headings (style "Heading 3"; "h1"/"h2" for levels 1/2), paragraphs
    ("bold": one bold run; "bullet"/"numbered": style "List Bullet"/"List Number") and tables;
    a "merged" table has its first column's first two cells merged across rows."""
    import docx

    d = docx.Document()
    for kind, content in blocks:
        if kind == "heading":
            d.add_heading(str(content), level=3)
        elif kind in ("h1", "h2"):
            d.add_heading(str(content), level=int(kind[1]))
        elif kind == "p":
            d.add_paragraph(str(content))
        elif kind == "bold":
            d.add_paragraph().add_run(str(content)).bold = True
        elif kind == "bullet":
            d.add_paragraph(str(content), style="List Bullet")
        elif kind == "numbered":
            d.add_paragraph(str(content), style="List Number")
        else:
            rows = list(content)  # type: ignore[call-overload]
            table = d.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
            if kind == "merged":
                table.cell(0, 0).merge(table.cell(1, 0))
    d.save(str(path))
    return path


def make_html(path: Path, text: str, *, title: str = "Daily Practice") -> Path:
    """A saved web page: navigation, scripts, labels in <strong>, one <p> per paragraph."""
    body = []
    for para in text.split("\n"):
        if not para.strip():
            continue
        esc = html.escape(para)
        for label in ("Coding Question:", "Coding Answer:", "Disclaimer:"):
            if para.startswith(label):
                esc = f"<strong>{label}</strong>{html.escape(para[len(label):])}"
        body.append(f"<p>\n  {esc}\n</p>")
    page = (f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title>"
            "<script>var tracking = 'Coding Question: not a question';</script>"
            "<style>p { color: red }</style></head><body>"
            "<nav><ul><li><a href='/'>Home</a></li></ul></nav><main>"
            + "\n".join(body) + "</main></body></html>")
    path.write_text(page, encoding="utf-8")
    return path


def make_markdown(path: Path, text: str) -> Path:
    out = []
    for para in text.split("\n"):
        for label in ("Coding Question:", "Coding Answer:", "Disclaimer:"):
            if para.startswith(label):
                para = f"**{label}**{para[len(label):]}"
        if para == "Daily Practice":
            para = "# Daily Practice"
        out.append(para)
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def make_zip_bomb(path: Path, inflated_mb: int = 150) -> Path:
    """A .docx-named archive whose document.xml inflates ~1000:1."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b"\0" * (1024 * 1024)
            for _ in range(inflated_mb):
                f.write(block)
    assert zlib  # (deflate is what makes the ratio)
    return path


def print_html(chromium: Any, page_html: str, out: Path) -> Path:
    """Print an HTML page to PDF with the tests' Chromium (the `chromium` fixture), as its
    "Save as PDF" does with no header or footer."""
    page = chromium.new_page()
    try:
        page.set_content(page_html)
        page.pdf(path=str(out))
    finally:
        page.close()
    return out


def print_pdf(html_file: Path, out: Path, *, furniture: bool = True) -> Path:
    """Print a page to PDF with headless Chromium, as a user's "Save as PDF" does: with the
    browser's running header (date, title) and footer (address, "1/2"), or without them.
    Used to regenerate the committed printed-*.pdf fixtures (`python -m tests.ingest.docmaker`)."""
    import shutil
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:  # the footer prints the page's address
        page = Path(shutil.copy(html_file, tmp))
        args = ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                f"--print-to-pdf={out.resolve()}", page.name]
        if not furniture:
            args.insert(-1, "--no-pdf-header-footer")
        subprocess.run(args, check=True, capture_output=True, timeout=120, cwd=tmp)
    return out


if __name__ == "__main__":
    FIXTURES = Path(__file__).parent / "fixtures"
    for stem, furniture in (("printed-physics-faq", True), ("printed-physics-faq", False),
                            ("printed-one-page", True), ("printed-numbered-list", False),
                            ("definition-list-page-details", True), ("question-headings", True),
                            ("coding-corner-run-in", True)):
        name = f"{stem}{'' if furniture else '-bare'}.pdf"
        print_pdf(FIXTURES / f"{stem}.html", FIXTURES / name, furniture=furniture)
