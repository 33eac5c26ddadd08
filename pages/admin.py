"""Admin: upload guidance, see the diff, activate (quality-gated), roll back, and review gaps.

Nothing below the password form is drawn until the admin has signed in. The logic lives in
`admin.*` and `ingest.*`; this page only draws and calls it (the diff and gate views in
`pages/_admin_views.py`, the gaps tab in `pages/_admin_gaps.py`).
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

from admin import upload
from admin.auth import HOW_TO_SET, SECRETS_KEY, AdminAuth, AdminAuthError, lockout_file
from admin.gate import GateResult, QualityGate, QualityGateFailed
from admin.history import activation_history, corpus_note, record_activation, rollback
from admin.signin import COOKIE, LIFETIME_S, SignIns
from ingest.build import IngestReport, ingest
from ingest.seed import ensure_corpus
from pages import _admin_corpus, _admin_gaps, _admin_review, _shared, _ui
from pages._admin_views import show_diff, show_gate, show_refused
from retrieval.errors import CorpusError, IngestBusy, RadoncQAError
from retrieval.settings import load_settings

SIGNED_IN = "admin_signin_token"
COOKIE_SET = "cookie_set"  # not "admin…": sign-out clears those, and this must outlive it
STAGED = "admin_staged"
FLASH = "admin_flash"
VERSIONS_FLASH = "admin_versions_flash"
ACTOR = "admin (web)"
GATE_FAILED = "admin_gate_failed"  # + "-upload" / "-corpus": the last refusal, until activated
UPLOADS = "admin_uploads_done"  # a new uploader key after each activation: the chip is cleared

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


def _client() -> str:
    """Who is signing in, for the per-source lockout: the browser's address.

    Not the session: a reload makes a new one, which would reset the count. Streamlit gives no
    address for connections from this machine; those share one count.
    """
    ip = getattr(st.context, "ip_address", None)
    return f"app {ip}" if isinstance(ip, str) and ip else "app (this machine)"


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


_ui.style()  # the app's static rules (an added entry's answer legible, as coders see it)
st.title("Admin")
try:
    _hash = _password_hash()
    auth = _auth(_hash, str(lockout_file(settings.state_dir, _hash)))
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
        result = auth.check(password, source=_client())
        if result.ok:
            token = signins.issue()
            st.session_state[SIGNED_IN] = st.session_state[COOKIE_SET] = token
            st.rerun()
        st.error(result.message, icon=":material/lock:")
    st.stop()

try:  # DATA/corpus from the shipped corpus/ if the app start could not (a stat when it did)
    ensure_corpus(settings)
except RadoncQAError as e:
    st.error(_ui.md(str(e)), icon=":material/error:")
    st.stop()
if not st.session_state.get("admin_cleaned"):
    upload.clean_stale_staging(settings.corpus_dir)  # uploads abandoned over a day ago
    st.session_state["admin_cleaned"] = True
with st.sidebar:
    st.button("Sign out of Admin", on_click=sign_out, icon=":material/logout:",
              key="admin_sign_out")


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


def activate(corpus: Path, override: str, which: str, *, on_success: Any = None,
             build: Any = ingest, skip_refused: bool = False) -> IngestReport | None:
    """Build, gate and activate a version from `corpus` (with `build`: ingest, or a document's
    removal), with progress; None if refused. `skip_refused`: leave refused new documents out."""
    bar = st.progress(0.0, text="Starting…")
    embedder = res.retriever.embedder
    # the bar's share of each stage: embedding changed text, then the eval sets on the new version
    stage: dict[str, Any] = {"text": "Starting…", "start": 0.0, "span": 0.0}
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
        report = build(store, embedder, corpus, keep_versions=settings.keep_versions,
                        progress=counted("passages"), stage=on_stage,
                        gate=QualityGate.from_settings(embedder, load_settings(),
                                                       override_reason=override or None,
                                                       progress=counted("eval questions")),
                        record=partial(record_activation, res.db) if res.db else None,
                        actor=ACTOR, note=None, alternates_dir=settings.alternates_dir,
                        skip_refused=skip_refused)
    except QualityGateFailed as e:  # drawn again above the button, with the reason box
        st.session_state[f"{GATE_FAILED}-{which}"] = e.result
        st.rerun()
    except IngestBusy as e:
        bar.empty()
        st.warning(str(e), icon=":material/hourglass:")
        return None
    except CorpusError as e:
        bar.empty()
        show_refused(e, "Not activated.")
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
        if report.left_out:
            text += (" Left out (refused new documents): " + ", ".join(
                Path(r["file"]).name for r in report.left_out) + "; fix them and re-ingest to "
                "add their guidance.")
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
           f"`{settings.corpus_dir.resolve()}`"
           + ("" if settings.corpus_given else " (this installation's copy, seeded from the "
              "corpus shipped with the app; uploads and removals change it, never the shipped "
              "one)"))
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
            show_refused(e, "Not accepted — nothing was written.")
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
    _admin_corpus.reingest_section(store, settings, activate, override_box)

    _admin_review.review_section(settings, ACTOR)
    _admin_review.remove_section(settings, res, active, activate)

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
            if info.get("left_out"):  # refused new documents this version was built without
                left.caption("Left out (refused at ingest): " + ", ".join(
                    Path(r["file"]).name + (f" line {r['line']}" if r.get("line") else "")
                    for r in info["left_out"]))
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


with gaps_tab:
    _admin_gaps.draw(res)
