"""schema.org FAQPage JSON-LD: the pairs a page states in a `<script type="application/ld+json">`.

Used only when the visible page shows no question (no label, no question markup): what the page
shows wins over what it tells search engines, which may be abridged. The pairs are placed where
the page shows the first of their questions as plain text (that text, and every visible line
repeating a pair's question or answer, is replaced by the pairs), else before the disclaimer.
Visible text left between them is the parser's to judge (it refuses text between entries).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.parse.labels import match_label
from ingest.parse.lines import HEADING, QUESTION, Line, entry_lines
from retrieval.errors import CorpusFormatError


@dataclass(frozen=True)
class StructuredQA:
    question: str
    answer_html: str | None  # None: the Question carries no acceptedAnswer text
    line: int  # of the script


@dataclass(frozen=True)
class Structured:
    pairs: tuple[StructuredQA, ...]
    broken_line: int | None = None  # a JSON-LD script naming FAQPage that is not valid JSON

    def __bool__(self) -> bool:
        return bool(self.pairs) or self.broken_line is not None


def _is(node: dict[str, Any], kind: str) -> bool:
    t = node.get("@type")
    return kind in (t if isinstance(t, list) else [t])


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in the data (FAQPage may sit in @graph or in a list)."""
    if isinstance(data, dict):
        yield data
        for v in data.values():
            yield from _nodes(v)
    elif isinstance(data, list):
        for v in data:
            yield from _nodes(v)


def _answer(question: dict[str, Any]) -> str | None:
    answer = question.get("acceptedAnswer")
    answer = answer[0] if isinstance(answer, list) and answer else answer
    text = answer.get("text") if isinstance(answer, dict) else None
    if not isinstance(text, str) or not text.strip():
        return None
    if not re.search(r"<[a-zA-Z]", text):  # plain text: its blank lines are paragraphs
        paras = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        return "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    return text


def jsonld_faq(soup: Any, path: Path) -> Structured:
    """The FAQPage pairs of the page's JSON-LD scripts, in order."""
    pairs: list[StructuredQA] = []
    broken = None
    for script in soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)}):
        raw = script.string or script.get_text()
        line = script.sourceline or 1
        try:
            data = json.loads(raw)
        except ValueError:
            if "FAQPage" in raw and broken is None:
                broken = line
            continue
        for node in _nodes(data):
            if not _is(node, "FAQPage"):
                continue
            entities = node.get("mainEntity") or []
            for q in entities if isinstance(entities, list) else [entities]:
                if isinstance(q, dict) and _is(q, "Question") and isinstance(q.get("name"), str):
                    pairs.append(StructuredQA(q["name"].strip(), _answer(q), line))
    return Structured(tuple(pairs), broken)


def shows_questions(lines: list[Line], structured: Structured | None = None) -> bool:
    """Whether the visible page gives any question (by markup or by a label), or shows the
    JSON-LD's questions as headings or bold paragraphs (read from the page, `parse.headings`)."""
    asked = {_norm(qa.question) for qa in structured.pairs} if structured else set()
    return any(ln.kind == QUESTION or ((m := match_label(ln.text)) and m[0] == "question")
               or ((ln.kind == HEADING or ln.level) and _norm(ln.text) in asked)
               for ln in lines)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", html.unescape(text)).split()).casefold()


def _block(structured: Structured, path: Path,
           answer_lines: Callable[[str, int], list[Line]]) -> list[Line]:
    out: list[Line] = []
    for qa in structured.pairs:
        if qa.answer_html is None:
            raise CorpusFormatError(
                path, f"the JSON-LD FAQPage question {qa.question[:50]!r} has no "
                "acceptedAnswer text", "add the answer's text to its acceptedAnswer, or give "
                "the page visible 'Question:' / 'Answer:' labels", line=qa.line)
        found = match_label(qa.question)
        question = found[2].strip() if found and found[0] == "question" and found[2].strip() \
            else qa.question
        out += [*entry_lines(qa.line, question, answer_lines(qa.answer_html, qa.line)),
                Line(qa.line, "")]
    return out


def with_structured(lines: list[Line], structured: Structured, path: Path,
                    answer_lines: Callable[[str, int], list[Line]]) -> list[Line]:
    """The visible lines with the JSON-LD pairs in place of the text that repeats them."""
    if structured.broken_line is not None and not structured.pairs:
        raise CorpusFormatError(
            path, "the page shows no question and its JSON-LD FAQPage script is not valid JSON",
            "fix the script (a JSON validator names the error), or give the page visible "
            "'Question:' / 'Answer:' labels", line=structured.broken_line)
    block = _block(structured, path, answer_lines)
    questions = {_norm(qa.question) for qa in structured.pairs}
    answers = [_norm(re.sub(r"<[^>]+>", " ", qa.answer_html or "")) for qa in structured.pairs]
    start = next((i for i, ln in enumerate(lines) if _norm(ln.text) in questions), None)
    if start is None:
        start = next((i for i, ln in enumerate(lines)
                      if (m := match_label(ln.text)) and m[0] == "disclaimer"), len(lines))
        return [*lines[:start], *block, *lines[start:]]
    kept = [ln for ln in lines[start:] if not (
        (n := _norm(ln.text)) and (n in questions or any(n in a for a in answers)))]
    return [*lines[:start], *block, *kept]
