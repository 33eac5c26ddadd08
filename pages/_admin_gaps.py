"""The Admin page's Gaps tab: what coders asked that the knowledge base did not answer."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from admin import gaps as gap_report
from admin.loop import attach_alternate, gaps_set, mark_out_of_scope
from evals.sets import read_jsonl
from pages._shared import Resources
from retrieval.errors import RadoncQAError

LOOP_FLASH = "admin_loop_flash"


def out_of_scope_set(res: Resources) -> Path:
    """Questions marked out of scope: an eval set under the data dir, never in the code."""
    return gaps_set(res.settings.data_dir)


@st.cache_data(show_spinner="Grouping similar questions…", ttl=300)
def _clusters(_res: Resources, db_url: str, n_questions: int,
              similarity: float) -> list[gap_report.GapCluster]:
    """Cached by database, question count and similarity (`_res` is not hashed)."""
    assert _res.db is not None
    return gap_report.gap_clusters(_res.db, _res.retriever.embedder, similarity)


def close_the_loop(res: Resources, question: str, key: str) -> None:
    """Attach a coder's wording to an entry as an alternate, or mark it out of scope."""
    manifest = res.retriever.index().manifest
    strong = None
    try:
        guess = res.retriever.ask(question)
        ranked = [m.entry.id for m in (guess.results or guess.suggestions)]
        if not guess.abstained and guess.top is not None and guess.confidence == "Strong match":
            strong = guess.top.entry.id  # only then is one click safe
    except RadoncQAError:
        ranked = []
    ids = ranked + [e.id for e in manifest.entries if e.id not in ranked]
    by_id = {e.id: e for e in manifest.entries}
    if LOOP_FLASH in st.session_state:
        st.success(st.session_state.pop(LOOP_FLASH), icon=":material/check_circle:")
    if strong is None:
        st.caption("No entry is a strong match for this question: choose the one that answers "
                   "it (closest first), or mark it out of scope.")
    choice = st.selectbox("Entry that answers it", ids,
                          index=ids.index(strong) if strong else None,
                          placeholder="Choose the entry that answers it",
                          key=f"{key}-entry-{abs(hash(question))}",  # per question, no carry-over
                          format_func=lambda i: f"{i} — {by_id[i].question[:90]}")
    a, b = st.columns(2)
    if a.button("Attach as alternate phrasing", key=f"{key}-attach", disabled=choice is None):
        try:
            path = attach_alternate(res.retriever.store, res.settings.corpus_dir, str(choice),
                                    question, res.settings.alternates_dir)
        except RadoncQAError as e:
            st.error(str(e))
        else:  # rerun, so the Documents tab (drawn before this one) shows the pending change
            st.session_state[LOOP_FLASH] = (
                f"Written to `{path.name}` in the data folder's alternates. The Documents tab "
                "shows it as a change: activate it there to use it.")
            st.rerun()
    if b.button("Mark out of scope", key=f"{key}-oos"):
        target = out_of_scope_set(res)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            rid = mark_out_of_scope(question, target)
        except (RadoncQAError, ValueError, OSError) as e:
            st.error(str(e))
        else:
            st.session_state[LOOP_FLASH] = (f"Added to the eval set {target.name} under the "
                                            f"data folder as {rid} (expected: abstain).")
            st.rerun()


@st.cache_data(show_spinner=False, ttl=300)
def _answered_now(_res: Resources, kb_version: str, questions: tuple[str, ...]
                  ) -> frozenset[str]:
    """The questions the active knowledge base now answers (gaps a new version closed)."""
    out = set()
    for q in questions:
        try:
            if not _res.retriever.ask(q).abstained:
                out.add(q)
        except RadoncQAError:
            pass
    return frozenset(out)


def resolved(res: Resources, questions: list[str]) -> set[str]:
    """Gap questions already dealt with: answered now, or marked out of scope."""
    def norm(q: str) -> str:
        return " ".join(q.lower().split())

    version = str(res.retriever.store.active_version())
    done = {norm(q) for q in _answered_now(res, version, tuple(questions))}
    oos = out_of_scope_set(res)
    if oos.is_file():
        try:
            done |= {norm(r.question) for r in read_jsonl(oos)}
        except RadoncQAError:
            pass
    return {q for q in questions if norm(q) in done}


def draw(res: Resources) -> None:
    """The Gaps tab: questions per day, unanswered and unhelpful ones, and closing the loop."""
    db = res.db
    if db is None:
        st.warning("The app database is unavailable, so there is no question log to show.")
    else:
        per_day = gap_report.questions_per_day(db)
        st.subheader("Questions per day")
        if per_day:
            import plotly.graph_objects as go

            fig = go.Figure([
                go.Bar(x=[d for d, _, _ in per_day], y=[t - g for _, t, g in per_day],
                       name="answered", marker_color="#1c5d99"),
                go.Bar(x=[d for d, _, _ in per_day], y=[g for _, _, g in per_day],
                       name="no matching guidance", marker_color="#d9822b"),
            ])
            fig.update_layout(barmode="stack", height=260, margin={"l": 0, "r": 0, "t": 10,
                                                                   "b": 0},
                              legend={"orientation": "h", "y": -0.25},
                              # days, not midnights: no "00:00:00" under each bar
                              xaxis={"type": "date", "tickformat": "%d %b", "dtick": 86400000})
            fig.update_yaxes(automargin=True)
            st.plotly_chart(fig, width="stretch", config={"displayModeBar": False})
            st.download_button("Questions per day (CSV)", gap_report.per_day_csv(per_day),
                               "questions-per-day.csv", "text/csv", key="admin_csv_days")
        else:
            st.caption("No questions logged yet.")

        st.subheader("Most frequent unanswered questions")
        similarity = st.slider("Group wordings at similarity", 0.5, 0.95,
                               gap_report.DEFAULT_SIMILARITY, 0.01, key="admin_similarity")
        clusters = _clusters(res, db.url, gap_report.question_count(db), similarity)
        done = resolved(res, [c.question for c in clusters[:100]])
        clusters = [c for c in clusters if c.question not in done]  # resolved: off the list
        if clusters:
            st.dataframe([{"times asked": c.count, "question": c.question,
                           "other wordings": " | ".join(w for w, _ in c.wordings[1:]),
                           "last asked": c.last_asked} for c in clusters[:50]],
                         hide_index=True, width="stretch")
            st.download_button("Unanswered questions (CSV)", gap_report.gaps_csv(clusters),
                               "unanswered-questions.csv", "text/csv", key="admin_csv_gaps")
        else:
            st.caption("No abstentions logged yet.")

        st.subheader("Answers marked unhelpful")
        downs = gap_report.thumbs_down(db)
        if downs:
            st.dataframe([{"asked": d.asked_at, "question": d.question, "entry": d.entry_id,
                           "comment": d.comment or ""} for d in downs], hide_index=True,
                         width="stretch")
            st.download_button("Thumbs-down answers (CSV)", gap_report.thumbs_down_csv(downs),
                               "thumbs-down.csv", "text/csv", key="admin_csv_down")
        else:
            st.caption("No thumbs-down yet.")

        options = [c.question for c in clusters[:50]] + [
            d.question for d in downs if d.question not in {c.question for c in clusters[:50]}]
        if options:
            st.subheader("Close the loop")
            picked = st.selectbox("Coder's question", options, key="admin_loop_question")
            close_the_loop(res, picked, "admin_loop")
