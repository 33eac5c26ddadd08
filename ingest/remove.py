"""Take a document out of the knowledge base: a new version without it, its files moved aside.

The corpus without the document is built in a hidden staging folder (links to every other file)
exactly as an ingest would build it, quality gate included; only once that version is active are
the document and its sidecars moved to `<data>/corpus-aside/<timestamp>/` (never deleted). Its
entries' ids then answer "removed in version X". Any refusal leaves the active version and the
corpus folder as they were.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from ingest.build import IngestReport, ingest, plan
from ingest.load import READERS, SIDECAR_SUFFIXES, is_sidecar
from ingest.sources import corpus_files, set_aside
from retrieval.embedding import Embedder
from retrieval.errors import CorpusError
from retrieval.store.base import KBStore

STAGING_PREFIX = ".removing-"


def document_files(corpus: Path, stem: str) -> list[str]:
    """The document named `stem` (any format) and its sidecars; CorpusError if there is none."""
    files = corpus_files(corpus)
    docs = [n for n, p in files.items() if p.stem == stem and not is_sidecar(p)
            and p.suffix.lower() in READERS]
    if not docs:
        names = sorted({p.stem for p in files.values() if not is_sidecar(p)})
        raise CorpusError(corpus, f"there is no document named '{stem}'",
                          f"name one of: {', '.join(names) or '(none)'} (the file name without "
                          "its extension)")
    if len(docs) == len([p for p in files.values() if not is_sidecar(p)]):
        raise CorpusError(corpus / docs[0], "it is the only document in the corpus",
                          "add the guidance that replaces it first; a knowledge base cannot be "
                          "empty")
    return docs + [f"{stem}{s}" for s in SIDECAR_SUFFIXES if f"{stem}{s}" in files]


def remove_document(store: KBStore, embedder: Embedder | None, corpus: Path, stem: str,
                    aside_root: Path, **options: Any) -> tuple[IngestReport, Path | None]:
    """Activate a version without document `stem`, then move its files aside.

    `options` go to `ingest` (gate, record, actor, note, progress…); with `dry_run` (or no
    embedder) only the plan is returned. Returns the report and the folder the files went to.
    """
    corpus = Path(corpus)
    names = document_files(corpus, stem)
    staging = corpus / f"{STAGING_PREFIX}{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        for name, path in corpus_files(corpus).items():
            if name not in names:
                os.symlink(path.resolve(), staging / name)
        if options.get("dry_run") or embedder is None:
            return plan(store, staging, skip_refused=bool(options.get("skip_refused"))), None
        report = ingest(store, embedder, staging, **options)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report, set_aside(corpus, names, aside_root)
