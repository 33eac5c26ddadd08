"""Streamlit entry point: page config, shared resources (loaded once per server), navigation.

Run with `make run` (or `streamlit run app.py`). On the first run it ingests corpus/ when the
knowledge base is empty. Pages live in pages/; to add one, add one line to PAGES.
"""

import streamlit as st

from pages import _shared

st.set_page_config(
    page_title="Radiation Oncology Coding Q&A",
    page_icon=":material/radiology:",
    layout="centered",
    initial_sidebar_state="auto",
    menu_items={
        "Get help": None,
        "Report a bug": None,
        "About": "Verbatim curated radiation-oncology CPT® coding guidance, with its "
        "source's disclaimer attached. Never generated.",
    },
)

PAGES = [
    st.Page("pages/ask.py", title="Ask", icon=":material/chat:", default=True),
    st.Page("pages/evaluate.py", title="Evaluate", icon=":material/fact_check:"),
    st.Page("pages/admin.py", title="Admin", icon=":material/admin_panel_settings:"),
]

# navigation first: it also turns off Streamlit's legacy pages/ auto-discovery, so even an error
# below shows the app's own page list, never the helper modules in pages/
page = st.navigation(PAGES)
_shared.current_or_stop()  # model, knowledge base and app database: loaded before any question
page.run()
