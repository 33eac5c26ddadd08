"""A disclaimer printed without a label, told by its wording.

Many publishers close a page with their disclaimer as a plain (often italic) paragraph, with no
"Disclaimer" label or heading: "offered as general education… not legal advice… does not
guarantee payment". Every document must carry its disclaimer (DESIGN.md, invariant 2), so a
document without a label is read for such a paragraph after its last answer. It is recognised
only by what disclaimers say and answers do not: that the text is not advice, carries no
warranty or liability, guarantees no payment, or is for education or information only. The
paragraph and any CPT notice paragraph after the last answer are moved to where a labelled
disclaimer and its notice stand, so the rest of the parser reads them as it reads the seed's.
"""

from __future__ import annotations

import re

from ingest.parse.labels import Token, text_paragraphs
from ingest.parse.wording import disclaims, is_cpt_notice

# a generic lead-in some publishers set before their disclaimer ("Notice. This handbook is…",
# "Please read: …", "Site policy (please read): …", "IMPORTANT: …", "EDITOR'S NOTE: …"): the
# label is not part of what the disclaimer says
_LEAD_LABEL = re.compile(
    r"^(?:(?:(?:[^\W\d_][\w'’]*\s+)?(?:notice|note|policy|caution)|please\s+read|important)"
    r"(?:\s*\((?:please\s+)?read(?:\s+(?:this|first|carefully))?\))?)"
    r"\s*[.:\u2014\u2013-]\s+", re.IGNORECASE)

Para = list[Token]
_TITLE_WORDS = 6  # a section's title above the disclaimer's text: a few words, no punctuation


def _paragraphs(tokens: list[Token]) -> list[Para]:
    """Runs of text tokens between blank lines, headings and labels."""
    return [[tokens[i] for i in p] for p in text_paragraphs(tokens)]


def _text(para: Para) -> str:
    return " ".join(t.text.strip() for t in para)


def unlabelled_disclaimer(tokens: list[Token]) -> list[Token]:
    """The tokens with a disclaimer paragraph told by its wording made the document's
    disclaimer (and a CPT notice paragraph after the last answer its notice); unchanged when a
    disclaimer is labelled or no paragraph after the last answer reads as one."""
    if any(t.kind == "disclaimer" for t in tokens):
        return tokens
    last = max((i for i, t in enumerate(tokens) if t.kind in ("question", "answer")),
               default=None)
    if last is None:
        return tokens
    after = _paragraphs(tokens[last + 1:])
    # the last answer's first paragraph is its own (unless its label carries it): a disclaimer
    # comes after it
    own = 0 if tokens[last].kind == "answer" and tokens[last].text.strip() else 1
    found = next((p for p in after[own:] if disclaims(_text(p))), None)
    if found is None:
        return tokens
    notices = [p for p in after[own:] if p is not found and is_cpt_notice(_text(p))]
    moved = {id(t) for p in (found, *notices) for t in p}
    kept = [t for t in tokens if id(t) not in moved]
    label = _labelled(found)
    notice = [t for p in notices for t in (*p, Token("blank", p[-1].number, ""))]
    return [*kept, label, Token("blank", found[0].number, ""), *notice]


def _labelled(paragraph: Para) -> Token:
    """A paragraph told to be the disclaimer by its wording, as the labelled form the parser
    reads (its generic lead-in, "Please read:", dropped, and a short title on a line of its own
    above the text, "Statement of limitation", which names the section)."""
    first = paragraph[0].text.strip()
    if (len(paragraph) > 1 and len(first.split()) <= _TITLE_WORDS
            and not re.search(r"[.!?:;,]$", first) and disclaims(_text(paragraph[1:]))):
        paragraph = paragraph[1:]
    return Token("disclaimer", paragraph[0].number, _LEAD_LABEL.sub("", _text(paragraph), count=1),
                 "disclaimer (unlabelled)", paragraph[0].raw)


def _opening(tokens: list[Token], first: int) -> tuple[int, int] | None:
    """Where the disclaimer printed before the first question (at `first`) lies: its label and
    paragraph, or a paragraph that disclaims (when the document labels no disclaimer)."""
    label = next((i for i in range(first) if tokens[i].kind == "disclaimer"), None)
    if label is not None:
        end = label + 1
        if not tokens[label].text.strip():
            while end < first and tokens[end].kind == "blank":
                end += 1
        while end < first and tokens[end].kind in ("text", "row"):
            end += 1
        return label, end
    if any(t.kind == "disclaimer" for t in tokens):
        return None
    found = next((p for p in _paragraphs(tokens[:first]) if disclaims(_text(p))), None)
    if found is None:
        return None
    start = tokens.index(found[0])
    return start, start + len(found)


def opening_disclaimer(tokens: list[Token]) -> list[Token]:
    """A disclaimer printed before the first question (labelled, or told by its wording) with
    the CPT notice closing the document: the disclaimer is moved before that notice, where it
    bounds the last answer as in any document. Without a closing notice it stays where it is
    (the last answer then cannot run past its first paragraph: `ending`); unchanged when a
    disclaimer follows the first question."""
    first = next((i for i, t in enumerate(tokens) if t.kind in ("question", "answer")), None)
    if first is None or any(t.kind == "disclaimer" for t in tokens[first:]):
        return tokens
    span = _opening(tokens, first)
    if span is None:
        return tokens
    start, end = span
    head = tokens[start:end]
    if head[0].kind != "disclaimer":  # told by its wording: make it the labelled form
        head = [_labelled(head)]
    last = max(i for i, t in enumerate(tokens) if t.kind in ("question", "answer"))
    after = _paragraphs(tokens[last + 1:])
    own = 0 if tokens[last].kind == "answer" and tokens[last].text.strip() else 1
    closing = 0  # how many of the last paragraphs are CPT notices
    while closing < len(after) - own and is_cpt_notice(_text(after[-1 - closing])):
        closing += 1
    tail_from = tokens.index(after[-closing][0]) if closing else None
    if tail_from is None or any(t.kind not in ("text", "blank")
                                for t in tokens[tail_from:]):
        return [*tokens[:start], *head, *tokens[end:]]
    blank = Token("blank", head[-1].number, "")
    return [*tokens[:start], *tokens[end:tail_from], *head, blank, *tokens[tail_from:]]
