"""Candidates → fused score: dense similarity, term coverage, code agreement (with each code the
question names), modality conflict, then the question's distinguishing words among close code
siblings (retrieval/siblings.py)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from retrieval.config import Fusion
from retrieval.entry import Entry
from retrieval.index import KBIndex
from retrieval.query import QueryTerms, Scored
from retrieval.siblings import contrast

__all__ = ["QueryTerms", "Scored", "rank"]  # QueryTerms and Scored are retrieval.query's

DENSE_CANDIDATES = 40
LEXICAL_CANDIDATES = 20
CODE_CANDIDATES = 50


def _ranks(entries: Iterable[int]) -> dict[int, int]:
    """1-based rank of each entry at its first appearance in a best-first list."""
    out: dict[int, int] = {}
    for e in entries:
        out.setdefault(e, len(out) + 1)
    return out


def code_agreement(qcodes: set[str], entry: Entry, fusion: Fusion) -> tuple[float, float]:
    """The code bonus (or mismatch) and, for a question naming several codes, what the entry
    loses for those of them it never names (0.0 or less).

    "Can 77431 be billed with 77427 in the same course?" asks about the pair: an entry about
    77427 whose text never names 77431 (the one on 77435 with 77427, worded the same) does not
    answer it, however alike the two questions read, while one that names both does. Each code
    the entry never names costs `code_missing_penalty` times its share of the question's codes,
    but never so much that the entry falls below one naming none of them (which is further from
    the question). A code only mentioned (a list, a range) counts as named, as it does for the
    mismatch above. An entry naming none of them is left to the mismatch alone.
    """
    code_adj = 0.0
    if qcodes & entry.codes_about:
        code_adj = fusion.code_match_bonus
    elif qcodes and not qcodes & entry.code_set:  # a code only mentioned is no mismatch
        code_adj = -fusion.code_mismatch_penalty
    pair_adj = 0.0
    if len(qcodes) > 1 and qcodes & entry.code_set:
        unnamed = len(qcodes - entry.code_set)
        lost = fusion.code_missing_penalty * unnamed / len(qcodes)
        # never below an entry naming none of the codes: that one is further from the question
        pair_adj = -round(min(lost, code_adj + fusion.code_mismatch_penalty), 4)
    return code_adj, pair_adj


def rank(index: KBIndex, q: QueryTerms, vector: np.ndarray, fusion: Fusion) -> list[Scored]:
    """All candidate entries with their fused scores, best first."""
    hits = index.dense(vector, DENSE_CANDIDATES)
    lexical = sorted(index.lexical(q.terms, LEXICAL_CANDIDATES), key=lambda x: (-x[1], x[0]))
    dense_rank = _ranks(h.entry for h in hits)
    lexical_rank = _ranks(i for i, _ in lexical)
    candidates: set[int] = set(dense_rank) | set(lexical_rank)
    for code in q.codes:
        candidates.update(index.codes.get(code, [])[:CODE_CANDIDATES])

    qcodes = set(q.codes)
    qroles = index.lexicon.roles_in(q.terms)
    qaspects = index.lexicon.aspects_in(q.terms)
    out = []
    ordered = sorted(candidates)
    best_q, best_a = index.similarities(vector, ordered)
    weights = index.term_weights(q.terms, fusion.unknown_term_weight)
    for i, dq, da in zip(ordered, best_q.tolist(), best_a.tolist(), strict=True):
        dense = max(dq, da * fusion.answer_passage_factor)
        cov = index.coverage_with(weights, i)
        score = fusion.dense_weight * dense + fusion.coverage_weight * cov
        entry = index.entries[i]
        code_adj, pair_adj = code_agreement(qcodes, entry, fusion)
        mod_adj = 0.0
        em = index.entry_modalities[i]
        if q.modalities and em and not (q.modalities & em):
            mod_adj = -fusion.modality_conflict_penalty
        role_adj = 0.0
        er = index.entry_roles[i]
        if qroles and er and not (qroles & er):
            role_adj = -fusion.role_conflict_penalty
        aspect_adj = 0.0
        if qaspects - index.entry_terms[i]:
            aspect_adj = -fusion.aspect_missing_penalty
        score += code_adj + pair_adj + mod_adj + role_adj + aspect_adj
        out.append(Scored(i, score, {
            "dense_question": round(dq, 4), "dense_answer": round(da, 4),
            "dense": round(dense, 4), "coverage": round(cov, 4), "code": code_adj,
            "codes_unnamed": pair_adj,
            "modality": mod_adj, "role": role_adj, "aspect": aspect_adj,
            # where each ranking alone puts the entry (1/rank; 0 when outside its candidates)
            "dense_rr": 1 / dense_rank[i] if i in dense_rank else 0.0,
            "lexical_rr": 1 / lexical_rank[i] if i in lexical_rank else 0.0,
        }))
    out.sort(key=lambda s: (-s.score, index.entries[s.entry].id))
    return contrast(index, q, out, fusion)
