"""Reports: escaping and disclaimers on a hand-made run; the real report in real Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.compare import compare
from evals.report import to_html, to_markdown
from evals.runner import run
from evals.sets import read_jsonl
from tests.browser.harness import SCREENSHOTS
from tests.conftest import EVAL_SETS

DISCLAIMER = "These answers are opinions, not legal advice."


def hand_made() -> dict[str, Any]:
    rows = [
        {"id": "r1", "question": "<img src=x onerror=alert(1)>", "expected": [],
         "abstained": False, "results": [{"id": "d:1", "score": 0.61}], "suggestions": [],
         "right": False, "got": "d:1", "top_score": 0.61, "source": "s.jsonl:1"},
        {"id": "r2", "question": "who signs | the report?", "expected": ["d:2"],
         "abstained": True, "results": [], "suggestions": [{"id": "d:2", "score": 0.3}],
         "right": False, "got": "(abstained)", "top_score": 0.3, "source": "s.jsonl:2",
         "reason": "No entry in the knowledge base answers this question."},
        {"id": "r3", "question": "fine", "expected": ["d:1"], "abstained": False,
         "results": [{"id": "d:1", "score": 0.9}], "suggestions": [], "right": True,
         "got": "d:1", "top_score": 0.9, "source": "s.jsonl:3"},
    ]
    return {
        "kb_version": "v1", "run_at": "2026-11-27T22:00:00+00:00", "sets": ["s.jsonl"],
        "threshold": 0.4, "rows": rows,
        "metrics": {"rows": 3, "in_scope_rows": 2, "out_of_scope_rows": 1, "accuracy": 1 / 3,
                    "in_scope_accuracy": 0.5, "out_of_scope_abstention": 0.0,
                    "false_abstention": 0.5, "hit@1": 1.0, "hit@3": 1.0, "hit@5": 1.0,
                    "mrr@5": 1.0, "coverage": 2 / 3, "risk": 0.5,
                    "latency_ms": {"median": 20.0, "p95": 30.0}},
        "per_entry": {"d:1": {"right": 1, "wrong": 0, "abstained": 0},
                      "d:2": {"right": 0, "wrong": 0, "abstained": 1},
                      "(out of scope)": {"right": 0, "wrong": 1, "abstained": 0}},
        "mistakes": [{"expected": "(out of scope)", "got": "d:1", "rows": 1},
                     {"expected": "d:2", "got": "(abstained)", "rows": 1}],
        "risk_coverage": [{"threshold": t, "coverage": c, "risk": r, "accuracy": 0.5,
                           "in_scope_accuracy": 0.5, "false_abstention": 0.5,
                           "out_of_scope_abstention": 0.0}
                          for t, c, r in ((0.2, 1.0, 0.33), (0.5, 0.67, 0.5), (0.95, 0.0, None))],
        "entries": {"d:1": {"question": "Can we bill it?", "answer": "Yes, when <b>ordered</b>.",
                            "document": "d", "disclaimer": DISCLAIMER},
                    "d:2": {"question": "Who signs?", "answer": "The QMP.", "document": "d",
                            "disclaimer": DISCLAIMER}},
        "disclaimers": {"d": DISCLAIMER},
    }


def test_html_escapes_eval_text_and_shows_answers_only_with_disclaimers() -> None:
    html = to_html(hand_made())
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Yes, when &lt;b&gt;ordered&lt;/b&gt;." in html  # answer text verbatim, escaped
    answer_at = html.index("Yes, when &lt;b&gt;ordered")
    assert html.index(DISCLAIMER, answer_at) - answer_at < 300  # the disclaimer follows it
    assert "data-row='r1'" in html and "data-row='r2'" in html and "data-row='r3'" not in html
    assert "Failed rows (2)" in html and "<script src=" not in html


def test_an_answer_without_a_known_disclaimer_is_not_shown() -> None:
    d = hand_made()
    d["entries"]["d:1"]["disclaimer"] = ""
    d["disclaimers"] = {}
    assert "Yes, when" not in to_html(d)


def test_markdown_lists_failed_rows_and_comparison() -> None:
    old = hand_made()
    new = json.loads(json.dumps(old))
    new["rows"][2].update(right=False, got="(abstained)", abstained=True, results=[])
    new["rows"][0].update(right=True, got="(abstained)", abstained=True, results=[])
    md = to_markdown(new, compare(old, new))
    assert "## Failed rows (2)" in md and "| r3 | fine | d:1 | abstained |" in md
    assert "who signs \\| the report?" in md  # table pipes escaped
    assert "**Regression** r3" in md and "**Improvement** r1" in md


@pytest.mark.slow
@pytest.mark.browser
def test_report_opens_offline_in_chromium_with_failed_rows(seed_retriever, chromium,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    result = run(seed_retriever, read_jsonl(EVAL_SETS / "seed-regression-dev.jsonl"),
                 sets=["seed-regression-dev.jsonl"]).to_dict()
    failed = [r["id"] for r in result["rows"] if not r["right"]]
    assert failed
    path = tmp_path / "report.html"
    path.write_text(to_html(result), encoding="utf-8")
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:"))
            else outside.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    assert page.locator(".js-plotly-plot").count() == 2  # risk–coverage, per entry
    assert page.locator("#metrics tr").count() >= 11
    shown = page.locator(".failed").evaluate_all("els => els.map(e => e.dataset.row)")
    assert shown == failed
    text = page.locator("#failed").evaluate("h => h.textContent")
    assert f"Failed rows ({len(failed)})" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "eval-report.png"), full_page=True)
    page.locator(".failed").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "eval-report-failed-rows.png"))
    assert outside == [] and errors == []  # works offline, no script errors
    page.close()


def test_reports_show_each_rate_with_its_interval_and_row_count() -> None:
    run_ = hand_made()
    run_["metrics"].update({"in_scope_accuracy_ci": [0.1, 0.9], "abstained_right_first": 0.5,
                            "abstained_right_first_ci": [0.0, 1.0]})
    md = to_markdown(run_)
    assert "| In scope answered right | 0.500 | 0.100–0.900 | 2 |" in md
    assert "| Out-of-scope abstention | 0.000 |  | 1 |" in md  # no interval given: none shown
    assert "| Abstained, right entry first | 0.500 | 0.000–1.000 | 2 |" in md
    html = to_html(run_)
    assert "<td class='num'>0.100–0.900</td><td class='num'>2</td>" in html
