"""The retrieval API: a question in, verbatim curated answers (or an abstention) out."""

from __future__ import annotations

import dataclasses
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from retrieval import neighbours
from retrieval.answer import Answer, Match
from retrieval.aspects import asks_an_amount
from retrieval.clarify import needs_choice, prompt
from retrieval.codes import find_codes
from retrieval.config import Calibration, default_calibration
from retrieval.conversation import resolve
from retrieval.decide import Verdict, decide
from retrieval.embedding import Embedder
from retrieval.errors import KnowledgeBaseMissing, QueryError
from retrieval.gc_pause import no_gc
from retrieval.ids import IdStatus, id_status
from retrieval.index import KBIndex
from retrieval.lexcache import LexicalCache
from retrieval.lookup import lookup
from retrieval.rank import QueryTerms, Scored, rank
from retrieval.store.base import KBStore
from retrieval.text import Lexicon, clean_query, default_lexicon
from retrieval.turns import drop_switch

__all__ = ["Answer", "Match", "Retriever"]  # Answer and Match are retrieval.answer's

_WORDS = re.compile(r"[A-Za-z]+")
VECTOR_CACHE = 512  # query vectors kept (≈0.8 MB at 384 dimensions)


class Retriever:
    """Answers from the active knowledge-base version; picks up a new one without a restart.

    Thread-safe: one instance is shared by every session of the app.
    """

    def __init__(self, store: KBStore, embedder: Embedder, *, top_k: int = 3,
                 lexicon: Lexicon | None = None, calibration: Calibration | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.top_k = top_k
        self.lexicon = lexicon or default_lexicon()
        self.calibration = calibration or default_calibration()
        self._lock = threading.Lock()
        self._token: object = object()
        self._index: KBIndex | None = None
        # query vectors of recent texts: a conversation re-reads its earlier turns on each question
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._vectors_lock = threading.Lock()

    def index(self) -> KBIndex:
        """The active version's index, reloaded when the active pointer changes."""
        token = self.store.changes_token()
        current = self._index
        if current is not None and token == self._token:
            return current
        with self._lock:
            if self._index is not None and token == self._token:
                return self._index
            version = self.store.active_version()
            if version is None:
                raise KnowledgeBaseMissing(self.store.location)
            if self._index is None or self._index.version != version:
                self._index = self.load(version)
            self._token = token
            return self._index

    def load(self, version: str) -> KBIndex:
        """Build the index of one version (the active one, or any kept one for evals).

        The per-entry lexical work comes from this version's cache file when there is one, else
        from the previous version's for every unchanged entry (see retrieval/lexcache.py).
        """
        with no_gc():
            manifest = self.store.read_manifest(version)
            _, vectors = self.store.embeddings(version, manifest)
            cache = LexicalCache(self.store.cache_dir, self.lexicon.fingerprint)
            known = cache.read(version)
            cached = known is not None
            if known is None:
                known = cache.read(manifest.info.get("previous"))
            levels = neighbours.read_cached(self.store.cache_dir, version, len(manifest.entries))
            index = KBIndex(manifest, lambda: self.store.collection(version), vectors,
                            self.lexicon, known, levels)
        if not cached and index.lexical_table is not None:
            cache.write(version, index.lexical_table)
        if index.neighbour_computed:
            neighbours.write_cached(self.store.cache_dir, version, index.neighbour)
        index.lexical_table = None  # only needed for the file
        return index

    def entry_status(self, entry_id: str, index: KBIndex | None = None) -> IdStatus:
        """What an entry id (from an eval set, feedback, a citation) means in the active version:
        its entry, or "removed in version X" (and what replaced it)."""
        index = index or self.index()
        pos = index.position.get(entry_id.strip())
        found = {entry_id.strip(): index.entries[pos]} if pos is not None else {}
        return id_status(entry_id, index.version, found, index.manifest.info)

    def terms(self, index: KBIndex, text: str) -> QueryTerms:
        fixes = index.speller.corrections(self.lexicon.words(text))
        terms = self.lexicon.terms(text, fixes)
        terms += index.descriptor_codes(terms)  # the documents' own names for their codes
        return QueryTerms(terms, find_codes(text), self.lexicon.modalities_in(terms), fixes,
                          amount=asks_an_amount(self.lexicon, text, terms))

    def query_text(self, text: str, q: QueryTerms) -> str:
        """What the model is given for a query: typos fixed, shorthand spelled out."""
        fixed = _WORDS.sub(lambda m: q.fixes.get(m.group(0).lower(), m.group(0)), text)
        return self.lexicon.spell_out(fixed)

    def prefill(self, index: KBIndex, questions: Sequence[str]) -> None:
        """Embed many questions in one batch into the vector cache, as `embed` would one by one.

        In fp32 (the precision of single questions), so every answer is the one the question
        gets alone; eval runs call it per block of rows (batching is 3-4x the throughput).
        """
        texts = []
        for question in questions:
            try:
                text = clean_query(question)
            except QueryError:
                continue
            texts.append(self.query_text(text, self.terms(index, text)))
        with self._vectors_lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if not todo:
            return
        batch = getattr(self.embedder, "embed_fp32", self.embedder.embed)
        vectors = batch(todo)
        with self._vectors_lock:
            for t, v in zip(todo, vectors, strict=True):
                self._vectors[t] = v
            while len(self._vectors) > VECTOR_CACHE:
                self._vectors.popitem(last=False)

    def embed(self, index: KBIndex, text: str, q: QueryTerms) -> np.ndarray:
        """The query vector: typos fixed, shorthand spelled out."""
        query = self.query_text(text, q)
        with self._vectors_lock:
            hit = self._vectors.get(query)
            if hit is not None:
                self._vectors.move_to_end(query)
                return hit
        vector = self.embedder.embed([query])[0]
        with self._vectors_lock:
            self._vectors[query] = vector
            while len(self._vectors) > VECTOR_CACHE:
                self._vectors.popitem(last=False)
        return vector

    def answer(self, index: KBIndex, text: str, q: QueryTerms, scored: Sequence[Scored],
               v: Verdict, **extra: Any) -> Answer:
        """An Answer from a verdict (entries looked up in `index`)."""

        def match(s: Any) -> Match:
            return Match(index.entries[s.entry], s.score, s.signals)

        return Answer(
            query=text,
            kb_version=index.version,
            abstained=v.abstained,
            results=tuple(match(s) for s in v.results),
            suggestions=tuple(match(s) for s in v.suggestions),
            reason=v.reason,
            confidence=v.confidence,
            corrections=q.fixes,
            terms=q,
            scored=tuple(scored),
            **extra,
        )

    def ask_alone(self, index: KBIndex, text: str, top_k: int | None = None) -> Answer:
        """One cleaned question on its own, without any conversation."""
        text, _ = drop_switch(text)  # "unrelated: is 77336 weekly?" asks "is 77336 weekly?"
        searched = index.speller.split_runs(text)  # "canwebill77370" → "can we bill 77370"
        q = self.terms(index, searched)
        vector = self.embed(index, searched, q)
        scored = rank(index, q, vector, self.calibration.fusion)
        v = decide(index, q, scored, self.calibration.decision, top_k or self.top_k,
                   self.calibration.abstention)
        return self.answer(index, text, q, scored, v)

    def ask(self, question: str, *, context: Sequence[str] = (), top_k: int | None = None,
            index: KBIndex | None = None) -> Answer:
        """Answer one question (raises QueryError for unusable input, KnowledgeBaseMissing).

        `context` is the conversation's earlier questions, oldest first: a follow-up that leans
        on them is read with them (`read_as` says so); a question that stands alone is not.
        """
        text = clean_query(question)
        index = index or self.index()
        k = top_k or self.top_k
        a = self.ask_alone(index, text, k)
        # a question announced as a new subject ("unrelated: …") leaves the thread: exactly as
        # if asked first. Also without context: small talk ("thanks") is typed on any turn
        switched = drop_switch(text)[1]
        a = resolve(self, index, a, () if switched else context, k,
                    lambda t: self.ask_alone(index, t, k))
        if switched and context and a.turn == "standalone":
            a = dataclasses.replace(a, turn="topic_switch")
        return dataclasses.replace(a, clarify=needs_choice(a), clarify_prompt=prompt(a),
                                   lookup=lookup(index, text))
