"""Entry ids over time: which numbers each document has used, and what became of removed ids.

An entry id is `<document stem>:<n>`. `n` is given once, when the entry is first ingested, and
kept while the entry is recognisably the same (ingest/ids.py matches them); a removed id is never
given to other guidance. The registry travels in every version's manifest (`info["ids"]`), so a
version alone can say of any id it ever knew "removed in version X" (and what replaced it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from retrieval.entry import Entry


def split_id(entry_id: str) -> tuple[str, int | None]:
    """(document stem, n) of `stem:n`; n is None when the id has another form."""
    stem, _, n = entry_id.rpartition(":")
    if not stem or not n.isdigit():
        return entry_id, None
    return stem, int(n)


@dataclass(frozen=True)
class Removed:
    """An id no version after `version` serves; `successor` holds the same text elsewhere."""

    version: str
    question: str  # the question it had, shortened, for people reading a message
    hash: str  # content hash of question + answer (an exact return revives the id)
    question_key: str  # hash of the normalised question (the same question revives it too)
    document: str
    successor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "question": self.question, "hash": self.hash,
                "question_key": self.question_key, "document": self.document,
                "successor": self.successor}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Removed:
        return cls(d["version"], d.get("question", ""), d.get("hash", ""),
                   d.get("question_key", ""), d.get("document", ""), d.get("successor"))


@dataclass
class IdRegistry:
    """Per document the next unused n, and every id taken out of the knowledge base."""

    next: dict[str, int] = field(default_factory=dict)
    removed: dict[str, Removed] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"next": dict(sorted(self.next.items())),
                "removed": {k: v.to_dict() for k, v in sorted(self.removed.items())}}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> IdRegistry:
        d = d or {}
        return cls({str(k): int(v) for k, v in d.get("next", {}).items()},
                   {k: Removed.from_dict(v) for k, v in d.get("removed", {}).items()})

    @classmethod
    def of(cls, info: dict[str, Any], entries: list[Entry] | None = None) -> IdRegistry:
        """A version's registry; versions written before ids were stable get one from entries."""
        reg = cls.from_dict(info.get("ids"))
        for e in entries or ():
            reg.note_used(e.id)
        return reg

    def note_used(self, entry_id: str) -> None:
        stem, n = split_id(entry_id)
        if n is not None and n >= self.next.get(stem, 1):
            self.next[stem] = n + 1

    def merge(self, other: IdRegistry) -> None:
        """Add what another version knew: the higher counter wins, removals accumulate."""
        for stem, n in other.next.items():
            self.next[stem] = max(self.next.get(stem, 1), n)
        for k, v in other.removed.items():
            self.removed.setdefault(k, v)

    def take(self, stem: str) -> str:
        """A new id for a document: one past the highest it ever used."""
        n = self.next.get(stem, 1)
        self.next[stem] = n + 1
        return f"{stem}:{n}"


@dataclass(frozen=True)
class IdStatus:
    """What an id means in one version: its entry, or when it was removed and what replaced it."""

    id: str
    kb_version: str
    entry: Entry | None = None
    removed: Removed | None = None

    @property
    def message(self) -> str:
        if self.entry is not None:
            return f"{self.id} is in knowledge-base version {self.kb_version}"
        if self.removed is not None:
            r = self.removed
            then = f" (it was “{r.question}”)" if r.question else ""
            now = f"; the same guidance is now {r.successor}" if r.successor else ""
            return f"{self.id} was removed in version {r.version}{then}{now}"
        return (f"{self.id} is not an entry of knowledge-base version {self.kb_version} and "
                "never was one of its ancestors")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kb_version": self.kb_version, "present": self.entry is not None,
                "removed_in": self.removed.version if self.removed else None,
                "successor": self.removed.successor if self.removed else None,
                "message": self.message}


def id_status(entry_id: str, kb_version: str, entries: dict[str, Entry],
              info: dict[str, Any]) -> IdStatus:
    """Resolve an id against one version (its entries by id and its manifest info)."""
    entry_id = entry_id.strip()
    if entry_id in entries:
        return IdStatus(entry_id, kb_version, entry=entries[entry_id])
    removed = IdRegistry.from_dict(info.get("ids")).removed.get(entry_id)
    return IdStatus(entry_id, kb_version, removed=removed)


def removed_notes(info: dict[str, Any]) -> dict[str, str]:
    """Removed id → "was removed in version X[; the same guidance is now Y]" of one version."""
    out = {}
    for rid, r in IdRegistry.from_dict(info.get("ids")).removed.items():
        now = f"; the same guidance is now {r.successor}" if r.successor else ""
        out[rid] = f"was removed in version {r.version}{now}"
    return out
