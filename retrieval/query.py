"""What the ranker knows of a question (its terms, codes, modalities) and a scored candidate."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["QueryTerms", "Scored"]


@dataclass(frozen=True)
class QueryTerms:
    """What the ranker needs of a question, computed once."""

    terms: list[str]  # canonical stemmed content terms (codes included)
    codes: list[str]
    modalities: frozenset[str]
    fixes: dict[str, str] = field(default_factory=dict)
    # a follow-up's own words (None for a question asked alone): what it asks now, as opposed to
    # the thread's words it also carries, which name the topic every close sibling shares
    own: list[str] | None = None
    # whether it asks how much something pays ("what does medicare pay for 77386?"): a wh-question
    # about payment asks an amount, which only an entry that states one (a rate, RVUs, an APC)
    # answers; a yes/no one ("does medicare pay for it?") asks whether it is paid
    amount: bool = False

    def _besides_codes(self, terms: list[str]) -> list[str]:
        # terms are lower-cased, codes as printed: "g6009" is the HCPCS code G6009
        codes = {c.lower() for c in self.codes}
        return [t for t in terms if t not in codes]

    @property
    def words_besides_codes(self) -> list[str]:
        return self._besides_codes(self.terms)

    @property
    def asked_words(self) -> list[str]:
        """The words this turn asks (a follow-up's own, else all of them), codes aside."""
        return self._besides_codes(self.terms if self.own is None else self.own)


@dataclass(frozen=True)
class Scored:
    entry: int
    score: float
    signals: dict[str, float]
