"""A chat message in its conversation: small talk, a question of its own, or a follow-up.

No language model and no thresholds of its own. A follow-up is read with the earlier turn it
leans on (`retrieval/thread.py`): the follow-up and that turn are embedded together (one more
query embedding), the
follow-up's own terms plus the code and modality it inherits are what an entry must cover, and
each entry is scored on that reading and on the follow-up read alone, the alone reading counting
as much as the abstention model trusts it. The single-question abstention model (`decide`,
`retrieval/evidence.py`) then answers or abstains on that ranking, so a follow-up is decided by
the same calibrated evidence as a question asked first. A code, modality or role the follow-up
names replaces the earlier one unless it names it beside a pronoun for the earlier one ("can we
bill IGRT with it?"); an aspect it asks in its own words must be named by the entry
that answers it (`retrieval/aspects.py`). When the follow-up answered alone and the thread reading
rank the same entry first, the alone answer stands. A question that names its topic and leans on
nothing (no pronoun, no "and…"/"what about…") is returned exactly as if asked first, unless the
ranker abstains on it alone and the thread's words answer the entry it ranked first (or the
earlier turn's entry, which it found too, when it asks no aspect or role of its own), or it asks
who does something and names no code or modality ("who bills the surgical part?"): then it is
read like a pronoun follow-up. An earlier turn nothing answered still names the subject a
follow-up leans on ("we are in a hospital outpatient setting", then "and who bills the delivery
codes?"), and a message of numbers alone ("with 7?") is the earlier question's count changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from retrieval.errors import QueryError
from retrieval.index import KBIndex
from retrieval.rank import QueryTerms
from retrieval.text import Lexicon, clean_query
from retrieval.thread import Anchor, Retriever, anchor_of, read_with, unanswered_anchor
from retrieval.turns import (
    REPLIES,
    TurnKind,
    asks_who,
    continues,
    cue,
    fragment,
    names_topic,
    off_topic,
    off_topic_reply,
    small_talk,
)

if TYPE_CHECKING:
    from retrieval.answer import Answer


UNKNOWN_WORDS = 2  # content words of its own, none the KB knows: a message about something else


def resolve(
    retriever: Retriever,
    index: KBIndex,
    alone: Answer,
    context: Sequence[str],
    top_k: int,
    single: Callable[[str], Answer],
) -> Answer:
    """The answer to `alone.query` in the conversation `context` (earlier questions, oldest first).

    Earlier turns are resolved the same way, in order, so a chain of follow-ups keeps its thread.
    """
    talk = _small_talk(index, alone)
    if talk is not None:
        return talk
    cal = retriever.calibration.conversation
    anchors: list[Anchor] = []
    for earlier in list(context)[-cal.max_turns :]:
        try:
            text = clean_query(earlier)
        except QueryError:
            continue
        a = single(text)
        if _small_talk(index, a) is not None:
            continue
        if anchors:
            a = choose(retriever, index, a, anchors[-1], top_k)
        found = anchor_of(index, a)
        if found is None and _opens_subject(index, a):
            found = unanswered_anchor(a)
        if found is not None:
            anchors.append(found)
    if not anchors:
        return _kind(index, alone, "standalone")
    return choose(retriever, index, alone, anchors[-1], top_k)


def _opens_subject(index: KBIndex, a: Answer) -> bool:
    """Whether an earlier turn nothing answered still sets the subject of the next one.

    A coder who says what the case is ("our physicians practice in the hospital department",
    "2 of our rad oncs covered the same week") or asks a question no entry answers with
    confidence ("how many fractions make up one unit of 77427?") has named the subject that
    "who bills the technical component?" or "and if only 2 are left at the very end?" asks
    about: the follow-up is read with that turn's words and codes, and no entry gets the edge
    of having answered it. Not a turn read as a follow-up itself (the thread stays with the
    earlier turn that was answered), nor one about something else ("how do I reset my
    password"): those name no coding subject.
    """
    q = a.terms
    return (q is not None and a.abstained and a.read_as is None and a.turn != "off_topic"
            and not off_topic(index, q, a.abstained))


def _small_talk(index: KBIndex, alone: Answer) -> Answer | None:
    """Thanks, an acknowledgement, a greeting or a closing: a short reply, no answer card."""
    q = alone.terms
    if q is None:
        return None
    kind = small_talk(index, alone.query, q, alone.abstained)
    if kind is None:
        return None
    return dataclasses.replace(
        alone, abstained=True, results=(), suggestions=(), reason="", confidence="",
        turn="small_talk", reply=REPLIES[kind],
    )


def _kind(index: KBIndex, alone: Answer, kind: TurnKind) -> Answer:
    q = alone.terms
    if q is not None and off_topic(index, q, alone.abstained):
        # an abstention still (suggestions kept, the question logged), with a reply that says
        # what the knowledge base covers instead of a follow-up reading
        return dataclasses.replace(alone, turn="off_topic", reply=off_topic_reply(index))
    return dataclasses.replace(alone, turn=kind)


def _unsaid_thread(retriever: Retriever, index: KBIndex, alone: Answer, anchor: Anchor,
                   top_k: int) -> Answer | None:
    """A question that names its topic and leans on nothing, which the ranker cannot answer
    alone, read with the thread it leaves unsaid ("does the beam energy matter for the level?"
    after a question on delivery tiers); None when it stands alone.

    Answered only when the thread reading is answered and puts first the entry the question
    alone ranked first: the question found its entry, the thread only adds the confidence it
    was missing. Or when it puts first the entry that answered the earlier turn, which the
    question alone also found among its candidates, and the question asks no aspect or role of
    its own: a detail of the entry just shown ("does a second phase of treatment qualify?" after
    a question on when 77470 is allowed). An aspect or a role (payment, frequency, "the
    physicist?") is what an entry on the earlier topic may not speak to, as for a follow-up
    (`_readings_agree`). The thread shapes the embedding only, no code or modality is carried
    over: a question that names its own topic does not inherit the earlier one's code ("how do
    I file a vacation request?" after a 77370 question is not about 77370).
    """
    q = alone.terms
    if not alone.abstained or not alone.scored or q is None:
        return None
    a = read_with(retriever, index, alone, anchor, top_k, inherit=False)
    if a.abstained:
        return None
    first = index.position[a.results[0].entry.id]
    if first == alone.scored[0].entry:
        return a
    lex = retriever.lexicon
    detail = (bool(anchor.entries) and first == anchor.entries[0]
              and not (lex.aspects_in(q.terms) or lex.roles_in(q.terms))
              and any(s.entry == first for s in alone.scored))
    return a if detail else None


def _readings_agree(index: KBIndex, lex: Lexicon, alone: Answer, a: Answer) -> bool:
    """Whether a follow-up the thread reading abstains on keeps the answer it gets alone.

    When the single-question model answers the follow-up alone and the thread reading ranks the
    same entry first, both readings point at one entry and the alone reading is as sure as a
    question asked first ("and given by infusion?" after a question on the oral form): the thread's
    words only dilute its evidence. Not when the follow-up asks an aspect or a role of its own
    (payment, frequency, "the physician?"): whether the entry on the earlier topic speaks to it
    is what the thread reading checks, and the alone reading cannot tell.
    """
    q = alone.terms
    if not a.abstained or alone.abstained or not a.scored or q is None:
        return False
    if lex.aspects_in(q.terms) or lex.roles_in(q.terms):
        return False
    return index.entries[a.scored[0].entry].id == alone.results[0].entry.id


def _only_numbers(q: QueryTerms) -> bool:
    """Whether every word of the message is a number ("with 7?", "15?"): a value with nothing
    to count, which only the earlier question's count ("4 applicators") gives a meaning."""
    return bool(q.terms) and not q.codes and all(t.isdigit() for t in q.terms)


def _asks_whose_service(text: str, q: QueryTerms) -> bool:
    """Whether the message asks who does something and names no code or modality: the service
    it asks about may be the thread's ("who bills the surgical part?" after a 77469 question)."""
    return asks_who(text) and not q.codes and not q.modalities


def choose(
    retriever: Retriever, index: KBIndex, alone: Answer, anchor: Anchor, top_k: int
) -> Answer:
    """The question alone, or read with its anchor (see the module docstring)."""
    q = alone.terms
    if q is None:
        return alone
    if any(c not in index.codes for c in q.codes):
        return _kind(index, alone, "standalone")  # a code the KB does not cover: that stands
    if q.codes and not q.words_besides_codes and not continues(alone.query):
        # a bare code is a question of its own; "and the 77373s?" / "what about 77336?" is the
        # earlier question with its code swapped (read below, the new code replacing the old)
        return _kind(index, alone, "standalone")
    topic = names_topic(index, q)
    # a fragment ("deep?") that names something the KB knows is the earlier question with one
    # slot changed: read with the thread too (the alone reading still counts, as trusted)
    # "who writes the special treatment note?" asks the role for a service: one that names no
    # code or modality and that the ranker cannot answer alone may leave that service to the
    # thread, as a pronoun does ("who signs it?"); one it answers alone stands alone
    pointer = cue(alone.query) or _only_numbers(q) or (topic and (
        fragment(alone.query, q) or (alone.abstained and _asks_whose_service(alone.query, q))))
    if not topic and (not pointer or len(q.terms) >= UNKNOWN_WORDS) and off_topic(
            index, q, alone.abstained):
        # "what's the weather like?": nothing to lean on; nor is there when the message says
        # things of its own no entry knows ("what's the weather going to be this weekend"):
        # a "this" or "it" in it points at those, not at the earlier question
        return _kind(index, alone, "off_topic")
    # a question that names its topic and leans on nothing (no pronoun, no "and…", "what
    # about…", "…too?") stands alone, answered or abstained on exactly as if asked first, so an
    # uncovered question is not answered by the thread. Anything with a pronoun is read with
    # the thread too: a one-entry answer alone is no proof the pronoun points inside the
    # question ("who has to ask for it?" is answered alone by the wrong entry), and when it does
    # ("weekly chart check: who can do it?") the alone reading, trusted, keeps its entry.
    if topic and not pointer:
        unsaid = _unsaid_thread(retriever, index, alone, anchor, top_k)
        if unsaid is not None:
            return unsaid
        # stands on its own: exactly as if asked first
        same = bool(alone.results) and index.position[alone.results[0].entry.id] in anchor.entries
        return _kind(index, alone, "standalone" if same else "topic_switch")
    a = read_with(retriever, index, alone, anchor, top_k)
    if _readings_agree(index, retriever.lexicon, alone, a):
        return dataclasses.replace(alone, read_as=a.read_as, resolved_text=a.resolved_text,
                                   turn="follow_up")
    if topic and not continues(alone.query) and not alone.abstained and len(alone.results) == 1:
        # a pronoun in a question that names its topic and is answered alone by one entry may
        # point inside it ("weekly chart check: who can do it?"): it stands alone when the
        # thread answers it with the same entry; a thread that moves it to another entry, or
        # finds nothing that answers it ("how much does medicare pay for it?"), decides
        if not a.abstained and a.results[0].entry.id == alone.results[0].entry.id:
            same = index.position[alone.results[0].entry.id] in anchor.entries
            return _kind(index, alone, "standalone" if same else "topic_switch")
    if a.abstained and off_topic(index, q, alone.abstained):
        return _kind(index, alone, "off_topic")  # "write me a poem about it": not a follow-up
    return a
