"""Split entries into passages that fit the model's window; each points back to its entry.

Questions, answers and alternate phrasings are embedded separately so a query can match the
question asked or the content of the answer; an answer of several sentences is also embedded
sentence by sentence, so a question about one point of a long answer is not diluted by the rest.
Text longer than the window is split with overlap (LangChain's recursive splitter, measured in
the model's own word pieces).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from retrieval.entry import Entry, content_hash

CHUNK_TOKENS = 200  # comfortably under the model's 256 word pieces, special tokens included
OVERLAP_TOKENS = 40


@dataclass(frozen=True)
class Passage:
    id: str  # "<entry id>#<field><n>"
    entry_id: str
    field: str  # "question" | "answer" | "sentence" | "alternate"
    text: str
    hash: str


def make_splitter(count_tokens: Callable[[str], int]) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_TOKENS,
        chunk_overlap=OVERLAP_TOKENS,
        length_function=count_tokens,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        keep_separator="end",
    )


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z(“\"])")


def sentences(text: str) -> list[str]:
    """The sentences of a multi-sentence text (none for a single sentence: the whole covers it)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text) if len(p.strip()) > 20]
    return parts if len(parts) > 1 else []


def passages_for(entries: Iterable[Entry], count_tokens: Callable[[str], int]) -> list[Passage]:
    """Passages to embed for these entries, in a stable order."""
    splitter = make_splitter(count_tokens)
    out: list[Passage] = []
    for e in entries:
        fields: list[tuple[str, list[str]]] = [
            ("question", splitter.split_text(e.question)),
            ("answer", splitter.split_text(e.answer)),
            ("sentence", sentences(e.answer)),
            ("alternate", [a for alt in e.alternates for a in splitter.split_text(alt)]),
        ]
        for field, texts in fields:
            for n, text in enumerate(texts):
                out.append(Passage(f"{e.id}#{field}{n}", e.id, field, text, content_hash(text)))
    return out
