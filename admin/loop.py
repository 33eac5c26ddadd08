"""Close the loop on a gap: attach the coder's wording to an entry, or mark it out of scope."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import tomlkit
from tomlkit.items import AoT

from evals.sets import read_jsonl
from ingest.parse import _norm_question
from ingest.sidecars import alternates_path, question_key, read_alternates
from retrieval.entry import Entry, content_hash
from retrieval.errors import CorpusError, VersionNotFound
from retrieval.store.base import KBStore

GAPS_FILE = "gaps-out-of-scope.jsonl"  # under <data>/evals/, beside the review book's files


def gaps_set(data_dir: Path) -> Path:
    """The eval set of gap questions admins marked out of scope (under the data dir, never the
    code); the quality gate runs it with the shipped sets, Evaluate lists it."""
    return Path(data_dir) / "evals" / GAPS_FILE


def attach_alternate(store: KBStore, corpus_dir: Path, entry_id: str, question: str,
                     alternates_dir: Path | None = None) -> Path:
    """Write `question` as an alternate phrasing of the entry: in `alternates_dir` (the data
    dir's, as the app does), else beside its corpus document.

    It takes effect with the next ingest (which reads both). Returns the file's path.
    """
    active = store.active_version()
    if active is None:
        raise VersionNotFound("there is no active knowledge base to attach to")
    entries = {e.id: e for e in store.read_manifest(active).entries}
    entry = entries.get(entry_id)
    if entry is None:
        raise VersionNotFound(f"entry {entry_id} is not in the active version {active}")
    document = Path(corpus_dir) / entry.document.filename
    if not document.is_file():
        raise CorpusError(document, "the entry's document is no longer in the corpus",
                          "re-ingest first, then attach the phrasing to the current entry")
    key = question_key(entry.question)
    folders = (None, alternates_dir) if alternates_dir is not None else (None,)
    pending = [p for folder in folders
               for number, qhash, phrasings, _ in read_alternates(document, folder)
               if qhash == key or (not qhash and number == entry.position) for p in phrasings]
    known = {_norm_question(q) for q in (entry.question, *entry.alternates, *pending)}
    if _norm_question(question) in known:
        raise CorpusError(document, "that wording is already the entry's question or one of its "
                          "alternate phrasings", "nothing to add")
    return add_alternate(document, entry, question, alternates_dir)


def mark_out_of_scope(question: str, path: Path) -> str:
    """Append an abstention row (`expected: []`) to an eval set; returns the row id.

    The same question (ignoring case and punctuation) is added once only.
    """
    question = " ".join(question.split())
    if not question:
        raise ValueError("the question is empty")
    rid = f"gap-{content_hash(_norm_question(question))[:10]}"
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if existing.strip():
        rows = read_jsonl(path)  # refuses to append to a broken file
        if any(r.id == rid or _norm_question(r.question) == _norm_question(question)
               for r in rows):
            return rid
    line = json.dumps({"id": rid, "question": question, "expected": []}, ensure_ascii=False)
    text = existing if not existing or existing.endswith("\n") else existing + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text + line + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return rid


def _alternates_document(path: Path, document: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        doc = tomlkit.document()
        doc.add(tomlkit.comment(f"Alternate phrasings of questions in {document.name}; used by "
                                "retrieval."))
        doc.add(tomlkit.comment("Blocks name their entry by question_hash (survives "
                                "renumbering)."))
        return doc
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as e:
        raise CorpusError(path, f"not valid TOML ({e})", "fix the file, then add the phrasing "
                          "again") from None


def add_alternate(document: Path, entry: Entry, phrasing: str, folder: Path | None = None
                  ) -> Path:
    """Append a phrasing for `entry` to the document's alternates file (comments are kept);
    with `folder`, to the admins' file there (under the data dir) instead of beside it."""
    phrasing = " ".join(phrasing.split())
    if not phrasing:
        raise ValueError("the phrasing is empty")
    path = alternates_path(document, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = _alternates_document(path, document)
    blocks = doc.get("entry")
    if blocks is None:
        blocks = tomlkit.aot()
        doc.append("entry", blocks)
    if not isinstance(blocks, AoT):
        raise CorpusError(path, "`entry` must be [[entry]] blocks",
                          "fix the file, then add the phrasing again")
    question = entry.question if len(entry.question) <= 100 else entry.question[:97] + "…"
    block = tomlkit.table()
    block.update({"number": entry.position, "question_hash": question_key(entry.question),
                  "question": question, "phrasings": [phrasing]})
    block.trivia.indent = "\n"  # a blank line before the block, as people write them
    blocks.append(block)
    text = tomlkit.dumps(doc)
    tomllib.loads(text)  # never write a file the next ingest cannot read
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
