"""The publishers-dev corpus (8 documents in publishers' layouts) parses whole and clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.corpus import parse_corpus

CORPORA = Path(__file__).resolve().parents[2] / "evals" / "corpora"
CORPUS = CORPORA / "publishers-dev"
CHROME = ("privacy policy", "terms of use", "cookie", "all rights reserved", "skip to")


@pytest.fixture(scope="module")
def parsed():
    return {pd.document.name: pd for pd in parse_corpus(CORPUS)}


def test_every_document_and_entry(parsed) -> None:
    assert len(parsed) == 8
    assert {name: len(pd.entries) for name, pd in parsed.items()} == dict.fromkeys(parsed, 9)


def test_no_chrome_in_answers_or_disclaimers(parsed) -> None:
    for pd in parsed.values():
        assert pd.document.disclaimer and pd.document.notice, pd.document.name
        assert not any(w in pd.document.disclaimer.lower() for w in CHROME), pd.document.name
        for e in pd.entries:
            assert not any(w in e.answer.lower() for w in CHROME), e.id
            assert not e.question.lower().startswith(("question", "q:")), e.id


@pytest.mark.parametrize("doc", ["medical-physics-coding-questions",
                                 "proton-therapy-special-procedures-faq",
                                 "weekly-treatment-management-supervision-faq"])
def test_last_answer_keeps_every_paragraph(parsed, doc: str) -> None:
    last = parsed[doc].entries[-1]
    assert last.answer.count("\n\n") >= 1, last.answer
    assert not any(last.answer.endswith(r) for r in parsed[doc].document.references)


@pytest.mark.parametrize("corpus,documents,per_document",
                         [("publishers-dev", 8, 9), ("blind-2026-12-01", 3, 8)])
def test_every_eval_corpus_document_parses_whole(corpus: str, documents: int,
                                                 per_document: int) -> None:
    """The eval sets' expected ids stay valid: every document, every entry, ids 1..n in order."""
    parsed = parse_corpus(CORPORA / corpus)
    assert len(parsed) == documents
    for pd in parsed:
        name = pd.document.name
        assert [e.id for e in pd.entries] == [f"{name}:{n}" for n in
                                              range(1, per_document + 1)], name
