"""Answer cards and the abstention card, shared by the pages (Ask now; others may reuse them).

Every piece of user or corpus text goes through `md()`, which escapes Markdown so it is shown as
typed: no HTML is ever interpreted (nothing here uses unsafe_allow_html) and no link, image,
LaTeX or Streamlit directive can be smuggled in through a question or a document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from appdb import AppDB
from pages._copy import copy_button
from retrieval.entry import Document, Entry
from retrieval.export import citable_text, export_filename
from retrieval.retriever import Answer, Match

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the ones
# Markdown, GFM, Streamlit's LaTeX ($), colour/icon directives (:…[ ]) and emoji (:…:) use.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")

CONFIDENCE_COLOURS = {
    "Strong match": "green",
    "Likely match": "blue",
    "Several close matches": "orange",
    "Entries about this code": "blue",
    "Entry about this code": "blue",
    "Entries listing this code": "gray",
    "Entry listing this code": "gray",
}
WHERE_NEXT = (
    "**Where to look next:** the patient's payer (your Medicare Administrative Contractor's "
    "LCDs and articles, or the commercial plan's policy) and the full ASTRO Radiation Oncology "
    "Coding Resource."
)
LOGGED = "Your question has been logged so the knowledge base can grow."


# Static styling only (no user or corpus text ever goes in here).
_CSS = """
<style>
div[class*="st-key-example-"] button, div[class*="st-key-open-"] button {
  justify-content: flex-start; text-align: left; }
div[class*="st-key-example-"] button > div, div[class*="st-key-open-"] button > div {
  justify-content: flex-start; width: 100%; }
div[class*="st-key-example-"] button p, div[class*="st-key-open-"] button p { text-align: left; }
[data-testid="stChatMessage"] blockquote {
  opacity: 1; font-size: 1.02rem; line-height: 1.6; margin: 0.25rem 0;
  border-left: 3px solid #1c5d99; padding-left: 0.9rem; }
[data-testid="stChatMessage"] blockquote p { color: #1d2733 !important; }
/* an added entry's answer on the Admin page: as legible as coders will see it */
div[class*="st-key-admin-added-"] blockquote { opacity: 1; border-left: 3px solid #1c5d99; }
div[class*="st-key-admin-added-"] blockquote p { color: #1d2733 !important; }
/* disclaimer and CPT notice: small but dark (#3d4a5c on white is 8.9:1; WCAG AA asks 4.5:1) */
div[class*="st-key-notes-"] p { color: #3d4a5c !important; font-size: 0.875rem; }
/* the one-shot scroll script takes no room */
div[data-testid="stElementContainer"]:has(> div > .radonc-scroll),
div[data-testid="stElementContainer"]:has(.radonc-scroll) { display: none; }
@media (max-width: 640px) { h1 { font-size: 2rem !important; } }
</style>
"""


def style() -> None:
    """The app's few static style rules (left-aligned suggestion buttons, answer quote)."""
    st.html(_CSS)


def md(text: str) -> str:
    """User or corpus text as Markdown that renders to exactly that text.

    Every Markdown character is backslash-escaped; line breaks are kept; indentation is dropped
    (it would make a code block, and HTML collapses it anyway).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "  \n".join(_MD_SPECIAL.sub(r"\\\1", line.lstrip(" \t")) for line in lines)


# a list item's marker, or a table row's cell separator: a line that stands on its own
_ITEM = re.compile(r"^\s*(?:[-*+\u2022\u2013]|\d{1,3}[.)])\s")
# a line opening with a lead-in label ("Reference: …", "Note: …") starts a line of its own
_LEAD = re.compile(r"^\s*[A-Z][a-z]+(?: [a-z]+)?:\s")
_WRAPPED_SOURCES = (".txt", ".text", ".md", ".markdown")
_WRAP_RATIO = 0.75  # as the PDF reader unwraps: a line this near the widest one was wrapped
# plain text wrapped at a fixed width wraps at 100 columns or fewer (72-80 in mail and bulletins);
# a text with longer lines gives each paragraph its own line, and its line breaks are its own
_HARD_WRAP_MAX = 100


def reflowed(text: str, filename: str) -> str:
    """A plain-text or Markdown document's hard-wrapped paragraphs as the reader sees them.

    Those sources wrap prose at a fixed width; the publisher's page shows each paragraph as one
    (Markdown renders a single line break as a space). Lines of a paragraph are joined with a
    space (Markdown: every one; plain text wrapped at 100 columns or fewer: a line nearly as
    wide as the widest, as the PDF reader unwraps; a word broken at "/" or "-" is joined without
    one); blank lines, list items, table rows and lead-in labels ("Reference: …") stay where
    they are. Only spaces change: the words are the entry's, verbatim. Other formats give each
    paragraph one line already, so their line breaks are the document's own."""
    suffix = Path(filename).suffix.lower()
    if suffix not in _WRAPPED_SOURCES:
        return text
    lines = text.split("\n")
    widest = max((len(ln.rstrip()) for ln in lines), default=0)
    if suffix in (".txt", ".text") and widest > _HARD_WRAP_MAX:
        return text
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        if (prev.strip() and line.strip() and not _ITEM.match(line) and not _LEAD.match(line)
                and " | " not in line and " | " not in prev
                and (suffix in (".md", ".markdown")
                     or len(prev.rstrip()) >= _WRAP_RATIO * widest)):
            head = prev.rstrip()
            glue = "" if head.endswith("/") or re.search(r"[^\W\d_]-$", head) else " "
            out[-1] = f"{head}{glue}{line.strip()}"
        else:
            out.append(line)
    return "\n".join(out)


@dataclass
class Turn:
    """One question of the conversation and what came back (kept in session state)."""

    id: str
    question: str
    asked_at: datetime
    answer: Answer | None = None
    warning: str | None = None  # the question could not be searched (QueryError)
    error: str | None = None  # the knowledge base could not be read
    log_id: int | None = None  # QuestionLog row, for feedback
    opened: list[str] = field(default_factory=list)  # suggestions the coder opened
    looked_up: list[str] = field(default_factory=list)  # entries opened from a code look-up
    rating: int | None = None  # thumbs given (kept here: widget state is dropped off-page)


def answer_card(
    m: Match,
    *,
    asked: str,
    kb_version: str,
    when: datetime,
    key: str,
    confidence: str = "",
    read_as: str | None = None,
    label: str | None = None,
    scored: bool = True,
) -> None:
    """One curated entry as a card: question, verbatim answer, codes, source, disclaimer, notice.

    `scored=False` for an entry opened from a listing (a code look-up): no match score to show.
    """
    e, doc = m.entry, m.entry.document
    with st.container(border=True, key=f"card-{key}"):
        head = st.container(horizontal=True, vertical_alignment="center", gap="small")
        if confidence:
            head.badge(
                confidence,
                color=CONFIDENCE_COLOURS.get(confidence, "gray"),  # type: ignore[arg-type]
                icon=":material/verified:" if confidence == "Strong match" else None,
            )
        if label:
            head.badge(label, color="gray", icon=":material/info:")
        st.caption("Matched guidance question" if scored else "Guidance question")
        st.markdown(f"**{md(reflowed(e.question, doc.filename))}**")
        if read_as:
            st.caption(f":material/forum: {md(read_as)}")
        answer = reflowed(e.answer, doc.filename)
        st.markdown("\n".join(f"> {line}" for line in md(answer).split("\n")))
        if e.codes:
            st.markdown(
                "  \n".join(
                    f"**{md(c.code)}**" + (f" — {md(c.descriptor)}" if c.descriptor else "")
                    for c in e.codes
                )
            )
        source = f"**Source:** {md(doc.title)}"
        if doc.publisher or doc.published:
            source += " (" + md(", ".join(x for x in (doc.publisher, doc.published) if x)) + ")"
        st.markdown(source)
        if doc.references:
            st.markdown("\n".join(f"- {md(r)}" for r in doc.references))
        document_notes(doc, key=key)
        st.caption(f"Knowledge base {md(kb_version)}"
                   + (f" · match score {m.score:.2f}" if scored else ""))
        export_bar(
            e,
            asked=asked,
            kb_version=kb_version,
            when=when,
            key=key,
            confidence=confidence,
            read_as=read_as,
        )


def document_notes(doc: Document, *, key: str) -> None:
    """A document's disclaimer and CPT notice, legible: every reply quoting it carries them."""
    with st.container(key=f"notes-{key}", gap="small"):
        disclaimer = reflowed(doc.disclaimer, doc.filename)
        st.markdown(f"**Disclaimer ({md(doc.title)}).** {md(disclaimer)}")
        if doc.notice:
            st.markdown(md(reflowed(doc.notice, doc.filename)))


def export_bar(
    e: Entry,
    *,
    asked: str,
    kb_version: str,
    when: datetime,
    key: str,
    confidence: str = "",
    read_as: str | None = None,
) -> None:
    """Download button and a copyable code block with the citable text of one entry."""
    text = citable_text(
        asked, e, kb_version=kb_version, when=when, confidence=confidence, read_as=read_as
    )
    row = st.container(horizontal=True, vertical_alignment="center", key=f"cite-{key}")
    with row:
        copy_button(text, key=f"copy-{key}")  # visible on any screen (the code box's icon is
        # hover-only)
    row.download_button(
        "Download citation",
        text,
        file_name=export_filename(e, when),
        mime="text/plain",
        icon=":material/download:",
        on_click="ignore",
        key=f"dl-{key}",
    )
    with st.expander("Citation text", icon=":material/format_quote:", key=f"cp-{key}"):
        # a short scrolling box (not ~2,600 px on a phone), to read or select by hand
        st.code(text, language=None, wrap_lines=True, height=260)


def abstention_card(
    answer: Answer,
    *,
    key: str,
    on_open: Callable[[str], None],
    logged: bool = False,
    opened: tuple[str, ...] | list[str] = (),
    covers: str = "",
) -> None:
    """'No matching guidance', why, the closest entries as buttons, and where to look next."""
    with st.container(border=True, key=f"card-{key}"):
        head = st.container(horizontal=True, vertical_alignment="center")
        head.badge("No match", color="gray", icon=":material/search_off:")
        st.markdown("#### No matching guidance in the knowledge base")
        if answer.reason:
            st.markdown(md(answer.reason))
        if covers:
            st.markdown(covers)
        if answer.suggestions:
            st.caption(
                "Closest entries — they do not answer your question as asked; "
                "open one to read it with its source and disclaimer:"
            )
            for s in answer.suggestions:
                shown = s.entry.id in opened
                st.button(
                    md(_short(s.entry.question)) + (" — shown below" if shown else ""),
                    key=f"open-{key}-{s.entry.id}",
                    icon=":material/check_circle:" if shown else ":material/article:",
                    type="primary" if shown else "secondary",
                    help="Shown below — click to go to it" if shown else None,
                    on_click=on_open,
                    args=(s.entry.id,),
                    width="stretch",
                )
        st.markdown(f"{WHERE_NEXT} {LOGGED}" if logged else WHERE_NEXT)


def feedback(turn: Turn, db: AppDB | None, *, entry_id: str | None) -> None:
    """Thumbs up/down (recorded at once) and an optional comment on one answer."""
    if db is None or turn.log_id is None:
        st.caption("Feedback is unavailable right now (the question log could not be written).")
        return
    key = f"fb-{turn.id}"
    row = st.container(horizontal=True, vertical_alignment="center")
    row.caption("Was this helpful?", width="content")
    with row:
        rating = st.feedback(
            "thumbs",
            key=key,
            default=turn.rating,  # after a visit to another page the thumbs stay as given
            on_change=_record_rating,
            args=(db, turn, key, entry_id),
        )
        if rating is not None:  # a clear selected state, in words as well as the filled thumb
            st.badge(
                "Marked helpful" if rating else "Marked not helpful",
                icon=":material/thumb_up:" if rating else ":material/thumb_down:",
                color="green" if rating else "orange",
            )
    if rating is None:
        return
    sent_key = f"{key}-comment-sent"
    if st.session_state.get(sent_key):
        st.caption("Thanks — your comment was sent.")
        return
    with st.form(key=f"{key}-form", border=False, enter_to_submit=True):
        comment = st.text_input(
            "Comment (optional)",
            key=f"{key}-comment",
            max_chars=2000,
            placeholder="What was wrong or missing?",
        )
        if st.form_submit_button("Send comment") and comment.strip():
            db.record_feedback(turn.log_id, int(rating), entry_id, comment.strip())
            st.session_state[sent_key] = True
            st.rerun()


def _record_rating(db: AppDB, turn: Turn, key: str, entry_id: str | None) -> None:
    rating = st.session_state.get(key)
    turn.rating = None if rating is None else int(rating)
    if turn.rating is not None and turn.log_id is not None:
        db.record_feedback(turn.log_id, turn.rating, entry_id)


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def now() -> datetime:
    return datetime.now(UTC)
