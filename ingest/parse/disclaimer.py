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

from ingest.parse.labels import Token

# what disclaimers say, and coding answers never need to
_DISCLAIMS = re.compile(
    # "not legal advice", "does not constitute legal advice", "is not intended as medical advice"
    r"\bnot\s+(?:[\w-]+\s+){0,4}?(?:legal|medical|professional|financial|reimbursement|"
    r"coding|billing)\s+advice|"
    # "does not guarantee payment", "…guarantee that any claim will be paid", "is not a
    # guarantee of coverage"
    r"\bnot\s+(?:a\s+)?guarantee[sd]?\s+(?:of\s+|that\s+)?(?:any\s+|the\s+)?"
    r"(?:claims?|payment|reimbursement|coverage)|"
    # the government contractors' wording: "not intended to take the place of the written law"
    r"\bnot\s+intended\s+to\s+(?:take\s+the\s+place\s+of|replace|substitute\s+for)\s+"
    r"(?:the\s+)?(?:written\s+)?(?:laws?|regulations?|statutes?)|"
    r"\b(?:no|without)\s+(?:warrant(?:y|ies)|guarantee)|"
    r"\b(?:accepts?|assumes?|bears?)\s+no\s+(?:liability|responsibility)|"
    r"\b(?:for|as)\s+(?:general\s+)?(?:educational|informational|information|education)"
    r"(?:al)?\s+(?:purposes?\s+)?only\b|"
    r"\boffered\s+as\s+general\s+(?:education|information)\b",
    re.IGNORECASE)
# a CPT notice: the code set's owner and its rights
_NOTICE = re.compile(r"(?=.*(?:\bCPT\b|American Medical Association|\bAMA\b))"
                     r"(?=.*(?:trademark|copyright|©|all rights reserved))",
                     re.IGNORECASE | re.DOTALL)

# a generic lead-in some publishers set before their disclaimer ("Notice. This handbook is…"):
# the label is not part of what the disclaimer says
_LEAD_LABEL = re.compile(
    r"^(?:(?:important|legal|please)\s+)?(?:notice|note)\s*[.:\u2014\u2013-]\s+", re.IGNORECASE)

Para = list[Token]


def _paragraphs(tokens: list[Token]) -> list[Para]:
    """Runs of text tokens between blank lines, headings and labels."""
    paras: list[Para] = []
    run: Para = []
    for tok in tokens:
        if tok.kind == "text" and tok.text.strip():
            run.append(tok)
        elif run:
            paras.append(run)
            run = []
    return [*paras, run] if run else paras


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
    found = next((p for p in after[own:] if _DISCLAIMS.search(_text(p))), None)
    if found is None:
        return tokens
    notices = [p for p in after[own:] if p is not found and _NOTICE.search(_text(p))]
    moved = {id(t) for p in (found, *notices) for t in p}
    kept = [t for t in tokens if id(t) not in moved]
    text = _LEAD_LABEL.sub("", _text(found), count=1)
    label = Token("disclaimer", found[0].number, text, "disclaimer (unlabelled)", found[0].raw)
    notice = [t for p in notices for t in (*p, Token("blank", p[-1].number, ""))]
    return [*kept, label, Token("blank", found[0].number, ""), *notice]
