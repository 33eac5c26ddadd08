"""Citable plain text of one answer, for a coder's notes or an audit file.

Pure: the same inputs give the same text. The answer is copied verbatim and always travels with
its document's disclaimer and CPT notice.
"""

from __future__ import annotations

from datetime import UTC, datetime

from retrieval.entry import Entry

RULE = "-" * 40


def citable_text(
    asked: str,
    entry: Entry,
    *,
    kb_version: str,
    when: datetime,
    confidence: str = "",
    read_as: str | None = None,
) -> str:
    """The coder's question, the curated entry that answers it, its source and disclaimer."""
    doc = entry.document
    stamp = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    source = doc.title
    extra = ", ".join(x for x in (doc.publisher, doc.published) if x)
    if extra:
        source += f" ({extra})"
    lines = [
        "Radiation Oncology Coding Q&A: curated guidance (verbatim)",
        RULE,
        f"Question asked: {asked}",
    ]
    if read_as:
        lines.append(f"Follow-up: {read_as}")
    lines += [f"Matched guidance question: {entry.question}", ""]
    lines += ["Answer (verbatim from the source):", entry.answer, ""]
    if entry.codes:
        lines.append("Codes: " + "; ".join(c.label() for c in entry.codes))
    lines.append(f"Source: {source} [{doc.filename}]")
    if doc.references:
        lines.append("References:")
        lines += [f"  - {r}" for r in doc.references]
    lines += [
        "",
        f"Entry: {entry.id}",
        f"Knowledge-base version: {kb_version}",
    ]
    if confidence:
        lines.append(f"Match: {confidence}")
    lines += [f"Retrieved: {stamp}", RULE, f"Disclaimer: {doc.disclaimer}"]
    if doc.notice:
        lines += ["", doc.notice]
    return "\n".join(lines) + "\n"


def export_filename(entry: Entry, when: datetime) -> str:
    """A safe file name for the download, e.g. `astro-daily-practice-physics-1_20261127.txt`."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in entry.id)
    return f"{safe}_{when.astimezone(UTC):%Y%m%d-%H%M}.txt"
