"""Follow-up questions: read a question with the conversation's earlier turns when it leans on them.

No language model: the question is scored alone and with the earlier turn it leans on (that turn's
question, or the curated question of the entry it was answered with), the two scores are mixed, and
only entries that contain the follow-up's own terms may answer it. Cues (pronouns, "and …?",
"what about …?") and how the question scores alone decide which reading is used; the numbers live
in `calibration.toml` under [conversation].
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from retrieval.codes import CODE_RE
from retrieval.decide import decide
from retrieval.errors import QueryError
from retrieval.index import KBIndex
from retrieval.lookup import gist
from retrieval.rank import QueryTerms, Scored, rank
from retrieval.text import Lexicon, clean_query

if TYPE_CHECKING:
    from retrieval.retriever import Answer, Retriever

# "and the report?", "what about for SBRT?", "does that need a physicist?", "same for …"
_LEADS = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|thanks|great|so|right)\W+)*"
    r"(?:and|also|but|or|plus|then|what about|how about|what if|same|and what about|as for)\b",
    re.IGNORECASE,
)
_REFERS = re.compile(
    r"\b(?:it|its|it's|that|this|these|those|they|them|their|there|the same|one|too|"
    r"either|as well|else)\b",
    re.IGNORECASE,
)
_QUOTE_CHARS = 60


def cue(text: str) -> bool:
    """Whether the question's wording leans on an earlier turn (pronoun, "and …?", "what about")."""
    return bool(_LEADS.search(text) or _REFERS.search(text))


@dataclass(frozen=True)
class Anchor:
    """An earlier turn a follow-up can lean on."""

    question: str  # as the user asked it
    text: str  # what is carried into the follow-up's reading
    codes: tuple[str, ...]  # the codes the user named in it
    terms: QueryTerms
    # how well each entry fits the earlier question itself, without the slots a follow-up may
    # swap (code, modality, role): keeps a follow-up on the thread it follows
    thread: dict[int, float]

    @property
    def label(self) -> str:
        if self.codes:
            return f"Read with your earlier question about {', '.join(self.codes)}"
        q = (
            self.question
            if len(self.question) <= _QUOTE_CHARS
            else (self.question[:_QUOTE_CHARS].rsplit(" ", 1)[0] + "…")
        )
        return f"Read with your earlier question “{q}”"


def anchor_of(answer: Answer) -> Anchor | None:
    """The turn as a follow-up's anchor; None when it was not answered (nothing to lean on)."""
    if answer.abstained or not answer.results or answer.terms is None:
        return None
    q = answer.terms
    if len(answer.results) == 1:
        text = f"{answer.query} {gist(answer.results[0].entry.question)}"
    else:  # several entries (a bare code, or close matches): carry what the user said
        text = answer.resolved_text or answer.query
    codes = tuple(q.codes)  # read_as names the codes the user named, else quotes the question
    slots = ("code", "modality", "role")
    thread = {s.entry: s.score - sum(s.signals.get(k, 0.0) for k in slots) for s in answer.scored}
    return Anchor(answer.query, text, codes, q, thread)


def _swapped(lex: Lexicon, current: QueryTerms) -> Callable[[str], bool]:
    """Whether an earlier turn's term is a slot the follow-up fills anew ("what about for SBRT?",
    "and the physician?", "what about 77336?"): a code, modality or role where it names its own."""
    roles = lex.roles_in(current.terms)

    def swapped(term: str) -> bool:
        if current.codes and CODE_RE.fullmatch(term):
            return term.upper() not in current.codes
        if current.modalities and term in lex.modalities:
            return term not in current.modalities
        if roles and term in lex.roles:
            return lex.roles[term] not in roles
        return False

    return swapped


def read_with(
    retriever: Retriever, index: KBIndex, alone: Answer, anchor: Anchor, top_k: int
) -> Answer:
    """The follow-up read with its anchor: mixed scores, restricted to entries it supports."""
    cal = retriever.calibration.conversation
    lex = retriever.lexicon
    cur = alone.terms
    assert cur is not None
    swapped = _swapped(lex, cur)
    kept = [w for w in anchor.text.split() if not any(swapped(t) for t in lex.terms(w))]
    combined = f"{alone.query} {' '.join(kept)}"
    both = retriever.terms(index, combined)
    q = QueryTerms(
        terms=cur.terms + [t for t in both.terms if t not in cur.terms and not swapped(t)],
        codes=list(cur.codes) or list(both.codes),
        modalities=cur.modalities or both.modalities,
        fixes=both.fixes,
    )
    vector = retriever.embed(index, combined, q)
    with_ctx = {s.entry: s for s in rank(index, q, vector, retriever.calibration.fusion)}
    by_alone = {s.entry: s for s in alone.scored}
    w = cal.context_weight
    own = cur.words_besides_codes
    mixed: list[Scored] = []
    for i in with_ctx.keys() | by_alone.keys():
        support = index.coverage(own, i) if own else 1.0
        s_alone = by_alone[i].score if i in by_alone else 0.0
        s_ctx = with_ctx[i].score if i in with_ctx else 0.0
        thread = anchor.thread.get(i, 0.0)
        if support < cal.min_support or s_ctx < cal.min_context_score or thread < cal.min_thread:
            continue  # the entry lacks the follow-up's own terms, or does not fit the thread
        signals = dict((with_ctx.get(i) or by_alone[i]).signals)
        signals.update(
            alone=round(s_alone, 4),
            with_context=round(s_ctx, 4),
            support=round(support, 4),
            thread=round(thread, 4),
        )
        mixed.append(Scored(i, (1 - w) * s_alone + w * s_ctx, signals))
    mixed.sort(key=lambda s: (-s.score, index.entries[s.entry].id))
    d = dataclasses.replace(retriever.calibration.decision, min_score=cal.min_score)
    v = decide(index, q, mixed, d, top_k)
    if v.abstained and not v.suggestions:
        v = dataclasses.replace(v, suggestions=list(alone.scored[:3]))
    return retriever.answer(
        index, alone.query, q, mixed, v, read_as=anchor.label, resolved_text=combined
    )


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
    cal = retriever.calibration.conversation
    anchors: list[Anchor] = []
    for earlier in list(context)[-cal.max_turns :]:
        try:
            text = clean_query(earlier)
        except QueryError:
            continue
        a = single(text)
        if anchors:
            a = choose(retriever, index, a, anchors[-1], top_k)
        found = anchor_of(a)
        if found is not None:
            anchors.append(found)
    if not anchors:
        return alone
    return choose(retriever, index, alone, anchors[-1], top_k)


def choose(
    retriever: Retriever, index: KBIndex, alone: Answer, anchor: Anchor, top_k: int
) -> Answer:
    """The question alone, or read with its anchor (see the module docstring)."""
    cal = retriever.calibration.conversation
    q = alone.terms
    if q is None:
        return alone
    if any(c not in index.codes for c in q.codes):
        return alone  # names a code the KB does not cover: that abstention stands
    if q.codes and not q.words_besides_codes:
        return alone  # a bare code is a question of its own
    leans = cue(alone.query)
    elliptical = leans and len(set(q.words_besides_codes)) <= cal.max_elliptical_terms
    if not leans and not alone.abstained:
        return alone  # stands on its own: not bent by the history
    ctx = read_with(retriever, index, alone, anchor, top_k)
    if elliptical:
        if ctx.abstained:
            return dataclasses.replace(
                ctx, reason=f"{anchor.label}: no entry in the knowledge base answers it."
            )
        return ctx
    if ctx.abstained:
        return alone
    top = ctx.results[0].score
    if leans or top >= cal.min_score + cal.no_cue_margin:
        return ctx
    return alone
