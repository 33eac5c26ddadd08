"""Parse the ASTRO "Daily Practice" Q&A format into Entries and their Document.

The format, as published:

    Daily Practice                      <- title (first non-empty line before the first question)
    Coding Question: …                  <- a question (may run over several lines)
    Coding Answer: …                    <- its answer (may run over several paragraphs)
    …more pairs…
    2023 ASTRO Radiation Oncology …     <- references: the paragraph(s) after the last answer's
    ASTRO's 2020 Supervision Guidance      first paragraph, one per line ("References:" optional)
    Disclaimer: …                       <- the disclaimer paragraph
    All CPT code descriptors …          <- the CPT notice: every line after the disclaimer
    CPT is registered trademark …

Answers are kept character for character; only whitespace around them (including the no-break
spaces the publisher leaves after labels) is trimmed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from retrieval.codes import codes_with_descriptors, find_descriptors
from retrieval.entry import Document, Entry, content_hash
from retrieval.errors import CorpusFormatError

_QUESTION = re.compile(r"^\s*(?:Coding\s+)?Question\s*:\s*", re.IGNORECASE)
_ANSWER = re.compile(r"^\s*(?:Coding\s+)?Answer\s*:\s*", re.IGNORECASE)
_DISCLAIMER = re.compile(r"^\s*Disclaimer\s*:\s*", re.IGNORECASE)
_REFERENCES = re.compile(r"^\s*(?:References?|Sources?)\s*:?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """A line of extracted text with its 1-based number in the source (for error messages)."""

    number: int
    text: str


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    entries: tuple[Entry, ...]


@dataclass
class _Block:
    kind: str  # "question" | "answer"
    line: int
    paragraphs: list[list[str]]

    def text(self) -> str:
        return "\n\n".join("\n".join(p).strip() for p in self.paragraphs if "".join(p).strip())


def split_lines(text: str) -> list[Line]:
    return [Line(i, t.rstrip("\r")) for i, t in enumerate(text.split("\n"), start=1)]


def _blank(s: str) -> bool:
    return not s.strip()


def _norm_question(q: str) -> str:
    q = unicodedata.normalize("NFKC", q).casefold()
    return re.sub(r"\W+", " ", q).strip()


def parse_daily_practice(
    lines: list[Line],
    path: Path,
    *,
    title: str | None = None,
    publisher: str | None = None,
    published: str | None = None,
) -> ParsedDocument:
    """Parse one document's lines; raise CorpusFormatError naming the line and the fix."""
    if not any(not _blank(ln.text) for ln in lines):
        raise CorpusFormatError(path, "the file is empty", "add Coding Question:/Coding Answer: "
                                "pairs with a Disclaimer: paragraph, or remove the file")
    preamble: list[str] = []
    blocks: list[_Block] = []
    tail: list[Line] = []  # everything from the disclaimer on
    current: _Block | None = None
    for i, ln in enumerate(lines):
        text = ln.text
        if _DISCLAIMER.match(text):
            tail = lines[i:]
            break
        if m := _QUESTION.match(text):
            current = _Block("question", ln.number, [[text[m.end():]]])
            blocks.append(current)
        elif m := _ANSWER.match(text):
            current = _Block("answer", ln.number, [[text[m.end():]]])
            blocks.append(current)
        elif current is None:
            if not _blank(text):
                preamble.append(text.strip())
        elif _blank(text):
            if current.paragraphs[-1] and not _blank("".join(current.paragraphs[-1])):
                current.paragraphs.append([])
        else:
            current.paragraphs[-1].append(text)

    if not blocks:
        raise CorpusFormatError(
            path, "no Q&A pairs found",
            "each entry needs a line starting 'Coding Question:' followed by one starting "
            "'Coding Answer:'",
        )

    # The last answer keeps its first paragraph; later paragraphs before the disclaimer are
    # the document's reference list.
    references: list[str] = []
    last = blocks[-1]
    if last.kind == "answer":
        paras = [p for p in last.paragraphs if not _blank("".join(p))]
        last.paragraphs = paras[:1]
        for para in paras[1:]:
            references.extend(r.strip() for r in para if r.strip() and not _REFERENCES.match(r))

    pairs: list[tuple[_Block, _Block]] = []
    pending: _Block | None = None
    for b in blocks:
        if b.kind == "question":
            if pending is not None:
                raise CorpusFormatError(
                    path, f"the question on line {pending.line} has no answer", "add a "
                    "'Coding Answer:' line after it, or delete the question", line=pending.line)
            pending = b
        else:
            if pending is None:
                raise CorpusFormatError(
                    path, "an answer with no question before it", "add the 'Coding Question:' "
                    "it answers above it, or delete the answer", line=b.line)
            pairs.append((pending, b))
            pending = None
    if pending is not None:
        raise CorpusFormatError(path, f"the question on line {pending.line} has no answer",
                                "add a 'Coding Answer:' line after it, or delete the question",
                                line=pending.line)

    if not tail:
        raise CorpusFormatError(
            path, "no 'Disclaimer:' paragraph found",
            "every guidance document must carry its publisher's disclaimer; add it after the "
            "references as a paragraph starting 'Disclaimer:'")
    disclaimer_lines = [_DISCLAIMER.sub("", tail[0].text, count=1)]
    rest = tail[1:]
    while rest and not _blank(rest[0].text):
        disclaimer_lines.append(rest[0].text)
        rest = rest[1:]
    disclaimer = "\n".join(disclaimer_lines).strip()
    if not disclaimer:
        raise CorpusFormatError(path, "the 'Disclaimer:' paragraph is empty",
                                "paste the publisher's disclaimer text after the label",
                                line=tail[0].number)
    notice = "\n".join(ln.text.strip() for ln in rest if not _blank(ln.text))

    full_text = "\n".join(ln.text for ln in lines)
    descriptors = find_descriptors(full_text)
    document = Document(
        name=path.stem,
        filename=path.name,
        title=title or (preamble[0] if preamble else path.stem),
        disclaimer=disclaimer,
        notice=notice,
        references=tuple(references),
        publisher=publisher,
        published=published,
        source_hash=content_hash(full_text),
    )

    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for n, (q, a) in enumerate(pairs, start=1):
        question, answer = q.text(), a.text()
        if not question:
            raise CorpusFormatError(path, "a 'Coding Question:' label with no text",
                                    "write the question after the label", line=q.line)
        if not answer:
            raise CorpusFormatError(path, "a 'Coding Answer:' label with no text",
                                    "write the answer after the label", line=a.line)
        key = _norm_question(question)
        if key in seen:
            raise CorpusFormatError(
                path, f"the question on line {q.line} repeats the one on line {seen[key]}",
                "merge the two entries or reword one of them", line=q.line)
        seen[key] = q.line
        entries.append(Entry(
            id=f"{document.name}:{n}",
            position=n,
            question=question,
            answer=answer,
            document=document,
            codes=codes_with_descriptors(f"{question}\n{answer}", descriptors),
            line=q.line,
        ))
    return ParsedDocument(document, tuple(entries))
