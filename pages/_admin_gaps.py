"""The Admin page's Gaps tab: what coders asked that the knowledge base did not answer."""

from __future__ import annotations

import streamlit as st

from admin import gaps as gap_report
from admin.loop import attach_alternate, mark_out_of_scope
from pages._shared import Resources
from retrieval.errors import RadoncQAError


@st.cache_data(show_spinner="Grouping similar questions…", ttl=300)
def _clusters(_res: Resources, db_url: str, n_questions: int,
              similarity: float) -> list[gap_report.GapCluster]:
    """Cached by database, question count and similarity (`_res` is not hashed)."""
    assert _res.db is not None
    return gap_report.gap_clusters(_res.db, _res.retriever.embedder, similarity)


def close_the_loop(res: Resources, question: str, key: str) -> None:
    """Attach a coder's wording to an entry as an alternate, or mark it out of scope."""
    manifest = res.retriever.index().manifest
    try:
        guess = res.retriever.ask(question)
        ranked = [m.entry.id for m in (guess.results or guess.suggestions)]
    except RadoncQAError:
        ranked = []
    ids = ranked + [e.id for e in manifest.entries if e.id not in ranked]
    by_id = {e.id: e for e in manifest.entries}
    choice = st.selectbox("Entry that answers it", ids, key=f"{key}-entry",
                          format_func=lambda i: f"{i} — {by_id[i].question[:90]}")
    a, b = st.columns(2)
    if a.button("Attach as alternate phrasing", key=f"{key}-attach"):
        try:
            path = attach_alternate(res.retriever.store, res.settings.corpus_dir, choice,
                                    question)
        except RadoncQAError as e:
            st.error(str(e))
        else:
            st.success(f"Written to `{path.name}` beside the document. Re-ingest the corpus "
                       "folder (Documents tab) to use it.")
    if b.button("Mark out of scope", key=f"{key}-oos"):
        try:
            rid = mark_out_of_scope(question)
        except (RadoncQAError, ValueError) as e:
            st.error(str(e))
        else:
            st.success(f"Added to the eval set gaps-out-of-scope.jsonl as {rid} (expected: "
                       "abstain).")


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
                              legend={"orientation": "h"})
            st.plotly_chart(fig, width="stretch")
            st.download_button("Questions per day (CSV)", gap_report.per_day_csv(per_day),
                               "questions-per-day.csv", "text/csv", key="admin_csv_days")
        else:
            st.caption("No questions logged yet.")

        st.subheader("Most frequent unanswered questions")
        similarity = st.slider("Group wordings at similarity", 0.5, 0.95,
                               gap_report.DEFAULT_SIMILARITY, 0.01, key="admin_similarity")
        clusters = _clusters(res, db.url, gap_report.question_count(db), similarity)
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
