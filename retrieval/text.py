"""Text to terms: clean user input, map the domain's shorthand, fix typos, stem.

The corpus and the query go through the same `Lexicon.terms`, so the lexical signal compares
like with like. The dense signal gets the query with its acronyms spelled out.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import orjson
import Stemmer
import wordninja
from rapidfuzz import process
from rapidfuzz.distance import OSA

from retrieval.codes import CODE_RE, PLURAL_CODE_RE
from retrieval.errors import EmptyQuery, QueryError

MAX_QUERY_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_TERM_CACHE = 500_000  # distinct words remembered by Lexicon.term (a few tens of MB at most)
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_SPACES = re.compile(r"\s+")


def clean_query(text: str) -> str:
    """The question as searched: control characters dropped, whitespace folded; else QueryError."""
    if not isinstance(text, str):
        raise QueryError("The question must be text.")
    if len(text) > MAX_QUERY_CHARS * 5:  # refuse before doing any work on a huge paste
        raise QueryError(
            f"The question is {len(text):,} characters long; ask it in under "
            f"{MAX_QUERY_CHARS:,} (the question itself, not the whole chart note)."
        )
    bad = _SURROGATE.search(text)
    if bad:  # undecodable bytes from a terminal or file (Python maps them to lone surrogates)
        raise QueryError(
            f"The question has a character that is not valid text at position {bad.start() + 1}"
            " (an unpaired surrogate, usually a byte in the wrong encoding); retype it, or save "
            "the file it came from as UTF-8.")
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", text))
    text = " ".join(text.split())
    if not text:
        raise EmptyQuery("The question is empty; type a coding question, e.g. "
                         "“Can we bill 77370 after treatment ended?”")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The question is {len(text):,} characters long; ask it in under "
            f"{MAX_QUERY_CHARS:,} (the question itself, not the whole chart note)."
        )
    return text


def _plain(word: str) -> str:
    """A table word as `Lexicon.words` yields it: lower case, no apostrophes."""
    return word.lower().replace("’", "").replace("'", "")


def _abbreviates(short: str, phrase: str) -> bool:
    """Whether `short` reads as an acronym of `phrase` (first letters match, the rest in order).

    Only acronyms are spelled out for the dense query: "IMRT" gains "intensity modulated
    radiation therapy", while a plain word ("sign", "chart") is left as the coder wrote it.
    """
    letters = phrase.replace(" ", "")
    if not letters or short[0] != letters[0]:
        return False
    it = iter(letters)
    return all(c in it for c in short)


@dataclass
class Lexicon:
    phrases: dict[str, str]
    synonyms: dict[str, str]
    modalities: frozenset[str]
    stopwords: frozenset[str]
    roles: dict[str, str] = field(default_factory=dict)
    aspects: frozenset[str] = frozenset()
    # payers named by name: canonical term → the payer's name as the card writes it
    payers: dict[str, str] = field(default_factory=dict)
    _stemmer: Stemmer.Stemmer = field(default_factory=lambda: Stemmer.Stemmer("english"))

    def __post_init__(self) -> None:
        # facet words are compared with stemmed terms
        stem = self._stemmer.stemWord
        # tables are written as people type ("it's"); words() drops apostrophes ("its")
        self.stopwords = frozenset(_plain(w) for w in self.stopwords)
        self.synonyms = {_plain(k): v for k, v in self.synonyms.items()}
        # the table's own word for each stemmed facet term ("frequenc" → "frequency")
        self._facet_names: dict[str, str] = {stem(f): f for f in (*self.modalities, *self.aspects)}
        self.modalities = frozenset(stem(m) for m in self.modalities)
        self.roles = {stem(k): v for k, v in self.roles.items()}
        self.aspects = frozenset(stem(a) for a in self.aspects)
        # a payer's name is a word of its own, not a typo of one the knowledge base uses
        # ("medicaid" is not a slip for "medicare")
        self.payer_words = frozenset(_plain(k) for k in self.payers)
        self.payers = {stem(k): v for k, v in self.payers.items()}
        self._term_of: dict[str, str | None] = {}
        # names everything a text's terms depend on: the tables and this module's code
        tables = orjson.dumps([sorted(self.phrases.items()), sorted(self.synonyms.items()),
                               sorted(self.modalities), sorted(self.stopwords),
                               sorted(self.roles.items()), sorted(self.aspects),
                               sorted(self.payers.items())])
        code = Path(__file__).read_bytes()
        self.fingerprint = hashlib.sha256(tables + b"\0" + code).hexdigest()[:16]
        alts = "|".join(re.escape(p) for p in sorted(self.phrases, key=len, reverse=True))
        self._phrase_re = re.compile(rf"(?<![a-z0-9])(?:{alts})(?![a-z0-9])")
        # spelled-out forms of each short term, for the dense query
        self.spelled: dict[str, str] = {}
        for phrase, canon in self.phrases.items():
            if (canon.isalpha() and len(canon) <= 5 and " " in phrase and "-" not in phrase
                    and _abbreviates(canon, phrase)):
                self.spelled.setdefault(canon, phrase)

    def words(self, text: str) -> list[str]:
        """Lower-cased words with phrases collapsed to their canonical term."""
        low = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
        # a phrase wrapped onto the next line ("how\nmany" in a hard-wrapped answer) or typed
        # with two spaces is the same phrase: the thesaurus writes its phrases with one space
        low = _SPACES.sub(" ", low)
        low = self._phrase_re.sub(lambda m: f" {self.phrases[m.group(0)]} ", low)
        return [w.replace("'", "") for w in _WORD.findall(low)]

    def canon(self, word: str) -> str:
        return self.synonyms.get(word, word)

    def term(self, word: str) -> str | None:
        """One word's content term (None for a stopword); memoised, as words repeat endlessly."""
        try:
            return self._term_of[word]
        except KeyError:
            pass
        w = self.canon(word)
        plural = PLURAL_CODE_RE.fullmatch(w)
        if plural:  # "77373s", "77300's": the code as a noun is the code
            w = plural.group(1)
        if w in self.stopwords or (len(w) == 1 and not w.isdigit()):
            term = None
        else:
            term = w if any(c.isdigit() for c in w) else self._stemmer.stemWord(w)
        if len(self._term_of) < _TERM_CACHE:
            self._term_of[word] = term
        return term

    def terms_of_words(self, words: Iterable[str], fix: dict[str, str] | None = None) -> list[str]:
        """`terms` for words already split by `words` (saves splitting the text twice)."""
        out = []
        for w in words:
            t = self.term(fix.get(w, w) if fix else w)
            if t is not None:
                out.append(t)
        return out

    def terms(self, text: str, fix: dict[str, str] | None = None) -> list[str]:
        """Content terms: canonical, stemmed, stopwords dropped (codes kept whole)."""
        return self.terms_of_words(self.words(text), fix)

    def code_terms(self, codes: Iterable[str]) -> list[str]:
        """Terms an entry gains from the codes it names: one naming a HCPCS G-code (G6001,
        G6015…) speaks of the G-codes, whether or not it also writes the words "G code", so a
        question asking for "the G-code" is not told it never mentions them."""
        return self.terms("gcode") if any(c[:1] == "G" for c in codes) else []

    def facet_name(self, term: str) -> str:
        """A modality or aspect term as the thesaurus writes it (terms are stemmed)."""
        return self._facet_names.get(term, term)

    def modalities_in(self, terms: Iterable[str]) -> frozenset[str]:
        return frozenset(t for t in terms if t in self.modalities)

    def roles_in(self, terms: Iterable[str]) -> frozenset[str]:
        return frozenset(self.roles[t] for t in terms if t in self.roles)

    def aspects_in(self, terms: Iterable[str]) -> frozenset[str]:
        return frozenset(t for t in terms if t in self.aspects)

    def payers_in(self, terms: Iterable[str]) -> frozenset[str]:
        """The payers a text names by name (canonical terms): Aetna, Medicaid, a MAC…"""
        return frozenset(t for t in terms if t in self.payers)

    def spell_out(self, text: str) -> str:
        """The query for the dense model: short forms followed by their spelled-out meaning."""
        extra = []
        for w in dict.fromkeys(self.words(text)):
            canon = self.canon(w)
            if canon in self.spelled and w == canon:
                extra.append(self.spelled[canon])
            elif w != canon and w in self.synonyms and len(w) <= 4 and canon.isalpha():
                extra.append(self.spelled.get(canon, canon))
        return f"{text} ({'; '.join(extra)})" if extra else text


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    raw = tomllib.loads(Path(__file__).with_name("lexicon.toml").read_text("utf-8"))
    return Lexicon(
        phrases={k.lower(): v for k, v in raw["phrases"].items()},
        synonyms={k.lower(): v for k, v in raw["synonyms"].items()},
        modalities=frozenset(raw["modalities"]["terms"]),
        stopwords=frozenset(raw["stopwords"]["words"]),
        roles=dict(raw.get("roles", {})),
        aspects=frozenset(raw.get("aspects", {}).get("terms", ())),
        payers=dict(raw.get("payers", {})),
    )


RUN_ON = 14  # a "word" this long that nobody uses is probably words typed without spaces
_RUN = re.compile(rf"[A-Za-z0-9]{{{RUN_ON},}}")
_RUN_CODE = re.compile(r"([A-V]\d{4}(?!\d)|(?<!\d)\d{5}(?!\d))", re.IGNORECASE)


# English words (wordninja's list): one the knowledge base does not use is not a typo of a word
# it does that starts with another letter ("tangents" is not "agents"): misspellings rarely
# change a word's first letter, and a real word that would have to is a word, not a slip
_ENGLISH = wordninja.DEFAULT_LANGUAGE_MODEL._wordcost


class _Segmenter(wordninja.LanguageModel):  # type: ignore[misc]
    """wordninja's English word costs, with the knowledge base's own words as common words."""

    def __init__(self, domain: Iterable[str]) -> None:
        base = wordninja.DEFAULT_LANGUAGE_MODEL
        self._wordcost = dict(base._wordcost)
        common = math.log(1000 * math.log(len(base._wordcost)))  # as cheap as a top-1000 word
        for w in domain:
            self._wordcost[w] = min(self._wordcost.get(w, math.inf), common)
        self._maxword = max(base._maxword, *(len(w) for w in domain)) if domain else base._maxword


class Speller:
    """Corrects words the knowledge base does not know to a close word it does (OSA distance)."""

    def __init__(self, vocabulary: Iterable[str], known: Iterable[str] = (),
                 canonical: Iterable[str] = ()) -> None:
        """`canonical`: the lexicon's made-up one-word terms ("chartcheck"), never split targets."""
        self.vocab = sorted({w for w in vocabulary if self.wants(w)})
        self.known = set(self.vocab) | set(known)
        self._canonical = frozenset(canonical)

    @cached_property
    def _segmenters(self) -> tuple[_Segmenter, _Segmenter]:
        # built on the first run-on question only: most knowledge bases never need them. The
        # second leaves out the lexicon's compounds ("chartcheck"), for "…chartchecks"
        english = wordninja.DEFAULT_LANGUAGE_MODEL
        compounds = {c for c in self._canonical
                     if len(parts := english.split(c)) > 1 and min(map(len, parts)) >= 3}
        return (_Segmenter(self.vocab),
                _Segmenter([w for w in self.vocab if w not in compounds]))

    def split_runs(self, text: str) -> str:
        """Text with run-together words split ("canwebill77370after" → "can we bill 77370
        after"): only tokens of RUN_ON+ characters no entry uses, and only when every piece is a
        word the knowledge base or English knows, so a long real word or a code stays whole."""

        def split(m: re.Match[str]) -> str:
            token = m.group(0)
            if token.lower() in self.known:
                return token
            for seg in self._segmenters:
                pieces = []
                for part in _RUN_CODE.split(token):  # codes inside the run stay whole
                    if _RUN_CODE.fullmatch(part):
                        pieces.append(part)
                    elif part:
                        pieces += seg.split(part)
                if len(pieces) > 1 and all(self._plausible(p.lower(), seg) for p in pieces):
                    return " ".join(pieces)
            return token

        return _RUN.sub(split, text)

    def _plausible(self, piece: str, seg: _Segmenter) -> bool:
        """A piece of a split: a number, a one-letter word, a short known word or a longer word."""
        if piece.isdigit() or piece in ("a", "i") or _RUN_CODE.fullmatch(piece):
            return True
        if len(piece) == 1:
            return False
        if len(piece) == 2:
            return piece in self.known  # "to", "be", "we"; not "ic" or "zx"
        return piece in seg._wordcost

    @staticmethod
    def wants(word: str) -> bool:
        """Whether a knowledge-base word is a spelling target (long enough, letters only)."""
        return len(word) >= 4 and word.isalpha()

    def corrections(self, words: Iterable[str]) -> dict[str, str]:
        fixes: dict[str, str] = {}
        for w in words:
            if w in self.known or len(w) < 5 or not w.isalpha() or CODE_RE.fullmatch(w):
                continue
            max_d = 1 if len(w) <= 7 else 2
            hit = process.extractOne(w, self.vocab, scorer=OSA.distance, score_cutoff=max_d)
            if hit is not None and not (hit[0][0] != w[0] and w in _ENGLISH):
                fixes[w] = hit[0]
        return fixes
