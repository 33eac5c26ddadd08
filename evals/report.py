"""Reports of a run (its `to_dict()` form): a self-contained HTML page and Markdown.

The HTML inlines plotly's JavaScript so it opens offline. Every answer text it shows is followed
by its document's disclaimer; everything from the eval set is escaped.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

from plotly.offline import get_plotlyjs

from evals.compare import Comparison
from evals.metrics import rows_behind
from evals.plots import per_entry_figure, risk_coverage_figure

METRICS = (  # key, label, what it means
    ("accuracy", "Overall accuracy", "right answer in scope, abstention out of scope"),
    ("in_scope_accuracy", "In scope answered right", "top result is an expected entry"),
    ("out_of_scope_abstention", "Out-of-scope abstention", "abstained when nothing applies"),
    ("false_abstention", "False abstention", "abstained although an entry applies (lower is "
                                             "better)"),
    ("abstained_right_first", "Abstained, right entry first",
     "in-scope rows abstained on although the right entry ranked first (lower is better)"),
    ("hit@1", "Hit@1", "expected entry ranked first (answer or suggestion)"),
    ("hit@3", "Hit@3", "expected entry in the first three"),
    ("hit@5", "Hit@5", "expected entry in the first five"),
    ("mrr@5", "MRR@5", "mean reciprocal rank of the expected entry"),
    ("coverage", "Coverage", "share of questions answered"),
    ("risk", "Risk", "share of answers that are wrong (lower is better)"),
)

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #ddd;padding-bottom:.3rem}
.meta{color:#555;font-size:.9rem} table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5} td.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:8px;padding:.6rem .9rem;min-width:150px}
.card b{display:block;font-size:1.4rem} .card span{color:#555;font-size:.8rem}
.failed{border:1px solid #e0b4b4;border-left:4px solid #c62828;border-radius:6px;
padding:.6rem .9rem;margin:.8rem 0;background:#fffafa}
.failed .q{font-weight:600} .muted{color:#666;font-size:.85rem}
.answer{white-space:pre-wrap;background:#fff;border:1px solid #eee;padding:.5rem;margin:.4rem 0}
.disclaimer{font-size:.8rem;color:#555;border-left:3px solid #f9a825;padding-left:.5rem}
.reg{color:#c62828;font-weight:600} .imp{color:#2e7d32;font-weight:600}
"""


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    return get_plotlyjs()


def _pct(x: Any) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _ci(m: dict[str, Any], key: str) -> str:
    ci = m.get(f"{key}_ci")
    return "" if not ci or ci[0] is None else f"{ci[0]:.3f}–{ci[1]:.3f}"


def _n(m: dict[str, Any], key: str) -> str:
    n = rows_behind(m, key)
    return "" if n is None else str(n)


def _entry_line(run: dict[str, Any], eid: str, score: float | None = None) -> str:
    e = run.get("entries", {}).get(eid)
    s = f" <span class='muted'>({score:.3f})</span>" if score is not None else ""
    q = f" — {escape(e['question'])}" if e else ""
    return f"<code>{escape(eid)}</code>{s}{q}"


def _answer_block(run: dict[str, Any], eid: str) -> str:
    """An entry's verbatim answer with its document's disclaimer (never one without the other)."""
    e = run.get("entries", {}).get(eid)
    if not e or not e.get("answer"):
        return ""
    disclaimer = e.get("disclaimer") or run.get("disclaimers", {}).get(e.get("document", ""))
    if not disclaimer:
        return ""  # no disclaimer known: the answer is not shown
    return (f"<details><summary>Answer returned ({escape(eid)})</summary>"
            f"<div class='answer'>{escape(e['answer'])}</div>"
            f"<div class='disclaimer'><b>Disclaimer ({escape(e['document'])}):</b> "
            f"{escape(disclaimer)}</div></details>")


def _failed_row(run: dict[str, Any], r: dict[str, Any]) -> str:
    exp = ("<i>out of scope — should abstain</i>" if not r["expected"] else
           "<br>".join(_entry_line(run, x) for x in r["expected"]))
    if r["abstained"]:
        got = "<b>abstained</b>"
        if r.get("reason"):
            got += f" <span class='muted'>{escape(r['reason'])}</span>"
        if r.get("suggestions"):
            got += "<br>suggested: " + "<br>".join(
                _entry_line(run, s["id"], s["score"]) for s in r["suggestions"])
    else:
        got = "<br>".join(_entry_line(run, s["id"], s["score"]) for s in r["results"])
    ctx = ""
    if r.get("context"):
        ctx = ("<div class='muted'>after: " + " → ".join(escape(c) for c in r["context"])
               + "</div>")
    block = "" if r["abstained"] or not r["results"] else _answer_block(run, r["results"][0]["id"])
    return (f"<div class='failed' data-row='{escape(r['id'])}'>"
            f"<div class='muted'>{escape(r['id'])} · {escape(r.get('source', ''))}</div>{ctx}"
            f"<div class='q'>{escape(r['question'])}</div>"
            f"<table><tr><th style='width:9rem'>expected</th><td>{exp}</td></tr>"
            f"<tr><th>came back</th><td>{got}</td></tr></table>{block}</div>")


def _comparison_html(c: Comparison) -> str:
    rows = "".join(
        f"<tr><td>{escape(k)}</td><td class='num'>{_pct(o)}</td><td class='num'>{_pct(n)}</td>"
        f"<td class='num'>{'' if o is None or n is None else f'{n - o:+.3f}'}</td></tr>"
        for k, (o, n) in c.metrics.items())
    out = [f"<h2>Compared with {escape(c.old_version)}</h2>",
           f"<p><span class='reg'>{len(c.regressions)} regression(s)</span> · "
           f"<span class='imp'>{len(c.improvements)} improvement(s)</span> · "
           f"{len(c.changed)} changed wrong answer(s)</p>",
           f"<table><tr><th>metric</th><th>before</th><th>now</th><th>change</th></tr>{rows}"
           "</table>"]
    for title, cls, xs in (("Regressions", "reg", c.regressions),
                           ("Improvements", "imp", c.improvements),
                           ("Changed wrong answers", "", c.changed)):
        if xs:
            out.append(f"<h3 class='{cls}'>{title}</h3><table><tr><th>row</th><th>question</th>"
                       "<th>expected</th><th>before</th><th>now</th></tr>" + "".join(
                           f"<tr><td>{escape(x.id)}</td><td>{escape(x.question)}</td>"
                           f"<td>{escape(', '.join(x.expected) or 'abstain')}</td>"
                           f"<td>{escape(x.old)}</td><td>{escape(x.new)}</td></tr>" for x in xs)
                       + "</table>")
    return "".join(out)


def to_html(run: dict[str, Any], comparison: Comparison | None = None,
            title: str = "Eval report") -> str:
    """The whole report as one self-contained HTML page."""
    m = run["metrics"]
    failed = [r for r in run["rows"] if not r["right"]]
    lat = m.get("latency_ms") or {}
    cards = "".join(f"<div class='card'><b>{_pct(m.get(k))}</b><span>{label}<br>95% CI "
                    f"{_ci(m, k)} · n={_n(m, k)}</span></div>" for k, label, _ in METRICS[:5])
    metric_rows = "".join(
        f"<tr><td>{label}</td><td class='num'>{_pct(m.get(k))}</td><td class='num'>"
        f"{_ci(m, k)}</td><td class='num'>{_n(m, k)}</td><td>{why}</td></tr>"
        for k, label, why in METRICS)
    metric_rows += (f"<tr><td>Latency median / p95</td><td class='num'>{lat.get('median')} / "
                    f"{lat.get('p95')} ms</td><td></td><td></td>"
                    "<td>per question, after a warm-up</td></tr>")
    mistakes = "".join(
        f"<tr><td><code>{escape(x['expected'])}</code></td><td><code>{escape(x['got'])}</code>"
        f"</td><td class='num'>{x['rows']}</td></tr>" for x in run.get("mistakes", []))
    plot_cfg = {"displaylogo": False, "responsive": True}
    plots = "".join(
        fig.to_html(full_html=False, include_plotlyjs=False, config=plot_cfg)
        for fig in (risk_coverage_figure(run), per_entry_figure(run)))
    disclaimers = "".join(f"<p class='disclaimer'><b>{escape(name)}:</b> {escape(text)}</p>"
                          for name, text in run.get("disclaimers", {}).items())
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(title)} — {escape(run['kb_version'])}</title>",
        f"<style>{CSS}</style><script>{_plotly_js()}</script></head><body>",
        f"<h1>{escape(title)}</h1><div class='meta'>Knowledge base "
        f"<code>{escape(run['kb_version'])}</code> · sets: "
        f"{escape(', '.join(run.get('sets', [])) or 'n/a')} · run at "
        f"{escape(run.get('run_at', ''))} · abstention threshold {run.get('threshold')} · "
        f"{m['rows']} rows ({m['in_scope_rows']} in scope, {m['out_of_scope_rows']} out of "
        f"scope) · <b>{len(failed)} wrong</b></div>",
        f"<div class='cards'>{cards}</div>",
        "<h2>Metrics</h2><table id='metrics'><tr><th>metric</th><th>value</th>"
        "<th>95% CI (bootstrap)</th><th>n</th>"
        f"<th>meaning</th></tr>{metric_rows}</table>",
        _comparison_html(comparison) if comparison else "",
        f"<h2>Plots</h2>{plots}",
        "<h2>Mistaken for</h2>" + (
            "<table><tr><th>expected</th><th>came back</th><th>rows</th></tr>"
            f"{mistakes}</table>" if mistakes else "<p>No mistakes.</p>"),
        f"<h2 id='failed'>Failed rows ({len(failed)})</h2>",
        "".join(_failed_row(run, r) for r in failed) or "<p>Every row is right.</p>",
        f"<h2>Disclaimers</h2>{disclaimers}",
        "</body></html>",
    ]
    return "".join(parts)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(run: dict[str, Any], comparison: Comparison | None = None) -> str:
    """Metrics, comparison and failed rows as Markdown (entry ids and questions, no answers)."""
    m = run["metrics"]
    lat = m.get("latency_ms") or {}
    lines = [f"# Eval report — `{run['kb_version']}`", "",
             f"Sets: {', '.join(run.get('sets', [])) or 'n/a'} · {m['rows']} rows "
             f"({m['in_scope_rows']} in scope, {m['out_of_scope_rows']} out of scope) · "
             f"threshold {run.get('threshold')}", "",
             "| metric | value | 95% CI (bootstrap) | n |", "|---|---:|---:|---:|"]
    lines += [f"| {label} | {_pct(m.get(k))} | {_ci(m, k)} | {_n(m, k)} |"
              for k, label, _ in METRICS]
    lines += [f"| Latency median / p95 (ms) | {lat.get('median')} / {lat.get('p95')} | | |", ""]
    if comparison:
        c = comparison
        lines += [f"## Compared with `{c.old_version}`", "",
                  f"{len(c.regressions)} regression(s), {len(c.improvements)} improvement(s), "
                  f"{len(c.changed)} changed wrong answer(s)", ""]
        for title, xs in (("Regression", c.regressions), ("Improvement", c.improvements),
                          ("Changed", c.changed)):
            lines += [f"- **{title}** {x.id}: {_md(x.question)} — expected "
                      f"{', '.join(x.expected) or 'abstain'}: {x.old} → {x.new}" for x in xs]
        lines.append("")
    failed = [r for r in run["rows"] if not r["right"]]
    lines += [f"## Failed rows ({len(failed)})", ""]
    if failed:
        lines += ["| row | question | expected | came back |", "|---|---|---|---|"]
        for r in failed:
            got = ("abstained" if r["abstained"] else
                   ", ".join(f"{x['id']} ({x['score']:.3f})" for x in r["results"]))
            lines.append(f"| {r['id']} | {_md(r['question'])} | "
                         f"{', '.join(r['expected']) or 'abstain'} | {got} |")
    else:
        lines.append("Every row is right.")
    return "\n".join(lines) + "\n"
