"""Evidence that the top entry answers the question, in units that mean the same on any corpus.

A raw fused score depends on the corpus (how long its answers are, how its vocabulary spreads),
so a threshold fitted on one document does not carry to the next. These features compare the top
entry with the rest of the same knowledge base (agreement of the two rankings, share of the
question's words found, an aspect asked that the entry never mentions, how close its nearest
neighbour's question is, computed from the entries at index build) or are cosines of the one
model every corpus shares; the abstention model (`config.Abstention`) combines them. Nothing here
embeds anything: the cost per question is a few look-ups and at most a handful of 384-dimension
dot products.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.index import KBIndex
from retrieval.neighbours import SAME_QUESTION
from retrieval.rank import QueryTerms, Scored

__all__ = ["FEATURES", "SAME_QUESTION", "evidence", "runner_up"]

# what the abstention model is fitted on (chosen by leave-one-corpus-out over three corpora; the
# figures are in calibration.toml and the README). "dense" is in again now that the fit spans
# corpora with and without alternate phrasings (its level differs: right answers' median cosine
# is 0.69 on the seed, 0.57 on publishers-dev), because without it a two-word reply such as
# "great, that's all I needed" (cosine 0.28 to everything, one common word in an entry) could be
# answered. Recorded but left out: "unseen" (the share of words no entry uses falls as a
# knowledge base grows) and "margin", whose fitted sign flipped between fits (-0.32, +0.01) and
# whose leave-one-corpus-out figures are better without it.
FEATURES = ("score", "dense", "coverage", "dense_rr", "lexical_rr", "adjust", "aspect_uncovered",
            "neighbour")
RUNNER_UP_LOOK = 5  # candidates looked at for the first real rival


def _adjust(s: Scored) -> float:
    """The code bonus and the modality/role conflicts (the aspect has a feature of its own)."""
    sig = s.signals
    return sum(sig.get(k, 0.0) for k in ("code", "modality", "role"))


def runner_up(index: KBIndex, scored: Sequence[Scored]) -> Scored | None:
    """The best entry after the top one that is not the same question from another document."""
    top = scored[0].entry
    for s in scored[1:1 + RUNNER_UP_LOOK]:
        if index.question_similarity(top, s.entry) < SAME_QUESTION:
            return s
    return None


def evidence(index: KBIndex, q: QueryTerms, scored: Sequence[Scored]) -> dict[str, float]:
    """The features of the top candidate (see FEATURES); {} without candidates."""
    if not scored:
        return {}
    top = scored[0]
    sig = top.signals
    rival = runner_up(index, scored)
    words = set(q.words_besides_codes)
    unseen = sum(1 for t in words if t not in index.idf) / len(words) if words else 0.0
    return {
        "score": top.score,
        "dense": sig.get("dense", max(sig.get("dense_question", 0.0),
                                      sig.get("dense_answer", 0.0))),
        "coverage": sig.get("coverage", 0.0),
        # how far ahead of the first real rival (all of the score when there is none)
        "margin": top.score - (rival.score if rival else 0.0),
        # where the dense and the lexical rankings, each alone, put this entry (1/rank): the two
        # agreeing on it is evidence no single signal gives
        "dense_rr": sig.get("dense_rr", 0.0),
        "lexical_rr": sig.get("lexical_rr", 0.0),
        "adjust": _adjust(top),
        # the question asks an aspect (payment, modifier, frequency, who may bill…) the entry
        # never mentions: the fused score already pays a fixed penalty for it, the model learns
        # how much such a miss says on top of the score
        "aspect_uncovered": 1.0 if sig.get("aspect", 0.0) < 0 else 0.0,
        # how close the nearest other entry's question comes to this entry's (built with the
        # index, retrieval/neighbours.py): what a given score means differs between an entry
        # with close neighbours and one that stands apart
        "neighbour": float(index.neighbour[top.entry]),
        # share of the question's words no entry of the knowledge base uses
        "unseen": unseen,
    }
