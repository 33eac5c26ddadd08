"""What a new corpus changes against the active version, matched by content, not position.

Entries arrive with their stable ids (ingest/ids.py), so most pairs are made by step 1. Matching,
in order (each step only sees entries not matched before):

1. same id and same content → unchanged, or moved when its position in the document changed;
2. same content (question + answer hash), different id → moved (to another file);
3. same question (normalised), different answer → changed (and moved, if the id differs too);
4. same id, different question → changed in place;
5. whatever is left → added (new) or removed (old).

"Content" includes the alternate phrasings: new phrasings make an entry changed, since they
change what it is found by.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.parse import _norm_question
from retrieval.entry import Entry


@dataclass(frozen=True)
class Change:
    old: Entry
    new: Entry

    @property
    def fields(self) -> tuple[str, ...]:
        """Which parts differ: question, answer, alternates, id."""
        out = []
        if self.old.question != self.new.question:
            out.append("question")
        if self.old.answer != self.new.answer:
            out.append("answer")
        if self.old.alternates != self.new.alternates:
            out.append("alternates")
        if self.old.id != self.new.id:
            out.append("id")
        old, new = self.old, self.new
        if (old.position, old.document.name) != (new.position, new.document.name):
            out.append("position")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {"old_id": self.old.id, "new_id": self.new.id, "fields": list(self.fields),
                "old": {"question": self.old.question, "answer": self.old.answer,
                        "alternates": list(self.old.alternates)},
                "new": {"question": self.new.question, "answer": self.new.answer,
                        "alternates": list(self.new.alternates)}}


@dataclass
class EntryDiff:
    added: list[Entry] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    unchanged: list[Entry] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)  # same content, new id

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.moved)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "updated": len(self.changed),
                "removed": len(self.removed), "unchanged": len(self.unchanged),
                "moved": len(self.moved)}

    def ids(self) -> dict[str, list[str]]:
        return {
            "added": [e.id for e in self.added],
            "updated": [c.new.id for c in self.changed],
            "removed": [e.id for e in self.removed],
            "unchanged": [e.id for e in self.unchanged],
            "moved": [f"{c.old.id} → {c.new.id}" if c.old.id != c.new.id else
                      f"{c.new.id} (position {c.old.position} → {c.new.position})"
                      for c in self.moved],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [{"id": e.id, "question": e.question, "answer": e.answer}
                      for e in self.added],
            "changed": [c.to_dict() for c in self.changed],
            "removed": [{"id": e.id, "question": e.question, "answer": e.answer}
                        for e in self.removed],
            "moved": [{"old_id": c.old.id, "new_id": c.new.id} for c in self.moved],
            "unchanged": [e.id for e in self.unchanged],
        }


def _same(a: Entry, b: Entry) -> bool:
    return a.hash == b.hash and a.alternates == b.alternates


def _content_key(e: Entry) -> str:
    return e.hash


def _question_key(e: Entry) -> str:
    return _norm_question(e.question)


def _distance(o: Entry, n: Entry) -> tuple[bool, int]:
    return (o.document.name != n.document.name, abs(o.position - n.position))


def diff_entries(old: list[Entry], new: list[Entry]) -> EntryDiff:
    """Classify every old and new entry (see the module docstring for the matching order)."""
    out = EntryDiff()
    old_left = {e.id: e for e in old}
    new_left = {e.id: e for e in new}

    def pair(o: Entry, n: Entry) -> None:
        del old_left[o.id], new_left[n.id]
        if _same(o, n) and o.id == n.id and o.position == n.position:
            out.unchanged.append(n)
        elif o.hash == n.hash and o.alternates == n.alternates:
            out.moved.append(Change(o, n))
        else:
            out.changed.append(Change(o, n))

    for i, n in list(new_left.items()):  # 1. same id, same content
        o = old_left.get(i)
        if o is not None and _same(o, n):
            pair(o, n)
    for key in (_content_key, _question_key):  # 2. and 3.
        index: dict[str, list[Entry]] = {}
        for o in old_left.values():
            index.setdefault(key(o), []).append(o)
        for n in list(new_left.values()):
            candidates = index.get(key(n))
            if candidates:
                # prefer the candidate in the same document, then the nearest position
                best = min(candidates, key=lambda o: _distance(o, n))
                candidates.remove(best)
                pair(best, n)
    for i, n in list(new_left.items()):  # 4. same id, edited question
        o = old_left.get(i)
        if o is not None:
            pair(o, n)
    out.added = list(new_left.values())
    out.removed = list(old_left.values())
    order = {e.id: k for k, e in enumerate(new)}
    out.changed.sort(key=lambda c: order[c.new.id])
    out.moved.sort(key=lambda c: order[c.new.id])
    return out
