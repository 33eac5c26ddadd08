"""Wiring for the edges (CLIs, app, evals): settings → store + model → Retriever."""

from __future__ import annotations

from retrieval.config import load_calibration
from retrieval.embedding import Embedder, default_embedder
from retrieval.retriever import Retriever
from retrieval.settings import Settings
from retrieval.store import open_store


def open_retriever(settings: Settings, embedder: Embedder | None = None) -> Retriever:
    return Retriever(open_store(settings), embedder or default_embedder(), top_k=settings.top_k,
                     calibration=load_calibration(overlay=settings.calibration_file))
