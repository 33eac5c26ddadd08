"""Corpus folder → the documents and entries as they will be served, checked before anything is
written: sidecars applied, superseded entries taken out, names and questions unique."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.load import find_documents, read_document
from ingest.parse import ParsedDocument, _norm_question, parse_daily_practice
from ingest.sidecars import apply_sidecars, read_meta
from retrieval.entry import Entry
from retrieval.errors import CorpusFormatError


@dataclass
class Corpus:
    """The parsed corpus as it will be served: superseded entries already taken out."""

    documents: list[ParsedDocument]
    superseded: dict[str, str]
    warnings: list[str]

    @property
    def entries(self) -> list[Entry]:
        return [e for d in self.documents for e in d.entries]


Loaded = list[tuple[Path, ParsedDocument, tuple[str, ...]]]  # path, document, its supersedes


def load_corpus(corpus: Path) -> Corpus:
    """Every document parsed with its sidecars; the first problem found raises CorpusError."""
    corpus = Path(corpus)
    loaded, warnings = _read_documents(corpus)
    superseded = _superseded(loaded, warnings)
    parsed: list[ParsedDocument] = []
    for _, doc, _ in loaded:
        keep = tuple(e for e in doc.entries if e.id not in superseded)
        if keep:
            parsed.append(ParsedDocument(doc.document, keep))
        elif doc.entries:
            warnings.append(f"every entry of {doc.document.filename} is superseded; "
                            "it is no longer served")
    _refuse_repeated_questions(corpus, parsed)
    return Corpus(parsed, superseded, warnings)


def _read_documents(corpus: Path) -> tuple[Loaded, list[str]]:
    """Each document parsed, its sidecars applied; two documents may not share a name."""
    loaded: Loaded = []
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
    return loaded, warnings


def _superseded(loaded: Loaded, warnings: list[str]) -> dict[str, str]:
    """Entry id → the document that supersedes it (a `supersedes` target names a document, or
    one entry as `document:number`)."""
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
    return superseded


def _refuse_repeated_questions(corpus: Path, parsed: list[ParsedDocument]) -> None:
    """The same question served twice would make the answer depend on ranking noise."""
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


def parse_corpus(corpus: Path) -> list[ParsedDocument]:
    """Every document in the corpus, parsed (superseded entries left out)."""
    return load_corpus(corpus).documents
