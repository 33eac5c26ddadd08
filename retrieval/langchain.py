"""The retriever as a LangChain `BaseRetriever`, so it composes with LangChain chains.

Each returned Document's `page_content` is the verbatim curated answer; its metadata carries the
entry id, question, score, codes and the source document's references, disclaimer and notice.
An abstention returns no documents. `BundledEmbeddings` lets LangChain's own Chroma class read
a knowledge-base version's collection directly (its rows carry their passage text).
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever

from retrieval.embedding import Embedder
from retrieval.retriever import Retriever


class GuidanceRetriever(BaseRetriever):
    """Verbatim curated answers for a question, or nothing when the knowledge base abstains."""

    retriever: Any  # retrieval.retriever.Retriever (Any: pydantic need not validate it)
    top_k: int | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        r: Retriever = self.retriever
        answer = r.ask(query, top_k=self.top_k)
        docs = []
        for m in answer.results:
            meta = m.to_dict()
            content = meta.pop("answer")
            meta["kb_version"] = answer.kb_version
            docs.append(LCDocument(page_content=content, metadata=meta, id=m.entry.id))
        return docs


class BundledEmbeddings(Embeddings):
    """The bundled model as LangChain `Embeddings`, e.g. for `langchain_chroma.Chroma` opened
    on a version's collection (the same vectors ingest stored; nothing is downloaded)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in v] for v in self.embedder.embed(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.embedder.embed([text])[0]]
