"""The Evaluate page through AppTest: the real app script, real model, real Chroma, real SQLite."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from appdb import EvalRun
from tests.conftest import REPO

pytestmark = pytest.mark.slow

if str(REPO) not in sys.path:  # the app script imports `pages`
    sys.path.insert(0, str(REPO))


@pytest.fixture
def evaluate_page(monkeypatch: pytest.MonkeyPatch, app_data: Path) -> Callable[[], AppTest]:
    def start() -> AppTest:
        for var in ("DATABASE_URL", "RADONC_QA_DATABASE_URL", "RADONC_QA_CHROMA_URL"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("RADONC_QA_DATA", str(app_data))
        monkeypatch.delenv("RADONC_QA_CORPUS", raising=False)  # DATA/corpus, the default
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180).run()
        return at.switch_page("pages/evaluate.py").run()

    return start


def runs_in_db(data: Path) -> list[EvalRun]:
    engine = create_engine(f"sqlite:///{data / 'app.db'}")
    with Session(engine) as s:
        out = list(s.scalars(select(EvalRun).order_by(EvalRun.id)))
    engine.dispose()
    return out


def frame(at: AppTest, column: str):  # type: ignore[no-untyped-def]
    """The dataframe with this column (AppTest does not expose st.dataframe keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def submit(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Run evaluation").click()
    return at.run()


def test_run_the_held_out_set_cards_table_history(evaluate_page, app_data: Path) -> None:  # type: ignore[no-untyped-def]
    at = evaluate_page()
    assert not at.exception
    assert at.title[0].value == "Evaluate"
    sets = at.multiselect(key="eval-sets")
    assert sets.value == ["seed-regression-dev.jsonl"]
    labels = dict(zip(sets.options, sets.options, strict=True))  # options are the labels shown
    assert any(o.startswith("publishers-dev.jsonl · for other documents") for o in labels)
    assert "seed-tuning-dev.jsonl" in labels  # a set about the seed is listed plainly
    assert "No runs yet" in "\n".join(c.value for c in at.caption)

    at = submit(at)
    assert not at.exception and not at.error
    labels = {m.label: m.value for m in at.metric}
    assert {"Overall accuracy", "In scope answered right", "Out-of-scope abstention",
            "False abstention", "Hit@1", "Hit@3", "MRR@5", "Coverage"} <= labels.keys()
    assert labels["Overall accuracy"].endswith("%")

    saved = runs_in_db(app_data)
    assert len(saved) == 1 and saved[0].sets == "seed-regression-dev.jsonl"
    assert saved[0].result is not None and len(saved[0].result["rows"]) == 52
    acc = saved[0].metrics["accuracy"]
    assert labels["Overall accuracy"] == f"{acc:.1%}"

    table = frame(at, "returned")
    assert len(table) == 52 and {"question", "expected", "returned", "score", "right"} <= set(
        table.columns)
    wrong = sum(1 for r in saved[0].result["rows"] if not r["right"])
    at.selectbox(key="eval-filter").select("Wrong").run()
    assert len(frame(at, "returned")) == wrong
    assert not frame(at, "returned")["right"].any()
    at.selectbox(key="eval-filter").select("All rows").run()
    at.text_input(key="eval-text").input("SBRT").run()
    shown = frame(at, "returned")
    assert 0 < len(shown) < 52 and all("sbrt" in q.lower() for q in shown["question"])

    # a second run: history lists both, the cards show the change against the first
    at = submit(at)
    assert len(runs_in_db(app_data)) == 2
    hist = frame(at, "knowledge base")
    assert len(hist) == 2 and set(hist["knowledge base"]) == {saved[0].kb_version}
    # same sets, same knowledge base: no change (drawn without an arrow, not as a red one)
    assert any(m.label == "Overall accuracy" and m.delta == "no change" for m in at.metric)
    assert any("0 regressed, 0 fixed" in str(m.value) for m in at.markdown)

    # reopen the first run from the history
    first = runs_in_db(app_data)[0].id
    at.selectbox(key="eval-past").set_value(first).run()
    next(b for b in at.button if b.label == "Open").click().run()
    assert not at.exception
    assert at.session_state["eval_result"]["history_id"] == first
    assert any(c.value.endswith("of 52 rows") for c in at.caption)  # the "SBRT" filter stays


def test_bad_shipped_selection_records_nothing(evaluate_page, app_data: Path) -> None:  # type: ignore[no-untyped-def]
    at = evaluate_page()
    at.multiselect(key="eval-sets").set_value([])  # inside the form: sent with the submit
    at = submit(at)
    assert "Pick a shipped set or upload one first" in at.warning[0].value
    assert runs_in_db(app_data) == []


def test_downloads_carry_the_run(evaluate_page) -> None:  # type: ignore[no-untyped-def]
    at = submit(evaluate_page())
    # AppTest has no download-button element API; the data the buttons serve is in state
    d = at.session_state["eval_result"]
    assert json.loads(json.dumps(d))["kb_version"] == d["kb_version"]
    html = at.session_state["eval_result_html"]
    assert html.startswith("<!DOCTYPE html>") and "Failed rows" in html


def test_data_dir_sets_listed_but_not_rows_awaiting_review(evaluate_page, app_data: Path) -> None:  # type: ignore[no-untyped-def]
    evals_dir = app_data / "evals"
    evals_dir.mkdir(parents=True, exist_ok=True)
    row = {"id": "r1", "question": "can we bill 77370 after treatment ended?", "expected": []}
    for name in ("reviewed.jsonl", "pending-review.jsonl", "gaps-out-of-scope.jsonl"):
        (evals_dir / name).write_text(json.dumps(row) + "\n")
    options = evaluate_page().multiselect(key="eval-sets").options
    assert "data/reviewed.jsonl" in options and "data/gaps-out-of-scope.jsonl" in options
    assert "data/pending-review.jsonl" not in options
    assert "seed-regression-dev.jsonl" in options
