"""The Evaluate page end to end in real Chromium against the real server (real model, Chroma, DB).

A trainer uploads a CSV set next to the shipped held-out set, runs it, sees cards and plots, and
the run lands in the history; a broken upload is refused with a message and records nothing.
Screenshots: artifacts/screenshots/evaluate-*.png.
"""

from __future__ import annotations

import time
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


def run_evaluation(page: Any, data: Path | None = None) -> None:
    """Run; with `data`, wait until the run is recorded and drawn (a loaded machine may take
    longer than wait_for_app's grace period just to start the rerun)."""
    before = len(eval_runs(data)) if data else 0
    page.get_by_role("button", name="Run evaluation").click()
    if data:
        deadline = time.monotonic() + 300
        while len(eval_runs(data)) == before and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
    wait_for_app(page, timeout_ms=180_000)


def selectbox(page: Any, label: str) -> Any:
    return page.get_by_role("combobox", name=label)


def metric_text(page: Any, label: str) -> str:
    return str(page.get_by_test_id("stMetric").filter(has_text=label).first.inner_text())


def test_upload_run_history_and_a_refused_file(open_app, app_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = open_app()  # the chat, then Evaluate from the navigation, as a trainer gets there
    page.get_by_test_id("stSidebarNav").get_by_text("Evaluate", exact=True).click()
    page.get_by_role("heading", name="Evaluate").wait_for()
    wait_for_app(page)
    before = len(eval_runs(app_server.data_dir))  # the app creates its database on start

    # the trainer's own file only: never blended with the shipped set selected by default
    page.get_by_text("Your own file", exact=True).click()
    wait_for_app(page)
    csv_path = tmp_path / "coder-questions.csv"
    csv_path.write_text(UPLOAD, encoding="utf-8")
    upload(page, csv_path)
    run_evaluation(page, app_server.data_dir)

    metrics = page.get_by_test_id("stMetric")
    assert metrics.count() >= 8
    labels = " ".join(metrics.all_inner_texts())
    assert "Overall accuracy" in labels and "False abstention" in labels
    # risk–coverage, per entry, history (drawn one after the other)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
    assert page.locator(".modebar").count() == 0  # no plot toolbar over the titles
    page.get_by_role("button", name="Download HTML report").wait_for()  # drawn after the plots
    wait_for_app(page)
    assert page.get_by_text("3 of 3 rows").count() == 1  # the upload's rows, nothing else
    # the wide layout: the per-question table has the room for expected / returned / score
    table = page.get_by_test_id("stDataFrame").first.bounding_box()
    assert table and table["width"] > 800, table  # centred is 704 px
    screenshot(page, "evaluate-run")

    runs = eval_runs(app_server.data_dir)
    assert len(runs) == before + 1
    assert runs[-1].sets == "coder-questions.csv"
    rows = {r["id"]: r for r in runs[-1].result["rows"]}
    assert rows["up-3"]["abstained"]  # a driver's licence is out of scope
    assert rows["up-1"]["results"][0]["id"] == "astro-daily-practice-physics:1"

    # the same file again, after choosing to see the wrong rows: the filter stays, the change
    # since the last run of these sets is shown row by row, and no change is not a red arrow
    selectbox(page, "Show").click()
    selectbox(page, "Show").press_sequentially("Wron")  # typing opens and narrows the list
    page.get_by_role("option", name="Wrong", exact=True).click()
    wait_for_app(page)
    run_evaluation(page, app_server.data_dir)
    page.get_by_text("0 regressed, 0 fixed").wait_for()
    wait_for_app(page)
    assert selectbox(page, "Show").input_value() == "Wrong"
    assert page.get_by_text("0 regressed, 0 fixed").count() == 1
    accuracy = metric_text(page, "Overall accuracy")
    assert "no change" in accuracy
    assert page.get_by_test_id("stMetric").filter(has_text="Overall accuracy").locator(
        '[data-testid="stMetricDeltaIcon-Up"], [data-testid="stMetricDeltaIcon-Down"]'
    ).count() == 0
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download HTML report").click()
    name = dl.value.suggested_filename
    assert name.startswith("eval-20") and name.endswith(".html"), name  # the run's date in it
    html = Path(dl.value.path()).read_text(encoding="utf-8")
    assert str(app_server.data_dir) not in html and "/evals/sets/" not in html
    # past runs are told apart by set, date and knowledge base
    selectbox(page, "Open a past run").click()
    selectbox(page, "Open a past run").press_sequentially("#")
    option = page.get_by_role("option").filter(has_text="coder-questions.csv").first
    assert " UTC · KB v" in option.inner_text()
    page.keyboard.press("Escape")
    screenshot(page, "evaluate-compare")

    # a file with a typo'd entry id: refused, named, nothing recorded, shown above the result
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
    first_metric = page.get_by_test_id("stMetric").first
    assert first_metric.is_visible()  # the previous result stays, below the error
    assert alert.bounding_box()["y"] < first_metric.bounding_box()["y"]
    screenshot(page, "evaluate-refused")
    assert len(eval_runs(app_server.data_dir)) == before + 2
