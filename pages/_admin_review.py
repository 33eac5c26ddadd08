"""Admin page parts: eval rows held for review by the quality gate, and removing a document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from admin.review import ReviewBook, ReviewItem
from ingest.remove import remove_document
from pages._ui import md
from retrieval.settings import Settings

SHOWN = 3  # review cards shown before the rest are folded into an expander


def review_section(settings: Settings, actor: str) -> None:
    """Out-of-scope eval rows new guidance answers: accept as in scope, or keep out."""
    book = ReviewBook(settings.data_dir / "evals")
    pending = book.pending()
    if not pending:
        return
    st.divider()
    st.subheader(f"Eval rows for review ({len(pending)})")
    st.caption("Rows written as out of scope that new or changed guidance now answers, or rows "
               "a new entry now competes for. Accept and the quality gate counts that entry as "
               "right for the row from now on; keep the row as written and that answer counts "
               f"as wrong. Decisions go to `{book.reviewed_path}`.")
    for item in pending[:SHOWN]:
        review_card(book, item, actor)
    if len(pending) > SHOWN:  # a long list would push the rest of the tab screens away
        with st.expander(f"{len(pending) - SHOWN} more rows for review"):
            for item in pending[SHOWN:]:
                review_card(book, item, actor)


def review_card(book: ReviewBook, item: ReviewItem, actor: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{md(item.question)}**  \n→ `{item.entry}` {md(item.entry_question)}")
        st.caption(f"{md(item.set)} · row {md(item.id)}")
        left, right = st.columns(2)
        if left.button("Accept this answer", key=f"admin_accept_{item.id}"):
            book.decide(item.id, in_scope=True, by=actor)
            st.rerun()
        if right.button("Keep the row as written", key=f"admin_keep_{item.id}"):
            book.decide(item.id, in_scope=False, by=actor)
            st.rerun()


def remove_section(settings: Settings, res: Any, active: str | None,
                   activate: Callable[..., Any]) -> None:
    """Take a document out of the knowledge base (its files are moved aside, not deleted)."""
    names = sorted(res.retriever.index().manifest.documents) if active else []
    if len(names) < 2:
        return
    st.divider()
    st.subheader("Remove a document")
    stem = st.selectbox("Document", names, index=None, key="admin_remove_doc",
                        placeholder="Choose a document")
    aside = settings.data_dir / "corpus-aside"
    sure = st.checkbox("Its entries leave the knowledge base; their ids will say “removed in "
                       f"version …”. Its files move to `{aside}`.", key="admin_remove_sure")
    if st.button("Remove and activate", disabled=stem is None or not sure,
                 key="admin_remove_go"):
        activate(settings.corpus_dir, "", "remove", build=lambda store, embedder, corpus, **kw:
                 remove_document(store, embedder, corpus, str(stem), aside, **kw)[0])
