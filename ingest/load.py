"""Find the corpus documents and read each into numbered lines of text.

Each format's reader lives in `ingest.readers` and is registered in `READERS` by file suffix.
Files beside a document that describe it (`<stem>.meta.toml`, `<stem>.alternates.toml`) are
sidecars, not documents.
"""

from __future__ import annotations

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


def find_documents(corpus: Path) -> list[Path]:
    """Documents in the corpus folder, sorted; CorpusError for a missing folder or stray files."""
    if not corpus.exists():
        raise CorpusError(corpus, "the corpus folder does not exist",
                          "pass --corpus DIR pointing at the folder of guidance documents")
    if not corpus.is_dir():
        raise CorpusError(corpus, "the corpus path is a file, not a folder",
                          "pass --corpus DIR pointing at the folder of guidance documents")
    docs = []
    for path in sorted(corpus.iterdir()):
        if path.name in IGNORED_NAMES or path.name.startswith(".") or path.is_dir():
            continue
        if is_sidecar(path):
            continue
        if path.suffix.lower() not in READERS:
            known = ", ".join(sorted(READERS))
            raise CorpusError(path, f"unknown file type '{path.suffix or '(none)'}'",
                              f"corpus documents must be one of {known}; move other files out")
        docs.append(path)
    if not docs:
        raise CorpusError(corpus, "the corpus folder has no documents",
                          f"add guidance documents ({', '.join(sorted(READERS))})")
    return docs


def read_document(path: Path) -> list[Line]:
    """The document's text as numbered lines, by the reader for its file type."""
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise CorpusError(path, f"the file is {size / 1e6:.0f} MB",
                          f"documents over {MAX_DOCUMENT_BYTES // 2**20} MB are refused; "
                          "split it or remove images")
    return READERS[path.suffix.lower()](path)
