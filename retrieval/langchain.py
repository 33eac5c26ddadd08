"""The retriever as a LangChain `BaseRetriever`, so it composes with LangChain chains.

Each returned Document's `page_content` is the verbatim curated answer; its metadata carries the
entry id, question, score, codes and the source document's references, disclaimer and notice.

`k` (in the constructor, or `invoke(q, k=…)` per call) is an upper bound from 1 to `MAX_K`: the
retriever returns fewer when fewer entries answer — one for a clear match, none at all when the
knowledge base abstains (a wrong confident answer is worse than none). An empty or blank query
returns `[]`. Built from a `Retriever`, from `Settings`, or with no argument from the
environment (`RADONC_QA_DATA`, …), like the CLIs.

An abstention returns no documents. `BundledEmbeddings` lets LangChain's own Chroma class read
a knowledge-base version's collection directly (its rows carry their passage text).
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import PrivateAttr, field_validator, model_validator

from retrieval.embedding import Embedder
from retrieval.errors import EmptyQuery
from retrieval.retriever import Retriever
from retrieval.settings import Settings

MAX_K = 20  # the same bound as `--top-k` and Settings.top_k


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ValueError(f"k must be a whole number from 1 to {MAX_K} (got {k!r}); it is the "
                         "most answers to return")
    return k


class GuidanceRetriever(BaseRetriever):
    """Verbatim curated answers for a question, or nothing when the knowledge base abstains."""

    retriever: Any = None  # retrieval.retriever.Retriever (Any: pydantic need not validate it)
    settings: Settings | None = None  # used when no retriever is given (else the environment)
    k: int = 3
    _built: Retriever | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _top_k_alias(cls, data: Any) -> Any:
        """`top_k=` (this project's name) is accepted as `k`."""
        if isinstance(data, dict) and "top_k" in data:
            data = dict(data)
            top_k = data.pop("top_k")
            if top_k is not None:
                data.setdefault("k", top_k)
        return data

    @field_validator("k", mode="before")
    @classmethod
    def _valid_k(cls, k: Any) -> int:
        return _check_k(k)

    @property
    def top_k(self) -> int:
        return self.k

    def _retriever(self) -> Retriever:
        if self.retriever is not None:
            return self.retriever  # type: ignore[no-any-return]
        if self._built is None:
            from retrieval.service import open_retriever

            self._built = open_retriever(self.settings or Settings())
        return self._built

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[LCDocument]:
        k = _check_k(kwargs.get("k", kwargs.get("top_k", self.k)))
        if isinstance(query, str) and not query.strip():
            return []
        try:
            answer = self._retriever().ask(query, top_k=k)
        except EmptyQuery:  # nothing searchable left once control characters go
            return []
        docs = []
        for m in answer.results[:k]:
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
