"""Admin: upload guidance, see the diff, activate (quality-gated), roll back, and review gaps.

Nothing below the password form is drawn until the admin has signed in. The logic lives in
`ingest.*`; this page only draws and calls it.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import streamlit as st

from ingest import gaps as gap_report
from ingest import upload
from ingest.auth import HOW_TO_SET, SECRETS_KEY, AdminAuth, AdminAuthError, configured_hash
from ingest.build import IngestReport, ingest
from ingest.diff import EntryDiff
from ingest.gate import GateResult, QualityGate, QualityGateFailed
from ingest.history import activation_history, corpus_note, rollback
from ingest.loop import attach_alternate, mark_out_of_scope
from ingest.remove import remove_document
from ingest.review import ReviewBook
from pages import _shared, _ui
from retrieval.embedding import HashingEmbedder
from retrieval.errors import CorpusError, IngestBusy, RadoncQAError

SIGNED_IN = "admin_signed_in_at"
SESSION_HOURS = 4
STAGED = "admin_staged"
FLASH = "admin_flash"
VERSIONS_FLASH = "admin_versions_flash"
ACTOR = "admin (web)"

res = _shared.current()
settings = res.settings
store = res.retriever.store


# --- access ----------------------------------------------------------------------------------
def _password_hash() -> str | None:
    found = configured_hash(os.environ, Path.cwd() / ".streamlit" / "secrets.toml")
    if found:
        return found
    try:
        value = st.secrets.get(SECRETS_KEY)
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        value = None
    return str(value).strip() if value else None


@st.cache_resource(show_spinner=False)
def _auth(password_hash: str | None, state_file: str) -> AdminAuth:
    return AdminAuth(password_hash, Path(state_file))


def _signed_in() -> bool:
    at = st.session_state.get(SIGNED_IN)
    return isinstance(at, float) and time.time() - at < SESSION_HOURS * 3600


def sign_out() -> None:
    for key in list(st.session_state):
        if str(key).startswith("admin"):
            if key == STAGED:
                upload.discard(st.session_state[key])
            del st.session_state[key]


st.title("Admin")
try:
    auth = _auth(_password_hash(), str(settings.data_dir / "admin-auth.json"))
except AdminAuthError as e:
    st.error(str(e), icon=":material/lock:")
    st.stop()
if not auth.configured:
    st.warning(HOW_TO_SET, icon=":material/lock:")
    st.stop()
if not _signed_in():
    with st.form("admin_login", clear_on_submit=True):
        password = st.text_input("Admin password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        result = auth.check(password)
        if result.ok:
            st.session_state[SIGNED_IN] = time.time()
            st.rerun()
        st.error(result.message, icon=":material/lock:")
    st.stop()

if not st.session_state.get("admin_cleaned"):
    upload.clean_stale_staging(settings.corpus_dir)  # uploads abandoned over a day ago
    st.session_state["admin_cleaned"] = True
with st.sidebar:
    st.button("Sign out of Admin", on_click=sign_out, icon=":material/logout:",
              key="admin_sign_out")


def _gate_sets() -> list[Path] | None:
    """Eval sets the quality gate runs: RADONC_QA_GATE_SETS (paths joined by ':'), else all
    shipped sets."""
    raw = os.environ.get("RADONC_QA_GATE_SETS", "").strip()
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()] if raw else None


# --- drawing helpers -------------------------------------------------------------------------
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


def show_gate(g: GateResult) -> None:
    if g.passed:
        st.success(f"Quality gate passed on {g.rows} eval rows ({g.skipped} about other "
                   f"documents skipped) in {g.seconds:.1f} s.", icon=":material/verified:")
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


def activate(corpus: Path, override: str, *, on_success: Any = None,
             build: Any = ingest) -> IngestReport | None:
    """Build, gate and activate a version from `corpus`, with progress; None if refused."""
    bar = st.progress(0.0, text="Starting…")
    embedder = res.retriever.embedder
    stage = {"text": "Starting…"}

    def on_stage(text: str) -> None:
        stage["text"] = text
        bar.progress(0.0 if text.startswith("Reading") else 0.5, text=text)

    def on_progress(done: int, total: int) -> None:
        frac = done / total if total else 1.0
        bar.progress(min(1.0, frac), text=f"{stage['text']}: {done} of {total} passages")

    def on_rows(done: int, total: int) -> None:
        frac = done / total if total else 1.0
        bar.progress(min(1.0, frac), text=f"{stage['text']}: {done} of {total} eval rows")

    try:
        report = build(store, embedder, corpus, keep_versions=settings.keep_versions,
                       progress=on_progress, stage=on_stage,
                       gate=QualityGate(embedder, sets=_gate_sets(),
                                        override_reason=override or None,
                                        review=ReviewBook(settings.data_dir / "evals"),
                                        progress=on_rows),
                       db=res.db, actor=ACTOR, note=None)
    except QualityGateFailed as e:
        bar.empty()
        show_gate(e.result)
        st.info("To activate anyway, write the reason in the box above (it is kept in the "
                "activation history) and activate again.")
        return None
    except IngestBusy as e:
        bar.empty()
        st.warning(str(e), icon=":material/hourglass:")
        return None
    except RadoncQAError as e:
        bar.empty()
        st.error(str(e), icon=":material/error:")
        return None
    bar.progress(1.0, text="Done")
    if on_success is not None:
        on_success()
    if report.activated:
        text = (f"Activated **{report.kb_version}**: {report.entries} entries; embedded "
                f"{report.embedded} passage(s), reused {report.reused}. Coders' next questions "
                "are answered from it.")
        if report.gate is not None and not report.gate.passed:
            text += " The quality gate failed and was overridden; the reason is in the history."
        st.session_state[FLASH] = text
    else:
        st.session_state[FLASH] = "Nothing changed: the active version already is this corpus."
    st.rerun()
    return report


def review_section() -> None:
    """Out-of-scope eval rows new guidance answers: accept as in scope, or keep out."""
    book = ReviewBook(settings.data_dir / "evals")
    pending = book.pending()
    if not pending:
        return
    st.divider()
    st.subheader(f"Eval rows for review ({len(pending)})")
    st.caption("Written as out of scope, now answered by new or changed guidance. Accept one "
               "and the quality gate expects that entry from now on; keep it out and that "
               f"answer counts as wrong. Decisions go to `{book.reviewed_path}`.")
    for item in pending:
        with st.container(border=True):
            st.markdown(f"**{item.question}**  \n→ `{item.entry}` {item.entry_question}")
            st.caption(f"{item.set} · row {item.id}")
            left, right = st.columns(2)
            if left.button("Accept as in scope", key=f"admin_accept_{item.id}"):
                book.decide(item.id, in_scope=True, by=ACTOR)
                st.rerun()
            if right.button("Keep out of scope", key=f"admin_keep_{item.id}"):
                book.decide(item.id, in_scope=False, by=ACTOR)
                st.rerun()


def remove_section() -> None:
    """Take a document out of the knowledge base (its files are moved aside, not deleted)."""
    names = sorted(res.retriever.index().manifest.documents) if active else []
    if len(names) < 2:
        return
    st.divider()
    st.subheader("Remove a document")
    stem = st.selectbox("Document", names, index=None, key="admin_remove_doc",
                        placeholder="Choose a document")
    sure = st.checkbox("Its entries leave the knowledge base; their ids will say "
                       "“removed in version …”. The files move to "
                       f"`{settings.data_dir / 'corpus-aside'}`.", key="admin_remove_sure")
    if st.button("Remove and activate", disabled=stem is None or not sure,
                 key="admin_remove_go"):
        activate(settings.corpus_dir, "", build=lambda *a, **kw: remove_document(
            *a[:3], str(stem), settings.data_dir / "corpus-aside", **kw)[0])


# --- page ------------------------------------------------------------------------------------
active = store.active_version()
st.caption(f"Active knowledge base: **{active or 'none'}** · corpus folder "
           f"`{settings.corpus_dir}`")
docs_tab, versions_tab, gaps_tab = st.tabs(["Documents", "Versions", "Gaps & feedback"])

with docs_tab:
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH), icon=":material/check_circle:")
    st.subheader("Upload a guidance document")
    st.caption("Text, Markdown, HTML, PDF (with a text layer) or Word (.docx), up to "
               "50 MB. A file with the name of a corpus document replaces it. Nothing is "
               "written to the corpus until the new version is activated.")
    file = st.file_uploader("Document", type=["txt", "md", "html", "htm", "pdf", "docx"],
                            key="admin_upload", label_visibility="collapsed")
    staged: upload.StagedUpload | None = st.session_state.get(STAGED)
    if file is not None and st.session_state.get("admin_upload_id") != file.file_id:
        if staged is not None:
            upload.discard(staged)
            st.session_state.pop(STAGED, None)
            staged = None
        try:
            staged = upload.stage(store, settings.corpus_dir, file.name, file.getvalue())
            st.session_state[STAGED] = staged
            st.session_state["admin_upload_id"] = file.file_id
        except CorpusError as e:
            st.error(f"**Not accepted — nothing was written.** {e}", icon=":material/block:")
    if file is None and staged is not None:
        upload.discard(staged)
        st.session_state.pop(STAGED, None)
        staged = None

    if staged is not None:
        verb = "replaces" if staged.replaces else "adds"
        st.markdown(f"**{staged.name}** {verb} a document: {len(staged.corpus.entries)} entries "
                    "in the knowledge base after activation.")
        show_diff(staged.changes, staged.corpus.superseded, staged.corpus.warnings)
        override = st.text_area("Reason to activate even if the quality gate fails (optional)",
                                key="admin_override_upload")
        left, right = st.columns(2)
        if left.button("Activate this version", type="primary", key="admin_activate_upload",
                       disabled=staged.changes.empty and staged.replaces):
            current = staged

            def moved_in() -> None:
                upload.commit(current, settings.corpus_dir)
                st.session_state.pop(STAGED, None)

            activate(staged.folder, override, on_success=moved_in)
        if right.button("Discard upload", key="admin_discard"):
            upload.discard(staged)
            st.session_state.pop(STAGED, None)
            st.rerun()

    st.divider()
    st.subheader("Re-ingest the corpus folder")
    st.caption("After editing files in the corpus folder, or attaching alternate phrasings.")
    try:
        plan = ingest(store, HashingEmbedder(), settings.corpus_dir, dry_run=True)
    except IngestBusy as e:
        st.warning(str(e), icon=":material/hourglass:")
    except RadoncQAError as e:
        st.error(f"**The corpus folder has a problem:** {e}", icon=":material/error:")
    else:
        if plan.changes is None or plan.changes.empty:
            st.success("The active version matches the corpus folder.",
                       icon=":material/check_circle:")
        else:
            show_diff(plan.changes, plan.superseded, plan.warnings)
            reason = st.text_area("Reason to activate even if the quality gate fails "
                                  "(optional)", key="admin_override_corpus")
            if st.button("Activate the corpus folder", type="primary",
                         key="admin_activate_corpus"):
                activate(settings.corpus_dir, reason)

    review_section()
    remove_section()

with versions_tab:
    if VERSIONS_FLASH in st.session_state:
        st.success(st.session_state.pop(VERSIONS_FLASH), icon=":material/history:")
    versions = store.list_versions()
    if not versions:
        st.info("No versions yet.")
    for v in versions:
        slug = re.sub(r"[^A-Za-z0-9_-]", "-", v.version)  # usable as a CSS class
        with st.container(border=True, key=f"admin-version-{slug}"):
            left, right = st.columns([4, 1])
            info = v.info
            label = " · **active**" if v.active else ""
            left.markdown(f"`{v.version}`{label}  \n{v.entries} entries · "
                          f"{', '.join(v.documents)} · by {info.get('actor', '?')}")
            counts = {k: info[k] for k in ("added", "updated", "removed", "moved") if k in info}
            if counts:
                left.caption(" · ".join(f"{k} {n}" for k, n in counts.items()))
            if not v.active and right.button("Roll back to this", key=f"admin_rb_{slug}"):
                try:
                    done = rollback(store, v.version, actor=ACTOR, db=res.db,
                                    corpus=settings.corpus_dir,
                                    aside_root=settings.data_dir / "corpus-aside")
                except RadoncQAError as e:
                    st.error(str(e))
                else:
                    st.session_state[VERSIONS_FLASH] = (
                        f"Rolled back: {v.version} is active (was {done.previous}). Coders' next "
                        "questions are answered from it. " + corpus_note(done))
                    st.rerun()
    st.subheader("Activation history")
    history = activation_history(res.db) if res.db is not None else []
    if history:
        st.dataframe([{"when (UTC)": h.activated_at.strftime("%Y-%m-%d %H:%M:%S"),
                       "action": h.action, "version": h.kb_version, "previous": h.previous,
                       "by": h.actor, "documents": ", ".join(h.documents),
                       "counts": ", ".join(f"{k} {n}" for k, n in h.counts.items()),
                       "note": h.note or ""} for h in history], hide_index=True,
                     width="stretch")
    else:
        st.caption("No activations recorded yet.")


@st.cache_data(show_spinner="Grouping similar questions…", ttl=300)
def _clusters(db_url: str, n_questions: int, similarity: float) -> list[gap_report.GapCluster]:
    assert res.db is not None
    return gap_report.gap_clusters(res.db, res.retriever.embedder, similarity)


def close_the_loop(question: str, key: str) -> None:
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
            path = attach_alternate(store, settings.corpus_dir, choice, question)
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


with gaps_tab:
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
        clusters = _clusters(db.url, gap_report.question_count(db), similarity)
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
            close_the_loop(picked, "admin_loop")
