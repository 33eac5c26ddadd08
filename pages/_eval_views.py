"""The Evaluate page's views of a run: headline cards, plots, rows, changes, downloads, history."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from appdb import AppDB
from appdb.evalruns import eval_run_result
from evals.compare import Comparison, compare
from evals.metrics import ABSTAIN
from evals.plots import history_figure, per_entry_figure, risk_coverage_figure
from evals.report import to_html
from pages import _ui

RESULT = "eval_result"
HTML = "eval_result_html"
FILTER = "eval_filter_kept"  # the "Show" choice, kept across runs (widget state is per run)
PLOT_CONFIG = {"displayModeBar": False, "responsive": True}  # no toolbar over titles on a phone
CARDS = (
    ("accuracy", "Overall accuracy", "Right answer in scope, abstention out of scope"),
    ("in_scope_accuracy", "In scope answered right", "Top result is an expected entry"),
    ("out_of_scope_abstention", "Out-of-scope abstention", "Abstained when nothing applies"),
    ("false_abstention", "False abstention", "Abstained although an entry applies"),
)
SHOWN = ("All rows", "Wrong", "Right", "In scope", "Out of scope", "Abstained")


def _pct(x: Any) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _previous(sets: str, kb_runs: list[dict[str, Any]], skip_id: int | None
              ) -> dict[str, Any] | None:
    """The last run of the same sets before this one (for the deltas and the row changes)."""
    for r in kb_runs:
        if r["sets"] == sets and r["id"] != skip_id and (skip_id is None or r["id"] < skip_id):
            return r
    return None


def run_label(r: dict[str, Any]) -> str:
    """A past run as a trainer recognises it: sets, date, knowledge-base version."""
    at = str(r["run_at"])[:16].replace("T", " ")
    return f"#{r['id']} · {r['sets']} · {at} UTC · KB {r['kb_version']}"


def table(d: dict[str, Any]) -> pd.DataFrame:
    entries = d.get("entries", {})
    out = []
    for r in d["rows"]:
        ranked = r["suggestions"] if r["abstained"] else r["results"]
        returned = ABSTAIN if r["abstained"] else ", ".join(x["id"] for x in r["results"])
        top = ranked[0]["id"] if ranked else ""
        out.append({  # what a trainer compares first comes first (narrow screens scroll right)
            "right": bool(r["right"]),
            "id": r["id"],
            "expected": ", ".join(r["expected"]) or "(abstain)",
            "returned": returned,
            "score": r["top_score"],
            "question": r["question"],
            "top entry's question": entries.get(top, {}).get("question", ""),
            "_right": r["right"], "_in": bool(r["expected"]), "_abst": r["abstained"],
        })
    return pd.DataFrame(out)


def show_result(d: dict[str, Any], kb_runs: list[dict[str, Any]], db: AppDB | None) -> None:
    m = d["metrics"]
    st.subheader("Result")
    st.caption(f"{', '.join(_ui.md(s) for s in d.get('sets', []))} · knowledge base "
               f"{_ui.md(d['kb_version'])} · {m['rows']} rows ({m['in_scope_rows']} in scope, "
               f"{m['out_of_scope_rows']} out of scope) · threshold {d.get('threshold')} · "
               f"latency median {m['latency_ms']['median']} ms, p95 {m['latency_ms']['p95']} ms")
    prev = _previous(", ".join(d.get("sets", [])), kb_runs, d.get("history_id"))
    _metric_cards(m, dict(prev["metrics"]) if prev else {})
    if prev is not None:
        show_changes(d, prev, db)
    c1, c2 = st.columns(2)
    c1.plotly_chart(risk_coverage_figure(d), key="risk-coverage", config=PLOT_CONFIG)
    c2.plotly_chart(per_entry_figure(d), key="per-entry", config=PLOT_CONFIG)
    _row_table(d)
    _downloads(d)


def _metric_cards(m: dict[str, Any], before: dict[str, Any]) -> None:
    """The headline rates, each with its change since the previous run of the same sets."""
    for col, (key, label, helptext) in zip(st.columns(4), CARDS, strict=True):
        delta, arrow = None, "auto"
        if before.get(key) is not None and m.get(key) is not None:
            pts = round((m[key] - before[key]) * 100, 1)
            delta = f"{pts:+.1f} pts" if pts else "no change"
            arrow = "auto" if pts else "off"  # a zero change is no arrow, not a red one
        col.metric(label, _pct(m.get(key)), delta, help=helptext, delta_arrow=arrow,  # type: ignore[arg-type]
                   delta_color=("off" if delta == "no change" else
                                "inverse" if key == "false_abstention" else "normal"))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Hit@1", _pct(m.get("hit@1")))
    c2.metric("Hit@3", _pct(m.get("hit@3")))
    c3.metric("MRR@5", f"{m['mrr@5']:.3f}" if m.get("mrr@5") is not None else "n/a")
    c4.metric("Coverage", _pct(m.get("coverage")), help="Share of questions answered")


def _row_table(d: dict[str, Any]) -> None:
    """Every row of the run, filtered by outcome and by text."""
    st.subheader("Per question")
    df = table(d)
    f1, f2 = st.columns([2, 3])
    show = f1.selectbox("Show", SHOWN, index=SHOWN.index(st.session_state.get(FILTER, SHOWN[0])),
                        key="eval-filter", on_change=_keep_filter)
    text = f2.text_input("Filter by text", key="eval-text", placeholder="question, id or entry")
    shown = df[_row_mask(df, show, text)].drop(columns=["_right", "_in", "_abst"])
    st.caption(f"{len(shown)} of {len(df)} rows")
    st.dataframe(shown, hide_index=True, key="eval-table", width="stretch",
                 column_config={"score": st.column_config.NumberColumn(format="%.3f",
                                                                       width="small"),
                                "right": st.column_config.CheckboxColumn(width="small"),
                                "id": st.column_config.TextColumn(width="small"),
                                # entry ids are long: medium columns keep the score in view
                                "expected": st.column_config.TextColumn(width="medium"),
                                "returned": st.column_config.TextColumn(width="medium"),
                                "question": st.column_config.TextColumn(width="large")})


def _row_mask(df: pd.DataFrame, show: str, text: str) -> pd.Series:
    """Rows of the chosen outcome whose id, question or entries contain the text."""
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
    return mask


def _downloads(d: dict[str, Any]) -> None:
    """The run as JSON and as a standalone HTML report."""
    if HTML not in st.session_state:
        st.session_state[HTML] = to_html(d)
    when = str(d.get("run_at") or "")[:16].replace(":", "").replace("T", "-")
    stem = f"eval-{when or 'run'}-{d['kb_version']}"
    b1, b2 = st.columns(2)
    b1.download_button("Download JSON", json.dumps(d, ensure_ascii=False, indent=2),
                       file_name=f"{stem}.json", mime="application/json",
                       icon=":material/download:", key="dl-json")
    b2.download_button("Download HTML report", st.session_state[HTML],
                       file_name=f"{stem}.html", mime="text/html",
                       icon=":material/download:", key="dl-html")


def _keep_filter() -> None:
    st.session_state[FILTER] = st.session_state["eval-filter"]


def show_changes(d: dict[str, Any], prev: dict[str, Any], db: AppDB | None) -> None:
    """Rows that regressed and were fixed since the last run of the same sets (as `--compare`)."""
    old = eval_run_result(db, prev["id"]) if db else None
    if old is None:
        return
    c: Comparison = compare(old, d)
    st.markdown(f"**Since {_ui.md(run_label(prev))}:** {len(c.regressions)} regressed, "
                f"{len(c.improvements)} fixed, {len(c.changed)} wrong both times but "
                "answered differently.")
    for title, rows, expanded in (("Regressed (right before, wrong now)", c.regressions, True),
                                  ("Fixed (wrong before, right now)", c.improvements, False),
                                  ("Wrong both times, answered differently", c.changed, False)):
        if rows:
            with st.expander(f"{title}: {len(rows)}", expanded=expanded):
                st.dataframe([{"id": r.id, "question": r.question,
                               "expected": ", ".join(r.expected) or "(abstain)",
                               "before": r.old, "now": r.new} for r in rows],
                             hide_index=True, width="stretch")


def show_history(kb_runs: list[dict[str, Any]], db: AppDB | None) -> None:
    st.subheader("History")
    if db is None:
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
                                    for r in kb_runs]), key="history", config=PLOT_CONFIG)
    pct = st.column_config.NumberColumn(format="percent")
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="history-table",
                 column_config={k: pct for k in ("accuracy", "in scope right",
                                                 "out-of-scope abstention", "false abstention")})
    labels = {r["id"]: run_label(r) for r in kb_runs}
    pick = st.selectbox("Open a past run", [None, *labels], key="eval-past",
                        format_func=lambda i: "—" if i is None else labels[i])
    if pick is not None and st.button("Open", key="eval-open"):
        past = eval_run_result(db, pick)
        if past is None:
            st.warning("That run was too large to keep row by row; only its metrics are kept.")
        else:
            st.session_state[RESULT] = {**past, "history_id": pick}
            st.session_state.pop(HTML, None)
            st.rerun()
