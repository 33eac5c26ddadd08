"""A follow-up read with the earlier turn it leans on: the reading, its ranking and decision.

The follow-up and that turn are embedded together (one more query embedding); the follow-up's
own terms plus the code and modality it inherits are what an entry must cover; each entry is
scored on that reading and on the follow-up read alone, the alone reading counting as much as
the abstention model trusts it; the single-question decision (`decide`) answers or abstains on
that ranking. `retrieval/conversation.py` decides when a message is read this way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from retrieval.aspects import aspects_unnamed, unanswered_reason
from retrieval.codes import CODE_RE
from retrieval.decide import NO_ANSWER, SUGGESTIONS, Verdict, decide
from retrieval.evidence import evidence
from retrieval.index import KBIndex
from retrieval.rank import QueryTerms, Scored, rank
from retrieval.text import Lexicon
from retrieval.turns import additive, companion, owns, refers, swaps

if TYPE_CHECKING:
    import numpy as np

    from retrieval.answer import Answer
    from retrieval.config import Calibration


class Retriever(Protocol):
    """What reading a follow-up needs of the retriever (retrieval.retriever.Retriever)."""

    lexicon: Lexicon
    calibration: Calibration

    def terms(self, index: KBIndex, text: str) -> QueryTerms: ...

    def embed(self, index: KBIndex, text: str, q: QueryTerms) -> np.ndarray: ...

    def answer(self, index: KBIndex, text: str, q: QueryTerms, scored: Sequence[Scored],
               v: Verdict, **extra: Any) -> Answer: ...

_QUOTE_CHARS = 60


@dataclass(frozen=True)
class Anchor:
    """An earlier turn a follow-up can lean on."""

    question: str  # as the user asked it
    text: str  # what is carried into the follow-up's reading
    codes: tuple[str, ...]  # the codes the user named in it (or inherited)
    entries: tuple[int, ...]  # the entries it was answered with (none: it was not answered)

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


def anchor_of(index: KBIndex, answer: Answer) -> Anchor | None:
    """The turn as a follow-up's anchor; None when it was not answered (nothing to lean on)."""
    if answer.abstained or not answer.results or answer.terms is None:
        return None
    # what the user asked (a follow-up: as it was read), not the curated question of the entry
    # that answered it: that would give the earlier entry an edge the follow-up did not earn
    text = answer.resolved_text or answer.query
    entries = tuple(index.position[m.entry.id] for m in answer.results)
    return Anchor(answer.query, text, tuple(answer.terms.codes), entries)


def unanswered_anchor(answer: Answer) -> Anchor:
    """An earlier turn nothing answered, as an anchor: its words and codes, no entry."""
    assert answer.terms is not None
    return Anchor(answer.query, answer.query, tuple(answer.terms.codes), ())


def _keeps_codes(text: str, cur: QueryTerms, anchor: Anchor) -> bool:
    """Whether a follow-up naming a code asks about it together with the earlier turn's codes,
    not in place of them: it names its code as a companion ("and with 77307?", "is 77300 billed
    separately with those?"), or points back at the earlier codes ("can 77300 go with them?")
    without opening as a swap ("what about 77336?")."""
    if not cur.codes or not anchor.codes:
        return False
    return companion(text) or (refers(text) and not swaps(text))


def _keeps_modalities(lex: Lexicon, text: str, cur: QueryTerms, anchor: Anchor) -> bool:
    """Whether a follow-up naming a modality asks about it together with the earlier turn's
    modality, not in place of it: it points back at the earlier one ("can we bill IGRT with
    it?" after an SBRT planning question asks about IGRT with SBRT) without opening as a swap
    ("what about for SBRT?"), as `_keeps_codes` reads a code."""
    if not cur.modalities or not refers(text) or swaps(text):
        return False
    return bool(lex.modalities_in(lex.terms(anchor.text)) - cur.modalities)


def _swapped(lex: Lexicon, current: QueryTerms, text: str,
             keep_codes: bool = False, keep_modalities: bool = False) -> Callable[[str], bool]:
    """Whether an earlier turn's term is a slot the follow-up fills anew ("what about for SBRT?",
    "and the physician?", "what about 77336?"): a code, modality or role where it names its own.

    A role the follow-up adds ("does the doctor have to sign it too?") replaces nothing, and
    neither does a code or modality it names beside the earlier ones (`keep_codes`,
    `keep_modalities`, see `_keeps_codes` and `_keeps_modalities`).
    """
    roles = frozenset() if additive(text) else lex.roles_in(current.terms)

    def swapped(term: str) -> bool:
        if current.codes and CODE_RE.fullmatch(term):
            return not keep_codes and term.upper() not in current.codes
        if current.modalities and term in lex.modalities:
            return not keep_modalities and term not in current.modalities
        if roles and term in lex.roles:
            return lex.roles[term] not in roles
        return False

    return swapped


def read_with(
    retriever: Retriever, index: KBIndex, alone: Answer, anchor: Anchor, top_k: int,
    inherit: bool = True,
) -> Answer:
    """The follow-up read with its anchor, decided by the single-question decision.

    Without `inherit`, the anchor shapes only the embedding: no code or modality is carried over.
    """
    lex = retriever.lexicon
    cur = alone.terms
    assert cur is not None
    keep = inherit and _keeps_codes(alone.query, cur, anchor)
    keep_modalities = inherit and _keeps_modalities(lex, alone.query, cur, anchor)
    swapped = _swapped(lex, cur, alone.query, keep, keep_modalities)
    kept = [w for w in anchor.text.split() if not any(swapped(t) for t in lex.terms(w))]
    combined = f"{alone.query} {' '.join(kept)}"
    both = retriever.terms(index, combined)
    codes = list(cur.codes) or [c for c in both.codes if c in anchor.codes or not anchor.codes]
    if keep:
        codes += [c for c in both.codes if c in anchor.codes and c not in codes]
    modalities = cur.modalities | both.modalities if keep_modalities else (
        cur.modalities or both.modalities)
    if not inherit:
        codes, modalities = list(cur.codes), cur.modalities
    elif _owned_thing(lex, alone.query, cur):
        # "how is its isodose plan leveled?" after a 77770 question asks about a thing of the
        # earlier service's own, which may be reported with a code of its own (the isodose plan
        # with 77316-77318): the earlier code shapes the reading, no entry must be about it
        codes = list(cur.codes)
    terms = _asked_terms(cur, both, codes, modalities)
    q = QueryTerms(terms=terms, codes=codes, modalities=modalities, fixes=both.fixes,
                   own=list(cur.terms))
    vector = retriever.embed(index, combined, q)
    cal = retriever.calibration
    # a pronoun for the earlier codes or modality: the follow-up alone is half a question ("can
    # we bill IGRT with it?" read alone asks about IGRT with anything), not trusted
    half = (keep and refers(alone.query)) or keep_modalities
    trust = 0.0 if half else _trust(index, alone, retriever)
    scored = _both_readings(index, alone, rank(index, q, vector, cal.fusion), trust,
                            _earned(index, alone, anchor))
    v = decide(index, q, scored, cal.decision, top_k, cal.abstention)
    # the aspects the best entry leaves out: they overrule an answer, and say why it abstains
    best = v.results[0].entry if v.results else scored[0].entry if scored else None
    unanswered = aspects_unnamed(index, lex, alone.query, cur, best)
    if unanswered and not v.abstained:
        v = Verdict(True, [], [*v.results, *v.suggestions][:SUGGESTIONS], NO_ANSWER, "No match")
    label = anchor.label
    a = retriever.answer(index, alone.query, q, scored, v)
    if a.abstained:
        if not a.suggestions:
            a = dataclasses.replace(a, suggestions=alone.suggestions)
        a = dataclasses.replace(a, reason=unanswered_reason(label, lex, unanswered))
    return dataclasses.replace(a, read_as=label, resolved_text=combined, turn="follow_up")


def _owned_thing(lex: Lexicon, text: str, cur: QueryTerms) -> bool:
    """Whether the follow-up asks about a thing the earlier subject has ("its write-up", "its
    isodose plan") rather than an aspect of that subject itself ("its payment amount", "its
    units"): an aspect is asked of the earlier service and keeps its code."""
    return owns(text) and not lex.aspects_in(cur.terms)


THIN_TERMS = 1  # a follow-up with at most this many words of its own names no object


def _asked_terms(cur: QueryTerms, both: QueryTerms, codes: list[str],
                 modalities: frozenset[str]) -> list[str]:
    """The terms an entry must cover to answer the follow-up read with its thread.

    What the follow-up asks is its own terms; the topic it leaves out (code, modality) is
    inherited, and the rest of the earlier turn only shapes the embedding. A follow-up that
    names no code or modality and has at most `THIN_TERMS` words of its own ("who has to sign
    it?", "what does it pay?", "and in the hospital?") asks one thing about what the earlier
    turn named: the earlier turn's terms are its object, so they are asked too ("sign" + the
    report, not any entry that talks of signing; "pay" + the code, not any entry that mentions
    payment). A follow-up that names a code or modality of its own ("what about during SBRT?")
    swaps that slot: the earlier turn's other words may be what it replaces, so they are not
    asked. `THIN_TERMS` was chosen by leave-one-set-out cross-validation (README).
    """
    own = list(cur.terms)
    if not own:
        return list(both.terms)
    if _thin(cur):
        return own + [t for t in both.terms if t not in own]
    inherited = dict.fromkeys(
        t for t in both.terms if t not in own and (t in modalities or t.upper() in codes))
    return own + list(inherited)


def _thin(cur: QueryTerms) -> bool:
    """Whether the follow-up names no code or modality and at most `THIN_TERMS` words."""
    return len(cur.words_besides_codes) <= THIN_TERMS and not cur.codes and not cur.modalities


def _earned(index: KBIndex, alone: Answer, anchor: Anchor) -> int | None:
    """The earlier turn's entry when a thin follow-up with a pronoun asks what it names.

    "who has to sign it?" asks one thing about what the earlier turn named: when the entry that
    answered that turn names it, the alone reading, which cannot know what "it" is, does not
    count against that entry (its reading with the thread stands).
    """
    cur = alone.terms
    if cur is None or not cur.terms or not _thin(cur) or not refers(alone.query):
        return None
    if _owned_thing(index.lexicon, alone.query, cur):
        # "what has to go into its write-up?" names a thing of its own (the report) that the
        # earlier entry may only mention; the entry about that thing is what it asks for
        return None
    if not anchor.entries:
        return None  # the earlier turn was not answered: no entry to keep
    entry = anchor.entries[0]
    return entry if all(t in index.entry_terms[entry] for t in cur.terms) else None


def _trust(index: KBIndex, alone: Answer, retriever: Retriever) -> float:
    """How far the follow-up read alone is trusted: the abstention model's probability that its
    own top entry answers it (1 without a model: then the two readings weigh the same)."""
    model = retriever.calibration.abstention
    if model is None:
        return 1.0
    if alone.terms is None or not alone.scored:
        return 0.0
    return model.probability(evidence(index, alone.terms, list(alone.scored)))


def _both_readings(index: KBIndex, alone: Answer, with_ctx: list[Scored],
                   trust: float, earned: int | None = None) -> list[Scored]:
    """Each entry scored on its two readings: with the earlier turn, and the follow-up alone.

    Read with the earlier turn, the entry that answered it keeps an edge it did not earn from
    the follow-up; read alone, a follow-up that leans on the earlier turn ("and in the
    hospital?") has no topic. So the alone reading counts in proportion to how much the
    abstention model trusts it (`trust`, its probability in [0, 1]): a follow-up that carries its
    own question ("can we bill the weekly management code for it too?") is held to both, an
    elliptical one is read mostly with its thread. The weighted mean stays on the
    single-question scale, so the single-question decision decides on it unchanged. Chosen over
    the plain mean and the context reading alone by leave-one-document-out cross-validation on
    the conversation dev sets (README); no weight or threshold of its own is fitted. The entry
    `earned` (the earlier turn's, when a thin pronoun follow-up asks what it names) keeps its
    reading with the earlier turn when that is higher.
    """
    by_alone = {s.entry: s.score for s in alone.scored}
    out = []
    for s in with_ctx:
        a = by_alone.get(s.entry, 0.0)
        signals = dict(s.signals, alone=round(a, 4), with_context=round(s.score, 4))
        mean = (s.score + trust * a) / (1 + trust)
        out.append(Scored(s.entry, max(mean, s.score) if s.entry == earned else mean, signals))
    out.sort(key=lambda s: (-s.score, index.entries[s.entry].id))
    return out
