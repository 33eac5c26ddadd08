"""The Admin page's views of a planned change (the diff) and of a quality-gate result."""

from __future__ import annotations

import re

import streamlit as st

from ingest.diff import EntryDiff
from ingest.hooks import GateVerdict
from pages import _ui


def show_diff(changes: EntryDiff, superseded: dict[str, str], warnings: list[str]) -> None:
    counts = changes.counts()
    cols = st.columns(5)
    for col, (label, key) in zip(cols, (("Added", "added"), ("Changed", "updated"),
                                        ("Removed", "removed"), ("Moved", "moved"),
                                        ("Unchanged", "unchanged")), strict=True):
        col.metric(label, counts[key])
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
            right.caption("After (this upload)")
            for name in ("question", "answer"):
                left.markdown(f"*{name.title()}:* " + _ui.md(getattr(c.old, name)))
                right.markdown(f"*{name.title()}:* " + _ui.md(getattr(c.new, name)))
            if "alternates" in c.fields:
                left.markdown("*Alternates:* " + _ui.md("; ".join(c.old.alternates) or "—"))
                right.markdown("*Alternates:* " + _ui.md("; ".join(c.new.alternates) or "—"))
    if changes.added:
        with st.expander(f"Added entries ({len(changes.added)})", expanded=len(changes.added) < 6):
            for e in changes.added:
                st.markdown(f"**{e.id}** — " + _ui.md(e.question))
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
