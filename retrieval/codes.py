"""Find CPT® / HCPCS codes in text as a document gives them: single codes, ranges, lists, tables.

- A range ("77280-77290", "77280–77290", "77280 through 77290") covers every code between its
  ends when both ends are of one family (same kind, same digits but the last two, so a range
  spans at most 100 codes); ends of different families are two codes, not a range. A range
  written backwards ("77290-77280") is read low to high here; the corpus parser refuses a
  document that has one, since it may hide a typo (see `find_ranges(...).backwards`).
- An entry is *about* the codes its question names and the codes its answer names on their own
  (at least once); codes its answer only lists (a range, an enumeration of three or more, two or
  more in a sentence that says what may not be done, codes in several rows of a table) are
  *mentions* — except a table row whose cell gives a billing verdict ("Yes", "No – included"),
  which is guidance on its codes.
- A descriptor is taken only where the text gives one: "77370 (Special medical radiation physics
  consultation)", "Continuing Physics Consultation (CPT code 77336)", "77336 – Continuing medical
  physics consultation" at the start of a line, or a table with Code and Descriptor columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.entry import ABOUT, MENTION, Code

_CODE = r"\d{5}|\d{4}[FTU]|[A-V]\d{4}"
# CPT category I (5 digits), category II/III (4 digits + F/T/U), HCPCS level II (letter + 4 digits).
# Coders write codes as English nouns: a plural ("two 77280s") or a possessive ("77300's
# units") is still the code; no code ends in "s", so the suffix never hides a different code.
_NOUN_ENDING = r"(?:['’]?s)?"
CODE_RE = re.compile(rf"(?<![\w.])({_CODE}){_NOUN_ENDING}(?!\w)", re.IGNORECASE)
# a word that is a code as a noun ("77373s", "77300s" once the apostrophe is dropped): the code
PLURAL_CODE_RE = re.compile(rf"({_CODE})s", re.IGNORECASE)
_RANGE_RE = re.compile(
    rf"(?<![\w.])({_CODE})\s*(?:-|–|—|\bthrough\b|\bthru\b)\s*({_CODE})(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class CodeRange:
    """A range of codes as written: its ends and where it sits in the text."""

    first: str
    last: str
    start: int
    end: int

    @property
    def backwards(self) -> bool:
        return int(self.last[-2:]) < int(self.first[-2:])

    def codes(self) -> list[str]:
        lo, hi = sorted((int(self.first[-2:]), int(self.last[-2:])))
        return [f"{self.first[:-2]}{n:02d}" for n in range(lo, hi + 1)]


def _family(code: str) -> str | None:
    return code[:-2] if code[-2:].isdigit() else None


def find_ranges(text: str) -> list[CodeRange]:
    """Ranges whose ends are of one family, in order."""
    out = []
    for m in _RANGE_RE.finditer(text):
        a, b = m.group(1).upper(), m.group(2).upper()
        if len(a) == len(b) and _family(a) is not None and _family(a) == _family(b):
            out.append(CodeRange(a, b, m.start(), m.end()))
    return out


def find_codes(text: str) -> list[str]:
    """Codes as written (ranges not expanded), in order of first appearance, without duplicates."""
    seen: dict[str, None] = {}
    for m in CODE_RE.finditer(text):
        seen.setdefault(m.group(1).upper(), None)
    return list(seen)


def document_codes(text: str) -> list[str]:
    """Codes in order of first appearance, every code of a range included at its place."""
    ranges = find_ranges(text)
    seen: dict[str, None] = {}
    for m in CODE_RE.finditer(text):
        r = next((r for r in ranges if r.start <= m.start() < r.end), None)
        for code in r.codes() if r is not None else [m.group(1).upper()]:
            seen.setdefault(code, None)
    return list(seen)


_NEGATION = re.compile(r"\b(?:not|cannot|never|nor|no longer)\b|n['’]t\b", re.IGNORECASE)
_LIST_GAP = re.compile(r"(?:\s|[,;/&]|\band/or\b|\band\b|\bor\b)+", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
LIST_SIZE = 3  # an enumeration this long lists codes rather than naming the entry's subject


def _listed_spans(text: str) -> list[tuple[int, int]]:
    """Where the text lists codes: ranges, enumerations, negated pairs, rows of a table."""
    spans = [(r.start, r.end) for r in find_ranges(text)]
    for sentence in _SENTENCE.finditer(text):
        s, base = sentence.group(0), sentence.start()
        groups: list[list[re.Match[str]]] = []
        for m in CODE_RE.finditer(s):
            if groups and _LIST_GAP.fullmatch(s[groups[-1][-1].end():m.start()]):
                groups[-1].append(m)
            else:
                groups.append([m])
        negated = bool(_NEGATION.search(s))
        spans += [(base + g[0].start(), base + g[-1].end()) for g in groups
                  if len(g) >= LIST_SIZE or (negated and len(g) >= 2)]
    offset, rows = 0, []
    for line in text.split("\n"):
        if " | " in line and CODE_RE.search(line):
            rows.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans + (rows if len(rows) >= 2 else [])


# a table cell that gives a billing verdict on its row's code ("Yes", "No – included in 77600",
# "Not separately billable", "Bundled"): such a row is guidance on that code, not a listing
_VERDICT_CELL = re.compile(
    r"^(?:yes|no|not|never|allowed|billable|reportable|bundled|included|covered|separately)\b",
    re.IGNORECASE)


def _verdict_rows(text: str) -> set[str]:
    """Codes (ranges expanded) of table rows that say whether the code may be billed."""
    out: set[str] = set()
    for line in text.split("\n"):
        if " | " not in line:
            continue
        cells = [c.strip() for c in line.split(" | ")]
        if any(_VERDICT_CELL.match(c) for c in cells if not CODE_RE.search(c[:12])):
            out.update(document_codes(line))
    return out


def listed_codes(text: str) -> set[str]:
    """Codes the text names only in lists (never on their own, nor in a row giving a verdict)."""
    spans = _listed_spans(text)
    listed: set[str] = set()
    named: set[str] = set()
    for m in CODE_RE.finditer(text):
        inside = any(a <= m.start() < b for a, b in spans)
        (listed if inside else named).add(m.group(1).upper())
    for r in find_ranges(text):
        listed.update(r.codes())
    return listed - named - _verdict_rows(text)


def code_roles(question: str, answer: str) -> dict[str, str]:
    """Each code of an entry, in order, with whether the entry is about it or only mentions it.

    An entry that names no code on its own is about the codes its answer opens with ("The
    hyperthermia codes (77600–77620) describe…"): a family given as its subject, not in passing.
    """
    asked = set(document_codes(question))
    listed = listed_codes(answer)
    roles = {c: ABOUT if c in asked or c not in listed else MENTION
             for c in document_codes(f"{question}\n{answer}")}
    if roles and ABOUT not in roles.values():
        for c in document_codes(_first_sentence(answer)):
            roles[c] = ABOUT
    return roles


def _first_sentence(text: str) -> str:
    """The answer's opening sentence, when it opens with prose (a table or a list is a
    listing, whatever it names)."""
    first = text.strip().split("\n", 1)[0]
    if " | " in first or re.match(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s", first):
        return ""
    m = re.search(r"(?<=[.!?])\s+(?=[A-Z(\"“])", first)
    return first[:m.start()] if m else first


def entry_codes(question: str, answer: str, descriptors: dict[str, str]) -> tuple[Code, ...]:
    """The entry's codes with their roles and the descriptors its document gives."""
    return tuple(Code(c, descriptors.get(c), role)
                 for c, role in code_roles(question, answer).items())


def codes_with_descriptors(text: str, descriptors: dict[str, str]) -> tuple[Code, ...]:
    """The codes in `text` (ranges expanded), each with the descriptor its document gives."""
    return tuple(Code(c, descriptors.get(c)) for c in document_codes(text))


# --- descriptors --------------------------------------------------------------------------------
_PAREN = r"\(((?:[^()]|\([^()]*\))+)\)"  # one level of nesting: "(port image(s))"
_CODE_THEN_DESC = re.compile(rf"(?<![\w.])({_CODE})(?!\w)\s*{_PAREN}", re.IGNORECASE)
# "the Continuing Physics Consultation (CPT code 77336)"
_DESC_THEN_CODE = re.compile(
    rf"((?:[A-Z][A-Za-z-]*\s+){{1,8}}?[A-Z][A-Za-z-]*)\s+\((?:CPT®?\s+code\s+)?({_CODE})\)"
)
# "77336 – Continuing medical physics consultation" opening a line
_CODE_DASH_DESC = re.compile(
    rf"^\s*(?:[-*•·]\s+)?(?:CPT®?\s+(?:code\s+)?)?({_CODE})\s+[–—-]\s+(\S.*?)\s*$",
    re.IGNORECASE | re.MULTILINE)
_NOT_A_DESCRIPTOR = ("cpt", "see ", "e.g", "eg ", "i.e", "also ", "or ", "and ", "not ", "which ",
                     "per ", "for ", "modifier")
# a descriptor is a noun phrase; these words make it a sentence about the code
_VERB = re.compile(r"\b(?:is|are|was|were|be|may|must|should|can|cannot|will|would|does|do)\b",
                   re.IGNORECASE)
_CODE_HEADER = re.compile(r"^(?:cpt®?\s*|hcpcs\s*)?codes?$", re.IGNORECASE)
_DESC_HEADER = re.compile(r"^(?:(?:long|short|full)\s+)?(?:descriptor|description)s?$",
                          re.IGNORECASE)


def _descriptor(text: str) -> str | None:
    """The text if it reads as a descriptor: a capitalised phrase of two words or more, with no
    code and no verb in it."""
    s = text.strip()
    words = [w for w in re.findall(r"[^\W\d_]{2,}", s)]
    if (not s or not s[0].isupper() or len(words) < 2 or len(s) > 250 or CODE_RE.search(s)
            or s.lower().startswith(_NOT_A_DESCRIPTOR) or _VERB.search(s)):
        return None
    return s


def _table_descriptors(text: str) -> dict[str, str]:
    """Code → descriptor from the rows under a "Code | Descriptor" header row."""
    found: dict[str, str] = {}
    cols: tuple[int, int] | None = None
    for line in text.split("\n"):
        cells = [c.strip() for c in line.split(" | ")] if " | " in line else None
        if cells is None:
            cols = None
            continue
        code_col = next((i for i, c in enumerate(cells) if _CODE_HEADER.match(c)), None)
        desc_col = next((i for i, c in enumerate(cells) if _DESC_HEADER.match(c)), None)
        if code_col is not None and desc_col is not None:
            cols = (code_col, desc_col)
        elif cols is not None and max(cols) < len(cells):
            code = cells[cols[0]].upper()
            if re.fullmatch(_CODE, code) and cells[cols[1]]:  # a table cell: the code itself
                found[code] = cells[cols[1]]
    return found


def find_descriptors(text: str) -> dict[str, str]:
    """Descriptors the text gives for codes; a table's or a line's own wins over one in prose."""
    found: dict[str, str] = {}
    for m in _DESC_THEN_CODE.finditer(text):
        desc = re.sub(r"^(?:The|A|An)\s+", "", m.group(1).strip())
        if len(desc.split()) >= 2:
            found.setdefault(m.group(2).upper(), desc)
    for m in _CODE_THEN_DESC.finditer(text):
        if (given := _descriptor(m.group(2))) is not None:
            found[m.group(1).upper()] = given
    for m in _CODE_DASH_DESC.finditer(text):
        if (given := _descriptor(m.group(2))) is not None and " | " not in given:
            found[m.group(1).upper()] = given
    found.update(_table_descriptors(text))
    return found
