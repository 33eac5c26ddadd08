"""A documented maximum answer size, refused naming the entry (and before anything is written)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.build import ingest
from ingest.corpus import MAX_ANSWER_CHARS, load_corpus
from retrieval.errors import CorpusFormatError
from retrieval.store import LocalStore
from tests.conftest import SEED


def _corpus(tmp_path: Path, answer_chars: int) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    text = SEED.read_text(encoding="utf-8")
    head, sep, rest = text.partition("Coding Answer:")
    filler = " ".join(["The physicist documents the review."] * (answer_chars // 36 + 1))
    (d / SEED.name).write_text(head + sep + " " + filler[:answer_chars] + rest, encoding="utf-8")
    return d


def test_answer_over_the_limit_is_refused_naming_the_entry(tmp_path: Path,
                                                           fake_embedder) -> None:  # type: ignore[no-untyped-def]
    d = _corpus(tmp_path, MAX_ANSWER_CHARS + 10)
    with pytest.raises(CorpusFormatError) as err:
        load_corpus(d)
    msg = str(err.value)
    assert f"{SEED.name}:" in msg and "the answer of astro-daily-practice-physics:1" in msg
    assert "answers are limited to 20,000" in msg
    store = LocalStore(tmp_path / "kb")
    with pytest.raises(CorpusFormatError):
        ingest(store, fake_embedder, d)
    assert store.active_version() is None and store.list_versions() == []


def test_answer_at_the_limit_is_kept(tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "corpus", ignore_errors=True)
    c = load_corpus(_corpus(tmp_path, MAX_ANSWER_CHARS - 2000))
    assert len(c.entries) == 5
