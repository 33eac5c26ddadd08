"""What a question gets back: the matched entries (verbatim, their document's disclaimer with
them) or an abstention, with how it was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from retrieval.entry import Entry
from retrieval.lookup import Lookup
from retrieval.rank import QueryTerms, Scored

__all__ = ["Answer", "Match"]


@dataclass(frozen=True)
class Match:
    """An entry returned for a question; its document (and so its disclaimer) comes with it."""

    entry: Entry
    score: float
    signals: dict[str, float] = field(default_factory=dict)

    @property
    def disclaimer(self) -> str:
        return self.entry.document.disclaimer

    def to_dict(self) -> dict[str, Any]:
        e, doc = self.entry, self.entry.document
        return {
            "id": e.id,
            "question": e.question,
            "answer": e.answer,
            "score": round(self.score, 4),
            "codes": [c.code for c in e.codes],
            "code_descriptors": {c.code: c.descriptor for c in e.codes if c.descriptor},
            "document": doc.name,
            "document_title": doc.title,
            "references": list(doc.references),
            "disclaimer": doc.disclaimer,
            "notice": doc.notice,
        }


@dataclass(frozen=True)
class Answer:
    query: str
    kb_version: str
    abstained: bool
    results: tuple[Match, ...]
    suggestions: tuple[Match, ...]
    reason: str = ""
    confidence: str = ""
    read_as: str | None = None  # how a follow-up was read, when context changed it
    corrections: dict[str, str] = field(default_factory=dict)
    # what the decision was made from, so evals can re-decide at other thresholds without
    # re-embedding (`evals.runner`); not part of the JSON contract
    terms: QueryTerms | None = field(default=None, repr=False, compare=False)
    scored: tuple[Scored, ...] = field(default=(), repr=False, compare=False)
    # conversation (retrieval/conversation.py, clarify.py, lookup.py)
    clarify: bool = False  # several entries answer: ask which one is meant (they are `results`)
    clarify_prompt: str = ""
    lookup: Lookup | None = None  # a code look-up ("what is 77336?"): the KB's listing
    # the text a follow-up was read as (with its earlier turn)
    resolved_text: str = field(default="", repr=False, compare=False)
    # what the message is in its conversation (retrieval/turns.py) and, for small talk, the reply
    turn: str = "standalone"
    reply: str = ""

    @property
    def top(self) -> Match | None:
        return self.results[0] if self.results else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "kb_version": self.kb_version,
            "abstained": self.abstained,
            "confidence": self.confidence,
            "reason": self.reason,
            "read_as": self.read_as,
            "turn": self.turn,
            "reply": self.reply,
            "clarify": self.clarify,
            "clarify_prompt": self.clarify_prompt,
            "lookup": self.lookup.to_dict() if self.lookup else None,
            "results": [m.to_dict() for m in self.results],
            "suggestions": [
                {"id": m.entry.id, "question": m.entry.question, "score": round(m.score, 4)}
                for m in self.suggestions
            ],
        }
