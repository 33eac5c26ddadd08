"""One loaded knowledge-base version: its entries and the indexes queries run against.

Built once per version and shared by all queries (and threads); nothing here depends on the
query, so per-query work stays an index lookup plus work on a few candidates.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np
import torch

from retrieval.entry import Entry, content_hash
from retrieval.errors import StoreUnavailable
from retrieval.lexcache import EntryTerms
from retrieval.neighbours import SAME_QUESTION, nearest_other_question
from retrieval.store.base import Manifest
from retrieval.text import Lexicon, Speller


@dataclass(frozen=True)
class DenseHit:
    entry: int
    field: str
    similarity: float


@dataclass(frozen=True)
class TermWeights:
    """A query's distinct terms with their coverage weights, in one fixed order."""

    terms: tuple[tuple[str, float], ...]
    total: float


log = logging.getLogger(__name__)
EXACT_SEARCH_MAX = 40_000  # passages; about where brute force stops beating Chroma (see dense)


class KBIndex:
    """Entries of one version plus dense (Chroma), lexical (BM25) and code indexes."""

    def __init__(self, manifest: Manifest, collection: Any, vectors: np.ndarray,
                 lexicon: Lexicon, known: Mapping[str, EntryTerms] | None = None,
                 neighbours: np.ndarray | None = None) -> None:
        """`known`: earlier results of the per-entry lexical work, by text hash (lexcache);
        `neighbours`: this version's `neighbour` levels computed before (retrieval/neighbours)."""
        self.version = manifest.version
        self.manifest = manifest
        self.entries: list[Entry] = list(manifest.entries)
        self.position = {e.id: i for i, e in enumerate(self.entries)}
        self.lexicon = lexicon
        # a Chroma collection, or a callable opening it: it is only needed past
        # EXACT_SEARCH_MAX, and opening Chroma writes to its folder (a read-only or full disk
        # must not stop the answers this index can give from memory)
        self._collection = collection
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        # bf16 copy for the exact candidate search: half the memory traffic of each query (the
        # product is bound by it); the candidates' scores then use the fp32 vectors
        self._search_t = (torch.from_numpy(self._vectors).to(torch.bfloat16)
                          if len(self._vectors) <= EXACT_SEARCH_MAX else None)
        self._passage_entry = np.array(
            [self.position[p.entry_id] for p in manifest.passages], dtype=np.int64)
        self._passage_is_question = np.array(
            [p.field in ("question", "alternate") for p in manifest.passages], dtype=bool)
        # Passage rows grouped by entry: entry i owns _by_entry[_first[i]:_first[i] + _count[i]].
        self._by_entry = np.argsort(self._passage_entry, kind="stable")
        self._count = np.bincount(self._passage_entry, minlength=len(self.entries))
        self._first = np.cumsum(self._count) - self._count

        # passage id -> row, for Chroma's answers (only asked when the search is not in memory)
        self._passage_pos = ({p.id: i for i, p in enumerate(manifest.passages)}
                             if self._search_t is None else {})
        self._passage_field = [p.field for p in manifest.passages]
        self._warned = False
        # each entry's first question passage (-1: none), and how close the nearest other
        # entry's question comes to it (the abstention model's reference for this entry)
        self._qrow = np.full(len(self.entries), -1, dtype=np.int64)
        for r in range(len(self._passage_field) - 1, -1, -1):
            if self._passage_field[r] == "question":
                self._qrow[self._passage_entry[r]] = r
        self.neighbour_computed = neighbours is None or neighbours.shape != (len(self.entries),)
        if neighbours is None or self.neighbour_computed:
            neighbours = nearest_other_question(self._vectors, self._qrow, SAME_QUESTION)
        self.neighbour: np.ndarray = neighbours

        self.entry_terms: list[frozenset[str]] = []
        tokenized: list[list[str]] = []
        vocab: set[str] = set()
        # per entry: (terms, distinct words), by text hash; kept for lexcache, then dropped
        self.lexical_table: dict[str, EntryTerms] | None = {}
        self.reused_lexical = 0
        for e in self.entries:
            text = " ".join((e.question, e.answer, *e.alternates))
            key = content_hash(text)
            hit = known.get(key) if known else None
            if hit is None:
                words = lexicon.words(text)  # split once: terms and the speller's vocabulary
                hit = (lexicon.terms_of_words(words),
                       sorted({w for w in words if Speller.wants(w)}))
            else:
                self.reused_lexical += 1
            toks, distinct = hit
            self.lexical_table[key] = hit
            vocab.update(distinct)
            toks = toks + lexicon.code_terms(e.code_set)
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
        self._descriptors = self._descriptor_table()
        self.speller = Speller(
            vocab,
            known=set(lexicon.stopwords) | set(lexicon.synonyms) | set(lexicon.synonyms.values())
            | set(lexicon.phrases.values()) | lexicon.payer_words,
            canonical=set(lexicon.phrases.values()),
        )

    def _descriptor_table(self) -> dict[str, list[tuple[frozenset[str], str]]]:
        """Code descriptors the documents give, as term sets keyed by their rarest term.

        A descriptor is the document's own name for a code ("Respiratory motion management
        simulation" for 77293): a question using that name asks about that code. Descriptors of
        one term are too loose to name a code and are left out.
        """
        table: dict[str, list[tuple[frozenset[str], str]]] = defaultdict(list)
        seen: set[tuple[frozenset[str], str]] = set()
        for e in self.entries:
            for c in e.codes:
                if not c.descriptor:
                    continue
                terms = frozenset(self.lexicon.terms(c.descriptor)) - {c.code}
                if len(terms) < 2 or (terms, c.code) in seen:
                    continue
                seen.add((terms, c.code))
                rarest = max(terms, key=lambda t: (self.idf.get(t, self.max_idf), t))
                table[rarest].append((terms, c.code))
        return dict(table)

    def descriptor_codes(self, terms: Sequence[str]) -> list[str]:
        """Codes whose descriptor (every one of its terms) the question's terms contain."""
        have = set(terms)
        found: dict[str, None] = {}
        for t in have:
            for need, code in self._descriptors.get(t, ()):
                if need <= have and code not in have:
                    found[code] = None
        return sorted(found)

    def __len__(self) -> int:
        return len(self.entries)

    def dense(self, vector: np.ndarray, n: int) -> list[DenseHit]:
        """Nearest passages by cosine similarity.

        Up to EXACT_SEARCH_MAX passages, a brute-force product with a bf16 copy of the vectors
        already in memory (the n found are re-scored in fp32) is faster than a round trip to
        Chroma's ANN index: 0.9 ms against 1.3 ms per question at 20,000 passages on 2 cores,
        and it misses nothing an approximate index may. Past that, Chroma's index, whose cost
        barely grows with the corpus.
        """
        total = len(self._passage_entry)
        n = max(1, min(n, total))
        if self._search_t is not None:
            # torch, not numpy: it runs on the model's own 2 threads, where OpenBLAS's threads
            # would spin on after the product and slow the next embedding 5x (measured).
            with torch.inference_mode():
                q = torch.from_numpy(np.ascontiguousarray(vector, dtype=np.float32))
                top = torch.topk((self._search_t @ q.to(torch.bfloat16)).float(), n).indices
            rows = top.numpy()
            sims = self._vectors[rows] @ vector  # the n found, re-scored in fp32
            order = np.argsort(-sims, kind="stable")
            return [DenseHit(int(self._passage_entry[rows[k]]), self._passage_field[rows[k]],
                             float(sims[k])) for k in order]
        try:
            if callable(self._collection) and not hasattr(self._collection, "query"):
                self._collection = self._collection()
            # ids only: entry and field come from the manifest (fetching metadata doubles the time)
            res = self._collection.query(
                query_embeddings=vector.reshape(1, -1), n_results=n, include=["distances"])
        except Exception as e:  # chromadb raises many types; this is the store boundary
            return self._exact_fallback(vector, n, e)
        hits = []
        for pid, dist in zip(res["ids"][0], res["distances"][0], strict=True):
            i = self._passage_pos.get(pid)
            if i is not None:
                hits.append(DenseHit(int(self._passage_entry[i]), self._passage_field[i],
                                     1.0 - float(dist)))
        return hits

    def _exact_fallback(self, vector: np.ndarray, n: int, error: Exception) -> list[DenseHit]:
        """Chroma cannot be opened or did not answer: search the vectors in memory instead.

        Slower than the ANN index at this size, but the same (exact) answers; a store that
        fails here still serves questions rather than taking the knowledge base down.
        """
        if not self._warned:
            self._warned = True
            log.warning("vector store unavailable (%s); searching in memory", error)
        if len(self._vectors) == 0:
            raise StoreUnavailable(f"The vector store did not answer: {error}") from error
        sims = self._vectors @ np.asarray(vector, dtype=np.float32)
        top = np.argpartition(-sims, n - 1)[:n]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [DenseHit(int(self._passage_entry[i]), self._passage_field[i], float(sims[i]))
                for i in top]

    def similarities(self, vector: np.ndarray, entries: Sequence[int]
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Exact best cosine of the query to each entry's question/alternate and answer passages.

        One product over the candidates' passages instead of one per entry; an entry without a
        passage of a kind gets 0.0 for it.
        """
        idx = np.asarray(entries, dtype=np.int64)
        counts = self._count[idx]
        starts = np.cumsum(counts) - counts
        rows = self._by_entry[np.repeat(self._first[idx] - starts, counts)
                              + np.arange(int(counts.sum()))]
        sims = self._vectors[rows] @ vector
        is_q = self._passage_is_question[rows]
        owner = np.repeat(np.arange(len(idx)), counts)
        best_q = np.full(len(idx), -np.inf, dtype=np.float64)
        best_a = np.full(len(idx), -np.inf, dtype=np.float64)
        np.maximum.at(best_q, owner[is_q], sims[is_q])
        np.maximum.at(best_a, owner[~is_q], sims[~is_q])
        best_q[np.isneginf(best_q)] = 0.0
        best_a[np.isneginf(best_a)] = 0.0
        return best_q, best_a

    def question_similarity(self, a: int, b: int) -> float:
        """Cosine of two entries' own questions (their first question passages); 0 without one."""
        va, vb = self._question_row(a), self._question_row(b)
        if va < 0 or vb < 0:
            return 0.0
        return float(self._vectors[va] @ self._vectors[vb])

    def _question_row(self, entry: int) -> int:
        return int(self._qrow[entry])

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
        with story words ("our satellite clinic", "over VPN"). An aspect the question asks about
        (payment, frequency, diagnosis, modifier…) that no entry discusses is not padding: it
        weighs the full highest IDF.
        """
        return self.coverage_with(self.term_weights(terms, unknown_weight), entry)

    def term_weights(self, terms: list[str], unknown_weight: float = 1.0) -> TermWeights:
        """The query's distinct terms with their weights, and their total (see coverage): the
        same for every candidate, so a query computes them once."""
        aspects = self.lexicon.aspects
        weights = []
        total = 0.0
        for t in set(terms):
            w = self.idf.get(t, (1.0 if t in aspects else unknown_weight) * self.max_idf)
            total += w
            weights.append((t, w))
        return TermWeights(tuple(weights), total)

    def coverage_with(self, weights: TermWeights, entry: int) -> float:
        """coverage() of one entry from the query's term weights (the same sums, in the same
        order, so the same float)."""
        if not weights.total:
            return 0.0
        have = self.entry_terms[entry]
        got = 0.0
        for t, w in weights.terms:
            if t in have:
                got += w
        return got / weights.total
