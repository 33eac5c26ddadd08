"""Ranked entries → an answer (one entry, or several when they are close) or an abstention."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.aspects import asked_aspects, facet_words
from retrieval.config import Abstention, Decision
from retrieval.evidence import evidence
from retrieval.index import KBIndex
from retrieval.rank import QueryTerms, Scored

SUGGESTIONS = 3
NO_ANSWER = "No entry in the knowledge base answers this question."
NOT_MENTIONED = "No entry in the knowledge base speaks of {what}."
OTHER_ROLE = "The closest entry speaks of the {theirs}, not the {asked}."
ROLE_WORDS = {"npp": "NP or PA"}  # the lexicon's role terms as a coder reads them
NO_AMOUNT = ("It asks how much is paid, and the closest entry states no amount (a rate, RVUs, an "
             "APC).")


@dataclass(frozen=True)
class Verdict:
    abstained: bool
    results: list[Scored]
    suggestions: list[Scored]
    reason: str
    confidence: str  # a label a coder understands
    probability: float | None = None  # the abstention model's P(right answer), when it decided


def decide(index: KBIndex, q: QueryTerms, scored: list[Scored], d: Decision,
           top_k: int, model: Abstention | None = None) -> Verdict:
    """Answer or abstain; with `model`, its probability decides instead of `d.min_score`."""
    # a code no entry names is no guidance on it; nor is one entries only list (a range, a table,
    # "not with 77470, 77427 or 77431") when the question asks something about it. A bare code
    # is a look-up: the entries that list it are shown (below)
    bare = bool(q.codes) and not q.words_besides_codes
    uncovered = [c for c in q.codes if not _covered(index, c, q.codes)]
    if uncovered and not (bare and all(c in index.codes for c in uncovered)):
        mentioned = [c for c in uncovered if c in index.codes]
        return Verdict(True, [], scored[:SUGGESTIONS],
                       f"The knowledge base has no guidance on {', '.join(uncovered)}."
                       + (f" ({', '.join(mentioned)} only listed in passing.)" if mentioned
                          else ""), "No match")

    topics = unknown_topic(index, q)
    if topics:
        return Verdict(True, [], scored[:SUGGESTIONS], not_mentioned(index, topics), "No match")
    if scored and lacks_amount(index, q, scored[0].entry):
        return Verdict(True, [], scored[:SUGGESTIONS], NO_AMOUNT, "No match")
    other = other_subject(index, q, scored[0]) if scored else ""
    if other:
        return Verdict(True, [], scored[:SUGGESTIONS], other, "No match")

    if bare:
        # a bare code: every entry about it is an answer (else every entry that lists it); the
        # chat asks which one is meant
        qc = set(q.codes)
        about_it = [s for s in scored if qc & index.entries[s.entry].codes_about]
        listed = not about_it
        every = about_it or [s for s in scored if qc & index.entries[s.entry].code_set]
        # entries about (or listing) more of the codes first: "77300 77301?" asks about the pair
        every.sort(key=lambda s: -len(qc & (index.entries[s.entry].code_set if listed
                                            else index.entries[s.entry].codes_about)))
        about = every[:top_k]  # top_k is an upper bound here too; the reason says how many more
        if about:
            many = len(every) > 1
            label = ("Entries" if len(about) > 1 else "Entry") + (
                " listing this code" if listed else " about this code")
            shown = f" (showing the first {len(about)})" if len(every) > len(about) else ""
            verb = ("list" if many else "lists") if listed else "about"
            return Verdict(False, about, [s for s in scored if s not in about][:SUGGESTIONS],
                           f"{len(every)} entr{'ies' if many else 'y'} {verb} "
                           f"{', '.join(q.codes)}{shown}.", label)

    if model is not None:
        return _by_model(index, q, scored, d, top_k, model)

    if not scored or scored[0].score < d.min_score:
        return Verdict(True, [], scored[:SUGGESTIONS], NO_ANSWER, "No match")

    top = scored[0].score
    floor = max(d.min_score, top - d.close_margin)
    results = [s for s in scored[:top_k] if s.score >= floor]
    rest = [s for s in scored if s not in results][:SUGGESTIONS]
    if len(results) > 1:
        confidence = "Several close matches"
    elif top >= d.high_confidence:
        confidence = "Strong match"
    else:
        confidence = "Likely match"
    return Verdict(False, results, rest, "", confidence)


def _covered(index: KBIndex, code: str, codes: list[str]) -> bool:
    """Whether some entry gives guidance on `code`: one about it, or, when the question names
    it with another code, one about that other code which lists it too. "Who bills 55875 and who
    bills 77778?" or "99213 the same day as 77427?" asks about the pair, and the entry about
    77778 whose table gives 55875 to the urologist (or the one about 77427 whose answer bundles
    99211-99215 into it) speaks of both; a code listed only by entries about neither is still no
    guidance on it ("can we bill 77470 for chemo-RT?")."""
    others = set(codes) - {code}
    return any(code in e.codes_about or others & e.codes_about
               for e in (index.entries[i] for i in index.codes.get(code, ())))


def unknown_topic(index: KBIndex, q: QueryTerms) -> list[str]:
    """What the question asks that no entry of the knowledge base mentions: an aspect (how often,
    which place of service, which diagnosis…), a payer it names by name (Aetna, Medicaid, a MAC),
    or its modalities when it names no other.

    The code rule above, for the thesaurus's terms: the aspect is what the question asks and the
    modality what it is about, so a knowledge base whose entries never use the word answers
    neither, however well an entry matches the rest ("how many times can 77370 be billed" where
    no entry speaks of frequency; "77470 for total body irradiation" where none names TBI). A
    modality alongside one the knowledge base knows is a detail of that question (CBCT during
    SBRT), not its subject. A payer named is the subject, though: "does Aetna cover
    hyperthermia?" asks Aetna's rule, which a knowledge base that never names Aetna does not give.
    """
    lex = index.lexicon
    aspects = sorted(a for a in asked_aspects(lex, q.terms, q.amount) if a not in index.idf)
    if aspects:
        return aspects
    payers = sorted(p for p in lex.payers_in(q.terms) if p not in index.idf)
    if payers:
        return payers
    if q.modalities and not any(m in index.idf for m in q.modalities):
        return sorted(q.modalities)
    return []


def lacks_amount(index: KBIndex, q: QueryTerms, entry: int) -> bool:
    """Whether the question asks how much is paid and `entry` states no amount.

    "What's the Medicare payment for 77386 in 2026?" or "RVUs for 77427" asks a figure; an entry
    about the code that says under which fee schedule it is paid, or that it is paid once per
    course, gives none, however well it matches the code. The amount is what the thesaurus reads
    as one (a payment rate, RVUs, an APC, an allowed amount). A follow-up asks in its own words
    (an earlier "RVU for 77336?" does not make "and does it need a modifier?" ask an amount).
    """
    asked = asked_aspects(index.lexicon, q.terms if q.own is None else q.own, q.amount)
    if not asked:
        return False
    (rate,) = index.lexicon.terms("payrate")
    return rate in asked and rate not in index.entry_terms[entry]


def other_subject(index: KBIndex, q: QueryTerms, top: Scored) -> str:
    """Why the closest entry gives someone else's rule, or "".

    The question names a role (the radiation oncologist) and the entry only others (the
    physicist): the ranker has marked the conflict (`rank`), and however well the rest
    matches, the entry's rule is another person's. Supervision, who may bill and who signs
    differ by role, so "what supervision does the physician give during SBRT?" is not answered
    by the entry on the physicist's supervision during SBRT. (A modality conflict is left to the
    ranker's penalty: an entry can cover a modality through its codes without naming it, as
    the G-codes of conventional delivery cover 3D conformal.)
    """
    if top.signals.get("role", 0.0) >= 0:
        return ""
    theirs, asked = index.entry_roles[top.entry], index.lexicon.roles_in(q.terms)
    return OTHER_ROLE.format(theirs=_either(sorted({ROLE_WORDS.get(r, r) for r in theirs})),
                             asked=_either(sorted({ROLE_WORDS.get(r, r) for r in asked})))


def _either(words: list[str]) -> str:
    """Words as a coder reads them listed: "a", "a or b", "a, b or c"."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def not_mentioned(index: KBIndex, topics: list[str]) -> str:
    """The abstention reason naming, in a coder's words, what no entry speaks of."""
    return NOT_MENTIONED.format(what=_either([facet_words(index.lexicon, t) for t in topics]))


def _close(scored: list[Scored], d: Decision, top_k: int) -> tuple[list[Scored], list[Scored]]:
    """The entries returned with the top one (within close_margin) and the rest as suggestions."""
    floor = scored[0].score - d.close_margin
    results = [s for s in scored[:top_k] if s.score >= floor]
    return results, [s for s in scored if s not in results][:SUGGESTIONS]


def _by_model(index: KBIndex, q: QueryTerms, scored: list[Scored], d: Decision, top_k: int,
              model: Abstention) -> Verdict:
    if not scored:
        return Verdict(True, [], [], NO_ANSWER, "No match", 0.0)
    p = model.probability(evidence(index, q, scored))
    if p < model.min_probability:
        return Verdict(True, [], scored[:SUGGESTIONS], NO_ANSWER, "No match", p)
    results, rest = _close(scored, d, top_k)
    if len(results) > 1:
        confidence = "Several close matches"
    else:
        confidence = "Strong match" if p >= model.strong_probability else "Likely match"
    return Verdict(False, results, rest, "", confidence, p)
