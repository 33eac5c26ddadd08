"""A document's title, from the lines before its first question."""

from __future__ import annotations

import re
from collections.abc import Sequence

# an e-mail's header block, as a memo saved from a mail client begins ("From: …", "Subject: …")
# (a digest numbers each message it gathers: "Message: 3")
MAIL_HEADER = re.compile(r"^(?P<field>from|to|cc|bcc|date|sent|subject|reply-to|importance|"
                         r"message(?:-id)?)"
                         r"\s*:\s*(?P<value>.*)$", re.IGNORECASE)


def document_title(preamble: Sequence[str], fallback: str) -> str:
    """The first line before the first question; for a memo saved from e-mail, whose first
    lines are its headers, the subject (or the first line after the headers)."""
    lines = [t.strip() for t in preamble if t.strip()]
    headers = []
    for t in lines:
        if not (m := MAIL_HEADER.match(t)):
            break
        headers.append(m)
    if len(headers) < 2:  # one "Date:" line is a document's own, not a mail header block
        return lines[0] if lines else fallback
    subject = next((m.group("value").strip() for m in headers
                    if m.group("field").lower() == "subject"), "")
    rest = lines[len(headers):]
    return subject or (rest[0] if rest else fallback)
