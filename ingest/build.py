"""Corpus → a complete new knowledge-base version, activated in one atomic switch.

Everything that can be wrong with the corpus is found before anything is written, so bad input
leaves the active version as it was. Passages whose text is unchanged reuse their stored vectors
(matched by content hash, so renumbered entries reuse theirs too). An optional quality gate runs
against the new version before it is activated; a version that fails it is deleted unactivated.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ingest import chunk
from ingest.chunk import Passage, passages_for
from ingest.corpus import Corpus, load_corpus
from ingest.diff import EntryDiff, diff_entries
from ingest.hooks import ActivationLog, GateVerdict, QualityGate, QualityGateFailed
from ingest.ids import IdPool, close_registry, pool_from_store
from ingest.parse import ParsedDocument
from ingest.parsecache import ParseCache
from ingest.sources import SOURCES_KEY, archive_corpus, archive_dir
from ingest.versions import intact_manifest, readable
from retrieval.embedding import Embedder
from retrieval.entry import Entry, content_hash
from retrieval.errors import RadoncQAError, StoreUnavailable
from retrieval.store.base import KBStore, Manifest, PassageRecord, new_version_id, utcnow

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
    gate: GateVerdict | None = None
    left_out: list[dict[str, Any]] = field(default_factory=list)  # refused new documents skipped
    # wall time of this call, and of the quality gate within it (scripts and the benchmark)
    seconds: dict[str, float] = field(default_factory=dict)

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
            "left_out": self.left_out,
        }
        for k in ("added", "updated", "removed", "unchanged", "moved"):
            d[k] = len(getattr(self, k))
            d[f"{k}_ids"] = getattr(self, k)
        if self.changes is not None:
            d["changes"] = self.changes.to_dict()
        if self.gate is not None:
            d["quality_gate"] = self.gate.to_dict()
        if self.seconds:
            d["seconds"] = self.seconds
        return d


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
    """Vectors for the passages: stored ones reused by content hash, each other text embedded
    once; returns them and how many texts were embedded."""
    vectors = np.zeros((len(passages), embedder.dim), dtype=np.float32)
    reusable: dict[str, np.ndarray] = {}
    if old is not None and old.model == embedder.name:
        ids, old_vectors = store.embeddings(old.version, old)
        by_id = dict(zip(ids, old_vectors, strict=True))
        for p in old.passages:
            reusable.setdefault(p.hash, by_id[p.id])
    # The same text in two places (one entry in two documents, a repeated alternate) is
    # embedded once: its vector is a function of the text alone.
    todo: dict[str, list[int]] = {}
    for i, p in enumerate(passages):
        if p.hash in reusable:
            vectors[i] = reusable[p.hash]
        else:
            todo.setdefault(p.hash, []).append(i)
    # Batches of texts of similar length pad less: 1.2x the passages per second at 1k entries.
    texts = sorted(todo.values(), key=lambda at: len(passages[at[0]].text))
    done = 0
    if progress:
        progress(0, len(texts))
    for start in range(0, len(texts), EMBED_BATCH):
        batch = texts[start : start + EMBED_BATCH]
        for at, vector in zip(batch, embedder.embed([passages[at[0]].text for at in batch]),
                              strict=True):
            vectors[at] = vector
        done += len(batch)
        if progress:
            progress(done, len(texts))
    return vectors, len(texts)


def _load(store: KBStore, corpus: Path, alternates_dir: Path | None = None, *,
          clean: bool = True, skip_refused: bool = False) -> tuple[Corpus, IdPool]:
    """The corpus with every entry under its stable id (under the lock when `clean`: ids depend
    on the active version and on every id given before)."""
    if clean:
        store.cleanup_incomplete()
    warnings: list[str] = []
    # a damaged active version is built around: ids come from the newest intact one
    pool = pool_from_store(store, _previous(store, store.active_version(), warnings))
    cache = ParseCache(store.cache_dir / "parsed") if store.cache_dir is not None else None
    loaded = load_corpus(corpus, pool, alternates_dir, cache, skip_refused=skip_refused)
    if cache is not None and clean:  # under the lock: no other ingest is filling it
        cache.prune()
    loaded.warnings.extend(warnings)
    return loaded, pool


def _compare(store: KBStore, loaded: Corpus, pool: IdPool,
             dry_run: bool) -> tuple[IngestReport, Manifest | None]:
    """The report of what the corpus changes against the active version (under the lock)."""
    active = store.active_version()
    old = pool.previous
    changes = diff_entries(old.entries if old else [], loaded.entries)
    ids = changes.ids()
    report = IngestReport(active, len(loaded.entries), len(loaded.documents), added=ids["added"],
                          updated=ids["updated"], removed=ids["removed"],
                          unchanged=ids["unchanged"], moved=ids["moved"], dry_run=dry_run,
                          superseded=loaded.superseded, warnings=loaded.warnings,
                          previous=active, changes=changes,
                          left_out=[e.item() for e in loaded.left_out])
    return report, old


def plan(store: KBStore, corpus: Path, alternates_dir: Path | None = None, *,
         skip_refused: bool = False) -> IngestReport:
    """What ingesting the corpus would change (a dry run): entries are compared by content, so
    no model is needed and nothing is written."""
    # writes nothing, so takes no lock: a preview works on a read-only data dir, and the
    # versions it reads are immutable, the pointer replaced atomically
    loaded, pool = _load(store, corpus, alternates_dir, clean=False, skip_refused=skip_refused)
    return _compare(store, loaded, pool, dry_run=True)[0]


def _write(store: KBStore, embedder: Embedder, corpus: Path, loaded: Corpus,
           old: Manifest | None, report: IngestReport, progress: Progress | None, say: Stage,
           info: dict[str, Any]) -> Manifest:
    """Embed what is new, write the version (not active yet); fills embedded/reused."""
    say("Embedding new and changed text")
    chunker = chunker_fingerprint(embedder)
    passages = reuse_passages(loaded.entries, embedder, old, chunker)
    vectors, embedded = _vectors(store, embedder, old, passages, progress)

    say("Writing the new version")
    assert report.changes is not None
    version = new_version_id()
    registry = close_registry(loaded.registry, old.entries if old else [], loaded.parsed,
                              loaded.entries, loaded.successors, version)
    archive = archive_dir(store)
    sources = {SOURCES_KEY: archive_corpus(corpus, archive)} if archive else {}
    manifest = Manifest(
        version=version,
        created_at=utcnow(),
        model=embedder.name,
        documents={d.document.name: d.document for d in loaded.documents},
        entries=loaded.entries,
        passages=[PassageRecord(p.id, p.entry_id, p.field, p.text, p.hash) for p in passages],
        info={"previous": report.previous, **report.changes.counts(), "chunker": chunker,
              "superseded": loaded.superseded, "ids": registry.to_dict(), **sources,
              **({"left_out": report.left_out} if report.left_out else {}), **info},
    )
    store.write_version(manifest, vectors)
    report.embedded = embedded
    report.reused = len(passages) - embedded
    return manifest


def _check(store: KBStore, gate: QualityGate, version: str, report: IngestReport) -> None:
    """Run the gate on the written version; delete it unless it passes or is overridden."""
    try:
        # ids are stable; the gate follows removed ids to their successors itself
        report.gate = gate.check(store, version, report.previous)
    except BaseException:
        store.delete_version(version)
        raise
    if not report.gate.passed and not gate.override_reason:
        store.delete_version(version)
        raise QualityGateFailed(report.gate)


def ingest(store: KBStore, embedder: Embedder, corpus: Path, *, dry_run: bool = False,
           force: bool = False, keep_versions: int = 5, progress: Progress | None = None,
           info: dict[str, Any] | None = None, gate: QualityGate | None = None,
           record: ActivationLog | None = None, actor: str = "unknown", note: str | None = None,
           stage: Stage | None = None, alternates_dir: Path | None = None,
           skip_refused: bool = False) -> IngestReport:
    """Build and activate a new version from the corpus (with dry_run, only report: see plan).

    `alternates_dir`: the admins' alternate phrasings (under the data dir), read with the
    corpus's own sidecars. With `skip_refused`, refused documents the active version does not
    serve are left out and listed (`left_out`, and in the version's info); see load_corpus.

    With `gate`, the new version must pass it before activation (QualityGateFailed otherwise,
    and the version is deleted). With `record`, the activation is written to the history.
    """
    started = time.perf_counter()
    say = stage or (lambda _msg: None)
    with store.ingest_lock():
        say("Reading and checking the corpus")
        loaded, pool = _load(store, corpus, alternates_dir, skip_refused=skip_refused)
        report, old = _compare(store, loaded, pool, dry_run)
        if dry_run:
            return report
        force = force or (old is not None and old.version != report.previous)  # rebuild
        if old is not None and not force and _same_documents(old, loaded.documents):
            return report  # nothing changed: the active version already is this corpus
        manifest = _write(store, embedder, corpus, loaded, old, report, progress, say,
                          {"actor": actor, **({"note": note} if note else {}), **(info or {})})
        gate_started = time.perf_counter()
        try:
            if gate is not None:
                say("Running the eval sets against the new version")
                _check(store, gate, manifest.version, report)
            gate_s = time.perf_counter() - gate_started
            say("Activating")
            store.activate(manifest.version)
        except BaseException as e:
            _discard(store, manifest.version)  # never leave a built, never-activated version
            if isinstance(e, OSError):
                raise StoreUnavailable(
                    f"Activating {manifest.version} failed ({e.strerror or e}); it was removed "
                    f"and {report.previous or 'no version'} stays active. Free space or fix "
                    "permissions on the data directory, then run the ingest again") from e
            raise
        report.kb_version = manifest.version
        report.activated = True
        if record is not None:
            override = report.gate.override_reason if report.gate is not None \
                and not report.gate.passed else None
            skipped = ", ".join(Path(r["file"]).name for r in report.left_out)
            _record(record, manifest, report, actor,
                    _join_notes(note, override and f"quality gate overridden: {override}",
                                skipped and f"refused new documents left out: {skipped}"))
        try:
            report.pruned = store.prune(keep_versions)
        except (OSError, RadoncQAError) as e:  # activated already: a failed prune is a warning
            report.warnings.append(f"old versions were not pruned ({e})")
        report.seconds = {"total": round(time.perf_counter() - started, 3),
                          "quality_gate": round(gate_s, 3)}
        return report


def _previous(store: KBStore, active: str | None, warnings: list[str]) -> Manifest | None:
    """The active version's manifest, or, when it is damaged, the newest intact served one.

    Ingest then rebuilds around a damaged active version instead of failing with it.
    """
    if active is None:
        return None
    try:
        return intact_manifest(store, active)  # the vectors a re-ingest reuses must read too
    except RadoncQAError as e:
        warnings.append(f"the active version is unusable ({e}); building from the newest "
                        "intact version instead")
    return next((m for v in store.list_versions() if v.version != active
                 and (m := readable(store, v.version)) is not None), None)


def _discard(store: KBStore, version: str) -> None:
    """Delete an unactivated version, best effort (the next ingest's cleanup retries)."""
    try:
        store.delete_version(version)
    except Exception:  # noqa: BLE001 — the original error is the one to report
        pass


def _record(record: ActivationLog, manifest: Manifest, report: IngestReport, actor: str,
            note: str | None) -> None:
    counts = report.changes.counts() if report.changes else {}
    record(version=manifest.version, previous=report.previous, actor=actor, action="ingest",
           documents=sorted(manifest.documents),
           counts={**counts, "entries": len(manifest.entries), "embedded": report.embedded},
           note=note)


def _join_notes(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None
