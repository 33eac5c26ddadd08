"""Evaluate: trainers run eval sets against the active knowledge base and see where it goes wrong.

The page draws; `evals` reads the sets, runs them, computes the metrics and builds the reports;
`appdb.evalruns` keeps the history. A run that fails records nothing.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from admin.review import PENDING
from appdb.evalruns import eval_runs, record_eval_run
from evals.runner import run
from evals.sets import EvalSetError, asks_about, read_set, read_sets, read_uploads
from pages import _shared, _ui
from pages._eval_views import HTML, RESULT, show_history, show_result
from retrieval.errors import RadoncQAError

SETS_DIR = Path(__file__).resolve().parents[1] / "evals" / "sets"
MAX_PAGE_ROWS = 2000  # larger sets: `python -m evals run` (same results, a terminal progress bar)
DEFAULT_SET = "seed-regression-dev.jsonl"
OTHER_KB = "for other documents"
SHIPPED, OWN = "Shipped sets", "Your own file"

_ui.style()
res = _shared.current()
facts = _shared.kb_facts(res)

st.title("Evaluate")
st.caption(f"Runs eval sets against the active knowledge base {_ui.md(facts.version)} "
           f"({facts.entries} entries). Rows expect entry ids (`document:n`), or none when the "
           "right behaviour is to abstain.")


@st.cache_data(show_spinner=False, max_entries=256)
def _for_kb(path: str, mtime: float, version: str, _kb_ids: frozenset[str]) -> bool:
    """Whether a set file asks only about entries of this knowledge base (unreadable: no)."""
    try:
        return asks_about(read_set(Path(path)), _kb_ids)
    except EvalSetError:
        return False


def _no_paths(message: str) -> str:
    """An error as trainers read it: shipped sets by file name, not the server's folders."""
    data_sets = res.settings.data_dir / "evals"
    return message.replace(f"{SETS_DIR}{os.sep}", "").replace(f"{data_sets}{os.sep}", "data/")


def start_run(chosen: list[str], uploads: list[Any]) -> None:
    """Read, check and run the chosen sets; keep the result and record it in the history."""
    try:
        rows = read_sets([set_paths[n] for n in chosen]) + read_uploads(
            (u.name, u) for u in uploads)
        if not rows:
            st.warning("Pick a shipped set or upload one first.")
            return
        if len(rows) > MAX_PAGE_ROWS:
            st.error(f"These sets have {len(rows):,} rows; the page runs up to "
                     f"{MAX_PAGE_ROWS:,}. Run larger sets from the command line: "
                     "`python -m evals run SET --report report.html`.")
            return
        names = [*chosen, *(u.name for u in uploads)]
        bar = st.progress(0.0, text=f"Asking {len(rows)} questions…")
        try:
            result = run(res.retriever, rows, sets=names,
                         progress=lambda n, total: bar.progress(n / total,
                                                                text=f"Asked {n} of {total}"))
        finally:
            bar.empty()
    except EvalSetError as e:
        st.error(f"**The eval set cannot be run.** {_ui.md(_no_paths(str(e)))}",
                 icon=":material/error:")
        return
    except RadoncQAError as e:
        st.error(f"**The knowledge base is not available.** {_ui.md(str(e))}",
                 icon=":material/error:")
        return
    d = result.to_dict()
    d["run_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    d["history_id"] = record_eval_run(res.db, d, ", ".join(names)) if res.db else None
    st.session_state[RESULT] = d
    st.session_state.pop(HTML, None)


# shipped sets, then the sets admins made under the data dir (e.g. questions marked out of scope,
# reviewed rows); rows still waiting for a review decision are not a set: they have no answer yet
set_paths = {p.name: p for p in sorted(SETS_DIR.iterdir()) if p.suffix in (".jsonl", ".csv")}
data_sets = res.settings.data_dir / "evals"
if data_sets.is_dir():
    set_paths |= {f"data/{p.name}": p for p in sorted(data_sets.iterdir())
                  if p.suffix in (".jsonl", ".csv") and p.name != PENDING}
shipped = list(set_paths)
kb_ids = frozenset(e.id for e in res.retriever.index().manifest.entries)
for_this_kb = [n for n in shipped if _for_kb(str(set_paths[n]), set_paths[n].stat().st_mtime,
                                            facts.version, kb_ids)]
source = st.segmented_control("Run", (SHIPPED, OWN), default=SHIPPED, key="eval-source",
                              help="One or the other: figures are never blended")
with st.form("eval-run", border=True):
    if source == OWN:
        chosen: list[str] = []
        uploads = st.file_uploader("Your eval set (JSONL or CSV: id, question, expected as entry "
                                   "ids separated by ;)", type=["jsonl", "csv"],
                                   accept_multiple_files=True, key="eval-upload")
    else:
        chosen = st.multiselect(
            "Shipped eval sets", shipped, key="eval-sets",
            default=[DEFAULT_SET] if DEFAULT_SET in for_this_kb else [
                n for n in for_this_kb if not n.startswith("data/")][:1],
            format_func=lambda n: n if n in for_this_kb else f"{n} · {OTHER_KB}",
            help=f"{len(for_this_kb)} of the {len(shipped)} sets expect only entries this "
                 f"knowledge base holds; the others ({OTHER_KB}) expect entries of documents it "
                 "does not hold, and running them says which.")
        uploads = []
    go = st.form_submit_button("Run evaluation", type="primary", icon=":material/play_arrow:")
if go:
    start_run(chosen, list(uploads or []))

history = eval_runs(res.db) if res.db else []
if RESULT in st.session_state:
    show_result(st.session_state[RESULT], history, res.db)
show_history(history, res.db)
