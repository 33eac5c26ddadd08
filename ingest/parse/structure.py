"""Labelled tokens → the document's sections: preamble, question/answer pairs, references, tail.

Rules (each refusal names the line and the fix):
- a question runs until its answer label; an answer until the next question or answer label, the
  end of its container or the disclaimer (the last answer: see `ending`);
- a "References"/"Source" label inside an answer that another entry follows (or inside an answer
  container) is that answer's own citation and stays in it, verbatim; only one after the last
  entry starts the document's references (in the last answer, the last such label), unless the
  publisher cites inside every answer with the same label: then it is the last answer's too;
- a heading that is not a label, directly followed by a label or another heading, is a section
  title and is dropped; one followed by text inside an answer is refused (it could be part of
  the answer or the start of something else);
- text after a closed answer container that is not another entry is refused unless it is a run
  of references after the last entry;
- a references label before the first question (a line of the contents) is preamble.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.parse.closing import CHROME, closing_kind, could_ask, run_in_page_matter
from ingest.parse.ending import (
    Para,
    in_place,
    reference_lines,
    split_last_answer,
    trailing_references,
)
from ingest.parse.labels import Token
from retrieval.errors import CorpusFormatError

_LABELS = ("question", "answer", "disclaimer", "references")


@dataclass
class Block:
    """A question or an answer as paragraphs of tokens."""

    kind: str
    line: int
    label: str
    paras: list[Para] = field(default_factory=lambda: [[]])
    closed: bool = False

    def add(self, tok: Token) -> None:
        self.paras[-1].append(tok)

    def break_paragraph(self) -> None:
        if self.paras[-1]:
            self.paras.append([])

    def nonempty(self) -> list[Para]:
        return [p for p in self.paras if "".join(t.text for t in p).strip()]

    def text(self) -> str:
        return "\n\n".join("\n".join(t.text for t in p).strip() for p in self.nonempty())


@dataclass
class _Cut:
    """A references label met inside an answer: where the answer would end if it is the last."""

    block: Block
    para: int  # index into block.paras
    pos: int  # index of the label's token in that paragraph
    token: Token

    def references(self) -> list[str]:
        """Cut the block at the label; the label's text and every line after it."""
        para = self.block.paras[self.para]
        rest = [t.text for t in para[self.pos + 1:]]
        rest += [t.text for p in self.block.paras[self.para + 1:] for t in p]
        self.block.paras = self.block.paras[:self.para] + ([para[:self.pos]] if self.pos else [])
        return reference_lines([in_place(self.token), *rest])


def _label_key(label: str) -> str:
    """'Sources 2:' and 'source' are the same label."""
    return re.sub(r"[^a-z]", "", label.casefold()).removesuffix("s")


@dataclass
class Sections:
    preamble: list[str]
    pairs: list[tuple[Block, Block]]
    references: list[str]
    tail: list[Token]


class _Walker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.preamble: list[str] = []
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.in_refs = False
        self.ref_lines: list[str] = []  # the references' lines as written (`reference_lines`)
        self.loose: list[tuple[int, Para]] = []  # (blocks before it, paragraph) after a container
        self.heading: Token | None = None
        # a section heading between closed answer containers, with its introduction: dropped
        # when a question follows ("Delivery" / "Questions members ask about delivery")
        self.intro: Token | None = None
        self.intro_text: list[Token] = []  # what stands under it (kept for closing matter)
        self.cut: _Cut | None = None  # the latest references label inside the current answer
        self.cited: set[str] = set()  # labels used for citations inside earlier answers

    def feed(self, tok: Token) -> None:
        if self.heading is not None and tok.kind != "blank":
            if tok.kind not in (*_LABELS, "heading", "end"):
                if not self._after_container():
                    self._stray_heading(self.heading)
                self.intro, self.intro_text = self.heading, []
            self.heading = None
        if self.intro is not None and tok.kind in ("text", "row", "blank"):
            self.intro_text.append(tok)
            return  # the section's introduction, not an answer
        if tok.kind == "question":
            self.intro = None
        if tok.kind in ("question", "answer"):
            self._keep_citation()
            self.current = Block(tok.kind, tok.number, tok.label or tok.kind)
            self.blocks.append(self.current)
            self.in_refs = False
            if tok.text.strip():
                self.current.add(tok)
        elif tok.kind == "references" and self.current is not None \
                and self.current.kind == "answer":
            self._keep_citation()  # a later label in the same answer is the candidate now
            para = self.current.paras[-1]
            self.cut = _Cut(self.current, len(self.current.paras) - 1, len(para), tok)
            self.current.add(Token("text", tok.number, tok.raw, tok.label, tok.raw))
        elif tok.kind == "references" and not self.blocks:
            # before the first question: an entry of the contents, not the references
            self._text(Token("text", tok.number, tok.raw or tok.text))
        elif tok.kind == "references":
            self.current, self.in_refs = None, True
            if tok.text.strip():
                self.ref_lines.append(in_place(tok))
        elif tok.kind == "end":
            self._keep_citation()
            if self.current is not None:
                self.current.closed = True
            self.current = None
        elif tok.kind == "heading" and (self.blocks or self.in_refs):
            self.heading = tok
        elif tok.kind == "blank":
            if self.current is not None:
                self.current.break_paragraph()
            elif self.loose and self.loose[-1][1]:
                self.loose.append((len(self.blocks), []))
        else:
            self._text(tok)

    def _after_container(self) -> bool:
        """Whether the last answer's container closed: what follows cannot be that answer."""
        return self.current is None and not self.in_refs and bool(self.blocks) and \
            self.blocks[-1].kind == "answer" and self.blocks[-1].closed

    def _keep_citation(self) -> None:
        """The pending references label turned out to be inside an answer: it stays there."""
        if self.cut is not None:
            self.cited.add(_label_key(self.cut.token.label))
            self.cut = None

    def _text(self, tok: Token) -> None:
        if self.in_refs:
            self.ref_lines.append(tok.text)
        elif self.current is not None:
            self.current.add(tok)
        elif not self.blocks:
            self.preamble.append(tok.text.strip())
        else:
            if not self.loose or not self.loose[-1][1] or self.loose[-1][0] != len(self.blocks):
                self.loose.append((len(self.blocks), []))
            self.loose[-1][1].append(tok)

    def _stray_heading(self, h: Token) -> None:
        questions = [b.line for b in self.blocks if b.kind == "question"]
        where = (f"inside the entry whose question is on line {questions[-1]}"
                 if self.current is not None and questions else "between entries")
        raise CorpusFormatError(
            self.path, f"the heading '{h.text.strip()}' on line {h.number} is followed by text "
            f"{where}: it could be part of the answer or the start of another section",
            "make it a label ('Coding Question', 'References', 'Disclaimer'…), or make it plain "
            "text of the answer, or remove it", line=h.number)


def _pairs(blocks: list[Block], path: Path) -> list[tuple[Block, Block]]:
    pairs: list[tuple[Block, Block]] = []
    pending: Block | None = None
    for b in blocks:
        if b.kind == "question":
            if pending is not None:
                raise CorpusFormatError(
                    path, f"the question on line {pending.line} has no answer (another question "
                    f"follows on line {b.line})", "add its answer (e.g. a 'Coding Answer:' "
                    "label) after it, or delete the question", line=pending.line)
            pending = b
        elif pending is None:
            raise CorpusFormatError(
                path, f"an answer with no question before it ('{b.label}')", "add the question "
                "it answers (e.g. 'Coding Question:') above it, or delete the answer",
                line=b.line)
        else:
            pairs.append((pending, b))
            pending = None
    if pending is not None:
        raise CorpusFormatError(path, f"the question on line {pending.line} has no answer",
                                "add its answer (e.g. a 'Coding Answer:' label) after it, or "
                                "delete the question", line=pending.line)
    return pairs


def _closing_sections(tokens: list[Token]) -> list[Token]:
    """Headings after the last question or answer label that title a closing section
    (`closing`): references start the document's references, page matter ("About us",
    "Contact") is dropped with what is under it. Other headings are left to the walker."""
    last = max((i for i, t in enumerate(tokens) if t.kind in ("question", "answer")),
               default=None)
    if last is None:
        return tokens
    stop = next((i for i in range(last, len(tokens)) if tokens[i].kind == "disclaimer"),
                len(tokens))
    out = tokens[:last + 1]
    dropping: int | None = None  # the level of the page-matter heading being dropped
    for tok in tokens[last + 1:stop]:
        if tok.kind == "heading":
            if dropping is not None and tok.level > dropping:
                continue
            dropping = None
            kind = closing_kind(tok.text)
            if kind is not None:
                out.append(Token("end", tok.number, ""))  # the last answer ends here
            if kind == CHROME:
                dropping = tok.level
                continue
            if kind is not None:
                out.append(Token("references", tok.number, "", tok.text.strip(), tok.text))
                continue
        elif tok.kind == "references":
            dropping = None
        if dropping is None or tok.kind == "blank":
            out.append(tok)
    return out + tokens[stop:]


# a letter's closing line: a few words ending with a comma, alone on the line
_VALEDICTION = re.compile(r"^\s*[A-Z][\w'’]*(?:\s+[\w'’]+){0,4},\s*$")


def segment(tokens: list[Token], path: Path) -> Sections:
    """Split a document's tokens into its sections; CorpusFormatError where it is ambiguous."""
    tokens = _closing_sections(tokens)
    walker = _Walker(path)
    tail: list[Token] = []
    head: list[Token] = []  # a disclaimer printed before the entries
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "disclaimer" and not walker.blocks and not head:
            head = _paragraph_from(tokens, i)
            i += len(head)
            continue
        if tok.kind == "disclaimer":
            tail = tokens[i:]
            break
        walker.feed(tok)
        i += 1
    if not walker.blocks:
        raise CorpusFormatError(
            path, "no Q&A pairs found", "each entry needs a question label ('Coding Question:', "
            "'Question 1', a 'Coding Question' heading…) followed by an answer label ('Coding "
            "Answer:', 'Coding Response', 'CUAC Response 1'…)")
    closing: list[str] = []
    if walker.intro is not None:  # no question under it: not an introduction after all
        text = [t for t in walker.intro_text if t.kind != "blank"]
        # after an answer its container (or the rule the document draws between entries)
        # closed, a title whose first paragraph is the disclaimer (told by its wording, moved to
        # the tail) titles the publisher's closing matter ("FINE PRINT" over the disclaimer, the
        # sources and a sign-off): what else stands under it is kept with the references
        titles_disclaimer = bool(tail) and walker.intro.number < tail[0].number < (
            text[0].number if text else tail[0].number + 1)
        if not (walker._after_container() and titles_disclaimer
                and not could_ask(walker.intro.text)):
            walker._stray_heading(walker.intro)
        closing = [t.text for t in text]
        # up to the writer's valediction ("Until next month," / "Best regards,"): what follows
        # is the signature, not a source
        closing = closing[:next((i for i, t in enumerate(closing) if _VALEDICTION.match(t)),
                                len(closing))]
    pairs = _pairs(walker.blocks, path)
    for before, para in walker.loose:
        if before < len(walker.blocks):
            raise CorpusFormatError(
                path, f"text on line {para[0].number} sits between entries, outside any answer",
                "put it inside the answer it belongs to, or remove it", line=para[0].number)
    references = reference_lines(walker.ref_lines) + reference_lines(closing)
    trailing = [p for before, p in walker.loose if p]
    last_q, last_a = pairs[-1]
    cut = walker.cut if walker.cut is not None and walker.cut.block is last_a else None
    known = 1  # paragraphs of the last answer known to be its own
    if cut is not None and cut.token.text.strip() and _label_key(cut.token.label) in walker.cited:
        # the publisher cites inside every answer with this label: the last answer's own citation
        known = sum(1 for p in last_a.paras[:cut.para + 1] if _has_text(p))
        cut = None
    if trailing:
        references += trailing_references(trailing, path)
    elif cut is not None:
        references += cut.references()
    elif not last_a.closed and not walker.in_refs:
        keep, refs = split_last_answer(last_a.nonempty(), path, last_q.line,
                                       bounded=bool(tail), known=known)
        last_a.paras = keep
        references = refs + references
    if head and tail:
        raise CorpusFormatError(
            path, f"two disclaimers, on lines {head[0].number} and {tail[0].number}",
            "keep the publisher's disclaimer once, after the last answer", line=tail[0].number)
    # a run-in line of page matter among them ("Related articles: A · B") is the site's, not a
    # source of these answers
    references = [r for r in references if not run_in_page_matter(r)]
    return Sections(walker.preamble, pairs, references, tail or head)


def _has_text(para: Para) -> bool:
    return bool("".join(t.text for t in para).strip())


def _paragraph_from(tokens: list[Token], i: int) -> list[Token]:
    """The disclaimer label at `i` and its paragraph (the next one when the label stands alone)."""
    j = i + 1
    if not tokens[i].text.strip():
        while j < len(tokens) and tokens[j].kind == "blank":
            j += 1
    while j < len(tokens) and tokens[j].kind in ("text", "row"):
        j += 1
    return tokens[i:j]
