"""Typed records of the knowledge base: a guidance Document and the Q&A Entries parsed from it.

An Entry holds its Document, so anything that carries an entry carries the document's
disclaimer, references and CPT notice by construction.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any


def content_hash(*parts: str) -> str:
    """Stable hash of text, insensitive to Unicode normal form and surrounding whitespace."""
    h = hashlib.sha256()
    for part in parts:
        h.update(unicodedata.normalize("NFC", part.strip()).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


ABOUT = "about"  # the entry answers about this code (named in its question, or on its own)
MENTION = "mention"  # the entry only lists it (a range, a list, codes that may not be billed)


@dataclass(frozen=True)
class Code:
    """A CPT® or HCPCS code of an entry, with the descriptor the document gives, if any."""

    code: str
    descriptor: str | None = None
    role: str = ABOUT  # ABOUT or MENTION; versions stored before roles existed read as ABOUT

    def label(self) -> str:
        return f"{self.code} ({self.descriptor})" if self.descriptor else self.code


@dataclass(frozen=True)
class Document:
    """A published guidance document: the source every one of its entries is shown with."""

    name: str  # file stem; entry ids are "<name>:<n>"
    filename: str
    title: str
    disclaimer: str
    notice: str = ""
    references: tuple[str, ...] = ()
    publisher: str | None = None
    published: str | None = None  # publication / effective date as given in metadata
    source_hash: str = ""

    def __post_init__(self) -> None:
        if not self.disclaimer.strip():
            raise ValueError(f"document {self.filename!r} has no disclaimer; none may be shown")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["references"] = list(self.references)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        return cls(**{**d, "references": tuple(d.get("references", ()))})


@dataclass(frozen=True)
class Entry:
    """One curated question with its verbatim answer, its codes and its document.

    `codes` holds every code the entry names (`code_set`); `codes_about` only those it is about.
    """

    id: str
    position: int
    question: str
    answer: str
    document: Document
    codes: tuple[Code, ...] = ()
    alternates: tuple[str, ...] = ()  # other phrasings of the question, from the corpus
    line: int | None = None  # line of the question in its source file, where known
    hash: str = field(default="")

    def __post_init__(self) -> None:
        if not self.hash:
            object.__setattr__(self, "hash", content_hash(self.question, self.answer))

    @cached_property
    def code_set(self) -> frozenset[str]:
        """The codes as a set; computed once (ranking asks for it per candidate, per question)."""
        return frozenset(c.code for c in self.codes)

    @cached_property
    def codes_about(self) -> frozenset[str]:
        """The codes the entry is about (not those it only mentions in a list)."""
        return frozenset(c.code for c in self.codes if c.role == ABOUT)

    def to_dict(self) -> dict[str, Any]:
        """Serialise with the document referenced by name (see `from_dict`)."""
        return {
            "id": self.id,
            "position": self.position,
            "question": self.question,
            "answer": self.answer,
            "document": self.document.name,
            "codes": [asdict(c) for c in self.codes],
            "alternates": list(self.alternates),
            "line": self.line,
            "hash": self.hash,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], documents: dict[str, Document]) -> Entry:
        return cls(
            id=d["id"],
            position=d["position"],
            question=d["question"],
            answer=d["answer"],
            document=documents[d["document"]],
            codes=tuple(Code(**c) for c in d.get("codes", ())),
            alternates=tuple(d.get("alternates", ())),
            line=d.get("line"),
            hash=d.get("hash", ""),
        )
