"""Find CPT® / HCPCS codes in text, with the descriptor a document gives next to them."""

from __future__ import annotations

import re

from retrieval.entry import Code

# CPT category I (5 digits), category II/III (4 digits + F/T/U), HCPCS level II (letter + 4 digits)
CODE_RE = re.compile(r"(?<![\w.])(\d{5}|\d{4}[FTU]|[A-V]\d{4})(?!\w)", re.IGNORECASE)

# "77370 (Special medical radiation physics consultation)"
_CODE_THEN_DESC = re.compile(r"(?<!\d)(\d{5}|[A-V]\d{4})\s+\(([A-Za-z][^()]{3,120})\)")
# "the Continuing Physics Consultation (CPT code 77336)"
_DESC_THEN_CODE = re.compile(
    r"((?:[A-Z][A-Za-z-]*\s+){1,8}?[A-Z][A-Za-z-]*)\s+\((?:CPT®?\s+code\s+)?(\d{5}|[A-V]\d{4})\)"
)


def find_codes(text: str) -> list[str]:
    """Codes in order of first appearance, upper-cased and without duplicates."""
    seen: dict[str, None] = {}
    for m in CODE_RE.finditer(text):
        seen.setdefault(m.group(1).upper(), None)
    return list(seen)


def find_descriptors(text: str) -> dict[str, str]:
    """Descriptors the text gives for codes; the "code (Descriptor)" form wins over the other."""
    found: dict[str, str] = {}
    for m in _DESC_THEN_CODE.finditer(text):
        desc = re.sub(r"^(?:The|A|An)\s+", "", m.group(1).strip())
        if len(desc.split()) >= 2:
            found.setdefault(m.group(2).upper(), desc)
    for m in _CODE_THEN_DESC.finditer(text):
        desc = m.group(2).strip()
        if not desc.lower().startswith(("cpt", "see ", "e.g")):
            found[m.group(1).upper()] = desc
    return found


def codes_with_descriptors(text: str, descriptors: dict[str, str]) -> tuple[Code, ...]:
    """The codes in `text`, each with the descriptor its document gives (anywhere in it)."""
    return tuple(Code(c, descriptors.get(c)) for c in find_codes(text))
