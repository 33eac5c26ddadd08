"""Clarifying choices: when several entries answer, ask which one is meant (two-stage fallback).

Stage one offers the candidate entries as choices ("which one do you mean?") plus "none of these";
stage two, after "none of these", asks the coder to rephrase; a rephrased question that still
matches nothing is abstained on and logged as a gap. The buttons themselves are the page's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval.answer import Answer

NONE_OF_THESE = "None of these"
REPHRASE = (
    "Please rephrase your question: name the code or service and what you need to know "
    "about it (for example who signs, what to document, who supervises)."
)


def needs_choice(answer: Answer) -> bool:
    """Whether the chat should ask which entry is meant (its candidates are `answer.results`)."""
    return not answer.abstained and len(answer.results) > 1


def prompt(answer: Answer) -> str:
    """The question the assistant asks; empty when no choice is needed."""
    if not needs_choice(answer):
        return ""
    n = len(answer.results)
    q = answer.terms
    if q is not None and q.codes and not q.words_besides_codes:
        return (
            f"{n} entries are about {', '.join(q.codes)}. Which one do you mean? "
            f"(or “{NONE_OF_THESE}” to rephrase)"
        )
    return (
        f"{n} entries could answer this. Which one do you mean? (or “{NONE_OF_THESE}” to rephrase)"
    )
