"""Ask: the chat where coders ask in their own words and get verbatim curated answers."""

from __future__ import annotations

import time
from uuid import uuid4

import streamlit as st

from pages import _conversation, _scroll, _shared, _ui
from retrieval.errors import QueryError, RadoncQAError
from retrieval.retriever import Answer, Match

EXAMPLES = (
    "Can we bill 77370 after the patient finished radiation?",
    "Can the physician's request for a special physics consult be a check box?",
    "Can weekly physics chart checks be done remotely?",
    "Does a physicist have to be onsite during SBRT?",
)
TURNS = "ask_turns"
PENDING = "ask_pending"
SCROLL = "ask_scroll_to"  # key of the element to bring into view once this run is drawn
UNDO = "ask_cleared_turns"  # the conversation "New conversation" cleared, until the next question
USER, ASSISTANT = ":material/person:", ":material/menu_book:"

_ui.style()
res = _shared.current_or_stop()  # app.py has loaded them; this also guards a KB gone since
facts = _shared.kb_facts(res)


def turns() -> list[_ui.Turn]:
    return st.session_state.setdefault(TURNS, [])


def ask_later(question: str) -> None:
    """Queue a question (example buttons); it is asked on this rerun."""
    st.session_state[PENDING] = question


def new_conversation() -> None:
    """Clear the conversation, keeping it one step for "Undo" (thumbs are kept on the turns)."""
    st.session_state[UNDO] = turns()
    st.session_state[TURNS] = []


def undo_new_conversation() -> None:
    st.session_state[TURNS] = st.session_state.pop(UNDO, [])


def scroll_to(key: str) -> None:
    st.session_state[SCROLL] = key


def ask(question: str, turn_id: str) -> _ui.Turn:
    """Answer one question, keep it in the conversation and log it (logging never fails)."""
    turn = _ui.Turn(id=turn_id, question=question, asked_at=_ui.now())
    context = [_conversation.as_context(t) for t in turns() if t.answer is not None]
    started = time.perf_counter()
    try:
        turn.answer = res.retriever.ask(question, context=context)
    except QueryError as e:
        turn.warning = str(e)
    except RadoncQAError as e:
        turn.error = str(e)
    latency_ms = (time.perf_counter() - started) * 1000
    a = turn.answer
    # small talk ("thanks, that helps") is no coding question: not logged, so never a gap
    if a is not None and res.db is not None and not _conversation.is_small_talk(a):
        try:
            turn.log_id = res.db.log_question(
                session_id=_shared.session_id(),
                question=a.query,
                kb_version=a.kb_version,
                top_entry=a.top.entry.id if a.top else None,
                top_score=a.top.score if a.top else None,
                abstained=is_gap(a),
                read_as=a.read_as,
                latency_ms=round(latency_ms, 1),
            )
        except Exception:  # the chat goes on without its log
            turn.log_id = None
    turns().append(turn)
    return turn


def is_gap(a: Answer) -> bool:
    """Logged as a knowledge-base gap: an abstention, not a look-up that listed its codes.

    (Answered small talk, once the conversation work adds it, is not a gap either.)"""
    answered_by_lookup = a.lookup is not None and any(c.covered for c in a.lookup.codes)
    return a.abstained and not answered_by_lookup


def open_suggestion(turn: _ui.Turn, entry_id: str) -> None:
    """Show an entry's card (a closest entry or a choice) and bring it into view."""
    if entry_id not in turn.opened:
        turn.opened.append(entry_id)
    scroll_to(f"card-{turn.id}-{entry_id}")


def render_turn(turn: _ui.Turn) -> None:
    """The coder's question and what came back; other pages/issues may call this."""
    with st.container(key=f"turn-{turn.id}"):
        render_question(turn.question)
        with st.chat_message("assistant", avatar=ASSISTANT):
            render_reply(turn)


def render_question(question: str) -> None:
    with st.chat_message("user", avatar=USER):
        st.markdown(_ui.md(question))


def render_reply(turn: _ui.Turn) -> None:
    """Inside the assistant's message: a warning, an error, or the answer/abstention cards."""
    if turn.warning:
        st.warning(_ui.md(turn.warning), icon=":material/edit_note:")
    elif turn.error or turn.answer is None:
        st.error(
            f"**The knowledge base could not be read.** {_ui.md(turn.error or '')}",
            icon=":material/error:",
        )
    else:
        render_answer(turn)


def render_answer(turn: _ui.Turn) -> None:
    a = turn.answer
    assert a is not None
    if _conversation.is_small_talk(a):  # a short reply, no answer card
        _conversation.small_talk_block(a, key=turn.id)
        return
    if a.lookup is not None:  # "what is 77336?": the KB's own listing of the code(s)
        render_lookup(turn)
        if a.abstained and any(c.covered for c in a.lookup.codes):
            _ui.feedback(turn, res.db, entry_id=None)
            return  # "codes for physics consults": the listing is the answer
    if a.abstained:
        _ui.abstention_card(
            a,
            key=turn.id,
            on_open=lambda eid: open_suggestion(turn, eid),
            logged=turn.log_id is not None,
            opened=turn.opened,
            covers=covers(),
        )
        _ui.feedback(turn, res.db, entry_id=None)
        opened_cards(turn, a.suggestions, "Closest entry — not a match for your question")
        return
    if a.clarify:  # several entries answer: ask which one is meant, show the chosen card
        render_choice(turn)
        return
    top, *others = a.results
    _ui.answer_card(
        top,
        asked=a.query,
        kb_version=a.kb_version,
        when=turn.asked_at,
        key=turn.id,
        confidence=a.confidence,
        read_as=a.read_as,
    )
    if others:
        with st.expander(f"Other possible matches ({len(others)})", expanded=False):
            for m in others:
                _ui.answer_card(
                    m,
                    asked=a.query,
                    kb_version=a.kb_version,
                    when=turn.asked_at,
                    key=f"{turn.id}-{m.entry.id}",
                    read_as=a.read_as,
                )
    _ui.feedback(turn, res.db, entry_id=top.entry.id)


NAMED_DOCUMENTS = 3  # more titles than this read as a wall of text: the sidebar lists them all


def covers() -> str:
    """What the knowledge base covers, for a reply that found nothing."""
    titles = facts.documents
    if len(titles) > NAMED_DOCUMENTS:
        return (f"The knowledge base covers {facts.entries} questions from {len(titles)} "
                "documents, listed under Knowledge base in the sidebar.")
    docs = ", ".join(_ui.md(t) for t in titles)
    return f"The knowledge base covers {facts.entries} questions from {docs}."


def render_lookup(turn: _ui.Turn) -> None:
    """A code look-up: the listing, its documents' notes, the cards the coder opened from it."""
    _conversation.lookup_reply(turn, res.retriever.index(),
                               on_open=lambda eid: open_looked_up(turn, eid))


def open_looked_up(turn: _ui.Turn, entry_id: str) -> None:
    """Show the card of an entry listed by a code look-up and bring it into view."""
    if entry_id not in turn.looked_up:
        turn.looked_up.append(entry_id)
    scroll_to(f"card-{turn.id}-lk-{entry_id}")


def opened_cards(turn: _ui.Turn, matches: tuple[Match, ...], label: str,
                 read_as: str | None = None) -> None:
    """The cards of the entries the coder opened from a list (suggestions or choices)."""
    a = turn.answer
    assert a is not None
    by_id = {m.entry.id: m for m in matches}
    for eid in turn.opened:
        if eid in by_id:
            _ui.answer_card(
                by_id[eid],
                asked=a.query,
                kb_version=a.kb_version,
                when=turn.asked_at,
                key=f"{turn.id}-{eid}",
                label=label,
                read_as=read_as,
            )


def render_choice(turn: _ui.Turn) -> None:
    a = turn.answer
    assert a is not None
    _conversation.clarify_block(
        a, key=turn.id, chosen=turn.opened, on_choose=lambda eid: open_suggestion(turn, eid)
    )
    opened_cards(turn, a.results, "Your choice", read_as=a.read_as)
    if turn.opened:  # "was this helpful?" only once there is an answer to judge
        _ui.feedback(turn, res.db, entry_id=turn.opened[-1])


# --- input ---------------------------------------------------------------------------------
# max_chars is generous on purpose: a too-long question gets the explanation from QueryError
# (ask it in under 2,000 characters) instead of being silently cut by the input box.
typed = st.chat_input("Ask a coding question…", max_chars=10_000)
question = typed if typed is not None else st.session_state.pop(PENDING, None)

# --- sidebar -------------------------------------------------------------------------------
with st.sidebar:
    st.button(
        "New conversation",
        icon=":material/add_comment:",
        on_click=new_conversation,
        type="primary",
        width="stretch",
        disabled=not turns() and question is None,
    )
    if question is not None:
        st.session_state.pop(UNDO, None)  # a new question starts the new conversation for good
    elif st.session_state.get(UNDO):
        st.button(
            "Undo: bring the conversation back",
            icon=":material/undo:",
            on_click=undo_new_conversation,
            width="stretch",
            key="undo-new-conversation",
        )
    st.subheader("Knowledge base")
    for title in facts.documents:
        st.markdown(f":material/description: {_ui.md(title)}")
    st.caption(
        f"{facts.entries} entries · {len(facts.documents)} document"
        f"{'s' if len(facts.documents) != 1 else ''}"
    )
    st.caption(f"Version {_ui.md(facts.version)}")
    if facts.updated:
        st.caption(f"Last ingest {facts.updated:%d %b %Y, %H:%M} UTC")
    if res.db is None:
        st.warning("Questions are not being logged: the app database is unavailable.")

# --- conversation --------------------------------------------------------------------------
if not turns() and question is None:
    if st.session_state.get(UNDO):  # also here: on a phone the sidebar is folded away
        with st.container(horizontal=True, vertical_alignment="center", key="undo-bar"):
            st.caption("The conversation was cleared.", width="content")
            st.button("Undo", icon=":material/undo:", on_click=undo_new_conversation,
                      key="undo-new-conversation-main")
    st.title("Radiation Oncology Coding Q&A")
    st.markdown(
        "Ask a radiation-oncology CPT® coding question in your own words. Answers are the "
        "**verbatim** curated guidance of the source — never generated — with its references, "
        "disclaimer and CPT notice attached. When nothing answers your question, it says so."
    )
    docs = ", ".join(_ui.md(t) for t in facts.documents)
    st.caption(f"Covers {facts.entries} questions from {docs} · version {_ui.md(facts.version)}")
    st.markdown("**Try one of these**")
    for i, ex in enumerate(EXAMPLES):
        st.button(
            ex,
            key=f"example-{i}",
            on_click=ask_later,
            args=(ex,),
            icon=":material/arrow_forward:",
            width="stretch",
        )
else:
    for t in turns():
        render_turn(t)
    if question is not None:  # the new question shows at once; its answer is drawn below it
        tid = uuid4().hex[:12]
        with st.container(key=f"turn-{tid}"):
            render_question(question)
            with st.chat_message("assistant", avatar=ASSISTANT):
                with st.spinner("Searching the curated guidance…"):
                    new = ask(question, tid)
                render_reply(new)
        scroll_to(f"turn-{tid}")  # the new turn starts at the top of the view, answer first

if SCROLL in st.session_state:
    _scroll.scroll_into_view(st.session_state.pop(SCROLL), nonce=uuid4().hex[:8])
