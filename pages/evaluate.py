"""Evaluate: trainers run eval sets against the active knowledge base and see where it goes wrong.

The page draws; `evals` reads the sets, runs them, computes the metrics and builds the reports;
`appdb.evalruns` keeps the history. A run that fails records nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from appdb.evalruns import eval_run_result, eval_runs, record_eval_run
from evals.metrics import ABSTAIN
from evals.plots import history_figure, per_entry_figure, risk_coverage_figure
from evals.report import to_html
from evals.runner import run
from evals.sets import EvalSetError, read_sets, read_uploads
from pages import _shared, _ui
from retrieval.errors import RadoncQAError

SETS_DIR = Path(__file__).resolve().parents[1] / "evals" / "sets"
MAX_PAGE_ROWS = 2000  # larger sets: `python -m evals run` (same results, a terminal progress bar)
RESULT = "eval_result"
HTML = "eval_result_html"
CARDS = (
    ("accuracy", "Overall accuracy", "Right answer in scope, abstention out of scope"),
    ("in_scope_accuracy", "In scope answered right", "Top result is an expected entry"),
    ("out_of_scope_abstention", "Out-of-scope abstention", "Abstained when nothing applies"),
    ("false_abstention", "False abstention", "Abstained although an entry applies"),
)
SHOWN = ("All rows", "Wrong", "Right", "In scope", "Out of scope", "Abstained")

_ui.style()
res = _shared.current()
facts = _shared.kb_facts(res)

st.title("Evaluate")
st.caption(f"Runs eval sets against the active knowledge base {_ui.md(facts.version)} "
           f"({facts.entries} entries). Rows expect entry ids (`document:n`), or none when the "
           "right behaviour is to abstain.")


def _pct(x: Any) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _previous(sets: str, kb_runs: list[dict[str, Any]], skip_id: int | None) -> dict[str, Any]:
    """Metrics of the last earlier run of the same sets (for the cards' deltas)."""
    for r in kb_runs:
        if r["sets"] == sets and r["id"] != skip_id:
            return dict(r["metrics"])
    return {}


def start_run(chosen: list[str], uploads: list[Any]) -> None:
    """Read, check and run the chosen sets; keep the result and record it in the history."""
    try:
        rows = read_sets([SETS_DIR / n for n in chosen]) + read_uploads(
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
        st.error(f"**The eval set cannot be run.** {_ui.md(str(e))}", icon=":material/error:")
        return
    except RadoncQAError as e:
        st.error(f"**The knowledge base is not available.** {_ui.md(str(e))}",
                 icon=":material/error:")
        return
    d = result.to_dict()
    d["history_id"] = record_eval_run(res.db, d, ", ".join(names)) if res.db else None
    st.session_state[RESULT] = d
    st.session_state.pop(HTML, None)


def table(d: dict[str, Any]) -> pd.DataFrame:
    entries = d.get("entries", {})
    out = []
    for r in d["rows"]:
        ranked = r["suggestions"] if r["abstained"] else r["results"]
        returned = ABSTAIN if r["abstained"] else ", ".join(x["id"] for x in r["results"])
        top = ranked[0]["id"] if ranked else ""
        out.append({
            "right": bool(r["right"]),
            "id": r["id"],
            "question": r["question"],
            "expected": ", ".join(r["expected"]) or "(abstain)",
            "returned": returned,
            "score": r["top_score"],
            "top entry's question": entries.get(top, {}).get("question", ""),
            "_right": r["right"], "_in": bool(r["expected"]), "_abst": r["abstained"],
        })
    return pd.DataFrame(out)


def show_result(d: dict[str, Any], kb_runs: list[dict[str, Any]]) -> None:
    m = d["metrics"]
    st.subheader("Result")
    st.caption(f"{', '.join(_ui.md(s) for s in d.get('sets', []))} · knowledge base "
               f"{_ui.md(d['kb_version'])} · {m['rows']} rows ({m['in_scope_rows']} in scope, "
               f"{m['out_of_scope_rows']} out of scope) · threshold {d.get('threshold')} · "
               f"latency median {m['latency_ms']['median']} ms, p95 {m['latency_ms']['p95']} ms")
    before = _previous(", ".join(d.get("sets", [])), kb_runs, d.get("history_id"))
    for col, (key, label, helptext) in zip(st.columns(4), CARDS, strict=True):
        delta = None
        if before.get(key) is not None and m.get(key) is not None:
            delta = f"{(m[key] - before[key]) * 100:+.1f} pts"
        col.metric(label, _pct(m.get(key)), delta, help=helptext,
                   delta_color="inverse" if key == "false_abstention" else "normal")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Hit@1", _pct(m.get("hit@1")))
    c2.metric("Hit@3", _pct(m.get("hit@3")))
    c3.metric("MRR@5", f"{m['mrr@5']:.3f}" if m.get("mrr@5") is not None else "n/a")
    c4.metric("Coverage", _pct(m.get("coverage")), help="Share of questions answered")

    st.plotly_chart(risk_coverage_figure(d), key="risk-coverage")
    st.plotly_chart(per_entry_figure(d), key="per-entry")

    st.subheader("Per question")
    df = table(d)
    f1, f2 = st.columns([2, 3])
    show = f1.selectbox("Show", SHOWN, key="eval-filter")
    text = f2.text_input("Filter by text", key="eval-text", placeholder="question, id or entry")
    mask = pd.Series(True, index=df.index)
    if show == "Wrong":
        mask &= ~df["_right"]
    elif show == "Right":
        mask &= df["_right"]
    elif show == "In scope":
        mask &= df["_in"]
    elif show == "Out of scope":
        mask &= ~df["_in"]
    elif show == "Abstained":
        mask &= df["_abst"]
    if text.strip():
        needle = text.strip().lower()
        hay = (df["id"] + " " + df["question"] + " " + df["expected"] + " "
               + df["returned"]).str.lower()
        mask &= hay.str.contains(needle, regex=False)
    shown = df[mask].drop(columns=["_right", "_in", "_abst"])
    st.caption(f"{len(shown)} of {len(df)} rows")
    st.dataframe(shown, hide_index=True, key="eval-table",
                 column_config={"score": st.column_config.NumberColumn(format="%.3f"),
                                "right": st.column_config.CheckboxColumn(width="small")})

    if HTML not in st.session_state:
        st.session_state[HTML] = to_html(d)
    stem = f"eval-{d['kb_version']}"
    b1, b2 = st.columns(2)
    b1.download_button("Download JSON", json.dumps(d, ensure_ascii=False, indent=2),
                       file_name=f"{stem}.json", mime="application/json",
                       icon=":material/download:", key="dl-json")
    b2.download_button("Download HTML report", st.session_state[HTML],
                       file_name=f"{stem}.html", mime="text/html",
                       icon=":material/download:", key="dl-html")


def show_history(kb_runs: list[dict[str, Any]]) -> None:
    st.subheader("History")
    if res.db is None:
        st.info("The app database is not available, so past runs cannot be shown.")
        return
    if not kb_runs:
        st.caption("No runs yet. Each completed run is kept here.")
        return
    rows = [{"run": r["id"], "run at": r["run_at"], "sets": r["sets"],
             "knowledge base": r["kb_version"], "rows": r["metrics"].get("rows"),
             "accuracy": r["metrics"].get("accuracy"),
             "in scope right": r["metrics"].get("in_scope_accuracy"),
             "out-of-scope abstention": r["metrics"].get("out_of_scope_abstention"),
             "false abstention": r["metrics"].get("false_abstention")} for r in kb_runs]
    st.plotly_chart(history_figure([{"sets": r["sets"], "run_at": r["run_at"],
                                     "kb_version": r["kb_version"],
                                     "accuracy": r["metrics"].get("accuracy")}
                                    for r in kb_runs]), key="history")
    pct = st.column_config.NumberColumn(format="percent")
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="history-table",
                 column_config={k: pct for k in ("accuracy", "in scope right",
                                                 "out-of-scope abstention", "false abstention")})
    pick = st.selectbox("Open a past run", [None, *(r["id"] for r in kb_runs)], key="eval-past",
                        format_func=lambda i: "—" if i is None else f"run {i}")
    if pick is not None and st.button("Open", key="eval-open"):
        past = eval_run_result(res.db, pick)
        if past is None:
            st.warning("That run was too large to keep row by row; only its metrics are kept.")
        else:
            st.session_state[RESULT] = {**past, "history_id": pick}
            st.session_state.pop(HTML, None)
            st.rerun()


shipped = sorted(p.name for p in SETS_DIR.iterdir() if p.suffix in (".jsonl", ".csv"))
with st.form("eval-run", border=True):
    chosen = st.multiselect("Shipped eval sets", shipped, key="eval-sets",
                            default=[n for n in shipped if n == "seed-heldout.jsonl"])
    uploads = st.file_uploader("…or upload your own (JSONL or CSV: id, question, expected as "
                               "entry ids separated by ;)", type=["jsonl", "csv"],
                               accept_multiple_files=True, key="eval-upload")
    go = st.form_submit_button("Run evaluation", type="primary", icon=":material/play_arrow:")
if go:
    start_run(chosen, list(uploads or []))

history = eval_runs(res.db) if res.db else []
if RESULT in st.session_state:
    show_result(st.session_state[RESULT], history)
show_history(history)
