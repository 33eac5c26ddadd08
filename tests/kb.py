"""A real knowledge base over documents written by a test, and a retriever on it."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedding import Embedder
from retrieval.retriever import Retriever
from retrieval.settings import Settings


def retriever_over(root: Path, embedder: Embedder, documents: dict[str, str]) -> Retriever:
    """Write `documents` (file name → text) into `root/corpus`, ingest them into `root/data` and
    open the app's retriever on it."""
    from ingest.build import ingest
    from retrieval.service import open_retriever
    from retrieval.store import LocalStore

    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in documents.items():
        (corpus / name).write_text(text, encoding="utf-8")
    ingest(LocalStore(root / "data" / "kb"), embedder, corpus)
    return open_retriever(Settings(data_dir=root / "data"), embedder)
