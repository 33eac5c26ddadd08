"""The parse cache: a cached parse equals a fresh one, and anything a parse depends on misses it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ingest.corpus as corpus_module
import ingest.parsecache as parsecache
from ingest.build import ingest
from ingest.corpus import load_corpus
from ingest.parsecache import REPO, ParseCache, parser_sources
from retrieval.store import LocalStore
from tests.conftest import CORPUS
from tests.fakes import HashingEmbedder

FIXTURES = Path(__file__).parent / "fixtures"
CORPORA = [CORPUS, REPO / "evals/corpora/publishers-dev", REPO / "evals/corpora/blind-2026-12-02"]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the documents actually parsed (not taken from the cache)."""
    seen: list[str] = []
    real = corpus_module.parse_daily_practice

    def counting(lines, path, **kw):  # type: ignore[no-untyped-def]
        seen.append(path.name)
        return real(lines, path, **kw)

    monkeypatch.setattr(corpus_module, "parse_daily_practice", counting)
    return seen


def _mixed_corpus(tmp_path: Path) -> Path:
    """The seed with fixtures in every reader's format (txt, md, html)."""
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    for name in ("delivery-accordion.html", "numbered-questions.md", "simulation-jsonld.html",
                 "management-faq.txt"):
        shutil.copy(FIXTURES / name, folder / name)
    return folder


@pytest.mark.parametrize("corpus", [*CORPORA, None], ids=["seed", "publishers", "blind3", "mixed"])
def test_a_cached_parse_equals_a_fresh_one(tmp_path: Path, corpus: Path | None,
                                           parses: list[str]) -> None:
    corpus = corpus or _mixed_corpus(tmp_path)
    fresh = load_corpus(corpus)
    cache = ParseCache(tmp_path / "cache")
    first = load_corpus(corpus, cache=cache)
    n = len(parses)
    again = load_corpus(corpus, cache=ParseCache(tmp_path / "cache"))
    assert len(parses) == n  # nothing parsed the second time
    for got in (first, again):
        assert got.documents == fresh.documents and got.entries == fresh.entries
        assert [e.to_dict() for e in got.entries] == [e.to_dict() for e in fresh.entries]
        assert got.warnings == fresh.warnings and got.superseded == fresh.superseded


def test_a_changed_file_or_sidecar_title_is_parsed_again(tmp_path: Path, parses: list[str]) -> None:
    corpus = _mixed_corpus(tmp_path)
    load_corpus(corpus, cache=ParseCache(tmp_path / "cache"))
    doc = corpus / "astro-daily-practice-physics.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Coding Answer: ",
                                                           "Coding Answer: Edited. ", 1),
                   encoding="utf-8")
    parses.clear()
    got = load_corpus(corpus, cache=ParseCache(tmp_path / "cache"))
    assert parses == ["astro-daily-practice-physics.txt"]
    assert any(e.answer.startswith("Edited. ") for e in got.entries)
    (corpus / "numbered-questions.meta.toml").write_text('title = "Renamed by its sidecar"\n',
                                                         encoding="utf-8")
    parses.clear()
    got = load_corpus(corpus, cache=ParseCache(tmp_path / "cache"))
    assert parses == ["numbered-questions.md"]
    assert {d.document.title for d in got.documents} >= {"Renamed by its sidecar"}


def test_a_changed_parser_misses_every_file(tmp_path: Path, parses: list[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    load_corpus(CORPUS, cache=ParseCache(tmp_path / "cache"))
    monkeypatch.setattr(parsecache, "parser_fingerprint", lambda: "another parser")
    parses.clear()
    load_corpus(CORPUS, cache=ParseCache(tmp_path / "cache"))
    assert parses == ["astro-daily-practice-physics.txt"]


def test_a_damaged_cache_file_is_a_miss(tmp_path: Path, parses: list[str]) -> None:
    fresh = load_corpus(CORPUS)
    load_corpus(CORPUS, cache=ParseCache(tmp_path / "cache"))
    (kept,) = (tmp_path / "cache").glob("*.json")
    kept.write_bytes(kept.read_bytes()[:200])
    parses.clear()
    assert load_corpus(CORPUS, cache=ParseCache(tmp_path / "cache")).entries == fresh.entries
    assert parses == ["astro-daily-practice-physics.txt"]


def test_the_fingerprint_covers_every_module_the_parser_loads() -> None:
    code = ("import sys, ingest.load, ingest.parse, ingest.readers.web, ingest.readers.word, "
            "ingest.readers.pdf; print('\\n'.join(m.__file__ for n, m in sys.modules.items() "
            "if n.split('.')[0] in ('ingest', 'retrieval') and getattr(m, '__file__', None)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout.split()
    assert {Path(f).resolve() for f in out} <= set(parser_sources())
    assert REPO / "retrieval" / "codes.py" in parser_sources()


def test_reingest_after_one_change_parses_one_document(tmp_path: Path, parses: list[str]) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "evals/corpora/publishers-dev", corpus)
    store = LocalStore(tmp_path / "data" / "kb")
    first = ingest(store, HashingEmbedder(), corpus)
    assert len(parses) == first.documents == 8
    doc = sorted(corpus.glob("*.txt"))[0]
    doc.write_text(doc.read_text(encoding="utf-8").replace("Coding Answer: ",
                                                           "Coding Answer: Edited. ", 1),
                   encoding="utf-8")
    parses.clear()
    second = ingest(store, HashingEmbedder(), corpus)
    assert parses == [doc.name] and len(second.updated) == 1
    (corpus / doc.name).unlink()
    ingest(store, HashingEmbedder(), corpus)
    assert len(list((store.cache_dir / "parsed").glob("*.json"))) == first.documents - 1
