"""Split entries into passages that fit the model's window; each points back to its entry.

Questions, answers and alternate phrasings are embedded separately so a query can match the
question asked or the content of the answer. (Embedding long answers sentence by sentence as
well was measured on the tuning splits: no change in any figure, 1.5× the passages.)
Text longer than the window is split with overlap (LangChain's recursive splitter, measured in
the model's own word pieces).
"""

from __future__ import annotations

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
    field: str  # "question" | "answer" | "alternate"
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


def passages_for(entries: Iterable[Entry], count_tokens: Callable[[str], int]) -> list[Passage]:
    """Passages to embed for these entries, in a stable order."""
    splitter = make_splitter(count_tokens)
    out: list[Passage] = []
    for e in entries:
        fields: list[tuple[str, list[str]]] = [
            ("question", splitter.split_text(e.question)),
            ("answer", splitter.split_text(e.answer)),
            ("alternate", [a for alt in e.alternates for a in splitter.split_text(alt)]),
        ]
        for field, texts in fields:
            for n, text in enumerate(texts):
                out.append(Passage(f"{e.id}#{field}{n}", e.id, field, text, content_hash(text)))
    return out
