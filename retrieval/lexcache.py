"""The lexical index's per-entry work, kept on local disk per knowledge-base version.

Building a version's index splits every entry's text into words and maps them to terms: at
10,000 entries that is most of the index build (≈ 2 s of ≈ 3 s) and so of every cold start,
every reload after an activation, and ingest's quality gate. Each entry's result depends only
on its text and on the lexicon, so it is stored once per version, keyed by a hash of the text,
and a new version's index reuses the previous version's file for every unchanged entry.

The files are a cache: one per (version, lexicon fingerprint) under the store's cache folder,
written atomically by whichever process builds the index first, never required (a missing,
unreadable or stale file just means the work is done again).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import orjson

EntryTerms = tuple[list[str], list[str]]  # (terms in order, the entry's distinct words)
KEEP_FILES = 12  # newest cache files kept (the store keeps 5 versions by default)


class LexicalCache:
    def __init__(self, folder: Path | None, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint

    def path(self, version: str) -> Path | None:
        return self.folder / f"{version}.{self.fingerprint}.json" if self.folder else None

    def read(self, version: str | None) -> dict[str, EntryTerms] | None:
        path = self.path(version) if version else None
        if path is None:
            return None
        try:
            raw = orjson.loads(path.read_bytes())
            if raw.get("fingerprint") != self.fingerprint:
                return None
            return {k: (v[0], v[1]) for k, v in raw["entries"].items()}
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, IndexError):
            return None

    def write(self, version: str, table: dict[str, EntryTerms]) -> None:
        """Best effort: a cache that cannot be written costs time, never an answer.

        Called when `read` found nothing usable, so a broken file is replaced.
        """
        path = self.path(version)
        if path is None:
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(orjson.dumps({"fingerprint": self.fingerprint, "entries": table}))
            os.replace(tmp, path)
            self._prune()
        except OSError:
            try:
                tmp.unlink(missing_ok=True)  # a full disk: drop the partial copy
            except OSError:
                pass

    def _prune(self) -> None:
        assert self.folder is not None
        files = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP_FILES:]:
            old.unlink(missing_ok=True)
