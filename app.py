"""Streamlit entry point: page config, shared resources (loaded once per server), navigation.

Run with `make run` (or `streamlit run app.py`). `streamlit run` first imports this file as a
module to find `app` (Streamlit's ASGI `st.App`): that happens once, at server start, and starts
loading the model and the knowledge base in the background (ingesting the corpus, DATA/corpus
seeded from the shipped corpus/, when the knowledge base is empty), so the first visitor does not
pay for it. Each page view then runs this file as the script (`__main__`). Pages live in pages/;
to add one, add one line to PAGES.
"""

from pathlib import Path

import streamlit as st

WIDE = {"Evaluate"}  # pages whose tables need the width (set here: a page's own call is lost
# when the coder switches to it from another page)
FAVICON = Path(__file__).resolve().parent / ".streamlit" / "favicon.png"  # local: works offline

if __name__ != "__main__":  # imported by `streamlit run` at server start (not a page view)
    from pages import _shared

    app = st.App(__file__, lifespan=_shared.preload_on_start)
else:
    PAGES = [
        st.Page("pages/ask.py", title="Ask", icon=":material/chat:", default=True),
        st.Page("pages/evaluate.py", title="Evaluate", icon=":material/fact_check:"),
        st.Page("pages/admin.py", title="Admin", icon=":material/admin_panel_settings:"),
    ]

    # the local favicon before the navigation: set after it, the browser would first fetch the
    # current page's Material icon from an outside font server (offline: a failed request)
    st.set_page_config(
        page_title="Radiation Oncology Coding Q&A",
        page_icon=str(FAVICON),
        initial_sidebar_state="auto",
        menu_items={
            "Get help": None,
            "Report a bug": None,
            "About": "Verbatim curated radiation-oncology CPT® coding guidance, with its "
            "source's disclaimer attached. Never generated.",
        },
    )
    # navigation next, before the heavy imports below: the visitor sees the app's own frame and
    # page list at once (never the helper modules in pages/), then a loading state
    page = st.navigation(PAGES)
    st.set_page_config(layout="wide" if page.title in WIDE else "centered")

    from pages import _shared

    _shared.current_or_stop()  # model, knowledge base and app database: loaded before any question
    page.run()
