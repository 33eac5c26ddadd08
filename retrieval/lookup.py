"""Code look-up: "what is 77336?", "codes for physics consults" → what the knowledge base says.

A look-up lists codes with the descriptors the documents give next to them and the entries that
mention each — a labelled listing of the knowledge base, never a definition of its own. A code no
entry mentions is listed as not covered.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from retrieval.codes import find_codes
from retrieval.gc_pause import no_gc
from retrieval.index import KBIndex

LABEL = (
    "Codes as the knowledge-base documents give them (descriptors verbatim), with the entries "
    "that mention each — not a definition of the code."
)

_DEFINE = re.compile(
    r"^\s*(?:what(?:'s|s|\s+is|\s+are|\s+does|\s+do)?|define|definition|meaning|describe|"
    r"descriptor|explain|look\s*up|lookup|tell\s+me\s+about|info(?:rmation)?)\b",
    re.IGNORECASE,
)
# words that may sit around the code(s) in a "what is 77336?" question
_DEFINE_WORDS = frozenset(
    "what whats what's is are does do s the a an cpt code codes hcpcs mean means meaning stand "
    "stands for define definition of describe descriptor explain look up lookup tell me about "
    "info information please and or".split()
)
# "codes for physics consults", "which code do we use for weekly chart checks", "codes are there
# for hyperthermia" (a question that names a code is not a topic look-up)
_TOPIC = re.compile(
    r"\b(?:cpt\s+|hcpcs\s+)?codes?\s+(?:[a-z']+\s+){0,3}?(?:for|about|covering)\s+(?P<topic>.+)$",
    re.IGNORECASE,
)
_ALL = re.compile(
    r"^\s*(?:(?:list|show)(?:\s+me)?\s+(?:all\s+|the\s+)?(?:cpt\s+)?codes\b|"
    r"(?:what|which)\s+(?:cpt\s+)?codes\s+(?:do\s+you|does\s+(?:it|the\s+\w+(?:\s+base)?))\s+"
    r"(?:know|cover|have|list))",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z0-9']+")
_SENTENCE = re.compile(r"[^.?!]+[.?!]*")
MIN_TOPIC_MATCH = 0.5  # share of the topic's terms a code's descriptor / entries must contain


def gist(question: str) -> str:
    """The first interrogative sentence of a curated question (its ask, without the case story)."""
    for sentence in _SENTENCE.findall(question):
        if sentence.rstrip().endswith("?"):
            return sentence.strip()
    return question


@dataclass(frozen=True)
class CodeInfo:
    """One code as the knowledge base knows it."""

    code: str
    descriptors: tuple[tuple[str, str], ...]  # (descriptor, document title), verbatim
    entries: tuple[tuple[str, str], ...]  # (entry id, the ask of its question, verbatim)

    @property
    def covered(self) -> bool:
        return bool(self.entries)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "covered": self.covered,
            "descriptors": [{"descriptor": d, "document": t} for d, t in self.descriptors],
            "entries": [{"id": i, "question": q} for i, q in self.entries],
        }


@dataclass(frozen=True)
class Lookup:
    """The answer to a code look-up; `codes` in the order asked (or best match first)."""

    kind: str  # "code" | "topic" | "all"
    asked: str  # the code(s) or the topic as asked
    codes: tuple[CodeInfo, ...]
    label: str = LABEL

    @property
    def not_covered(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.codes if not c.covered)

    def summary(self) -> str:
        """One line a coder reads first."""
        known = [c for c in self.codes if c.covered]
        if self.kind == "code":
            parts = []
            if known:
                parts.append(f"The knowledge base mentions {', '.join(c.code for c in known)}.")
            if self.not_covered:
                parts.append(f"The knowledge base does not cover {', '.join(self.not_covered)}.")
            return " ".join(parts)
        if not known:
            return f"The knowledge base lists no code for “{self.asked}”."
        n = len(known)
        codes = f"{n} code{'s' if n != 1 else ''}"
        if self.kind == "all":
            return f"The knowledge base mentions {codes}."
        return f"The knowledge base mentions {codes} for “{self.asked}”."

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "asked": self.asked,
            "label": self.label,
            "summary": self.summary(),
            "codes": [c.to_dict() for c in self.codes],
            "not_covered": list(self.not_covered),
        }


def code_info(index: KBIndex, code: str) -> CodeInfo:
    code = code.upper()
    descriptors: dict[tuple[str, str], None] = {}
    entries = []
    for i in index.codes.get(code, []):
        e = index.entries[i]
        entries.append((e.id, gist(e.question)))
        for c in e.codes:
            if c.code == code and c.descriptor:
                descriptors.setdefault((c.descriptor, e.document.title), None)
    return CodeInfo(code, tuple(descriptors), tuple(entries))


def _is_definition(text: str, codes: list[str]) -> bool:
    if not codes or not _DEFINE.search(text):
        return False
    rest = [w for w in _WORD.findall(text.lower()) if w.upper() not in codes]
    return all(w in _DEFINE_WORDS for w in rest)


def _word_terms(index: KBIndex, text: str, memo: dict[str, list[str]] | None = None) -> set[str]:
    """Terms word by word (no phrase collapsing), so "physics consultation" keeps both words.

    `memo` keeps each distinct word's terms across many texts (a corpus repeats its words).
    """
    lex = index.lexicon
    memo = {} if memo is None else memo
    words = lex.words(text)
    out = set(lex.terms_of_words(words))
    for w in words:
        if w not in memo:
            memo[w] = lex.terms(w)
        out.update(memo[w])
    return out


_CODE_TERMS: weakref.WeakKeyDictionary[KBIndex, dict[str, tuple[set[str], set[str]]]] = (
    weakref.WeakKeyDictionary())
_CODE_TERMS_LOCK = threading.Lock()


def _code_terms(index: KBIndex) -> dict[str, tuple[set[str], set[str]]]:
    """Per code: (terms of its descriptors, terms of the entries mentioning it); once per index."""
    with _CODE_TERMS_LOCK:
        cached = _CODE_TERMS.get(index)
        if cached is not None:
            return cached
        memo: dict[str, list[str]] = {}
        with no_gc():
            per_entry = [_word_terms(index, f"{e.question} {e.answer}", memo)
                         for e in index.entries]
        out: dict[str, tuple[set[str], set[str]]] = {}
        for code, rows in index.codes.items():
            desc_terms: set[str] = {code}
            entry_terms: set[str] = set()
            for i in rows:
                entry_terms |= per_entry[i]
                for c in index.entries[i].codes:
                    if c.code == code and c.descriptor:
                        desc_terms |= _word_terms(index, c.descriptor, memo)
            out[code] = (desc_terms, entry_terms)
        _CODE_TERMS[index] = out
        return out


def _topic_match(index: KBIndex, want: set[str], code: str) -> float:
    """Share of the topic's terms in the code's descriptors, else in the entries mentioning it."""
    if not want:
        return 0.0
    desc_terms, entry_terms = _code_terms(index)[code]
    by_desc = len(want & desc_terms) / len(want)
    by_entries = len(want & entry_terms) / len(want)
    return max(by_desc, by_entries)


def lookup(index: KBIndex, text: str) -> Lookup | None:
    """The look-up the question asks for, or None when it is not a look-up."""
    codes = find_codes(text)
    if _is_definition(text, codes):
        return Lookup("code", ", ".join(codes), tuple(code_info(index, c) for c in codes))
    if _ALL.search(text):
        return Lookup("all", "all codes", tuple(code_info(index, c) for c in sorted(index.codes)))
    m = _TOPIC.search(text)
    if m and not codes:
        topic = m.group("topic").strip(" ?.!")
        want = {t for w in index.lexicon.words(topic) for t in index.lexicon.terms(w)}
        scored = sorted(
            ((_topic_match(index, want, c), c) for c in index.codes), key=lambda t: (-t[0], t[1])
        )
        found = tuple(code_info(index, c) for s, c in scored if s >= MIN_TOPIC_MATCH)
        return Lookup("topic", topic, found)
    return None
