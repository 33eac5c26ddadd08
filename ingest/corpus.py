"""Corpus folder → the documents and entries as they will be served, checked before anything is
written: sidecars applied, superseded entries taken out, names and questions unique."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.ids import IdPool, assign_ids
from ingest.load import READERS, document_bytes, find_documents, read_document
from ingest.parse import ParsedDocument, _norm_question, parse_daily_practice
from ingest.parsecache import ParseCache
from ingest.refusals import Refused, left_out_warning, serves, settle
from ingest.sidecars import apply_sidecars, read_meta
from retrieval.entry import Document, Entry
from retrieval.errors import CorpusError, CorpusFormatError
from retrieval.ids import IdRegistry


@dataclass
class Corpus:
    """The parsed corpus as it will be served: superseded entries already taken out."""

    documents: list[ParsedDocument]
    superseded: dict[str, str]
    warnings: list[str]
    registry: IdRegistry = field(default_factory=IdRegistry)  # counters past every id given
    successors: dict[str, str] = field(default_factory=dict)  # id → same text, other document
    parsed: list[Entry] = field(default_factory=list)  # every entry, superseded ones included
    left_out: list[CorpusError] = field(default_factory=list)  # refused new documents skipped

    @property
    def entries(self) -> list[Entry]:
        return [e for d in self.documents for e in d.entries]


# Published coding Q&A answers run to a few thousand characters (the seed's longest is about
# 1,100); 20,000 is several printed pages. Past that a parse has almost surely run entries or a
# whole document together, and one entry would cost minutes and gigabytes to embed.
MAX_ANSWER_CHARS = 20_000


def check_answer_sizes(doc: ParsedDocument, path: Path) -> None:
    """CorpusFormatError naming the first entry whose answer is over MAX_ANSWER_CHARS."""
    for e in doc.entries:
        if len(e.answer) > MAX_ANSWER_CHARS:
            raise CorpusFormatError(
                path, f"the answer of {e.id} (question on line {e.line}) is "
                f"{len(e.answer):,} characters; answers are limited to {MAX_ANSWER_CHARS:,}",
                "check that its next 'Coding Question:' label is not missing (two entries "
                "run together), or split the answer", line=e.line)


Loaded = list[tuple[Path, ParsedDocument, tuple[str, ...]]]  # path, document, its supersedes


def load_corpus(corpus: Path, pool: IdPool | None = None,
                alternates_dir: Path | None = None, cache: ParseCache | None = None, *,
                skip_refused: bool = False) -> Corpus:
    """Every document parsed with its sidecars; every refusal is collected, then raised together
(the error itself if one, CorpusRefused if several). The admins' alternates in `alternates_dir`
(under the data dir) join the corpus's own.

    Entries get their stable ids from `pool` (what earlier versions gave, ingest/ids.py);
    without one, ids are numbered by position as for a first ingest. With `cache`, a document
    whose file, sidecar metadata and parser are unchanged is not parsed again. With
    `skip_refused`, refused documents the pool's version does not serve are left out
    (`Corpus.left_out`); one it serves still refuses the ingest (ingest/refusals.py).
    """
    corpus = Path(corpus)
    previous = pool.previous.documents if pool is not None and pool.previous else {}
    loaded, read_warnings, refused = _read_documents(corpus, alternates_dir, cache)
    total = len(loaded) + len({p for p, _ in refused})
    left_out: list[CorpusError] = []
    while True:  # leaving a document out can un-hide what it superseded: check again
        warnings = list(read_warnings)
        built, more = _assemble(corpus, loaded, pool, warnings, previous)
        refused += more
        if not refused:
            break
        gone = {p for p, _ in refused}
        loaded = [x for x in loaded if x[0] not in gone]
        names = {d.document.name for _, d, _ in loaded}
        for path, e in refused:
            if e.served is None:
                e.served = serves(previous, path, names)
        settle(refused, skip=skip_refused, kept=len(loaded), total=total)
        left_out += [e for _, e in refused]
        refused = []
    built.left_out = sorted(left_out, key=lambda e: str(e.path))
    built.warnings += [left_out_warning(e) for e in built.left_out]
    return built


def _assemble(corpus: Path, loaded: Loaded, pool: IdPool | None, warnings: list[str],
              previous: dict[str, Document]) -> tuple[Corpus, Refused]:
    """The documents under their ids with superseded entries taken out, and what the documents
    refuse between them (a shared name, a bad `supersedes`, a repeated question)."""
    loaded, refused = _unique_names(corpus, loaded)
    assigned = assign_ids([d for _, d, _ in loaded], pool)
    loaded = [(p, d, sup) for (p, _, sup), d in zip(loaded, assigned.documents, strict=True)]
    superseded = _superseded(loaded, warnings, refused)
    parsed: list[ParsedDocument] = []
    for _, doc, _ in loaded:
        keep = tuple(e for e in doc.entries if e.id not in superseded)
        if keep:
            parsed.append(ParsedDocument(doc.document, keep))
        elif doc.entries:
            warnings.append(f"every entry of {doc.document.filename} is superseded; "
                            "it is no longer served")
    paths = {d.document.name: p for p, d, _ in loaded}
    refused += _repeated_questions(corpus, parsed, paths, previous)
    return Corpus(parsed, superseded, warnings, assigned.registry, assigned.successors,
                  [e for _, d, _ in loaded for e in d.entries]), refused


def _read_documents(corpus: Path, alternates_dir: Path | None,
                    cache: ParseCache | None = None) -> tuple[Loaded, list[str], Refused]:
    """Each document parsed, its sidecars applied; the ones refused, each with why."""
    loaded: Loaded = []
    warnings: list[str] = []
    stray: list[CorpusError] = []
    refused: Refused = []
    for path in find_documents(corpus, stray):
        try:
            meta = read_meta(path)

            def parse(path: Path = path, title: str | None = meta.title,
                      publisher: str | None = meta.publisher,
                      published: str | None = meta.date_label) -> ParsedDocument:
                return parse_daily_practice(read_document(path), path, title=title,
                                            publisher=publisher, published=published)

            doc = parse() if cache is None else cache.parse(
                path, document_bytes(path), (meta.title, meta.publisher, meta.date_label), parse)
            doc, side_warnings = apply_sidecars(doc, path, alternates_dir)
            check_answer_sizes(doc, path)
        except CorpusError as e:
            refused.append((path, e))
            continue
        warnings += side_warnings
        loaded.append((path, doc, meta.supersedes))
    for bad in stray:  # an unknown file type is no document the KB could serve
        bad.served = False if bad.path.suffix.lower() not in READERS else None
        refused.append((bad.path, bad))
    return loaded, warnings, refused


def _unique_names(corpus: Path, loaded: Loaded) -> tuple[Loaded, Refused]:
    """Two documents may not share a name: the second of a pair is refused."""
    stems: dict[str, str] = {}
    kept: Loaded = []
    refused: Refused = []
    for path, doc, sup in loaded:
        if doc.document.name in stems:
            refused.append((path, CorpusFormatError(
                corpus / doc.document.filename,
                f"has the same name as {stems[doc.document.name]}",
                "entry ids come from the file name; rename one of the two")))
            continue
        stems[doc.document.name] = doc.document.filename
        kept.append((path, doc, sup))
    return kept, refused


def _superseded(loaded: Loaded, warnings: list[str], refused: Refused) -> dict[str, str]:
    """Entry id → the document that supersedes it (a `supersedes` target names a document, or
    one entry as `document:number`); a document superseding itself is refused."""
    superseded: dict[str, str] = {}
    all_ids = {e.id for _, d, _ in loaded for e in d.entries}
    for path, doc, sup in loaded:
        for target in sup:
            if target == doc.document.name:
                refused.append((path, CorpusFormatError(
                    path.with_name(f"{path.stem}.meta.toml"),
                    "a document cannot supersede itself", "name the older document it replaces")))
                continue
            # a document's name first: file names may hold a ':' too
            hits = [e.id for _, d, _ in loaded if d.document.name == target for e in d.entries]
            if not hits and target in all_ids:
                hits = [target]
            if not hits:
                warnings.append(f"{path.stem}.meta.toml supersedes '{target}', which is not in "
                                "the corpus (nothing to hide)")
            for i in hits:
                superseded.setdefault(i, doc.document.name)
    return superseded


def _repeated_questions(corpus: Path, parsed: list[ParsedDocument], paths: dict[str, Path],
                        previous: dict[str, Document]) -> Refused:
    """The same question served twice would make the answer depend on ranking noise: the
    document that repeats it is refused (the new one, where only one of the two is served)."""
    seen: dict[str, Entry] = {}
    refused: dict[str, tuple[Path, CorpusError]] = {}  # one refusal per document
    for doc in parsed:
        for e in doc.entries:
            key = _norm_question(e.question)
            other = seen.setdefault(key, e)
            if other is e:
                continue
            if e.document.name in previous and other.document.name not in previous:
                e, other = other, e  # the refusal names the new document, not the served one
            name = e.document.name
            refused.setdefault(name, (paths[name], CorpusFormatError(
                corpus / e.document.filename,
                f"the same question is in {other.document.filename} (line {other.line}, "
                f"{other.id}) and in {e.document.filename} (line {e.line})",
                "keep it in one document only; or, if one replaces the other, say so in "
                f"the newer one: supersedes = [\"{other.document.name}\"] in "
                f"{e.document.name}.meta.toml, or supersedes = [\"{e.document.name}\"] "
                f"in {other.document.name}.meta.toml", line=e.line)))
    return list(refused.values())


def parse_corpus(corpus: Path) -> list[ParsedDocument]:
    """Every document in the corpus, parsed (superseded entries left out)."""
    return load_corpus(corpus).documents
