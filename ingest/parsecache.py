"""Parsed documents kept by content, so that a re-ingest parses only the files that changed.

A document's parse depends on its bytes, its file name, the title, publisher and date its
sidecar gives, the parser's own code (every module of this repository the parser imports) and
the libraries that read HTML, Word, PDF and Markdown. The key is a hash of all of them: a
changed file, sidecar, parser or library is parsed afresh, and nothing else is ever trusted. The
files live under the store's cache folder (the data dir); a missing, unreadable or foreign file
is a miss, and a cache that cannot be written costs time, never a result.
"""

from __future__ import annotations

import ast
import hashlib
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import orjson

from ingest.parse import ParsedDocument
from retrieval.entry import Document, Entry

REPO = Path(__file__).resolve().parent.parent
PARSER_MODULES = ("ingest.load", "ingest.parse")  # what read_document and the parser run
# the readers' third-party code
LIBRARIES = ("beautifulsoup4", "python-docx", "pypdf", "markdown-it-py")
FORMAT = 1  # of the cache files themselves


def _module_file(name: str) -> Path | None:
    base = REPO.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imports(path: Path) -> set[str]:
    """This repository's modules a file imports (inside functions too), with their packages."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        found = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        for name in found:
            parts = name.split(".")
            names.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return {n for n in names if n.split(".")[0] in ("ingest", "retrieval")}


def parser_sources() -> list[Path]:
    """Every file of this repository the parser runs: its modules and what they import."""
    todo, seen = list(PARSER_MODULES), set()
    files: set[Path] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name)
        if path is not None:
            files.add(path)
            todo.extend(_imports(path) - seen)
    return sorted(files)


@lru_cache(maxsize=1)
def parser_fingerprint() -> str:
    """Changes whenever the parser's code or a reading library changes."""
    h = hashlib.sha256(f"format {FORMAT}".encode())
    for path in parser_sources():
        h.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    for lib in LIBRARIES:
        try:
            h.update(f"{lib} {metadata.version(lib)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} absent\0".encode())
    return h.hexdigest()


def document_key(data: bytes, path: Path, meta: tuple[str | None, ...]) -> str:
    """The cache key of one document: its bytes, name and sidecar metadata, and the parser."""
    h = hashlib.sha256(parser_fingerprint().encode())
    h.update(orjson.dumps([path.name, *meta]))
    h.update(data)
    return h.hexdigest()


class ParseCache:
    """One JSON file per parsed document, named by its key, under `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.hits = 0

    def parse(self, path: Path, data: bytes, meta: tuple[str | None, ...],
              parse: Callable[[], ParsedDocument]) -> ParsedDocument:
        """The document's parse from the cache, or `parse()` (then kept if the file held still)."""
        key = document_key(data, path, meta)
        self.used.add(key)
        cached = self._read(key)
        if cached is not None:
            self.hits += 1
            return cached
        doc = parse()
        if path.read_bytes() == data:  # not edited while it was parsed
            self._write(key, doc)
        return doc

    def prune(self) -> None:
        """Delete the files of documents the last corpus no longer has (best effort)."""
        try:
            for f in self.folder.glob("*.json"):
                if f.stem not in self.used:
                    f.unlink(missing_ok=True)
        except OSError:
            pass

    def _read(self, key: str) -> ParsedDocument | None:
        try:
            raw = orjson.loads((self.folder / f"{key}.json").read_bytes())
            if raw.get("key") != key:
                return None
            document = Document.from_dict(raw["document"])
            entries = tuple(Entry.from_dict(e, {document.name: document})
                            for e in raw["entries"])
            return ParsedDocument(document, entries)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write(self, key: str, doc: ParsedDocument) -> None:
        body = orjson.dumps({"key": key, "document": doc.document.to_dict(),
                             "entries": [e.to_dict() for e in doc.entries]})
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(body)
            os.replace(tmp, self.folder / f"{key}.json")
        except OSError:
            pass
