"""Every document format reads to the same verbatim entries; bad files get a clear message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.load import read_document
from ingest.parse import parse_daily_practice
from ingest.readers import read_markdown
from retrieval.errors import CorpusError, CorpusFormatError
from tests.conftest import SEED
from tests.ingest import docmaker


@pytest.fixture(scope="module")
def seed_doc():  # type: ignore[no-untyped-def]
    return parse_daily_practice(read_document(SEED), SEED)


MAKERS: dict[str, Callable[[Path, str], Path]] = {
    "pdf": docmaker.make_pdf,
    "docx": docmaker.make_docx,
    "html": docmaker.make_html,
    "md": docmaker.make_markdown,
}


@pytest.mark.parametrize("fmt", list(MAKERS), ids=list(MAKERS))
def test_each_format_gives_the_seed_entries_verbatim(tmp_path: Path, fmt: str, seed_doc) -> None:  # type: ignore[no-untyped-def]
    path = MAKERS[fmt](tmp_path / f"astro-daily-practice-physics.{fmt}", docmaker.seed_text())
    doc = parse_daily_practice(read_document(path), path)
    assert [e.id for e in doc.entries] == [e.id for e in seed_doc.entries]
    for got, want in zip(doc.entries, seed_doc.entries, strict=True):
        assert got.question == want.question
        assert got.answer == want.answer  # character for character
        assert got.code_set == want.code_set
    assert doc.document.disclaimer == seed_doc.document.disclaimer
    assert doc.document.references == seed_doc.document.references
    assert doc.document.notice == seed_doc.document.notice
    assert doc.document.title == "Daily Practice"


def test_html_drops_scripts_and_navigation(tmp_path: Path) -> None:
    path = docmaker.make_html(tmp_path / "page.html", docmaker.seed_text())
    text = "\n".join(ln.text for ln in read_document(path))
    assert "tracking" not in text and "Home" not in text and "color: red" not in text


def test_html_line_numbers_point_into_the_source(tmp_path: Path) -> None:
    path = docmaker.make_html(tmp_path / "page.html", docmaker.seed_text())
    doc = parse_daily_practice(read_document(path), path)
    source = path.read_text(encoding="utf-8").split("\n")
    line = doc.entries[1].line
    assert line is not None  # the line of the element (<p>) that holds the question
    assert source[line - 1].strip() == "<p>" and "Coding Question:" in source[line]


@pytest.mark.parametrize("text,expected", [
    ("**Coding Question:** Can we bill?", "Coding Question: Can we bill?"),
    ("**Coding Question**: Can we bill?", "Coding Question: Can we bill?"),
    ("__Coding Answer:__ Yes.", "Coding Answer: Yes."),
    ("## Coding Question: Can we bill?", "Coding Question: Can we bill?"),
    ("*Disclaimer:* The opinions", "Disclaimer: The opinions"),
    ("**References**", "References:"),
    ("# Daily Practice", "Daily Practice"),
    ("An answer with **bold** text.", "An answer with **bold** text."),
    ("_Answer_ is not a label here", "_Answer_ is not a label here"),
], ids=["bold-colon-inside", "bold-colon-outside", "underscore", "heading", "italic",
        "references", "title", "inline-bold-kept", "emphasis-without-colon"])
def test_markdown_labels_are_unwrapped(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "doc.md"
    path.write_text(text + "\n", encoding="utf-8")
    assert read_markdown(path)[0].text == expected


def test_pdf_without_a_text_layer_is_refused(tmp_path: Path) -> None:
    path = docmaker.make_pdf(tmp_path / "scan.pdf", None)
    with pytest.raises(CorpusError, match=r"scan\.pdf: the PDF has no text layer.*OCR"):
        read_document(path)


def test_damaged_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100)
    with pytest.raises(CorpusError, match=r"broken\.pdf: not a readable PDF"):
        read_document(path)


def test_html_with_no_q_and_a_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "news.html"
    path.write_text("<html><head><title>News</title></head><body><p>Welcome to our site."
                    "</p><p>Disclaimer: none.</p></body></html>", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"news\.html: no Q&A pairs found"):
        parse_daily_practice(read_document(path), path)


def test_docx_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = docmaker.make_zip_bomb(tmp_path / "guidance.docx")
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(CorpusError, match=r"guidance\.docx: the archive inflates to more than "
                                          r"\d+ MiB.*zip bomb"):
        read_document(path)


def test_renamed_binary_as_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "guidance.docx"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(CorpusError, match=r"guidance\.docx: this is not a Word document"):
        read_document(path)


def test_zip_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "guidance.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(CorpusError, match=r"no word/document\.xml"):
        read_document(path)


def test_renamed_binary_as_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "guidance.html"
    path.write_bytes(b"\x7fELF\x00\x00" + bytes(range(256)))
    with pytest.raises(CorpusError, match=r"guidance\.html: this looks like a binary file"):
        read_document(path)
