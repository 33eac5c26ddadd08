"""Conversation pieces of the Ask page: small-talk replies, clarifying choices, code look-ups.

Clarifying choices follow a two-stage fallback: the candidates as buttons plus "None of these"
(stage one); "None of these" asks the coder to rephrase (stage two). Choosing a candidate shows
its answer card (with its disclaimer) through the page's own card function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from pages._ui import Turn, answer_card, document_notes, md
from retrieval.clarify import NONE_OF_THESE, REPHRASE
from retrieval.index import KBIndex
from retrieval.lookup import Lookup, gist
from retrieval.retriever import Answer, Match

_CSS = """
<style>
div[class*="st-key-choose-"] button, div[class*="st-key-lkentry-"] button {
  justify-content: flex-start; text-align: left; }
div[class*="st-key-choose-"] button > div, div[class*="st-key-lkentry-"] button > div {
  justify-content: flex-start; width: 100%; }
div[class*="st-key-choose-"] button p, div[class*="st-key-lkentry-"] button p {
  text-align: left; }
</style>
"""


def as_context(turn: Turn) -> str:
    """An earlier turn as conversation context (after a clarifying choice: the chosen entry)."""
    a = turn.answer
    if a is not None and a.clarify and turn.opened:
        chosen = {m.entry.id: m.entry for m in a.results}.get(turn.opened[-1])
        if chosen is not None:
            return gist(chosen.question)
    return turn.question


def is_small_talk(a: Answer) -> bool:
    """Thanks, an acknowledgement, a greeting or a closing (retrieval/turns.py): no card, no gap."""
    return a.turn == "small_talk"


def small_talk_block(a: Answer, *, key: str) -> None:
    """The short friendly reply to small talk: plain text, no answer card, no feedback."""
    with st.container(key=f"small-talk-{key}"):
        st.markdown(md(a.reply))


def rephrase_key(turn_id: str) -> str:
    return f"rephrase-{turn_id}"


def clarify_block(
    a: Answer,
    *,
    key: str,
    chosen: list[str],
    on_choose: Callable[[str], None],
) -> None:
    """Stage one: "which one do you mean?" with a button per candidate entry and "None of these"."""
    st.html(_CSS)
    with st.container(border=True, key=f"clarify-{key}"):
        head = st.container(horizontal=True, vertical_alignment="center")
        head.badge(a.confidence or "Several close matches", color="orange", icon=":material/help:")
        st.markdown(f"**{md(a.clarify_prompt.split(' (or ')[0])}**")
        for m in a.results:
            picked = m.entry.id in chosen
            st.button(
                md(gist(m.entry.question)),
                key=f"choose-{key}-{m.entry.id}",
                icon=":material/check_circle:" if picked else ":material/article:",
                type="primary" if picked else "secondary",
                on_click=on_choose,
                args=(m.entry.id,),
                width="stretch",
            )
        st.button(
            NONE_OF_THESE,
            key=f"choose-{key}-none",
            icon=":material/edit:",
            on_click=_none_of_these,
            args=(key,),
        )
        if st.session_state.get(rephrase_key(key)):
            st.info(md(REPHRASE), icon=":material/edit_note:")


def _none_of_these(key: str) -> None:
    st.session_state[rephrase_key(key)] = True


def lookup_open_key(key: str, code: str, entry_id: str) -> str:
    return f"lkentry-{key}-{code}-{entry_id}"


def lookup_block(
    lk: Lookup,
    *,
    key: str,
    titles: Mapping[str, str],
    opened: list[str],
    on_open: Callable[[str], None],
) -> None:
    """A code look-up as a labelled listing: codes, the documents' descriptors, the entries.

    Each entry is named by its question and its document's title (`titles`, by entry id; never
    the internal id) and is a button that opens its card. An entry no longer in the knowledge
    base (it changed since) is listed without a button.
    """
    st.html(_CSS)
    with st.container(border=True, key=f"lookup-{key}"):
        head = st.container(horizontal=True, vertical_alignment="center")
        head.badge("Code look-up", color="violet", icon=":material/list_alt:")
        st.markdown(f"**{md(lk.summary())}**")
        st.caption(md(lk.label))
        for c in lk.codes:
            if not c.covered:
                st.markdown(f"**{md(c.code)}** — not covered by the knowledge base")
                continue
            descs = "; ".join(f"“{md(d)}” ({md(doc)})" for d, doc in c.descriptors)
            st.markdown(f"**{md(c.code)}** — {descs or 'no descriptor given in the documents'}")
            n = len(c.entries)
            st.caption(f"Mentioned in {n} entr{'y' if n == 1 else 'ies'} — open one to read it "
                       "with its source and disclaimer:")
            for eid, question in c.entries:
                title = titles.get(eid)
                if title is None:
                    st.markdown(f"- {md(question)}")
                    continue
                shown = eid in opened
                st.button(
                    f"{md(question)} — *{md(title)}*" + (" — shown below" if shown else ""),
                    key=lookup_open_key(key, c.code, eid),
                    icon=":material/check_circle:" if shown else ":material/article:",
                    type="primary" if shown else "secondary",
                    on_click=on_open,
                    args=(eid,),
                    width="stretch",
                )


def lookup_reply(turn: Turn, index: KBIndex, *, on_open: Callable[[str], None]) -> None:
    """A code look-up reply: the listing (entries by question and title), the disclaimer and
    notice of every document it quotes, and the card of each entry the coder opened from it."""
    a = turn.answer
    assert a is not None and a.lookup is not None
    listed = {i for c in a.lookup.codes for i, _ in c.entries}
    entries = {i: index.entries[index.position[i]] for i in listed if i in index.position}
    lookup_block(a.lookup, key=turn.id, titles={i: e.document.title for i, e in entries.items()},
                 opened=turn.looked_up, on_open=on_open)
    names = {i.rsplit(":", 1)[0] for i in listed}
    titles = {t for c in a.lookup.codes for _, t in c.descriptors}
    for d in index.manifest.documents.values():
        if d.name in names or d.title in titles:
            document_notes(d, key=f"{turn.id}-{d.name}")
    for eid in turn.looked_up:
        if eid in entries:
            answer_card(Match(entries[eid], 0.0), asked=a.query, kb_version=index.version,
                        when=turn.asked_at, key=f"{turn.id}-lk-{eid}",
                        label="From the code look-up", scored=False)
