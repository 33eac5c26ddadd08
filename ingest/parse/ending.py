"""Where the last answer ends, and the disclaimer and CPT notice after it.

Inside a document every answer ends at the next question. The last one has none: it ends
at a "References" label (the last one in it: `structure` keeps earlier ones as the answer's own
citations), at the end of its container (an accordion or definition list), or at the disclaimer.
Only one unlabelled tail is accepted after it, because publishers print it and it cannot be
answer prose: a run of reference-like lines (short, title-like, no sentence
punctuation, e.g. "2023 ASTRO Radiation Oncology Coding Resource"), as in the seed document.
Anything that could be either answer text or references is refused with the line to fix.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.parse.closing import CHROME, REFERENCES, closing_kind, run_in_page_matter
from ingest.parse.labels import Token
from ingest.parse.wording import closing_notice, is_cpt_notice
from retrieval.codes import CODE_RE
from retrieval.errors import CorpusFormatError

MAX_REFERENCE_WORDS = 15  # a citation title, not a sentence
_SENTENCE_END = re.compile(r"[.!?:;,][\"'”’)\]]*$")
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’&-]*")

Para = list[Token]
ADD_REFERENCES = ("add a 'References:' line (or heading) before the references, so the answer "
                  "ends above it")


_BULLET = re.compile(r"^(?:[-*•·–]|\d{1,2}[.)])\s+")


def reference_text(text: str) -> str:
    """A reference line without the list marker (bullet or number) a format put before it."""
    return _BULLET.sub("", text.strip(), count=1)


# how a line that a citation goes on from ends: a comma, an ampersand, a function word
_OPEN_END = re.compile(r"(?:[,&(/]|\b(?:and|or|of|the|a|an|for|in|on|to|with|from|by|at|"
                       r"into|under|versus|vs\.))$", re.IGNORECASE)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def continues_reference(line: str, start: str, above: str) -> bool:
    """Whether `line` is the wrapped rest of the reference whose first line is `start` (`above`
    is the line right before it). A line with a bullet or a URL of its own starts a reference;
    a wrapped one is indented past where the bullet's text starts (or, unbulleted, past the
    reference's first line: a hanging indent), or goes on in lower case from a line left open (it
    ends with a comma or a word such as "and", "of", "the" that no citation ends with)."""
    s = line.strip()
    if not s or _BULLET.match(s) or _URL.match(s):
        return False
    m = _BULLET.match(start.lstrip())
    text_starts = _indent(start) + (m.end() if m else 1)
    if _indent(line) >= text_starts:
        return True
    return s[0].islower() and bool(_OPEN_END.search(above.rstrip()))


def unwrapped(lines: list[str]) -> list[str]:
    """The lines with each wrapped citation joined to the line it continues (markers kept)."""
    refs: list[str] = []
    start = above = ""
    for line in lines:
        if not line.strip():
            continue
        if refs and continues_reference(line, start, above):
            refs[-1] = f"{refs[-1]} {line.strip()}"
        else:
            refs.append(line.strip())
            start = line
        above = line
    return refs


def reference_lines(lines: list[str]) -> list[str]:
    """References from their lines as written: markers dropped, a wrapped citation joined,
    numbered citations that a format ran into one line told apart."""
    return [reference_text(part) for r in unwrapped(lines) for part in numbered_run(r)]


_NEXT_NUMBER = re.compile(r"(?<=[.;])\s+(\d{1,2})[.)]\s+(?=\S)")


def numbered_run(line: str) -> list[str]:
    """'1. A. 2. B. 3. C.' (a numbered list a PDF's text layer gave as one line) as its items;
    only numbers that count on from 1, each after a citation's closing period, split it."""
    if not re.match(r"\s*1[.)]\s", line):
        return [line]
    parts, start, want = [], 0, 2
    for m in _NEXT_NUMBER.finditer(line):
        if int(m.group(1)) == want:
            parts.append(line[start:m.start()])
            start, want = m.start(1), want + 1
    return [*parts, line[start:]]


def in_place(label: Token) -> str:
    """The text after a label, at the column where it stands in the line (so that a wrapped
    citation's indentation is measured as the reader sees it)."""
    if not label.raw.endswith(label.text):
        return label.text
    return " " * (len(label.raw) - len(label.text)) + label.text


def reference_like(text: str) -> bool:
    """A line read as a citation title: short, title-like, no sentence punctuation, no code.

    A bulleted line is not: a bullet list after an answer may as well be the answer's own.
    """
    s = text.strip()
    if _URL.match(s):
        return True
    if not s or len(s.split()) > MAX_REFERENCE_WORDS or _SENTENCE_END.search(s):
        return False
    if CODE_RE.search(s) or not (s[0].isupper() or s[0].isdigit()):
        return False
    long_words = [w for w in _WORD.findall(s) if len(w) >= 4]
    capitalised = [w for w in long_words if w[0].isupper()]
    return not long_words or 2 * len(capitalised) >= len(long_words)


def paragraph_kind(para: Para) -> str:
    """'prose' (answer text), 'reference' (every line reference-like) or 'unclear'."""
    texts = [t.text.strip() for t in para]
    if any(t.kind == "row" for t in para):
        return "prose"  # a table is answer content
    if all(reference_like(t) for t in unwrapped([t.text for t in para])):
        return "reference"
    # (a line ending with "," or ";" goes on into the next: a list's item, never a citation)
    if re.search(r"[.!?:;,][\"'”’)\]]*$", texts[-1]) or any(
            len(t.split()) > MAX_REFERENCE_WORDS for t in texts):
        return "prose"
    return "unclear"


def _closing_title(para: Para) -> str | None:
    """The kind of closing section a paragraph's first line titles ("Related resources", "About
    us"), if any (`closing`): a one-line paragraph, or the title line a plain-text section
    opens with ("Notes" above its numbered notes), or a title run in ("About Acme Billing: we…")."""
    if para[0].kind != "text":
        return None
    return closing_kind(para[0].text) or (CHROME if run_in_page_matter(para[0].text) else None)


def split_last_answer(paras: list[Para], path: Path, question_line: int, *, bounded: bool = True,
                      known: int = 1) -> tuple[list[Para], list[str]]:
    """The last answer's own paragraphs and the references printed after it (maybe none).

    `bounded`: the disclaimer follows the last answer. When it does not (the disclaimer opens
    the document) nothing marks where the answer ends, so a further paragraph is refused.
    `known`: how many first paragraphs are the answer's for certain (its first; more when it
    ends with the publisher's own citation line).
    A line titling a closing section ("Related resources", "About us") ends the answer: what
    follows a references title is the document's references, page matter is dropped.
    """
    title = next((j for j in range(known, len(paras)) if _closing_title(paras[j])), None)
    if title is not None:
        keep, refs = split_last_answer(paras[:title], path, question_line, bounded=bounded,
                                       known=known)
        kind = None
        for para in paras[title:]:
            titled = _closing_title(para)
            kind = titled or kind
            if kind == REFERENCES:
                refs += reference_lines([t.text for t in para[1 if titled else 0:]])
        return keep, refs
    kinds = _listed(paras, [paragraph_kind(p) for p in paras])
    if not bounded and len(paras) > known and kinds[known] != "reference":
        line = paras[known][0].number
        raise CorpusFormatError(
            path, f"the last answer (question on line {question_line}) runs to the end of the "
            f"document: cannot tell whether line {line} is still part of it",
            "add a 'References:' line (or heading) after the last answer, or move the "
            "disclaimer after it", line=line)
    for para, kind in zip(paras[known:], kinds[known:], strict=True):
        if kind == "unclear":
            raise CorpusFormatError(
                path, f"cannot tell whether line {para[0].number} belongs to the last answer "
                f"(question on line {question_line}) or is a reference",
                f"{ADD_REFERENCES}, or end the line with punctuation if it is answer text",
                line=para[0].number)
    k = len(paras)
    while k > known and kinds[k - 1] == "reference":
        k -= 1
    if k == len(paras):
        return paras, []
    before = paras[k - 1][-1].text.strip()
    if before.endswith(":"):
        raise CorpusFormatError(
            path, f"the lines from line {paras[k][0].number} may be a list that ends the last "
            f"answer (the line before ends with ':') or the document's references",
            ADD_REFERENCES, line=paras[k][0].number)
    return paras[:k], reference_lines([t.text for p in paras[k:] for t in p])


def _listed(paras: list[Para], kinds: list[str]) -> list[str]:
    """The kinds, with an unclear paragraph that a lead-in ending with ':' announces (directly,
    or through the unclear items before it) read as prose when none of its lines reads as a
    citation: the list the answer introduced ("Use the code for the applicator placed:" /
    "57155 Tandem and ovoids"), which no reference list can be."""
    out = list(kinds)
    for j in range(1, len(paras)):
        before = paras[j - 1][-1].text.strip()
        announced = before.endswith(":") or (out[j - 1] == "prose" and kinds[j - 1] == "unclear")
        if kinds[j] == "unclear" and announced and not any(
                reference_like(reference_text(t)) for t in unwrapped([t.text for t in paras[j]])):
            out[j] = "prose"
    return out


def trailing_references(paras: list[Para], path: Path) -> list[str]:
    """Unlabelled text after a closed answer container: references, or refused."""
    for para in paras:
        if paragraph_kind(para) != "reference":
            raise CorpusFormatError(
                path, f"text after the last answer on line {para[0].number} is neither a "
                "question, an answer nor a reference",
                f"{ADD_REFERENCES}, or remove the text", line=para[0].number)
    return reference_lines([t.text for p in paras for t in p])


def disclaimer_and_notice(tail: list[Token], path: Path) -> tuple[str, str]:
    """The disclaimer (its label's paragraph, or the one after a label standing alone) and the
    CPT notice (every line after it)."""
    label = tail[0]
    rest = tail[1:]
    lines = [label.text] if label.text.strip() else []
    if not lines:
        while rest and rest[0].kind == "blank":
            rest = rest[1:]
        if rest and rest[0].kind == "disclaimer":
            # a section titled "Legal notice" whose paragraph opens "Disclaimer: …": the title
            # names the section, the labelled paragraph is the disclaimer
            return disclaimer_and_notice(rest, path)
        if rest and rest[0].kind == "heading":
            raise CorpusFormatError(
                path, f"the disclaimer's text under the '{label.label}' heading (line "
                f"{label.number}) is itself a heading, on line {rest[0].number}",
                "make the disclaimer text a paragraph (not a heading), so it cannot be taken "
                "for a section title", line=rest[0].number)
        if not rest or rest[0].kind not in ("text", "row"):
            raise CorpusFormatError(
                path, "the disclaimer is only a heading, with no text after it",
                "paste the publisher's disclaimer text under the 'Disclaimer' heading",
                line=label.number)
    while rest and rest[0].kind in ("text", "row"):
        lines.append(rest[0].text)
        rest = rest[1:]
    for tok in rest:
        if tok.kind == "heading" and closing_kind(tok.text) == CHROME:
            break  # the page's own matter after the guidance ("Related", "Contact us"): links
        if tok.kind in ("question", "answer"):
            raise CorpusFormatError(
                path, f"a {tok.kind} label on line {tok.number} comes after the disclaimer",
                "move the disclaimer (and the CPT notice) after the last answer",
                line=tok.number)
    notice = "\n".join(t.text.strip() for t in _notice_paragraphs(rest) if t.text.strip())
    disclaimer = "\n".join(lines).strip()
    if not notice and (start := closing_notice(disclaimer)) is not None:
        # the notice printed as the disclaimer paragraph's last sentences is the notice
        disclaimer, notice = disclaimer[:start].rstrip(), disclaimer[start:].strip()
    return disclaimer, notice


def _notice_paragraphs(rest: list[Token]) -> list[Token]:
    """The lines after the disclaimer up to the end of the last paragraph that is a CPT notice
    (`wording`): a newsletter's unsubscribe line, a site's copyright or the publisher's address
    after it is footer, not notice (all of it is kept when no paragraph is a notice)."""
    starts = [i for i, t in enumerate(rest) if t.kind != "blank" and (i == 0 or rest[i - 1].kind
                                                                       == "blank")]
    ends = [next((j for j in range(i, len(rest)) if rest[j].kind == "blank"), len(rest))
            for i in starts]
    notices = [end for i, end in zip(starts, ends, strict=True)
               if is_cpt_notice(" ".join(t.text for t in rest[i:end]))]
    return rest[:notices[-1]] if notices else rest
