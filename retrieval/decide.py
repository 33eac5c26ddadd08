"""Ranked entries → an answer (one entry, or several when they are close) or an abstention."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.config import Decision
from retrieval.index import KBIndex
from retrieval.rank import QueryTerms, Scored

SUGGESTIONS = 3


@dataclass(frozen=True)
class Verdict:
    abstained: bool
    results: list[Scored]
    suggestions: list[Scored]
    reason: str
    confidence: str  # a label a coder understands


def decide(index: KBIndex, q: QueryTerms, scored: list[Scored], d: Decision,
           top_k: int) -> Verdict:
    # a code entries only mention (in a list, a range) is no guidance on it
    uncovered = [c for c in q.codes
                 if not any(c in index.entries[i].codes_about for i in index.codes.get(c, ()))]
    if uncovered:
        mentioned = [c for c in uncovered if c in index.codes]
        return Verdict(True, [], scored[:SUGGESTIONS],
                       f"The knowledge base has no guidance on {', '.join(uncovered)}."
                       + (f" ({', '.join(mentioned)} only listed in passing.)" if mentioned
                          else ""), "No match")

    if q.codes and not q.words_besides_codes:
        # a bare code: every entry about it is an answer; the chat asks which one is meant
        qc = set(q.codes)
        about = [s for s in scored if qc & index.entries[s.entry].codes_about][:max(top_k, 5)]
        if about:
            label = "Entries about this code" if len(about) > 1 else "Entry about this code"
            return Verdict(False, about, [s for s in scored if s not in about][:SUGGESTIONS],
                           f"{len(about)} entr{'ies' if len(about) > 1 else 'y'} about "
                           f"{', '.join(q.codes)}.", label)

    if not scored or scored[0].score < d.min_score:
        return Verdict(True, [], scored[:SUGGESTIONS],
                       "No entry in the knowledge base answers this question.", "No match")

    top = scored[0].score
    floor = max(d.min_score, top - d.close_margin)
    results = [s for s in scored[:top_k] if s.score >= floor]
    rest = [s for s in scored if s not in results][:SUGGESTIONS]
    if len(results) > 1:
        confidence = "Several close matches"
    elif top >= d.high_confidence:
        confidence = "Strong match"
    else:
        confidence = "Likely match"
    return Verdict(False, results, rest, "", confidence)
