"""What a follow-up asks in its own words (payment, frequency, a modifier…) that the entry
answering it must name, and what the card says when nothing on the earlier topic does."""

from __future__ import annotations

from retrieval.index import KBIndex
from retrieval.rank import QueryTerms
from retrieval.text import Lexicon
from retrieval.turns import asks_amount

# what the card calls an aspect (the canonical terms of lexicon.toml's [aspects])
ASPECT_NAMES = {
    "quantity": "how many units", "frequency": "how often it may be billed",
    "payment": "payment", "payrate": "the payment amount (rate, RVUs)", "modifier": "a modifier",
    "authorization": "prior authorization", "necessity": "medical necessity",
    "diagnosis": "the diagnosis code", "credential": "credentials", "supervision": "supervision",
    "mue": "the unit limit (MUE)", "globalperiod": "the global period",
    "pos": "the place of service", "gcode": "the G-codes",
    "abn": "ABNs (advance beneficiary notices)",
    "npi": "whose provider number (NPI) it is billed under",
}


def facet_words(lex: Lexicon, term: str) -> str:
    """An aspect, modality or payer term (stemmed) in a coder's words: "frequenc" → "how often
    it may be billed", "tbi" → "TBI", "aetna" → "Aetna"."""
    if term in lex.payers:
        return lex.payers[term]
    name = lex.facet_name(term)
    return ASPECT_NAMES.get(name, name.upper() if len(name) <= 5 else name)


def asks_an_amount(lex: Lexicon, text: str, terms: list[str]) -> bool:
    """Whether the question asks how much something pays: it names payment and asks *what* or
    *how much* ("what's the medicare payment for 77386 in 2026?", "how much does it pay?")."""
    (payment,) = lex.terms("payment")  # as the lexicon stems it
    return payment in terms and asks_amount(text)


def asked_aspects(lex: Lexicon, terms: list[str], amount: bool) -> frozenset[str]:
    """The aspects `terms` ask, payment read as the payment amount when `amount`."""
    asked = lex.aspects_in(terms)
    if amount:
        (payment,), (rate,) = lex.terms("payment"), lex.terms("payrate")
        if payment in asked:
            asked = (asked - {payment}) | {rate}
    return asked


def aspects_unnamed(index: KBIndex, lex: Lexicon, text: str, cur: QueryTerms,
                     entry: int | None) -> list[str]:
    """The aspects the follow-up asks in its own words (payment, modifier, frequency, who may
    bill…) that `entry` never names (canonical terms, sorted).

    Read with the thread, any entry on the earlier topic covers the thread's words, so coverage
    alone would let the supervision entry answer "and how much does it pay?". A follow-up that
    asks *what* or *how much* something pays asks an amount ("what does medicare pay for
    it?"): an entry that only says under which fee schedule a code is paid does not give one.
    """
    if entry is None:
        return []
    asked = asked_aspects(lex, cur.terms, asks_an_amount(lex, text, cur.terms))
    return sorted(asked - index.entry_terms[entry])


def unanswered_reason(label: str, lex: Lexicon, aspects: list[str]) -> str:
    """Why a follow-up read with its thread abstains, as the card says it."""
    if not aspects:
        return f"{label}: no entry in the knowledge base answers it."
    asked = " and ".join(facet_words(lex, t) for t in aspects)
    return (f"{label}: it asks about {asked}, and no entry on that topic in the knowledge base "
            f"speaks to it.")
