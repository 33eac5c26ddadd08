"""Helpers for the layout tests: write a document, parse it as ingest does, read its pairs."""

from __future__ import annotations

from pathlib import Path

from ingest.load import read_document
from ingest.parse import ParsedDocument, parse_daily_practice


def parse(path: Path) -> ParsedDocument:
    return parse_daily_practice(read_document(path), path)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def qa(doc: ParsedDocument) -> list[tuple[str, str]]:
    return [(e.question, e.answer) for e in doc.entries]
