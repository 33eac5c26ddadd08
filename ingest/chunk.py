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


def passages_for(entries: Iterable[Entry], count_tokens: Callable[[str], int],
                 token_counts: Callable[[list[str]], list[int]] | None = None) -> list[Passage]:
    """Passages to embed for these entries, in a stable order.

    With `token_counts` (one batched tokenizer call for many texts), a text that already fits
    the window is kept whole without running the splitter, which would return the same one
    stripped chunk after calling the tokenizer on every piece it tries.
    """
    entries = list(entries)
    splitter = make_splitter(count_tokens)
    fits: set[str] = set()
    if token_counts is not None:
        distinct = {t for e in entries for t in (e.question, e.answer, *e.alternates)}
        # Every word piece covers at least one character: a text this short needs no count.
        fits = {t for t in distinct if len(t) <= CHUNK_TOKENS}
        counted = sorted(distinct - fits)
        counts = token_counts(counted)
        fits |= {t for t, n in zip(counted, counts, strict=True) if n <= CHUNK_TOKENS}

    def split(text: str) -> list[str]:
        if text in fits:
            return [text.strip()] if text.strip() else []
        return splitter.split_text(text)

    out: list[Passage] = []
    for e in entries:
        fields: list[tuple[str, list[str]]] = [
            ("question", split(e.question)),
            ("answer", split(e.answer)),
            ("alternate", [a for alt in e.alternates for a in split(alt)]),
        ]
        for field, texts in fields:
            for n, text in enumerate(texts):
                out.append(Passage(f"{e.id}#{field}{n}", e.id, field, text, content_hash(text)))
    return out
