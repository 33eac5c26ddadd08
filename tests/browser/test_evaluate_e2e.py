"""The Evaluate page end to end in real Chromium against the real server (real model, Chroma, DB).

A trainer uploads a CSV set next to the shipped held-out set, runs it, sees cards and plots, and
the run lands in the history; a broken upload is refused with a message and records nothing.
Screenshots: artifacts/screenshots/evaluate-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from appdb import EvalRun
from tests.browser.harness import screenshot, wait_for_app

pytestmark = pytest.mark.browser

UPLOAD = (
    "id,question,expected\n"
    'up-1,"can we bill 77370 if the patient already finished RT?",astro-daily-practice-physics:1\n'
    "up-2,can physicist do weekly chart check remotely from home,astro-daily-practice-physics:4\n"
    "up-3,how do I renew my driver's license?,\n"
)


def eval_runs(data: Path) -> list[Any]:
    engine = create_engine(f"sqlite:///{data / 'app.db'}")
    try:
        with Session(engine) as s:
            return list(s.scalars(select(EvalRun).order_by(EvalRun.id)))
    finally:
        engine.dispose()


def upload(page: Any, path: Path) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    page.get_by_text(path.name).first.wait_for()


def run_evaluation(page: Any) -> None:
    page.get_by_role("button", name="Run evaluation").click()
    wait_for_app(page, timeout_ms=180_000)


def test_upload_run_history_and_a_refused_file(open_app, app_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = open_app()  # the chat, then Evaluate from the navigation, as a trainer gets there
    page.get_by_test_id("stSidebarNav").get_by_text("Evaluate", exact=True).click()
    page.get_by_role("heading", name="Evaluate").wait_for()
    wait_for_app(page)
    before = len(eval_runs(app_server.data_dir))  # the app creates its database on start
    csv_path = tmp_path / "coder-questions.csv"
    csv_path.write_text(UPLOAD, encoding="utf-8")
    upload(page, csv_path)
    run_evaluation(page)

    metrics = page.get_by_test_id("stMetric")
    assert metrics.count() >= 8
    labels = " ".join(metrics.all_inner_texts())
    assert "Overall accuracy" in labels and "False abstention" in labels
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    assert page.locator(".js-plotly-plot").count() >= 3  # risk–coverage, per entry, history
    page.get_by_role("button", name="Download HTML report").wait_for()  # drawn after the plots
    wait_for_app(page)
    assert page.get_by_text("55 of 55 rows").count() == 1  # 52 shipped + 3 uploaded
    assert page.get_by_role("button", name="Download HTML report").count() == 1
    screenshot(page, "evaluate-run")

    runs = eval_runs(app_server.data_dir)
    assert len(runs) == before + 1
    assert runs[-1].sets == "seed-heldout.jsonl, coder-questions.csv"
    rows = {r["id"]: r for r in runs[-1].result["rows"]}
    assert rows["up-3"]["abstained"]  # a driver's licence is out of scope
    assert rows["up-1"]["results"][0]["id"] == "astro-daily-practice-physics:1"

    # a file with a typo'd entry id: refused, named, nothing recorded
    page.get_by_role("button", name="Remove coder-questions.csv").click()
    bad = tmp_path / "typo.csv"
    bad.write_text("question,expected\n"
                   "who signs the 77370 report?,astro-daily-practise-physics:3\n", encoding="utf-8")
    upload(page, bad)
    run_evaluation(page)
    alert = page.get_by_test_id("stAlertContentError")
    alert.wait_for()
    text = alert.inner_text()
    assert "typo.csv:2" in text and "astro-daily-practise-physics:3" in text
    assert "did you mean astro-daily-practice-physics:3" in text
    screenshot(page, "evaluate-refused")
    assert len(eval_runs(app_server.data_dir)) == before + 1
