"""Admin: upload guidance, see the diff, activate (quality-gated), roll back, and review gaps.

Nothing below the password form is drawn until the admin has signed in. The logic lives in
`ingest.*`; this page only draws and calls it.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Any

import streamlit as st

from admin.signin import COOKIE, LIFETIME_S, SignIns
from evals.sets import read_jsonl
from ingest import gaps as gap_report
from ingest import upload
from ingest.auth import HOW_TO_SET, SECRETS_KEY, AdminAuth, AdminAuthError, configured_hash
from ingest.build import IngestReport, ingest
from ingest.diff import EntryDiff
from ingest.gate import GateResult, QualityGate, QualityGateFailed
from ingest.history import activation_history, rollback
from ingest.loop import attach_alternate, mark_out_of_scope
from pages import _shared, _ui
from retrieval.embedding import HashingEmbedder
from retrieval.errors import CorpusError, IngestBusy, RadoncQAError

SIGNED_IN = "admin_signin_token"
COOKIE_SET = "cookie_set"  # not "admin…": sign-out clears those, and this must outlive it
STAGED = "admin_staged"
FLASH = "admin_flash"
VERSIONS_FLASH = "admin_versions_flash"
ACTOR = "admin (web)"
LOOP_FLASH = "admin_loop_flash"
GATE_FAILED = "admin_gate_failed"  # + "-upload" / "-corpus": the last refusal, until activated
UPLOADS = "admin_uploads_done"  # a new uploader key after each activation: the chip is cleared

res = _shared.current()
settings = res.settings
# what the admin creates lives under the data dir, never in the code checkout (issue 14 #11)
OUT_OF_SCOPE = settings.data_dir / "evals" / "gaps-out-of-scope.jsonl"
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


def _signed_in(signins: SignIns) -> bool:
    """This session's sign-in, else the browser's cookie from an earlier page load (refresh)."""
    token = st.session_state.get(SIGNED_IN) or st.context.cookies.get(COOKIE)
    if signins.check(token):
        st.session_state[SIGNED_IN] = token
        return True
    st.session_state.pop(SIGNED_IN, None)
    return False


def _cookie(token: str | None) -> None:
    """Keep (or, with None, delete) the sign-in token in this browser for its lifetime."""
    value, age = (token, LIFETIME_S) if token else ("", 0)
    secure = "; Secure" if st.context.url and st.context.url.startswith("https") else ""
    st.html(f"""<span class="radonc-scroll"></span><script>
document.cookie = "{COOKIE}={value}; Path=/; Max-Age={age}; SameSite=Strict{secure}";
</script>""", unsafe_allow_javascript=True)


def sign_out() -> None:
    signins.revoke(st.session_state.get(SIGNED_IN) or st.context.cookies.get(COOKIE))
    for key in list(st.session_state):
        if str(key).startswith("admin"):
            if key == STAGED:
                upload.discard(st.session_state[key])
            del st.session_state[key]
    st.session_state[COOKIE_SET] = None  # delete it from the browser on the next run


st.title("Admin")
try:
    auth = _auth(_password_hash(), str(settings.data_dir / "admin-auth.json"))
except AdminAuthError as e:
    st.error(str(e), icon=":material/lock:")
    st.stop()
if not auth.configured:
    st.warning(HOW_TO_SET, icon=":material/lock:")
    st.stop()
signins = SignIns(settings.data_dir, auth.password_hash or "")
if COOKIE_SET in st.session_state:  # after sign-in or sign-out: the browser's copy follows
    _cookie(st.session_state.pop(COOKIE_SET))
if not _signed_in(signins):
    with st.form("admin_login", clear_on_submit=True):
        password = st.text_input("Admin password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    st.caption(f"A sign-in lasts {LIFETIME_S // 3600} hours in this browser, across refreshes, "
               "until you sign out.")
    if submitted:
        result = auth.check(password)
        if result.ok:
            token = signins.issue()
            st.session_state[SIGNED_IN] = st.session_state[COOKIE_SET] = token
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
              after: str, documents: dict[str, Any] | None = None) -> None:
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
                with st.container(border=True):
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


def show_gate(g: GateResult) -> None:
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


def override_box(which: str) -> str:
    """After a gate failure only: what failed and the box for a reason to activate anyway."""
    failed: GateResult | None = st.session_state.get(f"{GATE_FAILED}-{which}")
    if failed is None:
        return ""
    show_gate(failed)
    return st.text_area("Reason to activate anyway (kept in the activation history)",
                        key=f"admin_override_{which}",
                        placeholder="e.g. the expected ids of these rows changed with this "
                                    "edition; the eval sets are updated next")


def activate(corpus: Path, override: str, which: str, *, on_success: Any = None
             ) -> IngestReport | None:
    """Build, gate and activate a version from `corpus`, with progress; None if refused."""
    bar = st.progress(0.0, text="Starting…")
    embedder = res.retriever.embedder
    # the bar's share of each stage: embedding changed text, then the eval sets on the new version
    stage = {"text": "Starting…", "start": 0.0, "span": 0.0}
    spans = {"Reading": (0.0, 0.05), "Embedding": (0.05, 0.35), "Writing": (0.4, 0.05),
             "Running": (0.45, 0.5), "Activating": (0.95, 0.05)}

    def on_stage(text: str) -> None:
        start, span = next((v for k, v in spans.items() if text.startswith(k)),
                           (stage["start"], 0.0))
        stage.update(text=text, start=start, span=span)
        bar.progress(start, text=text)

    def counted(unit: str) -> Any:
        def on_progress(done: int, total: int) -> None:
            frac = done / total if total else 1.0
            bar.progress(min(1.0, stage["start"] + stage["span"] * frac),
                         text=f"{stage['text']}: {done:,} of {total:,} {unit}")
        return on_progress

    try:
        report = ingest(store, embedder, corpus, keep_versions=settings.keep_versions,
                        progress=counted("passages"), stage=on_stage,
                        gate=QualityGate(embedder, sets=_gate_sets(),
                                         override_reason=override or None,
                                         progress=counted("eval questions")),
                        db=res.db, actor=ACTOR, note=None,
                        alternates_dir=settings.alternates_dir)
    except QualityGateFailed as e:  # drawn again above the button, with the reason box
        st.session_state[f"{GATE_FAILED}-{which}"] = e.result
        st.rerun()
    except IngestBusy as e:
        bar.empty()
        st.warning(str(e), icon=":material/hourglass:")
        return None
    except RadoncQAError as e:
        bar.empty()
        st.error(str(e), icon=":material/error:")
        return None
    bar.progress(1.0, text="Done")
    st.session_state.pop(f"{GATE_FAILED}-{which}", None)
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


def forget_upload() -> None:
    """The staged upload is gone (activated or discarded): clear it and the uploader's chip."""
    st.session_state.pop(STAGED, None)
    st.session_state.pop(f"{GATE_FAILED}-upload", None)
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1


# --- page ------------------------------------------------------------------------------------
active = store.active_version()
st.caption(f"Active knowledge base: **{active or 'none'}** · corpus folder "
           f"`{settings.corpus_dir}`")
# keyed: the open tab is kept across reruns (picking a gap question must not jump to Documents)
docs_tab, versions_tab, gaps_tab = st.tabs(["Documents", "Versions", "Gaps & feedback"],
                                          key="admin_tab", on_change="rerun")

with docs_tab:
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH), icon=":material/check_circle:")
    st.subheader("Upload a guidance document")
    st.caption("Text, Markdown, HTML, PDF (with a text layer) or Word (.docx), up to "
               "50 MB. A file with the name of a corpus document replaces it. Nothing is "
               "written to the corpus until the new version is activated.")
    file = st.file_uploader("Document", type=["txt", "md", "html", "htm", "pdf", "docx"],
                            key=f"admin_upload_{st.session_state.get(UPLOADS, 0)}",
                            label_visibility="collapsed")
    staged: upload.StagedUpload | None = st.session_state.get(STAGED)
    if file is not None and st.session_state.get("admin_upload_id") != file.file_id:
        if staged is not None:
            upload.discard(staged)
            st.session_state.pop(STAGED, None)
            staged = None
        try:
            staged = upload.stage(store, settings.corpus_dir, file.name, file.getvalue(),
                                  settings.alternates_dir)
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
        show_diff(staged.changes, staged.corpus.superseded, staged.corpus.warnings,
                  after=f"with {staged.name}")
        override = override_box("upload")
        left, right = st.columns(2)
        if left.button("Activate anyway" if override.strip() else "Activate this version",
                       type="primary", key="admin_activate_upload",
                       disabled=staged.changes.empty and staged.replaces):
            current = staged

            def moved_in() -> None:
                upload.commit(current, settings.corpus_dir)
                forget_upload()

            activate(staged.folder, override, "upload", on_success=moved_in)
        if right.button("Discard upload", key="admin_discard"):
            upload.discard(staged)
            forget_upload()
            st.rerun()

    st.divider()
    st.subheader("Re-ingest the corpus folder")
    st.caption("After editing files in the corpus folder, or attaching alternate phrasings.")
    try:
        plan = ingest(store, HashingEmbedder(), settings.corpus_dir, dry_run=True,
                      alternates_dir=settings.alternates_dir)
    except IngestBusy as e:
        st.warning(str(e), icon=":material/hourglass:")
    except RadoncQAError as e:
        st.error(f"**The corpus folder has a problem:** {e}", icon=":material/error:")
    else:
        if plan.changes is None or plan.changes.empty:
            st.success("The active version matches the corpus folder.",
                       icon=":material/check_circle:")
        else:
            show_diff(plan.changes, plan.superseded, plan.warnings, after="corpus folder")
            reason = override_box("corpus")
            if st.button("Activate anyway" if reason.strip() else "Activate the corpus folder",
                         type="primary", key="admin_activate_corpus"):
                activate(settings.corpus_dir, reason, "corpus")

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
                    before = rollback(store, v.version, actor=ACTOR, db=res.db)
                except RadoncQAError as e:
                    st.error(str(e))
                else:
                    st.session_state[VERSIONS_FLASH] = (
                        f"Rolled back: {v.version} is active (was {before}). Coders' next "
                        "questions are answered from it.")
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
            path = attach_alternate(store, settings.corpus_dir, str(choice), question,
                                    settings.alternates_dir)
        except RadoncQAError as e:
            st.error(str(e))
        else:  # rerun, so the Documents tab (drawn before this one) shows the pending change
            st.session_state[LOOP_FLASH] = (f"Written to `{path.name}` in the data folder's "
                                            "alternates. The Documents tab "
                                            "shows it as a change: activate it there to use it.")
            st.rerun()
    if b.button("Mark out of scope", key=f"{key}-oos"):
        try:
            OUT_OF_SCOPE.parent.mkdir(parents=True, exist_ok=True)
            rid = mark_out_of_scope(question, OUT_OF_SCOPE)
        except (RadoncQAError, ValueError) as e:
            st.error(str(e))
        else:
            st.session_state[LOOP_FLASH] = (f"Added to the eval set {OUT_OF_SCOPE.name} under "
                                            f"the data folder as {rid} (expected: abstain).")
            st.rerun()


@st.cache_data(show_spinner=False, ttl=300)
def _answered_now(kb_version: str, questions: tuple[str, ...]) -> frozenset[str]:
    """The questions the active knowledge base now answers (gaps closed by a new version)."""
    out = set()
    for q in questions:
        try:
            if not res.retriever.ask(q).abstained:
                out.add(q)
        except RadoncQAError:
            pass
    return frozenset(out)


def closed(questions: list[str]) -> set[str]:
    """Gap questions already dealt with: answered now, attached (pending) or out of scope."""
    def norm(q: str) -> str:
        return " ".join(q.lower().split())

    done = {norm(q) for q in _answered_now(str(store.active_version()), tuple(questions))}
    if OUT_OF_SCOPE.is_file():
        try:
            done |= {norm(r.question) for r in read_jsonl(OUT_OF_SCOPE)}
        except RadoncQAError:
            pass
    return {q for q in questions if norm(q) in done}


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
        clusters = _clusters(db.url, gap_report.question_count(db), similarity)
        done = closed([c.question for c in clusters[:100]])
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
            close_the_loop(picked, "admin_loop")
