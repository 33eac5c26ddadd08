"""AppTest fixtures: the real app script over a private copy of the seed knowledge base.

`app_env(data_dir=None, corpus_dir=None)` points the app at a data dir (default: a fresh copy of
the session's `seed_data_dir`, so the question log written by a test is its own) and a corpus
(default: the app's own, `DATA/corpus/` seeded from the shipped `corpus/`);
`run_app()` then returns a started `AppTest` of app.py (real model, real Chroma, SQLite log).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # `pages` (the app's helpers) is imported by the app script
    sys.path.insert(0, str(REPO))

APP_TIMEOUT_S = 120  # the first run in a process loads the model


@pytest.fixture
def run_app(monkeypatch: pytest.MonkeyPatch, app_data: Path) -> Callable[..., AppTest]:
    def start(data_dir: Path | None = None, corpus_dir: Path | None = None, **env: str) -> AppTest:
        for var in ("DATABASE_URL", "RADONC_QA_DATABASE_URL", "RADONC_QA_CHROMA_URL"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("RADONC_QA_DATA", str(data_dir or app_data))
        if corpus_dir is None:  # the default: DATA/corpus, seeded from the shipped corpus/
            monkeypatch.delenv("RADONC_QA_CORPUS", raising=False)
        else:
            monkeypatch.setenv("RADONC_QA_CORPUS", str(corpus_dir))
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=APP_TIMEOUT_S)
        return at.run()

    return start
