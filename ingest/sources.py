"""Each version's source files, kept so the corpus folder can be put back as that version had it.

Every ingest copies the corpus files it read (documents and their sidecars) into a
content-addressed archive under the data dir (`kb/sources/<sha256>`; an unchanged file is stored
once for all versions) and lists them in the manifest (`info["sources"]`: file name → sha256).

Rolling back restores the corpus folder to that list: files the version did not have, or had
with other content, are moved aside to `<data>/corpus-aside/<timestamp>/` (never deleted), and
the version's files are written back from the archive. So the next ingest rebuilds the version
that is active instead of silently re-activating what was rolled back.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ingest.load import IGNORED_NAMES
from retrieval.errors import CorpusError
from retrieval.store.base import KBStore

SOURCES_KEY = "sources"


def archive_dir(store: KBStore) -> Path | None:
    """Where the store's machine keeps source files (beside the version cache), if anywhere."""
    return store.cache_dir.parent / "sources" if store.cache_dir is not None else None


def corpus_files(corpus: Path) -> dict[str, Path]:
    """The files of a corpus folder an ingest reads: documents and sidecars, by name."""
    if not corpus.is_dir():
        return {}
    return {p.name: p for p in sorted(corpus.iterdir())
            if p.is_file() and not p.name.startswith(".") and p.name not in IGNORED_NAMES}


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _blob(root: Path, sha: str) -> Path:
    return root / sha[:2] / sha


def archive_corpus(corpus: Path, root: Path) -> dict[str, str]:
    """Copy the corpus files into the archive (once per content); file name → sha256."""
    out: dict[str, str] = {}
    for name, path in corpus_files(corpus).items():
        sha = _sha(path)
        blob = _blob(root, sha)
        if not blob.exists():
            blob.parent.mkdir(parents=True, exist_ok=True)
            tmp = blob.with_name(f".{sha}.{os.getpid()}.tmp")
            shutil.copyfile(path, tmp)
            os.replace(tmp, blob)
        out[name] = sha
    return out


@dataclass
class Drift:
    """How the corpus folder differs from a version's files."""

    known: bool  # False: the version predates kept sources, nothing can be said
    added: list[str] = field(default_factory=list)  # in the folder, not in the version
    changed: list[str] = field(default_factory=list)  # in both, other content
    missing: list[str] = field(default_factory=list)  # in the version, not in the folder

    @property
    def ahead(self) -> bool:
        return bool(self.added or self.changed or self.missing)


def drift(corpus: Path, sources: dict[str, str] | None) -> Drift:
    """Compare the corpus folder with a version's source list (`info["sources"]`)."""
    if sources is None:
        return Drift(known=False)
    files = corpus_files(corpus)
    d = Drift(known=True)
    for name, path in files.items():
        if name not in sources:
            d.added.append(name)
        elif _sha(path) != sources[name]:
            d.changed.append(name)
    d.missing = sorted(set(sources) - set(files))
    return d


@dataclass
class Restored:
    aside: Path | None  # where the folder's other files went, if any
    moved_aside: list[str]
    written: list[str]


def set_aside(corpus: Path, names: list[str], aside_root: Path) -> Path | None:
    """Move corpus files into a new `<aside_root>/<timestamp>/` folder; never deletes."""
    if not names:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    aside = aside_root / stamp
    aside.mkdir(parents=True, exist_ok=False)
    for name in names:
        shutil.move(str(corpus / name), str(aside / name))
    return aside


def restore_corpus(corpus: Path, sources: dict[str, str], root: Path,
                   aside_root: Path) -> Restored:
    """Make the corpus folder hold exactly a version's files; others are moved aside.

    Every archived file is checked before anything moves, so a missing archive changes nothing.
    """
    lost = [n for n, sha in sources.items() if not _blob(root, sha).is_file()]
    if lost:
        raise CorpusError(root, f"the archived copies of {', '.join(sorted(lost))} are missing",
                          "the corpus folder was left as it is; restore those files by hand")
    d = drift(corpus, sources)
    corpus.mkdir(parents=True, exist_ok=True)
    aside = set_aside(corpus, sorted(d.added + d.changed), aside_root)
    written = sorted(d.changed + d.missing)
    for name in written:
        tmp = corpus / f".{name}.{os.getpid()}.tmp"
        shutil.copyfile(_blob(root, sources[name]), tmp)
        os.replace(tmp, corpus / name)
    return Restored(aside, sorted(d.added + d.changed), written)
