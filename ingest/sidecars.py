"""Small TOML files beside a corpus document that describe it: metadata and alternate phrasings.

`<stem>.meta.toml` — optional metadata shown with the document's answers::

    title = "Daily Practice: Physics"
    publisher = "ASTRO"
    published = "2023-05-01"          # publication date, as printed
    effective = "2023-07-01"          # effective date, if the publisher gives one
    supersedes = ["astro-2022-physics", "other-doc:3"]   # documents or single entries replaced

`<stem>.alternates.toml` — other ways coders ask an entry's question, embedded and indexed with
it. Each block names its entry by `question_hash` (survives renumbering) and/or `number`::

    [[entry]]
    number = 1
    question_hash = "3f9c0d…"        # question_key() of the entry's question
    question = "A previously treated patient has imaging…"   # for people reading the file
    phrasings = ["can we bill 77370 after treatment ended?"]

A block whose hash no longer matches any question (the question was edited or deleted) is left
out with a warning in the ingest report, never attached to whatever entry now has that number.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest.parse import ParsedDocument, _norm_question
from retrieval.entry import Entry, content_hash
from retrieval.errors import CorpusFormatError

META_KEYS = {"title", "publisher", "published", "effective", "supersedes"}
ALTERNATE_KEYS = {"number", "question_hash", "question", "phrasings"}


@dataclass(frozen=True)
class DocumentMeta:
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    effective: str | None = None
    supersedes: tuple[str, ...] = ()

    @property
    def date_label(self) -> str | None:
        """Publication / effective date as one label for Document.published."""
        if self.published and self.effective:
            return f"{self.published} (effective {self.effective})"
        if self.effective:
            return f"effective {self.effective}"
        return self.published


def meta_path(document: Path) -> Path:
    return document.with_name(f"{document.stem}.meta.toml")


def alternates_path(document: Path) -> Path:
    return document.with_name(f"{document.stem}.alternates.toml")


def question_key(question: str) -> str:
    """Stable key of a question: insensitive to case, punctuation and spacing."""
    return content_hash(_norm_question(question))


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise CorpusFormatError(path, "not UTF-8 text", "re-save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise CorpusFormatError(path, f"not valid TOML ({e})",
                                "fix the syntax (strings in double quotes, lists in [ ])",
                                line=int(m.group(1)) if m else None) from None


def _str(path: Path, data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        # TOML dates arrive as datetime.date: accept them as written
        if hasattr(value, "isoformat"):
            return str(value.isoformat())
        raise CorpusFormatError(path, f"'{key}' must be text", f'write it as {key} = "…"')
    return str(value).strip() or None


def read_meta(document: Path) -> DocumentMeta:
    """The document's metadata, or empty metadata when it has no `.meta.toml`."""
    path = meta_path(document)
    if not path.is_file():
        return DocumentMeta()
    data = _load_toml(path)
    unknown = sorted(set(data) - META_KEYS)
    if unknown:
        raise CorpusFormatError(path, f"unknown key(s) {', '.join(unknown)}",
                                f"allowed keys: {', '.join(sorted(META_KEYS))}")
    sup = data.get("supersedes", [])
    if isinstance(sup, str):
        sup = [sup]
    if not isinstance(sup, list) or not all(isinstance(s, str) and s.strip() for s in sup):
        raise CorpusFormatError(path, "'supersedes' must be a list of document names or entry "
                                "ids", 'write it as supersedes = ["old-document", "doc:3"]')
    return DocumentMeta(
        title=_str(path, data, "title"),
        publisher=_str(path, data, "publisher"),
        published=_str(path, data, "published"),
        effective=_str(path, data, "effective"),
        supersedes=tuple(s.strip() for s in sup),
    )


def _block_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[entry]]"]


def read_alternates(document: Path) -> list[tuple[int | None, str | None, tuple[str, ...], int]]:
    """Blocks of `<stem>.alternates.toml`: (number, question_hash, phrasings, line)."""
    path = alternates_path(document)
    if not path.is_file():
        return []
    data = _load_toml(path)
    blocks = data.get("entry", [])
    extra = sorted(set(data) - {"entry"})
    if extra or not isinstance(blocks, list):
        raise CorpusFormatError(path, f"unexpected key(s) {', '.join(extra) or 'entry'}",
                                "the file holds only [[entry]] blocks")
    lines = _block_lines(path.read_text(encoding="utf-8"))
    out = []
    for i, block in enumerate(blocks):
        line = lines[i] if i < len(lines) else None
        unknown = sorted(set(block) - ALTERNATE_KEYS)
        if unknown:
            raise CorpusFormatError(path, f"unknown key(s) {', '.join(unknown)} in [[entry]]",
                                    f"allowed keys: {', '.join(sorted(ALTERNATE_KEYS))}",
                                    line=line)
        number, qhash, phr = block.get("number"), block.get("question_hash"), block.get("phrasings")
        if number is not None and (not isinstance(number, int) or number < 1):
            raise CorpusFormatError(path, "'number' must be a whole number from 1",
                                    "write the entry's position, e.g. number = 3", line=line)
        if qhash is not None and not isinstance(qhash, str):
            raise CorpusFormatError(path, "'question_hash' must be text",
                                    'write it as question_hash = "…"', line=line)
        if number is None and not qhash:
            raise CorpusFormatError(path, "an [[entry]] block names no entry",
                                    "add question_hash = \"…\" or number = N", line=line)
        if not isinstance(phr, list) or not phr or not all(isinstance(p, str) for p in phr):
            raise CorpusFormatError(path, "'phrasings' must be a non-empty list of text",
                                    'write it as phrasings = ["…", "…"]', line=line)
        out.append((number, qhash, tuple(p.strip() for p in phr if p.strip()), line or 0))
    return out


def apply_sidecars(doc: ParsedDocument, path: Path) -> tuple[ParsedDocument, list[str]]:
    """The parsed document with its alternate phrasings attached to the entries they name.

    A block whose `question_hash` matches no question (edited or deleted since) is left out with
    a warning: it is never attached to whatever entry now has its number.
    """
    blocks = read_alternates(path)
    if not blocks:
        return doc, []
    side = alternates_path(path)
    by_key = {question_key(e.question): e for e in doc.entries}
    by_number = {e.position: e for e in doc.entries}
    extra: dict[str, list[str]] = {e.id: list(e.alternates) for e in doc.entries}
    warnings: list[str] = []
    for number, qhash, phrasings, line in blocks:
        entry: Entry | None
        if qhash:
            entry = by_key.get(qhash)
            if entry is None:
                was = f" (entry {number} when it was written)" if number else ""
                warnings.append(
                    f"{side.name}:{line}: the question this block was written for is no longer "
                    f"in {path.name}{was}; its {len(phrasings)} phrasing(s) are not used — "
                    "re-attach them on the Admin page or delete the block")
                continue
        else:
            entry = by_number.get(number or 0)
            if entry is None:
                raise CorpusFormatError(side, f"{path.name} has no entry number {number}",
                                        f"it has {len(doc.entries)} entries; fix the number",
                                        line=line or None)
        own = _norm_question(entry.question)
        for p in phrasings:
            if _norm_question(p) != own and p not in extra[entry.id]:
                extra[entry.id].append(p)
    entries = tuple(replace(e, alternates=tuple(extra[e.id])) for e in doc.entries)
    return ParsedDocument(doc.document, entries), warnings

