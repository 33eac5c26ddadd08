"""Corpus → a complete new knowledge-base version, activated in one atomic switch.

Everything that can be wrong with the corpus is found before anything is written, so bad input
leaves the active version as it was. Passages whose text is unchanged reuse their stored vectors
(matched by content hash, so renumbered entries reuse theirs too). An optional quality gate runs
against the new version before it is activated; a version that fails it is deleted unactivated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest import chunk
from ingest.chunk import Passage, passages_for
from ingest.diff import EntryDiff, diff_entries
from ingest.ids import IdPool, assign_ids, close_registry, pool_from_store
from ingest.load import find_documents, read_document
from ingest.parse import ParsedDocument, _norm_question, parse_daily_practice
from ingest.sidecars import apply_sidecars, read_meta
from ingest.sources import SOURCES_KEY, archive_corpus, archive_dir
from retrieval.embedding import Embedder
from retrieval.entry import Entry, content_hash
from retrieval.errors import CorpusFormatError
from retrieval.ids import IdRegistry
from retrieval.store.base import KBStore, Manifest, PassageRecord, new_version_id, utcnow

if TYPE_CHECKING:
    from ingest.gate import GateResult, QualityGate
    from retrieval.appdb import AppDB

EMBED_BATCH = 256
Progress = Callable[[int, int], None]
Stage = Callable[[str], None]


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
    moved: list[str] = field(default_factory=list)  # "old id → new id", same content
    superseded: dict[str, str] = field(default_factory=dict)  # entry id → superseding document
    warnings: list[str] = field(default_factory=list)
    previous: str | None = None
    changes: EntryDiff | None = None
    gate: GateResult | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "kb_version": self.kb_version,
            "entries": self.entries,
            "documents": self.documents,
            "dry_run": self.dry_run,
            "activated": self.activated,
            "previous": self.previous,
            "embedded": self.embedded,
            "reused": self.reused,
            "pruned": self.pruned,
            "superseded": self.superseded,
            "warnings": self.warnings,
        }
        for k in ("added", "updated", "removed", "unchanged", "moved"):
            d[k] = len(getattr(self, k))
            d[f"{k}_ids"] = getattr(self, k)
        if self.changes is not None:
            d["changes"] = self.changes.to_dict()
        if self.gate is not None:
            d["quality_gate"] = self.gate.to_dict()
        return d


@dataclass
class Corpus:
    """The parsed corpus as it will be served: superseded entries already taken out."""

    documents: list[ParsedDocument]
    superseded: dict[str, str]
    warnings: list[str]
    registry: IdRegistry = field(default_factory=IdRegistry)  # counters past every id given
    successors: dict[str, str] = field(default_factory=dict)  # id → same text, other document
    parsed: list[Entry] = field(default_factory=list)  # every entry, superseded ones included

    @property
    def entries(self) -> list[Entry]:
        return [e for d in self.documents for e in d.entries]


def load_corpus(corpus: Path, pool: IdPool | None = None) -> Corpus:
    """Every document parsed with its sidecars; the first problem found raises CorpusError.

    Entries get their stable ids from `pool` (what earlier versions gave, ingest/ids.py);
    without one, ids are numbered by position as for a first ingest.
    """
    corpus = Path(corpus)
    loaded: list[tuple[Path, ParsedDocument, tuple[str, ...]]] = []
    warnings: list[str] = []
    for path in find_documents(corpus):
        meta = read_meta(path)
        doc = parse_daily_practice(read_document(path), path, title=meta.title,
                                   publisher=meta.publisher, published=meta.date_label)
        doc, side_warnings = apply_sidecars(doc, path)
        warnings += side_warnings
        loaded.append((path, doc, meta.supersedes))
    stems: dict[str, str] = {}
    for _, doc, _ in loaded:
        if doc.document.name in stems:
            raise CorpusFormatError(
                corpus / doc.document.filename,
                f"has the same name as {stems[doc.document.name]}",
                "entry ids come from the file name; rename one of the two")
        stems[doc.document.name] = doc.document.filename
    assigned = assign_ids([d for _, d, _ in loaded], pool)
    loaded = [(p, d, sup) for (p, _, sup), d in zip(loaded, assigned.documents, strict=True)]

    superseded: dict[str, str] = {}
    all_ids = {e.id for _, d, _ in loaded for e in d.entries}
    for path, doc, sup in loaded:
        for target in sup:
            if target == doc.document.name:
                raise CorpusFormatError(path.with_name(f"{path.stem}.meta.toml"),
                                        "a document cannot supersede itself",
                                        "name the older document it replaces")
            if ":" in target:
                hits = [target] if target in all_ids else []
            else:
                hits = [e.id for _, d, _ in loaded if d.document.name == target
                        for e in d.entries]
            if not hits:
                warnings.append(f"{path.stem}.meta.toml supersedes '{target}', which is not in "
                                "the corpus (nothing to hide)")
            for i in hits:
                superseded.setdefault(i, doc.document.name)

    parsed: list[ParsedDocument] = []
    for _, doc, _ in loaded:
        keep = tuple(e for e in doc.entries if e.id not in superseded)
        if keep:
            parsed.append(ParsedDocument(doc.document, keep))
        elif doc.entries:
            warnings.append(f"every entry of {doc.document.filename} is superseded; "
                            "it is no longer served")

    seen: dict[str, Entry] = {}
    for doc in parsed:
        for e in doc.entries:
            key = _norm_question(e.question)
            if key in seen:
                other = seen[key]
                raise CorpusFormatError(
                    corpus / doc.document.filename,
                    f"the question on line {e.line} repeats {other.id} "
                    f"({other.document.filename} line {other.line})",
                    "keep the question in one document only, or, if this document replaces "
                    f"the other, add supersedes = [\"{other.document.name}\"] to "
                    f"{doc.document.name}.meta.toml", line=e.line)
            seen[key] = e
    return Corpus(parsed, superseded, warnings, assigned.registry, assigned.successors,
                  [e for _, d, _ in loaded for e in d.entries])


def parse_corpus(corpus: Path) -> list[ParsedDocument]:
    """Every document in the corpus, parsed (superseded entries left out)."""
    return load_corpus(corpus).documents


def diff(old: list[Entry], new: list[Entry]) -> dict[str, list[str]]:
    """Entry ids added, updated, removed, unchanged and moved (matched by content)."""
    return diff_entries(old, new).ids()


def _same_documents(old: Manifest, parsed: list[ParsedDocument]) -> bool:
    new = {d.document.name: d.document for d in parsed}
    return new == old.documents and [e.to_dict() for d in parsed for e in d.entries] == [
        e.to_dict() for e in old.entries]


def chunker_fingerprint(embedder: Embedder) -> str:
    """Changes whenever passages could be cut differently: the chunker's code or the tokenizer."""
    return content_hash(Path(chunk.__file__).read_text(encoding="utf-8"), embedder.name)


def reuse_passages(entries: list[Entry], embedder: Embedder, old: Manifest | None,
                   chunker: str) -> list[Passage]:
    """passages_for(entries), reusing the previous version's passages of unchanged entries.

    Cutting text into passages runs the model's tokenizer over every text, the slowest step of
    a re-ingest that changes little; an unchanged entry (same question, answer and alternates,
    same chunker) gets exactly the passages it had, under its possibly new id.
    """
    token_counts = getattr(embedder, "token_counts", None)
    if old is None or old.info.get("chunker") != chunker:
        return passages_for(entries, embedder.count_tokens, token_counts)
    by_entry: dict[str, list[PassageRecord]] = {}
    for p in old.passages:
        by_entry.setdefault(p.entry_id, []).append(p)
    known = {(e.question, e.answer, e.alternates): e.id for e in old.entries}
    was = {e.id: known.get((e.question, e.answer, e.alternates)) for e in entries}
    fresh = [e for e in entries if was[e.id] not in by_entry]
    new_passages: dict[str, list[Passage]] = {}
    for piece in passages_for(fresh, embedder.count_tokens, token_counts):
        new_passages.setdefault(piece.entry_id, []).append(piece)
    out: list[Passage] = []
    for e in entries:
        old_id = was[e.id]
        if old_id not in by_entry:
            out.extend(new_passages.get(e.id, []))
            continue
        out.extend(Passage(f"{e.id}#{p.id.split('#', 1)[1]}", e.id, p.field, p.text, p.hash)
                   for p in by_entry[old_id])
    return out


def _vectors(store: KBStore, embedder: Embedder, old: Manifest | None, passages: list[Any],
             progress: Progress | None) -> tuple[np.ndarray, int]:
    """Vectors for the passages: stored ones reused by content hash, the rest embedded."""
    vectors = np.zeros((len(passages), embedder.dim), dtype=np.float32)
    reusable: dict[str, np.ndarray] = {}
    if old is not None and old.model == embedder.name:
        ids, old_vectors = store.embeddings(old.version, old)
        by_id = dict(zip(ids, old_vectors, strict=True))
        for p in old.passages:
            reusable.setdefault(p.hash, by_id[p.id])
    todo = []
    for i, p in enumerate(passages):
        if p.hash in reusable:
            vectors[i] = reusable[p.hash]
        else:
            todo.append(i)
    # Batches of texts of similar length pad less: 1.2x the passages per second at 1k entries.
    todo.sort(key=lambda i: len(passages[i].text))
    done = 0
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        vectors[batch] = embedder.embed([passages[i].text for i in batch])
        done += len(batch)
        if progress:
            progress(done, len(todo))
    return vectors, len(todo)


def ingest(store: KBStore, embedder: Embedder, corpus: Path, *, dry_run: bool = False,
           force: bool = False, keep_versions: int = 5, progress: Progress | None = None,
           info: dict[str, Any] | None = None, gate: QualityGate | None = None,
           db: AppDB | None = None, actor: str = "unknown", note: str | None = None,
           stage: Stage | None = None) -> IngestReport:
    """Build and activate a new version from the corpus (or, with dry_run, only report).

    With `gate`, the new version must pass it before activation (QualityGateFailed otherwise,
    and the version is deleted). With `db`, the activation is recorded in its history.
    """
    say = stage or (lambda _msg: None)
    with store.ingest_lock():
        store.cleanup_incomplete()
        say("Reading and checking the corpus")
        pool = pool_from_store(store)
        active, old = store.active_version(), pool.previous
        loaded = load_corpus(corpus, pool)
        parsed, entries = loaded.documents, loaded.entries
        changes = diff_entries(old.entries if old else [], entries)
        ids = changes.ids()
        report = IngestReport(active, len(entries), len(parsed), added=ids["added"],
                              updated=ids["updated"], removed=ids["removed"],
                              unchanged=ids["unchanged"], moved=ids["moved"], dry_run=dry_run,
                              superseded=loaded.superseded, warnings=loaded.warnings,
                              previous=active, changes=changes)
        if dry_run:
            return report
        if old is not None and not force and _same_documents(old, parsed):
            return report  # nothing changed: the active version already is this corpus

        say("Embedding new and changed text")
        chunker = chunker_fingerprint(embedder)
        passages = reuse_passages(entries, embedder, old, chunker)
        vectors, embedded = _vectors(store, embedder, old, passages, progress)

        say("Writing the new version")
        version = new_version_id()
        documents = {d.document.name: d.document for d in parsed}
        registry = close_registry(loaded.registry, old.entries if old else [], loaded.parsed,
                                  entries, loaded.successors, version)
        archive = archive_dir(store)
        sources = {SOURCES_KEY: archive_corpus(corpus, archive)} if archive else {}
        manifest = Manifest(
            version=version,
            created_at=utcnow(),
            model=embedder.name,
            documents=documents,
            entries=entries,
            passages=[PassageRecord(p.id, p.entry_id, p.field, p.text, p.hash) for p in passages],
            info={"previous": active, **changes.counts(), "actor": actor, "chunker": chunker,
                  "superseded": loaded.superseded, "ids": registry.to_dict(), **sources,
                  **({"note": note} if note else {}),
                  **(info or {})},
        )
        store.write_version(manifest, vectors)
        report.embedded = embedded
        report.reused = len(passages) - embedded

        if gate is not None:
            say("Running the eval sets against the new version")
            try:
                # ids are stable; the gate follows removed ids to their successors itself
                report.gate = gate.check(store, version, active)
            except BaseException:
                store.delete_version(version)
                raise
            if not report.gate.passed and not gate.override_reason:
                store.delete_version(version)
                from ingest.gate import QualityGateFailed

                raise QualityGateFailed(report.gate)
        say("Activating")
        store.activate(version)
        report.kb_version = version
        report.activated = True
        if db is not None:
            from ingest.history import record_activation

            gate_note = gate.override_reason if gate is not None and report.gate is not None \
                and not report.gate.passed else None
            record_activation(db, version=version, previous=active, actor=actor,
                              action="ingest", documents=sorted(documents),
                              counts={**changes.counts(), "entries": len(entries),
                                      "embedded": embedded},
                              note=_join_notes(note, gate_note and
                                               f"quality gate overridden: {gate_note}"))
        report.pruned = store.prune(keep_versions)
        return report


def _join_notes(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None
