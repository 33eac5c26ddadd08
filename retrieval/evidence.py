"""Evidence that the top entry answers the question, in units that mean the same on any corpus.

A raw fused score depends on the corpus (how long its answers are, how its vocabulary spreads),
so a threshold fitted on one document does not carry to the next. These features compare the top
entry with the rest of the same knowledge base (margin, agreement of the two rankings, share of
the question's words found) or are cosines of the one model every corpus shares; the abstention
model (`config.Abstention`) combines them. Nothing here embeds anything: the cost per question is
a few look-ups and at most a handful of 384-dimension dot products.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.index import KBIndex
from retrieval.rank import QueryTerms, Scored

# what the abstention model is fitted on. "dense" and "unseen" are recorded too but left out:
# their level depends on the corpus, not on the question (right answers' dense cosine is 0.69 on
# the seed, whose entries carry alternate phrasings, and 0.56 on publishers-dev, which has none;
# the share of unseen words falls as a knowledge base grows). Leave-one-corpus-out with them:
# publishers in scope 0.77; without them 0.85, seed unchanged (0.91).
FEATURES = ("score", "coverage", "margin", "dense_rr", "lexical_rr", "adjust")
# near-identical guidance from two documents: a runner-up this close to the top entry's own
# question is the same answer again, not a rival (cosine of the two questions' vectors)
SAME_QUESTION = 0.92
RUNNER_UP_LOOK = 5  # candidates looked at for the first real rival


def _adjust(s: Scored) -> float:
    sig = s.signals
    return sum(sig.get(k, 0.0) for k in ("code", "modality", "role", "aspect"))


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
        # share of the question's words no entry of the knowledge base uses
        "unseen": unseen,
    }
