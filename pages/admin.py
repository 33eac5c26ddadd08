"""Admin: upload guidance, see the diff, activate (quality-gated), roll back, and review gaps.

Nothing below the password form is drawn until the admin has signed in. The logic lives in
`admin.*` and `ingest.*`; this page only draws and calls it (the diff and gate views in
`pages/_admin_views.py`, the gaps tab in `pages/_admin_gaps.py`).
"""

from __future__ import annotations

import re
import time
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

from admin import upload
from admin.auth import HOW_TO_SET, SECRETS_KEY, AdminAuth, AdminAuthError
from admin.gate import QualityGate, QualityGateFailed
from admin.history import activation_history, record_activation, rollback
from ingest.build import IngestReport, ingest
from ingest.build import plan as build_plan
from pages import _admin_gaps, _shared
from pages._admin_views import show_diff, show_gate
from retrieval.errors import CorpusError, IngestBusy, RadoncQAError
from retrieval.settings import load_settings

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
    found = load_settings().admin_password_hash  # the environment, then .streamlit/secrets.toml
    if found:
        return found.get_secret_value()
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


def activate(corpus: Path, override: str, *, on_success: Any = None) -> IngestReport | None:
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

    try:
        report = ingest(store, embedder, corpus, keep_versions=settings.keep_versions,
                        progress=on_progress, stage=on_stage,
                        gate=QualityGate.from_settings(embedder, load_settings(),
                                                       override_reason=override or None),
                        record=partial(record_activation, res.db) if res.db else None,
                        actor=ACTOR, note=None)
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
        plan = build_plan(store, settings.corpus_dir)
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


with gaps_tab:
    _admin_gaps.draw(res)
