"""Close entries that share a code: the question's words that tell them apart decide.

Guidance documents hold several entries on one code family (the delivery levels and their
G-codes, 77336 per week and per course, a device made and a device reused). Their shared words
("delivery", "code", "mask") reach every sibling alike, so the fused score between them rests on
small cosine differences. A coder reading the siblings side by side looks at what only some of
them say: here the question's words are weighted by how few of the close siblings contain them
(a word every sibling has weighs nothing), and each sibling loses score by how much less of that
distinguishing weight it covers than the best of them. Entries without a code, and entries
further than the window below the top one, are untouched.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from retrieval.config import Fusion
from retrieval.index import KBIndex

if TYPE_CHECKING:  # rank.py calls contrast(); the records are only annotations here
    from retrieval.query import QueryTerms, Scored

LOOK = 5  # best candidates looked at for the top entry's siblings


def siblings(index: KBIndex, scored: list[Scored], window: float) -> list[Scored]:
    """The top entry and the candidates within `window` of it that share one of its codes."""
    if not scored:
        return []
    top = scored[0]
    codes = index.entries[top.entry].code_set
    if not codes:
        return [top]
    return [top] + [s for s in scored[1:LOOK] if s.score >= top.score - window
                    and index.entries[s.entry].code_set & codes]


def distinguishing(index: KBIndex, q: QueryTerms, group: list[Scored]) -> dict[int, float]:
    """Each sibling's share of the question's weight on words only some siblings contain."""
    m = len(group)
    weights: dict[str, float] = {}
    for t in set(q.asked_words):  # a follow-up's thread words name what all siblings share
        k = sum(1 for s in group if t in index.entry_terms[s.entry])
        if 0 < k < m:
            weights[t] = index.idf[t] * (1 - k / m)
    total = sum(weights.values())
    if not total:
        return {}
    return {s.entry: sum(w for t, w in weights.items() if t in index.entry_terms[s.entry]) / total
            for s in group}


def contrast(index: KBIndex, q: QueryTerms, scored: list[Scored], fusion: Fusion) -> list[Scored]:
    """`scored` with code siblings penalised by the distinguishing words they miss, best first."""
    if fusion.sibling_weight <= 0:
        return scored
    group = siblings(index, scored, fusion.sibling_window)
    share = distinguishing(index, q, group) if len(group) > 1 else {}
    if not share:
        return scored
    best = max(share.values())
    out = []
    for s in scored:
        if s.entry in share:
            adj = round(fusion.sibling_weight * (share[s.entry] - best), 4)
            s = replace(s, score=s.score + adj, signals={**s.signals, "sibling": adj})
        out.append(s)
    out.sort(key=lambda s: (-s.score, index.entries[s.entry].id))
    return out
