"""What a disclaimer and a CPT notice say: the one definition every part of ingest reads them by.

A disclaimer is told by what disclaimers say and coding answers never need to: the text is not
advice, carries no warranty or liability, guarantees no payment, is for education only. A CPT
notice names the code set's owner (CPT, the AMA) together with its rights (trademark,
copyright, "all rights reserved"); a site's own copyright line names no owner of CPT, and an
answer that names CPT claims no rights over it.
"""

from __future__ import annotations

import re

_DISCLAIMS = re.compile(
    # "not legal advice", "does not constitute legal advice", "is not intended as medical advice"
    # (also in a list of what the text is not: "not a coverage determination, legal advice or…")
    r"\bnot\s+(?:[\w-]+,?\s+){0,4}?(?:legal|medical|professional|financial|reimbursement|"
    r"coding|billing)\s+advice|"
    # "nothing here is legal advice", "nothing in this bulletin constitutes billing advice"
    r"\bnothing\s+(?:[\w-]+\s+){0,3}?(?:is|constitutes)\s+(?:intended\s+as\s+)?(?:legal|"
    r"medical|professional|financial|reimbursement|coding|billing)\s+advice|"
    # "do not override payer contracts, CMS manuals or…", "does not replace the payer's policy"
    r"\bnot\s+(?:override|supersede|replace|take\s+precedence\s+over)\s+(?:[\w'’-]+,?\s+){0,3}?"
    r"(?:contracts?|polic(?:y|ies)|manuals?|laws?|regulations?|statutes?|instructions)\b|"
    # "general information, not advice for any particular claim / your specific situation"
    r"\bnot\s+(?:[\w-]+\s+){0,2}?advice\s+(?:for|on|about)\s+(?:any|a|your)\s+"
    r"(?:particular|specific|individual)\b|"
    # "does not guarantee payment", "…guarantee that any claim will be paid", "is not a
    # guarantee of coverage"
    r"\bnot\s+(?:a\s+)?guarantee[sd]?\s+(?:of\s+|that\s+)?(?:any\s+|the\s+)?"
    r"(?:claims?|payment|reimbursement|coverage)|"
    # "not a promise of reimbursement": a promise disclaimed is a guarantee disclaimed
    r"\b(?:not|nor)\s+(?:a\s+)?promise\s+(?:of|that)\s+(?:any\s+)?"
    r"(?:payment|reimbursement|coverage|claims?)|"
    # the government contractors' wording: "not intended to take the place of the written law"
    r"\bnot\s+intended\s+to\s+(?:take\s+the\s+place\s+of|replace|substitute\s+for)\s+"
    r"(?:the\s+)?(?:written\s+)?(?:laws?|regulations?|statutes?)|"
    r"\b(?:no|without)\s+(?:warrant(?:y|ies)|guarantee)|"
    r"\b(?:accepts?|assumes?|bears?)\s+no\s+(?:liability|responsibility)|"
    r"\b(?:for|as)\s+(?:general\s+)?(?:educational|informational|information|education)"
    r"(?:al)?\s+(?:purposes?\s+)?only\b|"
    r"\boffered\s+as\s+general\s+(?:education|information)\b",
    re.IGNORECASE)
_OWNER = re.compile(r"\bCPT\b|American Medical Association|\bAMA\b", re.IGNORECASE)
# "CPT®" alone is how the name is printed, not a statement of rights
_RIGHTS = re.compile(r"trademark|copyright|©|all rights reserved", re.IGNORECASE)
# where a sentence starts: after a sentence's end and its closing quote or bracket, a capital
_SENTENCE_START = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"“(]?[A-Z])")


def disclaims(text: str) -> bool:
    """Whether the text says what a disclaimer says (see module doc)."""
    return bool(_DISCLAIMS.search(text))


def is_cpt_notice(text: str) -> bool:
    """Whether the text is (or holds) a CPT notice: CPT's owner named with its rights."""
    return bool(_OWNER.search(text) and _RIGHTS.search(text))


def closing_notice(text: str) -> int | None:
    """Where the CPT notice a disclaimer paragraph ends with starts ("…not a guarantee of
    payment. CPT is a registered trademark of the American Medical Association."), or None.

    The notice's first sentence names CPT's owner with its rights, and every sentence after it
    names the owner or the rights ("All rights reserved."); a sentence naming CPT without
    claiming rights ("…does not replace the CPT code book") is the disclaimer's own.
    """
    starts = [0, *(m.end() for m in _SENTENCE_START.finditer(text))]
    sentences = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    found = None
    for k in range(len(sentences) - 1, 0, -1):
        if not (_OWNER.search(sentences[k]) or _RIGHTS.search(sentences[k])):
            break
        if is_cpt_notice(sentences[k]):
            found = starts[k]
    return found


def is_guidance_matter(text: str) -> bool:
    """A disclaimer or a CPT notice: the document's own words wherever the page prints them."""
    return disclaims(text) or is_cpt_notice(text)
