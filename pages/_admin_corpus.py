"""Admin page part: re-ingest the corpus folder, listing every refused file, with the opt-in to
build from the documents that parse (refused new ones left out, never a served one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ingest.build import plan as build_plan
from ingest.refusals import can_leave_out, refused_items
from pages._admin_views import show_diff, show_refused
from retrieval.errors import CorpusError, IngestBusy, RadoncQAError
from retrieval.settings import Settings
from retrieval.store.base import KBStore

SKIP = "admin_skip_refused"
SKIP_LABEL = "Build from the documents that parse"


def _skip_box(count: int) -> None:
    """The explicit opt-in to leave refused new documents out of the next version."""
    st.checkbox(f"{SKIP_LABEL} (leave the refused new files out of this version)", key=SKIP,
                help="Refused documents the active version does not serve are left out of the "
                     "new version and listed in its report; fix them and re-ingest to add their "
                     "guidance. A refused document the active version serves is never left out.")
    if st.session_state.get(SKIP):
        st.caption(f"{count} refused file(s) left out: the new version serves every other "
                   "document; the quality gate still runs before it is activated.")


def reingest_section(store: KBStore, settings: Settings, activate: Callable[..., Any],
                     override_box: Callable[[str], str]) -> None:
    """The corpus folder against the active version: its diff and the button to activate it."""
    st.subheader("Re-ingest the corpus folder")
    st.caption(f"The corpus folder is `{settings.corpus_dir.resolve()}`. Re-ingest after "
               "editing files in it, or attaching alternate phrasings.")
    skip = bool(st.session_state.get(SKIP))
    try:
        plan = build_plan(store, settings.corpus_dir, settings.alternates_dir, skip_refused=skip)
    except IngestBusy as e:
        st.warning(str(e), icon=":material/hourglass:")
        return
    except CorpusError as e:
        show_refused(e, "The corpus folder has a problem.")
        items = refused_items(e)
        if skip or can_leave_out(e):
            _skip_box(len(items))
        elif any(r.served for r in items) and any(r.served is False for r in items):
            st.caption("Refused files the active version serves cannot be left out (their "
                       "guidance would vanish): fix them, or remove that document on purpose "
                       "below; then the refused new files can be left out.")
        return
    except RadoncQAError as e:
        st.error(f"**The corpus folder has a problem:** {e}", icon=":material/error:")
        return
    if plan.left_out:
        _skip_box(len(plan.left_out))
    else:
        st.session_state.pop(SKIP, None)  # an opt-in is for the refusals it was given for
    if plan.changes is None or plan.changes.empty:
        note = " The refused files listed below are left out of it." if plan.left_out else ""
        st.success("The active version matches the corpus folder." + note,
                   icon=":material/check_circle:")
        if plan.left_out:
            for w in plan.warnings:
                st.warning(w, icon=":material/warning:")
        return
    show_diff(plan.changes, plan.superseded, plan.warnings,
              after="corpus folder and attached phrasings")
    reason = override_box("corpus")
    if st.button("Activate anyway" if reason.strip() else "Activate the corpus folder",
                 type="primary", key="admin_activate_corpus"):
        # the opt-in is for this build: refusals found later are shown again, unticked
        activate(settings.corpus_dir, reason, "corpus", skip_refused=bool(plan.left_out),
                 on_success=lambda: st.session_state.pop(SKIP, None))
