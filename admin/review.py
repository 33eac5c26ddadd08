"""Out-of-scope eval rows that new guidance now answers: held for an admin's review.

When a new or changed document answers a row written as out of scope, the quality gate does not
fail: it lists the row "for review" with the entry that answered. The admin then accepts it as in
scope (the row now expects that entry) or keeps it out of scope. Decisions are an eval set of
their own under the data dir, never under the code:

    <data>/evals/pending-review.jsonl   rows waiting for a decision (the gate writes them)
    <data>/evals/reviewed.jsonl         decided rows: {"id", "question", "expected", "context",
                                        "reviewed": {"decision", "by", "at", "kb_version", "set"}}

`reviewed.jsonl` is a normal eval set (`python -m evals run data/evals/reviewed.jsonl`); the gate
reads it over the shipped sets, a decided row replacing the shipped row of the same id.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from retrieval.errors import RadoncQAError

PENDING = "pending-review.jsonl"
REVIEWED = "reviewed.jsonl"


class ReviewError(RadoncQAError):
    """A review decision names a row that is not waiting for one."""

    exit_code = 2


@dataclass(frozen=True)
class ReviewItem:
    """An out-of-scope row answered by an entry of a new or changed document."""

    id: str
    question: str
    entry: str  # the entry that answered it
    entry_question: str
    document: str
    kb_version: str
    set: str = ""
    context: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)  # [] for a row written as out of scope

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                   encoding="utf-8")
    os.replace(tmp, path)


class ReviewBook:
    """The pending and decided review rows of one data dir."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.pending_path = self.folder / PENDING
        self.reviewed_path = self.folder / REVIEWED

    def pending(self) -> list[ReviewItem]:
        return [ReviewItem(**r) for r in _read(self.pending_path)]

    def hold(self, items: list[ReviewItem]) -> None:
        """Add rows waiting for a decision (a row already waiting is updated)."""
        if not items:
            return
        rows = {r["id"]: r for r in _read(self.pending_path)}
        rows.update({i.id: i.to_dict() for i in items})
        _write(self.pending_path, list(rows.values()))

    def decided(self) -> dict[str, dict[str, Any]]:
        """Row id → its decided eval row."""
        return {r["id"]: r for r in _read(self.reviewed_path)}

    def decide(self, row_id: str, *, in_scope: bool, by: str) -> dict[str, Any]:
        """Accept the entry that answered as right for the row (it joins the row's expected
        entries; an out-of-scope row becomes in scope), or keep the row as it was written."""
        waiting = {i.id: i for i in self.pending()}
        item = waiting.get(row_id)
        if item is None:
            ids = ", ".join(sorted(waiting)) or "none"
            raise ReviewError(f"row {row_id} is not waiting for a review (waiting: {ids})")
        row = {"id": item.id, "question": item.question,
               "expected": sorted({*item.expected, item.entry}) if in_scope
               else list(item.expected),
               **({"context": item.context} if item.context else {}),
               "reviewed": {"decision": "in scope" if in_scope else "as written", "by": by,
                            "at": datetime.now(UTC).isoformat(timespec="seconds"),
                            "kb_version": item.kb_version, "entry": item.entry,
                            "set": item.set}}
        decided = self.decided()
        decided[row_id] = row
        _write(self.reviewed_path, list(decided.values()))
        _write(self.pending_path, [i.to_dict() for i in waiting.values() if i.id != row_id])
        return row
