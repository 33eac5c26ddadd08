"""Plain helpers behind the browser fixtures, usable outside pytest too (benchmarks, scripts).

- `start_app_server(data_dir)`: context manager running the real `streamlit run app.py` on a free
  port against `data_dir`; waits on `/_stcore/health`; yields an `AppServer`; stops it after.
- `launch_chromium(playwright)`: Debian's /usr/bin/chromium, headless, no network side-traffic.
- `wait_for_app(page)`: waits until the Streamlit script run has finished and the page is idle.
- `screenshot(page, name)`: full-page PNG under artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class AppServer:
    url: str
    port: int
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes]
    started_at: float  # time.perf_counter() when the process was started
    ready_after_s: float  # until /_stcore/health answered

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def streamlit_bin() -> str:
    local = Path(sys.executable).with_name("streamlit")
    return str(local) if local.exists() else (shutil.which("streamlit") or "streamlit")


@contextmanager
def start_app_server(
    data_dir: Path,
    *,
    corpus_dir: Path | None = None,
    env: dict[str, str] | None = None,
    timeout_s: float = 120,
) -> Iterator[AppServer]:
    """Run the real app on a free port against `data_dir` (the app database lands there too)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = data_dir / f"streamlit-{port}.log"
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "RADONC_QA_DATABASE_URL", "RADONC_QA_CHROMA_URL",
                     "RADONC_QA_CORPUS")
    }
    full_env = {
        **inherited,
        "RADONC_QA_DATA": str(data_dir),
        # no corpus_dir: the default, DATA/corpus seeded from the shipped corpus/
        **({"RADONC_QA_CORPUS": str(corpus_dir)} if corpus_dir is not None else {}),
        **(env or {}),
    }
    cmd = [
        streamlit_bin(),
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.serverAddress",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
    ]
    started = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    server = AppServer(url, port, data_dir, log, proc, started, 0.0)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{server.log_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"streamlit not healthy after {timeout_s}s:\n{server.log_text()}"
                )
            time.sleep(0.2)
        server.ready_after_s = time.perf_counter() - started
        yield server
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server we started (its own process group), politely first."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


def launch_chromium(playwright: Any) -> Any:
    """Headless Debian chromium through Playwright (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def wait_for_app(page: Any, timeout_ms: float = 60_000) -> None:
    """Wait until the app has drawn and its script run is over (no 'Running…' status).

    A click or Enter starts a rerun only after a round trip to the server, so first give the
    run up to half a second to start; otherwise the previous, finished state would pass the
    check below before the rerun has begun.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    try:
        page.wait_for_function(
            """() => document.querySelector('[data-testid="stApp"]')
                       ?.getAttribute('data-test-script-state') === 'running'""",
            timeout=500,
        )
    except Exception:  # noqa: BLE001 - the run may already be over (or never needed to start)
        pass
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const state = app && app.getAttribute('data-test-script-state');
            const busy = '[data-testid="stStatusWidget"] [data-testid="stSpinner"]';
            return state && state !== 'running' && state !== 'initial'
                && !document.querySelector(busy);
        }""",
        timeout=timeout_ms,
    )
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_timeout(150)  # let the last delta paint (element transitions)


def send(page: Any, text: str) -> None:
    """Type a question, press Enter, wait for the reply to be drawn."""
    before = page.locator('[data-testid="stChatMessage"]').count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=stChatMessage]').length >= {before + 2}"
    )
    wait_for_app(page)


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG under artifacts/screenshots/ (git-ignored, kept by CI as an artifact).

    Streamlit scrolls inside its main container, not the page, so for a full-page shot the
    viewport is stretched to the content's height for the shot and then put back.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    extra = 0
    if full_page and size:
        extra = page.evaluate(
            """() => {
                const m = document.querySelector('[data-testid="stAppScrollToBottomContainer"]')
                    || document.querySelector('[data-testid="stMain"]');
                return m ? Math.max(0, m.scrollHeight - m.clientHeight) : 0;
            }"""
        )
    if extra:
        page.set_viewport_size({"width": size["width"], "height": size["height"] + int(extra)})
        page.wait_for_timeout(300)
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if extra:
            page.set_viewport_size(size)
    return path
