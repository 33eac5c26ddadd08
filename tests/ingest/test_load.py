"""Finding and decoding corpus files: every bad file is named, with what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.load import find_documents, read_document
from retrieval.errors import CorpusError


def test_shipped_corpus_has_the_seed_document() -> None:
    from tests.conftest import CORPUS, SEED

    assert SEED in find_documents(CORPUS)


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(b"Coding Question: ok?\nCoding Answer: caf\xe9 latin-1\n")
    with pytest.raises(CorpusError) as err:
        read_document(p)
    assert err.value.line == 2 and "UTF-8" in str(err.value) and "bad.txt:2" in str(err.value)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "blob.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(CorpusError, match="binary"):
        read_document(p)


def test_unknown_file_type_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sheet.xlsx").write_bytes(b"PK")
    with pytest.raises(CorpusError) as err:
        find_documents(tmp_path)
    assert "sheet.xlsx" in str(err.value) and "unknown file type" in str(err.value)


def test_missing_and_empty_corpus_dirs(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        find_documents(tmp_path / "nope")
    with pytest.raises(CorpusError, match="no documents"):
        find_documents(tmp_path)


def test_sidecars_and_hidden_files_are_not_documents(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a.meta.toml").write_text("title='A'", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    assert [p.name for p in find_documents(tmp_path)] == ["a.txt"]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes("\ufeffCoding Question: A?".encode())
    assert read_document(p)[0].text == "Coding Question: A?"
