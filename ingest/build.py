"""Corpus → a complete new knowledge-base version, activated in one atomic switch.

Everything that can be wrong with the corpus is found before anything is written, so bad input
leaves the active version as it was. Passages whose text is unchanged reuse their stored vectors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ingest.chunk import passages_for
from ingest.load import find_documents, read_document
from ingest.parse import ParsedDocument, _norm_question, parse_daily_practice
from retrieval.embedding import Embedder
from retrieval.entry import Entry
from retrieval.errors import CorpusFormatError
from retrieval.store.base import KBStore, Manifest, PassageRecord, new_version_id, utcnow

EMBED_BATCH = 256
Progress = Callable[[int, int], None]


@dataclass
class IngestReport:
    kb_version: str | None
    entries: int
    documents: int
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False
    activated: bool = False
    embedded: int = 0
    reused: int = 0
    pruned: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("added", "updated", "removed", "unchanged"):
            d[k] = len(d[k])
            d[f"{k}_ids"] = getattr(self, k)
        return d


def parse_corpus(corpus: Path) -> list[ParsedDocument]:
    """Every document in the corpus, parsed; the first problem found raises CorpusError."""
    parsed = [parse_daily_practice(read_document(p), p) for p in find_documents(corpus)]
    seen: dict[str, Entry] = {}
    stems: dict[str, str] = {}
    for doc in parsed:
        if doc.document.name in stems:
            raise CorpusFormatError(
                Path(corpus) / doc.document.filename,
                f"has the same name as {stems[doc.document.name]}",
                "entry ids come from the file name; rename one of the two")
        stems[doc.document.name] = doc.document.filename
        for e in doc.entries:
            key = _norm_question(e.question)
            if key in seen:
                other = seen[key]
                raise CorpusFormatError(
                    Path(corpus) / doc.document.filename,
                    f"the question on line {e.line} repeats {other.id} "
                    f"({other.document.filename} line {other.line})",
                    "keep the question in one document only", line=e.line)
            seen[key] = e
    return parsed


def diff(old: list[Entry], new: list[Entry]) -> dict[str, list[str]]:
    """Entry ids added, updated (same id, new text), removed and unchanged."""
    before = {e.id: e for e in old}
    after = {e.id: e for e in new}
    return {
        "added": sorted(i for i in after if i not in before),
        "updated": sorted(i for i in after if i in before and before[i].hash != after[i].hash),
        "removed": sorted(i for i in before if i not in after),
        "unchanged": sorted(i for i in after if i in before and before[i].hash == after[i].hash),
    }


def _same_documents(old: Manifest, parsed: list[ParsedDocument]) -> bool:
    new = {d.document.name: d.document for d in parsed}
    return new == old.documents and [e.to_dict() for d in parsed for e in d.entries] == [
        e.to_dict() for e in old.entries]


def ingest(store: KBStore, embedder: Embedder, corpus: Path, *, dry_run: bool = False,
           force: bool = False, keep_versions: int = 5, progress: Progress | None = None,
           info: dict[str, Any] | None = None) -> IngestReport:
    """Build and activate a new version from the corpus (or, with dry_run, only report)."""
    parsed = parse_corpus(corpus)
    entries = [e for d in parsed for e in d.entries]
    with store.ingest_lock():
        store.cleanup_incomplete()
        active = store.active_version()
        old = store.read_manifest(active) if active else None
        changes = diff(old.entries if old else [], entries)
        report = IngestReport(active, len(entries), len(parsed), changes["added"],
                              changes["updated"], changes["removed"], changes["unchanged"],
                              dry_run=dry_run)
        if dry_run:
            return report
        if old is not None and not force and _same_documents(old, parsed):
            return report  # nothing changed: the active version already is this corpus

        passages = passages_for(entries, embedder.count_tokens)
        vectors = np.zeros((len(passages), embedder.dim), dtype=np.float32)
        reusable: dict[str, np.ndarray] = {}
        if old is not None and old.model == embedder.name:
            ids, old_vectors = store.embeddings(old.version)
            by_id = dict(zip(ids, old_vectors, strict=True))
            for old_p in old.passages:
                reusable.setdefault(old_p.hash, by_id[old_p.id])
        todo = []
        for i, p in enumerate(passages):
            if p.hash in reusable:
                vectors[i] = reusable[p.hash]
            else:
                todo.append(i)
        done = 0
        if progress:
            progress(0, len(todo))
        for start in range(0, len(todo), EMBED_BATCH):
            batch = todo[start : start + EMBED_BATCH]
            vectors[batch] = embedder.embed([passages[i].text for i in batch])
            done += len(batch)
            if progress:
                progress(done, len(todo))

        version = new_version_id()
        manifest = Manifest(
            version=version,
            created_at=utcnow(),
            model=embedder.name,
            documents={d.document.name: d.document for d in parsed},
            entries=entries,
            passages=[PassageRecord(p.id, p.entry_id, p.field, p.text, p.hash) for p in passages],
            info={"previous": active, **{k: len(v) for k, v in changes.items()}, **(info or {})},
        )
        store.write_version(manifest, vectors)
        store.activate(version)
        report.kb_version = version
        report.activated = True
        report.embedded = len(todo)
        report.reused = len(passages) - len(todo)
        report.pruned = store.prune(keep_versions)
        return report
