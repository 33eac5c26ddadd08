"""Questions given by structure alone: question headings and numbered question paragraphs.

Many publishers print no label at all: each question is a heading (HTML h2-h4, Markdown `###`,
a Word heading style) or a paragraph set in bold, worded as a question (it ends with "?"), and
its answer is everything under it down to the next question. When a document has no question
or answer label or markup, its questions are read from that structure:

- the question level is the heading level (bold paragraphs count as the level below h6) at
  which most headings end with "?" (ties: the higher one); every "?" heading at that level is a
  question, its answer runs to the next one;
- inside an answer, a heading deeper than the question (an h4 under h3 questions) is part of
  the answer and kept as a line of it, and so is a bold paragraph that asks nothing (a lead-in
  such as "Note" or "Documentation"), even where the questions are bold paragraphs too;
- a heading at a higher level than the questions starts a new section: the answer ends there,
  and the section's own introduction (text before its first question) is not an answer;
- a heading at the question level that is not a question (no "?"), followed by text, is refused
  while questions follow: it could be a question the publisher did not word as one, or a part
  of the answer given the wrong level;
- a references label set as a heading at or above the question level ("Sources" over bold
  questions) ends the answer above it; a deeper one is that answer's own citation;
- after the last answer, a higher or same-level heading ends it: what is under a closing
  section ("Related links", "Resources", `closing`) or under a higher heading becomes the
  document's references (never an answer), page matter ("About us", "Contact") is dropped, and
  a heading at the question level that is neither, with prose under it, is refused (it may be
  a last question its publisher did not end with "?");
- without question headings, paragraphs opening with a bold lead-in that asks (three words or
  more: "**Can we bill 77300 twice?** Yes, when…", two such paragraphs at least) are each a
  question and the start of its answer (`_run_in_questions`);
- without those, paragraphs that are one numbered line ending in "?" (`1. Can we
  bill…?`, an ordered list of questions) are the questions when their numbers run in sequence;
  out of sequence they are refused (an answer's own numbered list would break it);
- without those, one-line paragraphs that ask (`asked`) are the questions.

A document that labels its questions (`Q1.`, `Question:`) but none of its answers gives each
answer as the paragraphs after its question (the question ends with its paragraph, or with its
first line ending in "?"). One that labels its answers only (`Answer:`, `A:`) takes each
question from its question heading or, without those, from the paragraph right before the
answer label when it ends with "?".
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ingest.parse.asked import question_paragraphs
from ingest.parse.closing import CHROME, closing_kind, could_ask
from ingest.parse.ending import paragraph_kind
from ingest.parse.labels import ASKS, Token, text_paragraphs
from ingest.parse.lines import BOLD_LEVEL
from retrieval.errors import CorpusFormatError

NUMBERED_LEVEL = BOLD_LEVEL + 1  # a numbered question paragraph: below every other level
_ASKS = ASKS
_EMPHASIS = re.compile(r"^(\*\*|__|\*|_)(?P<text>.+)\1$")
# an item number before a line ("1.", "2)"): a numbered list's, or a page's numbering of questions
LIST_NUMBER = re.compile(r"^\s*(?P<n>\d{1,3})[.)]\s+")
# a heading's outline number, "1." or "2.3" (Word documents number their headings this way)
_OUTLINE_NUMBER = re.compile(r"^\s*(?:\d{1,3}[.)]|\d{1,3}(?:\.\d{1,3})+\.?)\s+")
_LABELS = ("question", "answer")


def _plain(text: str) -> str:
    """The heading's words: Markdown emphasis around the whole line dropped."""
    s = text.strip()
    m = _EMPHASIS.match(s)
    return m.group("text").strip() if m else s


def _is_heading(tok: Token) -> bool:
    return tok.kind == "heading" or (tok.kind == "text" and tok.level == BOLD_LEVEL)


def _asks(tok: Token) -> bool:
    """A heading worded as a question, and not a page's prompt ("Still have questions?")."""
    text = _plain(tok.text)
    return bool(_ASKS.search(text)) and closing_kind(text) != CHROME


def _level(tok: Token) -> int:
    return tok.level if tok.level else (1 if tok.kind == "heading" else 0)


def _question_level(tokens: list[Token]) -> int | None:
    counts = Counter(_level(t) for t in tokens if _is_heading(t) and _asks(t))
    if not counts:
        return None
    return min(counts, key=lambda lvl: (-counts[lvl], lvl))


def _numbered_questions(tokens: list[Token], path: Path) -> list[int]:
    """Indexes of one-line numbered paragraphs ending in '?', when they run in sequence."""
    found: list[tuple[int, int]] = []
    for i, tok in enumerate(tokens):
        m = LIST_NUMBER.match(tok.text)
        if tok.kind != "text" or not m or not _asks(tok):
            continue
        alone = all(j < 0 or j >= len(tokens) or tokens[j].kind in ("blank", "heading")
                    for j in (i - 1, i + 1))
        if alone:
            found.append((i, int(m.group("n"))))
    if len(found) < 2:
        return []
    for (_, before), (i, n) in zip(found, found[1:], strict=False):
        if n != before + 1:
            raise CorpusFormatError(
                path, f"the numbered question on line {tokens[i].number} is number {n} after "
                f"number {before}: cannot tell the questions from a numbered list in an answer",
                "number the questions in sequence, or give each a label ('Question:' / "
                "'Answer:') or a heading", line=tokens[i].number)
    return [i for i, _ in found]


def _answered(tokens: list[Token], q: int) -> bool:
    """Whether an answer label follows the question at `q` before the next question ends it."""
    for tok in tokens[q + 1:]:
        if tok.kind == "answer":
            return True
        if tok.kind in ("question", "disclaimer", "references"):
            return False
    return False


def _unlabelled_answers(tokens: list[Token], only_unanswered: bool = False) -> list[Token]:
    """Questions labelled, answers not (`Q1. Can we…?` then the answer's paragraphs): each
    answer starts after its question's paragraph (or at the line after the one that ends the
    question with '?').

    `only_unanswered`: in a document that labels its answers too, only the questions no answer
    label follows (publishers mix styles in one article: `**Question:**`/`**Answer:**` in one
    section, `### Q4. …?` over plain paragraphs in the next)."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        out.append(tok)
        i += 1
        if tok.kind != "question" or (only_unanswered and _answered(tokens, i - 1)):
            continue
        if not tok.text.strip():  # the label alone: the question is the next paragraph
            while i < len(tokens) and tokens[i].kind == "blank":
                out.append(tokens[i])
                i += 1
        asked = bool(tok.text.strip()) and bool(_ASKS.search(tok.text.strip()))
        while not asked and i < len(tokens) and tokens[i].kind == "text":
            asked = bool(_ASKS.search(tokens[i].text.strip()))
            out.append(tokens[i])
            i += 1
        j = i
        while j < len(tokens) and tokens[j].kind == "blank":
            j += 1
        if j < len(tokens) and tokens[j].kind not in ("question", "disclaimer"):
            out.append(Token("answer", tok.number, "", ""))  # else: "has no answer" (segment)
    return out


def _unlabelled_questions(tokens: list[Token]) -> list[Token]:
    """Answers labelled, questions not: the paragraph right before an 'Answer:' label is its
    question when it ends with '?' (otherwise the answer stays without one and is refused)."""
    out = list(tokens)
    for a, tok in enumerate(tokens):
        if tok.kind != "answer" or not tok.label:
            continue
        end = a
        while end > 0 and tokens[end - 1].kind == "blank":
            end -= 1
        start = end
        while start > 0 and tokens[start - 1].kind == "text":
            start -= 1
        if start < end and _asks(tokens[end - 1]):
            first = tokens[start]
            out[start] = Token("question", first.number, first.text, "question", first.text)
    return out


_RUN_IN_MIN_WORDS = 3


def _run_in_questions(tokens: list[Token]) -> list[Token] | None:
    """Questions run in, in bold, at the head of their answer's first paragraph ("**Can we bill
    77300 twice?** Yes, when…", as newsletters' question columns print them): each such
    paragraph is a question (its bold lead-in, which asks) and the start of its answer (the rest);
    the answer runs to the next one. None unless two paragraphs at least open that way.

    A lead-in of a word or two that asks ("**Why?** Because…", "**Why not?**") names no service,
    code or situation: it asks about the answer it stands in, and is a line of that answer."""
    heads = [p[0] for p in text_paragraphs(tokens)
             if (t := tokens[p[0]]).lead and _ASKS.search(t.text[:t.lead].rstrip())
             and len(t.text[:t.lead].split()) >= _RUN_IN_MIN_WORDS and t.text[t.lead:].strip()]
    if len(heads) < 2:
        return None
    out = list(tokens)
    for i in reversed(heads):
        tok = tokens[i]
        out[i:i + 1] = [
            Token("question", tok.number, tok.text[:tok.lead].strip(), "question (bold)", tok.text),
            Token("answer", tok.number, tok.text[tok.lead:].strip(), "", tok.text)]
    return out


def structured_questions(tokens: list[Token], path: Path) -> list[Token]:
    """The tokens with question headings turned into question/answer tokens (see module doc);
    unchanged when the document has labels or no question headings."""
    kinds = {t.kind for t in tokens}
    if "question" in kinds and "answer" not in kinds:
        return _unlabelled_answers(tokens)
    if "question" in kinds:
        return _unlabelled_answers(tokens, only_unanswered=True)
    level = _question_level(tokens)
    if level is None and "answer" in kinds:
        return _unlabelled_questions(tokens)
    if level is None and (run_in := _run_in_questions(tokens)):
        return run_in
    if level is not None:
        marked = [i for i, t in enumerate(tokens) if _is_heading(t) and _asks(t)
                  and _level(t) == level]
        questions = {i: level for i in marked}
    else:
        found = _numbered_questions(tokens, path) or question_paragraphs(tokens, path)
        questions = dict.fromkeys(found, NUMBERED_LEVEL)
    if not questions:
        return tokens
    return _Rewriter(tokens, questions, path).run()


class _Rewriter:
    def __init__(self, tokens: list[Token], questions: dict[int, int], path: Path) -> None:
        self.tokens = tokens
        self.questions = questions
        self.last = max(questions)
        self.path = path
        self.out: list[Token] = []
        self.dropping: int | None = None  # the level of a trailing page-matter section dropped

    def _next(self, i: int) -> int | None:
        """The index of the next token after `i` that is not blank."""
        return next((j for j in range(i + 1, len(self.tokens))
                     if self.tokens[j].kind != "blank"), None)

    def _ends_here(self, j: int | None, level: int) -> bool:
        """Whether the token at `j` (None: the end) closes what a heading at `level` opened."""
        if j is None or j in self.questions:
            return True
        tok = self.tokens[j]
        return tok.kind in ("references", "disclaimer") or (_is_heading(tok)
                                                              and _level(tok) <= level)

    def run(self) -> list[Token]:
        toks, out = self.tokens, self.out
        level: int | None = None  # the current question's level (None: before the first)
        skipping = trailing = False
        for i, tok in enumerate(toks):
            if tok.kind == "disclaimer" and level is not None:
                out += toks[i:]  # the disclaimer and what follows are read as in any document
                break
            if i in self.questions:
                level, skipping = self.questions[i], False
                self._question(i, tok)
            elif level is None or tok.kind in ("references", "disclaimer"):
                if tok.kind == "references" and level is not None and 0 < tok.level <= level:
                    out.append(Token("end", tok.number, ""))  # a title over the answers' level
                out.append(tok)
                skipping = skipping and tok.kind != "references"
            elif _is_heading(tok) and not trailing and (_level(tok) > level or (
                    _level(tok) == BOLD_LEVEL and not _asks(tok))):
                if not skipping:  # a sub-heading of the answer: a line of it
                    out.append(Token("text", tok.number, _plain(tok.text), raw=tok.text))
            elif _is_heading(tok):
                skipping, trailing = self._section(i, tok, level, trailing)
            elif not skipping:
                out.append(tok)
        return out

    def _question(self, i: int, tok: Token) -> None:
        text = _OUTLINE_NUMBER.sub("", _plain(tok.text), count=1)
        if self._ends_here(self._next(i), self.questions[i]):
            raise CorpusFormatError(
                self.path, f"the question heading '{text}' on line {tok.number} has no answer "
                "under it", "write its answer under it, or remove the heading", line=tok.number)
        self.out += [Token("end", tok.number, ""),
                     Token("question", tok.number, text, "question heading", tok.text)]
        after = self._next(i)
        if after is None or self.tokens[after].kind != "answer":  # else its own 'Answer:' label
            self.out.append(Token("answer", tok.number, "", ""))

    def _section(self, i: int, tok: Token, level: int, trailing: bool) -> tuple[bool, bool]:
        """A heading at or above the question level: (skip what follows, in the trailing part)."""
        after = self._next(i)
        self.out.append(Token("end", tok.number, ""))
        if i > self.last or trailing:
            return self._closing(i, tok, level), True
        if self._ends_here(after, BOLD_LEVEL + 1):
            return True, False  # a section title over the next questions
        if _level(tok) == level:
            raise CorpusFormatError(
                self.path, f"the heading '{_plain(tok.text)}' on line {tok.number} is at the "
                "level of the questions but is not worded as one, and text follows it: it could "
                "be a question or part of the answer above",
                "end it with '?' if it is a question; make it a lower-level heading (or plain "
                "text) if it belongs to the answer above", line=tok.number)
        return True, False  # a new section's introduction: not an answer

    def _closing(self, i: int, tok: Token, level: int) -> bool:
        """A heading after the last answer: references, page matter (dropped, with what is
        under it: True), or refused when it could be an unworded last question (it opens as a
        question or names a code, and prose follows it)."""
        if self.dropping is not None and _level(tok) > self.dropping:
            return True  # a sub-heading of the page matter being dropped
        self.dropping = None
        title = _plain(tok.text)
        kind = closing_kind(title)
        if kind == CHROME:
            self.dropping = _level(tok)
            return True
        if kind is None and _level(tok) == level and could_ask(title) and self._prose_under(i):
            raise CorpusFormatError(
                self.path, f"the heading '{title}' on line {tok.number}: cannot tell whether it "
                "is a question or a closing section (it is at the level of the questions, after "
                "the last answer, with text under it)",
                "end it with '?' if it is a question; title it 'References' (or 'Related "
                "resources') if it is the document's own matter, or remove it", line=tok.number)
        # the document's own matter after the last answer, kept as its references
        self.out.append(Token("references", tok.number, "", title, tok.text))
        return False

    def _prose_under(self, i: int) -> bool:
        """Whether sentences or a table (not only titles and links) follow the heading at `i`,
        up to the next heading."""
        para: list[Token] = []
        paras: list[list[Token]] = []
        for tok in self.tokens[i + 1:]:
            if _is_heading(tok) or tok.kind not in ("text", "row", "blank"):
                break
            if tok.kind == "blank":
                paras, para = ([*paras, para] if para else paras), []
            else:
                para.append(tok)
        paras += [para] if para else []
        return any(paragraph_kind(p) != "reference" for p in paras)
