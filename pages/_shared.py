"""What every page shares: the model, the Retriever and the app database, loaded once per server.

`current()` returns them (cached with `st.cache_resource`, so every session of the server shares
one thread-safe set). The first call — made in a background thread at server start by
`preload_on_start` (app.py's `st.App` lifespan) — loads the model, seeds the working corpus
`DATA/corpus/` from the shipped `corpus/` the first time, ingests it when the knowledge base is
empty and warms the index, so the first question is answered as fast as the hundredth. A page
view that arrives before it is done waits on the same computation (Streamlit locks a cache entry
while it is computed); later calls are cache hits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import streamlit as st

from appdb import AppDB
from ingest.seed import ensure_corpus
from pages._ui import md
from retrieval.config import load_calibration
from retrieval.embedding import Embedder, default_embedder
from retrieval.errors import CorpusError, RadoncQAError, StoreUnavailable
from retrieval.retriever import Retriever
from retrieval.settings import Settings, load_settings
from retrieval.store import open_store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resources:
    settings: Settings
    retriever: Retriever
    db: AppDB | None  # None when the app database cannot be opened: the chat still works
    ingested: bool  # this server built the knowledge base from the corpus on start


@dataclass(frozen=True)
class KBFacts:
    """What the knowledge base covers, for the intro and the sidebar (read from the active one)."""

    version: str
    entries: int
    documents: tuple[str, ...]  # titles
    updated: datetime | None


@st.cache_resource(show_spinner=False)
def _embedder() -> Embedder:
    """The bundled model, one per server process, whatever the data dir."""
    return default_embedder()


@st.cache_resource(show_spinner=False, hash_funcs={Settings: lambda s: s.model_dump_json()})
def _load(settings: Settings) -> Resources:
    embedder = _embedder()
    store = open_store(settings)
    ingested = False
    empty = store.active_version() is None
    try:  # DATA/corpus from the shipped corpus/, once: what admins' uploads and removals change
        ensure_corpus(settings)
    except StoreUnavailable:
        if empty:
            raise
        log.exception("could not seed the corpus folder %s; the admin page will retry",
                      settings.corpus_dir)
    if empty:
        from ingest.build import ingest  # only needed on the very first run

        if not settings.corpus_dir.is_dir():
            raise CorpusError(
                settings.corpus_dir,
                f"there is no knowledge base in {store.location} yet and no corpus folder to "
                "build it from",
                "point RADONC_QA_CORPUS at the folder of guidance documents (by default "
                "DATA/corpus, seeded from the shipped corpus/) and reload, or build the "
                "knowledge base with `python -m ingest --corpus DIR`",
            )
        info = {"actor": "app start", "reason": "knowledge base was empty"}
        ingest(
            store,
            embedder,
            settings.corpus_dir,
            keep_versions=settings.keep_versions,
            info=info,
            alternates_dir=settings.alternates_dir,
        )
        ingested = True
    retriever = Retriever(store, embedder, top_k=settings.top_k,
                          calibration=load_calibration(overlay=settings.calibration_file))
    retriever.index()  # load the active version now, not on the first question
    embedder.embed(["warm up the model"])
    try:
        db: AppDB | None = AppDB(settings.db_url)
    except Exception:  # a broken DATABASE_URL must not take the chat down
        log.exception("cannot open the app database; questions will not be logged")
        db = None
    return Resources(settings, retriever, db, ingested)


def current() -> Resources:
    """The shared resources for the settings in the environment (loads them on first use)."""
    return _load(load_settings())


PRELOADED = "Model and knowledge base loaded at server start"


def _preload() -> None:
    started = time.perf_counter()
    try:
        current()
        # on the server's console beside Streamlit's own start lines (an operator reads them)
        print(f"  {PRELOADED} in {time.perf_counter() - started:.1f} s.", flush=True)
    except Exception:  # not cached: the first page view retries and shows the error plainly
        log.exception("loading at server start failed; the first page view will retry")


@asynccontextmanager
async def preload_on_start(app: Any) -> AsyncIterator[None]:
    """Server start (`st.App` lifespan): load the shared resources in the background."""
    try:  # the app uses st.navigation: never Streamlit's legacy pages/ scan, even on the very
        # first run (it would list the helper modules in pages/ as pages while app.py starts)
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
    except ImportError:  # a later Streamlit without the legacy scan
        pass
    threading.Thread(target=_preload, name="radonc-preload", daemon=True).start()
    yield


def current_or_stop() -> Resources:
    """`current()`, or a plain error message (never a traceback) and stop the page."""
    try:
        with st.spinner("Loading the knowledge base and the model…"):
            res = current()
            res.retriever.index()  # still readable? (cheap: a stat unless the version changed)
            return res
    except RadoncQAError as e:
        st.error(f"**The knowledge base is not available.** {md(str(e))}", icon=":material/error:")
    except Exception as e:  # anything else: a plain message here, the traceback in the log
        log.exception("the app could not load its knowledge base")
        st.error(
            "**The app could not load its knowledge base.** "
            f"{type(e).__name__}: {md(str(e))}. The details are in the server log; fix the cause "
            "(or rebuild the knowledge base with `python -m ingest`) and reload this page.",
            icon=":material/error:",
        )
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")


def kb_facts(res: Resources) -> KBFacts:
    """Facts about the active version (cheap: the Retriever's index is already loaded)."""
    m = res.retriever.index().manifest
    try:
        updated: datetime | None = datetime.fromisoformat(m.created_at)
    except ValueError:
        updated = None
    titles = tuple(d.title for d in m.documents.values())
    return KBFacts(m.version, len(m.entries), titles, updated)


def session_id() -> str:
    """A random id for this browser session (kept in session state), for the question log."""
    from uuid import uuid4

    sid: Any = st.session_state.get("session_id")
    if not sid:
        sid = st.session_state["session_id"] = uuid4().hex
    return str(sid)
