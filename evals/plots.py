"""Plotly figures of a run (its `to_dict()` form), shared by the HTML report and the app."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

RIGHT, WRONG, ABSTAINED = "#2e7d32", "#c62828", "#9e9e9e"


def risk_coverage_figure(run: dict[str, Any]) -> go.Figure:
    """Risk (wrong share of answers) against coverage (answered share), one point per threshold.

    The point of the threshold the run used is marked.
    """
    pts = [p for p in run.get("risk_coverage", []) if p.get("coverage") is not None]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=[p["coverage"] for p in pts], y=[p["risk"] or 0.0 for p in pts],
        mode="lines+markers", name="threshold sweep", line={"shape": "hv"},
        customdata=[[p["threshold"], p["false_abstention"], p["out_of_scope_abstention"]]
                    for p in pts],
        hovertemplate=("threshold %{customdata[0]:.3f}<br>coverage %{x:.2f}<br>"
                       "risk %{y:.2f}<br>false abstention %{customdata[1]:.2f}<br>"
                       "out-of-scope abstention %{customdata[2]:.2f}<extra></extra>"),
    ))
    m = run.get("metrics", {})
    if m.get("coverage") is not None:
        fig.add_trace(go.Scatter(
            x=[m["coverage"]], y=[m.get("risk") or 0.0], mode="markers", name="this run",
            marker={"size": 14, "symbol": "star", "color": "#f9a825",
                    "line": {"width": 1, "color": "#333"}},
            hovertemplate=(f"this run (threshold {run.get('threshold')})<br>coverage %{{x:.2f}}"
                           "<br>risk %{y:.2f}<extra></extra>"),
        ))
    fig.update_xaxes(automargin=True)  # axis titles inside the figure at any width
    fig.update_yaxes(automargin=True)
    fig.update_layout(
        title="Risk–coverage over the abstention threshold",
        xaxis={"title": "coverage (share of questions answered)", "range": [0, 1.02]},
        yaxis={"title": "risk (share of answers that are wrong)", "rangemode": "tozero"},
        height=380, margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend={"x": 0.01, "y": 0.99},
    )
    return fig


def tradeoff_figure(points: list[dict[str, Any]], chosen: float | None = None,
                    title: str = "Abstention trade-off") -> go.Figure:
    """False abstention and out-of-scope abstention against the threshold."""
    fig = go.Figure()
    xs = [p["threshold"] for p in points]
    for key, name, color in (("false_abstention", "false abstention (in scope)", WRONG),
                             ("out_of_scope_abstention", "out-of-scope abstention", RIGHT),
                             ("accuracy", "overall accuracy", "#1565c0")):
        fig.add_trace(go.Scatter(x=xs, y=[p[key] for p in points], name=name,
                                 mode="lines", line={"shape": "hv", "color": color}))
    if chosen is not None:
        fig.add_vline(x=chosen, line_dash="dash", annotation_text=f"threshold {chosen}")
    fig.update_layout(title=title, xaxis_title="abstention threshold (P(right) or min_score)",
                      yaxis={"title": "rate", "range": [0, 1.02]}, height=340,
                      margin={"l": 60, "r": 20, "t": 50, "b": 50})
    return fig


def per_entry_figure(run: dict[str, Any]) -> go.Figure:
    """Rows per expected entry, stacked by right / wrong entry / abstained."""
    table = run.get("per_entry", {})
    labels = list(table)
    fig = go.Figure()
    for key, name, color in (("right", "right", RIGHT), ("wrong", "wrong entry / answered", WRONG),
                             ("abstained", "abstained", ABSTAINED)):
        fig.add_trace(go.Bar(y=labels, x=[table[e][key] for e in labels], name=name,
                             orientation="h", marker_color=color))
    # the unit goes in the title (no x-axis title) and the legend has the figure's bottom strip
    # to itself: on a phone its entries stack and, placed by the plot area, covered the ticks
    fig.update_layout(barmode="stack", title="Rows per expected entry",
                      height=max(330, 130 + 34 * len(labels)),
                      yaxis={"autorange": "reversed", "automargin": True},
                      legend={"orientation": "h", "x": 0, "xref": "container", "y": 0,
                              "yref": "container", "yanchor": "bottom", "font": {"size": 11}},
                      margin={"l": 10, "r": 10, "t": 50, "b": 90})
    return fig


def history_figure(runs: list[dict[str, Any]]) -> go.Figure:
    """Accuracy per knowledge-base version (oldest first), one line per selection of sets.

    Several runs of the same sets on one version: the latest counts.
    """
    fig = go.Figure()
    ordered = sorted(runs, key=lambda r: str(r["run_at"]))
    versions = list(dict.fromkeys(r["kb_version"] for r in ordered))
    by_sets: dict[str, dict[str, dict[str, Any]]] = {}
    for r in ordered:
        by_sets.setdefault(r["sets"], {})[r["kb_version"]] = r
    for sets, per_version in by_sets.items():
        xs = [v for v in versions if v in per_version]
        fig.add_trace(go.Scatter(
            x=xs, y=[per_version[v]["accuracy"] for v in xs], mode="lines+markers", name=sets,
            text=[str(per_version[v]["run_at"])[:16] for v in xs],
            hovertemplate="%{x}<br>accuracy %{y:.3f}<br>run at %{text}<extra></extra>"))
    fig.update_layout(title="Accuracy over knowledge-base versions",
                      xaxis={"title": "knowledge-base version", "type": "category"},
                      yaxis={"title": "accuracy", "range": [0, 1.02]}, height=340,
                      showlegend=True, legend={"orientation": "h", "y": -0.35},
                      margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig
