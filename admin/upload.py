"""Admin uploads: checked in a staging folder, never written to the corpus unless they parse.

The upload is written to `<corpus>/.staging-<token>/` (hidden, so no ingest reads it) together
with links to every other corpus document and sidecar, parsed there exactly as an ingest would
(duplicates across documents included), and diffed against the active version. Only after the
new version is activated does `commit` move the file into the corpus (one `os.replace`).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.corpus import Corpus, load_corpus
from ingest.diff import EntryDiff, diff_entries
from ingest.ids import pool_from_store
from ingest.load import MAX_DOCUMENT_BYTES, READERS, is_sidecar
from ingest.refusals import CorpusRefused
from retrieval.errors import CorpusError
from retrieval.store.base import KBStore

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,118}$")
STAGING_PREFIX = ".staging-"


def check_filename(name: str) -> str:
    """The upload's file name if it is a plain, safe document name; CorpusError otherwise."""
    shown = name if len(name) <= 80 else name[:77] + "…"
    if "/" in name or "\\" in name or "\x00" in name or ".." in name:
        raise CorpusError(shown, "the file name contains a path ('/', '\\' or '..')",
                          "rename the file to a plain name such as daily-practice-2024.pdf")
    if not _SAFE_NAME.match(name):
        raise CorpusError(shown, "the file name has characters that cannot be used",
                          "use letters, digits, spaces, '-', '_' and '.' only (it names the "
                          "entry ids), starting with a letter or digit, at most 119 characters")
    suffix = Path(name).suffix.lower()
    if is_sidecar(Path(name)) or suffix not in READERS:
        raise CorpusError(shown, f"'{suffix or '(none)'}' is not a document type we read",
                          f"upload one of {', '.join(sorted(READERS))}")
    return name


@dataclass
class StagedUpload:
    name: str
    folder: Path  # the staging corpus: links to the corpus plus the upload
    corpus: Corpus
    changes: EntryDiff
    replaces: bool  # a document of that name is already in the corpus
    active: str | None

    @property
    def path(self) -> Path:
        return self.folder / self.name


def _rename(e: CorpusError, name_of: dict[str, str]) -> CorpusError:
    """The same error with the staging path replaced by the name the admin knows."""
    if isinstance(e, CorpusRefused):
        return CorpusRefused([_rename(r, name_of) for r in e.refused], e.head, e.tail)
    shown = Path(name_of.get(e.path.name, e.path.name))
    out = type(e)(shown, e.problem, e.hint, e.line)
    out.served = e.served
    return out


def stage(store: KBStore, corpus_dir: Path, name: str, data: bytes,
          alternates_dir: Path | None = None) -> StagedUpload:
    """Write, parse and diff an upload in staging; CorpusError (and nothing kept) if it is bad."""
    check_filename(name)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise CorpusError(name, f"the upload is {len(data) / 2**20:.0f} MiB",
                          f"documents over {MAX_DOCUMENT_BYTES // 2**20} MiB are refused; "
                          "split it or remove images")
    if not data:
        raise CorpusError(name, "the upload is empty", "choose the document file again")
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(corpus_dir, "the corpus folder does not exist",
                          "set RADONC_QA_CORPUS to the folder of guidance documents")
    folder = corpus_dir / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
    folder.mkdir()
    try:
        stem = Path(name).stem
        replaces = False
        for p in corpus_dir.iterdir():
            if p.name.startswith(".") or not p.is_file():
                continue
            if Path(p.name).stem == stem and not is_sidecar(p):
                replaces = True  # the upload replaces this document (possibly another format)
                continue
            os.symlink(p.resolve(), folder / p.name)
        (folder / name).write_bytes(data)
        pool = pool_from_store(store)  # entries get the ids the ingest will give them
        try:
            corpus = load_corpus(folder, pool, alternates_dir)
        except CorpusError as e:
            raise _rename(e, {name: name}) from None
        active = store.active_version()
        old = pool.previous.entries if pool.previous else []
        return StagedUpload(name, folder, corpus, diff_entries(old, corpus.entries), replaces,
                            active)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def commit(staged: StagedUpload, corpus_dir: Path) -> Path:
    """Move the upload into the corpus (replacing a same-stem document) and drop the staging."""
    corpus_dir = Path(corpus_dir)
    target = corpus_dir / staged.name
    stem = Path(staged.name).stem
    for p in corpus_dir.iterdir():  # the same document in another format goes away
        if p.is_file() and p.name != staged.name and Path(p.name).stem == stem \
                and not is_sidecar(p) and p.suffix.lower() in READERS:
            p.unlink()
    os.replace(staged.path, target)
    discard(staged)
    return target


def discard(staged: StagedUpload) -> None:
    shutil.rmtree(staged.folder, ignore_errors=True)


def clean_stale_staging(corpus_dir: Path, older_than_s: float = 24 * 3600) -> list[str]:
    """Remove staging folders left by sessions that never finished (older than a day)."""
    removed = []
    now = time.time()
    if Path(corpus_dir).is_dir():
        for p in Path(corpus_dir).iterdir():
            if p.is_dir() and p.name.startswith(STAGING_PREFIX) \
                    and now - p.stat().st_mtime >= older_than_s:
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
    return removed
