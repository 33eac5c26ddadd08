"""One loaded knowledge-base version: its entries and the indexes queries run against.

Built once per version and shared by all queries (and threads); nothing here depends on the
query, so per-query work stays an index lookup plus work on a few candidates.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np

from retrieval.entry import Entry
from retrieval.errors import StoreUnavailable
from retrieval.store.base import Manifest
from retrieval.text import Lexicon, Speller


@dataclass(frozen=True)
class DenseHit:
    entry: int
    field: str
    similarity: float


class KBIndex:
    """Entries of one version plus dense (Chroma), lexical (BM25) and code indexes."""

    def __init__(self, manifest: Manifest, collection: Any, vectors: np.ndarray,
                 lexicon: Lexicon) -> None:
        self.version = manifest.version
        self.manifest = manifest
        self.entries: list[Entry] = list(manifest.entries)
        self.position = {e.id: i for i, e in enumerate(self.entries)}
        self.lexicon = lexicon
        self._collection = collection
        self._vectors = vectors
        self._passage_entry = np.array(
            [self.position[p.entry_id] for p in manifest.passages], dtype=np.int64)
        self._passage_is_question = np.array(
            [p.field in ("question", "alternate") for p in manifest.passages], dtype=bool)
        self._entry_passages: dict[int, list[int]] = defaultdict(list)
        for i, ei in enumerate(self._passage_entry):
            self._entry_passages[int(ei)].append(i)

        self._passage_pos = {p.id: i for i, p in enumerate(manifest.passages)}
        self._passage_field = [p.field for p in manifest.passages]

        texts = [" ".join((e.question, e.answer, *e.alternates)) for e in self.entries]
        self.entry_terms: list[frozenset[str]] = []
        tokenized: list[list[str]] = []
        vocab: set[str] = set()
        for text in texts:
            words = lexicon.words(text)  # split once: terms and the speller's vocabulary
            vocab.update(words)
            toks = lexicon.terms_of_words(words)
            tokenized.append(toks or ["∅"])
            self.entry_terms.append(frozenset(toks))
        self.entry_modalities = [lexicon.modalities_in(t) for t in self.entry_terms]
        self.entry_roles = [lexicon.roles_in(t) for t in self.entry_terms]
        self._bm25 = bm25s.BM25()
        self._bm25.index(tokenized, show_progress=False)

        df: Counter[str] = Counter()
        for terms in self.entry_terms:
            df.update(terms)
        n = len(self.entries)
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

        self.codes: dict[str, list[int]] = defaultdict(list)
        for i, e in enumerate(self.entries):
            for c in e.code_set:
                self.codes[c].append(i)
        self.speller = Speller(
            vocab,
            known=set(lexicon.stopwords) | set(lexicon.synonyms) | set(lexicon.synonyms.values())
            | set(lexicon.phrases.values()),
        )

    def __len__(self) -> int:
        return len(self.entries)

    def dense(self, vector: np.ndarray, n: int) -> list[DenseHit]:
        """Nearest passages by cosine similarity (Chroma's ANN index)."""
        n = max(1, min(n, len(self._passage_entry)))
        try:
            # ids only: entry and field come from the manifest (fetching metadata doubles the time)
            res = self._collection.query(
                query_embeddings=vector.reshape(1, -1), n_results=n, include=["distances"])
        except Exception as e:  # chromadb raises many types; this is the store boundary
            raise StoreUnavailable(f"The vector store did not answer: {e}") from e
        hits = []
        for pid, dist in zip(res["ids"][0], res["distances"][0], strict=True):
            i = self._passage_pos.get(pid)
            if i is not None:
                hits.append(DenseHit(int(self._passage_entry[i]), self._passage_field[i],
                                     1.0 - float(dist)))
        return hits

    def similarities(self, vector: np.ndarray, entry: int) -> tuple[float, float]:
        """Exact best cosine of the query to the entry's (question/alternate, answer) passages."""
        rows = self._entry_passages[entry]
        sims = self._vectors[rows] @ vector
        is_q = self._passage_is_question[rows]
        q = float(sims[is_q].max()) if is_q.any() else 0.0
        a = float(sims[~is_q].max()) if (~is_q).any() else 0.0
        return q, a

    def lexical(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """Top entries by BM25 over question + answer + alternate phrasings."""
        known = [t for t in terms if t in self.idf]
        if not known:
            return []
        scores = self._bm25.get_scores(known)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def coverage(self, terms: list[str], entry: int, unknown_weight: float = 1.0) -> float:
        """IDF-weighted share of the query's terms found in the entry.

        A term the knowledge base has never seen weighs `unknown_weight` × the highest IDF: it is
        evidence the question is about something else, damped because coders pad questions
        with story words ("our satellite clinic", "over VPN").
        """
        if not terms:
            return 0.0
        have = self.entry_terms[entry]
        total = got = 0.0
        for t in set(terms):
            w = self.idf.get(t, unknown_weight * self.max_idf)
            total += w
            if t in have:
                got += w
        return got / total if total else 0.0
