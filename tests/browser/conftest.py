"""Real-browser fixtures: the real Streamlit server and headless Chromium, for any page's tests.

Fixtures (mark your tests `@pytest.mark.browser`; the harness functions live in harness.py):

- `browser_data_dir` (session): a temporary data dir holding the shipped corpus ingested with the
  real model into real on-disk Chroma (a copy of tests/conftest.py's `seed_data_dir`). The server
  writes its SQLite app database (question log, feedback) here: `browser_data_dir / "app.db"`.
- `app_server` (session): `streamlit run app.py --server.headless true --server.port <free port>`
  against `browser_data_dir`, started once, healthy on `/_stcore/health` before any test runs.
  Gives an `AppServer` (url, port, data_dir, log, process, ready_after_s); stopped at the end.
  Need a server with other data or env? `with start_app_server(dir, env={...}) as server:`.
- `chromium` (session): Debian's /usr/bin/chromium through Playwright, headless, with
  --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
  --no-first-run --disable-sync (never a downloaded browser: `playwright install` is not used).
- `open_app` (function): `open_app(viewport=DESKTOP|PHONE, path="")` opens a fresh browser context
  (its own Streamlit session) on the app, waits until the app is drawn and idle, and returns the
  page. Pages and contexts are closed after the test. JS dialogs are recorded in
  `page.dialogs` (a list) and dismissed, so a test can assert that none fired.
- Helpers: `wait_for_app(page)` after every interaction that reruns the script;
  `screenshot(page, "name")` saves artifacts/screenshots/name.png (the whole conversation, not
  just the viewport). Look at the screenshots.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import (  # noqa: F401  (re-exported for test modules)
    DESKTOP,
    PHONE,
    AppServer,
    launch_chromium,
    screenshot,
    start_app_server,
    wait_for_app,
)


@pytest.fixture(scope="session")
def browser_data_dir(tmp_path_factory: pytest.TempPathFactory, seed_data_dir: Path) -> Path:
    data = tmp_path_factory.mktemp("browser-data")
    shutil.copytree(seed_data_dir / "kb", data / "kb")
    return data


@pytest.fixture(scope="session")
def app_server(browser_data_dir: Path) -> Iterator[AppServer]:
    with start_app_server(browser_data_dir) as server:
        yield server


@pytest.fixture
def open_app(app_server: AppServer, chromium: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def open_(viewport: dict[str, int] = DESKTOP, path: str = "") -> Any:
        context = chromium.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []

        def on_dialog(d: Any) -> None:
            page.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(f"{app_server.url}/{path}")
        wait_for_app(page)
        return page

    yield open_
    for c in contexts:
        c.close()
