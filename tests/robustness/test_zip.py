"""DOCX archives are checked by the bytes they really inflate to, not the sizes they declare."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from ingest.load import read_document
from ingest.readers.word import MAX_ZIP_RATIO
from retrieval.errors import CorpusError
from tests.ingest import docmaker
from tests.robustness.zipbomb import lying_docx


def _peak_mb(fn) -> float:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        with pytest.raises(CorpusError) as err:
            fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    _peak_mb.err = err.value  # type: ignore[attr-defined]
    return peak / 2**20


def test_member_declared_small_that_inflates_large_is_refused(tmp_path: Path) -> None:
    path = lying_docx(tmp_path / "guidance.docx", inflated_mb=150, declared=4096)
    peak = _peak_mb(lambda: read_document(path))
    msg = str(_peak_mb.err)  # type: ignore[attr-defined]
    assert msg.startswith(f"{path}: the .docx archive is damaged"), msg
    assert "word/document.xml" in msg
    assert peak < 8, peak  # never holds more than a few chunks


def test_honest_bomb_stops_at_the_cap_not_at_its_size(tmp_path: Path) -> None:
    path = docmaker.make_zip_bomb(tmp_path / "guidance.docx", inflated_mb=150)
    cap_mib = MAX_ZIP_RATIO * path.stat().st_size / 2**20
    peak = _peak_mb(lambda: read_document(path))
    msg = str(_peak_mb.err)  # type: ignore[attr-defined]
    assert f"inflates to more than {cap_mib:.0f} MiB" in msg and "zip bomb" in msg
    assert peak < 8, peak


def test_upload_uses_the_same_check(tmp_path: Path) -> None:
    from admin.upload import stage
    from retrieval.store import LocalStore

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    data = lying_docx(tmp_path / "x.docx").read_bytes()
    with pytest.raises(CorpusError, match=r"^guidance\.docx: the \.docx archive is damaged"):
        stage(LocalStore(tmp_path / "kb"), corpus, "guidance.docx", data)
    assert [p.name for p in corpus.iterdir()] == []  # nothing kept


def test_real_docx_still_reads(tmp_path: Path) -> None:
    path = docmaker.make_docx(tmp_path / "guidance.docx", docmaker.seed_text())
    assert any("Coding Question" in ln.text for ln in read_document(path))
