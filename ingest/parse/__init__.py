"""Parse a coding-guidance document (any reader's lines) into Entries and their Document.

The shape publishers use, in any of their label styles (see `labels`):

    Daily Practice                      <- title (first line before the first question)
    Coding Question: …                  <- a question (label inline, or alone with the text after;
                                           unlabelled: a heading asking a question, `headings`)
    Coding Answer: …                    <- its answer, every paragraph, tables as rows
    …more pairs…
    References                          <- optional label; without it, only reference-like lines
    2023 ASTRO … Coding Resource           right after the last answer are references (`ending`)
    Disclaimer: …                       <- the disclaimer paragraph (or a heading and a paragraph)
    All CPT code descriptors …          <- the CPT notice: every line after the disclaimer

Answers are kept character for character; only whitespace around paragraphs (including the
no-break spaces the publisher leaves after labels) is trimmed. Where the structure is ambiguous
the file is refused with a CorpusFormatError naming the line and the fix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest.parse.disclaimer import opening_disclaimer, unlabelled_disclaimer
from ingest.parse.ending import disclaimer_and_notice
from ingest.parse.headings import LIST_NUMBER, structured_questions
from ingest.parse.labels import tokenize
from ingest.parse.lines import Line, split_lines
from ingest.parse.structure import Block, segment
from ingest.parse.title import document_title
from retrieval.codes import entry_codes, find_descriptors, find_ranges
from retrieval.entry import Document, Entry, content_hash
from retrieval.errors import CorpusFormatError

__all__ = ["Line", "ParsedDocument", "parse_daily_practice", "split_lines"]


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    entries: tuple[Entry, ...]


def _norm_question(q: str) -> str:
    q = unicodedata.normalize("NFKC", q).casefold()
    return re.sub(r"\W+", " ", q).strip()


def _check_ranges(lines: list[Line], path: Path) -> None:
    """A range written backwards may hide a typo: refuse it rather than guess."""
    for ln in lines:
        for r in find_ranges(ln.text):
            if r.backwards:
                raise CorpusFormatError(
                    path, f"the code range {r.first}-{r.last} runs backwards",
                    f"write it low to high ({r.last}-{r.first}) if that is what is meant, or "
                    "correct the code", line=ln.number)


# an excerpt a listing page cut short: an ellipsis, then the link to the rest ("… (more)",
# "... Read more »", "… [Continue reading]")
_CUT_SHORT = re.compile(
    r"(?:\.\.\.|\u2026)\s*[(\[]?\s*(?:read\s+more|more|continue\s+reading|(?:see|view)\s+"
    r"(?:more|(?:the\s+)?(?:full|whole|complete)\s+(?:answer|article|faq))|full\s+(?:answer|article))"
    r"\s*[)\]]?\s*[\u00bb\u203a\u2192>]*\s*$", re.IGNORECASE)


def _entry_text(q: Block, a: Block, path: Path) -> tuple[str, str]:
    # the item number a publisher prints before a question ("1." in a numbered table or list)
    # is the page's numbering, not the question's words (as a label's "Question 3:" is)
    question, answer = LIST_NUMBER.sub("", q.text(), count=1), a.text()
    if not question:
        raise CorpusFormatError(path, f"a question label ('{q.label}') with no text",
                                "write the question after the label", line=q.line)
    if not answer:
        raise CorpusFormatError(path, f"an answer label ('{a.label}') with no text",
                                "write the answer after the label", line=a.line)
    if cut := _CUT_SHORT.search(answer):
        raise CorpusFormatError(
            path, f"the answer to the question on line {q.line} ends '{cut.group().strip()}': "
            "the page shows only its first words (a listing of excerpts), the rest is elsewhere",
            "save the page that shows the whole answer (the one its 'more' link opens), or paste "
            "the whole answer", line=a.nonempty()[-1][-1].number)
    return question, answer


def parse_daily_practice(
    lines: list[Line],
    path: Path,
    *,
    title: str | None = None,
    publisher: str | None = None,
    published: str | None = None,
) -> ParsedDocument:
    """Parse one document's lines; raise CorpusFormatError naming the line and the fix."""
    if not any(ln.text.strip() for ln in lines):
        raise CorpusFormatError(path, "the file is empty", "add Coding Question:/Coding Answer: "
                                "pairs with a Disclaimer: paragraph, or remove the file")
    _check_ranges(lines, path)
    sections = segment(
        opening_disclaimer(unlabelled_disclaimer(structured_questions(tokenize(lines), path))),
        path)
    texts = [_entry_text(q, a, path) for q, a in sections.pairs]
    if not sections.tail:
        raise CorpusFormatError(
            path, "no 'Disclaimer:' paragraph found",
            "every guidance document must carry its publisher's disclaimer; add it after the "
            "references as a paragraph starting 'Disclaimer:' (or a 'Disclaimer' heading)")
    disclaimer, notice = disclaimer_and_notice(sections.tail, path)
    if not disclaimer:
        raise CorpusFormatError(path, "the 'Disclaimer:' paragraph is empty",
                                "paste the publisher's disclaimer text after the label",
                                line=sections.tail[0].number)
    full_text = "\n".join(ln.text for ln in lines)
    descriptors = find_descriptors(full_text)
    document = Document(
        name=path.stem,
        filename=path.name,
        title=title or document_title(sections.preamble, path.stem),
        disclaimer=disclaimer,
        notice=notice,
        references=tuple(sections.references),
        publisher=publisher,
        published=published,
        source_hash=content_hash(full_text),
    )
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for n, ((q, _), (question, answer)) in enumerate(zip(sections.pairs, texts, strict=True), 1):
        key = _norm_question(question)
        if key in seen:
            raise CorpusFormatError(
                path, f"the question on line {q.line} repeats the one on line {seen[key]}",
                "merge the two entries or reword one of them", line=q.line)
        seen[key] = q.line
        entries.append(Entry(
            id=f"{document.name}:{n}", position=n, question=question, answer=answer,
            document=document, codes=entry_codes(question, answer, descriptors), line=q.line,
        ))
    return ParsedDocument(document, tuple(entries))
