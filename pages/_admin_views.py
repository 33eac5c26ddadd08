"""The Admin page's views of a planned change (the diff) and of a quality-gate result."""

from __future__ import annotations

import difflib
import re
from typing import Any

import streamlit as st

from ingest.diff import EntryDiff
from ingest.hooks import GateVerdict
from ingest.refusals import CorpusRefused, refused_items
from pages import _ui
from retrieval.errors import CorpusError


def _marked(old: str, new: str) -> tuple[str, str]:
    """Both texts as Markdown with the words that differ highlighted (the rest escaped)."""
    a, b = old.split(), new.split()
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        olds, news = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if op == "equal":
            left.append(_ui.md(olds))
            right.append(_ui.md(news))
            continue
        if olds:
            left.append(f":red-background[{_ui.md(olds)}]")
        if news:
            right.append(f":green-background[{_ui.md(news)}]")
    return " ".join(left), " ".join(right)


def show_diff(changes: EntryDiff, superseded: dict[str, str], warnings: list[str], *,
              after: str = "this upload", documents: dict[str, Any] | None = None) -> None:
    """Counts, then each change side by side (changed words highlighted), added entries with
    the answer and disclaimer coders will see, removed and moved ones; `after` names the
    source of the new side (an upload, or the corpus folder)."""
    counts = changes.counts()
    # a wrapping row, not five columns: a phone shows the counts side by side, not 500 px tall
    row = st.container(horizontal=True, gap="medium", key="admin-diff-counts")
    for label, key in (("Added", "added"), ("Changed", "updated"), ("Removed", "removed"),
                       ("Moved", "moved"), ("Unchanged", "unchanged")):
        row.metric(label, counts[key], width="content")
    for w in warnings:
        st.warning(w, icon=":material/warning:")
    if superseded:
        st.info("Superseded (no longer served): " + ", ".join(
            f"{old} by {doc}" for old, doc in superseded.items()))
    for c in changes.changed:
        with st.container(border=True,
                          key=f"admin-change-{re.sub(r'[^A-Za-z0-9_-]', '-', c.new.id)}"):
            renamed = f" (was {c.old.id})" if c.old.id != c.new.id else ""
            st.markdown(f"**Changed {c.new.id}**{renamed} — {', '.join(c.fields)}")
            left, right = st.columns(2)
            left.caption("Before (active)")
            right.caption(f"After ({after})")
            for name in ("question", "answer"):
                was, now = _marked(getattr(c.old, name), getattr(c.new, name))
                left.markdown(f"*{name.title()}:* " + was)
                right.markdown(f"*{name.title()}:* " + now)
            if "alternates" in c.fields:
                left.markdown("*Alternates:* " + _ui.md("; ".join(c.old.alternates) or "—"))
                right.markdown("*Alternates:* " + _ui.md("; ".join(c.new.alternates) or "—"))
    if changes.added:
        with st.expander(f"Added entries ({len(changes.added)})", expanded=len(changes.added) < 6):
            for e in changes.added:  # what coders will read, with the disclaimer they will see
                with st.container(border=True,
                                  key=f"admin-added-{re.sub(r'[^A-Za-z0-9_-]', '-', e.id)}"):
                    st.markdown(f"**{e.id}** — " + _ui.md(e.question))
                    st.markdown("\n".join(f"> {line}" for line in _ui.md(e.answer).split("\n")))
                    doc = (documents or {}).get(e.document.name, e.document)
                    _ui.document_notes(doc, key=f"admin-added-{e.id}")
    if changes.removed:
        with st.expander(f"Removed entries ({len(changes.removed)})", expanded=True):
            for e in changes.removed:
                st.markdown(f"**{e.id}** — " + _ui.md(e.question))
    if changes.moved:
        with st.expander(f"Moved entries, same text ({len(changes.moved)})"):
            for c in changes.moved:
                st.markdown(f"{c.old.id} → **{c.new.id}**")


def show_gate(g: GateVerdict) -> None:
    if g.passed:
        st.success(f"Quality gate passed on {g.rows} eval rows ({g.skipped} about other "
                   "documents skipped).", icon=":material/verified:")
        return
    st.error("**Quality gate failed — the new version was not activated.** "
             + "; ".join(g.failures), icon=":material/gpp_bad:")
    rows = g.broken_rows or g.wrong_rows
    label = "Rows that broke (right before, wrong now)" if g.broken_rows else "Rows wrong now"
    st.markdown(f"**{label}:**")
    st.dataframe([{"set": r["set"], "id": r["id"], "question": r["question"],
                   "expected": ", ".join(r["expected"]) or "abstain",
                   "got": "abstained" if r["abstained"] else ", ".join(r["got"])}
                  for r in rows], hide_index=True, width="stretch")


def show_refused(e: CorpusError, head: str) -> None:
    """Every refused file in one alert: file and line, what is wrong, what to fix."""
    if not isinstance(e, CorpusRefused) and e.served is None:  # not about one document
        st.error(f"**{head}** {_ui.md(str(e))}", icon=":material/error:")
        return
    parts = [f"**{head}**", _ui.md(e.head) if isinstance(e, CorpusRefused) else
             "1 file was refused; nothing was built and the active version is unchanged."]
    rows = []
    for r in refused_items(e):
        where = f"{r.path.name}, line {r.line}" if r.line is not None else r.path.name
        served = " (*served by the active version*)" if r.served else ""
        rows.append(f"- **{_ui.md(where)}**{served}: {_ui.md(r.problem)}  \n"
                    f"  *Fix:* {_ui.md(r.hint)}")
    parts.append("\n".join(rows))
    if isinstance(e, CorpusRefused) and e.tail:
        parts.append(_ui.md(e.tail))
    st.error("\n\n".join(parts), icon=":material/error:")
