"""What kind of turn a chat message is: small talk, a question of its own, or one that leans on
an earlier turn.

Small talk is decided from evidence, not from the words alone: the message has an
acknowledgement, thanks, greeting or closing in it, names no code, has no content term that the
knowledge base or the coding domain knows once those are taken out, and the ranker abstains on it.
"great — and is it billable per course?" keeps "billable" and "course" and is a question.

Leaning on an earlier turn is plain English: a pronoun or demonstrative with nothing of its own
to point at ("does it…", "that", "which part…?"), a turn that opens with a connective ("and…",
"what about…", "same for…") in a message the ranker cannot answer on its own, or a message that
names no topic (no code, no term besides aspects and roles: "under what supervision?").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from retrieval.codes import find_codes

if TYPE_CHECKING:
    from retrieval.index import KBIndex
    from retrieval.rank import QueryTerms

TurnKind = Literal["small_talk", "standalone", "follow_up", "topic_switch", "off_topic"]

# Conversational formulas of English (general language, not of any corpus), by what they do.
# Multi-word formulas first: their words are common ("got", "that", "all") and only the phrase
# is the formula. Matched on lower-cased text with apostrophes folded.
_SMALL_TALK: dict[str, tuple[str, ...]] = {
    "thanks": (
        "thank you", "thanks a lot", "thanks so much", "many thanks", "much appreciated",
        "thanks", "thank", "thx", "ty", "cheers", "appreciate", "appreciated", "grateful",
    ),
    "acknowledgement": (
        "got it", "makes sense", "that makes sense", "that helps", "that helped",
        "very helpful", "good to know", "understood", "ok", "okay", "k", "alright", "all right",
        "great", "perfect", "cool", "awesome", "excellent", "wonderful", "nice", "sounds good",
        "noted", "right", "sure", "yes", "yep", "yeah", "no", "nope", "helpful", "helps",
        "super", "fantastic", "brilliant", "lovely", "gotcha", "i see", "fair enough",
        "fine", "good enough", "that works", "will do",
    ),
    "greeting": (
        "hello", "hi", "hey", "hiya", "good morning", "good afternoon", "good evening",
        "greetings", "howdy", "how are you",
    ),
    "closing": (
        "bye", "goodbye", "good bye", "see you", "see ya", "take care", "have a good day",
        "have a nice day", "have a great day", "thats all", "that is all", "thats it",
        "that is it", "all set", "im done", "i am done", "all i needed", "that's all i needed",
        "nothing else", "no more questions", "talk later",
    ),
}
_FORMULAS = sorted(
    ((p.replace("'", ""), kind) for kind, ps in _SMALL_TALK.items() for p in ps),
    key=lambda t: -len(t[0]),
)
_FORMULA_RE = re.compile(
    r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p, _ in _FORMULAS) + r")(?![a-z0-9])"
)
_KIND_OF = dict(_FORMULAS)
_SHOWN_DOCUMENTS = 5  # documents named in the off-topic reply

REPLIES: dict[str, str] = {
    "thanks": "You're welcome. Ask another coding question any time.",
    "acknowledgement": "Glad that helps. Ask another coding question any time.",
    "greeting": (
        "Hello. Ask a radiation-oncology coding question in your own words, for example "
        "“Can we bill 77370 after treatment ended?”"
    ),
    "closing": "Thanks for asking. Start a new question any time.",
}

# "and the report?", "what about for SBRT?", "same for the physicist", "as for the order…"
_LEADS = re.compile(
    r"^\s*(?:and|also|but|or|plus|then|what about|how about|what if|same|as for|"
    r"and what about|and how about|what else)\b",
    re.IGNORECASE,
)
# pronouns and demonstratives that point back, and "too/as well/either" that add to something said;
# "which one…?" / "which part…?" choose among things named elsewhere ("which part does the doctor
# bill?" after a question on a code: the code's professional or technical part), unless an "of…"
# names them ("which part of the body…")
_REFERS = re.compile(
    r"\b(?:it|its|it's|that|this|these|those|they|them|their|there|the same|too|as well|"
    r"else|which\s+(?:one|ones|part|parts)(?!\s+of\b))\b",
    re.IGNORECASE,
)

# "its write-up", "their plan": a possessive pronoun before a noun names a thing that belongs to
# what was said earlier; "on its own" / "their own" is the idiom for "by itself", no possession.
# Matched on the text with its apostrophes kept, so "it's" (it is) is not "its".
_OWNS = re.compile(r"\b(?:its|their)\s+(?!own\b)[a-z]", re.IGNORECASE)

# "too", "as well", "also": the turn adds to what was said rather than replacing it
_ADDS = re.compile(r"\b(?:too|also|as well|in addition|additionally)\b", re.IGNORECASE)


def _folded(text: str) -> str:
    return text.lower().replace("’", "'").replace("'", "")


def formulas(text: str) -> list[str]:
    """The small-talk formulas in a message, longest first (as matched)."""
    return _FORMULA_RE.findall(_folded(text))


def without_formulas(text: str) -> str:
    """The message with its small-talk formulas taken out ("thanks! and who signs?" → "and…")."""
    return " ".join(_FORMULA_RE.sub(" ", _folded(text)).split())


def _opening_stripped(text: str) -> str:
    """The message without the acknowledgements it opens with ("ok thanks, and the report?")."""
    folded = _folded(text)
    while True:
        m = _FORMULA_RE.match(folded.lstrip(" ,.;:!-—–"))
        if not m:
            return folded.lstrip(" ,.;:!-—–")
        folded = folded.lstrip(" ,.;:!-—–")[m.end():]


def continues(text: str) -> bool:
    """Whether the message opens as a continuation ("and …?", "what about …") or adds to what
    was said ("… too?", "as well"): it leans on an earlier turn whatever else it says."""
    body = _opening_stripped(text)
    return bool(_LEADS.search(body) or _ADDS.search(body))


def cue(text: str) -> bool:
    """Whether the wording may lean on an earlier turn: a continuation, or a pronoun (which may
    also point inside the question: "weekly chart check: who can do it?")."""
    return continues(text) or bool(_REFERS.search(_opening_stripped(text)))


FRAGMENT_TERMS = 2  # "deep?", "in the hospital?", "freestanding billing?": no question of its own


def fragment(text: str, q: QueryTerms) -> bool:
    """Whether the message is a fragment that only makes sense as the earlier question with one
    slot changed ("deep?" after "superficial hyperthermia code?"): no code, at most
    `FRAGMENT_TERMS` content terms, and not worded as a question of its own (no interrogative or
    auxiliary opening). A terse query with a code ("77370 after tx?") is a question of its own."""
    return (not q.codes and 0 < len(q.terms) <= FRAGMENT_TERMS
            and not _ASKS.match(_opening_stripped(text)))


# a code named as the companion of another ("with 77317?", "without 77295 or 77301",
# "can I bill 77300 along with them"): the turn asks about the pair, not a code in place of one
_COMPANION = re.compile(
    r"\b(?:with|without|alongside|besides|plus|on top of|together with|in addition to)\s+"
    r"(?:(?:cpt|code|codes|the|a|an)\s+)*(?:\d{5}|\d{4}[ftu]|[a-v]\d{4})\b",
    re.IGNORECASE,
)
# a continuation that puts something in place of what was asked ("what about 77336?", "same
# for 77373?", "and for SBRT?")
_SWAPS = re.compile(r"^\s*(?:and\s+)?(?:what about|how about|same for|as for|for)\b",
                    re.IGNORECASE)


def companion(text: str) -> bool:
    """Whether the message names a code as the companion of another ("…without 77295?")."""
    return bool(_COMPANION.search(text))


def swaps(text: str) -> bool:
    """Whether the message opens by putting something in place of what was asked."""
    return bool(_SWAPS.match(_opening_stripped(text)))


# a lead-in that announces a new subject ("unrelated:", "different question -", "switching
# gears,", "ok new topic:", "separately -", "unrelated but …"): the coder says the question
# leaves the thread; its words are not the question's
_SWITCH = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|also|and|hi|hey)[\s,.!]+)*"
    r"(?:(?:(?:a|one\s+more|another|a\s+different|different|new|separate|unrelated|other)\s+"
    r"(?:question|topic|subject|issue|one))|(?:totally|completely|somewhat)?\s*unrelated|"
    r"separately|switching\s+(?:gears|topics?|subjects?)|chang(?:e|ing)\s+(?:of\s+)?"
    r"(?:the\s+)?(?:subject|topics?)|on\s+(?:a|an)\s+(?:different|another|separate|"
    r"unrelated|other)\s+(?:note|topic|subject)|off\s+topic)"
    r"(?:\s*(?:question|q))?(?:\s*[:,;.!?\-–—]+\s*|\s+(?:but|though)\s+)",
    re.IGNORECASE)


def drop_switch(text: str) -> tuple[str, bool]:
    """The message without a lead-in announcing a new subject, and whether it had one."""
    m = _SWITCH.match(text)
    if m is None or not text[m.end():].strip():
        return text, False
    return text[m.end():], True


def refers(text: str) -> bool:
    """Whether the message has a pronoun or demonstrative ("who has to sign it?")."""
    return bool(_REFERS.search(_opening_stripped(text)))


def owns(text: str) -> bool:
    """Whether the message asks about a thing that belongs to the earlier turn's subject
    ("what has to go into its write-up?", "how is its isodose plan leveled?")."""
    return bool(_OWNS.search(text.replace("’", "'")))


def additive(text: str) -> bool:
    """Whether the turn adds to the earlier one ("does the doctor have to sign it too?")."""
    return bool(_ADDS.search(text))


def known_terms(index: KBIndex, terms: list[str]) -> list[str]:
    """The terms the knowledge base uses or the coding domain's lexicon names (codes included)."""
    lex = index.lexicon
    domain = lex.modalities | lex.aspects | set(lex.roles)
    return [t for t in terms if t in index.idf or t in domain or t in index.codes
            or find_codes(t)]


# how a question opens in English once acknowledgements are taken out ("ok, can we…", "thanks,
# who signs…"): an interrogative word or an auxiliary verb put first. A message with an
# acknowledgement that opens otherwise and has no question mark is a statement about the answer
# ("ok I'll pass that on to the team", "that answers it, thanks"), not a new question.
_ASKS = re.compile(
    r"^\s*(?:what|whats|who|whom|whose|which|when|where|why|how|can|could|may|might|must|shall|"
    r"should|will|would|do|does|did|is|are|was|were|has|have|had|am|any|anything|if|whether|"
    r"tell me|explain|need|list|show)\b",
    re.IGNORECASE,
)


# a question word opening the message's last clause ("ok now for 3D tangents at the hospital,
# what delivery code"): a question set after what it is about
_ASKS_LATE = re.compile(r"[,;:\u2014\u2013-]\s*(?:what|whats|which|who|how|when|where|can|could|"
                        r"do|does|is|are|should|would|will)\b", re.IGNORECASE)


def asks(text: str) -> bool:
    """Whether the message, without its opening acknowledgements, is worded as a question."""
    body = _opening_stripped(text)
    return ("?" in text or bool(_ASKS.match(body)) or bool(_ASKS_LATE.search(body))
            or continues(text))


# "who signs?", "so who bills the surgical part?": a question about who does something asks
# the role for a service; one that names no code or modality leaves the service to the thread
_WHO = re.compile(r"^\s*(?:so\s+|then\s+)?(?:who|whom|whose)\b", re.IGNORECASE)


def asks_who(text: str) -> bool:
    """Whether the message, without its opening acknowledgements, asks who does something."""
    return bool(_WHO.match(_opening_stripped(text)))


# a wh-question about payment asks how much ("what does medicare pay for it?", "how much is the
# reimbursement?"); a yes/no one asks whether it is paid ("will medicare pay for it?")
_AMOUNT = re.compile(r"^\s*(?:how much|what|whats)\b", re.IGNORECASE)


def asks_amount(text: str) -> bool:
    """Whether the message, without its opening acknowledgements, asks what or how much."""
    return bool(_AMOUNT.match(_opening_stripped(text)))


def domain_terms(index: KBIndex, terms: list[str]) -> list[str]:
    """The terms the coding domain's lexicon names (codes, modalities, roles, aspects): general
    words the knowledge base happens to use ("answer", "clear", "work") are not among them."""
    lex = index.lexicon
    domain = lex.modalities | lex.aspects | set(lex.roles)
    return [t for t in terms if t in domain or t in index.codes or find_codes(t)]


def small_talk(index: KBIndex, text: str, q: QueryTerms, abstained: bool) -> str | None:
    """The kind of small talk ("thanks", "acknowledgement", "greeting", "closing"), else None.

    Evidence, not the formula alone: an acknowledgement formula, no code, the ranker abstains on
    the message, and either nothing the knowledge base knows is left once the formulas are taken
    out, or what is left is a statement (not worded as a question) naming nothing of the coding
    domain — "that answers it, thanks" and "ok, that works for me" are thanks, not follow-ups.
    """
    found = formulas(text)
    if not found or q.codes or not abstained:
        return None
    rest = index.lexicon.terms(without_formulas(text), q.fixes)
    if known_terms(index, rest) and (asks(text) or domain_terms(index, rest)):
        return None  # "great — and is it billable per course?": a question follows
    kinds = [_KIND_OF[f] for f in found]
    # the reply answers what the message does last ("ok, thanks, bye" is a closing)
    for kind in ("closing", "thanks", "greeting", "acknowledgement"):
        if kind in kinds:
            return kind
    return kinds[-1]


def off_topic(index: KBIndex, q: QueryTerms, abstained: bool) -> bool:
    """A message the ranker abstains on that is about something else: no code and no term of
    the coding domain, and most of its words (or all) used by no entry of the knowledge base
    ("who won the game last night?"). A coding question the KB does not cover still uses the
    domain's words and stays an abstention with its gap logged."""
    if not abstained or q.codes or domain_terms(index, q.terms):
        return False
    known = known_terms(index, q.terms)
    return not known or len(known) * 2 < len(q.terms)


def off_topic_reply(index: KBIndex) -> str:
    """What to say to an off-topic message: what the knowledge base does cover."""
    docs = sorted({e.document.title or e.document.name for e in index.entries})
    shown = "; ".join(docs[:_SHOWN_DOCUMENTS]) + (
        f"; and {len(docs) - _SHOWN_DOCUMENTS} more" if len(docs) > _SHOWN_DOCUMENTS else "")
    return (f"That is outside what this knowledge base covers. It answers radiation-oncology "
            f"CPT coding questions from {len(index.entries)} curated entries of: {shown}.")


def names_topic(index: KBIndex, q: QueryTerms) -> bool:
    """Whether the message names what it is about: a code, or a known term that is not only an
    aspect (payment, frequency, supervision…) or a role ("under what supervision?" names none)."""
    lex = index.lexicon
    facets = lex.aspects | set(lex.roles)
    return bool(q.codes) or any(t not in facets for t in known_terms(index, q.terms))
