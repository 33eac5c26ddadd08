"""Find the corpus documents and read each into numbered lines of text.

Each format's reader lives in `ingest.readers` and is registered in `READERS` by file suffix.
Files beside a document that describe it (`<stem>.meta.toml`, `<stem>.alternates.toml`) are
sidecars, not documents.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from ingest.parse import Line
from ingest.readers import READERS as FORMAT_READERS
from ingest.readers import decode_text, read_text
from retrieval.errors import CorpusError

__all__ = ["READERS", "SIDECAR_SUFFIXES", "decode_text", "find_documents", "read_document",
           "read_text"]

SIDECAR_SUFFIXES = (".meta.toml", ".alternates.toml")
IGNORED_NAMES = {".gitkeep", ".DS_Store", "README.md", "README.txt"}
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


Reader = Callable[[Path], list[Line]]
READERS: dict[str, Reader] = dict(FORMAT_READERS)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIXES)


def find_documents(corpus: Path, stray: list[CorpusError] | None = None) -> list[Path]:
    """Documents in the corpus folder, sorted; CorpusError for a missing folder or stray files.

    With `stray`, a file that is no document (unknown type, unreadable, special) is appended to
    it instead of raised, so every such file is reported at once.
    """
    if not corpus.exists():
        raise CorpusError(corpus, "the corpus folder does not exist",
                          "pass --corpus DIR pointing at the folder of guidance documents")
    if not corpus.is_dir():
        raise CorpusError(corpus, "the corpus path is a file, not a folder",
                          "pass --corpus DIR pointing at the folder of guidance documents")
    docs = []
    for path in sorted(corpus.iterdir()):
        if path.name in IGNORED_NAMES or path.name.startswith("."):
            continue
        try:
            if not _regular_file(path) or is_sidecar(path):
                continue
            if path.suffix.lower() not in READERS:
                known = ", ".join(sorted(READERS))
                raise CorpusError(path, f"unknown file type '{path.suffix or '(none)'}'",
                                  f"corpus documents must be one of {known}; move other files "
                                  "out")
        except CorpusError as e:
            if stray is None:
                raise
            stray.append(e)
            continue
        docs.append(path)
    if not docs and not stray:
        raise CorpusError(corpus, "the corpus folder has no documents",
                          f"add guidance documents ({', '.join(sorted(READERS))})")
    return docs


def _unusable(path: Path, e: OSError) -> CorpusError:
    """Why a corpus path cannot be opened, in words, naming it."""
    hint = "fix it or move it out of the corpus folder"
    if e.errno == errno.ELOOP:
        return CorpusError(path, "is a symbolic link that leads back to itself (a loop)", hint)
    if path.is_symlink() and e.errno == errno.ENOENT:
        return CorpusError(path, f"is a symbolic link to {os.readlink(path)}, which does not "
                                 "exist", hint)
    if isinstance(e, PermissionError):
        return CorpusError(path, "cannot be read (permission denied)",
                           "give the app read access to it (chmod a+r) or move it out")
    return CorpusError(path, f"cannot be read ({e.strerror or e})", hint)


def _regular_file(path: Path) -> bool:
    """True for a file to read, False for a folder to skip; CorpusError for anything else.

    Checked with stat before anything is opened: opening a named pipe waits forever.
    """
    try:
        mode = path.stat().st_mode
    except OSError as e:
        raise _unusable(path, e) from None
    if stat.S_ISDIR(mode):
        return False
    if not stat.S_ISREG(mode):
        kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special")
        raise CorpusError(path, f"is {kind}, not a regular file",
                          "only document files belong in the corpus folder; move it out")
    return True


def _check_document(path: Path) -> None:
    _regular_file(path)
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise CorpusError(path, f"the file is {size / 2**20:.0f} MiB",
                          f"documents over {MAX_DOCUMENT_BYTES // 2**20} MiB are refused; "
                          "split it or remove images")


def document_bytes(path: Path) -> bytes:
    """The document file's bytes, after the same checks read_document makes (parse cache key)."""
    _check_document(path)
    try:
        return path.read_bytes()
    except OSError as e:
        raise _unusable(path, e) from None


def read_document(path: Path) -> list[Line]:
    """The document's text as numbered lines, by the reader for its file type."""
    _check_document(path)
    try:
        return READERS[path.suffix.lower()](path)
    except OSError as e:  # CorpusError is not an OSError: readers' own messages pass through
        raise _unusable(path, e) from None
