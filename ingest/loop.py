"""Close the loop on a gap: attach the coder's wording to an entry, or mark it out of scope."""

from __future__ import annotations

import json
import os
from pathlib import Path

from evals.sets import read_jsonl
from ingest.parse import _norm_question
from ingest.sidecars import add_alternate, question_key, read_alternates
from retrieval.entry import content_hash
from retrieval.errors import CorpusError, VersionNotFound
from retrieval.store.base import KBStore

GAPS_SET = Path(__file__).resolve().parents[1] / "evals" / "sets" / "gaps-out-of-scope.jsonl"


def attach_alternate(store: KBStore, corpus_dir: Path, entry_id: str, question: str,
                     alternates_dir: Path | None = None) -> Path:
    """Write `question` as an alternate phrasing of the entry beside its corpus document.

    It takes effect with the next ingest (the sidecar is part of the corpus, so it is versioned
    and reviewed like the document). Returns the sidecar's path.
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


def mark_out_of_scope(question: str, path: Path = GAPS_SET) -> str:
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
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text + line + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return rid
